package planner

import (
	"math/bits"
	"sort"
)

// The equivalence-class rule. Equalities between columns chain: from
// c.nationkey = s.nationkey and s.nationkey = n.nationkey follows
// c.nationkey = n.nationkey, which TPC-H q05 never writes but needs to
// start from the customers of one region. PostgreSQL keeps such columns
// in one equivalence class and may join any two members; here the
// implied equalities become extra join predicates (redundant once the
// written ones hold, so adding them changes no result), which gives the
// join-order search their edges and index lookups. The edges of one class
// are marked (JoinEdge.Class) so that a set of relations counts the class's
// selectivity once per member joined, not once per edge.

// eqClasses groups the columns (FROM layout positions) that the plain
// column equalities in preds make equal, keeping the classes whose
// columns span three or more relations with one column each: the ones
// that imply equalities nobody wrote. It maps each such column to its
// class (1-based).
func eqClasses(preds []*joinPred, rels []*joinRel) map[int]int {
	parent := map[int]int{}
	var find func(x int) int
	find = func(x int) int {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, p := range preds {
		x, y, ok := plainEq(p, rels)
		if !ok {
			continue
		}
		parent[find(x)] = find(y)
	}
	members := map[int][]int{}
	for x := range parent {
		members[find(x)] = append(members[find(x)], x)
	}
	out := map[int]int{}
	roots := make([]int, 0, len(members))
	for r := range members {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	for _, root := range roots {
		cols := members[root]
		var relMask uint64
		ok := true
		for _, c := range cols {
			bit := uint64(1) << relOf(c, rels)
			if relMask&bit != 0 {
				ok = false // two columns of one relation: leave it alone
				break
			}
			relMask |= bit
		}
		if !ok || bits.OnesCount64(relMask) < 3 {
			continue
		}
		id := len(out) + 1
		if len(out) > 0 {
			id = maxClass(out) + 1
		}
		for _, c := range cols {
			out[c] = id
		}
	}
	return out
}

func maxClass(m map[int]int) int {
	n := 0
	for _, v := range m {
		n = max(n, v)
	}
	return n
}

// plainEq returns the columns of an unused predicate that is an equality
// of two column references of the same type in two relations.
func plainEq(p *joinPred, rels []*joinRel) (int, int, bool) {
	if p.used || bits.OnesCount64(p.mask) != 2 {
		return 0, 0, false
	}
	c, ok := p.e.(*Call)
	if !ok || c.Fn.ID != FnEq || len(c.Args) != 2 {
		return 0, 0, false
	}
	x, ok1 := c.Args[0].(*ColumnRef)
	y, ok2 := c.Args[1].(*ColumnRef)
	if !ok1 || !ok2 || x.T.OID != y.T.OID || relOf(x.Idx, rels) < 0 || relOf(y.Idx, rels) < 0 {
		return 0, 0, false
	}
	return x.Idx, y.Idx, true
}

// maxImpliedClass is the most relations a class may span for its implied
// equalities to be added.
const maxImpliedClass = 6

// impliedEqualities returns preds with the equalities the classes imply
// between relations no written equality of the class joins.
func impliedEqualities(preds []*joinPred, rels []*joinRel) []*joinPred {
	classes := eqClasses(preds, rels)
	if len(classes) == 0 {
		return preds
	}
	// The written equalities of each class, by relation pair, and a
	// template for the operator (every member has the same type).
	type pair struct{ a, b int }
	joined := map[pair]bool{}
	fn := map[int]*Call{}
	for _, p := range preds {
		x, y, ok := plainEq(p, rels)
		if !ok || classes[x] == 0 {
			continue
		}
		rx, ry := relOf(x, rels), relOf(y, rels)
		joined[pair{min(rx, ry), max(rx, ry)}] = true
		fn[classes[x]] = p.e.(*Call)
	}
	size := map[int]int{}
	for _, id := range classes {
		size[id]++
	}
	cols := make([]int, 0, len(classes))
	for c, id := range classes {
		// A class over many relations (chains of equalities joining
		// dozens of tables) would add quadratically many predicates for
		// the search to weigh; its written edges are enough to connect it.
		if size[id] <= maxImpliedClass {
			cols = append(cols, c)
		}
	}
	sort.Ints(cols)
	out := preds
	for i, x := range cols {
		for _, y := range cols[i+1:] {
			if classes[x] != classes[y] {
				continue
			}
			rx, ry := relOf(x, rels), relOf(y, rels)
			k := pair{min(rx, ry), max(rx, ry)}
			if joined[k] {
				continue
			}
			joined[k] = true
			t := fn[classes[x]]
			tx, ty := t.Args[0].(*ColumnRef), t.Args[1].(*ColumnRef)
			e := &Call{Fn: t.Fn, T: t.T, Args: []Expr{
				&ColumnRef{Idx: x, T: tx.T}, &ColumnRef{Idx: y, T: ty.T}}}
			out = append(out, &joinPred{e: e, mask: 1<<rx | 1<<ry})
		}
	}
	return out
}
