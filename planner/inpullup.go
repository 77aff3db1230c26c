package planner

import (
	"math/bits"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The IN pull-up rule: a WHERE conjunct `x IN (SELECT k FROM t WHERE f)`
// whose subquery is uncorrelated, reads one table and selects a column k
// that is by itself a unique key of t (its primary key or a unique
// index) joins t as one more relation of the FROM list, with `x = k` as
// the join condition and f as t's filter. Each row then meets at most
// one row of t, so the inner join keeps exactly the rows the semi join
// would; but as an ordinary relation t takes part in the join-order
// search, which can start from its few filtered rows and look the other
// side up by key. PostgreSQL gets the same from pull_up_sublinks and a
// unique-ified semi join. TPC-H Q20's `ps_partkey IN (SELECT p_partkey
// FROM part WHERE p_name LIKE 'forest%')` reads 190 parts and looks up
// their partsupp rows instead of hashing all 80,000 partsupp rows.
// NOT IN and correlated subqueries keep their rules (semijoin.go,
// insemi.go).

// pullUpIn applies the rule to the conjuncts of where over the relations
// rels (FROM layout width width): the pulled-up relations are appended
// to rels, and where comes back with their conditions in place of the
// IN conjuncts.
func (b *binder) pullUpIn(rels *[]*joinRel, where Expr) Expr {
	if where == nil || len(*rels) >= 63 {
		return where
	}
	cs := conjuncts(where)
	changed := false
	for i, c := range cs {
		sp, ok := c.(*SubPlan)
		if !ok || sp.Kind != SubAny || sp.Correlated || sp.Op == nil || sp.Op.Fn.ID != FnEq || len(sp.Op.Args) != 2 {
			continue
		}
		scan, col, filter := uniqueKeyQuery(sp.Plan)
		if scan == nil {
			continue
		}
		l, r := sp.Op.Args[0], sp.Op.Args[1]
		if outerLevels(l) != 0 || outerLevels(r) != 0 || filter != nil && outerLevels(filter) != 0 {
			continue
		}
		if mask, pinned := relsOf(l, *rels); pinned || mask == 0 || bits.OnesCount64(mask) != 1 {
			continue
		}
		rk := elemToCol(r, scan.Output()[col])
		if rk == nil {
			continue
		}
		last := (*rels)[len(*rels)-1]
		off := last.off + last.width
		s := *scan
		s.Key, s.Needed = nil, nil
		*rels = append(*rels, &joinRel{node: &s, off: off, width: len(s.Output())})
		eq := &Call{Fn: sp.Op.Fn, Args: []Expr{l, shiftCols(rk, off+col)}, T: sp.Op.T}
		parts := []Expr{eq}
		if filter != nil {
			parts = append(parts, shiftCols(filter, off))
		}
		cs[i] = andOf(parts)
		changed = true
		if len(*rels) >= 63 {
			break
		}
	}
	if !changed {
		return where
	}
	return andOf(cs)
}

// uniqueKeyQuery matches a subquery plan `SELECT k FROM t [WHERE f]`
// where k alone is a unique key of t: t's scan, k's column and f (nil
// when none; it reads t's columns only, and nothing from outside).
func uniqueKeyQuery(n Node) (*Scan, int, Expr) {
	col := -1
	if p, ok := n.(*Project); ok {
		if len(p.Exprs) != 1 {
			return nil, 0, nil
		}
		c, ok := p.Exprs[0].(*ColumnRef)
		if !ok {
			return nil, 0, nil
		}
		col, n = c.Idx, p.Input
	}
	var filter Expr
	if f, ok := n.(*Filter); ok {
		filter, n = f.Cond, f.Input
	}
	s, ok := n.(*Scan)
	if !ok || s.WithKey {
		return nil, 0, nil
	}
	if col < 0 {
		if len(s.Output()) != 1 {
			return nil, 0, nil
		}
		col = 0
	}
	kt, ok := s.Table.(KeyedTable)
	if !ok || col >= len(s.Table.Columns()) {
		return nil, 0, nil
	}
	unique := false
	if pk := kt.PrimaryKey(); len(pk) == 1 && pk[0] == col {
		unique = true
	}
	for _, ix := range kt.Indexes() {
		if ix.Unique && len(ix.Columns) == 1 && ix.Columns[0] == col {
			unique = true
		}
	}
	if !unique {
		return nil, 0, nil
	}
	if filter != nil && (hasSubPlan(filter) || outerLevels(filter) != 0) {
		return nil, 0, nil
	}
	return s, col, filter
}

// restoreFrom is restoreLayout for a join whose layout may hold the
// pulled-up relations past the FROM clause's own columns (ts): they are
// dropped.
func restoreFrom(n Node, layout []int, ts []*types.T) Node {
	if len(layout) == len(ts) {
		return restoreLayout(n, layout, ts)
	}
	pos := make([]int, len(layout))
	for i, c := range layout {
		pos[c] = i
	}
	exprs := make([]Expr, len(ts))
	for c := range ts {
		exprs[c] = &ColumnRef{Idx: pos[c], T: ts[c]}
	}
	return &Project{Input: n, Exprs: exprs}
}
