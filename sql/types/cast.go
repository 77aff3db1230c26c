package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func errCannotCast(from, to *T) error {
	return pgerror.New(pgerror.CannotCoerce, "cannot cast type %s to %s", from.SQLName, to.SQLName)
}

func isStringType(t *T) bool {
	switch t.OID {
	case OidText, OidVarchar, OidBpchar, OidName, OidChar, OidUnknown:
		return true
	}
	return false
}

func isIntType(t *T) bool {
	switch t.OID {
	case OidInt2, OidInt4, OidInt8:
		return true
	}
	return false
}

func isNumberType(t *T) bool {
	switch t.OID {
	case OidInt2, OidInt4, OidInt8, OidFloat4, OidFloat8, OidNumeric:
		return true
	}
	return false
}

func isOidType(t *T) bool {
	switch t.OID {
	case OidOid, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace:
		return true
	}
	return false
}

// CanCast reports whether pg_cast (approximately) has a cast from one type
// to the other usable implicitly, and whether an explicit cast (x::to)
// exists at all; implicit implies explicit. Assignment-only casts count as
// explicit only. I/O conversion casts to and from the string types are
// included, as PostgreSQL allows them.
func CanCast(from, to *T) (implicit, explicit bool) {
	if from.OID == to.OID {
		return true, true
	}
	if from.OID == OidUnknown {
		return true, true
	}
	if imp, exp, ok := canCastCatalog(from, to); ok { // vector.go
		return imp, exp
	}
	if from.Elem != nil && to.Elem != nil {
		return CanCast(from.Elem, to.Elem)
	}
	if isStringType(from) && isStringType(to) {
		// text, varchar, bpchar and name convert implicitly among
		// themselves; "char" only to text (pg_cast), else explicitly.
		imp := from.OID != OidChar && to.OID != OidChar &&
			!(from.OID == OidName && (to.OID == OidVarchar || to.OID == OidBpchar))
		return imp || from.OID == OidChar && to.OID == OidText, true
	}
	if isStringType(to) || isStringType(from) {
		// I/O conversion: to a string type in assignment, from one
		// explicitly.
		return false, to.OID != OidVoid && from.OID != OidVoid
	}
	if isNumberType(from) && isNumberType(to) {
		return numericRank(from) < numericRank(to), true
	}
	if (isIntType(from) || isOidType(from)) && isOidType(to) {
		// oid and each reg* type convert implicitly both ways (binary
		// coercible in pg_cast), so `attrelid = 't'::regclass` compares
		// as oid; one reg* type to another only explicitly.
		return isIntType(from) || from.OID == OidOid || to.OID == OidOid, true
	}
	if isOidType(from) && (to.OID == OidInt4 || to.OID == OidInt8) {
		return false, true
	}
	switch from.OID {
	case OidInt4:
		if to.OID == OidBool {
			return false, true
		}
	case OidBool:
		if to.OID == OidInt4 {
			return false, true
		}
	case OidDate:
		switch to.OID {
		case OidTimestamp, OidTimestampTZ:
			return true, true
		}
	case OidTimestamp:
		switch to.OID {
		case OidTimestampTZ:
			return true, true
		case OidDate, OidTime:
			return false, true
		}
	case OidTimestampTZ:
		switch to.OID {
		case OidTimestamp, OidDate, OidTime:
			return false, true
		}
	case OidTime:
		if to.OID == OidInterval {
			return true, true
		}
	case OidInterval:
		if to.OID == OidTime {
			return false, true
		}
	case OidJSON:
		if to.OID == OidJSONB {
			return false, true
		}
	case OidJSONB:
		switch to.OID {
		case OidJSON, OidBool, OidNumeric, OidInt2, OidInt4, OidInt8, OidFloat4, OidFloat8:
			return false, true
		}
	}
	return false, false
}

// numericRank orders the numeric types along PostgreSQL's implicit cast
// chain int2 -> int4 -> int8 -> numeric -> float4 -> float8.
func numericRank(t *T) int {
	switch t.OID {
	case OidInt2:
		return 1
	case OidInt4:
		return 2
	case OidInt8:
		return 3
	case OidNumeric:
		return 4
	case OidFloat4:
		return 5
	}
	return 6
}

func errIntRange(t *T) error {
	return pgerror.New(pgerror.NumericValueOutOfRange, "%s out of range", t.SQLName)
}

func checkIntRange(v int64, t *T) (Datum, error) {
	switch t.OID {
	case OidInt2:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return nil, errIntRange(t)
		}
	case OidInt4:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return nil, errIntRange(t)
		}
	}
	return v, nil
}

