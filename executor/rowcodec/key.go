package rowcodec

import (
	"math/bits"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// EncodeKey appends the order-preserving key of vals, one datum per key
// column: bytes.Compare on two keys built with the same cols orders them
// as types.Compare orders the datums column by column, NULLS LAST. vals
// may be shorter than cols; the result is then a prefix of every key whose
// leading columns equal vals, for range scans over the leading columns.
func EncodeKey(buf []byte, cols []*types.T, vals []types.Datum) ([]byte, error) {
	if len(vals) > len(cols) {
		return buf, pgerror.New(pgerror.InternalError, "rowcodec: %d key datums for %d key columns", len(vals), len(cols))
	}
	var err error
	for i, d := range vals {
		if buf, err = appendKey(buf, cols[i], d); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// appendKey appends one key column's value.
func appendKey(buf []byte, t *types.T, d types.Datum) ([]byte, error) {
	if d == nil {
		return codec.AppendNull(buf), nil
	}
	switch t.OID {
	case types.OidBool:
		v, ok := d.(bool)
		if !ok {
			return buf, errDatum(t, d)
		}
		if v {
			return codec.AppendInt(buf, 1), nil
		}
		return codec.AppendInt(buf, 0), nil
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegclass, types.OidRegtype,
		types.OidRegproc:
		v, ok := d.(int64)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendInt(buf, v), nil
	case types.OidFloat4, types.OidFloat8:
		v, ok := d.(float64)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendFloat(buf, v), nil
	case types.OidNumeric:
		v, ok := d.(*apd.Decimal)
		if !ok || v == nil {
			return buf, errDatum(t, d)
		}
		return codec.AppendDecimal(buf, v), nil
	case types.OidBpchar:
		v, ok := d.(string)
		if !ok {
			return buf, errDatum(t, d)
		}
		// Trailing spaces are insignificant in character(n) comparisons.
		return codec.AppendString(buf, strings.TrimRight(v, " ")), nil
	case types.OidText, types.OidVarchar, types.OidName, types.OidChar, types.OidUnknown:
		v, ok := d.(string)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendString(buf, v), nil
	case types.OidBytea:
		v, ok := d.([]byte)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendBytes(buf, v), nil
	case types.OidUUID:
		v, ok := d.(types.UUIDVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendBytes(buf, v[:]), nil
	case types.OidDate:
		v, ok := d.(types.DateVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendInt(buf, int64(v)), nil
	case types.OidTime:
		v, ok := d.(types.TimeOfDay)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendInt(buf, int64(v)), nil
	case types.OidTimestamp:
		v, ok := d.(types.TimestampVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendInt(buf, int64(v)), nil
	case types.OidTimestampTZ:
		v, ok := d.(types.TimestampTZVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return codec.AppendInt(buf, int64(v)), nil
	case types.OidInterval:
		v, ok := d.(types.IntervalVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		hi, lo := intervalSpan(v)
		// The 128-bit span as two integers: the signed high word, then
		// the unsigned low word shifted into int64's order.
		return codec.AppendInt(codec.AppendInt(buf, hi), int64(lo^1<<63)), nil
	case types.OidJSON:
		return buf, noBtreeOpclass(t)
	case types.OidJSONB:
		return appendJSONBKey(buf, t, d)
	}
	if t.Elem != nil {
		a, ok := d.(*types.Array)
		if !ok || a == nil {
			return buf, errDatum(t, d)
		}
		buf = codec.AppendArrayStart(buf)
		var err error
		for _, e := range a.Elems {
			if buf, err = appendKey(buf, t.Elem, e); err != nil {
				return buf, err
			}
		}
		return codec.AppendArrayEnd(buf), nil
	}
	if t.Enum != nil {
		// An enum keys on its label's sort order, which ALTER TYPE ... ADD
		// VALUE never changes for existing labels.
		v, ok := d.(string)
		if !ok {
			return buf, errDatum(t, d)
		}
		f, _ := t.Enum.SortOrder(v)
		return codec.AppendFloat(buf, float64(f)), nil
	}
	if t.Domain != nil {
		return appendKey(buf, types.BaseType(t), d)
	}
	return buf, noBtreeOpclass(t)
}

// noBtreeOpclass is PostgreSQL's error for an index or key column of a
// type without a btree operator class (json, for one).
func noBtreeOpclass(t *types.T) error {
	return pgerror.New(pgerror.UndefinedObject, "data type %s has no default operator class for access method \"btree\"", t.SQLName).
		WithHint("You must specify an operator class for the index or define a default operator class for the data type.")
}

const usecsPerDay = 86_400_000_000

// intervalSpan is the interval's length in microseconds with months of 30
// days (PostgreSQL's interval_cmp_value) as a signed 128-bit number: high
// word signed, low word unsigned.
func intervalSpan(iv types.IntervalVal) (int64, uint64) {
	days := int64(iv.Months)*30 + int64(iv.Days)
	hi, lo := bits.Mul64(uint64(days), usecsPerDay)
	if days < 0 {
		hi -= usecsPerDay // two's complement correction for a negative factor
	}
	var carry uint64
	lo, carry = bits.Add64(lo, uint64(iv.Micros), 0)
	hi += carry
	if iv.Micros < 0 {
		hi-- // sign extension of the addend
	}
	return int64(hi), lo
}
