package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Per-row plans of correlated subqueries
//
// A correlated subquery is planned without index nested loops
// (joinorder_plan.go): their inner sides read the outer row through
// OuterRef, which the decorrelation rules (semijoin.go, scalarjoin.go,
// insemi.go, lookupsemi.go) would take for a reference to the enclosing
// query. But a correlated subquery that no rule decorrelates runs once
// per outer row, and there a hash join that scans a whole table each
// time is what costs: TPC-H Q2's `SELECT min(ps_supplycost) FROM
// partsupp, supplier, nation, region WHERE p_partkey = ps_partkey ...`
// ran 642 times at SF 1, each time seq-scanning all 10,000 suppliers to
// probe a hash of the part's 4 partsupp rows, where PostgreSQL reads the
// 4 partsupp rows by key, then each supplier by its primary key, then
// its nation and region.
//
// So a correlated subquery whose plan joins is bound a second time with
// index nested loops allowed (binder.perRow), as initplanlookup.go does
// for an uncorrelated one; the SubPlan keeps that plan aside (perRow)
// while the decorrelation rules look at the first one. Once the
// statement is planned, perRowPlans puts the per-row plan in place in
// every SubPlan that is still there, i.e. that runs per row.
//
// In the per-row plan a LATERAL join's right side sees the subquery's
// row as level 1 and the enclosing query's as level 2; joinLookups only
// reads by key a relation whose own conditions have no outer reference,
// so the inner sides read level 1 only and nothing needs relevelling.
//
// perRowPlans also drops from the SubPlans' filters the conjuncts their
// key lookups enforce (keyfilter.go), which the statement's own
// dropKeyConds does not reach, and which must stay while the
// decorrelation rules may still read them as the correlation (Q2's
// `Filter: (part.p_partkey = ps_partkey)` under `Index Cond: (ps_partkey
// = part.p_partkey)`).

// perRowLookups returns the plan of correlated subquery q, first planned
// as n (cols), bound again with index nested loops allowed, or nil when
// that is not worth it (no join) or not safe (the binding registered
// materialized CTEs: mark is their number before the first binding).
func (b *binder) perRowLookups(q ast.ResultSetNode, n Node, cols []Column, mark int) Node {
	if b.sharedTop() != mark || !hasJoin(n) {
		return nil
	}
	sub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, outer: b, perRow: true}
	n2, cols2, ok := b.rebind(q, sub, mark)
	if !ok || !sub.correlated || len(cols2) != len(cols) || !hasLateral(n2) {
		return nil
	}
	for i := range cols {
		if cols[i].Type != nil && cols2[i].Type != nil && cols[i].Type.OID != cols2[i].Type.OID {
			return nil
		}
	}
	b.adopt(sub, n2)
	return useIndexOnly(n2, b.cat)
}

// hasLateral reports whether plan n has a LATERAL join (an index nested
// loop, for perRowLookups: without one the second plan is the first).
func hasLateral(n Node) bool {
	found := false
	walkNodes(n, func(x Node) {
		if j, ok := x.(*Join); ok && j.Lateral {
			found = true
		}
	})
	return found
}

// perRowPlans gives every SubPlan in the expressions of the tree under n
// (and, recursively, in their plans) its per-row plan, and drops the
// conjuncts their key lookups enforce from their filters.
func perRowPlans(n Node) {
	done := map[*SubPlan]bool{}
	var walk func(Node)
	walk = func(n Node) {
		walkNodes(n, func(x Node) {
			for _, e := range nodeExprs(x) {
				walkExprs(e, func(c Expr) {
					sp, ok := c.(*SubPlan)
					if !ok || done[sp] || sp.Plan == nil {
						return
					}
					done[sp] = true
					if sp.perRow != nil && sp.Correlated {
						sp.Plan = sp.perRow
					}
					sp.perRow = nil
					sp.Plan = dropKeyConds(sp.Plan)
					walk(sp.Plan)
				})
			}
		})
	}
	walk(n)
}
