package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// The init-plan lookup rule: an uncorrelated scalar subquery (an
// InitPlan, run once) is planned with index nested loops allowed, as the
// statement's own query is. Subqueries are planned without them
// (joinorder_plan.go) because their lookups read the outer row through
// OuterRef, which the decorrelation rules would take for a reference to
// the enclosing query; but nothing decorrelates an uncorrelated scalar
// subquery. TPC-H Q11's HAVING threshold joins partsupp to the suppliers
// of one nation: without lookups it hashed all 80,000 partsupp rows,
// with them it reads the 4,000 that match, like the query's own join.
//
// The subquery is bound a second time with the rule's binder (binding is
// cheap next to running the rows it saves), only when its first plan has
// a join, and only when that first binding registered no materialized
// CTE (a second binding would leave the first one's registered).

// initPlanLookups returns the plan of the uncorrelated scalar subquery q,
// first planned as n (cols), with index nested loops allowed; mark is
// the number of materialized CTEs registered before the first binding.
func (b *binder) initPlanLookups(q ast.ResultSetNode, n Node, cols []Column, mark int) (Node, []Column) {
	if b.sharedTop() != mark || !hasJoin(n) {
		return n, cols
	}
	sub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, outer: b, initPlan: true}
	n2, cols2, ok := b.rebind(q, sub, mark)
	if !ok || sub.correlated || len(cols2) != len(cols) {
		return n, cols
	}
	b.adopt(sub, n2)
	return n2, cols2
}

// rebind binds q a second time with sub (a binder whose joins may use
// index nested loops); ok is false when that fails or registers
// materialized CTEs (mark: their number before the first binding).
func (b *binder) rebind(q ast.ResultSetNode, sub *binder, mark int) (n Node, cols []Column, ok bool) {
	var err error
	switch x := q.(type) {
	case *ast.SelectStmt:
		n, cols, err = sub.buildSelect(x)
	case *ast.SetOprStmt:
		n, cols, err = sub.buildSetOpr(x)
	default:
		return nil, nil, false
	}
	if err != nil || b.sharedTop() != mark {
		return nil, nil, false
	}
	return n, cols, true
}

// adopt takes the second binding n of sub as the plan to run: its
// parameters, and the key and pruning rules the statement's plan gets.
func (b *binder) adopt(sub *binder, n Node) {
	b.params = sub.params
	b.unresolved = append(b.unresolved, sub.unresolved...)
	useKeys(n)
	pruneColumns(n)
}

// sharedTop is the number of materialized CTEs registered with the
// statement so far (ctematerialize.go).
func (b *binder) sharedTop() int {
	top := b
	for {
		if top.derivedOf != nil {
			top = top.derivedOf
		} else if top.outer != nil {
			top = top.outer
		} else {
			return len(top.shared)
		}
	}
}

// hasJoin reports whether plan n joins anything.
func hasJoin(n Node) bool {
	found := false
	walkNodes(n, func(x Node) {
		if _, ok := x.(*Join); ok {
			found = true
		}
	})
	return found
}
