package planner

// Key order. A primary key scan returns rows in primary key order, an
// index lookup in index order; both ascending with NULLs last, or exactly
// the reverse when read backwards (descending, NULLs first), which is
// ORDER BY col [ASC] and ORDER BY col DESC with their default NULLS
// placements. Below a LIMIT, a Sort whose keys that order satisfies is
// dropped, so `ORDER BY id LIMIT 10` reads ten rows instead of the table.
//
// The order of a secondary index's entries is its columns, then the row's
// storage key (the primary key): equal values carry the row key as a
// suffix, and a unique index holds at most one entry per non-NULL value.
// Columns a WHERE clause pins to one value (`col = const`) are constant
// among the rows that pass and may appear anywhere in ORDER BY.

// dropSort returns n without its Sort when the rows below already come in
// the Sort's order (choosing a key to read in order if the scan has none
// yet); a Sort under LockRows is looked through.
func dropSort(n Node) Node {
	switch x := n.(type) {
	case *Sort:
		if keyOrdered(x) {
			return x.Input
		}
	case *LockRows:
		x.Input = dropSort(x.Input)
	case *Project:
		// postponed volatile columns (limit.go) sit above the Sort
		x.Input = dropSort(x.Input)
	}
	return n
}

// keyOrdered reports whether s's input can produce its rows in s's order
// by reading a key in order, and arranges for it: it sets the scan's key
// (and Reverse) when needed. The shape it knows is the one buildSelect
// makes: [Distinct] Project [Filter] Scan, the sort keys being plain
// column references through the Project.
func keyOrdered(s *Sort) bool {
	if len(s.Keys) == 0 {
		return false
	}
	n := s.Input
	if d, ok := n.(*Distinct); ok {
		// Distinct keeps the first of equal rows in input order.
		n = d.Input
	}
	p, ok := n.(*Project)
	if !ok {
		return false
	}
	n = p.Input
	var cond Expr
	if f, ok := n.(*Filter); ok {
		cond, n = f.Cond, f.Input
	}
	sc, ok := n.(*Scan)
	if !ok {
		return false
	}
	kt, ok := sc.Table.(KeyedTable)
	if !ok {
		return false
	}
	pinned := map[int]bool{}
	if cond != nil {
		for c := range equalities(sc.Table, cond) {
			pinned[c] = true
		}
	}
	keyPinned(sc, pinned)
	// Backwards, NULLs come first: only DESC NULLS FIRST and ASC NULLS
	// LAST are key orders, all keys the same way (but a pinned column's
	// direction does not matter).
	desc, first := false, true
	cols := make([]int, 0, len(s.Keys))
	for _, k := range s.Keys {
		if k.Col >= len(p.Exprs) {
			return false
		}
		ref, ok := p.Exprs[k.Col].(*ColumnRef)
		if !ok {
			return false
		}
		if pinned[ref.Idx] {
			continue
		}
		if first {
			desc, first = k.Desc, false
		}
		if k.Desc != desc || k.NullsFirst != desc {
			return false
		}
		cols = append(cols, ref.Idx)
	}
	hasPK := len(kt.PrimaryKey()) > 0
	if sc.Key != nil {
		if !orderedBy(keyOrder(kt, sc.Key.Index), hasPK, pinned, cols) {
			return false
		}
		sc.Key.Reverse = desc
		return true
	}
	// No key narrows the scan: read the whole of one in order. The table
	// itself is in primary key order already.
	if hasPK && orderedBy(keyOrder(kt, 0), hasPK, pinned, cols) {
		if desc {
			sc.Key = &KeyLookup{Index: 0, Reverse: true}
		}
		return true
	}
	for i := range kt.Indexes() {
		if orderedBy(keyOrder(kt, i+1), hasPK, pinned, cols) {
			sc.Key = &KeyLookup{Index: i + 1, Reverse: desc}
			return true
		}
	}
	return false
}

// keyOrder lists the columns whose order the rows of key index come in.
func keyOrder(kt KeyedTable, index int) []int {
	pk := kt.PrimaryKey()
	if index == 0 {
		return pk
	}
	ixs := kt.Indexes()
	if index-1 >= len(ixs) {
		return nil
	}
	cols := ixs[index-1].Columns
	return append(cols[:len(cols):len(cols)], pk...)
}

// orderedBy reports whether rows in the order of key columns kc are in
// the order of sort columns, given that the pinned columns are constant.
// unique says that kc ends with a unique key (the primary key): once all
// of kc is matched, no two rows tie, and further sort columns are moot.
func orderedBy(kc []int, unique bool, pinned map[int]bool, sort []int) bool {
	i := 0
	for _, c := range sort {
		if pinned[c] {
			continue
		}
		for i < len(kc) && pinned[kc[i]] {
			i++
		}
		if i >= len(kc) {
			return unique
		}
		if kc[i] != c {
			return false
		}
		i++
	}
	return true
}

// keyPinned adds to pinned the columns s's key lookup pins by value
// (their equalities may have left the Filter: keyfilter.go).
func keyPinned(s *Scan, pinned map[int]bool) {
	if s.Key == nil {
		return
	}
	kc := keyColumns(s.Table, s.Key.Index)
	for i := range s.Key.Values {
		if i < len(kc) {
			pinned[kc[i]] = true
		}
	}
}
