package parser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// limitCases reads testdata/limit.txt.
func limitCases(t testing.TB) [][2]string {
	data, err := os.ReadFile(filepath.Join("testdata", "limit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		sql, want, ok := strings.Cut(l, " => ")
		if !ok {
			t.Fatalf("bad line %q", l)
		}
		out = append(out, [2]string{sql, want})
	}
	return out
}

func TestLimitClauses(t *testing.T) {
	for _, c := range limitCases(t) {
		sts, err := Parse(c[0])
		got := "ok"
		if err != nil {
			var pe *pgerror.Error
			if !errors.As(err, &pe) {
				t.Fatalf("%s: %T %v", c[0], err, err)
			}
			got = fmt.Sprintf("%s %s @%d", pe.Code, pe.Message, pe.Position)
		} else if err := leftoverMarkers(sts[0]); err != nil {
			got = err.Error()
		}
		if got != c[1] {
			t.Errorf("%s\n got  %s\n want %s", c[0], got, c[1])
		}
	}
}

// leftoverMarkers fails when a LIMIT/OFFSET/frame marker survived
// parsing: every `?` left must be one of the user's $n.
func leftoverMarkers(st *Statement) error {
	var c markerCollector
	st.AST.Accept(&c)
	for _, m := range c.markers {
		if m.Order >= st.NumParams {
			return fmt.Errorf("marker at %d (order %d) left with %d params in %q", m.Offset, m.Order, st.NumParams, st.Rewritten)
		}
	}
	return nil
}

// TestLimitAST checks what reaches the planner for the forms it must
// tell apart.
func TestLimitAST(t *testing.T) {
	limitOf := func(sql string) *ast.Limit {
		t.Helper()
		sts, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		switch s := sts[0].AST.(type) {
		case *ast.SelectStmt:
			return s.Limit
		case *ast.SetOprStmt:
			return s.Limit
		}
		t.Fatalf("%s: %T", sql, sts[0].AST)
		return nil
	}
	isNull := func(e ast.ExprNode) bool {
		v, ok := e.(*driver.ValueExpr)
		return ok && v.Kind() == driver.KindNull
	}
	if l := limitOf("select 1 offset 5"); !isNull(l.Count) || l.Offset == nil {
		t.Errorf("OFFSET alone: count %v offset %v", l.Count, l.Offset)
	}
	if l := limitOf("select 1 limit all"); l != nil {
		t.Errorf("LIMIT ALL: %+v", l)
	}
	if l := limitOf("select 1 order by 1 fetch first 2 rows with ties"); !isWithTies(l.Count) {
		t.Errorf("WITH TIES: count %T", l.Count)
	}
	if l := limitOf("select 1 fetch first row only"); l.Count == nil || isWithTies(l.Count) {
		t.Errorf("FETCH FIRST ROW ONLY: count %v", l.Count)
	}
	if l := limitOf("select 1 limit (select 2)"); l.Count == nil {
		t.Errorf("LIMIT (select 2): no count")
	} else if _, ok := l.Count.(*ast.SubqueryExpr); !ok {
		t.Errorf("LIMIT (select 2): count %T", l.Count)
	}
}

// FuzzLimitClauses checks, beyond FuzzParse, that no LIMIT/OFFSET or
// frame marker survives a successful parse (which would turn into a
// phantom parameter) and that error positions lie in the query.
func FuzzLimitClauses(f *testing.F) {
	for _, c := range limitCases(f) {
		f.Add(c[0])
	}
	f.Fuzz(func(t *testing.T, sql string) {
		sts, ok := fuzzParse(t, sql)
		if !ok {
			return
		}
		for _, st := range sts {
			if st.AST != nil {
				if err := leftoverMarkers(st); err != nil {
					t.Fatal(err)
				}
				checkPositions(t, st)
			}
		}
	})
}

func BenchmarkParseLimit(b *testing.B) {
	for _, q := range []string{
		"select a from t order by a limit 10 offset 20",
		"select a from t order by a limit (select 2) offset $1 * 2",
		"select a from t order by a fetch first 3 rows with ties",
		"select sum(a) over (order by d range between interval '1 day' preceding and current row) from t",
	} {
		b.Run(q[strings.Index(q, "order"):], func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Parse(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
