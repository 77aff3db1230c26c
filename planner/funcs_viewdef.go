package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// pg_get_viewdef(view [, pretty | wrap column]): a view's query as
// PostgreSQL 15 prints it back (DeparseView in deparse.go, called through
// executor/eval/builtins_viewdef.go); the text as written when the query
// holds something not deparsed yet.
func init() {
	O, T := types.Oid, types.Text
	addFn("pg_get_viewdef", FnPgGetViewdef, T, O).Volatility = Stable
	addFn("pg_get_viewdef", FnPgGetViewdef, T, O, types.Bool).Volatility = Stable
	addFn("pg_get_viewdef", FnPgGetViewdef, T, O, types.Int4).Volatility = Stable
	addFn("pg_get_viewdef", FnPgGetViewdefName, T, T).Volatility = Stable
	addFn("pg_get_viewdef", FnPgGetViewdefName, T, T, types.Bool).Volatility = Stable
	// pg_get_serial_sequence(table, column): the sequence a serial or
	// identity column owns, schema-qualified.
	addFn("pg_get_serial_sequence", FnPgGetSerialSequence, T, T, T).Volatility = Stable
	// pg_stat_statements_reset(): forget the statement counters.
	addFn("pg_stat_statements_reset", FnPgStatStatementsReset, types.Void).Volatility = Volatile
}
