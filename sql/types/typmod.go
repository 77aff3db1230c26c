package types

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// varHdrSz is PostgreSQL's VARHDRSZ, which character and numeric typmods
// include.
const varHdrSz = 4

// Interval typmod range bits (datetime.h: INTERVAL_MASK of each field).
const (
	IntervalRangeMonth  = 1 << 1
	IntervalRangeYear   = 1 << 2
	IntervalRangeDay    = 1 << 3
	IntervalRangeHour   = 1 << 10
	IntervalRangeMinute = 1 << 11
	IntervalRangeSecond = 1 << 12
	IntervalFullRange   = 0x7FFF
	IntervalFullPrec    = 0xFFFF
)

// NumericTypmod encodes numeric(precision, scale).
func NumericTypmod(precision, scale int) int32 {
	return int32(precision<<16|(scale&0x7ff)) + varHdrSz
}

// NumericTypmodParts decodes a numeric typmod (scale may be negative).
func NumericTypmodParts(typmod int32) (precision, scale int) {
	v := typmod - varHdrSz
	precision = int(v>>16) & 0xffff
	scale = int((v&0x7ff)^1024) - 1024
	return
}

// IntervalTypmod encodes interval fields (range bits) and precision
// (IntervalFullPrec when none).
func IntervalTypmod(rangeBits, precision int) int32 {
	return int32((rangeBits&0x7FFF)<<16 | precision&0xFFFF)
}

// ApplyTypmod coerces d (non-NULL, of type t) to the type modifier typmod
// (-1: none) as an assignment or, when explicit, as an explicit cast:
// varchar(n)/char(n) fail with 22001 on assignment unless only spaces are
// cut, truncate on explicit casts, and char(n) pads with spaces;
// numeric(p,s) rounds half away from zero and fails with 22003 when the
// integer part does not fit; time/timestamp/interval round to the
// precision and interval drops fields outside its range.
func ApplyTypmod(t *T, typmod int32, d Datum, explicit bool) (Datum, error) {
	if typmod < 0 {
		return d, nil
	}
	switch t.OID {
	case OidVarchar, OidBpchar:
		return applyCharTypmod(t, typmod, d.(string), explicit)
	case OidNumeric:
		return applyNumericTypmod(typmod, d.(*apd.Decimal))
	case OidTimestamp:
		return TimestampVal(roundTimestamp(int64(d.(TimestampVal)), typmod)), nil
	case OidTimestampTZ:
		return TimestampTZVal(roundTimestamp(int64(d.(TimestampTZVal)), typmod)), nil
	case OidTime:
		if typmod < 6 {
			scale := timeScale(typmod)
			v := int64(d.(TimeOfDay))
			return TimeOfDay((v + scale/2) / scale * scale), nil
		}
		return d, nil
	case OidInterval:
		return applyIntervalTypmod(typmod, d.(IntervalVal))
	}
	if t.Elem != nil {
		a := d.(*Array)
		out := &Array{Elem: a.Elem, Elems: make([]any, len(a.Elems))}
		for i, e := range a.Elems {
			if e == nil {
				continue
			}
			v, err := ApplyTypmod(t.Elem, typmod, e, explicit)
			if err != nil {
				return nil, err
			}
			out.Elems[i] = v
		}
		return out, nil
	}
	return d, nil
}

func applyCharTypmod(t *T, typmod int32, s string, explicit bool) (Datum, error) {
	maxLen := int(typmod - varHdrSz)
	if maxLen < 0 {
		return s, nil
	}
	n := utf8.RuneCountInString(s)
	if n > maxLen {
		// Byte offset of the maxLen-th character.
		cut := 0
		for k := 0; k < maxLen; k++ {
			_, w := utf8.DecodeRuneInString(s[cut:])
			cut += w
		}
		if !explicit && strings.TrimLeft(s[cut:], " ") != "" {
			name := "character varying"
			if t.OID == OidBpchar {
				name = "character"
			}
			return nil, pgerror.New(pgerror.StringDataRightTruncation, "value too long for type %s(%d)", name, maxLen)
		}
		return s[:cut], nil
	}
	if t.OID == OidBpchar && n < maxLen {
		return s + strings.Repeat(" ", maxLen-n), nil
	}
	return s, nil
}

