package eval

import (
	"fmt"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// TestVecKernel checks every comparison of the vector filter kernels
// against the datum kernels (holdsSlow, i.e. types.Compare) on values of
// each vectorized type, NULLs, NaNs and numerics of mixed scales included.
func TestVecKernel(t *testing.T) {
	num := func(s string) types.Datum {
		d, err := types.ParseText(types.Numeric, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		t    *types.T
		vals []types.Datum
	}{
		{types.Int4, []types.Datum{int64(-5), int64(0), int64(7), int64(math.MaxInt32), nil}},
		{types.Int8, []types.Datum{int64(math.MinInt64), int64(3), int64(math.MaxInt64), nil}},
		{types.Float8, []types.Datum{-1.5, 0.0, math.NaN(), math.Inf(1), math.Inf(-1), 2.25, nil}},
		{types.Date, []types.Datum{types.DateVal(-3), types.DateVal(9000), types.DateVal(9001), nil}},
		{types.Numeric, []types.Datum{num("0.05"), num("0.050"), num("0.07"), num("-3"), num("NaN"), num("1E+4"),
			num("123456789012345678901234.5"), num("9223372036854775807"), num("0.000000000000000000001"), nil}},
		{types.Text, []types.Datum{"", "a", "ab", "b", "ab ", nil}},
		{types.Bpchar, []types.Datum{"", "a", "ab", "ab  ", "b", nil}},
	}
	ops := []planner.FuncID{planner.FnEq, planner.FnNe, planner.FnLt, planner.FnLe, planner.FnGt, planner.FnGe}
	for _, tc := range cases {
		cols := []*types.T{types.Int4, tc.t}
		var raw []byte
		var ends []int32
		for _, v := range tc.vals {
			var err error
			if raw, err = rowcodec.EncodeRow(raw, cols, []types.Datum{int64(1), v}); err != nil {
				t.Fatal(err)
			}
			ends = append(ends, int32(len(raw)))
		}
		for _, k := range tc.vals {
			if k == nil {
				continue
			}
			for _, op := range ops {
				for _, left := range []bool{false, true} {
					pk := predKernel{col: 1, op: op, t: tc.t, k: k, constLeft: left}
					checkVecKernel(t, cols, raw, ends, tc.vals, pk, fmt.Sprintf("%s op %d const %v left %v", tc.t.SQLName, op, k, left))
				}
			}
		}
		var in []types.Datum
		for _, v := range tc.vals[:2] {
			in = append(in, v)
		}
		pk := predKernel{col: 1, op: planner.FnEq, t: tc.t, isIn: true, in: in}
		checkVecKernel(t, cols, raw, ends, tc.vals, pk, tc.t.SQLName+" IN")
	}
}

func checkVecKernel(t *testing.T, cols []*types.T, raw []byte, ends []int32, vals []types.Datum, pk predKernel, what string) {
	t.Helper()
	vk, ok := vecKernelOf(&pk, cols)
	if !ok {
		if pk.t.OID == types.OidNumeric && !pk.isIn {
			if _, _, fits := decOf(pk.k.(*apd.Decimal)); fits {
				t.Fatalf("%s: no vector kernel", what)
			}
		}
		return
	}
	cd := rowcodec.NewColumnDecoder(cols, []rowcodec.ColumnSpec{{Col: 1, Kind: vk.kind}})
	if err := cd.Decode(raw, ends, nil, nil); err != nil {
		t.Fatal(err)
	}
	sel := make([]int32, len(vals))
	for i := range sel {
		sel[i] = int32(i)
	}
	got := vk.apply(cd.Vector(0), sel)
	var want []int32
	for i, v := range vals {
		if v == nil {
			continue
		}
		pass := false
		if pk.isIn {
			for _, el := range pk.in {
				pass = pass || compare(pk.t, v, el) == 0
			}
		} else {
			pass = pk.holdsSlow(v)
		}
		if pass {
			want = append(want, int32(i))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: rows %v, want %v", what, got, want)
	}
}
