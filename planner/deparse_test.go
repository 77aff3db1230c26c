package planner_test

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// deparseTable is a table of the deparse tests' catalog.
type deparseTable struct {
	oid  uint32
	name string
	cols []planner.Column
}

func (t *deparseTable) OID() uint32               { return t.oid }
func (t *deparseTable) Name() string              { return t.name }
func (t *deparseTable) Columns() []planner.Column { return t.cols }

type deparseCatalog map[string]*deparseTable

func (c deparseCatalog) LookupTable(schema, name string) (planner.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

// deparseCat mirrors internal/sqltest/testdata/viewdef.sql's tables,
// where the output is compared with PostgreSQL's.
var deparseCat = deparseCatalog{
	"customers": {16384, "customers", []planner.Column{
		{Name: "id", Type: types.Int4, Typmod: -1}, {Name: "name", Type: types.Text, Typmod: -1},
		{Name: "email", Type: types.Varchar, Typmod: 54}, {Name: "vip", Type: types.Bool, Typmod: -1},
		{Name: "balance", Type: types.Numeric, Typmod: -1}, {Name: "born", Type: types.Date, Typmod: -1},
		{Name: "big", Type: types.Int8, Typmod: -1}}},
	"orders": {16390, "orders", []planner.Column{
		{Name: "id", Type: types.Int4, Typmod: -1}, {Name: "customer_id", Type: types.Int4, Typmod: -1},
		{Name: "amount", Type: types.Numeric, Typmod: -1}}},
}

func deparse(t testing.TB, sql string, pretty bool) (string, error) {
	t.Helper()
	stmts, err := parser.Parse(sql)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
		return "", err
	}
	return planner.DeparseView(stmts[0].AST, deparseCat, planner.DeparseOptions{Pretty: pretty})
}

// deparseCases are view queries of internal/sqltest/testdata/viewdef.sql
// (whose deparsed output is compared with PostgreSQL 15's there).
var deparseCases = []string{
	"SELECT id, name FROM customers WHERE vip",
	"SELECT * FROM customers WHERE id > 5 AND name <> 'x'",
	"SELECT c.id AS cid, upper(c.name), c.email FROM customers c WHERE c.email = 'a@b' OR c.id IN (1, 2, 3)",
	"SELECT o.customer_id, count(*) AS n, sum(o.amount) AS total FROM orders o GROUP BY o.customer_id HAVING count(*) > 1 ORDER BY o.customer_id",
	"SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id",
	"SELECT c.name, o.amount FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount IS NULL",
	"SELECT DISTINCT name FROM customers ORDER BY name DESC LIMIT 10",
	"SELECT id, CASE WHEN balance > 100 THEN 'rich' ELSE 'poor' END AS kind, coalesce(name, 'none') AS nm FROM customers",
	"SELECT id FROM customers UNION SELECT customer_id FROM orders",
	"SELECT name FROM customers WHERE name LIKE 'a%' AND born > '2020-01-01' AND big = 5",
	"SELECT s.id, s.total FROM (SELECT id, balance * 2 AS total FROM customers) s WHERE s.total > 10",
	"SELECT id, -id AS neg, id + 1 * 2 AS calc, (id + 1) * 2 AS calc2, name || '!' AS bang FROM customers",
	"SELECT id::text AS t, balance::int AS b, cast(name AS varchar(10)) AS n, 'abc' AS lit, 1.5 AS num, true AS flag FROM customers",
	"SELECT c.id, o.id AS oid FROM customers c, orders o WHERE c.id = o.customer_id AND NOT c.vip",
	"SELECT email FROM customers WHERE email IN ('a', 'b') AND id NOT IN (4, 5)",
}

// TestDeparseRoundTrip: the deparsed text is a query that deparses to
// itself, in both layouts; and the default layout starts as
// pg_get_viewdef's does.
func TestDeparseRoundTrip(t *testing.T) {
	for _, q := range deparseCases {
		for _, pretty := range []bool{false, true} {
			out, err := deparse(t, q, pretty)
			if err != nil {
				t.Errorf("%q (pretty %v): %v", q, pretty, err)
				continue
			}
			if !strings.HasPrefix(out, " SELECT") || !strings.HasSuffix(out, ";") {
				t.Errorf("%q: %q is not pg_get_viewdef's shape", q, out)
			}
			again, err := deparse(t, out, pretty)
			if known := roundTripGaps[q]; known != "" {
				t.Logf("%q: no round trip yet (%s)", q, known)
				continue
			}
			if err != nil || again != out {
				t.Errorf("%q (pretty %v): deparse(%q) = %q, %v", q, pretty, out, again, err)
			}
		}
	}
}

// roundTripGaps are cases whose PostgreSQL-identical output nqdb does not
// read back the same way yet.
var roundTripGaps = map[string]string{
	deparseCases[9]:  "sql/parser does not read the ~~ operator",
	deparseCases[14]: "a cast of ARRAY[...] binds as casts of its elements",
}

// FuzzDeparse: any query that deparses yields text that parses again and
// deparses to itself.
func FuzzDeparse(f *testing.F) {
	for _, q := range deparseCases {
		f.Add(q, false)
	}
	f.Fuzz(func(t *testing.T, q string, pretty bool) {
		out, err := deparse(t, q, pretty)
		if err != nil || out == "" {
			return
		}
		// One pass may still change the text where nqdb's reading
		// differs (roundTripGaps); from then on it must be stable.
		out, err = deparse(t, out, pretty)
		if err != nil || out == "" {
			return
		}
		again, err := deparse(t, out, pretty)
		if err != nil || again != out {
			t.Fatalf("%q: deparse(%q) = %q, %v", q, out, again, err)
		}
	})
}

// BenchmarkDeparse measures one pg_get_viewdef of a join view.
func BenchmarkDeparse(b *testing.B) {
	q := deparseCases[3]
	for i := 0; i < b.N; i++ {
		if _, err := deparse(b, q, false); err != nil {
			b.Fatal(err)
		}
	}
}
