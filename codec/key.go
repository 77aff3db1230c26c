package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Tag bytes; see the package documentation for the layout.
const (
	tagArrayEnd   = 0x01
	tagIntNegBase = 0x18 // tag of a negative integer in n bytes is tagIntNegBase-n
	tagIntZero    = 0x18 // tag of integer 0; 0..intSmallMax live in the tag
	intSmallMax   = 0x7F - tagIntZero
	tagIntPosBase = 0x7F // tag of a positive integer in n bytes is tagIntPosBase+n
	tagFloat      = 0x90
	tagDecNegInf  = 0xA0
	tagDecNeg     = 0xA1
	tagDecZero    = 0xA2
	tagDecPos     = 0xA3
	tagDecPosInf  = 0xA4
	tagDecNaN     = 0xA5
	tagBytes      = 0xB0
	tagArray      = 0xC0
	tagNull       = 0xFF
)

// Escapes inside a bytes value: a 0x00 data byte is followed by escData;
// 0x00 escEnd ends the value. escEnd < every data byte, so a value that is a
// prefix of another sorts first.
const (
	escData = 0xFF
	escEnd  = 0x01
)

// Kind says what DecodeNext found.
type Kind uint8

// Kinds of encoded values.
const (
	KindNull     Kind = iota // v is nil
	KindInt                  // v is int64
	KindFloat                // v is float64
	KindBytes                // v is []byte (a fresh copy)
	KindDecimal              // v is *apd.Decimal
	KindArray                // start of an array, v is nil; elements follow until KindArrayEnd
	KindArrayEnd             // end of an array, v is nil
)

var kindNames = [...]string{"null", "int", "float", "bytes", "decimal", "array", "array end"}

// String names the kind for messages.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ErrCorrupt is returned (wrapped) by DecodeNext for bytes that are not a
// canonical encoding.
var ErrCorrupt = errors.New("codec: corrupt key encoding")

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// AppendNull appends NULL, which sorts after every value.
func AppendNull(b []byte) []byte { return append(b, tagNull) }

// AppendArrayStart appends the start of an array value; append its
// elements (NULL elements with AppendNull), then AppendArrayEnd. Arrays
// order element by element, then the shorter first, as PostgreSQL's
// array comparison does for one-dimensional arrays.
func AppendArrayStart(b []byte) []byte { return append(b, tagArray) }

// AppendArrayEnd appends the end of an array value.
func AppendArrayEnd(b []byte) []byte { return append(b, tagArrayEnd) }

// AppendInt appends an integer. Use it for every integer-like type: ints,
// oids, dates, times and timestamps (as microseconds), bool as 0 or 1.
func AppendInt(b []byte, v int64) []byte {
	if v >= 0 {
		if v <= intSmallMax {
			return append(b, tagIntZero+byte(v))
		}
		n := (bits.Len64(uint64(v)) + 7) >> 3
		return appendN(append(b, tagIntPosBase+byte(n)), uint64(v), n)
	}
	// -2^(8n) <= v <= -1 needs n bytes: ^v (= -v-1) fits in n bytes.
	n := max((bits.Len64(^uint64(v))+7)>>3, 1)
	return appendN(append(b, tagIntNegBase-byte(n)), uint64(v), n)
}

// appendN appends the low n bytes of u, big endian.
func appendN(b []byte, u uint64, n int) []byte {
	b = binary.BigEndian.AppendUint64(b, u<<(64-8*uint(n)))
	return b[:len(b)-(8-n)]
}

// AppendFloat appends a float8 (or float4 widened to float64) in
// PostgreSQL's order: -Inf < ... < -0 = 0 < ... < +Inf < NaN.
func AppendFloat(b []byte, v float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, tagFloat), floatKey(v))
}

func floatKey(v float64) uint64 {
	var u uint64
	switch {
	case v != v:
		u = 0x7FF8000000000000 // every NaN the same, above +Inf
	case v == 0:
		u = 0 // -0 equals 0
	default:
		u = math.Float64bits(v)
	}
	if u>>63 != 0 {
		return ^u // negative: larger magnitude sorts lower
	}
	return u | 1<<63
}

// AppendBytes appends a byte string (text, bytea, uuid). Strings order
// bytewise, a proper prefix first.
func AppendBytes(b []byte, v []byte) []byte { return appendEscaped(b, v, bytes.IndexByte) }

// AppendString appends a string like AppendBytes.
func AppendString(b []byte, v string) []byte { return appendEscaped(b, v, strings.IndexByte) }

// appendEscaped writes v with each 0x00 escaped as 0x00 escData and ends it
// with 0x00 escEnd, so that encodings order like the raw bytes.
func appendEscaped[S string | []byte](b []byte, v S, indexByte func(S, byte) int) []byte {
	b = append(b, tagBytes)
	for {
		i := indexByte(v, 0)
		if i < 0 {
			break
		}
		b = append(b, v[:i+1]...)
		b = append(b, escData)
		v = v[i+1:]
	}
	b = append(b, v...)
	return append(b, 0, escEnd)
}

