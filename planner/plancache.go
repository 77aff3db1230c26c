package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Custom plans. A prepared statement normally runs one generic plan, in
// which each $n is a Param read at run time. PostgreSQL also makes custom
// plans (plancache.c): the statement planned again with the parameter
// values as constants, so that selectivity, key choice and constant
// folding see them. BuildCustom is that planning: the statement is bound
// again with each $n bound as a typed Const of its value, and every rule
// runs as usual. (Parameters bound in places that do not reach the
// statement's binder chain, such as ON CONFLICT DO UPDATE, stay Params;
// the plan still runs with the values, so that only costs a constant.)
// PlanCost prices a plan the way EXPLAIN does, which the session
// compares between generic and custom plans (executor/plancache.go).

// BuildCustom binds stmt as BuildWithOptions does with every parameter
// replaced by its value in values (typed as paramTypes, which must all be
// known: those of the generic plan).
func BuildCustom(stmt ast.StmtNode, paramTypes []*types.T, values []types.Datum, cat Catalog, fo *types.FormatOpts, opts BuildOptions) (*Query, error) {
	if values == nil {
		values = []types.Datum{}
	}
	return buildQuery(stmt, paramTypes, values, cat, fo, opts)
}

// customParam returns the custom plan value of parameter idx, looking
// through the binders of enclosing and containing queries (subqueries,
// CTEs and set-operation branches are bound by binders of their own).
func (b *binder) customParam(idx int) (types.Datum, bool) {
	for x := b; x != nil; {
		if x.custom != nil {
			if idx < len(x.custom) {
				return x.custom[idx], true
			}
			return nil, false
		}
		if x.derivedOf != nil {
			x = x.derivedOf
		} else {
			x = x.outer
		}
	}
	return nil, false
}

// PlanCost is q's estimated total cost as EXPLAIN prints it (PostgreSQL's
// cost units), and the number of relations its plan reads.
func PlanCost(q *Query, cat Catalog) (cost float64, relations int) {
	if q == nil || q.Root == nil {
		return 0, 0
	}
	ex := &explainer{o: ExplainOptions{Costs: true}, shown: map[*SubPlan]bool{}}
	ex.est, _ = cat.(RowEstimator)
	ex.card = newCardEst(cat)
	root, _ := ex.walk(q.Root)
	return root.total, countScans(q.Root)
}

// foldCustom folds a custom plan's constant expressions before the
// key-lookup rule runs, so that the rule sees what the values make of the
// conditions (`id = $1 OR $2 = 0` with $2 = 1 is `id = 1`, a key lookup).
func foldCustom(root Node, writes []*WriteCTE) error {
	for _, w := range writes {
		if err := foldNode(w.Node); err != nil {
			return err
		}
	}
	return foldNode(root)
}
