package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// The CTE materialization rule. PostgreSQL 12+ inlines a non-recursive
// WITH query referenced once (like a derived table, so its filters and
// joins plan together with the outer query's) and materializes one
// referenced more than once, or declared AS MATERIALIZED: its plan runs
// once per execution, into a tuplestore that every reference reads
// through a CTE Scan. AS NOT MATERIALIZED always inlines. TPC-H Q15
// reads its `revenue` CTE twice (the join and the max in a scalar
// subquery); inlining both computed the aggregate over lineitem twice.
//
// Here a materialized CTE is a WorkTable whose Plan is the CTE's query,
// planned once at its first reference; every reference is a
// WorkTableScan of it (EXPLAIN: "CTE Scan on name", with the plan shown
// as "CTE name" under the statement's top node). The executor runs the
// plan on the first read and keeps its rows for the other readers of
// the same execution (executor/eval/cte_shared.go).
//
// References are counted on the owning query's AST before anything is
// bound (countCTERefs): a name that another WITH item or a nested query
// shadows counts too, which can only materialize where inlining was
// possible (same rows). Left inlined: recursive items (they have their
// own WorkTable), items whose query refers to an outer query (they
// would need running again for each outer row), and items whose owning
// statement is not a query (their references are not counted). Unlike
// PostgreSQL, a CTE referenced once is inlined even when it calls
// volatile functions.

// countCTERefs counts, for each WITH item of this query not counted yet,
// the references in body (the query whose WITH it is; for items the
// parser took off the statement, body is the statement's query and the
// other items are searched too). An item's own query does not count: a
// non-recursive item cannot see itself.
func (b *binder) countCTERefs(body ast.Node) {
	for _, d := range b.ctes {
		if d.owner != b || d.counted {
			continue
		}
		d.counted = true
		c := &refCounter{name: d.name}
		if d.query != nil {
			c.skip = d.query
		}
		body.Accept(c)
		for _, e := range b.ctes {
			if e != d && e.owner == b && e.stmt != nil {
				e.stmt.AST.Accept(c)
			}
		}
		d.refs = c.n
	}
}

// refCounter counts the unqualified table names equal to name, outside
// the subtree skip.
type refCounter struct {
	name string
	skip ast.Node
	n    int
}

func (c *refCounter) Enter(n ast.Node) (ast.Node, bool) {
	if c.skip != nil && n == c.skip {
		return n, true
	}
	if t, ok := n.(*ast.TableName); ok && t.Schema.O == "" && t.Name.O == c.name {
		c.n++
	}
	return n, false
}

func (c *refCounter) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// materializeCTE decides whether d, just planned as n (cols) at its first
// reference, is materialized; if so it becomes d.shared, registered with
// the statement (Query.CTEs).
func (b *binder) materializeCTE(d *cteDef, n Node, cols []Column, correlated bool) bool {
	switch {
	case d.materialized == "not materialized", correlated, d.query == nil:
		return false
	case d.recursive && refersTo(d.query, d.name):
		return false
	case d.materialized != "materialized" && (!d.counted || d.refs < 2):
		return false
	}
	// The plan-wide rules the statement's root gets, as a subquery's
	// plan gets them (subquery.go): every output column is read.
	useKeys(n)
	pruneColumns(n)
	w := &WorkTable{Name: d.name, Plan: n, Types: n.Output()}
	for i, c := range cols {
		name := c.Name
		if i < len(d.cols) {
			name = d.cols[i]
		}
		w.Names = append(w.Names, name)
	}
	d.shared, d.sharedCols = w, cols
	top := d.owner
	for {
		if top.derivedOf != nil {
			top = top.derivedOf
		} else if top.outer != nil {
			top = top.outer
		} else {
			break
		}
	}
	top.shared = append(top.shared, w)
	return true
}

// cteScan plans a reference to the materialized CTE d under alias.
func (b *binder) cteScan(d *cteDef, alias string) (Node, *scope, error) {
	return &WorkTableScan{Work: d.shared, Alias: alias}, cteScope(d, d.sharedCols, alias), nil
}

// explainCTEs walks the plans of the materialized CTEs ahead of the
// statement's own nodes, so that their CTE Scans can show the CTE's
// estimated rows; attachCTEs then hangs them under the top node as
// PostgreSQL draws them ("CTE name" init plans first).
func (ex *explainer) explainCTEs(ws []*WorkTable) {
	if len(ws) == 0 {
		return
	}
	ex.cteNodes = make(map[*WorkTable]*exNode, len(ws))
	for _, w := range ws {
		k, _ := ex.walk(w.Plan)
		k.subName, k.parent = "CTE "+w.Name, "InitPlan"
		ex.cteNodes[w] = k
	}
}

func (ex *explainer) attachCTEs(root *exNode, ws []*WorkTable) {
	var ks []*exNode
	for _, w := range ws {
		k := ex.cteNodes[w]
		// PostgreSQL charges init plans to the node they hang under.
		root.startup += k.total
		root.total += k.total
		ks = append(ks, k)
	}
	root.kids = append(ks, root.kids...)
}
