package planner

import (
	"math"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Parallel query.
//
// The rule runs last in planning (after projection pruning) and divides
// the scan of a big stored table among worker goroutines, as
// PostgreSQL's Parallel Seq Scan divides a heap's blocks among worker
// processes: each worker reads its own key ranges of the table (the
// executor takes them from a shared queue of ranges the B+tree's
// internal separators cut, storage.Txn.SplitRanges) and runs the
// filters and projections above the scan on them; a Gather node above
// collects the rows. When the parallel part ends in an aggregate whose
// states can be merged (count, sum, avg, min, max, bool_and, bool_or;
// not over floats, whose sums would round differently than serially,
// nor DISTINCT or ORDER BY inside the call), each worker aggregates its
// rows (Partial Aggregate) and the Agg above the Gather merges the
// workers' states and computes the results (Finalize Aggregate), which
// is PostgreSQL's shape:
//
//	Finalize Aggregate -> Gather (Workers Planned: 2) -> Partial Aggregate -> Parallel Seq Scan on t
//
// A hash join whose probe side (Left) is such a chain is also run in the
// workers (the build side must then be parallel-safe too); the first
// worker to need the hash table builds it and the others probe the same
// one (executor/eval/parallel_hash.go). An index nested loop (a LATERAL
// key lookup per left row, lookupSide) runs in the workers too, each
// looking up the keys of its own left rows (PostgreSQL's Nested Loop ->
// Index Scan under a Gather, TPC-H Q04's, Q10's, Q12's), also into the
// divided table itself. With parallel_leader_participation the leader
// runs the plan as one more participant. Uncorrelated subqueries
// (InitPlans) and materialized CTEs (Q15's revenue) are planned as
// queries of their own and may have their own Gather (Q18's HAVING
// subquery). Below a LIMIT only a Sort or an aggregate, which read
// everything anyway, may have a Gather under them.
//
// Not done yet: Gather Merge (workers sorting their share), a hash
// table built by the workers together (Parallel Hash: here one builds
// while the others wait), and parallel index scans.
//
// What keeps a plan serial, as in PostgreSQL: max_parallel_workers_per_gather
// = 0, a table smaller than min_parallel_table_scan_size, a parallel plan
// that does not cost less than the serial one (parallel_setup_cost,
// parallel_tuple_cost), data-modifying statements and FOR UPDATE/SHARE,
// and any expression that is not parallel safe (subqueries, outer
// references, functions that are not immutable: the executor runs
// workers without the session, so only pure functions may run there).

// Gather runs Input in Workers worker goroutines and returns the rows
// they produce, in no particular order. Scan, a Scan under Input, is
// divided among the workers (every other node under Input runs whole in
// each worker). When Partial is set, Input is that Agg, and the Agg
// above the Gather merges the workers' aggregate states (Finalize).
type Gather struct {
	Input   Node
	Workers int
	Scan    *Scan
	Partial *Agg
	// Leader: the leader runs Input too, as one more participant,
	// while it waits for the workers (parallel_leader_participation).
	Leader bool
	// Launched is the key under which EXPLAIN ANALYZE's Actuals count
	// the workers a run started (in its Loops): "Workers Launched".
	Launched *GatherLaunched
}

// GatherLaunched is a Gather's key in Actuals for its launched workers.
type GatherLaunched struct{ g *Gather }

// Output implements Node.
func (n *GatherLaunched) Output() []*types.T { return nil }

// Output implements Node.
func (n *Gather) Output() []*types.T { return n.Input.Output() }

// parallelSettings are the planner settings of parallel query.
type parallelSettings struct {
	perGather int     // max_parallel_workers_per_gather
	maxTotal  int     // max_parallel_workers
	setup     float64 // parallel_setup_cost
	tuple     float64 // parallel_tuple_cost
	minPages  float64 // min_parallel_table_scan_size in 8 kB pages
	leader    bool    // parallel_leader_participation
}

func readParallelSettings(cat Catalog) parallelSettings {
	s := parallelSettings{perGather: 2, maxTotal: 8, setup: 1000, tuple: 0.1, minPages: 1024, leader: true}
	sr, ok := cat.(settingReader)
	if !ok {
		// No session (tests, function bodies planned apart): serial.
		s.perGather = 0
		return s
	}
	num := func(name string, dst *float64) {
		if v, err := sr.Setting(name); err == nil {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				*dst = f
			}
		}
	}
	var pg, mt float64 = 2, 8
	num("max_parallel_workers_per_gather", &pg)
	num("max_parallel_workers", &mt)
	s.perGather, s.maxTotal = int(pg), int(mt)
	num("parallel_setup_cost", &s.setup)
	num("parallel_tuple_cost", &s.tuple)
	if v, err := sr.Setting("min_parallel_table_scan_size"); err == nil {
		if strings.TrimSpace(v) == "0" {
			s.minPages = 0
		} else if b, ok := parseMemory(v); ok {
			s.minPages = b / pageSize
		}
	}
	if v, err := sr.Setting("parallel_leader_participation"); err == nil {
		s.leader = !strings.EqualFold(v, "off")
	}
	return s
}