func applyNumericTypmod(typmod int32, n *apd.Decimal) (Datum, error) {
	if typmod < varHdrSz {
		return n, nil
	}
	precision, scale := NumericTypmodParts(typmod)
	switch n.Form {
	case apd.NaN, apd.NaNSignaling:
		return n, nil
	case apd.Infinite:
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", precision, scale)
	}
	r := new(apd.Decimal)
	if _, err := roundCtx.Quantize(r, n, int32(-scale)); err != nil {
		return nil, errNumericOverflow()
	}
	if scale < 0 {
		// A negative scale rounds to tens, hundreds, ...; the display
		// scale stays 0.
		scaleToZero(r, r)
	}
	if r.Coeff.Sign() == 0 {
		r.Negative = false
	}
	maxDigits := precision - scale
	// Digits before the decimal point after rounding.
	intDigits := int(r.NumDigits()) + int(r.Exponent)
	if r.Coeff.Sign() != 0 && intDigits > maxDigits {
		prefix, shown := "10^", maxDigits
		if maxDigits == 0 {
			prefix, shown = "", 1
		}
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d must round to an absolute value less than %s%d.",
				precision, scale, prefix, shown)
	}
	return r, nil
}

func timeScale(prec int32) int64 {
	s := int64(1)
	for i := prec; i < 6; i++ {
		s *= 10
	}
	return s
}

// roundTimestamp is AdjustTimestampForTypmod: half away from zero to
// 10^-prec seconds, infinities untouched.
func roundTimestamp(v int64, prec int32) int64 {
	if prec >= 6 || prec < 0 || v == math.MinInt64 || v == math.MaxInt64 {
		return v
	}
	scale := timeScale(prec)
	if v >= 0 {
		return (v + scale/2) / scale * scale
	}
	return -((-v + scale/2) / scale * scale)
}

func applyIntervalTypmod(typmod int32, iv IntervalVal) (Datum, error) {
	rng := int(typmod>>16) & 0x7FFF
	prec := int32(typmod & 0xFFFF)
	switch rng {
	case IntervalFullRange:
	case IntervalRangeYear:
		iv.Months = iv.Months / 12 * 12
		iv.Days, iv.Micros = 0, 0
	case IntervalRangeMonth, IntervalRangeYear | IntervalRangeMonth:
		iv.Days, iv.Micros = 0, 0
	case IntervalRangeDay:
		iv.Micros = 0
	case IntervalRangeHour, IntervalRangeDay | IntervalRangeHour:
		iv.Micros = iv.Micros / usecsPerHour * usecsPerHour
	case IntervalRangeMinute, IntervalRangeDay | IntervalRangeHour | IntervalRangeMinute,
		IntervalRangeHour | IntervalRangeMinute:
		iv.Micros = iv.Micros / usecsPerMinute * usecsPerMinute
	}
	if prec != IntervalFullPrec && prec >= 0 && prec < 6 {
		iv.Micros = roundTimestamp(iv.Micros, prec)
	}
	return iv, nil
}

// typmodString renders a typmod for format_type-style names: (10),
// (10,2), (3).
func typmodString(t *T, typmod int32) string {
	if typmod < 0 {
		return ""
	}
	switch t.OID {
	case OidVarchar, OidBpchar:
		return "(" + strconv.Itoa(int(typmod-varHdrSz)) + ")"
	case OidNumeric:
		p, s := NumericTypmodParts(typmod)
		return "(" + strconv.Itoa(p) + "," + strconv.Itoa(s) + ")"
	case OidTimestamp, OidTimestampTZ, OidTime:
		return "(" + strconv.Itoa(int(typmod)) + ")"
	case OidInterval:
		// intervaltypmodout: fields, then the precision.
		rng := int(typmod>>16) & 0x7FFF
		prec := int(typmod & 0xFFFF)
		out := ""
		if rng != IntervalFullRange {
			for name, bits := range intervalFields {
				if bits == rng {
					out = " " + name
				}
			}
		}
		if prec != IntervalFullPrec {
			out += "(" + strconv.Itoa(prec) + ")"
		}
		return out
	}
	return ""
}

// FormatType is format_type(oid, typmod): the SQL spelling with modifiers,
// e.g. "character varying(10)", "numeric(10,2)",
// "timestamp(3) with time zone", "integer[]".
func FormatType(t *T, typmod int32) string {
	if t.Elem != nil && !IsVector(t) {
		return FormatType(t.Elem, typmod) + "[]"
	}
	mod := typmodString(t, typmod)
	switch t.OID {
	case OidTimestamp:
		return "timestamp" + mod + " without time zone"
	case OidTimestampTZ:
		return "timestamp" + mod + " with time zone"
	case OidTime:
		return "time" + mod + " without time zone"
	case OidBpchar:
		if typmod < 0 {
			return "bpchar"
		}
	}
	return t.SQLName + mod
}
