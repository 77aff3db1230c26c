package planner

import (
	"math"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

type textTable struct{}

func (textTable) OID() uint32       { return 2 }
func (textTable) Name() string      { return "p" }
func (textTable) Columns() []Column { return []Column{{Name: "name", Type: types.Text}} }

// TestLikePrefixSel: `col LIKE 'prefix%'` takes the common values with
// the prefix and the histogram's share between the prefix and the first
// string past it (half a bucket at least); other patterns are not its.
func TestLikePrefixSel(t *testing.T) {
	strs := func(vs ...string) []types.Datum {
		out := make([]types.Datum, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out
	}
	// 0.2 of the rows are common values, 0.1 NULL: the histogram holds
	// 0.7 over 4 buckets.
	st := &ColumnStats{NullFrac: 0.1, NDistinct: -0.5, MCV: strs("forest green", "azure"), MCF: []float64{0.15, 0.05},
		Hist: strs("almond", "blue", "forest a", "forest z", "red"), Rows: 1000}
	col := &ColumnRef{Idx: 0, T: types.Text}
	like := func(p string) Expr {
		return &Call{Fn: &Func{ID: FnLike}, Args: []Expr{col, &Const{Val: p, T: types.Text}, &Const{Val: `\`, T: types.Text}}, T: types.Bool}
	}
	for _, c := range []struct {
		name string
		e    Expr
		want float64
		ok   bool
	}{
		{"prefix over two bounds", like("forest%"), 0.15 + 0.7*2.5/4, true},
		{"prefix inside one bucket", like("c%"), 0.7 * 0.5 / 4, true},
		{"prefix of a common value only", like("azu%"), 0.05 + 0.7*0.5/4, true},
		{"wildcard inside", like("f_rest%"), 0, false},
		{"no trailing %", like("forest"), 0, false},
		{"leading %", like("%forest"), 0, false},
	} {
		got, ok := likePrefixSel(statsCat{st}, textTable{}, c.e)
		if ok != c.ok || (ok && math.Abs(got-c.want) > 1e-9) {
			t.Errorf("%s: got %v (ok %v), want %v (ok %v)", c.name, got, ok, c.want, c.ok)
		}
	}
	if _, ok := likePrefixSel(statsCat{nil}, textTable{}, like("forest%")); ok {
		t.Error("no statistics: want the default selectivity")
	}
}

// TestSubqueryCandidate: [NOT] EXISTS / IN conjuncts wait for the
// subquery rules; filterFirst applies the others below them.
func TestFilterFirst(t *testing.T) {
	col := &ColumnRef{Idx: 0, T: types.Int4}
	local := &Call{Fn: &Func{ID: FnEq}, Args: []Expr{col, &Const{Val: int64(1), T: types.Int4}}, T: types.Bool}
	exists := &SubPlan{Kind: SubExists, Correlated: true, T: types.Bool}
	notExists := &BoolExpr{Op: Not, Args: []Expr{exists}}
	in := &Values{}
	for _, c := range []struct {
		name      string
		conds     []Expr
		filtered  bool
		remaining int
	}{
		{"local and EXISTS", []Expr{local, exists}, true, 1},
		{"NOT EXISTS first", []Expr{notExists, local}, true, 1},
		{"only local: nothing to go below", []Expr{local}, false, 1},
		{"only subqueries", []Expr{exists, notExists}, false, 2},
	} {
		n, rest := filterFirst(in, c.conds)
		_, isFilter := n.(*Filter)
		if isFilter != c.filtered || len(rest) != c.remaining {
			t.Errorf("%s: filtered %v with %d left, want %v with %d", c.name, isFilter, len(rest), c.filtered, c.remaining)
		}
	}
}

// FuzzLikePrefixSel: any pattern and histogram give a selectivity in
// [0, 1] or none, without panicking.
func FuzzLikePrefixSel(f *testing.F) {
	for _, s := range [][3]string{{"forest%", "forest a", "forest z"}, {"c%", "a", "z"}, {"%", "", ""}, {`a\%`, "a", "b"}, {"ab%", "ab", "ab"}} {
		f.Add(s[0], s[1], s[2], 0.1)
	}
	f.Fuzz(func(t *testing.T, pat, h1, h2 string, mcf float64) {
		if math.IsNaN(mcf) {
			mcf = 0
		}
		mcf = math.Mod(math.Abs(mcf), 1)
		lo, hi := min(h1, h2), max(h1, h2)
		st := &ColumnStats{MCV: []types.Datum{h1}, MCF: []float64{mcf}, Hist: []types.Datum{"", lo, hi, "\xff"}, NDistinct: -1, Rows: 10}
		col := &ColumnRef{Idx: 0, T: types.Text}
		e := &Call{Fn: &Func{ID: FnLike}, Args: []Expr{col, &Const{Val: pat, T: types.Text}, &Const{Val: `\`, T: types.Text}}, T: types.Bool}
		if sel, ok := likePrefixSel(statsCat{st}, textTable{}, e); ok && (sel < 0 || sel > 1 || math.IsNaN(sel)) {
			t.Fatalf("%q: selectivity %v", pat, sel)
		}
	})
}
