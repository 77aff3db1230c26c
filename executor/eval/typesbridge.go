package eval

// Stand-ins for sql/types functions that did not exist yet when this
// package was written (Cast, ApplyTypmod). Switch the bodies to sql/types
// once it provides them.

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// compare orders two non-NULL datums of type t.
func compare(t *types.T, a, b types.Datum) int { return types.Compare(t, a, b) }

func isStringType(t *types.T) bool {
	switch t.OID {
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidUnknown, types.OidChar:
		return true
	}
	return false
}

// castDatum converts non-NULL d from type from to type to.
func castDatum(d types.Datum, from, to *types.T, o *types.FormatOpts) (types.Datum, error) {
	if from.OID == to.OID {
		return d, nil
	}
	if from.IsArray() && to.IsArray() {
		arr := d.(*types.Array)
		out := &types.Array{Elem: to.Elem, Elems: make([]any, len(arr.Elems))}
		for i, e := range arr.Elems {
			if e == nil {
				continue
			}
			v, err := castDatum(e, from.Elem, to.Elem, o)
			if err != nil {
				return nil, err
			}
			out.Elems[i] = v
		}
		return out, nil
	}
	if isStringType(to) {
		if from.OID == types.OidBool {
			if d.(bool) {
				return "true", nil
			}
			return "false", nil
		}
		s := string(types.AppendText(nil, from, d, o))
		if from.OID == types.OidBpchar && to.OID != types.OidBpchar {
			// bpchar's trailing blanks are not significant (rtrim1).
			s = strings.TrimRight(s, " ")
		}
		if to.OID == types.OidName && len(s) > 63 {
			n := 63
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
			s = s[:n]
		}
		return s, nil
	}
	if isStringType(from) {
		return types.ParseText(to, d.(string), o)
	}
	switch v := d.(type) {
	case int64:
		switch to.OID {
		case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegclass, types.OidRegtype:
			return intResult(v, to)
		case types.OidFloat4:
			return float64(float32(v)), nil
		case types.OidFloat8:
			return float64(v), nil
		case types.OidNumeric:
			return apd.New(v, 0), nil
		case types.OidBool:
			return v != 0, nil
		}
	case float64:
		switch to.OID {
		case types.OidInt2, types.OidInt4, types.OidInt8:
			r := math.RoundToEven(v)
			if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
				return nil, intRangeErr(to)
			}
			return intResult(int64(r), to)
		case types.OidFloat4:
			r := float32(v)
			if math.IsInf(float64(r), 0) && !math.IsInf(v, 0) {
				return nil, cp(errOverflow)
			}
			if r == 0 && v != 0 {
				return nil, cp(errUnderflow)
			}
			return float64(r), nil
		case types.OidFloat8:
			return v, nil
		case types.OidNumeric:
			switch {
			case math.IsNaN(v):
				return &apd.Decimal{Form: apd.NaN}, nil
			case math.IsInf(v, 0):
				return &apd.Decimal{Form: apd.Infinite, Negative: v < 0}, nil
			}
			digits := 15
			if from.OID == types.OidFloat4 {
				digits = 6
			}
			d, _, err := apd.NewFromString(strconv.FormatFloat(v, 'g', digits, 64))
			if err != nil {
				return nil, err
			}
			// %g drops trailing zeros but keeps exponent form; normalise
			// the exponent so that 1e+20 prints as digits.
			if d.Exponent > 0 {
				_, _ = apd.BaseContext.WithPrecision(400).Quantize(d, d, 0)
			}
			return d, nil
		}
	case *apd.Decimal:
		switch to.OID {
		case types.OidInt2, types.OidInt4, types.OidInt8:
			if v.Form != apd.Finite {
				return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot convert %s to %s", specialName(v), to.SQLName)
			}
			r := new(apd.Decimal)
			c := apd.BaseContext.WithPrecision(400)
			c.Rounding = apd.RoundHalfUp
			if _, err := c.RoundToIntegralValue(r, v); err != nil {
				return nil, intRangeErr(to)
			}
			i, err := r.Int64()
			if err != nil {
				return nil, intRangeErr(to)
			}
			return intResult(i, to)
		case types.OidFloat4, types.OidFloat8:
			f, err := strconv.ParseFloat(v.String(), 64)
			if err != nil && v.Form == apd.Finite {
				return nil, cp(errOverflow)
			}
			if v.Form == apd.NaN {
				f = math.NaN()
			}
			if to.OID == types.OidFloat4 {
				return float64(float32(f)), nil
			}
			return f, nil
		}
	case bool:
		if to.OID == types.OidInt4 {
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case types.DateVal:
		switch to.OID {
		case types.OidTimestamp:
			return types.TimestampVal(int64(v) * 86400e6), nil
		case types.OidTimestampTZ:
			return localToUTC(int64(v)*86400e6, o), nil
		}
	case types.TimestampVal:
		switch to.OID {
		case types.OidDate:
			return types.DateVal(floorDiv(int64(v), 86400e6)), nil
		case types.OidTimestampTZ:
			return localToUTC(int64(v), o), nil
		case types.OidTime:
			return types.TimeOfDay(int64(v) - floorDiv(int64(v), 86400e6)*86400e6), nil
		}
	case types.TimestampTZVal:
		local := utcToLocal(int64(v), o)
		switch to.OID {
		case types.OidTimestamp:
			return types.TimestampVal(local), nil
		case types.OidDate:
			return types.DateVal(floorDiv(local, 86400e6)), nil
		case types.OidTime:
			return types.TimeOfDay(local - floorDiv(local, 86400e6)*86400e6), nil
		}
	case types.JSONVal:
		if to.OID == types.OidJSON || to.OID == types.OidJSONB {
			return types.ParseText(to, string(v), o)
		}
	}
	// Fall back to I/O conversion, which PostgreSQL also allows explicitly.
	return types.ParseText(to, string(types.AppendText(nil, from, d, o)), o)
}

