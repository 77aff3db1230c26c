package eval

import (
	"math"
	"math/big"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnDivFn] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		l, r := a[0].(*apd.Decimal), a[1].(*apd.Decimal)
		if r.Form == apd.Finite && r.IsZero() {
			return nil, cp(errDivZero)
		}
		if l.Form != apd.Finite || r.Form != apd.Finite {
			return numDiv(l, r)
		}
		d := new(apd.Decimal)
		if _, err := numCtx.QuoInteger(d, l, r); err != nil {
			return nil, numErr(err)
		}
		if _, err := numCtx.Quantize(d, d, 0); err != nil {
			return nil, numErr(err)
		}
		if d.IsZero() {
			d.Negative = false
		}
		return d, nil
	}
	impls[planner.FnGcd] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return gcdLcm(x, a, false)
	}
	impls[planner.FnLcm] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return gcdLcm(x, a, true)
	}
	impls[planner.FnDegrees] = floatFn(func(v float64) float64 { return v * (180 / math.Pi) }, false)
	impls[planner.FnRadians] = floatFn(func(v float64) float64 { return v * (math.Pi / 180) }, false)
	impls[planner.FnSin] = floatFn(math.Sin, true)
	impls[planner.FnCos] = floatFn(math.Cos, true)
	impls[planner.FnTan] = floatFn(math.Tan, true)
	impls[planner.FnCot] = floatFn(func(v float64) float64 { return 1 / math.Tan(v) }, true)
	impls[planner.FnAsin] = floatFn(math.Asin, true)
	impls[planner.FnAcos] = floatFn(math.Acos, true)
	impls[planner.FnAtan] = floatFn(math.Atan, false)
	impls[planner.FnSinh] = floatFn(math.Sinh, false)
	impls[planner.FnCosh] = floatFn(math.Cosh, false)
	impls[planner.FnTanh] = floatFn(math.Tanh, false)
	impls[planner.FnCbrt] = floatFn(math.Cbrt, false)
	impls[planner.FnAtan2] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return math.Atan2(a[0].(float64), a[1].(float64)), nil
	}
	impls[planner.FnWidthBucket] = fnWidthBucket
	impls[planner.FnFactorial] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := a[0].(int64)
		if n < 0 {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "factorial of a negative number is undefined")
		}
		if n > 32177 {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value overflows numeric format")
		}
		r := new(big.Int).MulRange(1, max(n, 1))
		return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(r), 0), nil
	}
	impls[planner.FnScale] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(d)), nil
	}
	impls[planner.FnMinScale] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return nil, nil
		}
		return int64(dscale(trimScale(d))), nil
	}
	impls[planner.FnTrimScale] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d := a[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return d, nil
		}
		return trimScale(d), nil
	}
	impls[planner.FnSetseed] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if v < -1 || v > 1 || math.IsNaN(v) {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "setseed parameter %s is out of allowed range [-1,1]", string(types.AppendText(nil, types.Float8, v, nil)))
		}
		// random() draws from a shared generator; seeding is accepted but
		// does not make the sequence repeatable.
		return "", nil
	}
}

// trimScale drops trailing fractional zeros.
func trimScale(d *apd.Decimal) *apd.Decimal {
	r := new(apd.Decimal).Set(d)
	if r.IsZero() {
		r.Exponent = 0
		r.Negative = false
		return r
	}
	var ten, rem apd.BigInt
	ten.SetInt64(10)
	for r.Exponent < 0 {
		var q apd.BigInt
		q.QuoRem(&r.Coeff, &ten, &rem)
		if rem.Sign() != 0 {
			break
		}
		r.Coeff.Set(&q)
		r.Exponent++
	}
	return r
}

// floatFn wraps a float8 function; ranged functions report inputs outside
// their domain (NaN results from finite input) as PostgreSQL does.
func floatFn(f func(float64) float64, ranged bool) implFn {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		r := f(v)
		if ranged && math.IsNaN(r) && !math.IsNaN(v) {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "input is out of range")
		}
		if math.IsInf(r, 0) && !math.IsInf(v, 0) && x.Fn.ID != planner.FnCot && x.Fn.ID != planner.FnTan {
			return nil, cp(errOverflow)
		}
		return r, nil
	}
}

