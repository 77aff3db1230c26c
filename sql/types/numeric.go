package types

import (
	"encoding/binary"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// PostgreSQL's numeric limits (numeric.h): at most 131072 digits before the
// decimal point and 16383 after it.
const (
	numericMaxIntDigits = 131072
	numericMaxDscale    = 16383
)

// Numeric values keep PostgreSQL's display scale in the apd exponent:
// dscale = max(0, -Exponent), so "1.50" is coefficient 150, exponent -2,
// and an integer may keep a positive exponent (1e6 is coefficient 1,
// exponent 6, printed 1000000) so that huge values stay cheap. Zero and
// NaN are never negative.

func appendNumeric(buf []byte, d Datum) []byte {
	n := d.(*apd.Decimal)
	switch n.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, "NaN"...)
	case apd.Infinite:
		if n.Negative {
			return append(buf, "-Infinity"...)
		}
		return append(buf, "Infinity"...)
	}
	if n.Coeff.Sign() == 0 {
		// No negative zero, and 0E+3 is just 0.
		if n.Exponent >= 0 {
			return append(buf, '0')
		}
		c := apd.Decimal{Exponent: n.Exponent}
		return c.Append(buf, 'f')
	}
	// apd's 'f' format prints positive exponents as trailing zeros.
	return n.Append(buf, 'f')
}

// normalizeScale sets d to x without negative zero or negative NaN, the
// forms numeric datums never take.
func normalizeScale(d, x *apd.Decimal) *apd.Decimal {
	d.Set(x)
	if d.Form == apd.Finite && d.Coeff.Sign() == 0 || d.Form == apd.NaN || d.Form == apd.NaNSignaling {
		d.Negative = false
		if d.Exponent > 0 {
			d.Exponent = 0
		}
	}
	return d
}

// scaleToZero sets d to x with exponent 0 when x's exponent is positive
// (rounding code wants the plain integer).
func scaleToZero(d, x *apd.Decimal) *apd.Decimal {
	d.Set(x)
	if d.Form == apd.Finite && d.Exponent > 0 {
		var ten, p apd.BigInt
		ten.SetInt64(10)
		p.Exp(&ten, apd.NewBigInt(int64(d.Exponent)), nil)
		d.Coeff.Mul(&d.Coeff, &p)
		d.Exponent = 0
	}
	return d
}

func errNumericOverflow() error {
	return pgerror.New(pgerror.NumericValueOutOfRange, "value overflows numeric format")
}

// parseNumeric follows numeric_in (PostgreSQL 15): whitespace around, the
// special words of float8in, [+-]digits[.digits][e[+-]digits].
func parseNumeric(s string) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	rest := s[i:]
	for _, sp := range numericSpecials {
		if len(rest) >= len(sp.word) && strings.EqualFold(rest[:len(sp.word)], sp.word) {
			if trimSpace(rest[len(sp.word):]) != "" {
				return nil, errSyntax("numeric", s)
			}
			d := new(apd.Decimal)
			d.Form = sp.form
			d.Negative = sp.neg
			return d, nil
		}
	}
	neg := false
	if i < n && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Collect the significant digits; leading zeros are dropped.
	var small uint64
	var digits []byte
	var scratch [40]byte
	nd, frac := 0, 0
	seenDigit, seenDot := false, false
	for ; i < n; i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			seenDigit = true
			if seenDot {
				frac++
			}
			if nd == 0 && c == '0' {
				continue
			}
			if nd < 19 {
				small = small*10 + uint64(c-'0')
			}
			if digits == nil && nd == 19 {
				// Switch to a digit string; the 19 digits so far may
				// straddle the dot.
				digits = appendDigitsOnly(scratch[:0], s, i, 19)
			}
			if digits != nil {
				digits = append(digits, c)
			}
			nd++
		} else if c == '.' && !seenDot {
			seenDot = true
		} else {
			break
		}
	}
	if !seenDigit {
		return nil, errSyntax("numeric", s)
	}
	exp := int64(0)
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < n && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for i < n && s[i] >= '0' && s[i] <= '9' {
			if exp < 1<<40 {
				exp = exp*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return nil, errSyntax("numeric", s)
		}
		if exp >= 1<<30 {
			return nil, errNumericOverflow()
		}
		if eneg {
			exp = -exp
		}
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	if i != n {
		return nil, errSyntax("numeric", s)
	}
	// value = digits * 10^(exp - frac); dscale = max(0, frac - exp).
	e := exp - int64(frac)
	dscale := -e
	if dscale < 0 {
		dscale = 0
	}
	if dscale > numericMaxDscale || int64(nd)+e > numericMaxIntDigits {
		if nd > 0 || dscale > numericMaxDscale {
			return nil, errNumericOverflow()
		}
	}
	d := new(apd.Decimal)
	if digits == nil {
		d.Coeff.SetUint64(small)
	} else {
		d.Coeff.SetString(string(digits), 10)
	}
	d.Exponent = int32(e)
	d.Negative = neg
	return normalizeScale(d, d), nil
}

// appendDigitsOnly appends the count digits that precede s[end], skipping a
// decimal point among them.
func appendDigitsOnly(buf []byte, s string, end, count int) []byte {
	start := end
	for k := 0; k < count; {
		start--
		if s[start] != '.' {
			k++
		}
	}
	for j := start; j < end; j++ {
		if s[j] != '.' {
			buf = append(buf, s[j])
		}
	}
	return buf
}

