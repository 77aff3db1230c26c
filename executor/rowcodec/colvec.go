package rowcodec

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Column-at-a-time decoding.
//
// A scan that feeds typed kernels (comparisons on int64, sums of scaled
// numerics) gains nothing from boxing every value into a types.Datum
// only for the kernel to unbox it again. A ColumnDecoder reads a batch of
// encoded rows and writes each wanted column into a ColVector: a slice of
// the column's Go type, without an interface or an allocation per value.
//
// Lifetimes: vectors are the decoder's and are overwritten by the next
// Decode. ColString values point into the batch's row bytes (no copy), so
// they are valid only while those bytes are; ColDatums values are boxed
// into the Slab the caller passes (or allocated), with the Slab's
// lifetime rules (slab.go).
//
// The decoder reads each row only as far as its last wanted column: bytes
// after it are not checked (Decode and DecodeSlab check the whole row).

// ColKind is how a ColVector holds its values.
type ColKind uint8

const (
	// ColDatums: Datums, as DecodeSlab gives them.
	ColDatums ColKind = iota
	// ColInt64: I64. int2, int4, int8, oid and reg* as their value;
	// date as days, time, timestamp and timestamptz as microseconds
	// (the datum types' own representations).
	ColInt64
	// ColFloat64: F64, float4 widened as the row decoder does.
	ColFloat64
	// ColBool: Bool.
	ColBool
	// ColNumeric: I64[i] / 10^Scale[i] exactly, Scale[i] being the
	// value's display scale, for finite numerics whose coefficient fits
	// an int64 at that scale; the others (NaN, infinities, larger
	// values) have Slow[i] set and their datum in Datums[i].
	ColNumeric
	// ColString: Str, pointing into the row bytes (text types, enums).
	ColString
)

// TypedKind is the typed ColKind for values of t, ColDatums when t has
// none.
func TypedKind(t *types.T) ColKind {
	switch t.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc,
		types.OidDate, types.OidTime, types.OidTimestamp, types.OidTimestampTZ:
		return ColInt64
	case types.OidFloat4, types.OidFloat8:
		return ColFloat64
	case types.OidBool:
		return ColBool
	case types.OidNumeric:
		return ColNumeric
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar, types.OidUnknown:
		return ColString
	}
	if t.Enum != nil && fixedWidth(t) == 0 {
		return ColString
	}
	return ColDatums
}

// ColVector is one column's values over the rows of a batch; Null[i]
// marks a NULL (its typed slot is then zero).
type ColVector struct {
	Kind  ColKind
	Null  []bool
	I64   []int64
	F64   []float64
	Bool  []bool
	Str   []string
	Scale []int32
	// Slow marks ColNumeric values kept as datums; NSlow counts them.
	Slow   []bool
	NSlow  int
	Datums []types.Datum
}

// Len is the number of rows the vector holds.
func (v *ColVector) Len() int { return len(v.Null) }

// resize makes v hold n rows, all NULL until written.
func (v *ColVector) resize(n int) {
	v.Null = sized(v.Null, n)
	for i := range v.Null {
		v.Null[i] = true
	}
	v.NSlow = 0
	switch v.Kind {
	case ColInt64:
		v.I64 = sized(v.I64, n)
	case ColFloat64:
		v.F64 = sized(v.F64, n)
	case ColBool:
		v.Bool = sized(v.Bool, n)
	case ColNumeric:
		v.I64, v.Scale, v.Slow = sized(v.I64, n), sized(v.Scale, n), sized(v.Slow, n)
		clear(v.Slow)
		v.Datums = sized(v.Datums, n)
		clear(v.Datums)
	case ColString:
		v.Str = sized(v.Str, n)
		clear(v.Str) // let go of the previous batch's bytes
	default:
		v.Datums = sized(v.Datums, n)
		clear(v.Datums)
	}
}

