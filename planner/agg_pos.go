package planner

import (
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// groupingErrorAt gives an ungrouped-column error (rewriteAgg's, which
// sees bound expressions only) the position PostgreSQL reports: the first
// reference to the column outside aggregate calls and subqueries, looked
// up in the select list, then ORDER BY, then HAVING (the order in which
// PostgreSQL checks the target list, its ORDER BY entries included, and the
// HAVING qualification).
func groupingErrorAt(err error, s *ast.SelectStmt) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Code != pgerror.GroupingError || pe.Position != 0 {
		return err
	}
	name, ok := strings.CutPrefix(pe.Message, "column \"")
	if !ok {
		return err
	}
	name, _, ok = strings.Cut(name, "\" must appear")
	if !ok {
		return err
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	v := &ungroupedRefFinder{name: name}
	if s.Fields != nil {
		for _, f := range s.Fields.Fields {
			if f.Expr != nil && v.found == nil {
				f.Expr.Accept(v)
			}
		}
	}
	if s.OrderBy != nil {
		for _, it := range s.OrderBy.Items {
			if v.found == nil {
				it.Expr.Accept(v)
			}
		}
	}
	if s.Having != nil && v.found == nil {
		s.Having.Expr.Accept(v)
	}
	if v.found == nil {
		return err
	}
	return pe.WithPosition(pos(v.found))
}

// ungroupedRefFinder finds the first column reference named name outside
// aggregate and window calls and subqueries.
type ungroupedRefFinder struct {
	name  string
	found ast.Node
}

// Enter implements ast.Visitor.
func (v *ungroupedRefFinder) Enter(n ast.Node) (ast.Node, bool) {
	if v.found != nil {
		return n, true
	}
	switch x := n.(type) {
	case *ast.AggregateFuncExpr, *ast.WindowFuncExpr, *ast.SubqueryExpr:
		return n, true
	case *ast.FuncCallExpr:
		// Aggregates TiDB does not know by name are plain calls to it.
		if aggNames[x.FnName.L] {
			return n, true
		}
	case *ast.ColumnNameExpr:
		if x.Name.Name.O == v.name {
			v.found = x
			return n, true
		}
	}
	return n, false
}

// Leave implements ast.Visitor.
func (v *ungroupedRefFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// orderByAmbiguityFirst reports an ambiguous column of GROUP BY where
// PostgreSQL meets it first: it transforms ORDER BY before GROUP BY, so an
// ORDER BY item that references the same ambiguous name (and is not an
// output column's name) fails there.
func orderByAmbiguityFirst(err error, s *ast.SelectStmt) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Code != pgerror.AmbiguousColumn || s.OrderBy == nil {
		return err
	}
	name, ok := strings.CutPrefix(pe.Message, "column reference \"")
	if !ok {
		return err
	}
	name, _, ok = strings.Cut(name, "\" is ambiguous")
	if !ok {
		return err
	}
	for _, it := range s.OrderBy.Items {
		if cn, ok := unparen(it.Expr).(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" && s.Fields != nil {
			named := false
			for _, f := range s.Fields.Fields {
				if f.AsName.O == cn.Name.Name.O {
					named = true
				}
			}
			if named {
				continue
			}
		}
		v := &ungroupedRefFinder{name: name}
		it.Expr.Accept(v)
		if v.found != nil {
			if cn, ok := v.found.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
				return pgerror.New(pe.Code, "%s", pe.Message).WithPosition(pos(v.found))
			}
		}
	}
	return err
}

// groupByNumberPos is the position of GROUP BY's integer item n (value
// p). TiDB keeps no offset for a plain number (a PositionExpr), which is
// then found in the statement's text; 0 when it cannot be.
func (b *binder) groupByNumberPos(n ast.ExprNode, p int) int {
	if _, ok := n.(*ast.PositionExpr); !ok {
		return pos(n)
	}
	low := strings.ToLower(b.sql)
	at := strings.LastIndex(low, "group by")
	if at < 0 {
		return 0
	}
	num := strconv.Itoa(p)
	for i := at + len("group by"); i < len(low); {
		j := strings.Index(low[i:], num)
		if j < 0 {
			return 0
		}
		j += i
		end := j + len(num)
		if !isIdentByte(low[j-1]) && (end == len(low) || !isIdentByte(low[end])) {
			return j + 1
		}
		i = end
	}
	return 0
}