func gcdLcm(x *planner.Call, a []types.Datum, lcm bool) (types.Datum, error) {
	switch l := a[0].(type) {
	case int64:
		r := a[1].(int64)
		bl, br := big.NewInt(l), big.NewInt(r)
		g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(bl), new(big.Int).Abs(br))
		res := g
		if lcm {
			if l == 0 || r == 0 {
				return int64(0), nil
			}
			res = new(big.Int).Quo(new(big.Int).Abs(new(big.Int).Mul(bl, br)), g)
		}
		if !res.IsInt64() {
			return nil, intRangeErr(x.T)
		}
		return intResult(res.Int64(), x.T)
	case *apd.Decimal:
		r := a[1].(*apd.Decimal)
		if l.Form != apd.Finite || r.Form != apd.Finite {
			return &apd.Decimal{Form: apd.NaN}, nil
		}
		// Scale both to integers at the larger scale, then work on those.
		scale := max(dscale(l), dscale(r))
		li, ri := scaledInt(l, scale), scaledInt(r, scale)
		g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(li), new(big.Int).Abs(ri))
		res := g
		if lcm {
			if li.Sign() == 0 || ri.Sign() == 0 {
				res = new(big.Int)
			} else {
				res = new(big.Int).Quo(new(big.Int).Abs(new(big.Int).Mul(li, ri)), g)
			}
		}
		return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(res), int32(-scale)), nil
	}
	return nil, badArgs(x)
}

func scaledInt(d *apd.Decimal, scale int) *big.Int {
	v := d.Coeff.MathBigInt()
	if e := int(d.Exponent) + scale; e > 0 {
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	}
	if d.Negative {
		v.Neg(v)
	}
	return v
}

func fnWidthBucket(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	count := a[3].(int64)
	if count <= 0 {
		return nil, pgerror.New("2201G", "count must be greater than zero")
	}
	var op, lo, hi float64
	switch v := a[0].(type) {
	case float64:
		op, lo, hi = v, a[1].(float64), a[2].(float64)
		if math.IsNaN(op) || math.IsNaN(lo) || math.IsNaN(hi) {
			return nil, pgerror.New("2201G", "operand, lower bound, and upper bound cannot be NaN")
		}
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return nil, pgerror.New("2201G", "lower and upper bounds must be finite")
		}
	case *apd.Decimal:
		ds := [3]*apd.Decimal{v, a[1].(*apd.Decimal), a[2].(*apd.Decimal)}
		for _, d := range ds {
			if d.Form == apd.NaN {
				return nil, pgerror.New("2201G", "operand, lower bound, and upper bound cannot be NaN")
			}
		}
		if ds[1].Form != apd.Finite || ds[2].Form != apd.Finite {
			return nil, pgerror.New("2201G", "lower and upper bounds must be finite")
		}
		return numWidthBucket(ds, count)
	default:
		return nil, badArgs(x)
	}
	if lo == hi {
		return nil, pgerror.New("2201G", "lower bound cannot equal upper bound")
	}
	var r int64
	if lo < hi {
		switch {
		case op < lo:
			r = 0
		case op >= hi:
			r = count + 1
		default:
			r = int64(float64(count)*((op-lo)/(hi-lo))) + 1
		}
	} else {
		switch {
		case op > lo:
			r = 0
		case op <= hi:
			r = count + 1
		default:
			r = int64(float64(count)*((lo-op)/(lo-hi))) + 1
		}
	}
	return intResult(r, types.Int4)
}

func numWidthBucket(ds [3]*apd.Decimal, count int64) (types.Datum, error) {
	op, lo, hi := ds[0], ds[1], ds[2]
	cmp := lo.Cmp(hi)
	if cmp == 0 {
		return nil, pgerror.New("2201G", "lower bound cannot equal upper bound")
	}
	var r int64
	bucket := func(num1, num2 *apd.Decimal) {
		// count * num1 / num2, floored, plus one (exact in numeric).
		n, q := new(apd.Decimal), new(apd.Decimal)
		numCtx.Mul(n, num1, apd.New(count, 0))
		numCtx.QuoInteger(q, n, num2)
		v, _ := q.Int64()
		r = v + 1
	}
	sub := func(a, b *apd.Decimal) *apd.Decimal { d := new(apd.Decimal); numCtx.Sub(d, a, b); return d }
	if cmp < 0 {
		switch {
		case op.Cmp(lo) < 0:
			r = 0
		case op.Cmp(hi) >= 0:
			r = count + 1
		default:
			bucket(sub(op, lo), sub(hi, lo))
		}
	} else {
		switch {
		case op.Cmp(lo) > 0:
			r = 0
		case op.Cmp(hi) <= 0:
			r = count + 1
		default:
			bucket(sub(lo, op), sub(lo, hi))
		}
	}
	return intResult(r, types.Int4)
}
