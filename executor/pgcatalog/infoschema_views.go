package pgcatalog

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// viewUpdatableColumns reports, per column of v, whether
// information_schema.columns calls it updatable: the view must be
// automatically updatable (one table or view in FROM; no DISTINCT, GROUP
// BY, HAVING, LIMIT, WITH, set operation, aggregate or window function,
// as planner/view_dml.go enforces) and the column a plain column of it.
// This is a syntactic check of the stored definition: a view over a
// non-updatable view is still reported updatable here.
func viewUpdatableColumns(v ViewInfo) []bool {
	stmts, err := parser.Parse(v.Definition)
	if err != nil || len(stmts) != 1 {
		return nil
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.Distinct || sel.GroupBy != nil || sel.Having != nil || sel.Limit != nil ||
		sel.With != nil || sel.Fields == nil || sel.From == nil || sel.From.TableRefs == nil {
		return nil
	}
	j := sel.From.TableRefs
	if j.Right != nil {
		return nil
	}
	ts, ok := j.Left.(*ast.TableSource)
	if !ok {
		return nil
	}
	if _, ok := ts.Source.(*ast.TableName); !ok {
		return nil
	}
	var f aggFinder
	for _, fl := range sel.Fields.Fields {
		if fl.Expr != nil {
			fl.Expr.Accept(&f)
		}
	}
	if f.found {
		return nil
	}
	out := make([]bool, 0, len(v.Columns))
	for _, fl := range sel.Fields.Fields {
		if fl.WildCard != nil {
			// * expands to base columns, all plain.
			for len(out) < len(v.Columns) {
				out = append(out, true)
			}
			break
		}
		_, plain := fl.Expr.(*ast.ColumnNameExpr)
		out = append(out, plain)
	}
	return out
}

// aggFinder looks for aggregate and window calls outside subqueries.
type aggFinder struct{ found bool }

func (f *aggFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.AggregateFuncExpr, *ast.WindowFuncExpr:
		f.found = true
		return n, true
	case *ast.SubqueryExpr:
		return n, true
	}
	return n, false
}

func (f *aggFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }
