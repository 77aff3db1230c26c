package eval

import (
	"bytes"
	"math"
	"math/big"
	"math/bits"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Aggregation over batches. For each input batch, aggKernels
//
//  1. evaluates the grouping expressions of every row,
//  2. evaluates each aggregate's FILTER and arguments for the whole batch
//     with expression kernels (batch_expr.go) into typed vectors,
//  3. finds (or makes, or spills) each row's group, and
//  4. accumulates each aggregate in a tight loop over its vectors: count,
//     and sum and avg of integers, floats and numerics (numerics as a
//     128-bit integer at a fixed scale, converted to apd once, when the
//     result is asked for: decAcc); any other aggregate steps its state
//     row by row (stepAgg) with the vectors' values.
//
// Steps 1 and 2 cannot fail: when a kernel gives up (an error, an
// overflow, a value without a typed form), nothing has happened yet and
// the batch is aggregated row by row instead (aggIter.consumeRow), which
// reports what PostgreSQL would, for the row it would. Rows are
// accumulated in input order per group, which keeps float sums (naive
// summation, order dependent) identical to the row evaluator's.

// aggMode is how an aggregate is accumulated from vectors.
type aggMode uint8

const (
	amGeneric   aggMode = iota // stepAgg per row
	amCountStar                // count(*)
	amCount                    // count(x)
	amIntSum                   // sum/avg of int2/int4: int8 running sum
	amDecSum                   // sum/avg of int8/numeric: decAcc
	amFloatSum                 // sum/avg of float4/float8
)

// aggKernel is one aggregate compiled for batches.
type aggKernel struct {
	a      *planner.AggCall
	mode   aggMode
	filter vexpr
	args   []vexpr
	fv     vector
	vecs   []vector
	act    []bool
	datums []types.Datum
}

// aggKernels is an aggregation compiled for batches.
type aggKernels struct {
	aggs []aggKernel
	// gcols are the grouping columns when every grouping expression is a
	// column (the common case: no evaluation needed).
	gcols []int
	keys  []types.Datum // the batch's grouping values, row-major
	gs    []*group      // each row's group, nil when spilled
	// datumCols caches datumColumns (colvec.go).
	datumCols []int
}

// aggKernelsOn switches the kernels on; tests and benchmarks compare
// with the row evaluator by turning it off, and a server binary built
// with -ldflags '-X github.com/neuroquantumdb/nqdb/executor/eval.aggKernelsOff=1'
// runs without them (A/B measurements).
var aggKernelsOn = aggKernelsOff == ""

var aggKernelsOff string

// compileAggKernels returns it's aggregation for batches, nil when it
// must run row by row (aggregates with ORDER BY; volatile expressions).
func (it *aggIter) compileAggKernels() *aggKernels {
	if !aggKernelsOn {
		return nil
	}
	k := &aggKernels{}
	for _, e := range it.n.GroupBy {
		if !pureExpr(e) {
			return nil
		}
		if col, ok := e.(*planner.ColumnRef); ok {
			k.gcols = append(k.gcols, col.Idx)
		}
	}
	if len(k.gcols) != len(it.n.GroupBy) {
		k.gcols = nil
	}
	for i := range it.n.Aggs {
		a := &it.n.Aggs[i]
		if len(a.Order) > 0 {
			return nil
		}
		ak := aggKernel{a: a, mode: aggModeOf(a)}
		if a.Filter != nil {
			if ak.filter = it.c.compileVec(a.Filter); ak.filter == nil {
				return nil
			}
		}
		if a.Kind != planner.AggCountStar {
			for _, e := range a.Args {
				var v vexpr
				if col, ok := e.(*planner.ColumnRef); ok && ak.mode == amGeneric {
					// stepAgg takes datums: a column's as they are.
					v = &vColumn{idx: col.Idx, k: vDatum}
				} else if v = it.c.compileVec(e); v == nil {
					return nil
				}
				ak.args = append(ak.args, v)
			}
		}
		ak.vecs = make([]vector, len(ak.args))
		k.aggs = append(k.aggs, ak)
	}
	return k
}

// aggModeOf picks a's accumulation.
func aggModeOf(a *planner.AggCall) aggMode {
	if a.Distinct {
		return amGeneric
	}
	switch a.Kind {
	case planner.AggCountStar:
		return amCountStar
	case planner.AggCount:
		return amCount
	case planner.AggSum, planner.AggAvg:
		switch a.Args[0].Type().OID {
		case types.OidInt2, types.OidInt4:
			return amIntSum
		case types.OidInt8, types.OidNumeric:
			return amDecSum
		case types.OidFloat4, types.OidFloat8:
			return amFloatSum
		}
	}
	return amGeneric
}

// run aggregates one batch; done is false when it must be aggregated row
// by row instead (nothing has been changed then).
func (k *aggKernels) run(it *aggIter, st *consumeState, b *batch) (done bool, err error) {
	c := it.c
	if b.cols != nil && k.gcols == nil && len(it.n.GroupBy) > 0 {
		// Grouping expressions are evaluated on rows.
		if err := b.materialize(); err != nil {
			return false, nil
		}
	}
	rows := b.rows
	n, ng := len(rows), len(it.n.GroupBy)
	// 1. Grouping values.
	k.keys = grownTo(k.keys, n*ng)
	if k.gcols != nil {
		for j, col := range k.gcols {
			for i := range rows {
				v, err := b.datum(col, i)
				if err != nil {
					return false, nil
				}
				k.keys[i*ng+j] = v
			}
		}
	} else if ng > 0 {
		saved := c.row
		for i, row := range rows {
			c.row = row
			for j, e := range it.n.GroupBy {
				v, err := c.eval(e)
				if err != nil {
					c.row = saved
					return false, nil
				}
				k.keys[i*ng+j] = v
			}
		}
		c.row = saved
	}
	// 2. Filters and arguments.
	for a := range k.aggs {
		ak := &k.aggs[a]
		var act []bool
		if ak.filter != nil {
			if !ak.filter.eval(c, b, nil, &ak.fv) {
				return false, nil
			}
			ak.act = grownTo(ak.act, n)
			for i := range ak.act {
				ak.act[i] = !ak.fv.null[i] && ak.fv.b[i]
			}
			act = ak.act
		}
		for j, e := range ak.args {
			if !e.eval(c, b, act, &ak.vecs[j]) {
				return false, nil
			}
		}
	}
	// 3. Groups.
	k.gs = grownTo(k.gs, n)
	var prev *group
	var prevKey []byte
	for i := range rows {
		key := k.keys[i*ng : (i+1)*ng]
		st.keybuf = rowKey(st.keybuf[:0], st.gtypes, key)
		if prev != nil && bytes.Equal(st.keybuf, prevKey) {
			k.gs[i] = prev
			continue
		}
		g := st.index[string(st.keybuf)]
		if g == nil && ng > 0 {
			if err := b.materialize(); err != nil {
				return true, err
			}
			spilled, err := it.spillRow(b.rows[i], st.keybuf, key)
			if err != nil {
				return true, err
			}
			if spilled {
				k.gs[i] = nil
				prev = nil
				continue
			}
		}
		if g == nil {
			g = &group{key: append([]types.Datum(nil), key...), states: make([]aggState, len(it.n.Aggs))}
			st.index[string(st.keybuf)] = g
			it.groups = append(it.groups, g)
		}
		k.gs[i] = g
		prev, prevKey = g, append(prevKey[:0], st.keybuf...)
	}
	clear(k.keys)
	// 4. Accumulation.
	for a := range k.aggs {
		if err := k.aggs[a].accumulate(c, a, k.gs); err != nil {
			return true, err
		}
	}
	return true, nil
}

// accumulate adds the batch's rows to their groups' states of aggregate a.
func (ak *aggKernel) accumulate(c *evalCtx, a int, gs []*group) error {
	var act []bool
	if ak.filter != nil {
		act = ak.act
	}
	switch ak.mode {
	case amCountStar:
		for i, g := range gs {
			if g != nil && (act == nil || act[i]) {
				g.states[a].count++
			}
		}
		return nil
	case amCount:
		v := &ak.vecs[0]
		for i, g := range gs {
			if g != nil && !v.null[i] {
				s := &g.states[a]
				s.count++
				s.any = true
			}
		}
		return nil
	case amIntSum:
		v := &ak.vecs[0]
		for i, g := range gs {
			if g == nil || v.null[i] {
				continue
			}
			s := &g.states[a]
			x := v.i64[i]
			r := s.isum + x
			if (s.isum >= 0) == (x >= 0) && (r >= 0) != (x >= 0) {
				return cp(errInt8Range)
			}
			s.isum = r
			s.count++
			s.any = true
		}
		return nil
	case amFloatSum:
		v := &ak.vecs[0]
		for i, g := range gs {
			if g == nil || v.null[i] {
				continue
			}
			s := &g.states[a]
			s.fsum += v.f64[i]
			s.count++
			s.any = true
		}
		return nil
	case amDecSum:
		v := &ak.vecs[0]
		for i, g := range gs {
			if g == nil || v.null[i] {
				continue
			}
			s := &g.states[a]
			s.count++
			s.any = true
			if !s.dacc.add(v.i64[i], v.scale, v.rowScale(i)) {
				// Past 128 bits: the running sum moves to apd.
				if err := s.flushDec(); err != nil {
					return err
				}
				s.dacc.add(v.i64[i], v.scale, v.rowScale(i))
			}
		}
		return nil
	}
	// Any other aggregate: its state steps row by row.
	ak.datums = grownTo(ak.datums, len(ak.vecs))
	for i, g := range gs {
		if g == nil || act != nil && !act[i] {
			continue
		}
		for j := range ak.vecs {
			ak.datums[j] = ak.vecs[j].datum(i)
		}
		if err := stepAgg(ak.a, &g.states[a], ak.datums, c.opts); err != nil {
			return err
		}
	}
	return nil
}

// decAcc is a running numeric sum as a 128-bit two's complement integer
// hi:lo at a fixed scale: the sum is hi:lo / 10^scale. disp is the
// largest display scale added, which is the sum's (PostgreSQL's
// add_var: the larger of the operands'). on is false until a value is
// added.
type decAcc struct {
	hi    int64
	lo    uint64
	scale int32
	disp  int32
	on    bool
}

// add adds c / 10^scale of display scale disp, false (the sum
// unchanged) when it does not fit in 128 bits at a common scale.
func (a *decAcc) add(c int64, scale, disp int32) bool {
	if !a.on {
		a.hi, a.lo, a.scale, a.disp, a.on = c>>63, uint64(c), scale, disp, true
		return true
	}
	vhi, vlo := c>>63, uint64(c)
	if scale != a.scale {
		if scale > a.scale {
			h, l, ok := mul128(a.hi, a.lo, scale-a.scale)
			if !ok {
				return false
			}
			a.hi, a.lo, a.scale = h, l, scale
		} else {
			h, l, ok := mul128(vhi, vlo, a.scale-scale)
			if !ok {
				return false
			}
			vhi, vlo = h, l
		}
	}
	lo, carry := bits.Add64(a.lo, vlo, 0)
	hi := a.hi + vhi + int64(carry)
	// Signed overflow: both operands of one sign, the result of the other.
	if (a.hi >= 0) == (vhi >= 0) && (hi >= 0) != (a.hi >= 0) {
		return false
	}
	a.hi, a.lo = hi, lo
	a.disp = max(a.disp, disp)
	return true
}

// merge adds b's sum to a's (for partial aggregation), false when it does
// not fit (neither is changed then).
func (a *decAcc) merge(b *decAcc) bool {
	if !b.on {
		return true
	}
	if !a.on {
		*a = *b
		return true
	}
	// b's value as a 64-bit coefficient when it is one; else the caller
	// adds the two through apd.
	return b.hi == int64(b.lo)>>63 && a.add(int64(b.lo), b.scale, b.disp)
}

// mul128 is hi:lo * 10^k, false on overflow.
func mul128(hi int64, lo uint64, k int32) (int64, uint64, bool) {
	neg := hi < 0
	uh, ul := uint64(hi), lo
	if neg {
		uh, ul = neg128(uh, ul)
	}
	for k > 0 {
		step := min(k, 18)
		k -= step
		m := uint64(pow10[step])
		ph, pl := bits.Mul64(ul, m)
		hh, hl := bits.Mul64(uh, m)
		if hh != 0 {
			return 0, 0, false
		}
		nh, carry := bits.Add64(hl, ph, 0)
		if carry != 0 || nh > math.MaxInt64 {
			return 0, 0, false
		}
		uh, ul = nh, pl
	}
	if neg {
		uh, ul = neg128(uh, ul)
	}
	return int64(uh), ul, true
}

// neg128 is the two's complement negation of hi:lo.
func neg128(hi, lo uint64) (uint64, uint64) {
	lo = ^lo + 1
	hi = ^hi
	if lo == 0 {
		hi++
	}
	return hi, lo
}

// decimal is the sum as an apd numeric with its display scale.
func (a *decAcc) decimal() *apd.Decimal {
	neg := a.hi < 0
	uh, ul := uint64(a.hi), a.lo
	if neg {
		uh, ul = neg128(uh, ul)
	}
	// The digits below the display scale are zeros: drop them.
	for k := a.scale - a.disp; k > 0; {
		step := min(k, 18)
		k -= step
		m := uint64(pow10[step])
		q := uh / m
		r := uh % m
		ql, _ := bits.Div64(r, ul, m)
		uh, ul = q, ql
	}
	d := new(apd.Decimal)
	if uh == 0 && ul <= math.MaxInt64 {
		d.SetFinite(int64(ul), -a.disp)
	} else {
		b := new(big.Int).SetUint64(uh)
		b.Lsh(b, 64)
		b.Or(b, new(big.Int).SetUint64(ul))
		d.Coeff.SetMathBigInt(b)
		d.Exponent = -a.disp
	}
	d.Negative = neg && !d.IsZero()
	return d
}

// flushDec moves a fast numeric running sum into nsum.
func (s *aggState) flushDec() error {
	if !s.dacc.on {
		return nil
	}
	d := s.dacc.decimal()
	s.dacc = decAcc{}
	if s.nsum == nil {
		s.nsum = d
		return nil
	}
	if fastAddInto(s.nsum, s.nsum, d, false) {
		return nil
	}
	r, err := numAdd(s.nsum, d, false)
	if err != nil {
		return err
	}
	s.nsum = r.(*apd.Decimal)
	return nil
}

// consumeState is what aggregating row by row keeps between rows.
type consumeState struct {
	index   map[string]*group
	gtypes  []*types.T
	keybuf  []byte
	scratch []types.Datum
	args    []types.Datum
}
