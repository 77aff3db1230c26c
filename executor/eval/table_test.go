package eval_test

import (
	"context"
	"io"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// memTable is an in-memory table: a planner.Table that eval can scan.
type memTable struct {
	oid  uint32
	name string
	cols []planner.Column
	rows [][]types.Datum
}

func (t *memTable) OID() uint32               { return t.oid }
func (t *memTable) Name() string              { return t.name }
func (t *memTable) Columns() []planner.Column { return t.cols }

func (t *memTable) Scan(ctx context.Context) (eval.Rows, error) {
	return &memRows{rows: t.rows}, nil
}

type memRows struct {
	rows [][]types.Datum
	i    int
}

func (r *memRows) Next() ([]types.Datum, error) {
	if r.i >= len(r.rows) {
		return nil, io.EOF
	}
	r.i++
	return r.rows[r.i-1], nil
}

func (r *memRows) Close() {}

type memCatalog map[string]*memTable

func (c memCatalog) LookupTable(schema, name string) (planner.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

// TestOracleTables runs queries over small tables created identically in
// PostgreSQL and in an in-memory catalog.
func TestOracleTables(t *testing.T) {
	conn := oracle(t)
	ctx := context.Background()
	setup := `DROP TABLE IF EXISTS emp, dept;
CREATE TABLE dept (id int4, name text);
CREATE TABLE emp (id int4, name text, dept int4, salary numeric, boss int4);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp VALUES (1, 'ann', 1, 100.50, NULL), (2, 'bob', 1, 90, 1), (3, 'cid', 2, 80, 1), (4, 'dan', NULL, 70.25, 2), (5, 'eve', 2, NULL, 3);`
	if err := conn.Exec(ctx, setup).Close(); err != nil {
		t.Fatal(err)
	}
	num := func(s string) types.Datum {
		d, err := types.ParseText(types.Numeric, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	col := func(name string, typ *types.T, att int16) planner.Column {
		return planner.Column{Name: name, Type: typ, Typmod: -1, TableOID: 16384, AttNum: att}
	}
	cat := memCatalog{
		"dept": {oid: 16384, name: "dept", cols: []planner.Column{col("id", types.Int4, 1), col("name", types.Text, 2)},
			rows: [][]types.Datum{{int64(1), "eng"}, {int64(2), "ops"}, {int64(3), "empty"}}},
		"emp": {oid: 16385, name: "emp", cols: []planner.Column{col("id", types.Int4, 1), col("name", types.Text, 2),
			col("dept", types.Int4, 3), col("salary", types.Numeric, 4), col("boss", types.Int4, 5)},
			rows: [][]types.Datum{
				{int64(1), "ann", int64(1), num("100.50"), nil},
				{int64(2), "bob", int64(1), num("90"), int64(1)},
				{int64(3), "cid", int64(2), num("80"), int64(1)},
				{int64(4), "dan", nil, num("70.25"), int64(2)},
				{int64(5), "eve", int64(2), nil, int64(3)},
			}},
	}
	for _, sql := range []string{
		"SELECT * FROM dept ORDER BY id",
		"SELECT name, salary FROM emp WHERE salary > 75 ORDER BY salary DESC",
		"SELECT count(*), count(salary), sum(salary), avg(salary), min(name), max(salary) FROM emp",
		"SELECT dept, count(*), sum(salary) FROM emp GROUP BY dept ORDER BY dept NULLS FIRST",
		"SELECT d.name, count(e.id) FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.name ORDER BY 1",
		"SELECT e.name, b.name AS boss FROM emp e LEFT JOIN emp b ON e.boss = b.id ORDER BY e.id",
		"SELECT e.name FROM emp e JOIN dept d ON d.id = e.dept WHERE d.name = 'ops' ORDER BY 1",
		"SELECT name FROM emp WHERE dept IN (SELECT id FROM dept WHERE name LIKE 'e%') ORDER BY name",
		"SELECT name FROM emp WHERE salary = (SELECT max(salary) FROM emp)",
		"SELECT DISTINCT dept FROM emp ORDER BY dept",
		"SELECT name FROM emp ORDER BY salary NULLS FIRST, name LIMIT 3 OFFSET 1",
		"SELECT upper(name) || '!' AS shout, salary * 2 FROM emp WHERE boss IS NULL OR boss = 3 ORDER BY 1",
		"SELECT dept, string_agg(name, ',') FROM emp WHERE dept IS NOT NULL GROUP BY dept HAVING count(*) > 1 ORDER BY dept",
		"SELECT name FROM emp WHERE EXISTS (SELECT 1 FROM dept WHERE name = 'empty') AND id < 3 ORDER BY id",
		"SELECT id FROM dept UNION SELECT dept FROM emp ORDER BY 1",
		"SELECT name, dept FROM emp GROUP BY dept",
		"SELECT nosuch FROM emp",
		"SELECT id FROM emp, dept",
		"SELECT * FROM nosuch",
		"SELECT e.id, salary FROM emp e WHERE e.salary BETWEEN $1 AND $2 ORDER BY 1",
	} {
		var declared []*types.T
		var paramText []string
		if sql == "SELECT e.id, salary FROM emp e WHERE e.salary BETWEEN $1 AND $2 ORDER BY 1" {
			paramText = []string{"75", "95"}
		}
		want := runPG(t, conn, sql, declared, paramText)
		got := runOurs(t, sql, declared, paramText, cat)
		if !sameResult(want, got) {
			t.Errorf("%s\n  pg:   %v params=%v\n  ours: %v params=%v", sql, want, want.params, got, got.params)
		}
	}
}
