package types

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// HasBinary reports whether t has a binary wire form nqdb implements
// (its typsend/typreceive). Clients may only ask for binary results or
// send binary parameters of such types.
func HasBinary(t *T) bool {
	switch t.OID {
	case OidBool, OidInt2, OidInt4, OidInt8, OidOid, OidFloat4, OidFloat8, OidNumeric, OidText, OidVarchar,
		OidBpchar, OidName, OidChar, OidBytea, OidDate, OidTime, OidTimestamp, OidTimestampTZ, OidInterval,
		OidUUID, OidJSON, OidJSONB, OidUnknown, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace, OidVoid,
		OidInt2Vector, OidOidVector, OidXid, OidCid, OidTid, OidPgNodeTree:
		return true
	case OidAclitem, OidAclitemArray:
		return false
	}
	if t.Enum != nil {
		return true
	}
	if t.Domain != nil {
		return HasBinary(BaseType(t))
	}
	return t.Elem != nil && HasBinary(t.Elem)
}

// AppendBinary appends the binary wire form of d (non-NULL) as PostgreSQL's
// typsend function writes it.
func AppendBinary(buf []byte, t *T, d Datum) ([]byte, error) {
	switch t.OID {
	case OidInt2Vector, OidOidVector, OidXid, OidCid, OidTid, OidAclitem, OidPgNodeTree:
		buf, _, err := appendCatalogBinary(buf, t, d) // vector.go
		return buf, err
	case OidBool:
		if d.(bool) {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case OidInt2:
		return binary.BigEndian.AppendUint16(buf, uint16(d.(int64))), nil
	case OidInt4, OidOid, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace:
		return binary.BigEndian.AppendUint32(buf, uint32(d.(int64))), nil
	case OidInt8:
		return binary.BigEndian.AppendUint64(buf, uint64(d.(int64))), nil
	case OidFloat4:
		f := d.(float64)
		if f != f {
			return binary.BigEndian.AppendUint32(buf, 0x7fc00000), nil
		}
		return binary.BigEndian.AppendUint32(buf, math.Float32bits(float32(f))), nil
	case OidFloat8:
		f := d.(float64)
		if f != f {
			f = canonicalNaN
		}
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(f)), nil
	case OidNumeric:
		return appendNumericBinary(buf, d.(*apd.Decimal)), nil
	case OidText, OidVarchar, OidBpchar, OidName, OidUnknown:
		return append(buf, d.(string)...), nil
	case OidChar:
		if s := d.(string); len(s) > 0 {
			return append(buf, s[0]), nil
		}
		return append(buf, 0), nil
	case OidJSON:
		return append(buf, d.(JSONVal)...), nil
	case OidJSONB:
		return append(append(buf, 1), d.(JSONVal)...), nil
	case OidBytea:
		return append(buf, d.([]byte)...), nil
	case OidUUID:
		u := d.(UUIDVal)
		return append(buf, u[:]...), nil
	case OidDate:
		return binary.BigEndian.AppendUint32(buf, uint32(d.(DateVal))), nil
	case OidTime:
		return binary.BigEndian.AppendUint64(buf, uint64(d.(TimeOfDay))), nil
	case OidTimestamp:
		return binary.BigEndian.AppendUint64(buf, uint64(d.(TimestampVal))), nil
	case OidTimestampTZ:
		return binary.BigEndian.AppendUint64(buf, uint64(d.(TimestampTZVal))), nil
	case OidInterval:
		iv := d.(IntervalVal)
		buf = binary.BigEndian.AppendUint64(buf, uint64(iv.Micros))
		buf = binary.BigEndian.AppendUint32(buf, uint32(iv.Days))
		return binary.BigEndian.AppendUint32(buf, uint32(iv.Months)), nil
	case OidVoid:
		return buf, nil
	}
	if t.Enum != nil {
		// enum_send: the label's text.
		return append(buf, d.(string)...), nil
	}
	if t.Domain != nil {
		return AppendBinary(buf, BaseType(t), d)
	}
	if t.Elem != nil {
		return appendArrayBinary(buf, t, d.(*Array))
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "no binary output function available for type %s", t.SQLName)
}

// errInsufficient is pq_copymsgbytes' error when a value is shorter than its
// type needs.
func errInsufficient() error {
	return pgerror.New(pgerror.ProtocolViolation, "insufficient data left in message")
}

// errNoData is pq_getmsgbyte's error on an empty value.
func errNoData() error {
	return pgerror.New(pgerror.ProtocolViolation, "no data left in message")
}

// errTrailing is the error for a binary value longer than its type; the
// server adds the parameter number ("... in bind parameter %d").
func errTrailing() error {
	return pgerror.New(pgerror.InvalidBinaryRepresentation, "incorrect binary data format")
}

func fixedLen(b []byte, n int) error {
	if len(b) < n {
		return errInsufficient()
	}
	if len(b) > n {
		return errTrailing()
	}
	return nil
}