func sized[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// Datum is row i's value as a datum (nil for NULL). ColString values
// are copied; ColDatums and slow numerics are returned as they are.
func (v *ColVector) Datum(t *types.T, i int) types.Datum {
	if v.Null[i] {
		return nil
	}
	switch v.Kind {
	case ColInt64:
		x := v.I64[i]
		switch t.OID {
		case types.OidDate:
			return types.DateVal(x)
		case types.OidTime:
			return types.TimeOfDay(x)
		case types.OidTimestamp:
			return types.TimestampVal(x)
		case types.OidTimestampTZ:
			return types.TimestampTZVal(x)
		}
		return x
	case ColFloat64:
		return v.F64[i]
	case ColBool:
		return v.Bool[i]
	case ColNumeric:
		if v.Slow[i] {
			return v.Datums[i]
		}
		return newDecimal(v.I64[i], v.Scale[i])
	case ColString:
		s := string([]byte(v.Str[i]))
		if t.OID == types.OidJSON || t.OID == types.OidJSONB {
			return types.JSONVal(s)
		}
		return s
	}
	return v.Datums[i]
}

// ColumnSpec asks a ColumnDecoder for column Col of the row as Kind:
// TypedKind(cols[Col]), or ColDatums for any column.
type ColumnSpec struct {
	Col  int
	Kind ColKind
}

// ColumnDecoder decodes chosen columns of batches of rows into vectors.
// It is not safe for concurrent use: each scan has its own.
type ColumnDecoder struct {
	cols  []*types.T
	specs []ColumnSpec
	plan  []colPlan
	slot  []int32 // per table column: its spec's index, -1 when unwanted
	last  int     // the last wanted column, -1 when none
	vecs  []ColVector
	// scal holds, per spec, the batch's 8-byte slots in the Slab for a
	// ColDatums column of a scalar type: taken once per Decode instead
	// of once per value.
	scal [][]uint64
}

// NewColumnDecoder returns a decoder of rows of cols into one vector per
// spec. A spec whose Kind is neither ColDatums nor TypedKind of its
// column is decoded as ColDatums; a column may be asked for once.
func NewColumnDecoder(cols []*types.T, specs []ColumnSpec) *ColumnDecoder {
	d := &ColumnDecoder{cols: cols, specs: append([]ColumnSpec(nil), specs...), plan: make([]colPlan, len(cols)),
		slot: make([]int32, len(cols)), last: -1, vecs: make([]ColVector, len(specs)), scal: make([][]uint64, len(specs))}
	makePlan(d.plan, cols, nil)
	for i := range d.slot {
		d.slot[i] = -1
	}
	for j := range d.specs {
		sp := &d.specs[j]
		if sp.Kind != ColDatums && sp.Kind != TypedKind(cols[sp.Col]) {
			sp.Kind = ColDatums
		}
		d.vecs[j].Kind = sp.Kind
		d.slot[sp.Col] = int32(j)
		d.last = max(d.last, sp.Col)
	}
	return d
}

// Vector is the vector of spec j, as the last Decode left it.
func (d *ColumnDecoder) Vector(j int) *ColVector { return &d.vecs[j] }

// Decode decodes the rows raw[ends[i-1]:ends[i]] (the first from 0) for
// each i in sel, or every i when sel is nil, into the vectors: row k of
// each vector is the k-th decoded row. ColDatums values are boxed into s
// (nil: allocated one by one); see ColumnDecoder for how long the values
// stay valid.
func (d *ColumnDecoder) Decode(raw []byte, ends []int32, sel []int32, s *Slab) error {
	n := len(ends)
	if sel != nil {
		n = len(sel)
	}
	for j := range d.vecs {
		d.vecs[j].resize(n)
		d.scal[j] = nil
		if d.vecs[j].Kind == ColDatums && s != nil && n > 0 && d.plan[d.specs[j].Col].k == kScalar {
			d.scal[j], _, _, _ = s.take(n, 0, 0, 0)
		}
	}
	for k := 0; k < n; k++ {
		i := k
		if sel != nil {
			i = int(sel[k])
		}
		start := int32(0)
		if i > 0 {
			start = ends[i-1]
		}
		if err := d.decodeRow(raw[start:ends[i]], k, s); err != nil {
			return err
		}
	}
	return nil
}

// decodeRow decodes one row's wanted columns into slot k of the vectors.
func (d *ColumnDecoder) decodeRow(b []byte, k int, s *Slab) error {
	if len(b) == 0 || b[0] != formatVersion {
		if len(b) == 0 {
			return errCorrupt("empty row")
		}
		return errCorrupt("unknown row format version %d", b[0])
	}
	n64, m := binary.Uvarint(b[1:])
	if m <= 0 || n64 > uint64(len(d.cols)) {
		return errCorrupt("row has %d columns, table %d", n64, len(d.cols))
	}
	n := int(n64)
	b = b[1+m:]
	nb := (n + 7) >> 3
	if len(b) < nb {
		return errCorrupt("truncated null bitmap")
	}
	bitmap := b[:nb]
	b = b[nb:]
	// Columns past n (added after the row was written) stay NULL.
	last := min(d.last, n-1)
	pos := 0
	for i := 0; i <= last; i++ {
		if bitmap[i>>3]&(1<<(i&7)) != 0 {
			continue
		}
		pc := &d.plan[i]
		start, l := pos, pc.w
		if l == 0 {
			v, m := binary.Uvarint(b[pos:])
			if m <= 0 || v > uint64(len(b)-pos-m) {
				return errCorrupt("bad length of %s value", pc.t.SQLName)
			}
			pos, l = pos+m, int(v)
		}
		if len(b)-pos < l {
			return errCorrupt("truncated %s value", pc.t.SQLName)
		}
		lo := pos
		pos += l
		if j := d.slot[i]; j >= 0 {
			if sc := d.scal[j]; sc != nil {
				d.vecs[j].Datums[k], d.vecs[j].Null[k] = boxScalar(pc, b[lo:pos], &sc[k]), false
				continue
			}
			if err := d.put(&d.vecs[j], pc, b[lo:pos], b[start:], k, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// put stores value v (full: from its length prefix on) in slot k of vec.
func (d *ColumnDecoder) put(vec *ColVector, pc *colPlan, v, full []byte, k int, s *Slab) error {
	le := binary.LittleEndian
	switch vec.Kind {
	case ColInt64:
		var x int64
		switch pc.w {
		case 2:
			x = int64(int16(le.Uint16(v)))
		case 4:
			if pc.t.OID == types.OidInt4 || pc.t.OID == types.OidDate {
				x = int64(int32(le.Uint32(v)))
			} else {
				x = int64(le.Uint32(v)) // oid, reg*
			}
		default:
			x = int64(le.Uint64(v))
		}
		vec.I64[k] = x
	case ColFloat64:
		if pc.w == 4 {
			vec.F64[k] = float64(math.Float32frombits(le.Uint32(v)))
		} else {
			vec.F64[k] = math.Float64frombits(le.Uint64(v))
		}
	case ColBool:
		vec.Bool[k] = v[0] != 0
	case ColString:
		if len(v) > 0 {
			vec.Str[k] = unsafe.String(&v[0], len(v))
		} else {
			vec.Str[k] = ""
		}
	case ColNumeric:
		if c, ds, ok := numericScaled(v); ok {
			vec.I64[k], vec.Scale[k] = c, ds
			break
		}
		x, _, err := decodeValue(pc.t, full)
		if err != nil {
			return err
		}
		vec.Datums[k], vec.Slow[k] = x, true
		vec.NSlow++
	default:
		x, err := boxValue(pc, v, full, s)
		if err != nil {
			return err
		}
		vec.Datums[k] = x
	}
	vec.Null[k] = false
	return nil
}

// numericScaled reads a numeric's binary form as a coefficient and a
// display scale (a positive exponent, as for 1E+4, becomes scale 0): the
// value the row decoder gives, false when it does not fit.
func numericScaled(v []byte) (int64, int32, bool) {
	c, e, neg, ok := numericParts(v)
	if !ok {
		return 0, 0, false
	}
	x := int64(c)
	if e > 0 {
		if int(e) >= len(pow10) || x > math.MaxInt64/pow10[e] {
			return 0, 0, false
		}
		x *= pow10[e]
		e = 0
	}
	if neg {
		x = -x
	}
	return x, -e, true
}

// boxValue is one value as decodeWanted boxes it: into s's slabs when s
// is not nil.
func boxValue(pc *colPlan, v, full []byte, s *Slab) (types.Datum, error) {
	if s == nil || pc.k == kSlow {
		x, _, err := decodeValue(pc.t, full)
		return x, err
	}
	switch pc.k {
	case kBool:
		return v[0] != 0, nil
	case kScalar:
		sc, _, _, _ := s.take(1, 0, 0, 0)
		return boxScalar(pc, v, &sc[0]), nil
	case kString:
		_, sb, strs, _ := s.take(0, len(v), 1, 0)
		sb = append(sb, v...)
		if len(v) > 0 {
			strs[0] = unsafe.String(&sb[0], len(v))
		}
		return box(pc.tw, unsafe.Pointer(&strs[0])), nil
	case kNumeric:
		_, _, _, nums := s.take(0, 0, 0, 1)
		if decodeNumeric(&nums[0], v) {
			return &nums[0], nil
		}
	}
	x, _, err := decodeValue(pc.t, full)
	return x, err
}

// newDecimal is c / 10^scale as a numeric of display scale scale.
func newDecimal(c int64, scale int32) *apd.Decimal {
	return new(apd.Decimal).SetFinite(c, -scale)
}

// boxScalar writes the scalar value v of column pc at p, as decodeWanted
// does, and returns it boxed (p must not be written again).
func boxScalar(pc *colPlan, v []byte, p *uint64) types.Datum {
	le := binary.LittleEndian
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
		*(*int32)(unsafe.Pointer(p)) = int32(le.Uint32(v))
	default:
		*p = le.Uint64(v)
	}
	return box(pc.tw, unsafe.Pointer(p))
}
