package planner

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// Join order
//
// The join rule (joins.go) flattens a block of inner joins into
// relations and predicates, and hands an abstract JoinGraph to a
// JoinOrderer, which returns a JoinTree: a bushy tree of binary joins.
// The rule then turns the tree into Join nodes.
//
// Every orderer shares one cost model, the JoinGraph's methods, so their
// trees compare: the rows of a set of relations are the product of their
// filtered rows and of the selectivities of the predicates inside the
// set (a function of the set, not of the tree, which is what makes
// dynamic programming exact), and a plan costs what our executor spends
// on it: each relation's scan, then per join either a hash join (a table
// built on the smaller input, probed by the larger one), a nested loop
// over every pair when no equality joins the sides, or an index nested
// loop, which replaces the inner relation's scan by a key lookup per
// outer row (JoinLookup; the rule builds it as a LATERAL join whose
// inner scan is keyed on the outer row's values); every join pays for
// the rows it produces.
//
// Up to MaxDPRelations relations, DPOrderer finds the cheapest tree
// exactly by DPccp (Moerkotte and Neumann, "Analysis of two existing and
// one new dynamic programming algorithm for the generation of optimal
// bushy join trees without cross products", VLDB 2006): it enumerates
// each pair of a connected subgraph and a connected complement of it
// once, so it costs O(#pairs) rather than DPsub's O(3^n). Cross products
// are considered only when the graph is disconnected. Above the limit,
// the orderer set with SetLargeJoinOrderer runs (GreedyOrderer until the
// quantum annealer plugs in there). joinorder_test.go measures both
// against the optimum found by listing every bushy tree.

// MaxDPRelations is the largest number of relations DPOrderer orders by
// dynamic programming; larger joins go to the large-join orderer.
const MaxDPRelations = 12

// Cost model weights, per row (see JoinCost and LookupCost).
const (
	costHashBuild = 2.0 // hashing and storing a row of the build side
	costHashProbe = 1.0 // hashing a probe row and looking it up
	costNLPair    = 1.0 // checking one pair of a nested loop
	costOutRow    = 1.0 // producing a joined row
	costSeek      = 8.0 // one index lookup, per row of the outer side
	costFetchRow  = 1.5 // each row a lookup reads
)

// minSel keeps a selectivity from reaching zero, where a product with an
// overflowed row count would be NaN.
const minSel = 1e-300

// JoinGraph is the input of a JoinOrderer: the relations of a block of
// inner joins and the predicates between them. At most 64 relations.
type JoinGraph struct {
	// Rows is each relation's estimated row count after its own filters
	// (at least 1).
	Rows []float64
	// Edges are the predicates over two or more relations.
	Edges []JoinEdge
	// Scan is each relation's cost to read it on its own (nil = none):
	// what reading it by key per row of the other side saves.
	Scan []float64
	// Lookups are the ways to read a relation by key for each row of
	// the other side of a join (index nested loops).
	Lookups []JoinLookup
	// Classes is the number of equivalence classes the edges' Class
	// numbers (1..Classes).
	Classes int
}

// JoinLookup is an index nested loop into a relation: its key columns
// bound by equalities to columns of other relations.
type JoinLookup struct {
	// Rel is the relation read by key.
	Rel int
	// Keys holds, per key column, the relations an equality binds it
	// to; the outer side must hold one of each.
	Keys []uint64
	// Fetch is the rows one lookup reads (before Rel's own filters).
	Fetch float64
}

// JoinEdge is a join predicate (or several between the same relations,
// with their combined selectivity).
type JoinEdge struct {
	// Rels is the set of relations it reads (bit i = relation i), at
	// least two.
	Rels uint64
	// Sel is the fraction of the cross product of Rels it lets through.
	Sel float64
	// Hash marks an equality between two relations that a hash join can
	// use as its key (ignored on edges over more relations).
	Hash bool
	// Class, when not 0, is the equivalence class (planner/eqclass.go)
	// whose columns the edge equates: SetRows counts a class's edges
	// within a set as one per relation joined beyond the first.
	Class int
}

// JoinTree is a plan for joining a set of relations: a leaf (Rel >= 0)
// or a join of Left and Right, where Right is the smaller input (the
// hash join's build side) or, with Lookup, the relation read by key for
// each Left row. Make leaves and joins with JoinGraph.Leaf and
// JoinGraph.Join, which fill in Rows and Cost.
type JoinTree struct {
	Rel         int // the relation of a leaf; -1 for a join
	Left, Right *JoinTree
	Set         uint64  // the relations below
	Rows        float64 // estimated output rows
	Cost        float64 // cost of the scans and joins below, this one included
	// Lookup marks an index nested loop: Right, a leaf, is read by key
	// for each row of Left (through Lookups[Lookup-1]); 0 = none.
	Lookup int
}