// DecodeNext decodes the first value of b, returning its kind, its value
// (nil, int64, float64, a fresh []byte or *apd.Decimal; nil for array
// start and end) and the rest of b. Only canonical encodings are accepted:
// re-encoding v reproduces the consumed bytes.
func DecodeNext(b []byte) (k Kind, v any, rest []byte, err error) {
	if len(b) == 0 {
		return 0, nil, b, corrupt("empty input")
	}
	tag := b[0]
	switch {
	case tag == tagNull:
		return KindNull, nil, b[1:], nil
	case tag == tagArray:
		return KindArray, nil, b[1:], nil
	case tag == tagArrayEnd:
		return KindArrayEnd, nil, b[1:], nil
	case tag >= tagIntNegBase-8 && tag <= tagIntPosBase+8:
		i, rest, err := decodeInt(b)
		if err != nil {
			return 0, nil, b, err
		}
		return KindInt, i, rest, nil
	case tag == tagFloat:
		if len(b) < 9 {
			return 0, nil, b, corrupt("short float")
		}
		u := binary.BigEndian.Uint64(b[1:])
		if u>>63 != 0 {
			u &^= 1 << 63
		} else {
			u = ^u
		}
		f := math.Float64frombits(u)
		if (f != f && u != 0x7FF8000000000000) || (f == 0 && u != 0) {
			return 0, nil, b, corrupt("non-canonical float")
		}
		return KindFloat, f, b[9:], nil
	case tag >= tagDecNegInf && tag <= tagDecNaN:
		d, rest, err := decodeDecimal(b)
		if err != nil {
			return 0, nil, b, err
		}
		return KindDecimal, d, rest, nil
	case tag == tagBytes:
		v, rest, err := decodeBytes(b[1:])
		if err != nil {
			return 0, nil, b, err
		}
		return KindBytes, v, rest, nil
	}
	return 0, nil, b, corrupt("unknown tag 0x%02x", tag)
}

// decodeInt decodes an integer encoding at the start of b.
func decodeInt(b []byte) (int64, []byte, error) {
	tag := b[0]
	switch {
	case tag >= tagIntZero && tag <= tagIntZero+intSmallMax:
		return int64(tag - tagIntZero), b[1:], nil
	case tag > tagIntPosBase && tag <= tagIntPosBase+8:
		n := int(tag - tagIntPosBase)
		if len(b) < 1+n {
			return 0, b, corrupt("short integer")
		}
		u := readN(b[1:], n)
		if (n == 1 && u <= intSmallMax) || (n > 1 && b[1] == 0) || (n == 8 && u>>63 != 0) {
			return 0, b, corrupt("non-canonical integer")
		}
		return int64(u), b[1+n:], nil
	case tag >= tagIntNegBase-8 && tag < tagIntNegBase:
		n := int(tagIntNegBase - tag)
		if len(b) < 1+n {
			return 0, b, corrupt("short integer")
		}
		u := readN(b[1:], n)
		if (n > 1 && b[1] == 0xFF) || (n == 8 && u>>63 == 0) {
			return 0, b, corrupt("non-canonical integer")
		}
		if n < 8 {
			u |= ^uint64(0) << (8 * uint(n)) // sign-extend
		}
		return int64(u), b[1+n:], nil
	}
	return 0, b, corrupt("not an integer tag 0x%02x", tag)
}

func readN(b []byte, n int) uint64 {
	var u uint64
	for _, c := range b[:n] {
		u = u<<8 | uint64(c)
	}
	return u
}

// decodeBytes decodes the escaped body of a bytes value (after its tag).
func decodeBytes(b []byte) ([]byte, []byte, error) {
	var out []byte
	for {
		i := bytes.IndexByte(b, 0)
		if i < 0 || i+1 >= len(b) {
			return nil, b, corrupt("unterminated bytes")
		}
		switch b[i+1] {
		case escEnd:
			if out == nil {
				out = make([]byte, 0, i)
			}
			return append(out, b[:i]...), b[i+2:], nil
		case escData:
			out = append(out, b[:i+1]...)
			b = b[i+2:]
		default:
			return nil, b, corrupt("bad escape 0x00 0x%02x", b[i+1])
		}
	}
}

// decimalDigits returns the coefficient's decimal digits; tmp is scratch
// space that small coefficients use instead of allocating.
func decimalDigits(tmp []byte, d *apd.Decimal) []byte {
	if d.Coeff.IsUint64() {
		return appendUint(tmp[:0], d.Coeff.Uint64())
	}
	return d.Coeff.Append(tmp[:0], 10)
}

