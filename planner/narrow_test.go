package planner_test

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// widestJoin is the largest output width of a Join or Sort in the plan.
func widestJoin(n planner.Node) int {
	w := 0
	var walk func(planner.Node)
	walk = func(n planner.Node) {
		switch x := n.(type) {
		case *planner.Join:
			w = max(w, len(x.Output()))
			walk(x.Left)
			walk(x.Right)
		case *planner.Sort:
			w = max(w, len(x.Output()))
			walk(x.Input)
		case *planner.Filter:
			walk(x.Input)
		case *planner.Project:
			walk(x.Input)
		case *planner.Agg:
			walk(x.Input)
		case *planner.Limit:
			walk(x.Input)
		}
	}
	walk(n)
	return w
}

// TestNarrowRows checks that joins and sorts carry only the columns read
// above them (narrow.go), and that what has to stay whole does.
func TestNarrowRows(t *testing.T) {
	cat := starCatalog() // f(id, a, b, c) 1e6 rows; d1, d2, d3 (id, r)
	for _, c := range []struct {
		sql  string
		max  int // the widest join or sort may carry this many columns
		cols int // the result's columns
		// whole: the widest must be exactly max (nothing narrowed).
		whole bool
	}{
		// f.a and d1.id are the keys, d1.r is read: 3 of 6.
		{"SELECT d1.r FROM f JOIN d1 ON f.a = d1.id", 3, 1, false},
		// Three tables, the keys and one column each.
		{"SELECT d2.r, count(*) FROM f, d1, d2 WHERE f.a = d1.id AND f.b = d2.id AND d1.r = 1 GROUP BY d2.r", 5, 2, false},
		// A sort over a join holds the sort key and the output.
		{"SELECT f.id FROM f JOIN d3 ON f.c = d3.id ORDER BY d3.r", 4, 1, false},
		// count(*) over a cross product still has rows of one column.
		{"SELECT count(*) FROM d2, d1", 2, 1, false},
		// Every column read: nothing to narrow.
		{"SELECT * FROM f JOIN d1 ON f.a = d1.id", 6, 6, true},
		// A correlated subquery reads the joined row by position: the
		// join stays whole.
		{"SELECT (SELECT d2.r FROM d2 WHERE d2.id = d1.r) FROM f JOIN d1 ON f.a = d1.id", 6, 1, true},
	} {
		stmts, err := parser.Parse(c.sql)
		if err != nil {
			t.Fatal(err)
		}
		q, err := planner.Build(stmts[0].AST, nil, cat)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := widestJoin(q.Root); got > c.max || (c.whole && got != c.max) {
			t.Errorf("%s: a join or sort carries %d columns, want at most %d", c.sql, got, c.max)
		}
		if got := len(q.Root.Output()); got != c.cols {
			t.Errorf("%s: %d result columns, want %d", c.sql, got, c.cols)
		}
	}
}
