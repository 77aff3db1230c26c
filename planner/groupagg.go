package planner

// Sorted aggregation (PostgreSQL's GroupAggregate, EXPLAIN's `Strategy:
// Sorted`). When an Agg's input delivers its rows with equal grouping
// keys next to each other, the executor streams: it keeps the states of
// one group, emits the group when the key changes and needs no hash
// table (executor/eval/groupagg.go). Rows come that way from a scan
// that reads a key in order (a table in primary key order, an index
// scan; keyorder.go) when the grouping columns are a prefix of the key's
// columns in any permutation, ignoring columns a WHERE clause pins to one
// value, or include the whole primary key (every row its own group); and
// from a Sort on them.
//
// The rule runs last, after parallelize: a Partial Aggregate under a
// Gather streams too, since each worker reads whole key ranges in key
// order. A group cut by a range boundary, or read by two workers, gives
// two partial states that the Finalize aggregate (hashed: the Gather
// interleaves the workers' rows) merges as it merges any others.
//
// Groups come out in the order the input first shows them, which is the
// order hash aggregation gives too, so the choice never changes a
// result.

// serialGroupSize is the average group size (input rows per group)
// below which a Finalize / Gather / Partial aggregation over ordered
// input goes back to one serial GroupAggregate: the leader merges every
// partial group in a hash table of its own, alone, and with groups of a
// few rows that costs more than the workers save (TPC-H q18's GROUP BY
// l_orderkey, four rows per group: 6.9 s of CPU serial against 11.2 s in
// parallel at scale factor 1).
const serialGroupSize = 50

// sortedAggs marks the Aggs of the plan under root (and of its
// subqueries' and the CTEs' plans) whose input is ordered on their
// grouping keys.
func sortedAggs(root Node, ctes []*WorkTable, cat Catalog) {
	s := &sortedAggRule{seen: map[Node]bool{}, card: newCardEst(cat)}
	s.plan(root)
	for _, w := range ctes {
		if w != nil {
			s.plan(w.Plan)
		}
	}
}

type sortedAggRule struct {
	seen map[Node]bool // plans done (SubPlan copies share one)
	card *cardEst
}

func (s *sortedAggRule) plan(root Node) {
	if root == nil || s.seen[root] {
		return
	}
	s.seen[root] = true
	walkNodes(root, func(n Node) {
		if a, ok := n.(*Agg); ok {
			s.unparallel(a)
			a.Sorted = groupsContiguous(a)
		}
		for _, e := range nodeExprs(n) {
			walkExprs(e, func(c Expr) {
				if sp, ok := c.(*SubPlan); ok && sp.Plan != nil {
					s.plan(sp.Plan)
				}
			})
		}
	})
}

// unparallel replaces a Finalize / Gather / Partial plan of a by a
// serial aggregation of the workers' input when that input is ordered
// on the grouping keys and its groups are small (serialGroupSize).
func (s *sortedAggRule) unparallel(a *Agg) {
	g, ok := a.Input.(*Gather)
	if !ok || g.Partial == nil || !groupsContiguous(g.Partial) {
		return
	}
	in := g.Partial.Input
	if s.card.groups(in, a.GroupBy)*serialGroupSize < s.card.rows(in) {
		return
	}
	a.Input = in
}

// groupsContiguous reports whether a's input rows come with equal
// grouping keys adjacent.
func groupsContiguous(a *Agg) bool {
	if a.Sets != nil || len(a.GroupBy) == 0 || a.Input == nil {
		return false
	}
	if _, ok := a.Input.(*Gather); ok {
		// A Finalize aggregate: the workers' rows interleave.
		return false
	}
	cols := make([]int, len(a.GroupBy))
	for i, g := range a.GroupBy {
		ref, ok := g.(*ColumnRef)
		if !ok {
			// An expression's values need not be ordered even when
			// its column is (GROUP BY x % 10).
			return false
		}
		cols[i] = ref.Idx
	}
	order, unique, pinned := inputOrder(a.Input)
	return coversPrefix(order, unique, pinned, cols)
}

// coversPrefix reports whether rows sorted on order (unique: no two rows
// equal on all of it) have equal values of cols adjacent: the cols not
// pinned are exactly a prefix of the unpinned order columns, or include
// all of a unique order.
func coversPrefix(order []int, unique bool, pinned map[int]bool, cols []int) bool {
	if len(order) == 0 {
		return false
	}
	want := map[int]bool{}
	for _, c := range cols {
		if !pinned[c] {
			want[c] = true
		}
	}
	for _, c := range order {
		if len(want) == 0 {
			return true
		}
		if pinned[c] {
			continue
		}
		if !want[c] {
			return false
		}
		delete(want, c)
	}
	return len(want) == 0 || unique
}

// inputOrder returns the columns (of n's output) n's rows are sorted on,
// in significance order; unique when no two rows tie on all of them; and
// the columns known constant over the rows. It knows scans reading a key
// in order, Sorts, and Filters and Projects over them.
func inputOrder(n Node) (order []int, unique bool, pinned map[int]bool) {
	switch x := n.(type) {
	case *Scan:
		kt, ok := x.Table.(KeyedTable)
		if !ok {
			return nil, false, nil
		}
		index := 0
		if x.Key != nil {
			index = x.Key.Index
		}
		hasPK := len(kt.PrimaryKey()) > 0
		if index == 0 && !hasPK {
			return nil, false, nil
		}
		pinned = map[int]bool{}
		keyPinned(x, pinned)
		return keyOrder(kt, index), hasPK, pinned
	case *Filter:
		order, unique, pinned = inputOrder(x.Input)
		if order == nil {
			return nil, false, nil
		}
		if sc, ok := x.Input.(*Scan); ok {
			for c := range equalities(sc.Table, x.Cond) {
				pinned[c] = true
			}
		}
		return order, unique, pinned
	case *Project:
		in, unique, inPinned := inputOrder(x.Input)
		if in == nil {
			return nil, false, nil
		}
		// Each input column's position in the output (the first one
		// that passes it on unchanged).
		out := map[int]int{}
		for i, e := range x.Exprs {
			if ref, ok := e.(*ColumnRef); ok {
				if _, dup := out[ref.Idx]; !dup {
					out[ref.Idx] = i
				}
			}
		}
		pinned = map[int]bool{}
		for c := range inPinned {
			if o, ok := out[c]; ok {
				pinned[o] = true
			}
		}
		for _, c := range in {
			o, ok := out[c]
			if !ok {
				if inPinned[c] {
					continue
				}
				// The order goes on in a column the Project drops:
				// what is left is a prefix, no longer unique.
				return order, false, pinned
			}
			order = append(order, o)
		}
		return order, unique, pinned
	case *Sort:
		for _, k := range x.Keys {
			order = append(order, k.Col)
		}
		return order, false, map[int]bool{}
	}
	return nil, false, nil
}
