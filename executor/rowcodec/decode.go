package rowcodec

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// kind is how the decoder handles a column type.
type kind uint8

const (
	kSlow    kind = iota // decodeValue: everything not listed below
	kBool                // no allocation: Go boxes bools statically
	kScalar              // 8 bytes in the row's scalar slab (ints, floats, dates, times)
	kString              // header in the string slab, bytes in the string arena
	kNumeric             // an apd.Decimal in the row's numeric slab
)

// kindOf classifies t; scalar types also return their type word.
func kindOf(t *types.T) (kind, unsafe.Pointer) {
	switch t.OID {
	case types.OidBool:
		return kBool, nil
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc:
		return kScalar, twInt64
	case types.OidFloat4, types.OidFloat8:
		return kScalar, twFloat64
	case types.OidDate:
		return kScalar, twDate
	case types.OidTime:
		return kScalar, twTime
	case types.OidTimestamp:
		return kScalar, twTimestamp
	case types.OidTimestampTZ:
		return kScalar, twTSTZ
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar, types.OidUnknown:
		return kString, twString
	case types.OidJSON, types.OidJSONB:
		return kString, twJSON
	case types.OidNumeric:
		return kNumeric, nil
	}
	if t.Enum != nil && fixedWidth(t) == 0 {
		return kString, twString
	}
	return kSlow, nil
}

// colPlan is what to do with one column of a row.
type colPlan struct {
	t    *types.T
	k    kind
	skip bool           // not wanted: step over it
	w    int            // fixedWidth(t)
	tw   unsafe.Pointer // type word of kScalar and kString values
}

// makePlan fills plan (len(cols) long) for cols and want (nil = all).
func makePlan(plan []colPlan, cols []*types.T, want []bool) {
	for i, t := range cols {
		k, tw := kindOf(t)
		plan[i] = colPlan{t: t, k: k, skip: want != nil && !want[i], w: fixedWidth(t), tw: tw}
	}
}

// Decoder decodes many rows of one table, such as a scan's: the work per
// column type is done once, in NewDecoder, instead of for every value.
type Decoder struct {
	cols []*types.T
	want []bool
	plan []colPlan
}

// NewDecoder returns a Decoder for rows of cols decoding the columns with
// want[i] set (all when want is nil), as DecodeColumns does. want must be
// nil or as long as cols.
func NewDecoder(cols []*types.T, want []bool) *Decoder {
	d := &Decoder{cols: cols, want: want, plan: make([]colPlan, len(cols))}
	makePlan(d.plan, cols, want)
	return d
}

// Decode is DecodeColumns(cols, b, dst, want) for the Decoder's cols and
// want: a fresh row when dst is too small, every value its own (b may be
// reused afterwards).
func (d *Decoder) Decode(b []byte, dst []types.Datum) ([]types.Datum, error) {
	return decodeColumns(d.cols, d.plan, b, dst, d.want, nil)
}

// decodeWanted decodes the n stored columns of a row whose values start
// at b (bitmap already split off) into dst, as plan says, and returns
// what follows the values. Each row gets one slab per kind of value it
// holds (see box.go), sized by a first pass over the columns, so a row
// costs a few allocations instead of one per value.
//
// With a Slab, the slabs are carved from s instead (see slab.go).
func decodeWanted(plan []colPlan, bitmap, b []byte, n int, dst []types.Datum, s *Slab) ([]byte, error) {
	// First pass: find each wanted value (vals: its column, where its
	// length prefix starts, where its bytes start and end), count the
	// values of each kind and the string bytes, so that each slab is made
	// once at its exact size. The scalars and the string bytes (no
	// pointers in either) share one allocation: scalars first, 8-byte
	// aligned, then the strings' contents.
	type val struct{ col, start, lo, hi int32 }
	var vbuf [24]val
	vals := vbuf[:0]
	var nScalar, nStr, nNum, nBytes int
	pos := 0
	for i := 0; i < n; i++ {
		if bitmap[i>>3]&(1<<(i&7)) != 0 {
			dst[i] = nil
			continue
		}
		pc := &plan[i]
		start, l := pos, pc.w
		if l == 0 {
			v, m := binary.Uvarint(b[pos:])
			if m <= 0 || v > uint64(len(b)-pos-m) {
				return b[pos:], errCorrupt("bad length of %s value", pc.t.SQLName)
			}
			pos, l = pos+m, int(v)
		}
		if len(b)-pos < l {
			return b[pos:], errCorrupt("truncated %s value", pc.t.SQLName)
		}
		lo := pos
		pos += l
		if pc.skip {
			dst[i] = nil
			continue
		}
		vals = append(vals, val{int32(i), int32(start), int32(lo), int32(pos)})
		switch pc.k {
		case kScalar:
			nScalar++
		case kString:
			nStr++
			nBytes += l
		case kNumeric:
			nNum++
		}
	}
	rest := b[pos:]
	var (
		scalars []uint64
		strs    []string
		nums    []apd.Decimal
		sbytes  []byte // string contents
	)
	if s != nil {
		scalars, sbytes, strs, nums = s.take(nScalar, nBytes, nStr, nNum)
	} else if nScalar > 0 || nBytes > 0 {
		blob := make([]byte, (8*nScalar+nBytes+7)&^7)
		if nScalar > 0 {
			scalars = unsafe.Slice((*uint64)(unsafe.Pointer(&blob[0])), nScalar)
		}
		sbytes = blob[8*nScalar : 8*nScalar : 8*nScalar+nBytes]
	}
	if s == nil && nStr > 0 {
		strs = make([]string, nStr)
	}
	if s == nil && nNum > 0 {
		nums = make([]apd.Decimal, nNum)
	}
	nScalar, nStr, nNum = 0, 0, 0
	le := binary.LittleEndian
	for _, x := range vals {
		i := x.col
		pc := &plan[i]
		v := b[x.lo:x.hi]
		switch pc.k {
		case kScalar:
			p := &scalars[nScalar]
			nScalar++
			switch pc.t.OID {
			case types.OidInt2:
				*p = uint64(int64(int16(le.Uint16(v))))
			case types.OidInt4:
				*p = uint64(int64(int32(le.Uint32(v))))
			case types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc:
				*p = uint64(le.Uint32(v))
			case types.OidFloat4:
				*p = math.Float64bits(float64(math.Float32frombits(le.Uint32(v))))
			case types.OidDate:
				// DateVal is an int32: written as one at the slot's
				// address, where the interface reads it.
				*(*int32)(unsafe.Pointer(p)) = int32(le.Uint32(v))
			default: // int8, float8, time, timestamp, timestamptz
				*p = le.Uint64(v)
			}
			dst[i] = box(pc.tw, unsafe.Pointer(p))
		case kBool:
			dst[i] = v[0] != 0
		case kString:
			off := len(sbytes)
			sbytes = append(sbytes, v...)
			p := &strs[nStr]
			nStr++
			if len(v) > 0 {
				*p = unsafe.String(&sbytes[off], len(v))
			}
			dst[i] = box(pc.tw, unsafe.Pointer(p))
		case kNumeric:
			d := &nums[nNum]
			nNum++
			if decodeNumeric(d, v) {
				dst[i] = d
				continue
			}
			fallthrough
		default:
			var err error
			if dst[i], _, err = decodeValue(pc.t, b[x.start:]); err != nil {
				return rest, err
			}
		}
	}
	return rest, nil
}

