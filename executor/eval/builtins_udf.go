package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FunctionEnv is implemented by an Env that knows the user-defined
// routines (the executor's Session): the texts of pg_get_functiondef and
// friends for a pg_proc OID. ok is false when oid is not a user routine.
type FunctionEnv interface {
	FunctionText(oid uint32, what FunctionTextKind) (text string, ok bool)
	// FunctionVisible is pg_function_is_visible for a user routine.
	FunctionVisible(oid uint32) (visible, ok bool)
}

// FunctionTextKind selects one of the pg_get_function* texts.
type FunctionTextKind uint8

// The pg_get_function* texts.
const (
	FunctionDef FunctionTextKind = iota
	FunctionArgs
	FunctionIdentityArgs
	FunctionResult
)

func init() {
	text := func(kind FunctionTextKind) implFn {
		return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
			fe, _ := c.env.(FunctionEnv)
			if fe == nil {
				return nil, nil
			}
			if s, ok := fe.FunctionText(oidArg(a[0]), kind); ok {
				return s, nil
			}
			return nil, nil
		}
	}
	impls[planner.FnPgGetFunctionDef] = text(FunctionDef)
	impls[planner.FnPgGetFunctionArgs] = text(FunctionArgs)
	impls[planner.FnPgGetFunctionIdentityArgs] = text(FunctionIdentityArgs)
	impls[planner.FnPgGetFunctionResult] = text(FunctionResult)
	impls[planner.FnPgFunctionIsVisible] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if fe, _ := c.env.(FunctionEnv); fe != nil {
			if v, ok := fe.FunctionVisible(oidArg(a[0])); ok {
				return v, nil
			}
		}
		// Built-ins live in pg_catalog, always searched.
		return true, nil
	}
}
