package planner_test

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"sort"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
)

// Graph shapes of the plan-quality tests.
var joinShapes = []string{"chain", "star", "cycle", "clique", "random", "split"}

// randomJoinGraph returns a seeded random graph of n relations in the
// given shape: rows log-uniform in 1..1e6, each edge a selectivity
// log-uniform between 1/(larger side) and 1, mostly hash keys. "split"
// is two chains with no edge between them (cross products needed).
func randomJoinGraph(rng *rand.Rand, shape string, n int) *planner.JoinGraph {
	g := &planner.JoinGraph{Rows: make([]float64, n)}
	for i := range g.Rows {
		g.Rows[i] = math.Round(math.Pow(10, rng.Float64()*6))
		if g.Rows[i] < 1 {
			g.Rows[i] = 1
		}
	}
	edge := func(a, b int) {
		if a == b {
			return
		}
		for _, e := range g.Edges {
			if e.Rels == 1<<a|1<<b {
				return
			}
		}
		big := math.Max(g.Rows[a], g.Rows[b])
		sel := math.Pow(big, -rng.Float64())
		g.Edges = append(g.Edges, planner.JoinEdge{Rels: 1<<a | 1<<b, Sel: sel, Hash: rng.Intn(5) != 0})
		// Some edges bind a key of one side: an index nested loop.
		if rng.Intn(2) == 0 {
			if rng.Intn(2) == 0 {
				a, b = b, a
			}
			g.Lookups = append(g.Lookups, planner.JoinLookup{Rel: b, Keys: []uint64{1 << a},
				Fetch: math.Round(math.Pow(10, rng.Float64()*2))})
		}
	}
	// Scans read between 1 and 10 times the filtered rows.
	g.Scan = make([]float64, n)
	for i := range g.Scan {
		g.Scan[i] = g.Rows[i] * (1 + 9*rng.Float64())
	}
	switch shape {
	case "chain":
		for i := 1; i < n; i++ {
			edge(i-1, i)
		}
	case "star":
		for i := 1; i < n; i++ {
			edge(0, i)
		}
	case "cycle":
		for i := 1; i < n; i++ {
			edge(i-1, i)
		}
		edge(n-1, 0)
	case "clique":
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				edge(i, j)
			}
		}
	case "random": // a random spanning tree plus a few more edges
		for i := 1; i < n; i++ {
			edge(rng.Intn(i), i)
		}
		for k := rng.Intn(n); k > 0; k-- {
			edge(rng.Intn(n), rng.Intn(n))
		}
	case "split":
		h := n / 2
		for i := 1; i < n; i++ {
			if i != h {
				edge(i-1, i)
			}
		}
	}
	// Shuffle the relation numbers so shapes do not follow them.
	perm := rng.Perm(n)
	rows, scan := make([]float64, n), make([]float64, n)
	for i, p := range perm {
		rows[p], scan[p] = g.Rows[i], g.Scan[i]
	}
	g.Rows, g.Scan = rows, scan
	for i := range g.Lookups {
		l := &g.Lookups[i]
		l.Rel = perm[l.Rel]
		for k, m := range l.Keys {
			l.Keys[k] = 1 << perm[bits.TrailingZeros64(m)]
		}
	}
	for i := range g.Edges {
		var m uint64
		for s := g.Edges[i].Rels; s != 0; s &= s - 1 {
			m |= 1 << perm[bits.TrailingZeros64(s)]
		}
		g.Edges[i].Rels = m
	}
	return g
}

// refModel is the tests' own statement of the search space and the cost
// of a tree, written from the documentation rather than the code: rows
// of a set are the product of its relations' rows and the selectivities
// of the edges inside it (at least 1); a leaf costs its scan; a join of a
// and b is allowed when
// a two-relation edge crosses them, or when the graph is disconnected
// (then any cross product is); it is a hash join when a crossing edge is
// a hash key.
type refModel struct {
	g     *planner.JoinGraph
	comps []uint64
	// trees memoizes allTrees per set.
	trees map[uint64][]float64
	// anyCross allows cross products anywhere (when the graph is
	// disconnected, and for the greedy orderer, which may cross a
	// relation it has no edge to only when none is left that it has).
	anyCross bool
}