// ParseBinary reads the binary wire form b of a value of type t, as
// PostgreSQL's typreceive function does, including its validity checks.
func ParseBinary(t *T, b []byte) (Datum, error) {
	switch t.OID {
	case OidInt2Vector, OidOidVector, OidXid, OidCid, OidTid, OidAclitem, OidPgNodeTree:
		d, _, err := parseCatalogBinary(t, b) // vector.go
		return d, err
	case OidBool:
		if len(b) == 0 {
			return nil, errNoData()
		}
		if err := fixedLen(b, 1); err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case OidInt2:
		if err := fixedLen(b, 2); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case OidInt4:
		if err := fixedLen(b, 4); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case OidOid, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace:
		if err := fixedLen(b, 4); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint32(b)), nil
	case OidInt8:
		if err := fixedLen(b, 8); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case OidFloat4:
		if err := fixedLen(b, 4); err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case OidFloat8:
		if err := fixedLen(b, 8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case OidNumeric:
		return parseNumericBinary(b)
	case OidText, OidVarchar, OidBpchar, OidUnknown:
		if err := checkEncoding(b); err != nil {
			return nil, err
		}
		return string(b), nil
	case OidName:
		if err := checkEncoding(b); err != nil {
			return nil, err
		}
		if len(b) >= 64 {
			return nil, pgerror.New(pgerror.NameTooLong, "identifier too long").
				WithDetail("Identifier must be less than 64 characters.")
		}
		return string(b), nil
	case OidChar:
		if len(b) == 0 {
			return nil, errNoData()
		}
		if err := fixedLen(b, 1); err != nil {
			return nil, err
		}
		if b[0] == 0 {
			return "", nil
		}
		return string(b), nil
	case OidJSON:
		if err := checkEncoding(b); err != nil {
			return nil, err
		}
		s := string(b)
		if err := validateJSON(s); err != nil {
			return nil, err
		}
		return JSONVal(s), nil
	case OidJSONB:
		if len(b) < 1 {
			return nil, errInsufficient()
		}
		if b[0] != 1 {
			return nil, pgerror.New(pgerror.InternalError, "unsupported jsonb version number %d", b[0])
		}
		if err := checkEncoding(b[1:]); err != nil {
			return nil, err
		}
		return parseJSONB(string(b[1:]))
	case OidBytea:
		return append([]byte{}, b...), nil
	case OidUUID:
		if err := fixedLen(b, 16); err != nil {
			return nil, err
		}
		var u UUIDVal
		copy(u[:], b)
		return u, nil
	case OidDate:
		if err := fixedLen(b, 4); err != nil {
			return nil, err
		}
		d := DateVal(int32(binary.BigEndian.Uint32(b)))
		if d != DateNegInfinity && d != DateInfinity && !validDate(d) {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range")
		}
		return d, nil
	case OidTime:
		if err := fixedLen(b, 8); err != nil {
			return nil, err
		}
		v := int64(binary.BigEndian.Uint64(b))
		if v < 0 || v > usecsPerDay {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "time out of range")
		}
		return TimeOfDay(v), nil
	case OidTimestamp, OidTimestampTZ:
		if err := fixedLen(b, 8); err != nil {
			return nil, err
		}
		v := int64(binary.BigEndian.Uint64(b))
		if v != math.MinInt64 && v != math.MaxInt64 && !validTimestamp(v) {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
		}
		if t.OID == OidTimestamp {
			return TimestampVal(v), nil
		}
		return TimestampTZVal(v), nil
	case OidInterval:
		if err := fixedLen(b, 16); err != nil {
			return nil, err
		}
		return IntervalVal{
			Micros: int64(binary.BigEndian.Uint64(b)),
			Days:   int32(binary.BigEndian.Uint32(b[8:])),
			Months: int32(binary.BigEndian.Uint32(b[12:])),
		}, nil
	}
	if t.Enum != nil {
		if err := checkEncoding(b); err != nil {
			return nil, err
		}
		return parseEnum(t, string(b))
	}
	if t.Domain != nil {
		return ParseBinary(BaseType(t), b)
	}
	if t.Elem != nil {
		return parseArrayBinary(t, b)
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "no binary input function available for type %s", t.SQLName)
}

// checkEncoding is the server-encoding check pq_getmsgtext applies: the
// bytes must be valid UTF-8 without NUL.
func checkEncoding(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return errBadByteSeq(b[i:])
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return errBadByteSeq(b[i:])
		}
		i += n
	}
	return nil
}

// errBadByteSeq reports up to the first bytes of a bad UTF-8 sequence the
// way report_invalid_encoding does ("0xe2 0x28").
func errBadByteSeq(b []byte) error {
	n := 1
	if c := b[0]; c >= 0xC0 {
		switch {
		case c < 0xE0:
			n = 2
		case c < 0xF0:
			n = 3
		default:
			n = 4
		}
	}
	if n > len(b) {
		n = len(b)
	}
	msg := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			msg += " "
		}
		msg += fmt.Sprintf("0x%02x", b[i])
	}
	return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", msg)
}
