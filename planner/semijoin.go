package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Semi and anti joins (JoinKind): the left rows with at least one (Semi)
// or no (Anti) matching right row, each once, with the left columns only.
const (
	SemiJoin JoinKind = iota + FullJoin + 1
	AntiJoin
)

// decorrelate is the subquery rule: a WHERE conjunct `EXISTS (subquery)`
// or `NOT EXISTS (subquery)` whose subquery reads one FROM item of its own
// (a table, or what its FROM clause joined) filtered by conditions, where
// the correlation includes at least one equality `inner = outer column`,
// becomes a hash semi (anti) join of the query's FROM rows with the
// subquery's rows, keyed on those equalities; the other correlated
// conditions become the join's condition. Running the subquery once per
// row was what PostgreSQL avoids the same way. Anything else (LIMIT or
// aggregates in the subquery, references two levels out, nested
// correlated subqueries) stays a subquery. in is the FROM plan (its
// columns in FROM order); the conjuncts not turned into joins come back.
//
// With est (nil: off) the rules choose by cost: conjuncts no rule takes
// filter the FROM rows first (filterFirst), an EXISTS whose table can be
// read by key may become an index nested loop (lookupSemiJoin), and a
// correlated scalar aggregate cheaper per row stays a subquery
// (scalarPerRow); see lookupsemi.go.
func decorrelate(in Node, conds []Expr, est *semiEst) (Node, []Expr) {
	var rest []Expr
	if est != nil {
		in, conds = filterFirst(in, conds)
	}
	for _, c := range conds {
		kind := SemiJoin
		e := c
		if not, ok := e.(*BoolExpr); ok && not.Op == Not {
			kind, e = AntiJoin, not.Args[0]
		}
		sp, ok := e.(*SubPlan)
		if ok && kind == SemiJoin {
			if j := inSemiJoin(in, sp); j != nil { // insemi.go
				in = j
				est.afterIn(sp.Plan)
				continue
			}
		}
		if ok {
			if j := lookupSemiJoin(in, sp, kind, est); j != nil { // lookupsemi.go
				in = j
				continue
			}
		}
		if !ok || sp.Kind != SubExists || !sp.Correlated {
			if scalarPerRow(c, est) {
				rest = append(rest, c)
				continue
			}
			if j := scalarAggJoin(in, c); j != nil {
				in = j
				continue
			}
			rest = append(rest, c)
			continue
		}
		j := semiJoin(in, sp, kind)
		if j == nil {
			rest = append(rest, c)
			continue
		}
		in = j
	}
	return in, rest
}

// semiJoin builds the join for one EXISTS subquery, or returns nil.
func semiJoin(left Node, sp *SubPlan, kind JoinKind) *Join {
	n := sp.Plan
	if p, ok := n.(*Project); ok {
		// EXISTS ignores the select list, unless it could fail.
		for _, e := range p.Exprs {
			if !simpleExpr(e) {
				return nil
			}
		}
		n = p.Input
	}
	var conds []Expr
	if f, ok := n.(*Filter); ok {
		conds, n = conjuncts(f.Cond), f.Input
	}
	if s, ok := n.(*Scan); ok {
		// A key lookup on the outer values would be stale: the join
		// rule's useKeys picks one again from what stays here.
		cp := *s
		cp.Key = nil
		n = &cp
	}
	if !selfContained(n) {
		return nil
	}
	nl := len(left.Output())
	var inner, rest, lk, rk []Expr
	for _, c := range conds {
		lvl := outerLevels(c)
		switch {
		case lvl < 0 || lvl > 1:
			return nil
		case lvl == 0:
			inner = append(inner, c)
			continue
		}
		if call, ok := c.(*Call); ok && call.Fn.ID == FnEq && len(call.Args) == 2 && hashable(call.Args[0].Type(), call.Args[1].Type()) {
			a, b := call.Args[0], call.Args[1]
			if outerLevels(a) == 1 && outerLevels(b) == 0 {
				a, b = b, a
			}
			if outerLevels(a) == 0 && outerLevels(b) == 1 && onlyOuter(b) {
				rk = append(rk, a)
				lk = append(lk, outerToCols(b, 0))
				continue
			}
		}
		rest = append(rest, c)
	}
	if len(lk) == 0 {
		return nil
	}
	right := n
	if len(inner) > 0 {
		right = &Filter{Input: n, Cond: andOf(inner)}
	}
	// The join condition reads the left row, then the right one.
	var cond []Expr
	for _, c := range rest {
		cond = append(cond, outerToCols(shiftCols(c, nl), 0))
	}
	useKeys(right)
	return &Join{Left: left, Right: right, Kind: kind, Cond: andOf(cond), LeftKeys: lk, RightKeys: rk,
		Types: append([]*types.T{}, left.Output()...)}
}