// Cast converts a non-NULL datum with explicit cast semantics (x::to):
// integer range checks, round-half-even from float and half-away-from-zero
// from numeric to integers, I/O conversion through text for string types,
// time zone conversions in o.Loc. The target typmod is not applied (see
// ApplyTypmod).
func Cast(d Datum, from, to *T, o *FormatOpts) (Datum, error) {
	if from.OID == to.OID {
		return d, nil
	}
	if from.Elem != nil && to.Elem != nil {
		a := d.(*Array)
		out := &Array{Elem: to.Elem, Elems: make([]any, len(a.Elems)), LowerOff: a.LowerOff}
		for i, e := range a.Elems {
			if e == nil {
				continue
			}
			v, err := Cast(e, from.Elem, to.Elem, o)
			if err != nil {
				return nil, err
			}
			out.Elems[i] = v
		}
		return out, nil
	}
	if isStringType(to) {
		var s string
		switch {
		case from.OID == OidBool:
			// booltext: the long spelling.
			if d.(bool) {
				s = "true"
			} else {
				s = "false"
			}
		case from.OID == OidBpchar:
			s = strings.TrimRight(d.(string), " ")
		case isStringType(from):
			s = d.(string)
		default:
			s = string(AppendText(nil, from, d, o))
		}
		switch to.OID {
		case OidName:
			return truncateName(s), nil
		case OidChar:
			return parseChar(s), nil
		}
		return s, nil
	}
	if isStringType(from) {
		s := d.(string)
		if from.OID == OidBpchar {
			s = strings.TrimRight(s, " ")
		}
		return ParseText(to, s, o)
	}
	switch f := d.(type) {
	case int64:
		return castInt(f, from, to)
	case float64:
		return castFloat(f, from, to)
	case *apd.Decimal:
		return castNumeric(f, from, to)
	case bool:
		if to.OID == OidInt4 {
			if f {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case DateVal:
		switch to.OID {
		case OidTimestamp:
			return TimestampVal(dateToTimestamp(f)), nil
		case OidTimestampTZ:
			ts := dateToTimestamp(f)
			if ts == math.MinInt64 || ts == math.MaxInt64 {
				return TimestampTZVal(ts), nil
			}
			return TimestampTZVal(localToUTC(ts, o.loc())), nil
		}
	case TimestampVal:
		switch to.OID {
		case OidTimestampTZ:
			if f == TimestampNegInfinity || f == TimestampInfinity {
				return TimestampTZVal(f), nil
			}
			v := localToUTC(int64(f), o.loc())
			if !validTimestamp(v) {
				return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
			}
			return TimestampTZVal(v), nil
		case OidDate:
			return timestampToDate(int64(f))
		case OidTime:
			if f == TimestampNegInfinity || f == TimestampInfinity {
				return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
			}
			_, tod := splitTimestamp(int64(f))
			return TimeOfDay(tod), nil
		}
	case TimestampTZVal:
		if f == TimestampTZNegInf || f == TimestampTZInf {
			switch to.OID {
			case OidTimestamp:
				return TimestampVal(f), nil
			case OidDate:
				return timestampToDate(int64(f))
			}
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
		}
		local := int64(f) + int64(zoneOffset(int64(f), o.loc()))*usecsPerSec
		switch to.OID {
		case OidTimestamp:
			if !validTimestamp(local) {
				return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
			}
			return TimestampVal(local), nil
		case OidDate:
			return timestampToDate(local)
		case OidTime:
			_, tod := splitTimestamp(local)
			return TimeOfDay(tod), nil
		}
	case TimeOfDay:
		if to.OID == OidInterval {
			return IntervalVal{Micros: int64(f)}, nil
		}
	case IntervalVal:
		if to.OID == OidTime {
			t := f.Micros % usecsPerDay
			if t < 0 {
				t += usecsPerDay
			}
			return TimeOfDay(t), nil
		}
	case JSONVal:
		switch to.OID {
		case OidJSONB:
			return parseJSONB(string(f))
		case OidJSON:
			return f, nil
		}
		if from.OID == OidJSONB {
			return castJSONBScalar(f, to)
		}
	}
	return nil, errCannotCast(from, to)
}

func dateToTimestamp(d DateVal) int64 {
	switch d {
	case DateNegInfinity:
		return math.MinInt64
	case DateInfinity:
		return math.MaxInt64
	}
	return int64(d) * usecsPerDay
}

func timestampToDate(t int64) (Datum, error) {
	switch t {
	case math.MinInt64:
		return DateNegInfinity, nil
	case math.MaxInt64:
		return DateInfinity, nil
	}
	jd, _ := splitTimestamp(t)
	return DateVal(jd - pgEpochJDate), nil
}

func castInt(v int64, from, to *T) (Datum, error) {
	switch to.OID {
	case OidInt2, OidInt4, OidInt8:
		if isOidType(from) && to.OID == OidInt4 {
			return int64(int32(uint32(v))), nil
		}
		return checkIntRange(v, to)
	case OidOid, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace:
		if from.OID == OidInt8 && (v < 0 || v > math.MaxUint32) {
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "OID out of range")
		}
		return int64(uint32(v)), nil
	case OidFloat8:
		return float64(v), nil
	case OidFloat4:
		return float64(float32(v)), nil
	case OidNumeric:
		return apd.New(v, 0), nil
	case OidBool:
		if from.OID == OidInt4 {
			return v != 0, nil
		}
	}
	return nil, errCannotCast(from, to)
}

func castFloat(f float64, from, to *T) (Datum, error) {
	switch to.OID {
	case OidInt2, OidInt4, OidInt8:
		r := math.RoundToEven(f)
		// The float range test is done on the rounded value before
		// conversion, as float8_int4 and friends do.
		if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
			return nil, errIntRange(to)
		}
		return checkIntRange(int64(r), to)
	case OidFloat8:
		return f, nil
	case OidFloat4:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return float64(float32(f)), nil
		}
		r, ok := roundFloat4(f)
		if !ok {
			if math.IsInf(r, 0) {
				return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value out of range: overflow")
			}
			return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value out of range: underflow")
		}
		return r, nil
	case OidNumeric:
		switch {
		case math.IsNaN(f):
			return &apd.Decimal{Form: apd.NaN}, nil
		case math.IsInf(f, 0):
			return &apd.Decimal{Form: apd.Infinite, Negative: f < 0}, nil
		}
		// float8_numeric prints with DBL_DIG (FLT_DIG for float4)
		// significant digits and reads that back.
		prec := 15
		if from.OID == OidFloat4 {
			prec = 6
		}
		return parseNumeric(strconv.FormatFloat(f, 'g', prec, 64))
	}
	return nil, errCannotCast(from, to)
}

var roundCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(numericMaxIntDigits + numericMaxDscale + 8)
	c.Rounding = apd.RoundHalfUp
	return c
}()

func castNumeric(n *apd.Decimal, from, to *T) (Datum, error) {
	switch to.OID {
	case OidInt2, OidInt4, OidInt8:
		switch n.Form {
		case apd.NaN, apd.NaNSignaling:
			return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot convert NaN to %s", to.SQLName)
		case apd.Infinite:
			return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot convert infinity to %s", to.SQLName)
		}
		var r apd.Decimal
		if _, err := roundCtx.Quantize(&r, n, 0); err != nil {
			return nil, errIntRange(to)
		}
		v, err := r.Int64()
		if err != nil {
			return nil, errIntRange(to)
		}
		return checkIntRange(v, to)
	case OidFloat8, OidFloat4:
		var f float64
		switch n.Form {
		case apd.NaN, apd.NaNSignaling:
			f = canonicalNaN
		case apd.Infinite:
			f = math.Inf(1)
			if n.Negative {
				f = math.Inf(-1)
			}
		default:
			s := string(appendNumeric(nil, n))
			bits := 64
			if to.OID == OidFloat4 {
				bits = 32
			}
			v, err := strconv.ParseFloat(s, bits)
			if err != nil {
				typ := "double precision"
				if bits == 32 {
					typ = "real"
				}
				return nil, pgerror.New(pgerror.NumericValueOutOfRange, "\"%s\" is out of range for type %s", s, typ)
			}
			f = v
		}
		return f, nil
	}
	return nil, errCannotCast(from, to)
}

// castJSONBScalar implements jsonb -> bool/numeric/int/float casts, which
// need a scalar of the right JSON type.
func castJSONBScalar(j JSONVal, to *T) (Datum, error) {
	v, err := parseJSONTree(string(j))
	if err != nil {
		return nil, err
	}
	want := "numeric"
	if to.OID == OidBool {
		want = "boolean"
	}
	typeName := map[jsonKind]string{jNull: "null", jString: "string", jNumber: "numeric", jBool: "boolean",
		jArray: "array", jObject: "object"}[v.kind]
	switch {
	case to.OID == OidBool && v.kind == jBool:
		return v.b, nil
	case to.OID != OidBool && v.kind == jNumber:
		return Cast(v.num, Numeric, to, nil)
	}
	return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot cast jsonb %s to type %s", typeName, want)
}
