package planner

import (
	"math"
	"math/bits"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Selectivities of join predicates without statistics, PostgreSQL's
// defaults: DEFAULT_NUM_DISTINCT distinct values for a column nothing is
// known about (fewer in a smaller table), DEFAULT_EQ_SEL for an equality
// between expressions.
const (
	defaultNumDistinct = 200
	defaultEqJoinSel   = 0.005
)

// orderJoins orders the relations of an inner-join block (OrderJoins on
// their JoinGraph) and builds the tree's joins: each one applies the
// predicates its two sides complete, a hash join on their equalities
// when there are any. It returns the plan and, for each of its output
// columns, the FROM layout position it holds.
func (b *binder) orderJoins(rels []*joinRel, preds []*joinPred) (Node, []int) {
	g := b.joinGraph(rels, preds)
	// Index nested loops read the outer row through OuterRef, as LATERAL
	// does; a subquery's plan must stay free of them, since the rules
	// that decorrelate it (semijoin.go, scalarjoin.go) take any outer
	// reference for one to the enclosing query.
	if b.outer == nil || b.initPlan || b.perRow { // initplanlookup.go, perrow.go
		g.Lookups = b.joinLookups(rels, preds)
	}
	t := OrderJoins(g)
	width := rels[len(rels)-1].off + rels[len(rels)-1].width
	return buildJoinTree(t, g, rels, preds, width)
}

// joinGraph describes the relations (their filtered rows) and the unused
// predicates as a JoinGraph. The equalities between columns of the same
// two relations make one edge, whose selectivity comes from the keys and
// distinct counts of the columns (see eqJoinSel).
func (b *binder) joinGraph(rels []*joinRel, preds []*joinPred) *JoinGraph {
	g := &JoinGraph{Rows: make([]float64, len(rels)), Scan: make([]float64, len(rels))}
	for i, r := range rels {
		g.Rows[i] = math.Max(r.rows, 1)
		g.Scan[i] = costScanRow * math.Max(r.base, 1)
	}
	type pair struct{ a, b int }
	type colPairs struct {
		cols [][2]int // (a's column, b's column), each its relation's own
		hash bool
	}
	var order []pair
	eqs := map[pair]*colPairs{}
	for _, p := range preds {
		if p.used {
			continue
		}
		two := bits.OnesCount64(p.mask) == 2
		hash := two && hashEdge(p.e, rels)
		if two {
			if x, y, ok := eqColumns(p.e); ok {
				rx, ry := relOf(x, rels), relOf(y, rels)
				if rx > ry {
					x, y, rx, ry = y, x, ry, rx
				}
				if rx >= 0 && rx != ry {
					k := pair{rx, ry}
					cp := eqs[k]
					if cp == nil {
						cp = &colPairs{}
						eqs[k] = cp
						order = append(order, k)
					}
					cp.cols = append(cp.cols, [2]int{x - rels[rx].off, y - rels[ry].off})
					cp.hash = cp.hash || hash
					continue
				}
			}
		}
		sel := conjunctSel(p.e)
		if hash {
			sel = defaultEqJoinSel
		}
		g.Edges = append(g.Edges, JoinEdge{Rels: p.mask, Sel: sel, Hash: hash})
	}
	classes := eqClasses(preds, rels)
	for _, k := range order {
		cp := eqs[k]
		e := JoinEdge{Rels: 1<<k.a | 1<<k.b, Sel: b.eqJoinSel(rels[k.a], rels[k.b], cp.cols), Hash: cp.hash}
		if len(cp.cols) == 1 {
			e.Class = classes[cp.cols[0][0]+rels[k.a].off] // eqclass.go
			g.Classes = max(g.Classes, e.Class)
		}
		g.Edges = append(g.Edges, e)
	}
	return g
}

// hashEdge reports whether e, over two relations, is an equality that
// hashKeys would make a key of a join between them.
func hashEdge(e Expr, rels []*joinRel) bool {
	c, ok := e.(*Call)
	if !ok || c.Fn.ID != FnEq || len(c.Args) != 2 || !hashable(c.Args[0].Type(), c.Args[1].Type()) {
		return false
	}
	m0, p0 := relsOf(c.Args[0], rels)
	m1, p1 := relsOf(c.Args[1], rels)
	return !p0 && !p1 && bits.OnesCount64(m0) == 1 && bits.OnesCount64(m1) == 1 && m0 != m1
}

// eqJoinSel is the selectivity of the equalities cols between relations
// a and b: when they cover a unique key of one side, each row of the
// other meets at most one of its rows (1 / its unfiltered rows);
// otherwise PostgreSQL's eqjoinsel without common values, 1 / the larger
// distinct count, per equality.
func (b *binder) eqJoinSel(ra, rb *joinRel, cols [][2]int) float64 {
	ca, cb := map[int]bool{}, map[int]bool{}
	for _, c := range cols {
		ca[c[0]], cb[c[1]] = true, true
	}
	sel := 1.0
	unique := false
	if coversUniqueKey(ra, ca) {
		sel, unique = 1/math.Max(ra.base, 1), true
	}
	if coversUniqueKey(rb, cb) {
		sel, unique = math.Min(sel, 1/math.Max(rb.base, 1)), true
	}
	if unique {
		return sel
	}
	for _, c := range cols {
		sel /= math.Max(b.distinct(ra, c[0]), b.distinct(rb, c[1]))
	}
	return sel
}

// distinct estimates the distinct values of column col of r's table, as
// PostgreSQL's get_variable_numdistinct: the table's rows for a unique
// key, ANALYZE's figure, or a default.
func (b *binder) distinct(r *joinRel, col int) float64 {
	base := math.Max(r.base, 1)
	if coversUniqueKey(r, map[int]bool{col: true}) {
		return base
	}
	if s := relScan(r); s != nil && col < len(s.Table.Columns()) {
		if sc, ok := b.cat.(StatsCatalog); ok {
			if st := sc.ColumnStats(s.Table, col); st != nil && st.NDistinct != 0 {
				nd := st.NDistinct
				if nd < 0 {
					nd = -nd * base
				}
				return math.Min(math.Max(nd, 1), base)
			}
		}
		if t := s.Table.Columns()[col].Type; t != nil && t.OID == types.OidBool {
			return math.Min(2, base)
		}
	}
	return math.Min(defaultNumDistinct, base)
}

// relScan is the table scan under r's filter, if r is one.
func relScan(r *joinRel) *Scan {
	n := r.node
	if f, ok := n.(*Filter); ok {
		n = f.Input
	}
	s, _ := n.(*Scan)
	return s
}

// buildJoinTree turns t into Join nodes over the relations' nodes, each
// applying the unused predicates its inputs complete (marking them
// used). width is the FROM layout's width.
func buildJoinTree(t *JoinTree, g *JoinGraph, rels []*joinRel, preds []*joinPred, width int) (Node, []int) {
	if t.Rel >= 0 {
		r := rels[t.Rel]
		return r.node, relLayout(r)
	}
	left, leftLayout := buildJoinTree(t.Left, g, rels, preds, width)
	if t.Lookup > 0 {
		if n, layout := lookupJoin(t, left, leftLayout, rels, preds, width); n != nil {
			return n, layout
		}
	}
	right, rightLayout := buildJoinTree(t.Right, g, rels, preds, width)
	var on []Expr
	for _, p := range preds {
		if !p.used && p.mask&^t.Set == 0 {
			p.used = true
			on = append(on, p.e)
		}
	}
	layout := append(append(make([]int, 0, len(leftLayout)+len(rightLayout)), leftLayout...), rightLayout...)
	if len(on) > 0 {
		pos := make([]int, width)
		for i, c := range layout {
			pos[c] = i
		}
		for i := range on {
			on[i] = remapCols(on[i], pos)
		}
	}
	join := &Join{Left: left, Right: right, Kind: InnerJoin, Rows: t.Rows,
		Types: append(append(make([]*types.T, 0, len(layout)), left.Output()...), right.Output()...)}
	nl := len(leftLayout)
	side := func(e Expr) (int, bool) {
		m := 0
		ok := true
		walkCols(e, func(c int) {
			if c < nl {
				m |= 1
			} else {
				m |= 2
			}
		}, func() { ok = false })
		return m, ok
	}
	on, join.LeftKeys, join.RightKeys = hashKeys(on, side, nl)
	join.Cond = andOf(on)
	return join, layout
}

// costScanRow is the cost of reading a row in a sequential scan, in the
// units of joinorder.go's weights.
const costScanRow = 1.0

// joinLookups lists the index nested loops possible into each relation
// that is a table with a primary key or indexes: for each access path,
// each prefix of its columns bound by equalities with other relations'
// columns (or with constants in the relation's own filter) with at least
// one bound by a join. A relation whose plan reads outer references or
// has subqueries gets none (lookupJoin reads the outer row as level 1).
func (b *binder) joinLookups(rels []*joinRel, preds []*joinPred) []JoinLookup {
	var out []JoinLookup
	for i, r := range rels {
		s := relScan(r)
		if s == nil {
			continue
		}
		kt, ok := s.Table.(KeyedTable)
		if !ok {
			continue
		}
		var local Expr
		if f, ok := r.node.(*Filter); ok {
			local = f.Cond
			if outerLevels(local) != 0 {
				continue
			}
		}
		// The relations each column is bound to by an equality.
		bound := map[int]uint64{}
		for _, p := range preds {
			if p.used || bits.OnesCount64(p.mask) != 2 || p.mask&(1<<i) == 0 {
				continue
			}
			x, y, ok := eqColumns(p.e)
			if !ok {
				continue
			}
			if relOf(y, rels) == i {
				x, y = y, x
			}
			if relOf(x, rels) != i {
				continue
			}
			bound[x-r.off] |= p.mask &^ (1 << i)
		}
		if len(bound) == 0 {
			continue
		}
		consts := equalities(s.Table, local)
		path := func(cols []int, unique bool) {
			var keys []uint64
			joined := false
			nd := 1.0
			for k, c := range cols {
				switch {
				case bound[c] != 0:
					keys = append(keys, bound[c])
					joined = true
				case consts[c] != nil:
					keys = append(keys, ^uint64(0))
				default:
					return
				}
				nd *= b.distinct(r, c)
				if !joined {
					continue
				}
				fetch := math.Max(r.base/math.Max(nd, 1), 1)
				if unique && k == len(cols)-1 {
					fetch = 1
				}
				out = append(out, JoinLookup{Rel: i, Keys: append([]uint64(nil), keys...), Fetch: fetch})
			}
		}
		if pk := kt.PrimaryKey(); len(pk) > 0 {
			path(pk, true)
		}
		for _, ix := range kt.Indexes() {
			path(ix.Columns, ix.Unique)
		}
	}
	return out
}

// lookupJoin builds an index nested loop: a LATERAL join whose right
// side filters the inner relation's table by its own conditions and by
// the equalities with the outer (left) side, the outer columns read as
// level-1 outer references, so the key-lookup rule reads the matching
// keys for each outer row. The other predicates the join completes are
// its condition. It returns nil when the key-lookup rule would not use
// an outer value (then the caller builds a hash join).
func lookupJoin(t *JoinTree, left Node, leftLayout []int, rels []*joinRel, preds []*joinPred, width int) (Node, []int) {
	ri := t.Right.Rel
	r := rels[ri]
	s := relScan(r)
	if s == nil {
		return nil, nil
	}
	posL := make([]int, width)
	for i := range posL {
		posL[i] = -1
	}
	for i, c := range leftLayout {
		posL[c] = i
	}
	var inner []Expr
	if f, ok := r.node.(*Filter); ok {
		inner = conjuncts(f.Cond)
	}
	var on, keys []*joinPred
	for _, p := range preds {
		if p.used || p.mask&^t.Set != 0 {
			continue
		}
		if x, y, ok := eqColumns(p.e); ok && bits.OnesCount64(p.mask) == 2 && p.mask&(1<<ri) != 0 {
			if relOf(x, rels) != ri {
				x, y = y, x
			}
			if relOf(x, rels) == ri && posL[y] >= 0 {
				keys = append(keys, p)
				continue
			}
		}
		on = append(on, p)
	}
	for _, p := range keys {
		inner = append(inner, outerCols(p.e, r, posL))
	}
	cond := andOf(inner)
	k := chooseKey(s.Table, cond)
	if k == nil || !readsOuter(k) {
		return nil, nil
	}
	layout := append(append(make([]int, 0, len(leftLayout)+r.width), leftLayout...), relLayout(r)...)
	pos := make([]int, width)
	for i, c := range layout {
		pos[c] = i
	}
	var rest []Expr
	for _, p := range append(keys, on...) {
		p.used = true
	}
	for _, p := range on {
		rest = append(rest, remapCols(p.e, pos))
	}
	right := &Filter{Input: s, Cond: cond}
	join := &Join{Left: left, Right: right, Kind: InnerJoin, Lateral: true, Cond: andOf(rest), Rows: t.Rows,
		Types: append(append(make([]*types.T, 0, len(layout)), left.Output()...), s.Output()...)}
	return join, layout
}

// outerCols rewrites e, over FROM columns, for the inner side of an
// index nested loop into r: r's columns become its own, the outer side's
// (at posL) level-1 outer references.
func outerCols(e Expr, r *joinRel, posL []int) Expr {
	if c, ok := e.(*ColumnRef); ok {
		if c.Idx >= r.off && c.Idx < r.off+r.width {
			return &ColumnRef{Idx: c.Idx - r.off, T: c.T}
		}
		return &OuterRef{Level: 1, Idx: posL[c.Idx], T: c.T}
	}
	out, _ := mapChildren(e, func(x Expr) (Expr, error) { return outerCols(x, r, posL), nil })
	return out
}

// readsOuter reports whether key lookup k uses an outer reference.
func readsOuter(k *KeyLookup) bool {
	found := false
	for _, v := range k.Values {
		walkExprs(v, func(x Expr) {
			if _, ok := x.(*OuterRef); ok {
				found = true
			}
		})
	}
	return found
}