// parallelRule carries the state of one pass.
type parallelRule struct {
	set parallelSettings
	est RowEstimator
	// subs are the uncorrelated subqueries already visited (a SubPlan
	// may be referred to from more than one place).
	subs map[*SubPlan]bool
}

// parallelize applies the rule to the plan under root and returns the new
// root.
func parallelize(root Node, cat Catalog) Node {
	if root == nil {
		return root
	}
	est, ok := cat.(RowEstimator)
	if !ok {
		return root
	}
	switch root.(type) {
	case *Insert, *Update, *Delete:
		return root
	}
	set := readParallelSettings(cat)
	if set.perGather <= 0 || set.maxTotal <= 0 {
		return root
	}
	hasLock := false
	walkNodes(root, func(n Node) {
		if _, ok := n.(*LockRows); ok {
			hasLock = true
		}
	})
	if hasLock {
		return root
	}
	r := &parallelRule{set: set, est: est, subs: map[*SubPlan]bool{}}
	return r.rewrite(root)
}

// parallelizeCTEs applies the rule to the plans of the statement's
// materialized CTEs (Query.CTEs), each run once per execution as a query
// of its own (TPC-H Q15's revenue: Finalize Aggregate -> Gather ->
// Partial Aggregate over lineitem, as PostgreSQL plans it), unless the
// statement itself (root, already parallelized) may not be parallel: a
// write or a row lock.
func parallelizeCTEs(root Node, ws []*WorkTable, cat Catalog) {
	if len(ws) == 0 || root == nil {
		return
	}
	switch root.(type) {
	case *Insert, *Update, *Delete:
		return
	}
	for _, w := range ws {
		if w.Plan != nil && !w.Write {
			w.Plan = parallelize(w.Plan, cat)
		}
	}
}

// rewrite walks the plan top-down and makes the first parallel-capable
// subtree of each branch parallel.
func (r *parallelRule) rewrite(n Node) Node {
	r.subplans(n)
	switch x := n.(type) {
	case *Agg:
		if g := r.partialAgg(x); g != nil {
			x.Input = g
			return x
		}
		x.Input = r.rewrite(x.Input)
	case *Filter:
		if g := r.gather(x); g != nil {
			return g
		}
		x.Input = r.rewrite(x.Input)
	case *Project:
		if g := r.gather(x); g != nil {
			return g
		}
		x.Input = r.rewrite(x.Input)
	case *Scan:
		if g := r.gather(x); g != nil {
			return g
		}
	case *Sort:
		x.Input = r.rewrite(x.Input)
	case *Limit:
		// A LIMIT may stop early: a Gather right under it would make the
		// workers read ahead for nothing, but below a Sort or an
		// aggregate everything is read anyway.
		switch x.Input.(type) {
		case *Sort, *Agg:
			x.Input = r.rewrite(x.Input)
		}
	case *Distinct:
		x.Input = r.rewrite(x.Input)
	case *Window:
		x.Input = r.rewrite(x.Input)
	case *Join:
		if g := r.gather(x); g != nil {
			return g
		}
		x.Left = r.rewrite(x.Left)
		if !x.Lateral {
			// (A LATERAL right side runs once per left row: no Gather.)
			x.Right = r.rewrite(x.Right)
		}
	case *Append:
		for i, in := range x.Inputs {
			x.Inputs[i] = r.rewrite(in)
		}
	}
	return n
}

