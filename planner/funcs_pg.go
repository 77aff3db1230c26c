package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Operators and functions behind PostgreSQL syntax that sql/parser
// rewrites: the JSON operators (reaching the binder as sql/parser's
// OpFunc marker), jsonb's - and ||, AT TIME ZONE (timezone) and SIMILAR
// TO (similar_to_escape). Signatures follow pg_operator / pg_proc.

func init() {
	T, I4, B := types.Text, types.Int4, types.Bool
	J, JB, TA := types.JSON, types.JSONB, types.TextArray
	for _, j := range []*types.T{J, JB} {
		addOp("->", FnJSONGet, j, j, T)
		addOp("->", FnJSONGet, j, j, I4)
		addOp("->>", FnJSONGetText, T, j, T)
		addOp("->>", FnJSONGetText, T, j, I4)
		addOp("#>", FnJSONGetPath, j, j, TA)
		addOp("#>>", FnJSONGetPathTxt, T, j, TA)
	}
	addOp("@>", FnJSONBContains, B, JB, JB)
	addOp("<@", FnJSONBContained, B, JB, JB)
	addOp("?", FnJSONBExists, B, JB, T)
	addOp("?|", FnJSONBExistsAny, B, JB, TA)
	addOp("?&", FnJSONBExistsAll, B, JB, TA)
	addOp("-", FnJSONBDelete, JB, JB, T)
	addOp("-", FnJSONBDelete, JB, JB, I4)
	addOp("-", FnJSONBDelete, JB, JB, TA)
	addOp("#-", FnJSONBDeletePath, JB, JB, TA)
	addFn("jsonb_concat", FnJSONBConcat, JB, JB, JB)
	addFn("jsonb_contains", FnJSONBContains, B, JB, JB)
	addFn("jsonb_contained", FnJSONBContained, B, JB, JB)
	addFn("jsonb_exists", FnJSONBExists, B, JB, T)
	addFn("jsonb_exists_any", FnJSONBExistsAny, B, JB, TA)
	addFn("jsonb_exists_all", FnJSONBExistsAll, B, JB, TA)
	addFn("jsonb_delete_path", FnJSONBDeletePath, JB, JB, TA)

	// timezone(zone, x) is x AT TIME ZONE zone: timestamptz to local
	// timestamp and back. The zone is resolved when the call runs.
	for _, z := range []*types.T{T, types.Interval} {
		addFn("timezone", FnTimezone, types.Timestamp, z, types.TimestampTZ)
		addFn("timezone", FnTimezone, types.TimestampTZ, z, types.Timestamp)
	}

	addFn("similar_to_escape", FnSimilarToEscape, T, T)
	addFn("similar_to_escape", FnSimilarToEscape, T, T, T)
}
