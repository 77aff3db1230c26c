package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Questions executor/pgcatalog asks to list only the built-in operators
// and aggregates nqdb really has in pg_operator and pg_aggregate.

// OperatorResult reports the result type nqdb gives l <name> r (l nil for
// a prefix operator) for operands of these types, converting them
// implicitly as the binder does (int8 < int4 compares as int8); ok is
// false when nqdb has no such operator or the choice is ambiguous. Enum
// comparisons and the || forms the binder handles itself are answered as
// it binds them.
func OperatorResult(name string, l, r *types.T) (ret *types.T, ok bool) {
	if l == nil {
		f, _ := resolve(prefixOps[name], []Expr{&Const{T: r}}, false)
		if f == nil || len(f.Args) != 1 {
			return nil, false
		}
		return retOf(f, r), true
	}
	if l.Enum != nil || r.Enum != nil {
		if _, cmp := cmpOps[name]; cmp && l == r {
			return types.Bool, true
		}
		return nil, false
	}
	switch name {
	case "||":
		return concatResult(l, r)
	case "~*", "!~*":
		// Case-insensitive regular expression matches: sql/parser
		// rewrites them into calls before the binder sees an operator.
		if l.Category == types.CatString && r.Category == types.CatString {
			return types.Bool, true
		}
		return nil, false
	}
	f, _ := resolve(operators[name], []Expr{&Const{T: l}, &Const{T: r}}, true)
	if f == nil || len(f.Args) != 2 {
		return nil, false
	}
	return retOf(f, l), true
}

// concatResult is || as concatOp binds it: text with text or any
// non-array type, bytea with bytea, jsonb with jsonb, arrays with arrays
// or their element type.
func concatResult(l, r *types.T) (*types.T, bool) {
	switch {
	case l.OID == types.OidJSONB && r.OID == types.OidJSONB:
		return types.JSONB, true
	case l.IsArray() && (r.OID == l.OID || r.OID == l.Elem.OID):
		return l, true
	case r.IsArray() && l.OID == r.Elem.OID:
		return r, true
	case l.IsArray() || r.IsArray():
		return nil, false
	case l.OID == types.OidBytea && r.OID == types.OidBytea:
		return types.Bytea, true
	case l.OID == types.OidText || r.OID == types.OidText:
		return types.Text, true
	}
	return nil, false
}

func retOf(f *Func, first *types.T) *types.T {
	if f.Ret != nil {
		return f.Ret
	}
	return first
}

// IsAggregateName reports whether name is one of nqdb's built-in
// aggregate functions.
func IsAggregateName(name string) bool { return aggNames[name] }

// The visibility tests of the built-in objects' catalogs psql's \do,
// \dAc, \dAf and \dc call. Every such object is in pg_catalog, which is
// always searched, and users cannot create any, so the answer is that of
// pg_function_is_visible for a built-in: true.
func init() {
	for _, name := range []string{"pg_operator_is_visible", "pg_opclass_is_visible", "pg_opfamily_is_visible",
		"pg_conversion_is_visible"} {
		if functions[name] == nil {
			addFn(name, FnPgFunctionIsVisible, types.Bool, types.Oid).Volatility = Stable
		}
	}
}

// IsWindowFunctionName reports whether name is one of nqdb's built-in
// window functions (row_number, rank, lag, ...).
func IsWindowFunctionName(name string) bool {
	_, ok := winKinds[name]
	return ok
}

// to_regproc, to_regprocedure, to_regoper and to_regoperator (text): the
// OID the type's input gives, NULL when there is no such object or, by
// name alone, more than one (executor/eval/builtins_regproc.go; one
// FuncID, the result type tells them apart).
func init() {
	for name, t := range map[string]*types.T{"to_regproc": types.Regproc, "to_regprocedure": types.Regprocedure,
		"to_regoper": types.Regoper, "to_regoperator": types.Regoperator} {
		if functions[name] == nil {
			addFn(name, FnToRegproc, t, types.Text).Volatility = Stable
		}
	}
}

// pg_get_function_sqlbody(oid): the SQL-standard body of a function
// (psql's \df+ reads it), NULL for the others.
func init() {
	if functions["pg_get_function_sqlbody"] == nil {
		addFn("pg_get_function_sqlbody", FnPgGetFunctionSqlbody, types.Text, types.Oid).Volatility = Stable
	}
}
