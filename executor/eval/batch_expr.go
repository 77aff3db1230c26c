package eval

import (
	"math"
	"math/bits"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Expression kernels: an expression compiled to compute its value for
// every row of a batch at once into a typed vector (vector.go), so that
// an aggregate's argument such as l_extendedprice * (1 - l_discount) is
// a few loops over int64 slices per batch instead of a tree walk, three
// interface dispatches and three allocations per row.
//
// Kernels never fail with an error: whatever the row evaluator would
// report (an overflow, a division by zero, a value without a typed form,
// an error of a row-evaluated part) makes eval return false, and the
// caller evaluates the batch row by row, which raises the error at the
// row and in the order PostgreSQL does. Shapes without a kernel are
// evaluated row by row inside the kernel tree (vRow) when they are pure;
// an expression with a volatile part has no kernel at all, since the
// kernels evaluate one expression over all rows before the next, unlike
// the row evaluator.
//
// Each eval computes only the rows with act[i] (all when act is nil) and
// leaves the others NULL: CASE evaluates an arm only for the rows that
// reach it, AND and OR their later arguments only for the rows the
// earlier ones did not decide, as the row evaluator does.

// vexpr is an expression compiled for batches.
type vexpr interface {
	// eval sets out to the value for each active row, false when the
	// batch must be evaluated row by row instead.
	eval(c *evalCtx, in *batch, act []bool, out *vector) bool
}

// compileVec compiles e, nil when it has no kernel (not pure).
func (c *evalCtx) compileVec(e planner.Expr) vexpr {
	if !pureExpr(e) {
		return nil
	}
	return c.compileVecPure(e)
}

func (c *evalCtx) compileVecPure(e planner.Expr) vexpr {
	k := kindOfType(e.Type())
	switch x := e.(type) {
	case *planner.ColumnRef:
		return &vColumn{idx: x.Idx, k: k}
	case *planner.Const, *planner.Param:
		v, _ := c.constValue(e)
		if vc := newVConst(v, k); vc != nil {
			return vc
		}
	case *planner.Call:
		if len(x.Args) == 2 && x.Fn.Strict && impls[x.Fn.ID] != nil {
			lk, rk := kindOfType(x.Args[0].Type()), kindOfType(x.Args[1].Type())
			switch {
			case isArith(x.Fn.ID) && lk == k && rk == k && (k == vInt || k == vFloat || k == vDec && x.Fn.ID != planner.FnDiv):
				return &vArith{op: x.Fn.ID, t: x.T, k: k, l: c.compileVecPure(x.Args[0]), r: c.compileVecPure(x.Args[1])}
			case isCmp(x.Fn.ID) && lk == rk && k == vBool:
				return &vCmp{op: x.Fn.ID, t: x.Args[0].Type(), k: lk, l: c.compileVecPure(x.Args[0]), r: c.compileVecPure(x.Args[1])}
			}
		}
	case *planner.Cast:
		from := kindOfType(x.X.Type())
		if x.Typmod < 0 && from == vInt && (k == vDec || k == vFloat && x.To.OID == types.OidFloat8 ||
			k == vInt && x.To.OID == types.OidInt8) {
			return &vCast{x: c.compileVecPure(x.X), k: k}
		}
	case *planner.BoolExpr:
		b := &vBoolOp{op: x.Op}
		for _, a := range x.Args {
			b.args = append(b.args, c.compileVecPure(a))
		}
		b.vals = make([]vector, len(b.args))
		return b
	case *planner.Case:
		if k == vDatum {
			break // no typed arms: the row evaluator is as good
		}
		cs := &vCase{k: k, els: c.compileVecPure(x.Else)}
		for _, w := range x.Whens {
			if kindOfType(w.Result.Type()) != k {
				return &vRow{e: e, k: k}
			}
			cs.conds = append(cs.conds, c.compileVecPure(w.Cond))
			cs.arms = append(cs.arms, c.compileVecPure(w.Result))
		}
		if kindOfType(x.Else.Type()) != k {
			return &vRow{e: e, k: k}
		}
		cs.condv = make([]vector, len(cs.conds))
		cs.armv = make([]vector, len(cs.arms)+1)
		return cs
	}
	return &vRow{e: e, k: k}
}

// pureExpr reports whether evaluating e has no side effects and gives
// the same result whenever it is evaluated during one run, so that
// kernels may evaluate it in another order than the row evaluator.
func pureExpr(e planner.Expr) bool {
	switch x := e.(type) {
	case *planner.Const, *planner.Param, *planner.ColumnRef, *planner.OuterRef, *planner.ArrayElem:
		return true
	case *planner.Call:
		if x.Fn.Volatility == planner.Volatile || x.Fn.User != nil || x.Fn.Domain != nil {
			return false
		}
		return allPure(x.Args...)
	case *planner.Cast:
		return pureExpr(x.X)
	case *planner.BoolExpr:
		return allPure(x.Args...)
	case *planner.NullTest:
		return pureExpr(x.X)
	case *planner.TruthTest:
		return pureExpr(x.X)
	case *planner.NotDistinct:
		return pureExpr(x.L) && pureExpr(x.R)
	case *planner.Case:
		for _, w := range x.Whens {
			if !pureExpr(w.Cond) || !pureExpr(w.Result) {
				return false
			}
		}
		return pureExpr(x.Else)
	case *planner.Coalesce:
		return allPure(x.Args...)
	case *planner.NullIf:
		return x.Eq.Volatility != planner.Volatile && x.Eq.User == nil && allPure(x.Args[0], x.Args[1])
	case *planner.ScalarArrayOp:
		return x.Op != nil && pureExpr(x.Op) && pureExpr(x.R)
	}
	return false
}

func allPure(es ...planner.Expr) bool {
	for _, e := range es {
		if !pureExpr(e) {
			return false
		}
	}
	return true
}

func isArith(id planner.FuncID) bool {
	switch id {
	case planner.FnAdd, planner.FnSub, planner.FnMul, planner.FnDiv:
		return true
	}
	return false
}

// vColumn is a column of the input rows.
type vColumn struct {
	idx int
	k   vecKind
}

func (x *vColumn) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	if in.cols != nil {
		if v := in.cols.vec(x.idx); v != nil {
			return out.loadColumn(x.k, v, act)
		}
		if in.materialize() != nil {
			return false
		}
	}
	rows := in.rows
	out.d = grownTo(out.d, len(rows))
	for i, row := range rows {
		out.d[i] = row[x.idx]
	}
	return out.loadDatums(x.k, out.d, act)
}

