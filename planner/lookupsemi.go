package planner

import (
	"math"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Subquery rules that choose by cost (the rules of semijoin.go and
// scalarjoin.go always decorrelate). A correlated EXISTS or scalar
// aggregate whose table can be read by key for each outer row is cheap
// per row when the outer rows are few: PostgreSQL's Nested Loop Semi /
// Anti Join into an Index Scan (TPC-H Q4, Q21, Q22) and its SubPlan over
// an Index Scan (Q17, Q20). Decorrelated into a hash join, the same
// query reads and hashes the whole inner table instead (600,000 lineitem
// rows for a few thousand outer rows at SF 0.1).

// costLateralRow is the fixed cost of starting the inner side for one
// outer row (a fresh iterator over a key range), on top of costSeek:
// measured on TPC-H Q21 (our per-row start is dearer than PostgreSQL's
// index rescan).
const costLateralRow = 8.0

// semiEst is what the cost-based subquery rules know about the FROM
// plan they decorrelate against: the binder (catalog and statistics)
// and its estimated rows. A nil *semiEst turns them off.
type semiEst struct {
	b    *binder
	rows float64
}

// innerKey describes a correlated subquery's single table read by key:
// its scan, the filter (the subquery's whole WHERE clause, with its outer
// references), the key chosen on the outer values, and the table's rows
// before and after the conditions that do not read the outer row.
type innerKey struct {
	scan     *Scan
	cond     Expr
	key      *KeyLookup
	base     float64
	filtered float64
	fetch    float64 // rows one lookup reads
}

// keyedInner recognizes a subquery plan that is a filter over one table
// scan (n, under any Project / Agg the caller has taken off) whose
// conditions read the outer row (level 1 only, no subqueries) and let
// the key-lookup rule read it by key on outer values. nil otherwise.
func (est *semiEst) keyedInner(n Node) *innerKey {
	f, ok := n.(*Filter)
	if !ok {
		return nil
	}
	s, ok := f.Input.(*Scan)
	if !ok {
		return nil
	}
	var own []Expr
	for _, c := range conjuncts(f.Cond) {
		switch outerLevels(c) {
		case 0:
			own = append(own, c)
		case 1:
		default:
			return nil
		}
	}
	k := chooseKey(s.Table, f.Cond)
	if k == nil || !readsOuter(k) {
		return nil
	}
	cp := *s
	cp.Key = nil
	r := &joinRel{node: &cp, width: len(cp.Output())}
	est.b.estimate(r, own)
	ik := &innerKey{scan: &cp, cond: f.Cond, key: k, base: r.base, filtered: r.rows}
	// Rows per lookup: the table over the distinct values of the pinned
	// key columns (as joinLookups counts an index nested loop's fetch).
	cols := keyColumns(s.Table, k.Index)
	nd := 1.0
	for i := 0; i < len(k.Values) && i < len(cols); i++ {
		nd *= est.b.distinct(r, cols[i])
	}
	ik.fetch = math.Max(r.base/math.Max(nd, 1), 1)
	if l := uniqueKeyLen(s.Table, k.Index); l == len(k.Values) && k.In == nil && k.Lower == nil && k.Upper == nil && k.Like == nil {
		ik.fetch = 1
	}
	return ik
}

// perRowCost is the cost of reading ik by key for each of rows outer
// rows.
func (ik *innerKey) perRowCost(rows float64) float64 {
	return rows*costLateralRow + LookupCost(rows, ik.fetch, rows)
}

// hashCost is the cost of reading ik's whole table once and hashing the
// rows its own conditions keep, probed by rows outer rows.
func (ik *innerKey) hashCost(rows float64) float64 {
	return costScanRow*ik.base + costHashBuild*ik.filtered + costHashProbe*rows + costOutRow*rows
}

// lookupSemiJoin is the index nested loop form of an EXISTS (kind
// SemiJoin) or NOT EXISTS (AntiJoin) conjunct: a LATERAL semi / anti join
// whose right side is the subquery's table filtered by its whole WHERE
// clause, the outer columns read as level-1 outer references (which is
// what they already are in the subquery, and which the key-lookup rule
// turns into a key range per outer row). The join stops at the first
// match. It is chosen when reading by key per outer row costs less than
// the hash semi join's read of the whole table; nil otherwise.
func lookupSemiJoin(left Node, sp *SubPlan, kind JoinKind, est *semiEst) *Join {
	// Outer references in the plan of a subquery would be taken for the
	// enclosing query's by the rules that decorrelate it.
	if est == nil || est.b.outer != nil || sp.Kind != SubExists || !sp.Correlated {
		return nil
	}
	n := sp.Plan
	if p, ok := n.(*Project); ok {
		for _, e := range p.Exprs {
			if !simpleExpr(e) {
				return nil
			}
		}
		n = p.Input
	}
	ik := est.keyedInner(n)
	if ik == nil || ik.perRowCost(est.rows) >= ik.hashCost(est.rows) {
		return nil
	}
	return &Join{Left: left, Right: &Filter{Input: ik.scan, Cond: ik.cond}, Kind: kind, Lateral: true,
		Types: append([]*types.T{}, left.Output()...)}
}

// scalarPerRow reports whether comparison c with a correlated scalar
// aggregate subquery (scalarAggJoin's shape) is cheaper run per outer
// row, reading the subquery's table by key, than aggregated over the
// whole table and hash-joined: then it stays a SubPlan in the filter.
func scalarPerRow(c Expr, est *semiEst) bool {
	if est == nil {
		return false
	}
	cmp, ok := c.(*Call)
	if !ok || len(cmp.Args) != 2 || !comparisonFn(cmp.Fn.ID) {
		return false
	}
	for _, a := range cmp.Args {
		sp, ok := a.(*SubPlan)
		if !ok || sp.Kind != SubScalar || !sp.Correlated {
			continue
		}
		p, ok := sp.Plan.(*Project)
		if !ok {
			return false
		}
		agg, ok := p.Input.(*Agg)
		if !ok || len(agg.GroupBy) != 0 {
			return false
		}
		ik := est.keyedInner(agg.Input)
		return ik != nil && ik.perRowCost(est.rows) < ik.hashCost(est.rows)
	}
	return false
}

// subqueryCandidate reports whether WHERE conjunct c is a [NOT] EXISTS or
// IN subquery, which the subquery rules may turn into a join.
// (Comparisons with a correlated subquery, scalarAggJoin's shape, are
// held back by filterFirst as every correlated conjunct is.)
func subqueryCandidate(c Expr) bool {
	if not, ok := c.(*BoolExpr); ok && not.Op == Not && len(not.Args) == 1 {
		c = not.Args[0]
	}
	_, ok := c.(*SubPlan)
	return ok
}

// filterFirst is the rule that filters the FROM rows by the WHERE
// conjuncts no subquery rule takes before the semi, anti and aggregate
// joins those rules add (which keep the FROM rows' columns where they
// are), as PostgreSQL applies a scan's own quals below a join: the joins
// then probe (or look up) fewer rows. Conjuncts with correlated
// subqueries stay above (they may read columns a rule drops). It returns
// the filtered plan and the conjuncts left for the rules.
func filterFirst(in Node, conds []Expr) (Node, []Expr) {
	var first, rest []Expr
	for _, c := range conds {
		if !subqueryCandidate(c) && !hasCorrelated(c) {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(first) == 0 || len(rest) == 0 {
		return in, conds
	}
	return &Filter{Input: in, Cond: andOf(first)}, rest
}

// afterIn scales the FROM rows' estimate by an IN semi join with the
// subquery plan n: by the share of n's table its own conditions keep
// (the rows of a foreign key into it that find their key), when n is a
// filtered table scan; unchanged otherwise.
func (est *semiEst) afterIn(n Node) {
	if est == nil {
		return
	}
	if p, ok := n.(*Project); ok {
		n = p.Input
	}
	f, ok := n.(*Filter)
	if !ok {
		return
	}
	s, ok := f.Input.(*Scan)
	if !ok || outerLevels(f.Cond) != 0 {
		return
	}
	r := &joinRel{node: s, width: len(s.Output())}
	est.b.estimate(r, conjuncts(f.Cond))
	est.rows = math.Max(1, est.rows*math.Min(1, r.rows/math.Max(r.base, 1)))
}