// subplans applies the rule to the plans of the uncorrelated subqueries
// (InitPlans) in n's expressions: each runs once, as a query of its own,
// so it may have a Gather of its own (TPC-H Q18's, Q15's, Q22's).
func (r *parallelRule) subplans(n Node) {
	var es []Expr
	switch x := n.(type) {
	case *Filter:
		es = []Expr{x.Cond}
	case *Project:
		es = x.Exprs
	case *Result:
		es = append([]Expr{x.Where}, x.Exprs...)
	case *Join:
		es = []Expr{x.Cond}
	case *Agg:
		es = x.GroupBy
	}
	for _, e := range es {
		if e == nil {
			continue
		}
		walkExprs(e, func(c Expr) {
			sp, ok := c.(*SubPlan)
			if !ok || sp.Correlated || r.subs[sp] {
				return
			}
			r.subs[sp] = true
			sp.Plan = r.rewrite(sp.Plan)
		})
	}
}

// chain returns the scan a parallel-safe chain of filters, projections
// and hash joins (probe side) ends in, with the rows the chain produces
// and the cost of running it serially; nil when n is not such a chain or
// its table is too small.
func (r *parallelRule) chain(n Node) (s *Scan, rows, cost float64) {
	switch x := n.(type) {
	case *Scan:
		if x.Key != nil || x.WithKey {
			return nil, 0, 0
		}
		base := r.est.EstimateRows(x.Table)
		if base < 0 {
			return nil, 0, 0 // not a stored table
		}
		pages := math.Max(1, math.Ceil(base*float64(widthOf(x.Types)+24)/pageSize))
		if pages < r.set.minPages {
			return nil, 0, 0
		}
		return x, base, pages*seqPageCost + base*cpuTupleCost
	case *Filter:
		if !parallelSafeExpr(x.Cond) {
			return nil, 0, 0
		}
		s, rows, cost = r.chain(x.Input)
		if s == nil {
			return nil, 0, 0
		}
		return s, math.Max(1, rows*filterSel(x.Cond)), cost + rows*cpuOperCost*float64(len(conjuncts(x.Cond)))
	case *Project:
		for _, e := range x.Exprs {
			if !parallelSafeExpr(e) {
				return nil, 0, 0
			}
		}
		s, rows, cost = r.chain(x.Input)
		return s, rows, cost
	case *Join:
		switch x.Kind {
		case InnerJoin, LeftJoin, SemiJoin, AntiJoin:
		default:
			return nil, 0, 0
		}
		if x.Lateral {
			// An index nested loop: each worker looks up the keys of its
			// own share of the left rows (eval's parallel_lookup.go), as
			// PostgreSQL's Nested Loop -> Index Scan under a Gather.
			if x.Merge || len(x.RightKeys) > 0 || !parallelSafeExpr(x.Cond) || !r.lookupSide(x.Right) {
				return nil, 0, 0
			}
			s, rows, cost = r.chain(x.Left)
			if s == nil {
				return nil, 0, 0
			}
			return s, rows, cost + rows*lookupCost
		}
		if x.Merge || len(x.RightKeys) == 0 {
			return nil, 0, 0
		}
		if !parallelSafeExpr(x.Cond) || !parallelSafeList(x.LeftKeys) || !parallelSafeList(x.RightKeys) || !r.safeNode(x.Right) {
			return nil, 0, 0
		}
		s, rows, cost = r.chain(x.Left)
		if s == nil {
			return nil, 0, 0
		}
		return s, rows, cost
	}
	return nil, 0, 0
}