// vConst is a constant or a parameter, converted once.
type vConst struct {
	k     vecKind
	null  bool
	i64   int64
	f64   float64
	b     bool
	d     types.Datum
	scale int32
}

func newVConst(v types.Datum, k vecKind) *vConst {
	x := &vConst{k: k, null: v == nil, d: v}
	if v == nil {
		return x
	}
	ok := true
	switch k {
	case vInt:
		x.i64, ok = v.(int64)
	case vFloat:
		x.f64, ok = v.(float64)
	case vBool:
		x.b, ok = v.(bool)
	case vDec:
		d, isDec := v.(*apd.Decimal)
		if !isDec {
			return nil
		}
		x.i64, x.scale, ok = decOf(d)
	}
	if !ok {
		return nil
	}
	return x
}

func (x *vConst) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	n := len(rows)
	out.reset(x.k, n)
	if x.null {
		return true
	}
	out.scale = x.scale
	for i := 0; i < n; i++ {
		if act != nil && !act[i] {
			continue
		}
		out.null[i] = false
		switch x.k {
		case vInt, vDec:
			out.i64[i] = x.i64
		case vFloat:
			out.f64[i] = x.f64
		case vBool:
			out.b[i] = x.b
		default:
			out.d[i] = x.d
		}
	}
	return true
}

// vRow evaluates a pure expression without a kernel row by row.
type vRow struct {
	e planner.Expr
	k vecKind
}

