package planner

import (
	"sort"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ColumnStats are a column's statistics from ANALYZE, as the planner
// reads them for selectivity: PostgreSQL's pg_statistic slots.
type ColumnStats struct {
	NullFrac float64
	// NDistinct counts distinct values, or is minus their fraction of
	// the rows when negative (they grow with the table).
	NDistinct float64
	// MCV are the most common values, MCF their frequencies (over all
	// rows, NULLs included).
	MCV []types.Datum
	MCF []float64
	// Hist are the bounds of equal-count buckets over the other values.
	Hist []types.Datum
	// Rows is the table's row count when analyzed.
	Rows float64
}

// StatsCatalog is a Catalog that has statistics for some columns.
type StatsCatalog interface {
	// ColumnStats returns column col's statistics of table t, nil when
	// it has none (never analyzed).
	ColumnStats(t Table, col int) *ColumnStats
}

// statsSel estimates the selectivity of conjunct c over the columns of
// table t as PostgreSQL's eqsel / scalarineqsel do from statistics:
// `col = const` from the common values or an even share of the rest,
// `col < const` (and the like) from the common values below it plus the
// histogram's fraction of the rest. ok is false when the conjunct is not
// of those shapes or the column has no statistics.
func statsSel(cat Catalog, t Table, c Expr) (sel float64, ok bool) {
	if sel, ok := likePrefixSel(cat, t, c); ok { // likesel.go
		return sel, true
	}
	if sel, ok := likeSel(cat, t, c); ok { // likesel.go
		return sel, true
	}
	sc, isStats := cat.(StatsCatalog)
	call, isCall := c.(*Call)
	if !isStats || !isCall || len(call.Args) != 2 {
		return 0, false
	}
	op := call.Fn.ID
	col, isCol := call.Args[0].(*ColumnRef)
	k, isConst := call.Args[1].(*Const)
	if !isCol || !isConst {
		col, isCol = call.Args[1].(*ColumnRef)
		k, isConst = call.Args[0].(*Const)
		op = commuted(op)
	}
	if !isCol || !isConst || col.Idx >= len(t.Columns()) || op == FnInvalid {
		return 0, false
	}
	typ := t.Columns()[col.Idx].Type
	if k.T == nil || typ == nil || k.T.OID != typ.OID || col.T.OID != typ.OID {
		return 0, false
	}
	st := sc.ColumnStats(t, col.Idx)
	if st == nil {
		return 0, false
	}
	if k.Val == nil {
		return 0, true // a comparison with NULL is never true
	}
	var mcvSum float64
	for _, f := range st.MCF {
		mcvSum += f
	}
	rest := max(1-st.NullFrac-mcvSum, 0)
	switch op {
	case FnEq:
		for i, v := range st.MCV {
			if types.Compare(typ, v, k.Val) == 0 {
				return st.MCF[i], true
			}
		}
		nd := st.NDistinct
		if nd < 0 {
			nd = -nd * st.Rows
		}
		others := nd - float64(len(st.MCV))
		if others < 1 {
			return rest, true
		}
		return rest / others, true
	case FnLt, FnLe, FnGt, FnGe:
		less := op == FnLt || op == FnLe
		var s float64
		for i, v := range st.MCV {
			cmp := types.Compare(typ, v, k.Val)
			if (less && (cmp < 0 || cmp == 0 && op == FnLe)) || (!less && (cmp > 0 || cmp == 0 && op == FnGe)) {
				s += st.MCF[i]
			}
		}
		if n := len(st.Hist); n >= 2 {
			// The buckets wholly below the constant, half of the one it
			// falls in.
			i := sort.Search(n, func(i int) bool { return types.Compare(typ, st.Hist[i], k.Val) > 0 })
			frac := 0.0
			switch {
			case i == 0:
			case i == n:
				frac = 1
			default:
				frac = (float64(i-1) + 0.5) / float64(n-1)
			}
			if !less {
				frac = 1 - frac
			}
			s += frac * rest
		} else if len(st.MCV) == 0 {
			return 0, false
		}
		return min(max(s, 0), 1), true
	}
	return 0, false
}

// commuted is op with its operands swapped (FnInvalid when it is not a
// comparison).
func commuted(op FuncID) FuncID {
	switch op {
	case FnEq:
		return FnEq
	case FnLt:
		return FnGt
	case FnLe:
		return FnGe
	case FnGt:
		return FnLt
	case FnGe:
		return FnLe
	}
	return FnInvalid
}
