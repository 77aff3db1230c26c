package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// TestFieldSelectRewrite pins the TiDB text of field selection (field.go);
// what it computes is compared with PostgreSQL by internal/sqltest
// (composite_fields.sql).
func TestFieldSelectRewrite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"select (f(x)).n", "select nqdb_field((f(x)), 'n')"},
		{"select (information_schema._pg_expandarray(i.indkey)).x from pg_index i",
			"select nqdb_field((information_schema._pg_expandarray(i.indkey)), 'x') from pg_index i"},
		{"select (i.keys).x, (i.keys).n from t i", "select nqdb_field((i.keys), 'x'), nqdb_field((i.keys), 'n') from t i"},
		{"select (r).a.b from t", "select nqdb_field(nqdb_field((r), 'a'), 'b') from t"},
		{"select (f(x)).* from t", "select nqdb_field((f(x)), '*') from t"},
		{`select (f(x))."N"::text`, "select nqdb_cast(nqdb_field((f(x)), 'N'), 'text')"},
		{"select (select r from t).a", "select nqdb_field((select r from t), 'a')"},
		{"select ((1)).x", "select nqdb_field(((1)), 'x')"},
		{"select a.b from t a", "select a.b from t a"},
		{"select * from information_schema._pg_expandarray(array[1,2])",
			"select * from lateral (select nqdb_from_func(information_schema._pg_expandarray(nqdb_array(1,2)))) _pg_expandarray"},
	} {
		sts, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		nospace := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "")), "") }
		if got := nospace(sts[0].Rewritten); got != nospace(c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestFieldSelectErrors pins PostgreSQL's syntax errors for what is no
// field selection (checked with psql against PostgreSQL 15).
func TestFieldSelectErrors(t *testing.T) {
	for _, c := range []struct {
		in, msg string
		pos     int
	}{
		{"select f(x).n", `syntax error at or near "."`, 12},
		{"select (x).", "syntax error at end of input", 12},
		{"select (x).1", `syntax error at or near ".1"`, 11},
	} {
		_, err := Parse(c.in)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Message != c.msg || pe.Position != c.pos {
			got := 0
			if pe != nil {
				got = pe.Position
			}
			t.Errorf("%s: got %v (position %d), want %s at %d", c.in, err, got, c.msg, c.pos)
		}
	}
}

// FuzzFieldSelect mutates statements with field selections: no panic,
// errors are *pgerror.Error inside the text, and a statement that parses
// has an AST.
func FuzzFieldSelect(f *testing.F) {
	for _, s := range []string{"select (f(x)).n", "select (i.keys).x from t i", "select (r).a.b, (r).* from t",
		"select * from information_schema._pg_expandarray(array[1,2]) e(a, b)",
		"select (select r from t).a", "select row(1,'a'), (1,2) < (1,3)", "select ((1)).x::int",
		"select * from t, lateral information_schema._pg_expandarray(t.a) with ordinality"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		sts, ok := fuzzParse(t, sql)
		if !ok {
			return
		}
		for _, st := range sts {
			if st.AST == nil && st.Utility == nil {
				t.Fatalf("%q: statement without AST", sql)
			}
		}
	})
}
