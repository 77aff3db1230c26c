package planner

// Key conditions out of the Filter
//
// useKeys leaves a key lookup's conditions in the Filter above its scan,
// which re-checks them on every row the lookup returns. An equality the
// lookup answers exactly needs no re-check: its value is the one the
// key was encoded from (a NULL value reads no row at all), so
// dropKeyConds removes it, and the Filter when nothing else is left, as
// PostgreSQL shows only `Index Cond: (o_custkey = customer.c_custkey)`
// where we printed and ran `Filter: (customer.c_custkey = o_custkey)`
// too (TPC-H Q3, Q7). Only plain columns compared with a value of the
// column's own type qualify; a cast column, ranges, IN lists and LIKE
// prefixes stay re-checked.

// dropKeyConds removes, under n, the conjuncts of each Filter over a
// keyed Scan that the key's equalities enforce.
func dropKeyConds(n Node) Node {
	var walk func(Node) Node
	walk = func(n Node) Node {
		replaceChildren(n, walk)
		f, ok := n.(*Filter)
		if !ok {
			return n
		}
		s, ok := f.Input.(*Scan)
		if !ok || s.Key == nil || len(s.Key.Values) == 0 {
			return n
		}
		cols := keyColumns(s.Table, s.Key.Index)
		var rest []Expr
		dropped := false
		for _, c := range conjuncts(f.Cond) {
			if keyEnforced(c, s.Key, cols) {
				dropped = true
				continue
			}
			rest = append(rest, c)
		}
		if !dropped {
			return n
		}
		if len(rest) == 0 {
			return s
		}
		f.Cond = andOf(rest)
		return f
	}
	return walk(n)
}

// keyEnforced reports whether conjunct c is `col = v` (either way round)
// for key column i of k and its very value k.Values[i], col a plain
// column of v's type.
func keyEnforced(c Expr, k *KeyLookup, cols []int) bool {
	call, ok := c.(*Call)
	if !ok || call.Fn.ID != FnEq || len(call.Args) != 2 {
		return false
	}
	for i, v := range k.Values {
		if i >= len(cols) {
			break
		}
		for side := 0; side < 2; side++ {
			ref, ok := call.Args[side].(*ColumnRef)
			if !ok || ref.Idx != cols[i] || call.Args[1-side] != v {
				continue
			}
			if vt := v.Type(); vt != nil && ref.T != nil && vt.OID == ref.T.OID {
				return true
			}
		}
	}
	return false
}
