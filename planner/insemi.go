package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// inSemiJoin turns a WHERE conjunct `x IN (SELECT y ...)` (= ANY over an
// uncorrelated subquery) into a hash semi join of the FROM rows with the
// subquery's rows, keyed on x and y, as PostgreSQL plans it. In a WHERE
// conjunct a NULL comparison and a false one both drop the row, so the
// join keeps exactly the rows IN would; NOT IN differs on NULLs and stays
// a subquery. nil when sp is not of that form.
func inSemiJoin(left Node, sp *SubPlan) *Join {
	if sp.Kind != SubAny || sp.Correlated || sp.Op == nil || sp.Op.Fn.ID != FnEq || len(sp.Op.Args) != 2 {
		return nil
	}
	if len(sp.Plan.Output()) != 1 || !readsOnlyOwn(sp.Plan, false) {
		return nil
	}
	l, r := sp.Op.Args[0], sp.Op.Args[1]
	if outerLevels(l) != 0 || outerLevels(r) != 0 || !hashable(l.Type(), r.Type()) {
		return nil
	}
	rk := elemToCol(r, sp.Plan.Output()[0])
	if rk == nil {
		return nil
	}
	return &Join{Left: left, Right: sp.Plan, Kind: SemiJoin, LeftKeys: []Expr{l}, RightKeys: []Expr{rk},
		Types: append([]*types.T{}, left.Output()...)}
}

// elemToCol replaces the ArrayElem standing for the subquery's value with
// its only column; nil when e reads anything else of its own.
func elemToCol(e Expr, t *types.T) Expr {
	ok := true
	walkExprs(e, func(x Expr) {
		switch x.(type) {
		case *ColumnRef, *SubPlan:
			ok = false
		}
	})
	if !ok {
		return nil
	}
	var sub func(Expr) Expr
	sub = func(x Expr) Expr {
		if _, isElem := x.(*ArrayElem); isElem {
			return &ColumnRef{Idx: 0, T: t}
		}
		out, _ := mapChildren(x, func(c Expr) (Expr, error) { return sub(c), nil })
		return out
	}
	return sub(e)
}