func appendUint(b []byte, u uint64) []byte {
	var a [20]byte
	i := len(a)
	for u >= 10 {
		i--
		a[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	a[i] = byte('0' + u)
	return append(b, a[i:]...)
}

// AppendDecimal appends a numeric, ordered by value (1.0 and 1.00 encode
// equally), with -Infinity and +Infinity at the ends and NaN above all.
func AppendDecimal(b []byte, v *apd.Decimal) []byte {
	switch v.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(b, tagDecNaN)
	case apd.Infinite:
		if v.Negative {
			return append(b, tagDecNegInf)
		}
		return append(b, tagDecPosInf)
	}
	if v.Coeff.Sign() == 0 {
		return append(b, tagDecZero)
	}
	var tmp [24]byte
	ds := decimalDigits(tmp[:], v)
	e := int64(v.Exponent) + int64(len(ds))
	for len(ds) > 0 && ds[len(ds)-1] == '0' {
		ds = ds[:len(ds)-1]
	}
	var inv byte // XOR mask: 0xFF inverts a negative number's bytes
	if v.Negative {
		inv = 0xFF
		b = append(b, tagDecNeg)
	} else {
		b = append(b, tagDecPos)
	}
	start := len(b)
	b = AppendInt(b, e)
	for i := 0; i < len(ds); i += 2 {
		p := (ds[i] - '0') * 10
		if i+1 < len(ds) {
			p += ds[i+1] - '0'
		}
		b = append(b, p+1)
	}
	b = append(b, 0)
	if inv != 0 {
		for i := start; i < len(b); i++ {
			b[i] ^= inv
		}
	}
	return b
}

// decodeDecimal decodes a numeric encoding at the start of b.
func decodeDecimal(b []byte) (*apd.Decimal, []byte, error) {
	d := new(apd.Decimal)
	tag := b[0]
	switch tag {
	case tagDecNaN:
		d.Form = apd.NaN
		return d, b[1:], nil
	case tagDecNegInf, tagDecPosInf:
		d.Form = apd.Infinite
		d.Negative = tag == tagDecNegInf
		return d, b[1:], nil
	case tagDecZero:
		return d, b[1:], nil
	}
	var inv byte
	if tag == tagDecNeg {
		inv = 0xFF
	}
	body := b[1:]
	if len(body) == 0 {
		return nil, b, corrupt("short numeric")
	}
	// The exponent is an integer encoding, inverted for negative numbers.
	var ebuf [9]byte
	ebuf[0] = body[0] ^ inv
	n := 0
	switch t := ebuf[0]; {
	case t > tagIntPosBase && t <= tagIntPosBase+8:
		n = int(t - tagIntPosBase)
	case t >= tagIntNegBase-8 && t < tagIntNegBase:
		n = int(tagIntNegBase - t)
	case t >= tagIntZero && t <= tagIntZero+intSmallMax:
	default:
		return nil, b, corrupt("bad numeric exponent")
	}
	if len(body) < 1+n {
		return nil, b, corrupt("short numeric")
	}
	for i := 1; i <= n; i++ {
		ebuf[i] = body[i] ^ inv
	}
	e, _, err := decodeInt(ebuf[:1+n])
	if err != nil {
		return nil, b, err
	}
	body = body[1+n:]
	var tmp [40]byte
	ds := tmp[:0]
	for i := 0; ; i++ {
		if i >= len(body) {
			return nil, b, corrupt("unterminated numeric")
		}
		c := body[i] ^ inv
		if c == 0 {
			if i == 0 {
				return nil, b, corrupt("numeric without digits")
			}
			if body[i-1]^inv == 1 {
				return nil, b, corrupt("numeric with trailing zeros")
			}
			body = body[i+1:]
			break
		}
		if c > 100 || (i == 0 && c < 11) {
			return nil, b, corrupt("bad numeric digits")
		}
		p := c - 1
		ds = append(ds, '0'+p/10, '0'+p%10)
	}
	if ds[len(ds)-1] == '0' {
		ds = ds[:len(ds)-1]
	}
	exp := e - int64(len(ds))
	if exp > math.MaxInt32 && exp-math.MaxInt32 <= 64 {
		// A coefficient with trailing zeros (10E+2147483647) encodes
		// stripped; give the zeros back so that the exponent fits.
		for ; exp > math.MaxInt32; exp-- {
			ds = append(ds, '0')
		}
	}
	if exp < math.MinInt32 || exp > math.MaxInt32 {
		return nil, b, corrupt("numeric exponent out of range")
	}
	if len(ds) <= 19 {
		var u uint64
		for _, c := range ds {
			u = u*10 + uint64(c-'0')
		}
		d.Coeff.SetUint64(u)
	} else if _, ok := d.Coeff.SetString(string(ds), 10); !ok {
		return nil, b, corrupt("bad numeric digits")
	}
	d.Exponent = int32(exp)
	d.Negative = inv != 0
	return d, body, nil
}
