package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// SELECT DISTINCT ON (exprs): sql/parser hands the expressions over as a
// first select field calling parser.DistinctOnFunc. The rows are sorted by
// ORDER BY followed by the ON expressions it does not list (the ON
// expressions alone without ORDER BY), and a Distinct with On keeps the
// first row of each group, as PostgreSQL's Unique over a Sort does.

// splitDistinctOn returns s without the DISTINCT ON marker field and the
// marker's expressions (nil when s has no DISTINCT ON). s is not modified:
// a statement may be planned again.
func splitDistinctOn(s *ast.SelectStmt) (*ast.SelectStmt, []ast.ExprNode) {
	if s.Fields == nil || len(s.Fields.Fields) == 0 {
		return s, nil
	}
	fc, ok := s.Fields.Fields[0].Expr.(*ast.FuncCallExpr)
	if !ok || fc.FnName.L != parser.DistinctOnFunc {
		return s, nil
	}
	c := *s
	c.Fields = &ast.FieldList{Fields: s.Fields.Fields[1:]}
	return &c, fc.Args
}

// distinctOnKeys resolves the ON expressions as ORDER BY items (output
// names and positions allowed) and returns the columns they are and the
// sort keys to apply: keys (ORDER BY), which must start with ON
// expressions, followed by the ON expressions it does not mention.
func (b *binder) distinctOnKeys(on []ast.ExprNode, names []string, exprs *[]Expr, keys []SortKey) ([]int, []SortKey, error) {
	cols := make([]int, 0, len(on))
	// same finds an ON column holding the expression at column idx (an
	// expression written twice is bound twice, as two hidden columns).
	same := func(idx int) bool {
		for _, c := range cols {
			if c == idx || exprEqual((*exprs)[c], (*exprs)[idx]) {
				return true
			}
		}
		return false
	}
	for _, n := range on {
		idx, err := b.orderKey(n, names, exprs)
		if err != nil {
			return nil, nil, err
		}
		if !same(idx) {
			cols = append(cols, idx)
		}
	}
	// transformDistinctOnClause: the ORDER BY items up to the last ON
	// expression it holds must all be ON expressions.
	for i := 0; i < len(keys) && i < len(cols); i++ {
		if !same(keys[i].Col) {
			return nil, nil, pgerror.New(pgerror.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions").
				WithPosition(pos(on[0]))
		}
	}
	sortKeys := append([]SortKey(nil), keys...)
	for _, c := range cols {
		listed := false
		for _, k := range keys {
			if k.Col == c || exprEqual((*exprs)[k.Col], (*exprs)[c]) {
				listed = true
			}
		}
		if !listed {
			sortKeys = append(sortKeys, SortKey{Col: c})
		}
	}
	return cols, sortKeys, nil
}