// JoinOrderer chooses the order of a block of inner joins. Order returns
// a tree over all of g's relations (nil for none), built with g.Leaf and
// g.Join. Implementations must be safe for concurrent use.
type JoinOrderer interface {
	Order(g *JoinGraph) *JoinTree
}

var largeOrderer atomic.Pointer[JoinOrderer]

// SetLargeJoinOrderer installs the orderer for joins of more than
// MaxDPRelations relations (nil restores GreedyOrderer). It is meant to
// be called once at start-up.
func SetLargeJoinOrderer(o JoinOrderer) {
	if o == nil {
		largeOrderer.Store(nil)
		return
	}
	largeOrderer.Store(&o)
}

// OrderJoins orders g with DPOrderer when it has at most MaxDPRelations
// relations, else with the large-join orderer.
func OrderJoins(g *JoinGraph) *JoinTree {
	if len(g.Rows) <= MaxDPRelations {
		return DPOrderer{}.Order(g)
	}
	if o := largeOrderer.Load(); o != nil {
		return (*o).Order(g)
	}
	return GreedyOrderer{}.Order(g)
}

// Leaf returns the tree for relation i alone.
func (g *JoinGraph) Leaf(i int) *JoinTree {
	return &JoinTree{Rel: i, Set: 1 << i, Rows: g.Rows[i], Cost: g.scanCost(i)}
}

func (g *JoinGraph) scanCost(i int) float64 {
	if i < len(g.Scan) {
		return g.Scan[i]
	}
	return 0
}

// Join returns the cheapest tree joining a and b (disjoint): a hash join
// building on the smaller one, a nested loop, or an index nested loop
// into a leaf.
func (g *JoinGraph) Join(a, b *JoinTree) *JoinTree {
	if b.Rows > a.Rows {
		a, b = b, a
	}
	_, hash := g.connection(a.Set, b.Set)
	out := g.SetRows(a.Set | b.Set)
	t := &JoinTree{Rel: -1, Left: a, Right: b, Set: a.Set | b.Set, Rows: out,
		Cost: a.Cost + b.Cost + JoinCost(a.Rows, b.Rows, out, hash)}
	for _, p := range [2][2]*JoinTree{{a, b}, {b, a}} {
		outer, inner := p[0], p[1]
		if inner.Rel < 0 {
			continue
		}
		if l, c := g.lookup(inner.Rel, outer.Set, outer.Rows, out); l > 0 && outer.Cost+c < t.Cost {
			t.Left, t.Right, t.Cost, t.Lookup = outer, inner, outer.Cost+c, l
		}
	}
	return t
}

