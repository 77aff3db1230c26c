package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// wcteCases are statements whose WITH clause the parser takes off; want
// describes the result: the main statement's AST type, then each item as
// name@namePos[cols]:kind (dml or query), with "+R" when it has RETURNING.
var wcteCases = []struct{ sql, want string }{
	{"with d as (delete from t where a = 3 returning *) select * from d",
		"SelectStmt d@6:dml+R"},
	{"with x as (select 1) insert into b select * from x",
		"InsertStmt x@6:query"},
	{"with x as (select 1) insert into b values (1)",
		"InsertStmt x@6:query"},
	{"WITH \"D\"(p, q) AS (UPDATE t SET a = 1 RETURNING a, b), e AS MATERIALIZED (SELECT 2) DELETE FROM t USING e RETURNING *",
		"DeleteStmt D@6[p q]:dml+R e@56:query"},
	{"with recursive r(n) as (select 1 union all select n + 1 from r where n < 3), i as (insert into t select * from r) select 1",
		"SelectStmt r@16[n]:query i@78:dml"},
	{"with m as not materialized (select 1) select * from m",
		"SelectStmt m@6:query"},
	{"with i as (insert into t values (1) on conflict do nothing returning *) select * from i",
		"SelectStmt i@6:dml+R"},
	{"with u as (update t set a = s.a from s where s.b = t.b returning t.*) select * from u",
		"SelectStmt u@6:dml+R"},
	// A plain WITH before SELECT stays TiDB's.
	{"with x as (select 1) select * from x", "SelectStmt"},
}

func describeWith(st *Statement) string {
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(fmt.Sprintf("%T", st.AST), "*ast."))
	if st.With == nil {
		return b.String()
	}
	for _, it := range st.With.Items {
		fmt.Fprintf(&b, " %s@%d", it.Name, it.NamePos)
		if len(it.Cols) > 0 {
			fmt.Fprintf(&b, "%v", it.Cols)
		}
		if it.IsDML() {
			b.WriteString(":dml")
		} else {
			b.WriteString(":query")
		}
		if it.Stmt.Returning != nil {
			b.WriteString("+R")
		}
	}
	return b.String()
}

func TestWithSplit(t *testing.T) {
	for _, c := range wcteCases {
		sts, err := Parse(c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := describeWith(sts[0]); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.sql, got, c.want)
		}
	}
}

// TestWithErrors checks errors against what PostgreSQL 15 reports
// (SQLSTATE, message, position).
func TestWithErrors(t *testing.T) {
	for _, c := range []struct {
		sql, code, msg string
		pos            int
	}{
		{"select * from (with d as (delete from t returning *) select * from d) s", pgerror.FeatureNotSupported,
			"WITH clause containing a data-modifying statement must be at the top level", 21},
		{"select 1 from t where a in (with d as (delete from t returning a) select a from d)", pgerror.FeatureNotSupported,
			"WITH clause containing a data-modifying statement must be at the top level", 34},
		{"with a as (with d as (insert into t values (1)) select 1) select 1", pgerror.FeatureNotSupported,
			"WITH clause containing a data-modifying statement must be at the top level", 17},
		{"with d as (delete from) select 1", pgerror.SyntaxError, `syntax error at or near ")"`, 23},
		{"with d as (delete from t)", pgerror.SyntaxError, "syntax error at end of input", 26},
		{"with d as () delete from t", pgerror.SyntaxError, `syntax error at or near ")"`, 12},
		{"with d as (delete from t) with e as (select 1) select 1", pgerror.SyntaxError, `syntax error at or near "with"`, 27},
	} {
		_, err := Parse(c.sql)
		pe, ok := err.(*pgerror.Error)
		if !ok {
			t.Errorf("%s: got %v, want %s", c.sql, err, c.msg)
			continue
		}
		if pe.Code != c.code || pe.Message != c.msg || pe.Position != c.pos {
			t.Errorf("%s:\n got  %s %q at %d\n want %s %q at %d", c.sql, pe.Code, pe.Message, pe.Position, c.code, c.msg, c.pos)
		}
	}
}

func FuzzWithClause(f *testing.F) {
	for _, c := range wcteCases {
		f.Add(c.sql)
	}
	f.Add("with d as (delete from t returning *), d as (select 1) select 1")
	f.Add("with a(x,) as (select 1) select 1")
	f.Fuzz(func(t *testing.T, sql string) {
		sts, err := Parse(sql)
		if err != nil {
			return
		}
		for _, st := range sts {
			if st.With == nil {
				continue
			}
			n := len([]rune(st.Text))
			for _, it := range st.With.Items {
				if it.Stmt == nil || it.Stmt.AST == nil {
					t.Fatalf("%q: item %q has no statement", sql, it.Name)
				}
				if it.NamePos < 1 || it.NamePos > n {
					t.Fatalf("%q: item %q at %d outside the text", sql, it.Name, it.NamePos)
				}
			}
		}
	})
}

// BenchmarkParseWritableCTE measures a statement whose WITH the parser
// takes apart (each item is rewritten and parsed on its own).
func BenchmarkParseWritableCTE(b *testing.B) {
	const q = "with moved as (delete from accounts where aid = $1 returning *) insert into archive select * from moved"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}
