package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Functions the PostgreSQL regression scripts (internal/pgregress) call
// that the everyday set lacked: hyperbolic and degree-based trigonometry,
// the float send functions, to_char for numbers, and the boolean
// comparison functions behind = and <>. Signatures are pg_proc's.

func init() {
	F4, F8, B := types.Float4, types.Float8, types.Bool
	for _, c := range []struct {
		n  string
		id FuncID
	}{{"asinh", FnAsinh}, {"acosh", FnAcosh}, {"atanh", FnAtanh}, {"sind", FnSind}, {"cosd", FnCosd},
		{"tand", FnTand}, {"cotd", FnCotd}, {"asind", FnAsind}, {"acosd", FnAcosd}, {"atand", FnAtand}} {
		addFn(c.n, c.id, F8, F8)
	}
	addFn("atan2d", FnAtan2d, F8, F8, F8)
	addFn("float8send", FnFloatSend, types.Bytea, F8)
	addFn("float4send", FnFloatSend, types.Bytea, F4)
	addFn("booleq", FnEq, B, B, B)
	addFn("boolne", FnNe, B, B, B)
	for _, t := range []*types.T{types.Int4, types.Int8, F4, F8, types.Numeric} {
		stable := addFn("to_char", FnToCharNum, types.Text, t, types.Text)
		stable.Volatility = Stable
	}
}
