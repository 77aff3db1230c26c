package eval_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// wcteSeeds are writable CTEs and writes through views over the tables
// FuzzWritableCTE creates.
var wcteSeeds = []string{
	"WITH d AS (DELETE FROM w1 WHERE a = 1 RETURNING *) SELECT * FROM d",
	"WITH d AS (DELETE FROM w1 RETURNING a, b) INSERT INTO w2 SELECT * FROM d",
	"WITH u AS (UPDATE w1 SET b = b || 'x' RETURNING *) SELECT w1.a, u.b FROM w1 JOIN u USING (a)",
	"WITH i AS (INSERT INTO w2 VALUES (9, 'n')), d AS (DELETE FROM w2 WHERE a = 9 RETURNING *) SELECT count(*) FROM d",
	"WITH s AS (SELECT a FROM w1), d AS (DELETE FROM w2 WHERE a IN (SELECT a FROM s) RETURNING a) UPDATE w1 SET a = a + 10 WHERE a IN (SELECT a FROM d) RETURNING *",
	"WITH d AS (INSERT INTO w1 VALUES (1, 'dup') RETURNING *) SELECT * FROM d",
	"WITH d(x) AS (DELETE FROM w1 RETURNING a) SELECT x FROM d, d AS e",
	"WITH m AS MATERIALIZED (SELECT 1) DELETE FROM v1 WHERE a IN (SELECT * FROM m) RETURNING *",
	"INSERT INTO v1 VALUES (20, 'v')",
	"INSERT INTO v1 VALUES (0, 'no')",
	"UPDATE v1 SET a = a - 100 RETURNING *",
	"DELETE FROM v1 WHERE len > 1 RETURNING len",
	"UPDATE v1 SET len = 3",
}

// FuzzWritableCTE runs a statement over two small tables and a view with
// a check option: nothing may panic, errors must be PostgreSQL errors, and
// a failed statement must leave the tables as they were.
func FuzzWritableCTE(f *testing.F) {
	for _, s := range wcteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 1000 || strings.Contains(strings.ToLower(sql), "pg_sleep") {
			return
		}
		stmts, err := parser.Parse(sql)
		if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
			return
		}
		s := newTestSession(t)
		for _, q := range []string{
			"CREATE TABLE w1 (a int4 PRIMARY KEY, b text)",
			"CREATE TABLE w2 (a int4, b text)",
			"INSERT INTO w1 VALUES (1, 'a'), (2, 'bb'), (3, NULL)",
			"INSERT INTO w2 VALUES (2, 'x')",
			"CREATE VIEW v1 AS SELECT a, b, length(b) AS len FROM w1 WHERE a > 0 WITH CHECK OPTION",
		} {
			if o := runSession(s, q, nil); o.code != "" {
				t.Fatal(q, o)
			}
		}
		const snap = "SELECT * FROM w1 ORDER BY a"
		const snap2 = "SELECT * FROM w2 ORDER BY a, b"
		before, before2 := runSession(s, snap, nil).String(), runSession(s, snap2, nil).String()
		err = runAtomic(s, stmts[0])
		if err == nil {
			return
		}
		if code := pgerror.Code(err); code == pgerror.InternalError || len(code) != 5 {
			t.Fatalf("%q: error %v", sql, err)
		}
		low := strings.ToLower(sql)
		if strings.Contains(low, "drop") || strings.Contains(low, "truncate") || strings.Contains(low, "alter") {
			return
		}
		if runSession(s, snap, nil).String() != before || runSession(s, snap2, nil).String() != before2 {
			t.Fatalf("%q failed (%v) but changed a table", sql, err)
		}
	})
}

// runAtomic runs st as a one-statement implicit transaction the way the
// server does: rolled back when it fails.
func runAtomic(s *executor.Session, st *parser.Statement) (err error) {
	s.BeginStatement()
	defer func() {
		if ferr := s.FinishImplicit(err != nil); err == nil {
			err = ferr
		}
	}()
	p, err := s.Prepare(st, nil)
	if err != nil {
		return err
	}
	if len(p.ParamTypes) > 0 {
		return pgerror.New(pgerror.UndefinedParameter, "there is no parameter $1")
	}
	res, err := s.Execute(context.Background(), p, nil)
	if err != nil {
		return err
	}
	if res.Rows != nil {
		defer res.Rows.Close()
		for {
			if _, err := res.Rows.Next(); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}
