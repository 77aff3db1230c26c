package eval

import (
	"context"
	"math"
	"math/big"
	"math/rand"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The expression kernels are checked against the row evaluator: on
// random batches, every expression a generator builds is evaluated both
// ways, and where the kernel succeeds each active row's value (its text,
// which shows a numeric's display scale) must be the row evaluator's,
// which must not have failed. A kernel may always give up.

// vecCols are the generated batches' column types.
var vecCols = []*types.T{types.Int4, types.Int8, types.Numeric, types.Numeric, types.Float8, types.Bool, types.Text}

// vecGen draws values and expressions from a byte string (the fuzzer's
// input) followed by a seeded random source.
type vecGen struct {
	data []byte
	r    *rand.Rand
}

func (g *vecGen) intn(n int) int {
	if len(g.data) > 0 {
		b := g.data[0]
		g.data = g.data[1:]
		return int(b) % n
	}
	return g.r.Intn(n)
}

func (g *vecGen) value(col int) types.Datum {
	if g.intn(8) == 0 {
		return nil
	}
	small := []int64{0, 1, -1, 2, 7, 100, -250, 12345, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64}
	v := small[g.intn(len(small))]
	if g.intn(2) == 0 {
		v = int64(g.intn(2000)) - 1000
	}
	switch col {
	case 0:
		return int64(int32(v))
	case 1:
		return v
	case 2: // no typmod: any scale, now and then huge or NaN
		switch g.intn(12) {
		case 0:
			return &apd.Decimal{Form: apd.NaN}
		case 1:
			d, _, _ := apd.NewFromString("123456789012345678901234567890.5")
			return d
		}
		return apd.New(v, int32(g.intn(9)-6))
	case 3: // numeric(15,2)
		return apd.New(v%100000000, -2)
	case 4:
		fs := []float64{0, -0.0, 1.5, -2.25, 1e300, math.Inf(1), math.NaN(), 3}
		return fs[g.intn(len(fs))]
	case 5:
		return g.intn(2) == 0
	}
	return []string{"", "a", "PROMO1", "STD", "b"}[g.intn(5)]
}

var (
	fnOf = func(id planner.FuncID, ret *types.T) *planner.Func {
		return &planner.Func{ID: id, Strict: true, Ret: ret}
	}
	arithOps = []planner.FuncID{planner.FnAdd, planner.FnSub, planner.FnMul, planner.FnDiv}
)

// num builds an expression of type t (int4, int8, numeric or float8).
func (g *vecGen) num(t *types.T, depth int) planner.Expr {
	cols := map[*types.T][]int{types.Int4: {0}, types.Int8: {1}, types.Numeric: {2, 3}, types.Float8: {4}}[t]
	k := g.intn(7)
	if depth <= 0 {
		k %= 2
	}
	switch k {
	case 0:
		return &planner.ColumnRef{Idx: cols[g.intn(len(cols))], T: t}
	case 1:
		v := g.value(cols[g.intn(len(cols))])
		return &planner.Const{Val: v, T: t}
	case 2, 3:
		op := arithOps[g.intn(len(arithOps))]
		return &planner.Call{Fn: fnOf(op, t), Args: []planner.Expr{g.num(t, depth-1), g.num(t, depth-1)}, T: t}
	case 4:
		return &planner.Case{Whens: []planner.When{{Cond: g.cond(depth - 1), Result: g.num(t, depth-1)}},
			Else: g.num(t, depth-1), T: t}
	case 5:
		if t != types.Int4 {
			from := []*types.T{types.Int4, types.Int8}[g.intn(2)]
			return &planner.Cast{X: g.num(from, depth-1), To: t, Typmod: -1}
		}
	}
	return &planner.ColumnRef{Idx: cols[0], T: t}
}

// cond builds a boolean expression.
func (g *vecGen) cond(depth int) planner.Expr {
	k := g.intn(5)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 1, 2:
		t := []*types.T{types.Int4, types.Int8, types.Numeric, types.Float8}[g.intn(4)]
		return &planner.Call{Fn: fnOf(kernelOps[g.intn(len(kernelOps))], types.Bool),
			Args: []planner.Expr{g.num(t, depth-1), g.num(t, depth-1)}, T: types.Bool}
	case 3:
		op := []planner.BoolOp{planner.And, planner.Or, planner.Not}[g.intn(3)]
		b := &planner.BoolExpr{Op: op, Args: []planner.Expr{g.cond(depth - 1)}}
		if op != planner.Not {
			b.Args = append(b.Args, g.cond(depth-1))
		}
		return b
	case 4:
		return &planner.Call{Fn: fnOf(planner.FnEq, types.Bool),
			Args: []planner.Expr{&planner.ColumnRef{Idx: 6, T: types.Text}, &planner.Const{Val: "STD", T: types.Text}}, T: types.Bool}
	}
	return &planner.ColumnRef{Idx: 5, T: types.Bool}
}

