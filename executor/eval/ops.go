package eval

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnAdd] = opAdd
	impls[planner.FnSub] = opSub
	impls[planner.FnMul] = opMul
	impls[planner.FnDiv] = opDiv
	impls[planner.FnMod] = opMod
	impls[planner.FnPow] = opPow
	impls[planner.FnNeg] = opNeg
	impls[planner.FnAbs] = fnAbs
	impls[planner.FnBitAnd] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0].(int64) & a[1].(int64), nil
	}
	impls[planner.FnBitOr] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0].(int64) | a[1].(int64), nil
	}
	impls[planner.FnBitXor] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0].(int64) ^ a[1].(int64), nil
	}
	impls[planner.FnBitNot] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return wrapInt(^a[0].(int64), x.T), nil
	}
	impls[planner.FnShl] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return wrapInt(a[0].(int64)<<uint(a[1].(int64)&shiftMask(x.T)), x.T), nil
	}
	impls[planner.FnShr] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0].(int64) >> uint(a[1].(int64)&shiftMask(x.T)), nil
	}
	impls[planner.FnConcat] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0].(string) + a[1].(string), nil
	}
	impls[planner.FnByteaCat] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		l, r := a[0].([]byte), a[1].([]byte)
		out := make([]byte, 0, len(l)+len(r))
		return append(append(out, l...), r...), nil
	}
	impls[planner.FnEq] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) == 0, nil
	}
	impls[planner.FnNe] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) != 0, nil
	}
	impls[planner.FnLt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) < 0, nil
	}
	impls[planner.FnLe] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) <= 0, nil
	}
	impls[planner.FnGt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) > 0, nil
	}
	impls[planner.FnGe] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return compare(x.Args[0].Type(), a[0], a[1]) >= 0, nil
	}
}

// shiftMask mimics C's shift on the operand width (PostgreSQL does not
// check the shift count; x86 masks it).
func shiftMask(t *types.T) int64 {
	switch t.OID {
	case types.OidInt8:
		return 63
	}
	return 31
}

// wrapInt truncates v to t's width as C arithmetic would.
func wrapInt(v int64, t *types.T) int64 {
	switch t.OID {
	case types.OidInt2:
		return int64(int16(v))
	case types.OidInt4:
		return int64(int32(v))
	}
	return v
}

var (
	errInt2Range = pgerror.New(pgerror.NumericValueOutOfRange, "smallint out of range")
	errInt4Range = pgerror.New(pgerror.NumericValueOutOfRange, "integer out of range")
	errInt8Range = pgerror.New(pgerror.NumericValueOutOfRange, "bigint out of range")
	errDivZero   = pgerror.New(pgerror.DivisionByZero, "division by zero")
	errOverflow  = pgerror.New(pgerror.NumericValueOutOfRange, "value out of range: overflow")
	errUnderflow = pgerror.New(pgerror.NumericValueOutOfRange, "value out of range: underflow")
)

// Errors are values shared between calls, so hand out copies: callers may
// set a position on them.
func cp(e *pgerror.Error) error { c := *e; return &c }

// intResult range-checks an integer result for type t.
func intResult(v int64, t *types.T) (types.Datum, error) {
	switch t.OID {
	case types.OidInt2:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return nil, cp(errInt2Range)
		}
	case types.OidInt4:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return nil, cp(errInt4Range)
		}
	}
	return v, nil
}

func intRangeErr(t *types.T) error {
	switch t.OID {
	case types.OidInt2:
		return cp(errInt2Range)
	case types.OidInt4:
		return cp(errInt4Range)
	}
	return cp(errInt8Range)
}

// floatResult checks a float result like PostgreSQL's float_overflow_error
// and float_underflow_error; float4 results are rounded to float32.
func floatResult(r float64, t *types.T, inputInf bool, zeroOK bool) (types.Datum, error) {
	if t.OID == types.OidFloat4 {
		r32 := float32(r)
		if math.IsInf(float64(r32), 0) && !inputInf {
			return nil, cp(errOverflow)
		}
		if r32 == 0 && r != 0 && !zeroOK {
			return nil, cp(errUnderflow)
		}
		return float64(r32), nil
	}
	if math.IsInf(r, 0) && !inputInf {
		return nil, cp(errOverflow)
	}
	return r, nil
}

// numCtx is the apd context for exact numeric arithmetic.
var numCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(2000)
	c.Rounding = apd.RoundHalfUp
	return c
}()

