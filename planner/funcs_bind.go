package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// bindExtract binds EXTRACT(field FROM x). The TiDB grammar parses it as
// extract(TimeUnitExpr, x) for the units MySQL knows (YEAR, MONTH, DAY,
// HOUR, MINUTE, SECOND, MICROSECOND, WEEK, QUARTER); PostgreSQL's own
// fields such as EPOCH and DOW do not parse and must be written as
// extract('epoch', x) or date_part. Either way it becomes
// extract(text, x), PostgreSQL 14+'s numeric-returning function.
func (b *binder) bindExtract(x *ast.FuncCallExpr) (Expr, error) {
	if len(x.Args) == 2 {
		if u, ok := x.Args[0].(*ast.TimeUnitExpr); ok {
			field := strings.ToLower(u.Unit.String())
			if field == "microsecond" {
				field = "microseconds"
			}
			arg, err := b.bindExpr(x.Args[1])
			if err != nil {
				return nil, err
			}
			return b.callFuncArgs("extract", []Expr{&Const{Val: field, T: types.Text}, arg}, []ast.Node{x.Args[0], x.Args[1]}, x)
		}
	}
	return b.callAST("extract", x.Args, x)
}
