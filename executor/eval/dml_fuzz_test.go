package eval_test

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzDML runs a random statement, then a fixed SELECT, on a session whose
// table was just created: nothing may panic, errors must be PostgreSQL
// errors, and a failed statement must leave the table unchanged (its
// implicit transaction rolls back, as the server's does).
func FuzzDML(f *testing.F) {
	for _, d := range loadDML(f) {
		f.Add(d.sql, strings.Join(d.params, ","))
	}
	f.Fuzz(func(t *testing.T, sql, params string) {
		if len(sql) > 1000 || strings.Contains(strings.ToLower(sql), "pg_sleep") {
			return
		}
		stmts, err := parser.Parse(sql)
		if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
			return
		}
		s := newTestSession(t)
		for _, q := range []string{
			"CREATE TABLE dml_t (a int4 NOT NULL, b varchar(3), c numeric(5,2))",
			"INSERT INTO dml_t VALUES (1, 'ab', 1.5), (2, NULL, NULL)",
		} {
			if o := runSession(s, q, nil); o.code != "" {
				t.Fatal(q, o)
			}
		}
		before := runSession(s, "SELECT * FROM dml_t ORDER BY a, b, c", nil)
		var p []string
		if params != "" {
			p = strings.Split(params, ",")
		}
		o := runParsed(s, stmts[0], p)
		if o.code == "" {
			return
		}
		if o.code == pgerror.InternalError || len(o.code) != 5 {
			t.Fatalf("%q: error %v", sql, o)
		}
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(sql)), "DROP") {
			return
		}
		if after := runSession(s, "SELECT * FROM dml_t ORDER BY a, b, c", nil); after.String() != before.String() && !strings.Contains(strings.ToLower(sql), "truncate") {
			t.Fatalf("%q failed (%v) but changed the table:\n before %v\n after  %v", sql, o, before, after)
		}
	})
}

var _ = types.Int4