func opAdd(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		s := l + r
		if (l >= 0) == (r >= 0) && (s >= 0) != (l >= 0) {
			return nil, intRangeErr(x.T)
		}
		return intResult(s, x.T)
	case float64:
		r := a[1].(float64)
		return floatResult(l+r, x.T, math.IsInf(l, 0) || math.IsInf(r, 0), true)
	case *apd.Decimal:
		return numAdd(l, a[1].(*apd.Decimal), false)
	case types.IntervalVal:
		r := a[1].(types.IntervalVal)
		return addInterval(l, r)
	}
	return nil, badArgs(x)
}

func opSub(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		s := l - r
		if (l >= 0) != (r >= 0) && (s >= 0) != (l >= 0) {
			return nil, intRangeErr(x.T)
		}
		return intResult(s, x.T)
	case float64:
		r := a[1].(float64)
		return floatResult(l-r, x.T, math.IsInf(l, 0) || math.IsInf(r, 0), true)
	case *apd.Decimal:
		return numAdd(l, a[1].(*apd.Decimal), true)
	case types.IntervalVal:
		r := a[1].(types.IntervalVal)
		return addInterval(l, types.IntervalVal{Months: -r.Months, Days: -r.Days, Micros: -r.Micros})
	}
	return nil, badArgs(x)
}

func addInterval(l, r types.IntervalVal) (types.Datum, error) {
	m, d, us := int64(l.Months)+int64(r.Months), int64(l.Days)+int64(r.Days), l.Micros+r.Micros
	if m != int64(int32(m)) || d != int64(int32(d)) || (l.Micros >= 0) == (r.Micros >= 0) && (us >= 0) != (l.Micros >= 0) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	return types.IntervalVal{Months: int32(m), Days: int32(d), Micros: us}, nil
}

func opMul(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		if l != 0 && r != 0 {
			p := l * r
			if p/r != l || (l == -1 && r == math.MinInt64) || (r == -1 && l == math.MinInt64) {
				return nil, intRangeErr(x.T)
			}
			return intResult(p, x.T)
		}
		return int64(0), nil
	case float64:
		r := a[1].(float64)
		return floatResult(l*r, x.T, math.IsInf(l, 0) || math.IsInf(r, 0), l == 0 || r == 0)
	case *apd.Decimal:
		r := a[1].(*apd.Decimal)
		if s := special(l, r); s != nil {
			return numSpecialMul(l, r), nil
		}
		if f, ok := fastMulDec(l, r); ok {
			return f, nil
		}
		d := new(apd.Decimal)
		if _, err := numCtx.Mul(d, l, r); err != nil {
			return nil, numErr(err)
		}
		// The product has the sum of the display scales, as in
		// fastMulDec: a whole number decoded as 1E+4 counts as scale 0.
		if ds := -int32(dscale(l) + dscale(r)); d.Exponent > ds {
			if _, err := numCtx.Quantize(d, d, ds); err != nil {
				return nil, numErr(err)
			}
		}
		return d, nil
	}
	return nil, badArgs(x)
}

func opDiv(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		if r == 0 {
			return nil, cp(errDivZero)
		}
		if r == -1 {
			if l == math.MinInt64 || x.T.OID == types.OidInt4 && l == math.MinInt32 || x.T.OID == types.OidInt2 && l == math.MinInt16 {
				return nil, intRangeErr(x.T)
			}
			return -l, nil
		}
		return l / r, nil
	case float64:
		r := a[1].(float64)
		if r == 0 && !math.IsNaN(l) { // float8_div: NaN / 0 is NaN
			return nil, cp(errDivZero)
		}
		return floatResult(l/r, x.T, math.IsInf(l, 0) || math.IsInf(r, 0), l == 0 || math.IsInf(r, 0))
	case *apd.Decimal:
		return numDiv(l, a[1].(*apd.Decimal))
	}
	return nil, badArgs(x)
}

func opMod(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		if r == 0 {
			return nil, cp(errDivZero)
		}
		if r == -1 {
			return int64(0), nil
		}
		return l % r, nil
	case *apd.Decimal:
		r := a[1].(*apd.Decimal)
		if r.IsZero() && r.Form == apd.Finite {
			return nil, cp(errDivZero)
		}
		if l.Form != apd.Finite || r.Form != apd.Finite {
			if l.Form == apd.NaN || r.Form == apd.NaN || l.Form == apd.Infinite {
				return &apd.Decimal{Form: apd.NaN}, nil
			}
			return l, nil
		}
		d := new(apd.Decimal)
		if _, err := numCtx.Rem(d, l, r); err != nil {
			return nil, numErr(err)
		}
		return d, nil
	}
	return nil, badArgs(x)
}