func newRefModel(g *planner.JoinGraph) *refModel {
	n := len(g.Rows)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for _, e := range g.Edges {
		if bits.OnesCount64(e.Rels) == 2 {
			a, b := bits.TrailingZeros64(e.Rels), 63-bits.LeadingZeros64(e.Rels)
			parent[find(a)] = find(b)
		}
	}
	byRoot := map[int]uint64{}
	for i := 0; i < n; i++ {
		byRoot[find(i)] |= 1 << i
	}
	m := &refModel{g: g}
	for _, c := range byRoot {
		m.comps = append(m.comps, c)
	}
	m.anyCross = len(m.comps) > 1
	return m
}

func (m *refModel) rows(set uint64) float64 {
	r := 1.0
	for i := 0; i < len(m.g.Rows); i++ {
		if set&(1<<i) != 0 {
			r *= m.g.Rows[i]
		}
	}
	for _, e := range m.g.Edges {
		if e.Rels&set == e.Rels {
			r *= e.Sel
		}
	}
	return math.Max(r, 1)
}

// lookupCost is the cheapest index nested loop reading relation r for
// each row of outer (ok false when none binds r's key).
func (m *refModel) lookupCost(r int, outer uint64) (float64, bool) {
	best, ok := math.Inf(1), false
	for _, l := range m.g.Lookups {
		if l.Rel != r || !m.lookupOK(l, outer) {
			continue
		}
		c := planner.LookupCost(m.rows(outer), l.Fetch, m.rows(outer|1<<r))
		best, ok = math.Min(best, c), true
	}
	return best, ok
}

func (m *refModel) lookupOK(l planner.JoinLookup, outer uint64) bool {
	for _, k := range l.Keys {
		if k&outer == 0 {
			return false
		}
	}
	return true
}

func (m *refModel) scan(i int) float64 {
	if m.g.Scan == nil {
		return 0
	}
	return m.g.Scan[i]
}

// join reports whether joining a and b is allowed and its cost.
func (m *refModel) join(a, b uint64) (bool, float64) {
	crossing, hash := false, false
	for _, e := range m.g.Edges {
		if bits.OnesCount64(e.Rels) == 2 && e.Rels&a != 0 && e.Rels&b != 0 {
			crossing = true
			hash = hash || e.Hash
		}
	}
	if !crossing && !m.anyCross {
		return false, 0
	}
	return true, planner.JoinCost(m.rows(a), m.rows(b), m.rows(a|b), hash)
}

// cost recomputes t's cost, failing when a join is not allowed or the
// tree is malformed.
func (m *refModel) cost(t *planner.JoinTree) (uint64, float64, error) {
	if t.Rel >= 0 {
		if t.Left != nil || t.Right != nil || t.Set != 1<<t.Rel {
			return 0, 0, fmt.Errorf("bad leaf %d", t.Rel)
		}
		return t.Set, m.scan(t.Rel), nil
	}
	ls, lc, err := m.cost(t.Left)
	if err != nil {
		return 0, 0, err
	}
	rs, rc, err := m.cost(t.Right)
	if err != nil {
		return 0, 0, err
	}
	if ls&rs != 0 || t.Set != ls|rs {
		return 0, 0, fmt.Errorf("sets %b and %b under %b", ls, rs, t.Set)
	}
	if t.Lookup > 0 {
		l := m.g.Lookups[t.Lookup-1]
		if t.Right.Rel < 0 || l.Rel != t.Right.Rel || !m.lookupOK(l, ls) {
			return 0, 0, fmt.Errorf("lookup %+v not possible from %b", l, ls)
		}
		return t.Set, lc + planner.LookupCost(m.rows(ls), l.Fetch, m.rows(t.Set)), nil
	}
	ok, c := m.join(ls, rs)
	if !ok {
		return 0, 0, fmt.Errorf("join of %b and %b not allowed", ls, rs)
	}
	return t.Set, lc + rc + c, nil
}

// exhaustive is the cheapest cost over every allowed bushy tree of set,
// found by listing them all (no dynamic programming: each tree is
// costed on its own).
func (m *refModel) exhaustive(set uint64) (best float64, count int) {
	best = math.Inf(1)
	for _, c := range m.allTrees(set) {
		count++
		best = math.Min(best, c)
	}
	return best, count
}