func (x *vRow) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	if in.materialize() != nil {
		return false
	}
	rows := in.rows
	out.d = grownTo(out.d, len(rows))
	saved := c.row
	defer func() { c.row = saved }()
	for i, row := range rows {
		out.d[i] = nil
		if act != nil && !act[i] {
			continue
		}
		c.row = row
		v, err := c.eval(x.e)
		if err != nil {
			return false
		}
		out.d[i] = v
	}
	return out.loadDatums(x.k, out.d, act)
}

// vArith is + - * / on two values of one kind (no numeric division: its
// result scale is PostgreSQL's select_div_scale, left to the row
// evaluator).
type vArith struct {
	op     planner.FuncID
	t      *types.T // the result type
	k      vecKind
	l, r   vexpr
	lv, rv vector
}

func (x *vArith) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	if !x.l.eval(c, in, act, &x.lv) || !x.r.eval(c, in, act, &x.rv) {
		return false
	}
	n := len(rows)
	out.reset(x.k, n)
	l, r := &x.lv, &x.rv
	for i := 0; i < n; i++ {
		out.null[i] = l.null[i] || r.null[i]
	}
	switch x.k {
	case vInt:
		return arithInt(x.op, x.t, l.i64[:n], r.i64[:n], out.null, out.i64)
	case vFloat:
		return arithFloat(x.op, x.t, l.f64[:n], r.f64[:n], out.null, out.f64)
	}
	return arithDec(x.op, l, r, out)
}

// arithInt is opAdd/opSub/opMul/opDiv on integers; false where they fail.
func arithInt(op planner.FuncID, t *types.T, a, b []int64, null []bool, out []int64) bool {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.OID {
	case types.OidInt2:
		lo, hi = math.MinInt16, math.MaxInt16
	case types.OidInt4:
		lo, hi = math.MinInt32, math.MaxInt32
	}
	for i := range out {
		if null[i] {
			continue
		}
		l, r := a[i], b[i]
		var s int64
		switch op {
		case planner.FnAdd:
			s = l + r
			if (l >= 0) == (r >= 0) && (s >= 0) != (l >= 0) {
				return false
			}
		case planner.FnSub:
			s = l - r
			if (l >= 0) != (r >= 0) && (s >= 0) != (l >= 0) {
				return false
			}
		case planner.FnMul:
			h, p := bits.Mul64(uint64(l), uint64(r))
			s = int64(p)
			// The signed product fits when the high word is the sign
			// extension of the low one (corrected for negative factors).
			if l < 0 {
				h -= uint64(r)
			}
			if r < 0 {
				h -= uint64(l)
			}
			if int64(h) != s>>63 {
				return false
			}
		case planner.FnDiv:
			if r == 0 || r == -1 && l == lo {
				return false
			}
			s = l / r
		}
		if s < lo || s > hi {
			return false
		}
		out[i] = s
	}
	return true
}

// arithFloat is opAdd/opSub/opMul/opDiv on floats, rounding to float4 for
// a float4 result as floatResult does; false where they fail.
func arithFloat(op planner.FuncID, t *types.T, a, b []float64, null []bool, out []float64) bool {
	f4 := t.OID == types.OidFloat4
	for i := range out {
		if null[i] {
			continue
		}
		l, r := a[i], b[i]
		var s float64
		zeroOK := true
		switch op {
		case planner.FnAdd:
			s = l + r
		case planner.FnSub:
			s = l - r
		case planner.FnMul:
			s, zeroOK = l*r, l == 0 || r == 0
		case planner.FnDiv:
			if r == 0 && !math.IsNaN(l) {
				return false
			}
			s, zeroOK = l/r, l == 0 || math.IsInf(r, 0)
		}
		inputInf := math.IsInf(l, 0) || math.IsInf(r, 0)
		if f4 {
			s32 := float32(s)
			if math.IsInf(float64(s32), 0) && !inputInf || s32 == 0 && s != 0 && !zeroOK {
				return false
			}
			s = float64(s32)
		} else if math.IsInf(s, 0) && !inputInf {
			return false
		}
		out[i] = s
	}
	return true
}