func opNeg(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch v := a[0].(type) {
	case int64:
		if v == math.MinInt64 {
			return nil, intRangeErr(x.T)
		}
		return intResult(-v, x.T)
	case float64:
		return -v, nil
	case *apd.Decimal:
		d := new(apd.Decimal).Neg(v)
		if d.IsZero() {
			d.Negative = false
		}
		return d, nil
	case types.IntervalVal:
		if v.Months == math.MinInt32 || v.Days == math.MinInt32 || v.Micros == math.MinInt64 {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
		}
		return types.IntervalVal{Months: -v.Months, Days: -v.Days, Micros: -v.Micros}, nil
	}
	return nil, badArgs(x)
}

func fnAbs(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch v := a[0].(type) {
	case int64:
		if v < 0 {
			return opNeg(c, x, a)
		}
		return v, nil
	case float64:
		return math.Abs(v), nil
	case *apd.Decimal:
		return new(apd.Decimal).Abs(v), nil
	}
	return nil, badArgs(x)
}

func opPow(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	switch l := a[0].(type) {
	case float64:
		return floatPow(l, a[1].(float64)) // builtins_float.go
	case *apd.Decimal:
		return numPow(l, a[1].(*apd.Decimal))
	}
	return nil, badArgs(x)
}

func badArgs(x *planner.Call) error {
	return pgerror.New(pgerror.InternalError, "unexpected argument types for %s", x.Fn.Name)
}

// numErr maps apd conditions to PostgreSQL errors.
func numErr(err error) error {
	return pgerror.New(pgerror.NumericValueOutOfRange, "value overflows numeric format")
}

func special(l, r *apd.Decimal) *apd.Decimal {
	if l.Form != apd.Finite {
		return l
	}
	if r.Form != apd.Finite {
		return r
	}
	return nil
}

func numSpecialMul(l, r *apd.Decimal) *apd.Decimal {
	if l.Form == apd.NaN || r.Form == apd.NaN {
		return &apd.Decimal{Form: apd.NaN}
	}
	// inf * 0 is NaN; otherwise an infinity with the product's sign.
	if (l.Form == apd.Finite && l.IsZero()) || (r.Form == apd.Finite && r.IsZero()) {
		return &apd.Decimal{Form: apd.NaN}
	}
	return &apd.Decimal{Form: apd.Infinite, Negative: l.Negative != r.Negative}
}

func numAdd(l, r *apd.Decimal, sub bool) (types.Datum, error) {
	if l.Form != apd.Finite || r.Form != apd.Finite {
		rr := *r
		if sub {
			rr.Negative = !rr.Negative
		}
		switch {
		case l.Form == apd.NaN || r.Form == apd.NaN:
			return &apd.Decimal{Form: apd.NaN}, nil
		case l.Form == apd.Infinite && rr.Form == apd.Infinite:
			if l.Negative != rr.Negative {
				return &apd.Decimal{Form: apd.NaN}, nil
			}
			return l, nil
		case l.Form == apd.Infinite:
			return l, nil
		}
		return &rr, nil
	}
	if f, ok := fastAddDec(l, r, sub); ok {
		return f, nil
	}
	d := new(apd.Decimal)
	var err error
	if sub {
		_, err = numCtx.Sub(d, l, r)
	} else {
		_, err = numCtx.Add(d, l, r)
	}
	if err != nil {
		return nil, numErr(err)
	}
	if d.IsZero() {
		d.Negative = false
	}
	return d, nil
}

// dscale is a numeric's display scale: digits after the decimal point.
func dscale(d *apd.Decimal) int {
	if d.Exponent < 0 {
		return int(-d.Exponent)
	}
	return 0
}

// nbaseWeight returns PostgreSQL's base-10000 weight and first base-10000
// digit of a non-zero finite d, which select_div_scale and power use.
func nbaseWeight(d *apd.Decimal) (weight int, first int) {
	s := d.Coeff.String()
	p := len(s) - 1 + int(d.Exponent) // power of ten of the leading digit
	w := p / 4
	if p < 0 && p%4 != 0 {
		w--
	}
	k := p - 4*w + 1 // decimal digits in the first base-10000 digit
	for i := 0; i < k; i++ {
		first *= 10
		if i < len(s) {
			first += int(s[i] - '0')
		}
	}
	return w, first
}

