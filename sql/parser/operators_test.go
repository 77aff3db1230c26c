package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// TestPgOperatorRewrite pins the TiDB text of the operators of
// operators.go: the extent of a prefix operator's operand follows gram.y
// (generic-operator precedence), and VARIADIC wraps the last argument.
// What the rewritten statements compute is compared with PostgreSQL by
// internal/sqltest (regress_operators.sql, regress_variadic.sql).
func TestPgOperatorRewrite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"select |/ 4 + 5", "select nqdb_op('|/', 4 + 5)"},
		{"select ||/ x", "select nqdb_op('||/', `x`)"},
		{"select @ -5 * 2, 1", "select nqdb_op('@', -5 * 2), 1"},
		{"select 1 * @ 2 + 3", "select 1 * nqdb_op('@', 2 + 3)"},
		{"select @ 2 # 3", "select nqdb_op('#', nqdb_op('@', 2), 3)"},
		{"select 1 # 2 # 3", "select nqdb_op('#', nqdb_op('#', 1, 2), 3)"},
		{"select a # b = 3 from t", "select nqdb_op('#', `a`, `b`) = 3 from `t`"},
		{"select concat(variadic array[1,2])", "select concat(nqdb_variadic(nqdb_array(1,2)))"},
		{"select format('%s', variadic x)", "select format('%s', nqdb_variadic(`x`))"},
	} {
		sts, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		// Spacing is TiDB's business; compare without it.
		nospace := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if got := nospace(strings.ReplaceAll(sts[0].Rewritten, "`", "")); got != nospace(strings.ReplaceAll(c.want, "`", "")) {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestPgOperatorErrors pins PostgreSQL's syntax errors (checked with psql
// against PostgreSQL 15).
func TestPgOperatorErrors(t *testing.T) {
	for _, c := range []struct {
		in, msg string
		pos     int
	}{
		{"select |/ ;", `syntax error at or near ";"`, 11},
		{"select 5 # ;", `syntax error at or near ";"`, 12},
		{"select @", "syntax error at end of input", 9},
		{"select concat(variadic 1, 2)", `syntax error at or near ","`, 25},
		{"select concat(variadic)", `syntax error at or near ")"`, 23},
	} {
		_, err := Parse(c.in)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Message != c.msg || pe.Position != c.pos {
			t.Errorf("%s: got %v (position %d), want %s at %d", c.in, err, func() int {
				if pe != nil {
					return pe.Position
				}
				return 0
			}(), c.msg, c.pos)
		}
	}
}

// FuzzPgOperators mutates statements using the operators of operators.go:
// no panic, errors are *pgerror.Error with a position inside the text.
func FuzzPgOperators(f *testing.F) {
	for _, s := range []string{"select |/ 4 + 5", "select ||/ f.f1 from t f", "select @ -5 * 2",
		"select 1 # 2 # 3", "select concat_ws(',', variadic array[1,2])", "select format('%s', variadic NULL::int[])",
		"select f(variadic a order by b)", "select @ (select 1)", "select - @ - 3",
		"values (1, 'a'), (2, 'b') order by 1", "with t as (values (1)) select * from t",
		"select * from t as f(a, b)", "select * from s.t x(a) join u y(b) on a = b"} {
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