// lookup returns the cheapest index nested loop into relation r from an
// outer side of the relations in outer (rows of them) giving out rows:
// 1 + its index in Lookups (0 = none) and the cost of the join, the
// lookups included (r's scan is not done).
func (g *JoinGraph) lookup(r int, outer uint64, rows, out float64) (int, float64) {
	best, bestCost := 0, 0.0
	for i, l := range g.Lookups {
		if l.Rel != r {
			continue
		}
		ok := true
		for _, k := range l.Keys {
			if k&outer == 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		c := LookupCost(rows, l.Fetch, out)
		if best == 0 || c < bestCost {
			best, bestCost = i+1, c
		}
	}
	return best, bestCost
}

// LookupCost is the cost of an index nested loop: outer rows each
// seeking the index and reading fetch rows, giving out rows.
func LookupCost(outer, fetch, out float64) float64 {
	return outer*(costSeek+costFetchRow*math.Max(fetch, 1)) + costOutRow*out
}

// SetRows estimates the rows of joining the relations in set: the
// product of their rows and of the selectivities of the edges within
// it, at least 1.
func (g *JoinGraph) SetRows(set uint64) float64 {
	r := 1.0
	for s := set; s != 0; s &= s - 1 {
		r *= g.Rows[bits.TrailingZeros64(s)]
	}
	for _, e := range g.Edges {
		if e.Rels&^set == 0 && e.Class == 0 {
			r *= math.Max(e.Sel, minSel)
		}
	}
	for c := 1; c <= g.Classes; c++ {
		r *= g.classSel(c, set)
	}
	return math.Max(r, 1)
}

// classSel is the selectivity equivalence class c contributes to set: with
// m of its relations in the set, the m-1 least selective of its edges
// there (joining m relations takes m-1 of its equalities; the others then
// hold anyway).
func (g *JoinGraph) classSel(c int, set uint64) float64 {
	var sels [16]float64
	n := 0
	var rels uint64
	for _, e := range g.Edges {
		if e.Class == c && e.Rels&^set == 0 && n < len(sels) {
			sels[n] = e.Sel
			n++
			rels |= e.Rels
		}
	}
	m := bits.OnesCount64(rels)
	if m < 2 {
		return 1
	}
	s := sels[:n]
	for i := 1; i < len(s); i++ { // descending; a class has few edges
		for j := i; j > 0 && s[j] > s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	sel := 1.0
	for _, v := range s[:min(m-1, n)] {
		sel *= math.Max(v, minSel)
	}
	return sel
}

// connection reports whether an edge joins sets a and b (disjoint), and
// whether one of them is a hash key between the two.
func (g *JoinGraph) connection(a, b uint64) (connected, hash bool) {
	for _, e := range g.Edges {
		if e.Rels&a != 0 && e.Rels&b != 0 && e.Rels&^(a|b) == 0 {
			connected = true
			if e.Hash && bits.OnesCount64(e.Rels) == 2 {
				return true, true
			}
		}
	}
	return connected, false
}

// JoinCost is the cost of one join of inputs of l and r rows giving out
// rows: a hash join (building on the smaller input) when hash, else a
// nested loop over every pair.
func JoinCost(l, r, out float64, hash bool) float64 {
	if !hash {
		return costNLPair*l*r + costOutRow*out
	}
	return costHashBuild*math.Min(l, r) + costHashProbe*math.Max(l, r) + costOutRow*out
}

// Relations lists the leaves of t from left to right.
func (t *JoinTree) Relations() []int {
	if t == nil {
		return nil
	}
	if t.Rel >= 0 {
		return []int{t.Rel}
	}
	return append(t.Left.Relations(), t.Right.Relations()...)
}

// GreedyOrderer builds left-deep trees: from a starting relation it
// adds, each step, the relation connected to those joined so far that
// gives the smallest result (an unconnected one, a cross join, only when
// no connected one is left). It tries every relation as the start and
// keeps the cheapest tree: O(n^2) steps of O(degree) each, for joins too
// large for DPOrderer.
type GreedyOrderer struct{}

// Order implements JoinOrderer.
func (GreedyOrderer) Order(g *JoinGraph) *JoinTree {
	n := len(g.Rows)
	if n == 0 {
		return nil
	}
	// The edges each relation is in, so a step looks at those alone.
	incident := make([][]int32, n)
	for ei, e := range g.Edges {
		for s := e.Rels; s != 0; s &= s - 1 {
			i := bits.TrailingZeros64(s)
			if i < n {
				incident[i] = append(incident[i], int32(ei))
			}
		}
	}
	order, bestOrder := make([]int, n), make([]int, n)
	bestCost := math.Inf(1)
	for first := 0; first < n; first++ {
		if c := greedyFrom(g, incident, first, order, bestCost); c < bestCost || first == 0 {
			bestCost = c
			copy(bestOrder, order)
		}
	}
	t := g.Leaf(bestOrder[0])
	for _, r := range bestOrder[1:] {
		t = g.Join(t, g.Leaf(r))
	}
	return t
}

// greedyFrom fills order with the greedy sequence of relations that
// starts with first and returns its approximate cost (as JoinGraph.Join
// would count it, without its fine points), giving up (+Inf) once it
// passes limit.
func greedyFrom(g *JoinGraph, incident [][]int32, first int, order []int, limit float64) float64 {
	n := len(g.Rows)
	order[0] = first
	joined := uint64(1) << first
	// raw is the unclamped row estimate of the joined set, so each
	// candidate's result is one multiplication per edge away.
	raw := g.Rows[first]
	cost := g.scanCost(first)
	for k := 1; k < n; k++ {
		best, bestRaw, bestConnected, bestHash := -1, 0.0, false, false
		for i := 0; i < n; i++ {
			bit := uint64(1) << i
			if joined&bit != 0 {
				continue
			}
			est := raw * g.Rows[i]
			connected, hash := false, false
			for _, ei := range incident[i] {
				e := g.Edges[ei]
				if e.Rels&^(joined|bit) == 0 {
					connected = true
					hash = hash || e.Hash && bits.OnesCount64(e.Rels) == 2
					est *= math.Max(e.Sel, minSel)
				}
			}
			if bestConnected && !connected {
				continue
			}
			if best < 0 || (connected && !bestConnected) || est < bestRaw {
				best, bestRaw, bestConnected, bestHash = i, est, connected, hash
			}
		}
		order[k] = best
		rows, out := math.Max(raw, 1), math.Max(bestRaw, 1)
		step := g.scanCost(best) + JoinCost(rows, g.Rows[best], out, bestHash)
		if l, c := g.lookup(best, joined, rows, out); l > 0 && c < step {
			step = c
		}
		cost += step
		if cost > limit {
			return math.Inf(1)
		}
		joined |= uint64(1) << best
		raw = bestRaw
	}
	return cost
}

// DPOrderer finds the cheapest bushy tree by dynamic programming over
// connected subgraphs (DPccp), without cross products. When the graph is
// disconnected (over its two-relation edges) cross products are needed,
// and then they are allowed anywhere: DPsub over every split, since
// crossing a small relation with part of a component early can beat
// crossing whole components. It hands graphs of more than MaxDPRelations
// relations to OrderJoins' large-join orderer.
type DPOrderer struct{}

// Order implements JoinOrderer.
func (DPOrderer) Order(g *JoinGraph) *JoinTree {
	n := len(g.Rows)
	switch {
	case n == 0:
		return nil
	case n == 1:
		return g.Leaf(0)
	case n > MaxDPRelations:
		return OrderJoins(g)
	}
	d := newDP(g)
	if d.connected() {
		d.ccp()
	} else {
		d.dpsub()
	}
	return d.tree(d.full)
}

// dp is DPccp's state; tables are indexed by relation set.
type dp struct {
	g    *JoinGraph
	n    int
	full uint64
	adj  []uint64  // per relation, its neighbours over two-relation edges
	hadj []uint64  // the same over hash-key edges
	nb   []uint64  // per set, the union of its relations' adj
	hnb  []uint64  // per set, the union of its relations' hadj
	rows []float64 // per set, SetRows
	cost []float64 // per set, the best tree's cost
	left []uint64  // per set, the best tree's left (larger) input; 0 = none yet
	// per set, the best tree's index nested loop (JoinTree.Lookup)
	lookup []int
	// whether any relation has a lookup, to skip looking when none
	hasLookups bool
}

func newDP(g *JoinGraph) *dp {
	n := len(g.Rows)
	size := 1 << n
	d := &dp{g: g, n: n, full: uint64(size - 1),
		adj: make([]uint64, n), hadj: make([]uint64, n),
		nb: make([]uint64, size), hnb: make([]uint64, size), rows: make([]float64, size),
		cost: make([]float64, size), left: make([]uint64, size)}
	raw := make([]float64, size)
	raw[0] = 1
	for _, e := range g.Edges {
		if bits.OnesCount64(e.Rels) != 2 {
			continue
		}
		a, b := bits.TrailingZeros64(e.Rels), 63-bits.LeadingZeros64(e.Rels)
		d.adj[a] |= 1 << b
		d.adj[b] |= 1 << a
		if e.Hash {
			d.hadj[a] |= 1 << b
			d.hadj[b] |= 1 << a
		}
	}
	// Row estimates for every set, each from the set without its highest
	// relation: that relation's rows and the edges it closes.
	for s := 1; s < size; s++ {
		set := uint64(s)
		hi := 63 - bits.LeadingZeros64(set)
		rest := set &^ (1 << hi)
		d.nb[s] = d.nb[rest] | d.adj[hi]
		d.hnb[s] = d.hnb[rest] | d.hadj[hi]
		r := raw[rest] * g.Rows[hi]
		for _, e := range g.Edges {
			if e.Rels&(1<<hi) != 0 && e.Rels&^set == 0 {
				r *= math.Max(e.Sel, minSel)
			}
		}
		raw[s] = r
		d.rows[s] = math.Max(r, 1)
	}
	for i := 0; i < n; i++ {
		d.cost[1<<i] = g.scanCost(i)
	}
	if len(g.Lookups) > 0 {
		d.lookup = make([]int, size)
		d.hasLookups = true
	}
	return d
}

// below is B_i of the paper: the relations numbered i and lower.
func below(i int) uint64 { return uint64(1)<<(i+1) - 1 }

// ccp enumerates every connected subgraph and connected complement pair
// (DPccp's main loop) and keeps the best tree for each set.
func (d *dp) ccp() {
	for i := d.n - 1; i >= 0; i-- {
		s := uint64(1) << i
		d.emitCsg(s)
		d.enumCsgRec(s, below(i))
	}
}

// neighbours of s outside x.
func (d *dp) neighbours(s, x uint64) uint64 { return d.nb[s] &^ s &^ x }

// enumCsgRec grows the connected subgraph s1 by neighbours outside x.
// Subsets of the neighbours go in increasing order, so a set comes after
// its subsets: when emitCsg pairs a set with its complements, every split
// of it has been considered already and its best tree is final.
func (d *dp) enumCsgRec(s1, x uint64) {
	nbh := d.neighbours(s1, x)
	if nbh == 0 {
		return
	}
	for sub := -nbh & nbh; sub != 0; sub = (sub - nbh) & nbh {
		d.emitCsg(s1 | sub)
	}
	for sub := -nbh & nbh; sub != 0; sub = (sub - nbh) & nbh {
		d.enumCsgRec(s1|sub, x|nbh)
	}
}

// emitCsg finds the connected complements of s1 among the relations
// numbered above its lowest one.
func (d *dp) emitCsg(s1 uint64) {
	x := s1 | below(bits.TrailingZeros64(s1))
	nbh := d.neighbours(s1, x)
	for s := nbh; s != 0; {
		i := 63 - bits.LeadingZeros64(s)
		s &^= 1 << i
		s2 := uint64(1) << i
		d.emitPair(s1, s2)
		d.enumCmpRec(s1, s2, x|(below(i)&nbh))
	}
}

// enumCmpRec grows the complement s2 of s1 by neighbours outside x.
func (d *dp) enumCmpRec(s1, s2, x uint64) {
	nbh := d.neighbours(s2, x)
	if nbh == 0 {
		return
	}
	for sub := -nbh & nbh; sub != 0; sub = (sub - nbh) & nbh {
		d.emitPair(s1, s2|sub)
	}
	for sub := -nbh & nbh; sub != 0; sub = (sub - nbh) & nbh {
		d.enumCmpRec(s1, s2|sub, x|nbh)
	}
}

// emitPair considers joining the best trees of s1 and s2.
func (d *dp) emitPair(s1, s2 uint64) {
	d.consider(s1, s2, d.hnb[s1]&s2 != 0)
}

// consider keeps s1 joined with s2 as the best tree for their union when
// it is cheaper than the one found so far.
func (d *dp) consider(s1, s2 uint64, hash bool) {
	l, r := d.rows[s1], d.rows[s2]
	if r > l {
		s1, s2, l, r = s2, s1, r, l
	}
	s := s1 | s2
	c := d.cost[s1] + d.cost[s2] + JoinCost(l, r, d.rows[s], hash)
	if d.left[s] == 0 || c < d.cost[s] {
		d.cost[s], d.left[s] = c, s1
		if d.hasLookups {
			d.lookup[s] = 0
		}
	}
	if !d.hasLookups {
		return
	}
	// An index nested loop into either side when it is one relation.
	for _, p := range [2][2]uint64{{s1, s2}, {s2, s1}} {
		outer, inner := p[0], p[1]
		if inner&(inner-1) != 0 {
			continue
		}
		lk, lc := d.g.lookup(bits.TrailingZeros64(inner), outer, d.rows[outer], d.rows[s])
		if lk > 0 && d.cost[outer]+lc < d.cost[s] {
			d.cost[s], d.left[s], d.lookup[s] = d.cost[outer]+lc, outer, lk
		}
	}
}

// connected reports whether the graph is connected over its
// two-relation edges.
func (d *dp) connected() bool {
	c := uint64(1)
	for {
		next := c | d.nb[c]
		if next == c {
			return c == d.full
		}
		c = next
	}
}

// dpsub finds the best tree when cross products are allowed: dynamic
// programming over every set in increasing order (so its subsets come
// first) and every split of it, O(3^n).
func (d *dp) dpsub() {
	size := d.full + 1
	for s := uint64(1); s < size; s++ {
		if s&(s-1) == 0 {
			continue
		}
		low := s & -s
		for sub := (s - 1) & s; sub != 0; sub = (sub - 1) & s {
			if sub&low != 0 {
				d.emitPair(sub, s^sub)
			}
		}
	}
}

// tree rebuilds the best tree DPccp found for set s.
func (d *dp) tree(s uint64) *JoinTree {
	if s&(s-1) == 0 {
		return d.g.Leaf(bits.TrailingZeros64(s))
	}
	l := d.left[s]
	if d.hasLookups && d.lookup[s] > 0 {
		outer := d.tree(l)
		inner := d.g.Leaf(bits.TrailingZeros64(s &^ l))
		_, c := d.g.lookup(inner.Rel, outer.Set, outer.Rows, d.g.SetRows(s))
		return &JoinTree{Rel: -1, Left: outer, Right: inner, Set: s, Rows: d.g.SetRows(s),
			Cost: outer.Cost + c, Lookup: d.lookup[s]}
	}
	return d.g.Join(d.tree(l), d.tree(s&^l))
}
