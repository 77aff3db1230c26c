package eval

import (
	"encoding/binary"
	"math"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// float8 functions ported from PostgreSQL's float.c: the hyperbolic
// inverses, the degree-based trigonometric functions (whose results are
// exact at the "nice" angles: sind(30) = 0.5, tand(45) = 1), power with
// POSIX's NaN and infinity rules, and float4send/float8send.

func init() {
	impls[planner.FnAsinh] = floatFn(math.Asinh, false)
	impls[planner.FnAcosh] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if v < 1 {
			return nil, errInputRange()
		}
		return math.Acosh(v), nil
	}
	impls[planner.FnAtanh] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if v < -1 || v > 1 {
			return nil, errInputRange()
		}
		// atanh(+-1) is +-Infinity, not an overflow.
		return math.Atanh(v), nil
	}
	impls[planner.FnSind] = degreeFn(sind)
	impls[planner.FnCosd] = degreeFn(cosd)
	impls[planner.FnTand] = degreeFn(tand)
	impls[planner.FnCotd] = degreeFn(cotd)
	impls[planner.FnAsind] = degreeFn(asind)
	impls[planner.FnAcosd] = degreeFn(acosd)
	impls[planner.FnAtand] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if math.IsNaN(v) {
			return v, nil
		}
		return math.Atan(v) / atan1 * 45, nil
	}
	impls[planner.FnAtan2d] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		y, xv := a[0].(float64), a[1].(float64)
		if math.IsNaN(y) || math.IsNaN(xv) {
			return math.NaN(), nil
		}
		return math.Atan2(y, xv) / atan1 * 45, nil
	}
	impls[planner.FnFloatSend] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if x.Args[0].Type().OID == types.OidFloat4 {
			return binary.BigEndian.AppendUint32(nil, math.Float32bits(float32(v))), nil
		}
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(v)), nil
	}
}

func errInputRange() error {
	return pgerror.New(pgerror.NumericValueOutOfRange, "input is out of range")
}

// degreeFn wraps a degree function: NaN passes through, the function may
// reject its input (infinities), and an infinite result from finite input
// is an overflow except for tand and cotd (tand(90) is Infinity).
func degreeFn(f func(float64) (float64, error)) implFn {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		v := a[0].(float64)
		if math.IsNaN(v) {
			return v, nil
		}
		r, err := f(v)
		if err != nil {
			return nil, err
		}
		if math.IsInf(r, 0) && x.Fn.ID != planner.FnTand && x.Fn.ID != planner.FnCotd {
			return nil, cp(errOverflow)
		}
		return r, nil
	}
}

// The constants float.c's init_degree_constants computes at run time (so
// that the compiler cannot fold them differently from the calls below).
var (
	// radPerDeg is a variable so that radPerDeg*30 is a float64 product at
	// run time, the same as sind0to30(30) computes, not an exact constant.
	radPerDeg     = 0.0174532925199432957692
	sin30         = math.Sin(radPerDeg * 30)
	oneMinusCos60 = 1 - math.Cos(radPerDeg*60)
	asin05        = math.Asin(0.5)
	acos05        = math.Acos(0.5)
	atan1         = math.Atan(1)
	tan45         = sindQ1(45) / cosdQ1(45)
	cot45         = cosdQ1(45) / sindQ1(45)
)

func sind0to30(x float64) float64 { return (math.Sin(x*radPerDeg) / sin30) / 2 }

func cosd0to60(x float64) float64 {
	oneMinusCos := 1 - math.Cos(x*radPerDeg)
	return 1 - (oneMinusCos/oneMinusCos60)/2
}

func sindQ1(x float64) float64 {
	if x <= 30 {
		return sind0to30(x)
	}
	return cosd0to60(90 - x)
}

func cosdQ1(x float64) float64 {
	if x <= 60 {
		return cosd0to60(x)
	}
	return sind0to30(90 - x)
}

func asindQ1(x float64) float64 {
	if x <= 0.5 {
		return (math.Asin(x) / asin05) * 30
	}
	return 90 - (math.Acos(x)/acos05)*60
}

func acosdQ1(x float64) float64 {
	if x <= 0.5 {
		return 90 - (math.Asin(x)/asin05)*30
	}
	return (math.Acos(x) / acos05) * 60
}

