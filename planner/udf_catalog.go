package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// The catalog functions over pg_proc rows that psql's \df and \sf and
// pg_dump call: pg_get_functiondef, pg_get_function_arguments,
// pg_get_function_identity_arguments, pg_get_function_result and
// pg_function_is_visible (executor/eval/builtins_udf.go).
func init() {
	O, T := types.Oid, types.Text
	for _, f := range []struct {
		name string
		id   FuncID
		ret  *types.T
	}{
		{"pg_get_functiondef", FnPgGetFunctionDef, T},
		{"pg_get_function_arguments", FnPgGetFunctionArgs, T},
		{"pg_get_function_identity_arguments", FnPgGetFunctionIdentityArgs, T},
		{"pg_get_function_result", FnPgGetFunctionResult, T},
		{"pg_function_is_visible", FnPgFunctionIsVisible, types.Bool},
	} {
		addFn(f.name, f.id, f.ret, O).Volatility = Stable
	}
}
