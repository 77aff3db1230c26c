package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// pg_get_viewdef(view [, pretty | wrap column]): a view's query. nqdb
// keeps views as written, so it returns that text (with PostgreSQL's
// leading space and trailing semicolon), not PostgreSQL's deparsed form
// (executor/eval/builtins_viewdef.go).
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