// Numeric's binary (send) format, as types.AppendBinary writes it.
const (
	numericPos = 0x0000
	numericNeg = 0x4000
)

// decodeNumeric sets d to the numeric in binary send format v when the
// value is finite and its coefficient fits in an int64 (the common case:
// prices, quantities), giving exactly the value types.ParseBinary would
// (same coefficient, exponent and sign), without its detour through a
// decimal string. It reports false, leaving d zero, for everything else,
// invalid input included: the general path decides those.
func decodeNumeric(d *apd.Decimal, v []byte) bool {
	c, e, neg, ok := numericParts(v)
	if !ok {
		return false
	}
	d.SetFinite(int64(c), e)
	d.Negative = neg
	return true
}

// numericParts is decodeNumeric's reading of v: the value is
// (-1 if neg) * c * 10^e, with c <= MaxInt64 and neg false for zero.
func numericParts(v []byte) (c uint64, exp int32, neg, ok bool) {
	if len(v) < 8 {
		return 0, 0, false, false
	}
	be := binary.BigEndian
	nd := int(be.Uint16(v))
	weight := int(int16(be.Uint16(v[2:])))
	sign := be.Uint16(v[4:])
	dscale := int(be.Uint16(v[6:]))
	// A small scale keeps the padding below in range.
	if (sign != numericPos && sign != numericNeg) || len(v) != 8+2*nd || dscale > 18 {
		return 0, 0, false, false
	}
	for k := 0; k < nd; k++ {
		g := be.Uint16(v[8+2*k:])
		if g >= 10000 || c > (math.MaxUint64-9999)/10000 {
			return 0, 0, false, false
		}
		c = c*10000 + uint64(g)
	}
	// As parseNumericBinary: digits is the groups' 4*nd decimal digits,
	// e the exponent of the last one; cut to dscale places, or pad with
	// zeros down to dscale places (not when dscale is 0 and e > 0).
	ndig := 4 * nd
	e := (weight + 1 - nd) * 4
	if -e > dscale {
		drop := -e - dscale
		switch {
		case drop >= ndig:
			c, ndig = 0, 0
		case drop >= len(pow10):
			return 0, 0, false, false
		default:
			c /= uint64(pow10[drop])
			ndig -= drop
		}
		e = -dscale
	}
	if dscale > 0 && e > -dscale {
		pad := e + dscale
		if pad >= len(pow10) || c > math.MaxInt64/uint64(pow10[pad]) {
			return 0, 0, false, false
		}
		c *= uint64(pow10[pad])
		ndig += pad
		e = -dscale
	}
	if ndig == 0 {
		e = -dscale
	} else if e < -1000 || ndig+e > 1000 {
		// Far outside what the checks in parseNumericBinary allow
		// near: let it decide.
		return 0, 0, false, false
	}
	if c > math.MaxInt64 {
		return 0, 0, false, false
	}
	return c, int32(e), sign == numericNeg && c != 0, true
}

// pow10 holds 10^0 .. 10^18.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()