// lookupCost is what the parallel rule counts for one key lookup of an
// index nested loop (about PostgreSQL's estimate of an Index Scan that
// finds one key: a random page and a few index tuples).
const lookupCost = 4.0

// lookupSide reports whether n, a LATERAL join's right side, is a key
// lookup (with filters and projections over the lookup's rows and the
// left row) that each worker can run for its own left rows.
func (r *parallelRule) lookupSide(n Node) bool {
	switch x := n.(type) {
	case *Scan:
		k := x.Key
		if k == nil || x.WithKey || r.est.EstimateRows(x.Table) < 0 {
			return false
		}
		ok := safeExpr(k.InArray, true)
		for _, l := range [][]Expr{k.Values, k.In} {
			for _, e := range l {
				ok = ok && safeExpr(e, true)
			}
		}
		for _, l := range [][]KeyBound{k.Lower, k.Upper} {
			for _, b := range l {
				ok = ok && safeExpr(b.Value, true)
			}
		}
		for _, l := range k.Like {
			ok = ok && safeExpr(l.Pattern, true) && safeExpr(l.Escape, true)
		}
		return ok
	case *Filter:
		return safeExpr(x.Cond, true) && r.lookupSide(x.Input)
	case *Project:
		for _, e := range x.Exprs {
			if !safeExpr(e, true) {
				return false
			}
		}
		return r.lookupSide(x.Input)
	}
	return false
}

// workers is PostgreSQL's compute_parallel_worker for a table of pages:
// one worker, one more each time the table is three times larger than
// the threshold, at most max_parallel_workers_per_gather.
func (r *parallelRule) workers(s *Scan) int {
	base := r.est.EstimateRows(s.Table)
	pages := math.Max(1, math.Ceil(base*float64(widthOf(s.Types)+24)/pageSize))
	w, threshold := 1, math.Max(r.set.minPages, 1)
	for pages >= threshold*3 && w < 1024 {
		w++
		threshold *= 3
	}
	return min(w, r.set.perGather, r.set.maxTotal)
}

// divisor is PostgreSQL's get_parallel_divisor: the share of the rows
// each participant reads, the leader counting less the more workers
// there are.
func (r *parallelRule) divisor(w int) float64 {
	d := float64(w)
	if r.set.leader {
		if c := 1.0 - 0.3*float64(w); c > 0 {
			d += c
		}
	}
	return d
}

// gather makes n (a chain ending in a big table's scan) a Gather over n
// when that costs less than running it serially.
func (r *parallelRule) gather(n Node) Node {
	s, rows, cost := r.chain(n)
	if s == nil || !soleScan(n, s) {
		return nil
	}
	w := r.workers(s)
	par := cost/r.divisor(w) + r.set.setup + r.set.tuple*rows
	if par >= cost {
		return nil
	}
	g := &Gather{Input: n, Workers: w, Scan: s, Leader: r.set.leader}
	g.Launched = &GatherLaunched{g: g}
	return g
}

// partialAgg makes a Finalize / Gather / Partial plan of an aggregate
// over a parallel chain, or returns nil.
func (r *parallelRule) partialAgg(a *Agg) *Gather {
	if a.Sets != nil || !parallelSafeList(a.GroupBy) {
		return nil
	}
	for i := range a.Aggs {
		if !partialCapable(&a.Aggs[i]) {
			return nil
		}
	}
	s, rows, cost := r.chain(a.Input)
	if s == nil || !soleScan(a.Input, s) {
		return nil
	}
	w := r.workers(s)
	groups := 1.0
	if len(a.GroupBy) > 0 {
		groups = math.Max(1, math.Min(rows, 200))
	}
	aggCost := rows * cpuOperCost * float64(len(a.Aggs)+len(a.GroupBy))
	serial := cost + aggCost
	par := (cost+aggCost)/r.divisor(w) + r.set.setup + r.set.tuple*groups*r.divisor(w)
	if par >= serial {
		return nil
	}
	partial := &Agg{Input: a.Input, GroupBy: a.GroupBy, Aggs: a.Aggs}
	g := &Gather{Input: partial, Workers: w, Scan: s, Partial: partial, Leader: r.set.leader}
	g.Launched = &GatherLaunched{g: g}
	return g
}