func sind(v float64) (float64, error) {
	if math.IsInf(v, 0) {
		return 0, errInputRange()
	}
	sign := 1.0
	v = math.Mod(v, 360)
	if v < 0 {
		v, sign = -v, -sign
	}
	if v > 180 {
		v, sign = 360-v, -sign
	}
	if v > 90 {
		v = 180 - v
	}
	return sign * sindQ1(v), nil
}

func cosd(v float64) (float64, error) {
	if math.IsInf(v, 0) {
		return 0, errInputRange()
	}
	sign := 1.0
	v = math.Mod(v, 360)
	if v < 0 {
		v = -v
	}
	if v > 180 {
		v = 360 - v
	}
	if v > 90 {
		v, sign = 180-v, -sign
	}
	return sign * cosdQ1(v), nil
}

func tand(v float64) (float64, error) {
	if math.IsInf(v, 0) {
		return 0, errInputRange()
	}
	sign := 1.0
	v = math.Mod(v, 360)
	if v < 0 {
		v, sign = -v, -sign
	}
	if v > 180 {
		v, sign = 360-v, -sign
	}
	if v > 90 {
		v, sign = 180-v, -sign
	}
	r := sign * ((sindQ1(v) / cosdQ1(v)) / tan45)
	if r == 0 {
		r = 0 // no minus zero (tand(180))
	}
	return r, nil
}

func cotd(v float64) (float64, error) {
	if math.IsInf(v, 0) {
		return 0, errInputRange()
	}
	sign := 1.0
	v = math.Mod(v, 360)
	if v < 0 {
		v, sign = -v, -sign
	}
	if v > 180 {
		v, sign = 360-v, -sign
	}
	if v > 90 {
		v, sign = 180-v, -sign
	}
	r := sign * ((cosdQ1(v) / sindQ1(v)) / cot45)
	if r == 0 {
		r = 0 // no minus zero (cotd(270))
	}
	return r, nil
}

func asind(v float64) (float64, error) {
	if v < -1 || v > 1 {
		return 0, errInputRange()
	}
	if v >= 0 {
		return asindQ1(v), nil
	}
	return -asindQ1(-v), nil
}

func acosd(v float64) (float64, error) {
	if v < -1 || v > 1 {
		return 0, errInputRange()
	}
	if v >= 0 {
		return acosdQ1(v), nil
	}
	return 90 + asindQ1(-v), nil
}

// floatPow is float.c's dpow: NaN ^ 0 = 1 and 1 ^ NaN = 1, other NaN
// inputs give NaN; infinities per POSIX; overflow and underflow of finite
// inputs are errors.
func floatPow(l, r float64) (types.Datum, error) {
	if math.IsNaN(l) {
		if math.IsNaN(r) || r != 0 {
			return math.NaN(), nil
		}
		return 1.0, nil
	}
	if math.IsNaN(r) {
		if l != 1 {
			return math.NaN(), nil
		}
		return 1.0, nil
	}
	if l == 0 && r < 0 {
		return nil, pgerror.New("2201F", "zero raised to a negative power is undefined")
	}
	if l < 0 && math.Floor(r) != r {
		return nil, pgerror.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	switch {
	case math.IsInf(r, 0):
		ax := math.Abs(l)
		switch {
		case ax == 1:
			return 1.0, nil
		case r > 0:
			if ax > 1 {
				return r, nil
			}
			return 0.0, nil
		default:
			if ax > 1 {
				return 0.0, nil
			}
			return -r, nil
		}
	case math.IsInf(l, 0):
		if r == 0 {
			return 1.0, nil
		}
		if l > 0 {
			if r > 0 {
				return l, nil
			}
			return 0.0, nil
		}
		half := r / 2
		odd := math.Floor(half) != half
		if r > 0 {
			if odd {
				return l, nil
			}
			return -l, nil
		}
		if odd {
			return math.Copysign(0, -1), nil
		}
		return 0.0, nil
	}
	p := math.Pow(l, r)
	if math.IsInf(p, 0) {
		return nil, cp(errOverflow)
	}
	if p == 0 && l != 0 {
		return nil, cp(errUnderflow)
	}
	return p, nil
}
