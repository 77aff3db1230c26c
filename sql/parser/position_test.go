package parser

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

// nodeFinder finds the first AST node matching a marker:
// "col:NAME" a column reference, "fn:NAME" a function call, "arg:NAME" the
// first argument of a call, "str:VAL" a string literal.
type nodeFinder struct {
	kind, name string
	found      ast.Node
}

func (f *nodeFinder) Enter(n ast.Node) (ast.Node, bool) {
	if f.found != nil {
		return n, true
	}
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		if f.kind == "col" && x.Name.Name.O == f.name {
			f.found = x
		}
	case *ast.FuncCallExpr:
		if x.FnName.L == f.name {
			switch {
			case f.kind == "fn":
				f.found = x
			case f.kind == "arg" && len(x.Args) > 0:
				f.found = x.Args[0]
			}
		}
	case *driver.ValueExpr:
		if f.kind == "str" && x.Kind() == driver.KindString && x.GetString() == f.name {
			f.found = x
		}
	}
	return n, false
}

func (f *nodeFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// positionCases pair a statement that fails in PostgreSQL at one place with
// the marker of the AST node the binder reports that error at.
var positionCases = []struct{ sql, marker string }{
	{"select nosuch from t", "col:nosuch"},
	{"select a,   nosuch from t", "col:nosuch"},
	{"SELECT  A,\n\t NOSUCH  FROM t", "col:nosuch"},
	{"select 'héllo wörld', nosuch", "col:nosuch"},
	{"select 'héllo wörld' || nosuch", "col:nosuch"},
	{"select E'h\\u00e9\\tllo', $$ö$$, nosuch", "col:nosuch"},
	{"select 'it''s', \"Nosuch\" from t", "col:Nosuch"},
	{"select \"Mixed\", \"mixed\" from t", "col:mixed"},
	{"select a from t where nosuch = 1", "col:nosuch"},
	{"select a from t where b = 'x' and a in (1, nosuch)", "col:nosuch"},
	{"select a from t order by a nulls first, nosuch", "col:nosuch"},
	{"select a from t order by nosuch desc nulls last", "col:nosuch"},
	{"select x.a from t x join t y on x.a = y.nosuch", "col:nosuch"},
	{"select t.nosuch from t", "col:nosuch"},
	{"select /* ü */ a::text, nosuch::int from t", "col:nosuch"},
	{"select array[1, nosuch]", "col:nosuch"},
	{"select a from t where b ~* 'x' and nosuch", "col:nosuch"},
	{"select a from t where a is distinct from nosuch", "col:nosuch"},
	{"select 'abc'::int4", "arg:" + CastFunc},
	{"select 'abc'::int4", "fn:" + CastFunc},
	{"select   'äbc'  ::  int4", "arg:" + CastFunc},
	{"select cast('abc' as int4)", "arg:" + CastFunc},
	{"select int4 'abc'", "arg:" + CastFunc},
	{"select 1 + 'x1'::int4", "arg:" + CastFunc},
	{"select 'ö', 'abc'::date", "arg:" + CastFunc},
	{"select -- comment ü\n  'abc'::bool", "arg:" + CastFunc},
	{"select a from t where a = 'abc'", "str:abc"},
	{"select a from t where b = 'x' or a = 'äbc'", "str:äbc"},
	{"insert into t (a) values ('abc')", "str:abc"},
	{"select a from t where a = any(array['1', 'x']::int[])", "str:x"},
	{"select 'x', pg_catalog.int4 'abc'", "arg:" + CastFunc},
	{"select b'01', x'1f', nosuch from t", "col:nosuch"},
}

// TestPositionAgainstPostgres checks that Statement.Position maps the
// rewritten offset of the node an error belongs to onto the position
// PostgreSQL reports for the same statement.
func TestPositionAgainstPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	conn := pgoracle.Connect(t)
	if _, err := conn.Exec(ctx, `create temp table t (a int, b text, "Mixed" int)`).ReadAll(); err != nil {
		t.Fatal(err)
	}
	for _, c := range positionCases {
		_, pgErrAny := conn.Exec(ctx, c.sql).ReadAll()
		var pgErr *pgconn.PgError
		if !errors.As(pgErrAny, &pgErr) || pgErr.Position == 0 {
			t.Errorf("%q: PostgreSQL gave no positioned error (%v); fix the case", c.sql, pgErrAny)
			continue
		}
		sts, err := Parse(c.sql)
		if err != nil || len(sts) != 1 || sts[0].AST == nil {
			t.Errorf("%q: parse: %v", c.sql, err)
			continue
		}
		kind, name, _ := strings.Cut(c.marker, ":")
		f := &nodeFinder{kind: kind, name: name}
		sts[0].AST.Accept(f)
		if f.found == nil {
			t.Errorf("%q: no node %s in %q", c.sql, c.marker, sts[0].Rewritten)
			continue
		}
		got := sts[0].Position(f.found.OriginTextPosition())
		if int32(got) != pgErr.Position {
			t.Errorf("%q (%s, rewritten %q at %d): position %d, PostgreSQL %d (%s)", c.sql, c.marker,
				sts[0].Rewritten, f.found.OriginTextPosition(), got, pgErr.Position, pgErr.Message)
		}
	}
}

