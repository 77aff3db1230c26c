package planner_test

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// sizedCatalog is a keyCatalog whose tables have row counts.
type sizedCatalog struct {
	keyCatalog
	rows map[string]float64
}

func (c sizedCatalog) EstimateRows(t planner.Table) float64 {
	if n, ok := c.rows[t.Name()]; ok {
		return n
	}
	return -1
}

// starCatalog is a fact table f (1e6 rows) with keys into dimensions d1
// (10 rows), d2 (100) and d3 (1000), each keyed on id.
func starCatalog() sizedCatalog {
	col := func(n string) planner.Column { return planner.Column{Name: n, Type: types.Int4, Typmod: -1} }
	dim := func(name string) *keyedTable {
		return &keyedTable{name: name, cols: []planner.Column{col("id"), col("r")}, pk: []int{0}}
	}
	f := &keyedTable{name: "f", cols: []planner.Column{col("id"), col("a"), col("b"), col("c")}, pk: []int{0}}
	return sizedCatalog{
		keyCatalog: keyCatalog{"f": f, "d1": dim("d1"), "d2": dim("d2"), "d3": dim("d3")},
		rows:       map[string]float64{"f": 1e6, "d1": 10, "d2": 100, "d3": 1000},
	}
}

// joinShape renders the joins of a plan as nested (left right) pairs
// of table names, hash joins with an h prefix, index nested loops
// (lateral joins) with l; a table read by a key lookup on outer values
// gets a * suffix.
func joinShape(n planner.Node) string {
	switch x := n.(type) {
	case *planner.Join:
		p := "("
		if x.LeftKeys != nil {
			p = "h("
		}
		if x.Lateral {
			p = "l("
		}
		return p + joinShape(x.Left) + " " + joinShape(x.Right) + ")"
	case *planner.Scan:
		if x.Key != nil {
			for _, v := range x.Key.Values {
				if _, ok := v.(*planner.OuterRef); ok {
					return x.Table.Name() + "*"
				}
			}
		}
		return x.Table.Name()
	case *planner.Filter:
		return joinShape(x.Input)
	case *planner.Project:
		return joinShape(x.Input)
	case *planner.Agg:
		return joinShape(x.Input)
	case *planner.Sort:
		return joinShape(x.Input)
	}
	return "?"
}

// TestJoinRuleOrder checks the orders the join rule picks for small
// schemas with known sizes, where the best order is clear: the large
// table probes hash tables built on the small ones, and the most
// selective join comes first.
func TestJoinRuleOrder(t *testing.T) {
	cat := starCatalog()
	for _, c := range []struct{ sql, want string }{
		// d3 filtered (an equality: 5%) cuts f the most, d2 (a range:
		// 1/3) next, d1 not at all: joined in that order.
		{"SELECT count(*) FROM f, d1, d2, d3 WHERE f.a = d1.id AND f.b = d2.id AND f.c = d3.id AND d3.r = 5 AND d2.r < 3",
			"h(h(h(f d3) d2) d1)"},
		// Written in another order, the same plan.
		{"SELECT count(*) FROM d1 JOIN d2 ON true JOIN f ON f.a = d1.id AND f.b = d2.id JOIN d3 ON f.c = d3.id WHERE d3.r = 5 AND d2.r < 3",
			"h(h(h(f d3) d2) d1)"},
		// d1 and d2 are not connected but through f: no cross product
		// between them although they are the smallest.
		{"SELECT count(*) FROM d1, d2, f WHERE f.a = d1.id AND f.b = d2.id",
			"h(h(f d2) d1)"},
		// A chain d1 - d2 - d3 (r is a key into the next; d3 filtered
		// to 50 rows): from d1's 10 rows, a lookup by key into d2 for
		// each, then into d3, is cheaper than scanning d2 and d3.
		{"SELECT count(*) FROM d1, d2, d3 WHERE d1.r = d2.id AND d2.r = d3.id AND d3.r = 1",
			"l(l(d1 d2*) d3*)"},
		// From f's million rows, lookups into d1 cost more than hashing
		// it.
		{"SELECT count(*) FROM f, d1 WHERE f.a = d1.id", "h(f d1)"},
		// From d1's 10 rows into f, no key of f is bound (f.a is no
		// key): a hash join.
		{"SELECT count(*) FROM f, d1 WHERE f.a = d1.id AND d1.r = 1", "h(f d1)"},
		// Bound to f's primary key, it is a lookup.
		{"SELECT count(*) FROM f, d1 WHERE f.id = d1.r AND d1.r = 1", "l(d1 f*)"},
		// No predicate at all: a cross product, smallest first inside.
		{"SELECT count(*) FROM d2, d1", "(d2 d1)"},
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
		if got := joinShape(q.Root); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.sql, got, c.want)
		}
		if strings.Contains(joinShape(q.Root), "?") {
			t.Errorf("%s: unexpected node in %s", c.sql, joinShape(q.Root))
		}
	}
}