// checkVec evaluates e over rows both ways; it reports whether the
// kernel succeeded.
func checkVec(t *testing.T, c *evalCtx, e planner.Expr, rows [][]types.Datum, act []bool) bool {
	t.Helper()
	k := c.compileVec(e)
	if k == nil {
		t.Fatalf("no kernel for a pure expression")
	}
	var out vector
	if !k.eval(c, &batch{rows: rows}, act, &out) {
		return false
	}
	for i, row := range rows {
		if act != nil && !act[i] {
			if !out.null[i] {
				t.Fatalf("row %d: inactive but not NULL", i)
			}
			continue
		}
		c.row = row
		want, err := c.eval(e)
		if err != nil {
			t.Fatalf("row %d %v: kernel succeeded, row evaluator failed: %v", i, row, err)
		}
		got := out.datum(i)
		ws, gs := vecText(e.Type(), want), vecText(e.Type(), got)
		if ws != gs {
			t.Fatalf("row %d %v: kernel %s, row evaluator %s", i, row, gs, ws)
		}
	}
	return true
}

func vecText(t *types.T, v types.Datum) string {
	if v == nil {
		return "NULL"
	}
	return string(types.AppendText(nil, t, v, nil))
}

// runVecCase builds a batch and a few expressions from data and checks
// them; it returns how many evaluations the kernels did.
func runVecCase(t *testing.T, data []byte, seed int64) (ok int) {
	g := &vecGen{data: data, r: rand.New(rand.NewSource(seed))}
	c := &evalCtx{ctx: context.Background()}
	n := 1 + g.intn(40)
	rows := make([][]types.Datum, n)
	act := make([]bool, n)
	for i := range rows {
		rows[i] = make([]types.Datum, len(vecCols))
		for j := range vecCols {
			rows[i][j] = g.value(j)
		}
		act[i] = g.intn(4) != 0
	}
	for k := 0; k < 4; k++ {
		var e planner.Expr
		switch g.intn(5) {
		case 0:
			e = g.cond(3)
		default:
			e = g.num([]*types.T{types.Int4, types.Int8, types.Numeric, types.Float8}[g.intn(4)], 3)
		}
		for _, a := range [][]bool{nil, act} {
			if checkVec(t, c, e, rows, a) {
				ok++
			}
		}
	}
	return ok
}

func TestVecKernelsRandom(t *testing.T) {
	ok := 0
	const seeds = 1500
	for seed := int64(0); seed < seeds; seed++ {
		ok += runVecCase(t, nil, seed)
	}
	// The generator's values overflow now and then; most batches must
	// still be the kernels' for the comparison to mean anything.
	if ok < seeds*8/4 {
		t.Fatalf("kernels succeeded in only %d of %d evaluations", ok, seeds*8)
	}
	t.Logf("kernels succeeded in %d of %d evaluations", ok, seeds*8)
}

// FuzzVecKernels compares expression kernels with the row evaluator on
// batches and expressions drawn from the input.
func FuzzVecKernels(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 2, 2, 2, 2, 1, 0, 4})
	f.Add([]byte{10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		runVecCase(t, data, int64(len(data)))
	})
}

// TestDecAcc checks the 128-bit running sum against apd: sums that pass
// 64 bits, scales that change between values, and display scales.
func TestDecAcc(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for round := 0; round < 500; round++ {
		var a decAcc
		want := new(apd.Decimal)
		var disp int32
		for i := 0; i < 1+r.Intn(60); i++ {
			c := r.Int63() >> uint(r.Intn(64))
			if r.Intn(2) == 0 {
				c = -c
			}
			ds := int32(r.Intn(6))
			scale := ds + int32(r.Intn(3))
			cs, ok := scale10(c, scale-ds)
			if !ok {
				continue
			}
			if !a.add(cs, scale, ds) {
				continue // too big for 128 bits: the caller moves to apd
			}
			disp = max(disp, ds)
			numCtx.Add(want, want, apd.New(c, -ds))
		}
		if !a.on {
			continue
		}
		got := a.decimal()
		// The display scale is the largest added.
		w := new(apd.Decimal)
		numCtx.Quantize(w, want, -disp)
		if got.Cmp(w) != 0 || got.Exponent != w.Exponent || got.Text('f') != w.Text('f') {
			t.Fatalf("round %d: decAcc %s, apd %s", round, got.Text('f'), w.Text('f'))
		}
	}
}

