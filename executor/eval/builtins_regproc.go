package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// to_regproc, to_regprocedure, to_regoper, to_regoperator: the input of
// the result type, answering NULL instead of failing when the object does
// not exist or a bare name is overloaded; malformed signatures and
// unknown argument types still fail, as in PostgreSQL 15. OID numbers are
// not read (PostgreSQL looks the text up as a name).
func init() {
	impls[planner.FnToRegproc] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := a[0].(string)
		if s == "" || s == "-" || s[0] >= '0' && s[0] <= '9' {
			return nil, nil
		}
		d, err := types.ParseText(x.T, s, c.opts)
		if err != nil {
			switch pgerror.From(err).Code {
			case pgerror.UndefinedFunction, pgerror.AmbiguousFunction:
				return nil, nil
			}
			return nil, err
		}
		return d, nil
	}
}

// BuiltinSQLBody is pg_get_function_sqlbody for a built-in function
// (executor/pgcatalog sets it); ok is false for functions without a
// SQL-standard body. User functions answer NULL: nqdb keeps their body as
// written, in prosrc.
var BuiltinSQLBody func(oid uint32) (string, bool)

func init() {
	impls[planner.FnPgGetFunctionSqlbody] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if BuiltinSQLBody != nil {
			if s, ok := BuiltinSQLBody(oidArg(a[0])); ok {
				return s, nil
			}
		}
		return nil, nil
	}
}