// TestPositionInsidePiece checks offsets that do not start a piece: inside
// a copied literal or identifier they follow the user's characters, in a
// blank they move to the next piece, outside the text they give 0.
func TestPositionInsidePiece(t *testing.T) {
	cases := []struct {
		sql    string
		find   string // substring of Rewritten (first occurrence)
		within int    // byte offset inside find
		want   int    // 1-based character position in Text
	}{
		{"select 'héllo wörld', nosuch", "wörld", 0, 15},
		{"select 'héllo wörld', nosuch", "rld", 0, 17},
		{"select 'héllo wörld', nosuch", "nosuch", 2, 25},
		{"select   Abc  from t", "`abc`", 0, 10},
		{"select   Abc  from t", "`abc`", 2, 11},
		{"select   Abc  from t", "`abc`", 4, 13},
		{"select   \"Abc\"  from t", "`Abc`", 1, 11},
		{"select   a    ,b", "`b`", 0, 16},
		{"select 'x'::int4", CastFunc, 3, 8},
		{"select 'x'::int4", "'int4'", 2, 13}, // the type name maps to itself (unknown types are reported there)
		{"select   1", " 1", 0, 10},           // blank before a piece
	}
	for _, c := range cases {
		sts, err := Parse(c.sql)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		st := sts[0]
		k := strings.Index(st.Rewritten, c.find)
		if k < 0 {
			t.Fatalf("%q: %q not in %q", c.sql, c.find, st.Rewritten)
		}
		if got := st.Position(k + c.within); got != c.want {
			t.Errorf("%q: offset of %q+%d in %q: got %d, want %d", c.sql, c.find, c.within, st.Rewritten, got, c.want)
		}
	}
	sts, _ := Parse("select 1; show x")
	for _, off := range []int{-1, len(sts[0].Rewritten), 1 << 20} {
		if got := sts[0].Position(off); got != 0 {
			t.Errorf("Position(%d) = %d, want 0", off, got)
		}
	}
	if got := sts[1].Position(0); got != 0 {
		t.Errorf("utility Position(0) = %d, want 0", got)
	}
}

// checkPositions asserts that every rewritten offset maps inside the
// statement text (used by the fuzz target).
func checkPositions(t *testing.T, st *Statement) {
	n := utf8.RuneCountInString(st.Text)
	for off := 0; off < len(st.Rewritten); off++ {
		if p := st.Position(off); p < 1 || p > n+1 {
			t.Fatalf("%q: Position(%d) = %d outside 1..%d (rewritten %q)", st.Text, off, p, n+1, st.Rewritten)
		}
	}
}

func BenchmarkPosition(b *testing.B) {
	sts, err := Parse("select c.oid, c.relname::text, n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relname = 'ü'::name order by 2 limit 10")
	if err != nil {
		b.Fatal(err)
	}
	st := sts[0]
	off := strings.LastIndex(st.Rewritten, "order")
	b.ReportAllocs()
	for b.Loop() {
		if st.Position(off) == 0 {
			b.Fatal("unmapped")
		}
	}
}