// arithDec is + - * on scaled numerics: PostgreSQL's result display
// scale is the larger of the operands' for + and -, their sum for *.
func arithDec(op planner.FuncID, l, r, out *vector) bool {
	n := len(out.null)
	if op == planner.FnMul {
		out.scale = l.scale + r.scale
		if out.scale > 1000 {
			return false
		}
		if l.mixed || r.mixed {
			out.setMixed()
		}
		for i := 0; i < n; i++ {
			if out.null[i] {
				continue
			}
			p, ok := mul64(l.i64[i], r.i64[i])
			if !ok {
				return false
			}
			out.i64[i] = p
			if out.mixed {
				out.rscale[i] = l.rowScale(i) + r.rowScale(i)
			}
		}
		return true
	}
	s := max(l.scale, r.scale)
	if !l.rescale(s) || !r.rescale(s) {
		return false
	}
	out.scale = s
	if l.mixed || r.mixed {
		out.setMixed()
	}
	sub := op == planner.FnSub
	for i := 0; i < n; i++ {
		if out.null[i] {
			continue
		}
		a, b := l.i64[i], r.i64[i]
		var v int64
		if sub {
			v = a - b
			if (a >= 0) != (b >= 0) && (v >= 0) != (a >= 0) {
				return false
			}
		} else {
			v = a + b
			if (a >= 0) == (b >= 0) && (v >= 0) != (a >= 0) {
				return false
			}
		}
		out.i64[i] = v
		if out.mixed {
			out.rscale[i] = max(l.rowScale(i), r.rowScale(i))
		}
	}
	return true
}

// mul64 is a * b, false when it does not fit an int64.
func mul64(a, b int64) (int64, bool) {
	ua, ub, neg := uint64(a), uint64(b), false
	if a < 0 {
		ua, neg = uint64(-a), true
	}
	if b < 0 {
		ub, neg = uint64(-b), !neg
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

// vCmp is a comparison of two values of one kind.
type vCmp struct {
	op     planner.FuncID
	t      *types.T // the operands' type
	k      vecKind
	l, r   vexpr
	lv, rv vector
}

func (x *vCmp) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	if !x.l.eval(c, in, act, &x.lv) || !x.r.eval(c, in, act, &x.rv) {
		return false
	}
	n := len(rows)
	out.reset(vBool, n)
	l, r := &x.lv, &x.rv
	if x.k == vDec {
		s := max(l.scale, r.scale)
		if !l.rescale(s) || !r.rescale(s) {
			return false
		}
	}
	for i := 0; i < n; i++ {
		if l.null[i] || r.null[i] {
			continue
		}
		var d int
		switch x.k {
		case vInt, vDec:
			d = cmpInt(l.i64[i], r.i64[i])
		case vFloat:
			d = cmpFloat(l.f64[i], r.f64[i])
		case vBool:
			d = cmpBool(l.b[i], r.b[i])
		default:
			d = compare(x.t, l.d[i], r.d[i])
		}
		out.b[i], out.null[i] = cmpHolds(x.op, d), false
	}
	return true
}

// cmpFloat orders floats as PostgreSQL does: NaN equals NaN and is
// greater than everything else.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// vCast widens an integer: to int8, float8 or numeric (scale 0).
type vCast struct {
	x  vexpr
	k  vecKind
	xv vector
}

func (x *vCast) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	if !x.x.eval(c, in, act, &x.xv) {
		return false
	}
	n := len(rows)
	out.reset(x.k, n)
	copy(out.null, x.xv.null[:n])
	switch x.k {
	case vInt, vDec:
		copy(out.i64, x.xv.i64[:n])
	case vFloat:
		for i, v := range x.xv.i64[:n] {
			out.f64[i] = float64(v)
		}
	}
	return true
}

