package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Hash Right Join
//
// A hash join builds its table on the right input. For a LEFT JOIN that
// is the nullable side, which is the wrong one to hash when the
// preserved side is the smaller (TPC-H Q13: 15,000 customers LEFT JOIN
// 150,000 orders would hash the orders and spill). PostgreSQL then
// plans a Hash Right Join: the inputs swap, the preserved rows are
// hashed, the other side probes them, and the build rows no probe row
// matched come out at the end with NULLs (executor/eval/hashjoin.go's
// matched flag per build row, kept through its Grace partitions too).
// hashRight makes that swap when the estimates (cardinality.go) say the
// preserved side is smaller, and a Project puts the columns back in the
// LEFT JOIN's order.

// hashRight rewrites the keyed LEFT JOINs under n whose left side is
// estimated smaller than their right side into RIGHT JOINs with the
// sides swapped.
func hashRight(n Node, cat Catalog) Node {
	if !readMergeSettings(cat).hash {
		return n // enable_hashjoin = off: the merge rule's
	}
	var card *cardEst
	var walk func(Node) Node
	walk = func(n Node) Node {
		replaceChildren(n, walk)
		j, ok := n.(*Join)
		if !ok || j.Kind != LeftJoin || j.Lateral || j.Merge || len(j.RightKeys) == 0 || len(j.LeftKeys) != len(j.RightKeys) {
			return n
		}
		if card == nil {
			card = newCardEst(cat)
		}
		if card.rows(j.Left) >= card.rows(j.Right) {
			return n
		}
		return swapToRight(j)
	}
	return walk(n)
}

// swapToRight returns LEFT JOIN j as the RIGHT JOIN of its swapped
// inputs under a Project restoring j's column order.
func swapToRight(j *Join) Node {
	sw, back := mirror(j, RightJoin)
	sw.LeftKeys, sw.RightKeys = j.RightKeys, j.LeftKeys
	back.Input = sw
	return back
}

// mirror returns j with its inputs swapped as a join of kind, and the
// Project (its Input still to set) that restores j's column order.
func mirror(j *Join, kind JoinKind) (*Join, *Project) {
	nl, nr := len(j.Left.Output()), len(j.Right.Output())
	// pos maps j's columns (left, then right) to the mirrored join's.
	pos := make([]int, nl+nr)
	for i := range nl {
		pos[i] = nr + i
	}
	for i := range nr {
		pos[nl+i] = i
	}
	m := &Join{Left: j.Right, Right: j.Left, Kind: kind, Rows: j.Rows,
		Types: append(append(make([]*types.T, 0, nl+nr), j.Types[nl:]...), j.Types[:nl]...)}
	if j.Cond != nil {
		m.Cond = remapCols(j.Cond, pos)
	}
	exprs := make([]Expr, nl+nr)
	for i, t := range j.Types {
		exprs[i] = &ColumnRef{Idx: pos[i], T: t}
	}
	return m, &Project{Exprs: exprs}
}

// planRight plans SQL's RIGHT JOIN j as the LEFT JOIN of its swapped
// inputs (planOuter), under a Project restoring j's column order, so it
// gets hash keys: planOuter only keyed LEFT and FULL joins, and a RIGHT
// JOIN ran as a nested loop over every pair. hashRight then swaps it
// back into a Hash Right Join when the preserved side is the smaller.
// Without hash keys j comes back as it was.
func (b *binder) planRight(j *Join) Node {
	m, back := mirror(j, LeftJoin)
	planned := b.planOuter(m)
	if pj, ok := planned.(*Join); !ok || pj == m || len(pj.LeftKeys) == 0 {
		return j
	}
	back.Input = planned
	return back
}