// numDiv divides with PostgreSQL's select_div_scale result scale.
func numDiv(l, r *apd.Decimal) (types.Datum, error) {
	if r.Form == apd.Finite && r.IsZero() && l.Form != apd.NaN { // NaN / 0 is NaN
		return nil, cp(errDivZero)
	}
	if l.Form != apd.Finite || r.Form != apd.Finite {
		switch {
		case l.Form == apd.NaN || r.Form == apd.NaN:
			return &apd.Decimal{Form: apd.NaN}, nil
		case l.Form == apd.Infinite && r.Form == apd.Infinite:
			return &apd.Decimal{Form: apd.NaN}, nil
		case l.Form == apd.Infinite:
			return &apd.Decimal{Form: apd.Infinite, Negative: l.Negative != r.Negative}, nil
		}
		return apd.New(0, 0), nil
	}
	w1, f1, w2, f2 := 0, 0, 0, 0
	if !l.IsZero() {
		w1, f1 = nbaseWeight(l)
	}
	w2, f2 = nbaseWeight(r)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := 16 - qweight*4
	rscale = max(rscale, dscale(l), dscale(r), 0)
	rscale = min(rscale, 1000)
	return divScale(l, r, rscale)
}

func divScale(l, r *apd.Decimal, rscale int) (types.Datum, error) {
	// Enough precision for every integer digit plus rscale, then round.
	ld := int64(l.NumDigits()) + int64(l.Exponent)
	rd := int64(r.NumDigits()) + int64(r.Exponent)
	prec := ld - rd + int64(rscale) + 10
	if prec < 20 {
		prec = 20
	}
	ctx := apd.BaseContext.WithPrecision(uint32(prec))
	ctx.Rounding = apd.RoundDown
	q := new(apd.Decimal)
	if _, err := ctx.Quo(q, l, r); err != nil {
		return nil, numErr(err)
	}
	out := new(apd.Decimal)
	qc := apd.BaseContext.WithPrecision(uint32(prec + 2))
	qc.Rounding = apd.RoundHalfUp
	if _, err := qc.Quantize(out, q, int32(-rscale)); err != nil {
		return nil, numErr(err)
	}
	if out.IsZero() {
		out.Negative = false
	}
	return out, nil
}

// numPow implements numeric ^ numeric with power_var's result scale.
func numPow(l, r *apd.Decimal) (types.Datum, error) {
	if l.Form != apd.Finite || r.Form != apd.Finite {
		return &apd.Decimal{Form: apd.NaN}, nil
	}
	if l.IsZero() && r.Negative {
		return nil, pgerror.New("2201F", "zero raised to a negative power is undefined")
	}
	ri := new(apd.Decimal)
	_, _ = apd.BaseContext.RoundToIntegralValue(ri, r)
	isInt := ri.Cmp(r) == 0
	if l.Negative && !isInt {
		return nil, pgerror.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	if l.IsZero() {
		// power_var: 0 ^ 0 = 1, 0 ^ y = 0 (y > 0), at NUMERIC_MIN_SIG_DIGITS
		// scale; apd would take log(0).
		out := apd.New(0, -16)
		if r.IsZero() {
			out.Coeff.SetInt64(1e16)
		}
		return out, nil
	}
	if r.IsZero() {
		// PostgreSQL: x ^ 0 = 1 with the scale rules below (1.0000000000000000).
	}
	lf, _ := l.Float64()
	rf, _ := r.Float64()
	val := 0.0
	if lf != 0 {
		val = rf * math.Log10(math.Abs(lf))
	}
	if val > 131072 || val < -131072 {
		if val > 0 {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value overflows numeric format")
		}
	}
	rscale := 16 - int(math.Floor(val))
	if val >= 0 {
		rscale = 16 - int(val)
	}
	rscale = max(rscale, dscale(l), dscale(r), 0)
	rscale = min(rscale, 1000)
	prec := uint32(max(int(val), 0) + rscale + 20)
	ctx := apd.BaseContext.WithPrecision(prec)
	ctx.Rounding = apd.RoundHalfUp
	p := new(apd.Decimal)
	if _, err := ctx.Pow(p, l, r); err != nil {
		return nil, numErr(err)
	}
	out := new(apd.Decimal)
	qc := apd.BaseContext.WithPrecision(prec + 2)
	qc.Rounding = apd.RoundHalfUp
	if _, err := qc.Quantize(out, p, int32(-rscale)); err != nil {
		return nil, numErr(err)
	}
	return out, nil
}
