package planner

import (
	"math"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

type statsTable struct{}

func (statsTable) OID() uint32       { return 1 }
func (statsTable) Name() string      { return "t" }
func (statsTable) Columns() []Column { return []Column{{Name: "k", Type: types.Int4}} }

type statsCat struct{ st *ColumnStats }

func (c statsCat) LookupTable(schema, name string) (Table, error) { return statsTable{}, nil }
func (c statsCat) ColumnStats(t Table, col int) *ColumnStats      { return c.st }

// TestStatsSel: selectivities from common values and the histogram, as
// PostgreSQL's eqsel and scalarineqsel reason.
func TestStatsSel(t *testing.T) {
	ints := func(vs ...int64) []types.Datum {
		out := make([]types.Datum, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out
	}
	st := &ColumnStats{NullFrac: 0.1, NDistinct: 12, MCV: ints(1, 2), MCF: []float64{0.4, 0.1},
		Hist: ints(10, 20, 30, 40, 50), Rows: 1000}
	col := &ColumnRef{Idx: 0, T: types.Int4}
	k := func(v any) *Const { return &Const{Val: v, T: types.Int4} }
	call := func(id FuncID, a, b Expr) *Call { return &Call{Fn: &Func{ID: id}, Args: []Expr{a, b}, T: types.Bool} }
	for _, c := range []struct {
		name string
		e    Expr
		want float64
	}{
		{"common value", call(FnEq, col, k(int64(1))), 0.4},
		{"common value, swapped", call(FnEq, k(int64(2)), col), 0.1},
		{"other value: an even share of the rest", call(FnEq, col, k(int64(7))), 0.4 / 10},
		{"null constant", call(FnEq, col, k(nil)), 0},
		{"below everything", call(FnLt, col, k(int64(0))), 0},
		{"mid histogram plus common values below", call(FnLt, col, k(int64(25))), 0.5 + 0.4*(1.5/4)},
		{"above, swapped", call(FnLt, k(int64(25)), col), 0.4 * (1 - 1.5/4)},
		{"above everything", call(FnGt, col, k(int64(99))), 0},
	} {
		got, ok := statsSel(statsCat{st}, statsTable{}, c.e)
		if !ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: got %v (ok %v), want %v", c.name, got, ok, c.want)
		}
	}
	if _, ok := statsSel(statsCat{nil}, statsTable{}, call(FnEq, col, k(int64(1)))); ok {
		t.Error("no statistics: want the default selectivity")
	}
}