// partialCapable reports whether an aggregate call can be computed in
// parts and merged.
func partialCapable(a *AggCall) bool {
	if a.Distinct || len(a.Order) > 0 || !parallelSafeList(a.Args) || !parallelSafeExpr(a.Filter) {
		return false
	}
	switch a.Kind {
	case AggCountStar, AggCount, AggMin, AggMax, AggBoolAnd, AggBoolOr:
		return true
	case AggSum, AggAvg:
		switch a.Args[0].Type().OID {
		case types.OidInt2, types.OidInt4, types.OidInt8, types.OidNumeric, types.OidInterval:
			return true
		}
	}
	return false
}

func parallelSafeList(es []Expr) bool {
	for _, e := range es {
		if !parallelSafeExpr(e) {
			return false
		}
	}
	return true
}

// parallelSafeExpr reports whether e may be evaluated in a worker: only
// expression kinds known to read nothing but their row, the parameters
// and immutable functions (nil is safe).
func parallelSafeExpr(e Expr) bool { return safeExpr(e, false) }

// safeExpr is parallelSafeExpr; outer also admits references to the row
// of the query one level out (a LATERAL join's left row).
func safeExpr(e Expr, outer bool) bool {
	if e == nil {
		return true
	}
	switch x := e.(type) {
	case *OuterRef:
		return outer && x.Level == 1
	case *Const, *Param, *ColumnRef, *ArrayElem:
		return true
	case *Call:
		if x.Fn == nil || x.Fn.Volatility != Immutable {
			return false
		}
	case *NotDistinct:
		if x.Eq != nil && x.Eq.Volatility != Immutable {
			return false
		}
	case *NullIf:
		if x.Eq != nil && x.Eq.Volatility != Immutable {
			return false
		}
	case *ScalarArrayOp:
		if x.Op == nil || !safeExpr(x.Op, outer) {
			return false
		}
	case *Cast, *BoolExpr, *NullTest, *TruthTest, *Case, *Coalesce, *MinMax, *ArrayExpr, *Subscript:
	default:
		return false
	}
	ok := true
	_, _ = mapChildren(e, func(c Expr) (Expr, error) {
		if ok && !safeExpr(c, outer) {
			ok = false
		}
		return c, nil
	})
	return ok
}

// safeNode reports whether a whole subtree may run in each worker
// (the build side of a hash join there): stored-table scans, filters,
// projections, hash joins and aggregates over parallel-safe expressions.
func (r *parallelRule) safeNode(n Node) bool {
	switch x := n.(type) {
	case *Scan:
		return !x.WithKey && r.est.EstimateRows(x.Table) >= 0
	case *Filter:
		return parallelSafeExpr(x.Cond) && r.safeNode(x.Input)
	case *Project:
		return parallelSafeList(x.Exprs) && r.safeNode(x.Input)
	case *Join:
		return !x.Lateral && parallelSafeExpr(x.Cond) && parallelSafeList(x.LeftKeys) && parallelSafeList(x.RightKeys) &&
			r.safeNode(x.Left) && r.safeNode(x.Right)
	case *Agg:
		if x.Sets != nil || !parallelSafeList(x.GroupBy) {
			return false
		}
		for i := range x.Aggs {
			a := &x.Aggs[i]
			if !parallelSafeList(a.Args) || !parallelSafeExpr(a.Filter) {
				return false
			}
		}
		return r.safeNode(x.Input)
	}
	return false
}

// soleScan reports whether s is the only full scan of its table under n:
// the executor tells the divided scan from others by its table (key
// lookups into the same table, as TPC-H Q21's into lineitem, read
// through the leader's access).
func soleScan(n Node, s *Scan) bool {
	ok := true
	walkNodes(n, func(x Node) {
		if o, is := x.(*Scan); is && o != s && o.Table == s.Table && o.Key == nil {
			ok = false
		}
	})
	return ok
}
