package planner

import (
	"math"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Row estimates over a plan
//
// cardEst estimates the rows a plan node returns, the one estimator the
// merge-join rule's costs and EXPLAIN's printer share, with the same
// selectivities the join-order search uses for its relations
// (binder.estimate calls clauseSel too), so the three agree:
//
//   - a scan returns its table's rows (RowEstimator) times its filter's
//     selectivity (clauseSel), a key lookup's equalities counting once
//     whether or not the Filter above repeats them;
//   - an equality with an outer reference or a parameter (the inner side
//     of an index nested loop) matches one value's share of the rows,
//     PostgreSQL's var_eq_non_const: (1 - null fraction) / n_distinct, so
//     the inner side is estimated per loop and the join multiplies;
//   - a join built by the join-order search carries the search's own
//     estimate (Join.Rows); other hash joins take eqjoinsel's 1 / the
//     larger distinct count of each key pair;
//   - an aggregation's groups are the product of its keys' distinct
//     counts (estimate_num_groups), at most its input rows.
type cardEst struct {
	cat Catalog
	est RowEstimator
	sc  StatsCatalog
}

// newCardEst returns the estimator over cat's row counts and statistics
// (either may be missing).
func newCardEst(cat Catalog) *cardEst {
	c := &cardEst{cat: cat}
	c.est, _ = cat.(RowEstimator)
	c.sc, _ = cat.(StatsCatalog)
	return c
}

// tableRows is t's estimated row count (unknownRows when unknown).
func (c *cardEst) tableRows(t Table) float64 {
	if c != nil && c.est != nil {
		if n := c.est.EstimateRows(t); n >= 0 {
			return math.Max(n, 1)
		}
	}
	return unknownRows
}

// rows estimates the rows n returns (at least 1, except for what
// returns nothing by construction).
func (c *cardEst) rows(n Node) float64 {
	switch x := n.(type) {
	case *Scan:
		base := c.tableRows(x.Table)
		if x.Key == nil {
			return base
		}
		return math.Max(1, base*c.keySel(x, nil)*rangeFactor(x.Key))
	case *Filter:
		if s, ok := x.Input.(*Scan); ok {
			return c.scanRows(s, x.Cond)
		}
		return math.Max(1, c.rows(x.Input)*c.clauseSel(nil, conjuncts(x.Cond)))
	case *Project:
		return c.rows(x.Input)
	case *Sort:
		return c.rows(x.Input)
	case *LockRows:
		return c.rows(x.Input)
	case *Window:
		return c.rows(x.Input)
	case *Gather:
		return c.rows(x.Input)
	case *Limit:
		in := c.rows(x.Input)
		if k, ok := x.Count.(*Const); ok {
			if v, ok := k.Val.(int64); ok {
				return math.Max(0, math.Min(float64(v), in))
			}
		}
		return in
	case *Join:
		return c.joinRows(x)
	case *Agg:
		if len(x.GroupBy) == 0 {
			return 1
		}
		g := c.groups(x.Input, x.GroupBy)
		if x.Sets != nil {
			g *= float64(len(x.Sets))
		}
		return g
	case *Distinct:
		in := c.rows(x.Input)
		if x.On != nil {
			return math.Max(1, math.Min(in, defaultNumDistinct))
		}
		cols := make([]Expr, len(x.Input.Output()))
		for i, t := range x.Input.Output() {
			cols[i] = &ColumnRef{Idx: i, T: t}
		}
		return c.groups(x.Input, cols)
	case *Values:
		return float64(len(x.Rows))
	case *Append:
		r := 0.0
		for _, in := range x.Inputs {
			r += c.rows(in)
		}
		if x.Distinct {
			return math.Max(1, math.Min(r, defaultNumDistinct))
		}
		return r
	case *Result:
		return 1
	}
	return unknownRows
}

// scanRows estimates the rows of s filtered by cond (nil = none).
func (c *cardEst) scanRows(s *Scan, cond Expr) float64 {
	base := c.tableRows(s.Table)
	conds := conjuncts(cond)
	sel := 1.0
	if s.Key != nil {
		if uniqueKeyLen(s.Table, s.Key.Index) == len(s.Key.Values) && s.Key.In == nil && s.Key.InArray == nil &&
			s.Key.Lower == nil && s.Key.Upper == nil && s.Key.Like == nil {
			return 1
		}
		sel = c.keySel(s, conds)
		conds = uncoveredConds(s, conds)
		if len(conds) == 0 || cond == nil {
			// The key's range or IN list, when no filter states it.
			sel *= rangeFactor(s.Key)
		}
	}
	return math.Max(1, base*sel*c.clauseSel(s.Table, conds))
}

// keySel is the selectivity of key lookup s.Key's equalities on its
// leading columns (the filter's conjuncts on those columns are not
// counted again: uncoveredConds drops them).
func (c *cardEst) keySel(s *Scan, _ []Expr) float64 {
	cols := keyColumns(s.Table, s.Key.Index)
	sel := 1.0
	for i, v := range s.Key.Values {
		if i >= len(cols) {
			break
		}
		sel *= c.valueSel(s.Table, cols[i], v)
	}
	return sel
}

// valueSel is the selectivity of `column col of t = v`: from the
// statistics for a constant, else var_eq_non_const.
func (c *cardEst) valueSel(t Table, col int, v Expr) float64 {
	if k, ok := v.(*Const); ok && c.sc != nil {
		if st := c.sc.ColumnStats(t, col); st != nil && col < len(t.Columns()) {
			typ := t.Columns()[col].Type
			if k.Val == nil {
				return 0
			}
			for i, m := range st.MCV {
				if typ != nil && types.Compare(typ, m, k.Val) == 0 {
					return st.MCF[i]
				}
			}
			var mcvSum float64
			for _, f := range st.MCF {
				mcvSum += f
			}
			nd := c.distinct(t, col)
			if others := nd - float64(len(st.MCV)); others >= 1 {
				return math.Max(1-st.NullFrac-mcvSum, 0) / others
			}
			return math.Max(1-st.NullFrac-mcvSum, 0)
		}
		return eqSel
	}
	return c.eqNonConstSel(t, col)
}

// uncoveredConds drops from conds the equalities on the columns key
// lookup s.Key pins by value: keySel counted them.
func uncoveredConds(s *Scan, conds []Expr) []Expr {
	cols := keyColumns(s.Table, s.Key.Index)
	pinned := map[int]bool{}
	for i := range s.Key.Values {
		if i < len(cols) {
			pinned[cols[i]] = true
		}
	}
	out := conds[:0:0]
	for _, e := range conds {
		if call, ok := e.(*Call); ok && call.Fn.ID == FnEq && len(call.Args) == 2 {
			if col, ok := eqColOf(call); ok && pinned[col] {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// eqColOf returns the scan column an equality compares with something
// that is not another column of the same row.
func eqColOf(call *Call) (int, bool) {
	for i := 0; i < 2; i++ {
		if ref, ok := uncastInt(call.Args[i]).(*ColumnRef); ok {
			if _, other := uncastInt(call.Args[1-i]).(*ColumnRef); !other {
				return ref.Idx, true
			}
		}
	}
	return 0, false
}

// clauseSel is the selectivity of the conjunction conds, over the
// columns of table t when t is not nil (else over columns nothing is
// known about), as PostgreSQL's clauselist_selectivity: the product of
// each conjunct's, except that `x > a` and `x < b` on one column pair up
// into one range from the histogram (hi + lo - 1).
func (c *cardEst) clauseSel(t Table, conds []Expr) float64 {
	type bounds struct {
		lo, hi     float64
		hasLo, has bool
		nullFrac   float64
	}
	var ranges map[int]*bounds
	var order []int
	sel := 1.0
	for _, e := range conds {
		if t != nil {
			if col, op, ok := rangeConjunct(e); ok {
				if s, ok := statsSel(c.cat, t, e); ok {
					if ranges == nil {
						ranges = map[int]*bounds{}
					}
					b := ranges[col]
					if b == nil {
						b = &bounds{}
						if c.sc != nil {
							if st := c.sc.ColumnStats(t, col); st != nil {
								b.nullFrac = st.NullFrac
							}
						}
						ranges[col] = b
						order = append(order, col)
					}
					if op == FnGt || op == FnGe {
						if b.hasLo {
							b.lo = math.Min(b.lo, s)
						} else {
							b.lo, b.hasLo = s, true
						}
					} else {
						if b.has {
							b.hi = math.Min(b.hi, s)
						} else {
							b.hi, b.has = s, true
						}
					}
					continue
				}
			}
		}
		sel *= c.exprSel(t, e)
	}
	for _, col := range order {
		b := ranges[col]
		switch {
		case b.hasLo && b.has:
			s := b.hi + b.lo - 1 + b.nullFrac
			if s <= 0 {
				if s < -0.01 {
					s = 1e-10 // contradictory bounds
				} else {
					s = defaultRangeIneqSel
				}
			}
			sel *= s
		case b.hasLo:
			sel *= b.lo
		default:
			sel *= b.hi
		}
	}
	return sel
}

// defaultRangeIneqSel is PostgreSQL's DEFAULT_RANGE_INEQ_SEL, for a
// range whose bounds cross by rounding.
const defaultRangeIneqSel = 0.005

// rangeConjunct recognizes `col op const` or `const op col` with op one
// of < <= > >=, returning the column and op as if the column were left.
func rangeConjunct(e Expr) (int, FuncID, bool) {
	call, ok := e.(*Call)
	if !ok || len(call.Args) != 2 {
		return 0, 0, false
	}
	op := call.Fn.ID
	switch op {
	case FnLt, FnLe, FnGt, FnGe:
	default:
		return 0, 0, false
	}
	if ref, ok := call.Args[0].(*ColumnRef); ok {
		if _, ok := call.Args[1].(*Const); ok {
			return ref.Idx, op, true
		}
	}
	if ref, ok := call.Args[1].(*ColumnRef); ok {
		if _, ok := call.Args[0].(*Const); ok {
			return ref.Idx, commuted(op), true
		}
	}
	return 0, 0, false
}

// exprSel is the selectivity of one boolean expression: statistics for
// comparisons with constants, var_eq_non_const for an equality with an
// outer reference or parameter, OR as 1 - the product of its arms'
// complements, AND as clauseSel, NOT as the complement, fixed guesses
// for the rest.
func (c *cardEst) exprSel(t Table, e Expr) float64 {
	switch x := e.(type) {
	case *BoolExpr:
		switch x.Op {
		case And:
			return c.clauseSel(t, x.Args)
		case Or:
			miss := 1.0
			for _, a := range x.Args {
				miss *= 1 - c.exprSel(t, a)
			}
			return 1 - miss
		case Not:
			if len(x.Args) == 1 {
				return 1 - c.exprSel(t, x.Args[0])
			}
		}
	case *Call:
		if t != nil {
			if s, ok := statsSel(c.cat, t, e); ok {
				return s
			}
			if x.Fn.ID == FnEq && len(x.Args) == 2 {
				if col, ok := eqColOf(x); ok && col < len(t.Columns()) && !hasColumn(x.Args, col) {
					return c.eqNonConstSel(t, col)
				}
			}
		}
	}
	return conjunctSel(e)
}

// hasColumn reports whether the side of an equality other than the
// column col reads a column of the same row (then it is no one-value
// comparison).
func hasColumn(args []Expr, col int) bool {
	n := 0
	for _, a := range args {
		walkExprs(a, func(x Expr) {
			if _, ok := x.(*ColumnRef); ok {
				n++
			}
		})
	}
	return n > 1
}

// eqNonConstSel is var_eq_non_const: the share of t's rows whose column
// col equals one value not known when planning.
func (c *cardEst) eqNonConstSel(t Table, col int) float64 {
	nullFrac := 0.0
	if c.sc != nil {
		if st := c.sc.ColumnStats(t, col); st != nil {
			nullFrac = st.NullFrac
		}
	}
	return (1 - nullFrac) / c.distinct(t, col)
}

// distinct estimates the distinct values of column col of t, as
// PostgreSQL's get_variable_numdistinct: the table's rows for a
// one-column unique key, ANALYZE's figure, 2 for a boolean, else
// DEFAULT_NUM_DISTINCT (at most the rows).
func (c *cardEst) distinct(t Table, col int) float64 {
	base := c.tableRows(t)
	if uniqueColumn(t, col) {
		return base
	}
	if c.sc != nil && col < len(t.Columns()) {
		if st := c.sc.ColumnStats(t, col); st != nil && st.NDistinct != 0 {
			nd := st.NDistinct
			if nd < 0 {
				nd = -nd * base
			}
			return math.Min(math.Max(nd, 1), base)
		}
	}
	if col < len(t.Columns()) {
		if typ := t.Columns()[col].Type; typ != nil && typ.OID == types.OidBool {
			return math.Min(2, base)
		}
	}
	return math.Min(defaultNumDistinct, base)
}

// uniqueColumn reports whether col alone is t's primary key or a unique
// index.
func uniqueColumn(t Table, col int) bool {
	kt, ok := t.(KeyedTable)
	if !ok {
		return false
	}
	if pk := kt.PrimaryKey(); len(pk) == 1 && pk[0] == col {
		return true
	}
	for _, ix := range kt.Indexes() {
		if ix.Unique && len(ix.Columns) == 1 && ix.Columns[0] == col {
			return true
		}
	}
	return false
}

// origin traces output column col of n down to the table column it
// reads, through filters, projections of plain columns, sorts, joins and
// grouping keys.
func origin(n Node, col int) (Table, int, bool) {
	for {
		switch x := n.(type) {
		case *Scan:
			if col < len(x.Table.Columns()) {
				return x.Table, col, true
			}
			return nil, 0, false
		case *Filter:
			n = x.Input
		case *Sort:
			n = x.Input
		case *Limit:
			n = x.Input
		case *LockRows:
			n = x.Input
		case *Gather:
			n = x.Input
		case *Distinct:
			n = x.Input
		case *Project:
			if col >= len(x.Exprs) {
				return nil, 0, false
			}
			ref, ok := uncastInt(x.Exprs[col]).(*ColumnRef)
			if !ok {
				return nil, 0, false
			}
			n, col = x.Input, ref.Idx
		case *Join:
			nl := len(x.Left.Output())
			if col < nl {
				n = x.Left
			} else {
				n, col = x.Right, col-nl
			}
		case *Agg:
			if col >= len(x.GroupBy) {
				return nil, 0, false
			}
			ref, ok := uncastInt(x.GroupBy[col]).(*ColumnRef)
			if !ok {
				return nil, 0, false
			}
			n, col = x.Input, ref.Idx
		default:
			return nil, 0, false
		}
	}
}

// exprDistinct estimates the distinct values of e over n's rows: its
// column's distinct count when e reads one column (a function of one
// column has at most as many), else DEFAULT_NUM_DISTINCT.
func (c *cardEst) exprDistinct(n Node, e Expr) float64 {
	col, cols := -1, 0
	walkExprs(e, func(x Expr) {
		if ref, ok := x.(*ColumnRef); ok {
			if ref.Idx != col {
				cols++
			}
			col = ref.Idx
		}
	})
	if cols == 1 {
		if t, tc, ok := origin(n, col); ok {
			return c.distinct(t, tc)
		}
	}
	return defaultNumDistinct
}

// groups estimates the distinct combinations of keys over n's rows, as
// estimate_num_groups: the product of their distinct counts, at most
// n's rows.
func (c *cardEst) groups(n Node, keys []Expr) float64 {
	in := c.rows(n)
	g := 1.0
	for _, k := range keys {
		g *= c.exprDistinct(n, k)
		if g >= in {
			break
		}
	}
	return math.Max(1, math.Min(g, in))
}

// joinRows estimates a join's rows: the join-order search's estimate
// when it built the join; else the product of the inputs (a lateral
// join's right side is estimated per left row) times eqjoinsel of each
// key pair and the condition's selectivity, at least the preserved
// side's rows for outer joins.
func (c *cardEst) joinRows(j *Join) float64 {
	if j.Rows > 0 {
		return j.Rows
	}
	l := c.rows(j.Left)
	if j.Kind == SemiJoin || j.Kind == AntiJoin {
		return math.Max(1, l/2)
	}
	r := c.rows(j.Right)
	out := l * r
	for i := range j.LeftKeys {
		if i < len(j.RightKeys) {
			out *= c.keyEqSel(j.Left, j.LeftKeys[i], j.Right, j.RightKeys[i])
		}
	}
	if j.Cond != nil {
		out *= c.clauseSel(nil, conjuncts(j.Cond))
	}
	switch j.Kind {
	case LeftJoin:
		out = math.Max(out, l)
	case RightJoin:
		out = math.Max(out, r)
	case FullJoin:
		out = math.Max(out, math.Max(l, r))
	}
	return math.Max(1, out)
}

// keyEqSel is eqjoinsel without common values for left key lk = right
// key rk: 1 / the larger distinct count.
func (c *cardEst) keyEqSel(left Node, lk Expr, right Node, rk Expr) float64 {
	nd := func(n Node, e Expr) float64 {
		if ref, ok := uncastInt(e).(*ColumnRef); ok {
			if t, col, ok := origin(n, ref.Idx); ok {
				return c.distinct(t, col)
			}
		}
		return math.Min(defaultNumDistinct, c.rows(n))
	}
	return 1 / math.Max(math.Max(nd(left, lk), nd(right, rk)), 1)
}