// simpleExpr reports whether e is a column, constant or parameter (cannot
// fail or have effects).
func simpleExpr(e Expr) bool {
	switch e.(type) {
	case *ColumnRef, *Const, *Param, *OuterRef:
		return true
	}
	return false
}

// outerLevels returns the deepest outer level e refers to (0 = none), or
// -1 when e holds a subquery (whose own references we do not rewrite).
func outerLevels(e Expr) int {
	lvl := 0
	walkExprs(e, func(x Expr) {
		switch y := x.(type) {
		case *OuterRef:
			if lvl >= 0 && y.Level > lvl {
				lvl = y.Level
			}
		case *SubPlan, *aggRef, *winRef:
			lvl = -1
		}
	})
	return lvl
}

// onlyOuter reports whether e reads no column of its own row.
func onlyOuter(e Expr) bool {
	ok := true
	walkExprs(e, func(x Expr) {
		if _, col := x.(*ColumnRef); col {
			ok = false
		}
	})
	return ok
}

// outerToCols turns level-1 outer references into columns off+Idx.
func outerToCols(e Expr, off int) Expr {
	if o, ok := e.(*OuterRef); ok && o.Level == 1 {
		return &ColumnRef{Idx: off + o.Idx, T: o.T}
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return outerToCols(c, off), nil })
	return out
}

// selfContained reports whether plan n reads nothing from outside (no
// outer references, no subqueries) in any node and is a plain read of its
// FROM items (no key lookups, aggregates, sorts or limits), so that its
// filters can move into a join.
func selfContained(n Node) bool { return readsOnlyOwn(n, true) }

// readsOnlyOwn reports whether plan n reads nothing from outside its own
// FROM items (no outer references or subqueries in any node), so it can run
// once as a join's side. plain also rejects every node but scans without
// key lookups, filters, projections and joins.
func readsOnlyOwn(n Node, plain bool) bool {
	ok := true
	check := func(es ...Expr) {
		for _, e := range es {
			if e != nil && outerLevels(e) != 0 {
				ok = false
			}
		}
	}
	walkNodes(n, func(x Node) {
		switch y := x.(type) {
		case *Scan:
			if plain && y.Key != nil {
				ok = false
			}
		case *Filter:
			check(y.Cond)
		case *Project:
			check(y.Exprs...)
		case *Join:
			check(y.Cond)
			check(y.LeftKeys...)
			check(y.RightKeys...)
			if y.Lateral {
				ok = false
			}
		case *Agg:
			check(y.GroupBy...)
			ok = ok && !plain
		case *Values, *Result, *Limit, *Sort, *Distinct, *Append, *Window, *ProjectSet:
			ok = ok && !plain
		case *WorkTableScan:
			// A materialized CTE (ctematerialize.go) reads the same
			// rows throughout an execution; a recursive round does not.
			ok = ok && y.Work.Plan != nil && !plain
		case *LockRows, *RecursiveUnion, *Insert, *Update, *Delete:
			ok = false
		}
	})
	return ok
}
