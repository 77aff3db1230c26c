package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// appendFloat prints like float4out/float8out. With extra_float_digits > 0
// it is the shortest string that reads back exactly, in fixed notation
// when the decimal exponent is in [-4, 15) (float8) or [-4, 6) (float4),
// which is where PostgreSQL's Ryu-based output switches, and otherwise
// in C's %e layout (1e+20, 1.5e-07).
func appendFloat(buf []byte, f float64, bits int, efd int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	}
	if efd > 0 {
		if f == 0 {
			if math.Signbit(f) {
				return append(buf, "-0"...)
			}
			return append(buf, '0')
		}
		// Format once in %e layout; the decimal exponent decides whether to
		// rewrite the same shortest digits in fixed notation.
		var tmp [32]byte
		e := strconv.AppendFloat(tmp[:0], f, 'e', -1, bits)
		k := len(e) - 1
		for e[k] != 'e' {
			k--
		}
		exp := 0
		for _, c := range e[k+2:] {
			exp = exp*10 + int(c-'0')
		}
		if e[k+1] == '-' {
			exp = -exp
		}
		limit := 15
		if bits == 32 {
			limit = 6
		}
		if exp < -4 || exp >= limit {
			return append(buf, e...)
		}
		mant := e[:k]
		if mant[0] == '-' {
			buf = append(buf, '-')
			mant = mant[1:]
		}
		// Significant digits without the point.
		var dig [20]byte
		nd := 0
		for _, c := range mant {
			if c != '.' {
				dig[nd] = c
				nd++
			}
		}
		if exp < 0 {
			buf = append(buf, '0', '.')
			for i := -1; i > exp; i-- {
				buf = append(buf, '0')
			}
			return append(buf, dig[:nd]...)
		}
		if nd <= exp+1 {
			buf = append(buf, dig[:nd]...)
			for i := nd; i <= exp; i++ {
				buf = append(buf, '0')
			}
			return buf
		}
		buf = append(buf, dig[:exp+1]...)
		buf = append(buf, '.')
		return append(buf, dig[exp+1:nd]...)
	}
	prec := 15 + efd
	if bits == 32 {
		prec = 6 + efd
	}
	if prec < 1 {
		prec = 1
	}
	// C's %.*g: Go's 'g' with a precision matches it, including the
	// two-digit exponent minimum and trailing-zero removal.
	return strconv.AppendFloat(buf, f, 'g', prec, 64)
}

// parseFloat follows float4in/float8in: whitespace around the number, the
// special words NaN, [+-]Infinity and [+-]inf in any case, strtod syntax
// otherwise (including hexadecimal floats), and out-of-range errors both for
// overflow and for underflow to zero of a non-zero literal.
func parseFloat(s string, bits int) (Datum, error) {
	typName := "double precision"
	if bits == 32 {
		typName = "real"
	}
	t := trimSpace(s)
	if t == "" || strings.IndexByte(t, '_') >= 0 || !floatSyntaxOK(t) {
		return nil, errSyntax(typName, s)
	}
	if h := strings.TrimLeft(t, "+-"); len(h) > 2 && (h[1] == 'x' || h[1] == 'X') && !strings.ContainsAny(h, "pP") {
		// strtod reads hex floats without a binary exponent; Go needs one.
		t += "p0"
	}
	f, err := strconv.ParseFloat(t, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "\"%s\" is out of range for type %s", s, typName)
		}
		return nil, errSyntax(typName, s)
	}
	if f == 0 && !isZeroLiteral(t) {
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "\"%s\" is out of range for type %s", s, typName)
	}
	if f != f {
		f = canonicalNaN
	}
	return f, nil
}

// canonicalNaN has the bits PostgreSQL's NaN has (C's NAN: quiet, no payload).
var canonicalNaN = math.Float64frombits(0x7ff8000000000000)

// floatSyntaxOK rejects what Go's ParseFloat accepts but strtod does not,
// and what strtod accepts only as a prefix.
func floatSyntaxOK(t string) bool {
	u := t
	if u[0] == '+' || u[0] == '-' {
		u = u[1:]
	}
	if len(u) >= 2 && u[0] == '0' && (u[1] == 'x' || u[1] == 'X') {
		// strtod reads hex floats; a bare "0x" is "0" followed by junk.
		return len(u) > 2
	}
	switch strings.ToLower(u) {
	case "inf", "infinity", "nan":
		// A sign on NaN is accepted by strtod too.
		return true
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// isZeroLiteral reports whether a number literal has only zero digits in its
// mantissa (so that 0 is not an underflow).
func isZeroLiteral(t string) bool {
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	hex := false
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		hex = true
		t = t[2:]
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '0' || c == '.':
		case !hex && (c == 'e' || c == 'E'), hex && (c == 'p' || c == 'P'):
			return true
		default:
			return false
		}
	}
	return true
}

// roundFloat4 rounds f to float32 precision, as storing it in a float4 would.
func roundFloat4(f float64) (float64, bool) {
	r := float64(float32(f))
	if math.IsInf(r, 0) && !math.IsInf(f, 0) {
		return r, false
	}
	if r == 0 && f != 0 {
		return r, false
	}
	return r, true
}
