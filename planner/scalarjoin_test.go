package planner_test

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// TestScalarAggJoin: which comparisons with a correlated scalar subquery
// the subquery rule turns into a grouped hash join (results are compared
// with PostgreSQL in internal/sqltest's scalar_agg_join.sql).
func TestScalarAggJoin(t *testing.T) {
	cat := keyTestCatalog()
	for _, c := range []struct {
		sql  string
		join bool
	}{
		{"SELECT id FROM t WHERE n < (SELECT 0.5 * avg(x.n) FROM t x WHERE x.k = t.k)", true},
		{"SELECT id FROM t WHERE (SELECT max(x.n) FROM t x WHERE x.k = t.k AND x.c = t.c) = n", true},
		{"SELECT id FROM t WHERE (SELECT sum(x.n) FROM t x WHERE x.k = t.k AND x.id > 3) > 5", true},
		// count is 0, not NULL, over no rows: a join would drop rows.
		{"SELECT id FROM t WHERE (SELECT count(*) FROM t x WHERE x.k = t.k) = 0", false},
		// Not a comparison, or no equality to join on, or division.
		{"SELECT id FROM t WHERE (SELECT sum(x.n) FROM t x WHERE x.k = t.k) IS NULL", false},
		{"SELECT id FROM t WHERE n < (SELECT avg(x.n) FROM t x WHERE x.k < t.k)", false},
		{"SELECT id FROM t WHERE n < (SELECT 1 / avg(x.n) FROM t x WHERE x.k = t.k)", false},
		{"SELECT id FROM t WHERE n < (SELECT avg(x.n) FROM t x WHERE x.k = t.k GROUP BY x.c)", false},
	} {
		stmts, err := parser.Parse(c.sql)
		if err != nil {
			t.Fatal(err)
		}
		q, err := planner.Build(stmts[0].AST, nil, cat)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if got := hasJoin(q.Root); got != c.join {
			t.Errorf("%s: hash join = %v, want %v", c.sql, got, c.join)
		}
	}
}

// hasJoin looks for a hash join anywhere under n.
func hasJoin(n planner.Node) bool {
	switch x := n.(type) {
	case *planner.Join:
		return len(x.LeftKeys) > 0
	case *planner.Project:
		return hasJoin(x.Input)
	case *planner.Filter:
		return hasJoin(x.Input)
	case *planner.Sort:
		return hasJoin(x.Input)
	}
	return false
}