// vBoolOp is AND, OR and NOT in SQL's three-valued logic; a later
// argument is evaluated only for the rows the earlier ones left open.
type vBoolOp struct {
	op   planner.BoolOp
	args []vexpr
	vals []vector
	open []bool
	// sawNull marks the rows where an argument was NULL.
	sawNull []bool
}

func (x *vBoolOp) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	n := len(rows)
	if x.op == planner.Not {
		if !x.args[0].eval(c, in, act, &x.vals[0]) {
			return false
		}
		out.reset(vBool, n)
		a := &x.vals[0]
		for i := 0; i < n; i++ {
			if !a.null[i] {
				out.b[i], out.null[i] = !a.b[i], false
			}
		}
		return true
	}
	// decided is the value that ends an AND (false) or an OR (true).
	decided := x.op == planner.Or
	out.reset(vBool, n)
	x.open, x.sawNull = grownTo(x.open, n), grownTo(x.sawNull, n)
	sawNull := x.sawNull
	clear(sawNull)
	for i := 0; i < n; i++ {
		x.open[i] = act == nil || act[i]
		out.b[i] = !decided
	}
	for k, a := range x.args {
		v := &x.vals[k]
		if !a.eval(c, in, x.open, v) {
			return false
		}
		for i := 0; i < n; i++ {
			if !x.open[i] {
				continue
			}
			switch {
			case v.null[i]:
				sawNull[i] = true
			case v.b[i] == decided:
				out.b[i], x.open[i] = decided, false
			}
		}
	}
	for i := 0; i < n; i++ {
		if act != nil && !act[i] {
			continue
		}
		out.null[i] = x.open[i] && sawNull[i]
	}
	return true
}

// vCase is a searched CASE whose arms all have one typed kind.
type vCase struct {
	k     vecKind
	conds []vexpr
	arms  []vexpr
	els   vexpr
	condv []vector
	armv  []vector // one per arm, then ELSE's
	open  []bool   // rows no WHEN has taken yet
	take  []bool   // rows this WHEN takes
	which []int32  // the arm of each row (-1: inactive)
}

func (x *vCase) eval(c *evalCtx, in *batch, act []bool, out *vector) bool {
	rows := in.rows
	n := len(rows)
	x.open, x.take, x.which = grownTo(x.open, n), grownTo(x.take, n), grownTo(x.which, n)
	for i := 0; i < n; i++ {
		x.open[i] = act == nil || act[i]
		x.which[i] = -1
	}
	for k, cond := range x.conds {
		cv := &x.condv[k]
		if !cond.eval(c, in, x.open, cv) {
			return false
		}
		for i := 0; i < n; i++ {
			x.take[i] = x.open[i] && !cv.null[i] && cv.b[i]
			if x.take[i] {
				x.open[i], x.which[i] = false, int32(k)
			}
		}
		if !x.arms[k].eval(c, in, x.take, &x.armv[k]) {
			return false
		}
	}
	for i := 0; i < n; i++ {
		if x.open[i] {
			x.which[i] = int32(len(x.arms))
		}
	}
	if !x.els.eval(c, in, x.open, &x.armv[len(x.arms)]) {
		return false
	}
	out.reset(x.k, n)
	if x.k == vDec {
		var s int32
		for k := range x.armv {
			s = max(s, x.armv[k].scale)
		}
		for k := range x.armv {
			a := &x.armv[k]
			if a.mixed || a.scale != s {
				out.setMixed()
			}
			if !a.rescale(s) {
				return false
			}
		}
		out.scale = s
	}
	for i := 0; i < n; i++ {
		w := x.which[i]
		if w < 0 {
			continue
		}
		a := &x.armv[w]
		if a.null[i] {
			continue
		}
		out.null[i] = false
		switch x.k {
		case vInt:
			out.i64[i] = a.i64[i]
		case vDec:
			out.i64[i] = a.i64[i]
			if out.mixed {
				out.rscale[i] = a.rowScale(i)
			}
		case vFloat:
			out.f64[i] = a.f64[i]
		case vBool:
			out.b[i] = a.b[i]
		}
	}
	return true
}
