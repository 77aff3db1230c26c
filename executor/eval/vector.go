package eval

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Typed column vectors: the values of one expression for every row of a
// batch (batch_expr.go computes them, batch_agg.go consumes them).
//
// A vector holds its values unboxed in a slice of the Go type its kind
// names, so that arithmetic and accumulation are loops over int64 or
// float64 without an interface dispatch or an allocation per value, and
// a SIMD kernel (package simd, later) can take the slice as it is.
// Anything without a typed form stays a slice of datums (vDatum).
//
// Numerics (vDec) are scaled integers: every value of the vector is
// i64[i] / 10^scale, exactly, for one scale per vector. PostgreSQL's
// numeric has a display scale per value (what it prints after the
// point), which a vector whose rows differ in it (a column without a
// typmod, CASE arms of different scales) keeps per row in rscale; the
// common scale is then their maximum and every value is still exact at
// it. Values that do not fit (NaN, infinities, coefficients past int64)
// make the kernel give up on the batch, which is then evaluated row by row.

// vecKind is how a vector holds its values.
type vecKind uint8

const (
	vDatum vecKind = iota // d: datums as the row evaluator makes them
	vInt                  // i64: every integer type (int2, int4, int8)
	vFloat                // f64: float4 and float8
	vDec                  // i64 at scale: finite numerics
	vBool                 // b: booleans
)

// vector is one expression's values over a batch. null[i] marks a NULL
// (and every row outside the evaluation's active set, see vexpr).
type vector struct {
	kind  vecKind
	null  []bool
	i64   []int64
	f64   []float64
	b     []bool
	d     []types.Datum
	scale int32
	// rscale, when mixed, is each row's display scale (<= scale).
	rscale []int32
	mixed  bool
}

// reset prepares v for n values of kind k, all NULL.
func (v *vector) reset(k vecKind, n int) {
	v.kind, v.scale, v.mixed = k, 0, false
	v.null = grownTo(v.null, n)
	for i := range v.null {
		v.null[i] = true
	}
	switch k {
	case vInt, vDec:
		v.i64 = grownTo(v.i64, n)
	case vFloat:
		v.f64 = grownTo(v.f64, n)
	case vBool:
		v.b = grownTo(v.b, n)
	default:
		v.d = grownTo(v.d, n)
		clear(v.d)
	}
}

// grownTo returns s with length n, reusing its memory when it can.
func grownTo[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, max(n, batchSize))
}

// rowScale is row i's display scale in a vDec vector.
func (v *vector) rowScale(i int) int32 {
	if v.mixed {
		return v.rscale[i]
	}
	return v.scale
}

// setMixed makes v keep a display scale per row, all at scale so far.
func (v *vector) setMixed() {
	if v.mixed {
		return
	}
	v.mixed = true
	v.rscale = grownTo(v.rscale, len(v.null))
	for i := range v.rscale {
		v.rscale[i] = v.scale
	}
}

// rescale raises a vDec vector's common scale to s (>= v.scale), false
// when a value would overflow.
func (v *vector) rescale(s int32) bool {
	if s == v.scale {
		return true
	}
	v.setMixed() // rows keep their display scale
	k := s - v.scale
	for i, x := range v.i64 {
		if v.null[i] {
			continue
		}
		y, ok := scale10(x, k)
		if !ok {
			return false
		}
		v.i64[i] = y
	}
	v.scale = s
	return true
}

// datum is row i's value as the row evaluator would give it. A numeric
// is a new *apd.Decimal with the row's display scale.
func (v *vector) datum(i int) types.Datum {
	if v.null[i] {
		return nil
	}
	switch v.kind {
	case vInt:
		return v.i64[i]
	case vFloat:
		return v.f64[i]
	case vBool:
		return v.b[i]
	case vDec:
		return decAt(v.i64[i], v.scale, v.rowScale(i))
	}
	return v.d[i]
}

// decAt is the numeric c / 10^scale written with display scale ds
// (<= scale; c is then a multiple of 10^(scale-ds)).
func decAt(c int64, scale, ds int32) *apd.Decimal {
	if ds < scale {
		c /= pow10[scale-ds]
	}
	return new(apd.Decimal).SetFinite(c, -ds)
}

