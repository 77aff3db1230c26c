package rowcodec

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// formatVersion is the first byte of every encoded row.
const formatVersion = 1

// errDatum reports a datum whose Go type does not match its column: a bug
// in the caller, not bad user input.
func errDatum(t *types.T, d types.Datum) error {
	return pgerror.New(pgerror.InternalError, "rowcodec: datum of Go type %T for a column of type %s", d, t.SQLName)
}

func errRange(t *types.T, v int64) error {
	return pgerror.New(pgerror.InternalError, "rowcodec: value %d out of range for a column of type %s", v, t.SQLName)
}

// errCorrupt reports stored bytes that are not a valid row.
func errCorrupt(format string, args ...any) error {
	return pgerror.New(pgerror.DataCorrupted, "invalid row data: "+format, args...)
}

// EncodeRow appends the encoding of row (one datum per column of cols,
// nil for NULL) to buf. Encoding into a reused buffer allocates nothing
// for rows of fixed-width and string types.
func EncodeRow(buf []byte, cols []*types.T, row []types.Datum) ([]byte, error) {
	if len(row) != len(cols) {
		return buf, pgerror.New(pgerror.InternalError, "rowcodec: %d datums for %d columns", len(row), len(cols))
	}
	buf = append(buf, formatVersion)
	buf = binary.AppendUvarint(buf, uint64(len(cols)))
	bm := len(buf)
	for range (len(cols) + 7) >> 3 {
		buf = append(buf, 0)
	}
	var err error
	for i, d := range row {
		if d == nil {
			buf[bm+i>>3] |= 1 << (i & 7)
			continue
		}
		if buf, err = appendValue(buf, cols[i], d); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// appendValue appends one non-NULL datum.
func appendValue(buf []byte, t *types.T, d types.Datum) ([]byte, error) {
	le := binary.LittleEndian
	switch t.OID {
	case types.OidBool:
		v, ok := d.(bool)
		if !ok {
			return buf, errDatum(t, d)
		}
		if v {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case types.OidInt2:
		v, ok := d.(int64)
		if !ok {
			return buf, errDatum(t, d)
		}
		if v != int64(int16(v)) {
			return buf, errRange(t, v)
		}
		return le.AppendUint16(buf, uint16(v)), nil
	case types.OidInt4:
		v, ok := d.(int64)
		if !ok {
			return buf, errDatum(t, d)
		}
		if v != int64(int32(v)) {
			return buf, errRange(t, v)
		}
		return le.AppendUint32(buf, uint32(v)), nil
	case types.OidInt8:
		v, ok := d.(int64)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint64(buf, uint64(v)), nil
	case types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc:
		v, ok := d.(int64)
		if !ok {
			return buf, errDatum(t, d)
		}
		if v != int64(uint32(v)) {
			return buf, errRange(t, v)
		}
		return le.AppendUint32(buf, uint32(v)), nil
	case types.OidFloat4:
		v, ok := d.(float64)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint32(buf, math.Float32bits(float32(v))), nil
	case types.OidFloat8:
		v, ok := d.(float64)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint64(buf, math.Float64bits(v)), nil
	case types.OidDate:
		v, ok := d.(types.DateVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint32(buf, uint32(v)), nil
	case types.OidTime:
		v, ok := d.(types.TimeOfDay)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint64(buf, uint64(v)), nil
	case types.OidTimestamp:
		v, ok := d.(types.TimestampVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint64(buf, uint64(v)), nil
	case types.OidTimestampTZ:
		v, ok := d.(types.TimestampTZVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return le.AppendUint64(buf, uint64(v)), nil
	case types.OidInterval:
		v, ok := d.(types.IntervalVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		buf = le.AppendUint64(buf, uint64(v.Micros))
		buf = le.AppendUint32(buf, uint32(v.Days))
		return le.AppendUint32(buf, uint32(v.Months)), nil
	case types.OidUUID:
		v, ok := d.(types.UUIDVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return append(buf, v[:]...), nil
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar, types.OidUnknown:
		v, ok := d.(string)
		if !ok {
			return buf, errDatum(t, d)
		}
		return append(binary.AppendUvarint(buf, uint64(len(v))), v...), nil
	case types.OidJSON, types.OidJSONB:
		v, ok := d.(types.JSONVal)
		if !ok {
			return buf, errDatum(t, d)
		}
		return append(binary.AppendUvarint(buf, uint64(len(v))), v...), nil
	case types.OidBytea:
		v, ok := d.([]byte)
		if !ok {
			return buf, errDatum(t, d)
		}
		return append(binary.AppendUvarint(buf, uint64(len(v))), v...), nil
	case types.OidNumeric:
		if v, ok := d.(*apd.Decimal); !ok || v == nil {
			return buf, errDatum(t, d)
		}
	default:
		if v, ok := d.(*types.Array); t.Elem != nil && (!ok || v == nil) {
			return buf, errDatum(t, d)
		}
		if v, ok := d.(string); ok && t.Enum != nil {
			// Enum labels are stored as text is (see decodeValue).
			return append(binary.AppendUvarint(buf, uint64(len(v))), v...), nil
		}
	}
	return appendSend(buf, t, d)
}

// appendSend appends a uvarint length and the type's binary send format.
// The value is written first and moved right by the length's size, which
// is known only afterwards; that costs one copy instead of a scratch
// buffer.
func appendSend(buf []byte, t *types.T, d types.Datum) (out []byte, err error) {
	defer func() {
		// types.AppendBinary asserts element types of arrays; a mismatch
		// is a caller bug that should not take the server down.
		if r := recover(); r != nil {
			out, err = buf, pgerror.New(pgerror.InternalError, "rowcodec: encoding %s: %v", t.SQLName, r)
		}
	}()
	start := len(buf)
	out, err = types.AppendBinary(buf, t, d)
	if err != nil {
		return buf, err
	}
	n := len(out) - start
	var lenBuf [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(lenBuf[:], uint64(n))
	out = append(out, lenBuf[:k]...) // grow by k
	copy(out[start+k:], out[start:start+n])
	copy(out[start:], lenBuf[:k])
	return out, nil
}

// DecodeRow decodes a row written by EncodeRow into one datum per column
// of cols, reusing dst's storage when it is large enough. Columns the row
// was written without (added later) are NULL. Strings and byte slices are
// copied, so b may be reused afterwards.
func DecodeRow(cols []*types.T, b []byte, dst []types.Datum) ([]types.Datum, error) {
	return DecodeColumns(cols, b, dst, nil)
}

// DecodeColumns is DecodeRow that decodes only the columns i with
// want[i] set (all columns if want is nil); the others are skipped and
// left nil, saving their allocations when a scan projects a few columns.
// The whole row is still checked for structural corruption.
func DecodeColumns(cols []*types.T, b []byte, dst []types.Datum, want []bool) ([]types.Datum, error) {
	if want != nil && len(want) != len(cols) {
		return dst, pgerror.New(pgerror.InternalError, "rowcodec: %d column flags for %d columns", len(want), len(cols))
	}
	var buf [32]colPlan
	var plan []colPlan
	if len(cols) <= len(buf) {
		plan = buf[:len(cols)]
	} else {
		plan = make([]colPlan, len(cols))
	}
	makePlan(plan, cols, want)
	return decodeColumns(cols, plan, b, dst, want, nil)
}

// decodeColumns is DecodeColumns with its plan made.
func decodeColumns(cols []*types.T, plan []colPlan, b []byte, dst []types.Datum, want []bool, s *Slab) ([]types.Datum, error) {
	if want != nil && len(want) != len(cols) {
		return dst, pgerror.New(pgerror.InternalError, "rowcodec: %d column flags for %d columns", len(want), len(cols))
	}
	if cap(dst) >= len(cols) {
		dst = dst[:len(cols)]
	} else {
		dst = make([]types.Datum, len(cols))
	}
	if len(b) == 0 || b[0] != formatVersion {
		if len(b) == 0 {
			return dst, errCorrupt("empty row")
		}
		return dst, errCorrupt("unknown row format version %d", b[0])
	}
	n64, k := binary.Uvarint(b[1:])
	if k <= 0 || n64 > uint64(len(cols)) {
		return dst, errCorrupt("row has %d columns, table %d", n64, len(cols))
	}
	n := int(n64)
	b = b[1+k:]
	nb := (n + 7) >> 3
	if len(b) < nb {
		return dst, errCorrupt("truncated null bitmap")
	}
	bitmap := b[:nb]
	b = b[nb:]
	var err error
	if b, err = decodeWanted(plan, bitmap, b, n, dst, s); err != nil {
		return dst, err
	}
	for i := n; i < len(cols); i++ {
		dst[i] = nil
	}
	if len(b) != 0 {
		return dst, errCorrupt("%d trailing bytes", len(b))
	}
	return dst, nil
}

// fixedWidth is the stored size of a fixed-width type, 0 for the others.
func fixedWidth(t *types.T) int {
	switch t.OID {
	case types.OidBool:
		return 1
	case types.OidInt2:
		return 2
	case types.OidInt4, types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc,
		types.OidFloat4, types.OidDate:
		return 4
	case types.OidInt8, types.OidFloat8, types.OidTime, types.OidTimestamp, types.OidTimestampTZ:
		return 8
	case types.OidInterval, types.OidUUID:
		return 16
	}
	return 0
}

// decodeValue decodes one non-NULL value of type t from the start of b.
func decodeValue(t *types.T, b []byte) (types.Datum, []byte, error) {
	le := binary.LittleEndian
	if w := fixedWidth(t); w > 0 {
		if len(b) < w {
			return nil, b, errCorrupt("truncated %s value", t.SQLName)
		}
		v, rest := b[:w], b[w:]
		switch t.OID {
		case types.OidBool:
			return v[0] != 0, rest, nil
		case types.OidInt2:
			return int64(int16(le.Uint16(v))), rest, nil
		case types.OidInt4:
			return int64(int32(le.Uint32(v))), rest, nil
		case types.OidInt8:
			return int64(le.Uint64(v)), rest, nil
		case types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc:
			return int64(le.Uint32(v)), rest, nil
		case types.OidFloat4:
			return float64(math.Float32frombits(le.Uint32(v))), rest, nil
		case types.OidFloat8:
			return math.Float64frombits(le.Uint64(v)), rest, nil
		case types.OidDate:
			return types.DateVal(int32(le.Uint32(v))), rest, nil
		case types.OidTime:
			return types.TimeOfDay(le.Uint64(v)), rest, nil
		case types.OidTimestamp:
			return types.TimestampVal(le.Uint64(v)), rest, nil
		case types.OidTimestampTZ:
			return types.TimestampTZVal(le.Uint64(v)), rest, nil
		case types.OidInterval:
			return types.IntervalVal{Micros: int64(le.Uint64(v)), Days: int32(le.Uint32(v[8:])),
				Months: int32(le.Uint32(v[12:]))}, rest, nil
		case types.OidUUID:
			return types.UUIDVal(v), rest, nil
		}
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, b, errCorrupt("bad length of %s value", t.SQLName)
	}
	v, rest := b[k:k+int(n)], b[k+int(n):]
	switch t.OID {
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar, types.OidUnknown:
		return string(v), rest, nil
	case types.OidJSON, types.OidJSONB:
		return types.JSONVal(v), rest, nil
	case types.OidBytea:
		return append([]byte{}, v...), rest, nil
	}
	if t.Enum != nil {
		return string(v), rest, nil
	}
	d, err := types.ParseBinary(t, v)
	if err != nil {
		return nil, b, errCorrupt("%s value: %v", t.SQLName, err)
	}
	return d, rest, nil
}

// skipValue steps over one non-NULL value of type t without decoding it.
func skipValue(t *types.T, b []byte) ([]byte, error) {
	if w := fixedWidth(t); w > 0 {
		if len(b) < w {
			return b, errCorrupt("truncated %s value", t.SQLName)
		}
		return b[w:], nil
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return b, errCorrupt("bad length of %s value", t.SQLName)
	}
	return b[k+int(n):], nil
}
