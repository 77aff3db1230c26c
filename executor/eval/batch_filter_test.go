package eval

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// kernelValues are the values each kernel type is tested with: edges,
// duplicates, NULL, and for floats NaN and infinities (which compare
// above everything, as PostgreSQL orders them).
var kernelValues = []struct {
	t    *types.T
	vals []types.Datum
}{
	{types.Int4, []types.Datum{nil, int64(-5), int64(0), int64(3), int64(3), int64(math.MaxInt32)}},
	{types.Int8, []types.Datum{nil, int64(math.MinInt64), int64(-1), int64(0), int64(7), int64(math.MaxInt64)}},
	{types.Date, []types.Datum{nil, types.DateVal(-1000), types.DateVal(0), types.DateVal(8766), types.DateVal(8767), types.DateVal(math.MaxInt32)}},
	{types.Float8, []types.Datum{nil, math.Inf(-1), -0.0, 0.0, 1.5, math.NaN(), math.Inf(1)}},
	{types.Numeric, []types.Datum{nil, apd.New(-5, 0), apd.New(0, 0), apd.New(500, -2), apd.New(5, 0), apd.New(51, -1), &apd.Decimal{Form: apd.NaN}}},
	{types.Text, []types.Datum{nil, "", "a", "ab", "b", "TRUCK", "TRUCK "}},
	{types.Bpchar, []types.Datum{nil, "", "a", "a  ", "b", "R"}},
}

var kernelOps = []planner.FuncID{planner.FnEq, planner.FnNe, planner.FnLt, planner.FnLe, planner.FnGt, planner.FnGe}

// checkKernels compares each kernel shape (column op const, const op
// column, column IN list) over rows with eval of the same expression,
// row by row: the kernel must keep exactly the rows eval finds true.
func checkKernels(t *testing.T, ty *types.T, vals []types.Datum) {
	c := &evalCtx{ctx: context.Background()}
	col := &planner.ColumnRef{Idx: 1, T: ty}
	var rows [][]types.Datum
	for i, v := range vals {
		rows = append(rows, []types.Datum{int64(i), v})
	}
	var conds []planner.Expr
	for _, k := range vals {
		kc := &planner.Const{Val: k, T: ty}
		for _, op := range kernelOps {
			fn := &planner.Func{ID: op, Strict: true, Ret: types.Bool}
			conds = append(conds,
				&planner.Call{Fn: fn, Args: []planner.Expr{col, kc}, T: types.Bool},
				&planner.Call{Fn: fn, Args: []planner.Expr{kc, col}, T: types.Bool})
		}
	}
	eq := &planner.Func{ID: planner.FnEq, Strict: true, Ret: types.Bool}
	for i := 0; i+2 <= len(vals); i++ {
		arr := &types.Array{Elem: ty, Elems: []any{vals[i], vals[i+1]}}
		conds = append(conds, &planner.ScalarArrayOp{Any: true, R: &planner.Const{Val: arr, T: ty},
			Op: &planner.Call{Fn: eq, Args: []planner.Expr{col, &planner.ArrayElem{T: ty}}, T: types.Bool}})
	}
	for _, cond := range conds {
		p := c.compilePred(cond)
		if len(p.kernels) != 1 {
			t.Fatalf("%s: no kernel", fmt.Sprintf("%#v", cond))
		}
		in := append([][]types.Datum(nil), rows...)
		sel := make([]int32, len(in))
		for i := range sel {
			sel[i] = int32(i)
		}
		n, err := c.selectRows(p, in, sel)
		if err != nil {
			t.Fatal(err)
		}
		var want []int32
		for i, row := range rows {
			c.row = row
			v, err := c.eval(cond)
			if err != nil {
				t.Fatal(err)
			}
			if v == true {
				want = append(want, int32(i))
			}
		}
		if len(want) != n {
			t.Fatalf("%s over %s %v: kernel keeps %v, eval %v", fmt.Sprintf("%#v", cond), ty.Name, vals, sel[:n], want)
		}
		for i := range want {
			if sel[i] != want[i] || in[i][0].(int64) != int64(want[i]) {
				t.Fatalf("%s over %s %v: kernel keeps %v, eval %v", fmt.Sprintf("%#v", cond), ty.Name, vals, sel[:n], want)
			}
		}
	}
}

func TestBatchKernels(t *testing.T) {
	for _, kv := range kernelValues {
		checkKernels(t, kv.t, kv.vals)
	}
}

// FuzzBatchKernels checks the kernels against eval on integer, float and
// date values from the fuzzer.
func FuzzBatchKernels(f *testing.F) {
	f.Add(int64(1), int64(2), int64(3), 0.5, -1.5)
	f.Add(int64(math.MinInt64), int64(0), int64(math.MaxInt64), math.Inf(1), math.NaN())
	f.Fuzz(func(t *testing.T, a, b, c int64, x, y float64) {
		checkKernels(t, types.Int8, []types.Datum{a, b, c, nil, a})
		checkKernels(t, types.Date, []types.Datum{types.DateVal(int32(a)), types.DateVal(int32(b)), nil, types.DateVal(int32(c))})
		checkKernels(t, types.Float8, []types.Datum{x, y, nil, float64(a), x})
		checkKernels(t, types.Numeric, []types.Datum{apd.New(a%1000000, -2), apd.New(b%1000, 0), nil, apd.New(c, int32(a%5))})
	})
}