// allTrees lists the costs of every allowed tree over set.
func (m *refModel) allTrees(set uint64) []float64 {
	if set&(set-1) == 0 {
		return []float64{m.scan(bits.TrailingZeros64(set))}
	}
	if out, ok := m.trees[set]; ok {
		return out
	}
	if m.trees == nil {
		m.trees = map[uint64][]float64{}
	}
	var out []float64
	defer func() { m.trees[set] = out }()
	low := set & -set
	for sub := (set - 1) & set; sub != 0; sub = (sub - 1) & set {
		if sub&low == 0 {
			continue
		}
		ok, c := m.join(sub, set^sub)
		// Index nested loops into either side when it is one relation:
		// the outer side's trees, each with the lookups' cost.
		for _, p := range [2][2]uint64{{sub, set ^ sub}, {set ^ sub, sub}} {
			outer, inner := p[0], p[1]
			if inner&(inner-1) != 0 {
				continue
			}
			if lc, can := m.lookupCost(bits.TrailingZeros64(inner), outer); can && ok {
				for _, oc := range m.allTrees(outer) {
					out = append(out, oc+lc)
				}
			}
		}
		if !ok {
			continue
		}
		for _, lc := range m.allTrees(sub) {
			for _, rc := range m.allTrees(set ^ sub) {
				out = append(out, lc+rc+c)
			}
		}
	}
	return out
}

