package eval

import (
	"math"
	"math/bits"

	"github.com/cockroachdb/apd/v3"
)

// Fast paths for numeric + - * when both coefficients fit in an int64 and
// the exact result does too: the common case (money amounts, quantities)
// done in machine arithmetic. apd's general path rounds every result to
// the context's precision, which counts digits with big-integer work and
// was a third of TPC-H Q1's time. The results are the exact ones apd
// would give: same coefficient, exponent min(l, r) for + and -, the sum
// of exponents for *.

// pow10 holds 10^0 .. 10^18.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// smallCoeff returns d's signed coefficient when d is finite and it fits.
func smallCoeff(d *apd.Decimal) (int64, bool) {
	if d.Form != apd.Finite || !d.Coeff.IsInt64() {
		return 0, false
	}
	c := d.Coeff.Int64()
	if d.Negative {
		c = -c
	}
	return c, true
}

// scale10 returns c * 10^n, or false on overflow.
func scale10(c int64, n int32) (int64, bool) {
	if n == 0 {
		return c, true
	}
	if n < 0 || n >= int32(len(pow10)) {
		return 0, false
	}
	m := pow10[n]
	if c > math.MaxInt64/m || c < -math.MaxInt64/m {
		return 0, false
	}
	return c * m, true
}

// fastAddDec is l + r (l - r with sub), or false to take apd's path.
func fastAddDec(l, r *apd.Decimal, sub bool) (*apd.Decimal, bool) {
	d := new(apd.Decimal)
	if !fastAddInto(d, l, r, sub) {
		return nil, false
	}
	return d, true
}

// fastAddInto sets d to l + r (l - r with sub) and reports whether the
// fast path applied (d is unchanged when not); d may be l or r, which
// lets an aggregate's running sum grow without allocating.
func fastAddInto(d, l, r *apd.Decimal, sub bool) bool {
	a, ok1 := smallCoeff(l)
	b, ok2 := smallCoeff(r)
	if !ok1 || !ok2 {
		return false
	}
	if sub {
		b = -b
	}
	e := min(l.Exponent, r.Exponent)
	a, ok1 = scale10(a, l.Exponent-e)
	b, ok2 = scale10(b, r.Exponent-e)
	if !ok1 || !ok2 {
		return false
	}
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return false
	}
	d.SetFinite(s, e)
	return true
}

// fastMulDec is l * r, or false to take apd's path.
func fastMulDec(l, r *apd.Decimal) (*apd.Decimal, bool) {
	a, ok1 := smallCoeff(l)
	b, ok2 := smallCoeff(r)
	if !ok1 || !ok2 {
		return nil, false
	}
	ua, ub := uint64(a), uint64(b)
	neg := false
	if a < 0 {
		ua, neg = uint64(-a), true
	}
	if b < 0 {
		ub, neg = uint64(-b), !neg
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return nil, false
	}
	e := int64(l.Exponent) + int64(r.Exponent)
	if e < math.MinInt32/2 || e > math.MaxInt32/2 {
		return nil, false
	}
	p := int64(lo)
	if neg {
		p = -p
	}
	// PostgreSQL's product has the sum of the display scales: a factor
	// with a positive exponent (a whole number such as 1E+4, as decoded)
	// counts as scale 0, so the product is written out to that scale.
	if ds := -int64(dscale(l) + dscale(r)); e > ds {
		var ok bool
		if p, ok = scale10(p, int32(e-ds)); !ok {
			return nil, false
		}
		e = ds
	}
	return new(apd.Decimal).SetFinite(p, int32(e)), true
}
