package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// scalarAggJoin is the subquery rule for a comparison with a correlated
// scalar aggregate, the shape of TPC-H's Q17 and Q20:
//
//	WHERE x < (SELECT 0.2 * avg(l.q) FROM l WHERE l.k = outer.k AND ...)
//
// Run per outer row, the subquery reads its table once per row. Instead
// the subquery is aggregated once, grouped by the inner sides of its
// correlating equalities, and hash-joined to the outer rows on them; the
// comparison then reads the joined value. An outer row without a group
// would have compared with NULL and been dropped, which the inner join
// does too, so only aggregates that are NULL over no rows (sum, avg, min,
// max) and select expressions that stay NULL with them qualify. in is the
// FROM plan; the result has in's columns, or nil when c does not qualify.
func scalarAggJoin(in Node, c Expr) Node {
	cmp, ok := c.(*Call)
	if !ok || len(cmp.Args) != 2 || !comparisonFn(cmp.Fn.ID) {
		return nil
	}
	side := -1
	for i, a := range cmp.Args {
		if sp, ok := a.(*SubPlan); ok && sp.Kind == SubScalar && sp.Correlated {
			side = i
		}
	}
	if side < 0 || outerLevels(cmp.Args[1-side]) != 0 {
		return nil
	}
	sp := cmp.Args[side].(*SubPlan)
	p, ok := sp.Plan.(*Project)
	if !ok || len(p.Exprs) != 1 || !nullPreserving(p.Exprs[0]) {
		return nil
	}
	agg, ok := p.Input.(*Agg)
	if !ok || len(agg.GroupBy) != 0 || agg.Sets != nil || len(agg.Aggs) == 0 {
		return nil
	}
	for _, a := range agg.Aggs {
		switch a.Name {
		case "sum", "avg", "min", "max":
		default:
			return nil
		}
		if a.Filter != nil || len(a.Order) > 0 {
			return nil
		}
		for _, arg := range a.Args {
			if outerLevels(arg) != 0 {
				return nil
			}
		}
	}
	n := agg.Input
	var conds []Expr
	if f, ok := n.(*Filter); ok {
		conds, n = conjuncts(f.Cond), f.Input
	}
	if s, ok := n.(*Scan); ok {
		cp := *s
		cp.Key = nil // a lookup keyed on outer values; useKeys redoes it
		n = &cp
	}
	if !selfContained(n) {
		return nil
	}
	var inner, lk, rk []Expr
	for _, cond := range conds {
		switch lvl := outerLevels(cond); {
		case lvl == 0:
			inner = append(inner, cond)
			continue
		case lvl != 1:
			return nil
		}
		eq, ok := cond.(*Call)
		if !ok || eq.Fn.ID != FnEq || len(eq.Args) != 2 || !hashable(eq.Args[0].Type(), eq.Args[1].Type()) {
			return nil
		}
		a, b := eq.Args[0], eq.Args[1]
		if outerLevels(a) == 1 {
			a, b = b, a
		}
		if outerLevels(a) != 0 || outerLevels(b) != 1 || !onlyOuter(b) {
			return nil
		}
		rk = append(rk, a)
		lk = append(lk, outerToCols(b, 0))
	}
	if len(rk) == 0 {
		return nil
	}
	// The derived relation: one row per key, the keys then the value.
	src := n
	if len(inner) > 0 {
		src = &Filter{Input: n, Cond: andOf(inner)}
	}
	useKeys(src)
	grouped := &Agg{Input: src, GroupBy: rk, Aggs: agg.Aggs}
	k := len(rk)
	exprs := make([]Expr, 0, k+1)
	keys := make([]Expr, k)
	for i, e := range rk {
		exprs = append(exprs, &ColumnRef{Idx: i, T: e.Type()})
		keys[i] = &ColumnRef{Idx: i, T: e.Type()}
	}
	exprs = append(exprs, shiftCols(p.Exprs[0], k))
	right := &Project{Input: grouped, Exprs: exprs}
	left := in.Output()
	nl := len(left)
	j := &Join{Left: in, Right: right, Kind: InnerJoin, LeftKeys: lk, RightKeys: keys,
		Types: append(append([]*types.T{}, left...), right.Output()...)}
	args := append([]Expr{}, cmp.Args...)
	args[side] = &ColumnRef{Idx: nl + k, T: sp.T}
	nc := *cmp
	nc.Args = args
	keep := make([]Expr, nl)
	for i, t := range left {
		keep[i] = &ColumnRef{Idx: i, T: t}
	}
	return &Project{Input: &Filter{Input: j, Cond: &nc}, Exprs: keep}
}

func comparisonFn(id FuncID) bool {
	switch id {
	case FnEq, FnNe, FnLt, FnLe, FnGt, FnGe:
		return true
	}
	return false
}

// nullPreserving reports whether e is NULL whenever an aggregate it reads
// is: columns, non-NULL constants, casts and arithmetic.
func nullPreserving(e Expr) bool {
	ok := true
	walkExprs(e, func(x Expr) {
		switch y := x.(type) {
		case *ColumnRef, *Cast:
		case *Const:
			if y.Val == nil {
				ok = false
			}
		case *Call:
			switch y.Fn.ID {
			case FnAdd, FnSub, FnMul: // not FnDiv: it can fail on groups never compared
			default:
				ok = false
			}
		default:
			ok = false
		}
	})
	return ok
}