// dpsub is a reference DP over all subsets in increasing order (which
// needs no argument that subproblems come first) in the same search
// space.
func (m *refModel) dpsub() float64 {
	n := len(m.g.Rows)
	size := 1 << n
	cost := make([]float64, size)
	for s := 1; s < size; s++ {
		set := uint64(s)
		if set&(set-1) == 0 {
			cost[s] = m.scan(bits.TrailingZeros64(set))
			continue
		}
		cost[s] = math.Inf(1)
		low := set & -set
		for sub := (set - 1) & set; sub != 0; sub = (sub - 1) & set {
			if sub&low == 0 || math.IsInf(cost[sub], 1) || math.IsInf(cost[set^sub], 1) {
				continue
			}
			if ok, c := m.join(sub, set^sub); ok {
				cost[s] = math.Min(cost[s], cost[sub]+cost[set^sub]+c)
				for _, p := range [2][2]uint64{{sub, set ^ sub}, {set ^ sub, sub}} {
					if p[1]&(p[1]-1) == 0 {
						if lc, can := m.lookupCost(bits.TrailingZeros64(p[1]), p[0]); can {
							cost[s] = math.Min(cost[s], cost[p[0]]+lc)
						}
					}
				}
			}
		}
	}
	return cost[size-1]
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// checkTree checks t covers n relations once each and that its Cost is
// what refModel computes.
func checkTree(t *testing.T, m *refModel, tree *planner.JoinTree, what string) float64 {
	t.Helper()
	if what == "greedy" {
		loose := *m
		loose.anyCross = true
		m = &loose
	}
	n := len(m.g.Rows)
	rels := tree.Relations()
	sort.Ints(rels)
	for i, r := range rels {
		if r != i || len(rels) != n {
			t.Fatalf("%s: leaves %v, want 0..%d", what, rels, n-1)
		}
	}
	_, c, err := m.cost(tree)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !near(c, tree.Cost) {
		t.Fatalf("%s: tree says cost %g, recomputed %g", what, tree.Cost, c)
	}
	return c
}

// TestJoinOrderQuality compares DPOrderer with the exhaustive optimum on
// seeded random graphs of up to 7 relations (they must be equal) and
// logs how far GreedyOrderer is from it.
func TestJoinOrderQuality(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	for _, shape := range joinShapes {
		var ratios []float64
		for n := 2; n <= 7; n++ {
			for k := 0; k < 12; k++ {
				g := randomJoinGraph(rng, shape, n)
				m := newRefModel(g)
				opt, count := m.exhaustive(uint64(1)<<n - 1)
				dp := checkTree(t, m, planner.DPOrderer{}.Order(g), "dp")
				if !near(dp, opt) {
					t.Fatalf("%s n=%d #%d: DP cost %g, exhaustive optimum %g over %d trees (graph %+v)", shape, n, k, dp, opt, count, g)
				}
				greedy := checkTree(t, m, planner.GreedyOrderer{}.Order(g), "greedy")
				if greedy < opt*(1-1e-9) {
					t.Fatalf("%s n=%d: greedy %g beats the optimum %g", shape, n, greedy, opt)
				}
				ratios = append(ratios, greedy/opt)
			}
		}
		sort.Float64s(ratios)
		logMean := 0.0
		for _, r := range ratios {
			logMean += math.Log(r)
		}
		t.Logf("%-6s greedy/optimal cost over %d graphs of 2..7 relations: geometric mean %.3f, median %.3f, worst %.3g",
			shape, len(ratios), math.Exp(logMean/float64(len(ratios))), ratios[len(ratios)/2], ratios[len(ratios)-1])
	}
}

// TestJoinOrderLarge checks DPOrderer against a plain DPsub for 8..12
// relations, where listing every tree is too slow.
func TestJoinOrderLarge(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	for _, shape := range joinShapes {
		for _, n := range []int{8, 10, 12} {
			if testing.Short() && n > 10 {
				continue
			}
			g := randomJoinGraph(rng, shape, n)
			m := newRefModel(g)
			want := m.dpsub()
			got := checkTree(t, m, planner.DPOrderer{}.Order(g), "dp")
			if !near(got, want) {
				t.Errorf("%s n=%d: DPccp cost %g, DPsub %g", shape, n, got, want)
			}
			greedy := checkTree(t, m, planner.GreedyOrderer{}.Order(g), "greedy")
			t.Logf("%-6s n=%2d greedy/optimal %.3g", shape, n, greedy/want)
		}
	}
}

// TestJoinOrderLimits covers the edges of the interface: empty and
// single-relation graphs, the hand-over above MaxDPRelations, a
// pluggable large-join orderer and edges over three relations.
func TestJoinOrderLimits(t *testing.T) {
	if got := planner.OrderJoins(&planner.JoinGraph{}); got != nil {
		t.Errorf("empty graph: %+v", got)
	}
	one := planner.OrderJoins(&planner.JoinGraph{Rows: []float64{5}})
	if one.Rel != 0 || one.Rows != 5 || one.Cost != 0 {
		t.Errorf("one relation: %+v", one)
	}
	rng := rand.New(rand.NewSource(64))
	big := randomJoinGraph(rng, "chain", 40)
	m := newRefModel(big)
	checkTree(t, m, planner.OrderJoins(big), "greedy 40")
	var called int
	planner.SetLargeJoinOrderer(orderFunc(func(g *planner.JoinGraph) *planner.JoinTree {
		called++
		return planner.GreedyOrderer{}.Order(g)
	}))
	defer planner.SetLargeJoinOrderer(nil)
	planner.OrderJoins(big)
	planner.OrderJoins(randomJoinGraph(rng, "chain", planner.MaxDPRelations))
	if called != 1 {
		t.Errorf("large-join orderer called %d times, want 1", called)
	}
	// A three-relation edge joins two components: DP must still return
	// a tree over all relations.
	g := &planner.JoinGraph{Rows: []float64{10, 20, 30, 40}, Edges: []planner.JoinEdge{
		{Rels: 0b0011, Sel: 0.1, Hash: true},
		{Rels: 0b1100, Sel: 0.1, Hash: true},
		{Rels: 0b0111, Sel: 0.01},
	}}
	tree := planner.DPOrderer{}.Order(g)
	if rels := tree.Relations(); len(rels) != 4 {
		t.Errorf("hyperedge graph: leaves %v", rels)
	}
	if want := 10 * 20 * 30 * 40 * 0.1 * 0.1 * 0.01; !near(tree.Rows, want) {
		t.Errorf("hyperedge graph: rows %g, want %g", tree.Rows, want)
	}
}

type orderFunc func(g *planner.JoinGraph) *planner.JoinTree

func (f orderFunc) Order(g *planner.JoinGraph) *planner.JoinTree { return f(g) }

// FuzzJoinOrder builds a graph from the input and checks that DPOrderer
// returns a valid tree as cheap as the exhaustive optimum, and that the
// greedy orderer returns a valid tree.
func FuzzJoinOrder(f *testing.F) {
	f.Add([]byte{3, 10, 200, 7, 1, 2, 50, 2, 4, 9})
	f.Add([]byte{6, 1, 1, 1, 1, 1, 1, 0, 1, 255, 1, 2, 255, 2, 3, 255, 3, 4, 255, 4, 5, 255})
	f.Add([]byte{7, 255, 0, 128, 3, 9, 70, 1, 0, 3, 1, 1, 5, 6, 0, 0, 4, 2, 6, 6, 6})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		n := 1 + int(data[0])%7
		data = data[1:]
		g := &planner.JoinGraph{Rows: make([]float64, n)}
		g.Scan = make([]float64, n)
		for i := range g.Rows {
			g.Rows[i] = 1
			if len(data) > 0 {
				g.Rows[i] = 1 + float64(data[0])*float64(data[0])*10
				g.Scan[i] = g.Rows[i] * float64(1+data[0]%7)
				data = data[1:]
			}
		}
		for len(data) >= 3 {
			a, b := int(data[0])%n, int(data[1])%n
			if a != b {
				g.Edges = append(g.Edges, planner.JoinEdge{Rels: 1<<a | 1<<b,
					Sel: (1 + float64(data[2]>>1)) / 128, Hash: data[2]&1 == 0})
				if data[2]&2 != 0 {
					g.Lookups = append(g.Lookups, planner.JoinLookup{Rel: b, Keys: []uint64{1 << a}, Fetch: float64(data[2] >> 2)})
				}
			}
			data = data[3:]
		}
		m := newRefModel(g)
		opt, _ := m.exhaustive(uint64(1)<<n - 1)
		dp := checkTree(t, m, planner.DPOrderer{}.Order(g), "dp")
		if !near(dp, opt) {
			t.Fatalf("DP cost %g, optimum %g, graph %+v", dp, opt, g)
		}
		checkTree(t, m, planner.GreedyOrderer{}.Order(g), "greedy")
	})
}

