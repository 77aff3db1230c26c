package planner_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// keyedTable is a planner.KeyedTable for the key rules' tests.
type keyedTable struct {
	name    string
	cols    []planner.Column
	pk      []int
	indexes []planner.Index
}

func (t *keyedTable) OID() uint32               { return 16400 }
func (t *keyedTable) Name() string              { return t.name }
func (t *keyedTable) Columns() []planner.Column { return t.cols }
func (t *keyedTable) PrimaryKey() []int         { return t.pk }
func (t *keyedTable) Indexes() []planner.Index  { return t.indexes }
func (t *keyedTable) colIdx(name string) int    { return colIndex(t.cols, name) }
func colIndex(cols []planner.Column, n string) int {
	for i, c := range cols {
		if c.Name == n {
			return i
		}
	}
	panic("no column " + n)
}

type keyCatalog map[string]planner.Table

func (c keyCatalog) LookupTable(schema, name string) (planner.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

// keyTestCatalog has t(id int4 primary key, k int4, c text, v varchar,
// n numeric, f4 float4, b bpchar, i8 int8, ts timestamp) with indexes on
// k, c (unique), (k, c), v, n, f4, b, i8, ts; and h (a int4, b int4)
// without a primary key, indexed on a.
func keyTestCatalog() keyCatalog {
	col := func(n string, t *types.T) planner.Column { return planner.Column{Name: n, Type: t, Typmod: -1} }
	t := &keyedTable{name: "t", cols: []planner.Column{
		col("id", types.Int4), col("k", types.Int4), col("c", types.Text), col("v", types.Varchar),
		col("n", types.Numeric), col("f4", types.Float4), col("b", types.Bpchar), col("i8", types.Int8),
		col("ts", types.Timestamp),
	}, pk: []int{0}}
	ix := func(name string, unique bool, cols ...string) planner.Index {
		x := planner.Index{Name: name, Unique: unique}
		for _, c := range cols {
			x.Columns = append(x.Columns, t.colIdx(c))
		}
		return x
	}
	t.indexes = []planner.Index{
		ix("t_k", false, "k"), ix("t_c", true, "c"), ix("t_kc", false, "k", "c"), ix("t_v", false, "v"),
		ix("t_n", false, "n"), ix("t_f4", false, "f4"), ix("t_b", false, "b"), ix("t_i8", false, "i8"),
		ix("t_ts", false, "ts"),
	}
	h := &keyedTable{name: "h", cols: []planner.Column{col("a", types.Int4), col("b", types.Int4)}}
	h.indexes = []planner.Index{{Name: "h_a", Columns: []int{0}}}
	return keyCatalog{"t": t, "h": h}
}

// describeKey renders the access path of the plan's scan (or UPDATE or
// DELETE) and whether a Sort is left: "pk eq=1 lo=1 hi=1 in=0 like=0
// rev sort", "t_k ...", "scan" when no key is used.
func describeKey(q *planner.Query, cat keyCatalog) string {
	var key *planner.KeyLookup
	var table planner.Table
	sorted := false
	var walk func(n planner.Node)
	walk = func(n planner.Node) {
		switch x := n.(type) {
		case *planner.Scan:
			key, table = x.Key, x.Table
		case *planner.Filter:
			walk(x.Input)
		case *planner.Project:
			walk(x.Input)
		case *planner.Limit:
			walk(x.Input)
		case *planner.Sort:
			sorted = true
			walk(x.Input)
		case *planner.Distinct:
			walk(x.Input)
		case *planner.Agg:
			walk(x.Input)
		case *planner.Update:
			key, table = x.Key, x.Table
		case *planner.Delete:
			key, table = x.Key, x.Table
		}
	}
	walk(q.Root)
	var b strings.Builder
	if key == nil {
		b.WriteString("scan")
	} else {
		name := "pk"
		if key.Index > 0 {
			name = table.(planner.KeyedTable).Indexes()[key.Index-1].Name
		}
		fmt.Fprintf(&b, "%s eq=%d lo=%d hi=%d in=%d like=%d", name, len(key.Values), len(key.Lower),
			len(key.Upper), len(key.In), len(key.Like))
		if key.Reverse {
			b.WriteString(" rev")
		}
	}
	if sorted {
		b.WriteString(" sort")
	}
	return b.String()
}

// TestKeyRules checks which access path the key rule picks, that it
// fires for ranges, IN lists and LIKE prefixes, that it does not fire
// across types whose values the key cannot encode exactly, and when an
// ORDER BY under LIMIT reads a key in order instead of sorting.
func TestKeyRules(t *testing.T) {
	cat := keyTestCatalog()
	for _, c := range []struct {
		sql  string
		want string
	}{
		// Equality, as before.
		{"SELECT * FROM t WHERE id = 1", "pk eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE id = $1", "pk eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE id = 3::int8", "pk eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE id = 3000000000", "pk eq=1 lo=0 hi=0 in=0 like=0"},
		// Ranges on the primary key.
		{"SELECT * FROM t WHERE id BETWEEN 1 AND 5", "pk eq=0 lo=1 hi=1 in=0 like=0"},
		{"SELECT * FROM t WHERE id BETWEEN $1 AND $2", "pk eq=0 lo=1 hi=1 in=0 like=0"},
		{"SELECT * FROM t WHERE id > 5", "pk eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE 5 < id", "pk eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE 5 >= id", "pk eq=0 lo=0 hi=1 in=0 like=0"},
		{"SELECT * FROM t WHERE id > 5 AND id > $1 AND id <= 9", "pk eq=0 lo=2 hi=1 in=0 like=0"},
		{"SELECT * FROM t WHERE id NOT BETWEEN 1 AND 5", "scan"},
		{"SELECT * FROM t WHERE id > 5 OR id < 2", "scan"},
		// IN lists.
		{"SELECT * FROM t WHERE id IN (1, 2, 3)", "pk eq=0 lo=0 hi=0 in=3 like=0"},
		{"SELECT * FROM t WHERE id IN (1, $1)", "pk eq=0 lo=0 hi=0 in=2 like=0"},
		{"SELECT * FROM t WHERE id IN (1, k)", "scan"},
		{"SELECT * FROM t WHERE id NOT IN (1, 2)", "scan"},
		{"SELECT * FROM t WHERE id = 1 OR k = 2", "scan"},
		// Across types: the key is not used when the value is compared
		// after a cast of the column the key cannot follow.
		{"SELECT * FROM t WHERE id = 2.5", "scan"},
		{"SELECT * FROM t WHERE id < 2.5", "scan"},
		{"SELECT * FROM t WHERE id < 2.5::float8", "scan"},
		{"SELECT * FROM t WHERE id::numeric = 1", "scan"},
		{"SELECT * FROM t WHERE i8::int4 = 5", "scan"}, // narrowing cast can fail
		{"SELECT * FROM t WHERE k::int8 = 5", "t_k eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE i8 < 5", "t_i8 eq=0 lo=0 hi=1 in=0 like=0"},
		{"SELECT * FROM t WHERE i8 = 5::int2", "t_i8 eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE n = 1", "t_n eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE n > 1.5", "t_n eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE f4 = 0.5::float8", "t_f4 eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE f4 < 0.5", "t_f4 eq=0 lo=0 hi=1 in=0 like=0"}, // float48lt
		{"SELECT * FROM t WHERE f4::numeric < 0.5", "scan"},
		{"SELECT * FROM t WHERE v = 'x'", "t_v eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE v > 'x'::text", "t_v eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE c = 'x'::varchar", "t_c eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE b = 'x'", "t_b eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE b::text = 'x'", "scan"},
		{"SELECT * FROM t WHERE ts > '2020-01-01'", "t_ts eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE ts > '2020-01-01'::date", "t_ts eq=0 lo=1 hi=0 in=0 like=0"}, // date widens exactly
		{"SELECT * FROM t WHERE ts::date > '2020-01-01'", "scan"},
		{"SELECT * FROM t WHERE id + 0 > 5", "scan"},
		// LIKE prefixes on text columns.
		{"SELECT * FROM t WHERE c LIKE 'ab%'", "t_c eq=0 lo=0 hi=0 in=0 like=1"},
		{"SELECT * FROM t WHERE c LIKE $1", "t_c eq=0 lo=0 hi=0 in=0 like=1"},
		{"SELECT * FROM t WHERE v LIKE 'ab%'", "t_v eq=0 lo=0 hi=0 in=0 like=1"},
		{"SELECT * FROM t WHERE b LIKE 'ab%'", "scan"},
		{"SELECT * FROM t WHERE c ILIKE 'ab%'", "scan"},
		{"SELECT * FROM t WHERE c NOT LIKE 'ab%'", "scan"},
		// Choosing: equality prefix first, then a range, unique before
		// non-unique, the primary key before a secondary index.
		{"SELECT * FROM t WHERE k = 1 AND id < 5", "t_k eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE k = 1 AND c > 'x'", "t_kc eq=1 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE k = 1 AND c = 'x'", "t_c eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE k > 1 AND id > 5", "pk eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE c > 'a' AND k > 1", "t_c eq=0 lo=1 hi=0 in=0 like=0"},
		{"SELECT * FROM t WHERE k IN (1, 2) AND id > 5", "t_k eq=0 lo=0 hi=0 in=2 like=0"},
		{"SELECT * FROM t WHERE id = 1 AND k = 2", "pk eq=1 lo=0 hi=0 in=0 like=0"},
		// ORDER BY ... LIMIT over a key's order.
		{"SELECT id FROM t ORDER BY id LIMIT 3", "scan"},
		{"SELECT id FROM t ORDER BY id DESC LIMIT 3", "pk eq=0 lo=0 hi=0 in=0 like=0 rev"},
		{"SELECT id FROM t ORDER BY id DESC NULLS LAST LIMIT 3", "scan sort"},
		{"SELECT id FROM t ORDER BY id NULLS FIRST LIMIT 3", "scan sort"},
		{"SELECT id FROM t ORDER BY id", "scan sort"},
		{"SELECT id FROM t ORDER BY id, k LIMIT 3", "scan"},
		{"SELECT id FROM t ORDER BY id, k DESC LIMIT 3", "scan sort"},
		{"SELECT id FROM t ORDER BY k LIMIT 3", "t_k eq=0 lo=0 hi=0 in=0 like=0"},
		{"SELECT id FROM t ORDER BY k DESC, id DESC LIMIT 3", "t_k eq=0 lo=0 hi=0 in=0 like=0 rev"},
		{"SELECT id FROM t WHERE k = 1 ORDER BY id LIMIT 3", "t_k eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT id FROM t WHERE k = 1 ORDER BY k, id DESC LIMIT 3", "t_k eq=1 lo=0 hi=0 in=0 like=0 rev"},
		{"SELECT id FROM t WHERE k = 1 ORDER BY k DESC NULLS LAST, id LIMIT 3", "t_k eq=1 lo=0 hi=0 in=0 like=0"},
		{"SELECT id FROM t WHERE id > 5 ORDER BY id DESC LIMIT 2", "pk eq=0 lo=1 hi=0 in=0 like=0 rev"},
		{"SELECT id FROM t WHERE id > 5 ORDER BY k LIMIT 2", "pk eq=0 lo=1 hi=0 in=0 like=0 sort"},
		{"SELECT c FROM t WHERE c LIKE 'a%' ORDER BY c LIMIT 2", "t_c eq=0 lo=0 hi=0 in=0 like=1"},
		{"SELECT id FROM t WHERE k IN (1, 2) ORDER BY k, id LIMIT 2", "t_k eq=0 lo=0 hi=0 in=2 like=0"},
		{"SELECT id FROM t WHERE k IN (1, 2) ORDER BY id LIMIT 2", "t_k eq=0 lo=0 hi=0 in=2 like=0 sort"},
		{"SELECT id + 1 FROM t ORDER BY 1 LIMIT 2", "scan sort"},
		{"SELECT DISTINCT id FROM t ORDER BY id DESC LIMIT 2", "pk eq=0 lo=0 hi=0 in=0 like=0 rev"},
		{"SELECT a FROM h ORDER BY a LIMIT 2", "h_a eq=0 lo=0 hi=0 in=0 like=0"},
		{"SELECT a FROM h ORDER BY a, b LIMIT 2", "scan sort"},
		{"SELECT count(*) FROM t WHERE id BETWEEN 1 AND 9", "pk eq=0 lo=1 hi=1 in=0 like=0"},
		// UPDATE and DELETE.
		{"UPDATE t SET k = 1 WHERE id BETWEEN 1 AND 3", "pk eq=0 lo=1 hi=1 in=0 like=0"},
		{"DELETE FROM t WHERE c LIKE 'x%'", "t_c eq=0 lo=0 hi=0 in=0 like=1"},
		{"DELETE FROM t WHERE id IN (1, 2)", "pk eq=0 lo=0 hi=0 in=2 like=0"},
	} {
		stmts, err := parser.Parse(c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		q, err := planner.Build(stmts[0].AST, nil, cat)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := describeKey(q, cat); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.sql, got, c.want)
		}
	}
}
