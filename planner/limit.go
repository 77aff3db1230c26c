package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// LIMIT / OFFSET / FETCH FIRST binding.
//
// sql/parser hands over any expression PostgreSQL accepts there (see its
// limit.go): the count of FETCH ... WITH TIES wrapped in
// parser.WithTiesFunc, no Count for OFFSET alone or LIMIT ALL. As in
// PostgreSQL's transformLimitClause, each is coerced to bigint and may not
// refer to the query's own columns (outer references are fine: they are
// constants while the query runs), nor hold aggregates, window functions or
// set-returning functions; the coercion is an assignment one, so numeric
// and float round. The executor evaluates OFFSET, then LIMIT,
// once before the first row (nodeLimit.c's recompute_limits): NULL means
// no limit / offset 0, negative values are errors.

// invalidRowCountInLimit is SQLSTATE 2201W (sql/pgerror has no name for it).
const invalidRowCountInLimit = "2201W"

// limitNode puts a Limit for lim above root; keys are the ORDER BY keys
// (over root's columns), which WITH TIES compares rows on.
func (b *binder) limitNode(root Node, lim *ast.Limit, keys []SortKey) (Node, error) {
	l := &Limit{Input: root}
	var err error
	// OFFSET first: PostgreSQL transforms it first, so its errors win.
	if lim.Offset != nil {
		if l.Offset, err = b.bindLimit(lim.Offset, "OFFSET"); err != nil {
			return nil, err
		}
	}
	if lim.Count != nil {
		count := lim.Count
		if f, ok := count.(*ast.FuncCallExpr); ok && f.FnName.L == parser.WithTiesFunc && len(f.Args) == 1 {
			count = f.Args[0]
			if isNullLiteral(count) {
				return nil, pgerror.New(invalidRowCountInLimit, "row count cannot be null in FETCH FIRST ... WITH TIES clause")
			}
			l.WithTies, l.TieKeys = true, keys
		}
		if l.Count, err = b.bindLimit(count, "LIMIT"); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// isNullLiteral reports whether n is NULL, possibly in parentheses.
func isNullLiteral(n ast.ExprNode) bool {
	v, ok := unparen(n).(*test_driver.ValueExpr)
	return ok && v.Kind() == test_driver.KindNull
}

// bindLimit binds the argument of LIMIT or OFFSET (what) as bigint.
func (b *binder) bindLimit(n ast.ExprNode, what string) (Expr, error) {
	if v, ok := n.(*test_driver.ValueExpr); ok && v.Kind() == test_driver.KindUint64 && v.GetUint64() == 1<<64-1 {
		// MySQL's "no limit" (kept for ASTs made elsewhere).
		return nil, nil
	}
	saved := *b
	// The query's own columns are out of reach; outer ones are not.
	b.scope, b.aggCtx, b.clause, b.winAllowed = &scope{}, "", what, false
	e, err := b.bindExpr(n)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && (pe.Code == pgerror.UndefinedColumn || pe.Code == pgerror.UndefinedTable) && saved.scope != nil {
			// Does it name a column of this query? Then PostgreSQL's
			// checkExprIsVarFree complains, at that column.
			probe := saved
			if _, err2 := probe.bindExpr(n); err2 == nil {
				err = pgerror.New(pgerror.InvalidColumnReference, "argument of %s must not contain variables", what).WithPosition(pe.Position)
			}
		}
		restoreBinder(b, &saved)
		return nil, err
	}
	restoreBinder(b, &saved)
	if containsSRF(e) {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "set-returning functions are not allowed in %s", what).WithPosition(srfPosition(n))
	}
	if e.Type().OID == types.OidUnknown || canCoerceAssignment(e.Type(), types.Int8) {
		return b.coerce(e, types.Int8, -1, e.Type().OID != types.OidUnknown, n)
	}
	return nil, pgerror.New(pgerror.DatatypeMismatch, "argument of %s must be type bigint, not type %s", what, e.Type().SQLName).WithPosition(pos(n))
}

// restoreBinder puts back the clause state bindLimit changed, keeping what
// binding accumulated (parameter types, subplans, correlation).
func restoreBinder(b, saved *binder) {
	b.scope, b.aggCtx, b.clause, b.winAllowed = saved.scope, saved.aggCtx, saved.clause, saved.winAllowed
}

// postponeVolatile moves the select-list columns that call volatile
// functions (nextval, random, ...) above the Sort and Limit, as
// PostgreSQL's make_sort_input_target does: they are evaluated for the
// rows returned only, in output order (`SELECT nextval('s') FROM t ORDER
// BY x LIMIT 10` takes ten values, plus those of the rows OFFSET skips).
// root is the Limit/Sort chain over the
// select list's Project p; keys are the sort keys (never postponed).
func postponeVolatile(root Node, p *Project, keys []SortKey) Node {
	isKey := make(map[int]bool, len(keys))
	for _, k := range keys {
		isKey[k.Col] = true
	}
	var late []int
	for i, e := range p.Exprs {
		if !isKey[i] && hasVolatileCall(e) && !hasSubPlan(e) {
			late = append(late, i)
		}
	}
	if len(late) == 0 || p.Input == nil {
		return root
	}
	n := len(p.Exprs)
	in := p.Input.Output()
	lower := make([]Expr, n, n+len(in))
	copy(lower, p.Exprs)
	for _, i := range late {
		lower[i] = &Const{Val: nil, T: p.Exprs[i].Type()}
	}
	for i, t := range in {
		lower = append(lower, &ColumnRef{Idx: i, T: t})
	}
	top := make([]Expr, n)
	for i, e := range p.Exprs {
		top[i] = &ColumnRef{Idx: i, T: e.Type()}
	}
	for _, i := range late {
		top[i] = shiftCols(p.Exprs[i], n)
	}
	p.Exprs = lower
	// Below the Limit: rows OFFSET skips are computed too, as there.
	if l, ok := root.(*Limit); ok {
		l.Input = &Project{Input: l.Input, Exprs: top}
		return l
	}
	return &Project{Input: root, Exprs: top}
}

// hasVolatileCall reports whether e calls a volatile function.
func hasVolatileCall(e Expr) bool {
	found := false
	walkExprs(e, func(x Expr) {
		if c, ok := x.(*Call); ok && c.Fn != nil && c.Fn.Volatility == Volatile {
			found = true
		}
	})
	return found
}

// hasSubPlan reports whether e holds a subquery.
func hasSubPlan(e Expr) bool {
	found := false
	walkExprs(e, func(x Expr) {
		if _, ok := x.(*SubPlan); ok {
			found = true
		}
	})
	return found
}

// sortInput returns the select list's Project below root's Limit and Sort.
func sortInput(root Node) (*Project, bool) {
	if l, ok := root.(*Limit); ok {
		root = l.Input
	}
	s, ok := root.(*Sort)
	if !ok {
		return nil, false
	}
	p, ok := s.Input.(*Project)
	return p, ok
}