func TestMul128(t *testing.T) {
	for _, c := range []struct {
		v int64
		k int32
	}{{1, 0}, {-1, 18}, {math.MaxInt64, 19}, {math.MinInt64, 19}, {12345, 30}, {-7, 36}, {3, 40}} {
		h, l, ok := mul128(c.v>>63, uint64(c.v), c.k)
		want := new(big.Int).Mul(big.NewInt(c.v), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.k)), nil))
		fits := want.BitLen() < 128
		if ok != fits {
			t.Fatalf("%d * 10^%d: ok %v, want %v", c.v, c.k, ok, fits)
		}
		if !ok {
			continue
		}
		got := new(big.Int).Lsh(big.NewInt(h), 64)
		got.Add(got, new(big.Int).SetUint64(l))
		if got.Cmp(want) != 0 {
			t.Fatalf("%d * 10^%d = %s, want %s", c.v, c.k, got, want)
		}
	}
}

// aggOf is an aggregate call over one argument.
func aggOf(kind planner.AggKind, arg planner.Expr, ret *types.T, filter planner.Expr) planner.AggCall {
	a := planner.AggCall{Kind: kind, Name: "agg", T: ret, Filter: filter}
	if arg != nil {
		a.Args = []planner.Expr{arg}
	}
	return a
}

// runAgg aggregates rows (grouped by column 5, the bool) with the
// kernels on or off and returns the result rows as text.
func runAgg(t *testing.T, aggs []planner.AggCall, rows [][]types.Datum, kernels bool) (string, error) {
	defer SetAggKernels(SetAggKernels(kernels))
	c := &evalCtx{ctx: context.Background()}
	n := &planner.Agg{GroupBy: []planner.Expr{&planner.ColumnRef{Idx: 5, T: types.Bool}}, Aggs: aggs}
	it := &aggIter{c: c, in: &workIter{rows: rows}, n: n}
	defer it.close()
	var out []byte
	for {
		row, err := it.next()
		if err != nil {
			if err.Error() == "EOF" {
				return string(out), nil
			}
			return "", err
		}
		for i, v := range row {
			var ty *types.T = types.Bool
			if i > 0 {
				ty = aggs[i-1].T
			}
			out = append(out, vecText(ty, v)...)
			out = append(out, '|')
		}
		out = append(out, '\n')
	}
}

// checkAggs compares aggregation with kernels and row by row over rows
// drawn from g, in batches of up to 2000 rows.
func checkAggs(t *testing.T, g *vecGen) bool {
	n := g.intn(2200)
	rows := make([][]types.Datum, n)
	for i := range rows {
		rows[i] = make([]types.Datum, len(vecCols))
		for j := range vecCols {
			rows[i][j] = g.value(j)
		}
	}
	var aggs []planner.AggCall
	for k := 0; k < 3; k++ {
		var filter planner.Expr
		if g.intn(3) == 0 {
			filter = g.cond(1)
		}
		t4, t8, tn, tf := types.Int4, types.Int8, types.Numeric, types.Float8
		switch g.intn(9) {
		case 0:
			aggs = append(aggs, aggOf(planner.AggCountStar, nil, t8, filter))
		case 1:
			aggs = append(aggs, aggOf(planner.AggCount, g.num(tn, 1), t8, filter))
		case 2:
			aggs = append(aggs, aggOf(planner.AggSum, g.num(t4, 2), t8, filter))
		case 3:
			aggs = append(aggs, aggOf(planner.AggSum, g.num(t8, 2), tn, filter))
		case 4:
			aggs = append(aggs, aggOf(planner.AggSum, g.num(tn, 2), tn, filter))
		case 5:
			aggs = append(aggs, aggOf(planner.AggAvg, g.num(tn, 2), tn, filter))
		case 6:
			aggs = append(aggs, aggOf(planner.AggAvg, g.num(t4, 2), tn, filter))
		case 7:
			aggs = append(aggs, aggOf(planner.AggSum, g.num(tf, 2), tf, filter))
		case 8:
			aggs = append(aggs, aggOf(planner.AggMax, g.num(tn, 2), tn, filter))
		}
	}
	want, werr := runAgg(t, aggs, rows, false)
	got, gerr := runAgg(t, aggs, rows, true)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("errors differ: kernels %v, rows %v", gerr, werr)
	}
	if got != want {
		t.Fatalf("kernels:\n%s\nrows:\n%s", got, want)
	}
	return werr == nil
}

func TestAggKernelsRandom(t *testing.T) {
	ok := 0
	for seed := int64(0); seed < 60; seed++ {
		if checkAggs(t, &vecGen{r: rand.New(rand.NewSource(seed))}) {
			ok++
		}
	}
	// Overflow errors are part of the test, but most runs must aggregate.
	if ok < 30 {
		t.Fatalf("only %d of 60 aggregations succeeded", ok)
	}
}

// FuzzAggKernels compares aggregation with kernels and row by row on
// rows and aggregates drawn from the input.
func FuzzAggKernels(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{200, 4, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAggs(t, &vecGen{data: data, r: rand.New(rand.NewSource(int64(len(data))))})
	})
}