// BenchmarkJoinOrder measures planning time of DPOrderer (and the greedy
// orderer) for 10 and 12 relations in each shape.
func BenchmarkJoinOrder(b *testing.B) {
	for _, shape := range []string{"chain", "star", "cycle", "clique"} {
		for _, n := range []int{10, 12} {
			g := randomJoinGraph(rand.New(rand.NewSource(1)), shape, n)
			b.Run(fmt.Sprintf("dp/%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					planner.DPOrderer{}.Order(g)
				}
			})
			b.Run(fmt.Sprintf("greedy/%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					planner.GreedyOrderer{}.Order(g)
				}
			})
		}
	}
	g := randomJoinGraph(rand.New(rand.NewSource(1)), "chain", 64)
	b.Run("greedy/chain/64", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			planner.GreedyOrderer{}.Order(g)
		}
	})
}

// TestSetRowsEquivalenceClass: the edges of one equivalence class count
// once per relation joined beyond the first, however many of them (written
// or implied) lie within the set.
func TestSetRowsEquivalenceClass(t *testing.T) {
	g := &planner.JoinGraph{Rows: []float64{1000, 100, 25}, Classes: 1, Edges: []planner.JoinEdge{
		{Rels: 0b011, Sel: 0.04, Hash: true, Class: 1},
		{Rels: 0b110, Sel: 0.04, Hash: true, Class: 1},
		{Rels: 0b101, Sel: 0.01, Hash: true, Class: 1}, // implied
	}}
	for _, tc := range []struct {
		set  uint64
		want float64
	}{
		{0b011, 1000 * 100 * 0.04},
		{0b101, 1000 * 25 * 0.01},
		{0b111, 1000 * 100 * 25 * 0.04 * 0.04}, // two of three edges: the least selective
	} {
		if got := g.SetRows(tc.set); math.Abs(got-tc.want) > 1e-6*tc.want {
			t.Errorf("SetRows(%b) = %g, want %g", tc.set, got, tc.want)
		}
	}
}
