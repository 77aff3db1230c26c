package planner

import (
	"sort"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The system catalog information functions psql, drivers and BI tools
// call (PostgreSQL 15's signatures from pg_proc). Implementations:
// executor/eval/builtins_catalog.go, which reads the live catalog through
// the session (eval.CatalogEnv).

func init() {
	T, I4, I8, B, O, N := types.Text, types.Int4, types.Int8, types.Bool, types.Oid, types.Name
	RC := types.Regclass
	stable := func(f *Func) *Func { f.Volatility = Stable; return f }
	lax := func(f *Func) *Func { f.Strict = false; return f }

	lax(stable(addFn("format_type", FnFormatType, T, O, I4)))
	stable(addFn("pg_get_indexdef", FnPgGetIndexdef, T, O))
	stable(addFn("pg_get_indexdef", FnPgGetIndexdef, T, O, I4, B))
	stable(addFn("pg_get_constraintdef", FnPgGetConstraintdef, T, O))
	stable(addFn("pg_get_constraintdef", FnPgGetConstraintdef, T, O, B))
	// There are no triggers (pg_trigger is empty), so there is no
	// definition to print: NULL, as PostgreSQL gives for an unknown OID.
	stable(addFn("pg_get_triggerdef", FnPgGetTriggerdef, T, O))
	stable(addFn("pg_get_triggerdef", FnPgGetTriggerdef, T, O, B))
	// pg_rewrite is empty (views' _RETURN rules are not listed), so
	// pg_get_ruledef, like pg_get_triggerdef, has nothing to print; psql's
	// \d+ of a view calls it because relhasrules is set.
	stable(addFn("pg_get_ruledef", FnPgGetTriggerdef, T, O))
	stable(addFn("pg_get_ruledef", FnPgGetTriggerdef, T, O, B))
	// Signals to other sessions (volatile: never folded).
	volatile := func(f *Func) { f.Volatility = Volatile }
	volatile(addFn("pg_cancel_backend", FnPgCancelBackend, B, I4))
	volatile(addFn("pg_terminate_backend", FnPgTerminateBackend, B, I4))
	volatile(addFn("pg_terminate_backend", FnPgTerminateBackend, B, I4, I8))
	// Nor are there partitioned tables: pg_get_partkeydef is NULL for
	// every OID, as PostgreSQL gives for a table that is not partitioned
	// (DBeaver's table list reads it).
	stable(addFn("pg_get_partkeydef", FnPgGetTriggerdef, T, O))
	// parse_ident(text [, strict]) splits a qualified name into its parts.
	addFn("parse_ident", FnParseIdent, types.TextArray, T)
	addFn("parse_ident", FnParseIdent, types.TextArray, T, B)
	stable(addFn("pg_table_is_visible", FnPgTableIsVisible, B, O))
	stable(addFn("pg_type_is_visible", FnPgTypeIsVisible, B, O))
	stable(addFn("pg_get_userbyid", FnPgGetUserByID, N, O))
	stable(addFn("obj_description", FnObjDescription, T, O, N))
	stable(addFn("obj_description", FnObjDescription, T, O))
	stable(addFn("col_description", FnObjDescription, T, O, I4))
	stable(addFn("shobj_description", FnObjDescription, T, O, N))
	// pg_node_tree columns are text in nqdb (see executor/pgcatalog).
	stable(addFn("pg_get_expr", FnPgGetExpr, T, T, O))
	stable(addFn("pg_get_expr", FnPgGetExpr, T, T, O, B))
	// Every session is the superuser postgres: every privilege is held.
	for _, n := range []string{"has_table_privilege", "has_schema_privilege", "has_database_privilege",
		"has_sequence_privilege", "has_any_column_privilege", "has_function_privilege"} {
		for _, obj := range []*types.T{T, O} {
			stable(addFn(n, FnHasPrivilege, B, obj, T))
			stable(addFn(n, FnHasPrivilege, B, N, obj, T))
			stable(addFn(n, FnHasPrivilege, B, O, obj, T))
		}
	}
	stable(addFn("pg_encoding_to_char", FnPgEncodingToChar, N, I4))
	for _, n := range []string{"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"} {
		addFn(n, FnPgRelationSize, I8, RC).Volatility = Volatile
	}
	addFn("pg_relation_size", FnPgRelationSize, I8, RC, T).Volatility = Volatile
	addFn("pg_database_size", FnPgRelationSize, I8, N).Volatility = Volatile
	addFn("pg_database_size", FnPgRelationSize, I8, O).Volatility = Volatile
	addFn("pg_size_pretty", FnPgSizePretty, T, I8)
	addFn("pg_size_pretty", FnPgSizePretty, T, types.Numeric)
	stable(addFn("pg_postmaster_start_time", FnPgPostmasterStartTime, types.TimestampTZ))
	addFn("pg_is_in_recovery", FnPgIsInRecovery, B).Volatility = Volatile
	addFn("txid_current", FnTxidCurrent, I8).Volatility = Volatile
	stable(addFn("pg_get_statisticsobjdef_columns", FnPgGetStatisticsobjdefColumns, T, O))
	stable(addFn("pg_relation_is_publishable", FnPgRelationIsPublishable, B, RC))
	// to_regclass(text): the name's OID or NULL.
	stable(addFn("to_regclass", FnRegclassIn, RC, T))

	// "char" (pg_class.relkind, ...) compares with its own operators;
	// psql's queries compare such columns with literals.
	for _, c := range []struct {
		n  string
		id FuncID
	}{{"=", FnEq}, {"<>", FnNe}, {"<", FnLt}, {"<=", FnLe}, {">", FnGt}, {">=", FnGe}} {
		addOp(c.n, c.id, B, types.Char, types.Char)
	}
}

// FunctionNames returns the names of every built-in function, sorted (for
// pg_proc).
func FunctionNames() []string {
	out := make([]string, 0, len(functions))
	for n := range functions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