func specialName(d *apd.Decimal) string {
	switch {
	case d.Form == apd.NaN:
		return "NaN"
	case d.Negative:
		return "-Infinity"
	}
	return "Infinity"
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

const pgEpochUnix = 946684800 // 2000-01-01 in Unix seconds

// utcToLocal converts microseconds since 2000-01-01 UTC to local wall-clock
// microseconds in o's time zone.
func utcToLocal(us int64, o *types.FormatOpts) int64 {
	if us == math.MinInt64 || us == math.MaxInt64 || o == nil || o.Loc == nil {
		return us
	}
	sec := floorDiv(us, 1e6) + pgEpochUnix
	_, off := timeUnix(sec).In(o.Loc).Zone()
	return us + int64(off)*1e6
}

// localToUTC is the inverse of utcToLocal for wall-clock times.
func localToUTC(us int64, o *types.FormatOpts) types.TimestampTZVal {
	if us == math.MinInt64 || us == math.MaxInt64 || o == nil || o.Loc == nil {
		return types.TimestampTZVal(us)
	}
	sec := floorDiv(us, 1e6) + pgEpochUnix
	_, off := timeUnix(sec).In(o.Loc).Zone()
	// Re-check with the offset applied (DST boundaries).
	_, off2 := timeUnix(sec - int64(off)).In(o.Loc).Zone()
	return types.TimestampTZVal(us - int64(off2)*1e6)
}

// applyTypmod applies a type modifier (varchar(n), numeric(p,s)...).
func applyTypmod(t *types.T, typmod int32, d types.Datum, explicit bool) (types.Datum, error) {
	switch t.OID {
	case types.OidVarchar, types.OidBpchar:
		n := int(typmod - 4)
		s := d.(string)
		if utf8.RuneCountInString(s) > n {
			// Excess trailing spaces may always be cut.
			cut := 0
			for i := range s {
				if cut == n {
					rest := s[i:]
					allSpace := true
					for j := 0; j < len(rest); j++ {
						if rest[j] != ' ' {
							allSpace = false
							break
						}
					}
					if !explicit && !allSpace {
						name := "character varying"
						if t.OID == types.OidBpchar {
							name = "character"
						}
						return nil, pgerror.New(pgerror.StringDataRightTruncation, "value too long for type %s(%d)", name, n)
					}
					return s[:i], nil
				}
				cut++
			}
		}
		if t.OID == types.OidBpchar {
			for c := utf8.RuneCountInString(s); c < n; c++ {
				s += " "
			}
		}
		return s, nil
	case types.OidNumeric:
		v := d.(*apd.Decimal)
		if v.Form != apd.Finite {
			return v, nil
		}
		prec := int((typmod - 4) >> 16 & 0xffff)
		scale := int(int16((typmod - 4) & 0xffff))
		out := new(apd.Decimal)
		c := apd.BaseContext.WithPrecision(uint32(prec + 400))
		c.Rounding = apd.RoundHalfUp
		if _, err := c.Quantize(out, v, int32(-scale)); err != nil {
			return nil, numErr(err)
		}
		intDigits := int(out.NumDigits()) + int(out.Exponent)
		if !out.IsZero() && intDigits > prec-scale {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "numeric field overflow").
				WithDetail("A field with precision %d, scale %d must round to an absolute value less than %s%d.", prec, scale, "10^", prec-scale)
		}
		return out, nil
	}
	return d, nil
}

// canonical maps values that compare equal to one representation, for
// hashing: -0 to 0 and numerics without trailing fraction zeros.
func canonical(v types.Datum) types.Datum {
	switch x := v.(type) {
	case float64:
		if x == 0 {
			return 0.0
		}
	case *apd.Decimal:
		if x.Form == apd.Finite {
			d := new(apd.Decimal)
			d.Reduce(x)
			if d.Exponent > 0 {
				_, _ = apd.BaseContext.WithPrecision(1000).Quantize(d, d, 0)
			}
			if d.IsZero() {
				d.Negative = false
			}
			return d
		}
	case string:
		return x
	}
	return v
}