var numericSpecials = []struct {
	word string
	form apd.Form
	neg  bool
}{
	{"NaN", apd.NaN, false},
	{"Infinity", apd.Infinite, false},
	{"+Infinity", apd.Infinite, false},
	{"-Infinity", apd.Infinite, true},
	{"inf", apd.Infinite, false},
	{"+inf", apd.Infinite, false},
	{"-inf", apd.Infinite, true},
}

// Binary numeric sign words (numeric.c).
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// appendNumericBinary writes numeric_send's form: ndigits, weight, sign,
// dscale (int16 each) and ndigits base-10000 digits, with leading and
// trailing zero digits stripped as make_result does.
func appendNumericBinary(buf []byte, n *apd.Decimal) []byte {
	switch n.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, 0, 0, 0, 0, numericNaN>>8, 0, 0, 0)
	case apd.Infinite:
		if n.Negative {
			return append(buf, 0, 0, 0, 0, numericNInf>>8, 0, 0, 0x20)
		}
		// PostgreSQL sends dscale 32 for infinities (its header bits).
		return append(buf, 0, 0, 0, 0, numericPInf>>8, 0, 0, 0x20)
	}
	var scratch [48]byte
	digits := n.Coeff.Append(scratch[:0], 10)
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	e := int(n.Exponent)
	dscale := 0
	if e < 0 {
		dscale = -e
	} else {
		for k := 0; k < e; k++ {
			digits = append(digits, '0')
		}
	}
	if len(digits) == 1 && digits[0] == '0' {
		digits = digits[:0]
	}
	// intDigits: digits before the point (may be <= 0 for 0.00x).
	intDigits := len(digits) - dscale
	// Left pad so the point falls on a 4-digit boundary.
	pad := ((intDigits % 4) + 4) % 4
	if pad != 0 {
		pad = 4 - pad
	}
	weight := (intDigits+pad)/4 - 1
	total := pad + len(digits)
	ngroups := (total + 3) / 4
	groups := make([]int16, 0, 16)
	for g := 0; g < ngroups; g++ {
		v := 0
		for k := 0; k < 4; k++ {
			idx := g*4 + k - pad
			v *= 10
			if idx >= 0 && idx < len(digits) {
				v += int(digits[idx] - '0')
			}
		}
		groups = append(groups, int16(v))
	}
	// Strip leading zero groups (shifting the weight) and trailing ones.
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	sign := uint16(numericPos)
	if n.Negative && len(groups) > 0 {
		sign = numericNeg
	}
	if len(groups) == 0 {
		weight = 0
	}
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(groups)))
	buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	buf = binary.BigEndian.AppendUint16(buf, uint16(dscale))
	for _, g := range groups {
		buf = binary.BigEndian.AppendUint16(buf, uint16(g))
	}
	return buf
}

func errBinary(format string, args ...any) error {
	return pgerror.New(pgerror.InvalidBinaryRepresentation, format, args...)
}

// parseNumericBinary is numeric_recv: it validates sign, scale and digits and
// truncates digits beyond dscale.
func parseNumericBinary(b []byte) (Datum, error) {
	if len(b) < 8 {
		return nil, errInsufficient()
	}
	nd := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	b = b[8:]
	switch sign {
	case numericPos, numericNeg, numericNaN, numericPInf, numericNInf:
	default:
		return nil, errBinary("invalid sign in external \"numeric\" value")
	}
	if dscale&0x3FFF != dscale {
		return nil, errBinary("invalid scale in external \"numeric\" value")
	}
	if len(b) < 2*nd {
		return nil, errInsufficient()
	}
	if len(b) > 2*nd {
		return nil, errTrailing()
	}
	// numeric_recv reads (and checks) the digits of special values too.
	for k := 0; k < nd; k++ {
		if g := int16(binary.BigEndian.Uint16(b[2*k:])); g < 0 || g >= 10000 {
			return nil, errBinary("invalid digit in external \"numeric\" value")
		}
	}
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numericNInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	}
	// Digits as a decimal string: group i has value scale 10000^(weight-i).
	// Keep digits down to 10^-dscale (truncating the rest).
	digits := make([]byte, 0, nd*4+8)
	for k := 0; k < nd; k++ {
		g := int16(binary.BigEndian.Uint16(b[2*k:]))
		if g < 0 || g >= 10000 {
			return nil, errBinary("invalid digit in external \"numeric\" value")
		}
		digits = append(digits, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	// Exponent of the last digit in digits.
	e := (weight + 1 - nd) * 4
	if -e > dscale {
		// Truncate to dscale decimal places.
		drop := -e - dscale
		if drop >= len(digits) {
			digits = digits[:0]
		} else {
			digits = digits[:len(digits)-drop]
		}
		e = -dscale
	}
	for e > -dscale && e > 0 && dscale > 0 {
		digits = append(digits, '0')
		e--
	}
	for e > -dscale && e <= 0 {
		digits = append(digits, '0')
		e--
	}
	d := new(apd.Decimal)
	if len(digits) == 0 {
		d.Exponent = int32(-dscale)
		return d, nil
	}
	if e < -numericMaxDscale-4 || len(digits)+e > numericMaxIntDigits+4 {
		return nil, errNumericOverflow()
	}
	if _, ok := d.Coeff.SetString(string(digits), 10); !ok {
		return nil, errBinary("invalid digit in external \"numeric\" value")
	}
	d.Exponent = int32(e)
	d.Negative = sign == numericNeg && d.Coeff.Sign() != 0
	return d, nil
}