// decOf reads a finite numeric whose coefficient fits an int64 as a
// coefficient and display scale (dscale: digits after the point; a
// positive exponent, which the decoder gives for whole numbers like
// 1E+4, becomes scale 0), false for anything else.
func decOf(d *apd.Decimal) (c int64, ds int32, ok bool) {
	c, ok = smallCoeff(d)
	if !ok {
		return 0, 0, false
	}
	if d.Exponent > 0 {
		c, ok = scale10(c, d.Exponent)
		return c, 0, ok
	}
	if d.Exponent < -1000 {
		return 0, 0, false
	}
	return c, -d.Exponent, true
}

// kindOfType is the vector kind that holds values of t.
func kindOfType(t *types.T) vecKind {
	switch t.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8:
		return vInt
	case types.OidFloat4, types.OidFloat8:
		return vFloat
	case types.OidNumeric:
		return vDec
	case types.OidBool:
		return vBool
	}
	return vDatum
}

// loadDatums fills v (kind k) from the datums src[i] of the active rows,
// false when one has no typed form (a numeric that does not fit). src
// may be v.d.
func (v *vector) loadDatums(k vecKind, src []types.Datum, act []bool) bool {
	n := len(src)
	if k == vDatum {
		v.d = grownTo(v.d, n)
		copy(v.d, src) // a no-op when src is v.d
		v.kind = vDatum
		v.null = grownTo(v.null, n)
		for i := range v.d {
			if act != nil && !act[i] {
				v.d[i] = nil
			}
			v.null[i] = v.d[i] == nil
		}
		return true
	}
	v.reset(k, n)
	switch k {
	case vInt:
		for i := 0; i < n; i++ {
			if act != nil && !act[i] {
				continue
			}
			if x, ok := src[i].(int64); ok {
				v.i64[i], v.null[i] = x, false
			} else if src[i] != nil {
				return false
			}
		}
	case vFloat:
		for i := 0; i < n; i++ {
			if act != nil && !act[i] {
				continue
			}
			if x, ok := src[i].(float64); ok {
				v.f64[i], v.null[i] = x, false
			} else if src[i] != nil {
				return false
			}
		}
	case vBool:
		for i := 0; i < n; i++ {
			if act != nil && !act[i] {
				continue
			}
			if x, ok := src[i].(bool); ok {
				v.b[i], v.null[i] = x, false
			} else if src[i] != nil {
				return false
			}
		}
	case vDec:
		return v.loadDec(src, act)
	}
	return true
}

// loadDec is loadDatums for numerics: a first pass reads coefficients and
// display scales, a second brings every value to the largest scale.
func (v *vector) loadDec(src []types.Datum, act []bool) bool {
	n := len(src)
	v.rscale = grownTo(v.rscale, n)
	first, mixed := true, false
	var s int32
	for i := 0; i < n; i++ {
		if act != nil && !act[i] {
			continue
		}
		x := src[i]
		if x == nil {
			continue
		}
		d, ok := x.(*apd.Decimal)
		if !ok {
			return false
		}
		c, ds, ok := decOf(d)
		if !ok {
			return false
		}
		v.i64[i], v.rscale[i], v.null[i] = c, ds, false
		switch {
		case first:
			s, first = ds, false
		case ds != s:
			mixed = true
			s = max(s, ds)
		}
	}
	return v.atScale(n, s, mixed)
}

// atScale sets the vector's scale to s, the largest display scale of its
// n values; when they differ (mixed), the values of smaller scales are
// rescaled to s, keeping their own display scale in rscale. false: a
// value does not fit int64 at s (the batch then goes row by row).
func (v *vector) atScale(n int, s int32, mixed bool) bool {
	v.scale = s
	if !mixed {
		return true
	}
	v.mixed = true
	for i := 0; i < n; i++ {
		if v.null[i] || v.rscale[i] == s {
			continue
		}
		y, ok := scale10(v.i64[i], s-v.rscale[i])
		if !ok {
			return false
		}
		v.i64[i] = y
	}
	return true
}
