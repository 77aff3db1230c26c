package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Prefix operators that sql/parser rewrites into one-operand nqdb_op
// markers (see sql/parser/operators.go): PostgreSQL's @ (absolute value of
// every numeric type), |/ (square root) and ||/ (cube root) of float8.

func init() {
	for _, t := range numericTypes {
		prefixOps["@"] = append(prefixOps["@"], &Func{ID: FnAbs, Name: "@", Args: []*types.T{t}, Ret: t, Strict: true})
	}
	prefixOps["|/"] = append(prefixOps["|/"], &Func{ID: FnSqrt, Name: "|/", Args: []*types.T{types.Float8}, Ret: types.Float8, Strict: true})
	prefixOps["||/"] = append(prefixOps["||/"], &Func{ID: FnCbrt, Name: "||/", Args: []*types.T{types.Float8}, Ret: types.Float8, Strict: true})
}

// bindPrefixOpMarker binds nqdb_op('op', x) as the prefix operator op; a
// missing operator is reported at the operator, as PostgreSQL does.
func (b *binder) bindPrefixOpMarker(x *ast.FuncCallExpr) (Expr, error) {
	v, ok := x.Args[0].(*test_driver.ValueExpr)
	if !ok || v.Kind() != test_driver.KindString {
		return nil, pgerror.New(pgerror.SyntaxError, "malformed operator").WithPosition(pos(x))
	}
	e, err := b.bindExpr(x.Args[1])
	if err != nil {
		return nil, err
	}
	return b.unaryOp(v.GetString(), e, x.Args[1], pos(x.Args[0]))
}
