package codec

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// value is one test value: its kind and Go value as DecodeNext returns it.
type value struct {
	k Kind
	v any
}

func encode(b []byte, x value) []byte {
	switch x.k {
	case KindNull:
		return AppendNull(b)
	case KindInt:
		return AppendInt(b, x.v.(int64))
	case KindFloat:
		return AppendFloat(b, x.v.(float64))
	case KindBytes:
		return AppendBytes(b, x.v.([]byte))
	case KindDecimal:
		return AppendDecimal(b, x.v.(*apd.Decimal))
	}
	panic("bad kind")
}

// cmpValue is the reference order: PostgreSQL's ORDER BY ... NULLS LAST
// for one kind, written directly from the values.
func cmpValue(a, b value) int {
	switch {
	case a.k == KindNull && b.k == KindNull:
		return 0
	case a.k == KindNull:
		return 1
	case b.k == KindNull:
		return -1
	}
	switch a.k {
	case KindInt:
		x, y := a.v.(int64), b.v.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case KindFloat:
		x, y := a.v.(float64), b.v.(float64)
		xn, yn := math.IsNaN(x), math.IsNaN(y)
		switch {
		case xn && yn:
			return 0
		case xn:
			return 1
		case yn:
			return -1
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case KindBytes:
		return bytes.Compare(a.v.([]byte), b.v.([]byte))
	case KindDecimal:
		x, y := a.v.(*apd.Decimal), b.v.(*apd.Decimal)
		xn, yn := x.Form == apd.NaN, y.Form == apd.NaN
		switch {
		case xn && yn:
			return 0
		case xn:
			return 1
		case yn:
			return -1
		}
		return x.Cmp(y)
	}
	panic("bad kind")
}

func dec(t testing.TB, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatalf("bad decimal %q: %v", s, err)
	}
	return d
}

// edgeValues lists boundary values of every kind.
func edgeValues(t testing.TB) []value {
	var vs []value
	for _, i := range []int64{math.MinInt64, math.MinInt64 + 1, -1 << 56, -1<<56 - 1, -1<<56 + 1,
		-65537, -65536, -65535, -257, -256, -255, -2, -1, 0, 1, 2, 102, 103, 104, 105, 255, 256,
		65535, 65536, 1<<56 - 1, 1 << 56, math.MaxInt32, math.MaxInt64 - 1, math.MaxInt64} {
		vs = append(vs, value{KindInt, i})
	}
	for _, f := range []float64{math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 1e-300, 0.5, 1, 1.5, math.MaxFloat64,
		math.Inf(1), math.NaN(), -math.NaN(), math.Float64frombits(0x7FF0000000000001)} {
		vs = append(vs, value{KindFloat, f})
	}
	for _, s := range []string{"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "a", "a\x00",
		"a\x00b", "ab", "b", "\xff", "\xff\xff", "é", "€", "😀"} {
		vs = append(vs, value{KindBytes, []byte(s)})
	}
	for _, s := range []string{"NaN", "-Infinity", "Infinity", "0", "-0", "0.000", "0E+10", "1", "1.0",
		"1.00", "10", "100", "9.99", "9.999", "10.01", "1E-1000", "-1E-1000", "1E+1000", "-1E+1000",
		"0.1", "0.01", "0.12", "0.120", "0.1201", "0.121", "-0.12", "-0.121", "-0.1201",
		"123456789012345678901234567890.123456789", "-123456789012345678901234567890.123456789",
		"99999999999999999999", "100000000000000000000", "18446744073709551615", "18446744073709551616",
		"1E+99999", "1E-99999", "-7", "-70", "-0.7"} {
		vs = append(vs, value{KindDecimal, dec(t, s)})
	}
	// Exponents at the ends of apd's int32 range.
	vs = append(vs, value{KindDecimal, apd.New(1, math.MaxInt32)}, value{KindDecimal, apd.New(-12, math.MinInt32)},
		value{KindDecimal, apd.New(99, math.MinInt32)}, value{KindDecimal, apd.New(1000, math.MaxInt32)})
	return append(vs, value{KindNull, nil})
}

func sameValue(a, b value) bool {
	return a.k == b.k && cmpValue(a, b) == 0 &&
		(a.k != KindFloat || math.Signbit(a.v.(float64)) == math.Signbit(b.v.(float64)) || a.v.(float64) == 0)
}

func TestRoundTrip(t *testing.T) {
	for _, x := range edgeValues(t) {
		enc := encode([]byte("prefix"), x)[len("prefix"):]
		k, v, rest, err := DecodeNext(append(enc, 0xAB))
		if err != nil {
			t.Errorf("%v %v: decode %x: %v", x.k, x.v, enc, err)
			continue
		}
		if !bytes.Equal(rest, []byte{0xAB}) {
			t.Errorf("%v %v: rest %x", x.k, x.v, rest)
		}
		if got := (value{k, v}); cmpValue(got, x) != 0 || got.k != x.k {
			t.Errorf("%v %v: decoded %v %v", x.k, x.v, k, v)
		}
		// Every strict prefix of an encoding is incomplete, never a value.
		for i := 0; i < len(enc); i++ {
			if _, _, _, err := DecodeNext(enc[:i]); err == nil && i > 0 {
				t.Errorf("%v %v: prefix %x decodes", x.k, x.v, enc[:i])
			}
		}
	}
}

// TestOrderEdges checks every pair of edge values of the same kind (and
// NULL) against the reference order.
func TestOrderEdges(t *testing.T) {
	vs := edgeValues(t)
	for _, a := range vs {
		for _, b := range vs {
			if a.k != b.k && a.k != KindNull && b.k != KindNull {
				continue
			}
			want := cmpValue(a, b)
			got := bytes.Compare(encode(nil, a), encode(nil, b))
			if got != want {
				t.Errorf("%v %v vs %v %v: encoding compares %d, want %d", a.k, a.v, b.k, b.v, got, want)
			}
		}
	}
}

func TestDecimalEdges(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0", "-0", 0},
		{"0", "0.000", 0},
		{"1.0", "1.00", 0},
		{"9.99", "10", -1},
		{"1E-1000", "0", 1},
		{"-1E-1000", "0", -1},
		{"1E+1000", "1E+999", 1},
		{"-1E+1000", "-1E+999", -1},
		{"1E+1000", "Infinity", -1},
		{"Infinity", "NaN", -1},
		{"-Infinity", "-1E+1000", -1},
		{"0.12", "0.1201", -1},
		{"-0.12", "-0.1201", 1},
		{"12", "12.5", -1},
		{"-12", "-12.5", 1},
	}
	for _, tt := range tests {
		a, b := AppendDecimal(nil, dec(t, tt.a)), AppendDecimal(nil, dec(t, tt.b))
		if got := bytes.Compare(a, b); got != tt.want {
			t.Errorf("%s vs %s: %d, want %d (%x vs %x)", tt.a, tt.b, got, tt.want, a, b)
		}
	}
}

// randomValue draws a value of kind k, biased towards values that share
// prefixes and magnitudes so that the order is tested where it is subtle.
func randomValue(r *rand.Rand, k Kind) value {
	if r.IntN(20) == 0 {
		return value{KindNull, nil}
	}
	switch k {
	case KindInt:
		switch r.IntN(4) {
		case 0:
			return value{k, int64(r.Uint64())}
		case 1:
			return value{k, r.Int64N(512) - 256}
		default:
			return value{k, int64(r.Uint64()) >> r.IntN(64)}
		}
	case KindFloat:
		switch r.IntN(10) {
		case 0:
			return value{k, []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1)}[r.IntN(5)]}
		case 1:
			return value{k, math.Float64frombits(r.Uint64())}
		default:
			return value{k, (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))}
		}
	case KindBytes:
		n := r.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = []byte{0, 1, 'a', 'b', 0xC3, 0xA9, 0xFF}[r.IntN(7)]
		}
		return value{k, b}
	case KindDecimal:
		return value{k, randomDecimal(r)}
	}
	panic("bad kind")
}

func randomDecimal(r *rand.Rand) *apd.Decimal {
	switch r.IntN(12) {
	case 0:
		return &apd.Decimal{Form: apd.NaN}
	case 1:
		return &apd.Decimal{Form: apd.Infinite, Negative: r.IntN(2) == 0}
	}
	var sb strings.Builder
	if r.IntN(2) == 0 {
		sb.WriteByte('-')
	}
	n := 1 + r.IntN(25)
	for i := 0; i < n; i++ {
		sb.WriteByte("0001234599"[r.IntN(10)])
	}
	sb.WriteString("E")
	e := r.IntN(60) - 30
	if e < 0 {
		sb.WriteByte('-')
		e = -e
	}
	sb.WriteString(itoa(e))
	d, _, err := apd.NewFromString(sb.String())
	if err != nil {
		panic(err)
	}
	return d
}

func itoa(i int) string { return string(appendUint(nil, uint64(i))) }

// TestOrderRandom sorts random tuples of (int, float, bytes, decimal)
// values by their encodings and checks the result against the reference
// order, column by column.
func TestOrderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []Kind{KindInt, KindFloat, KindBytes, KindDecimal}
	type row struct {
		vals []value
		enc  []byte
	}
	for round := 0; round < 20; round++ {
		// Tuples of 1..3 columns of random kinds; few distinct values per
		// column so that later columns decide.
		ncol := 1 + r.IntN(3)
		colKinds := make([]Kind, ncol)
		for i := range colKinds {
			colKinds[i] = kinds[r.IntN(len(kinds))]
		}
		rows := make([]row, 300)
		for i := range rows {
			var enc []byte
			vals := make([]value, ncol)
			for c, k := range colKinds {
				vals[c] = randomValue(r, k)
				enc = encode(enc, vals[c])
			}
			rows[i] = row{vals, enc}
		}
		slices.SortStableFunc(rows, func(a, b row) int { return bytes.Compare(a.enc, b.enc) })
		for i := 1; i < len(rows); i++ {
			want := 0
			for c := range colKinds {
				if want = cmpValue(rows[i-1].vals[c], rows[i].vals[c]); want != 0 {
					break
				}
			}
			got := bytes.Compare(rows[i-1].enc, rows[i].enc)
			if want > 0 || (got == 0) != (want == 0) {
				t.Fatalf("kinds %v: %v sorts before %v (encodings %x, %x)", colKinds, rows[i-1].vals, rows[i].vals, rows[i-1].enc, rows[i].enc)
			}
		}
		// And decoding the tuple gives the values back.
		for _, rw := range rows {
			b := rw.enc
			for c := range colKinds {
				k, v, rest, err := DecodeNext(b)
				if err != nil || !sameValue(value{k, v}, rw.vals[c]) {
					t.Fatalf("decode %x column %d: %v %v %v, want %v", rw.enc, c, k, v, err, rw.vals[c])
				}
				b = rest
			}
			if len(b) != 0 {
				t.Fatalf("decode %x: %x left over", rw.enc, b)
			}
		}
	}
}

func TestArrays(t *testing.T) {
	arr := func(elems ...value) []byte {
		b := AppendArrayStart(nil)
		for _, e := range elems {
			b = encode(b, e)
		}
		return AppendArrayEnd(b)
	}
	i := func(v int64) value { return value{KindInt, v} }
	null := value{KindNull, nil}
	ordered := [][]byte{
		arr(),
		arr(i(-5)),
		arr(i(1)),
		arr(i(1), i(1)),
		arr(i(1), i(2)),
		arr(i(1), null),
		arr(i(1), null, i(0)),
		arr(i(2)),
		arr(null),
		AppendNull(nil),
	}
	for j := 1; j < len(ordered); j++ {
		if bytes.Compare(ordered[j-1], ordered[j]) >= 0 {
			t.Errorf("array %d (%x) does not sort before %d (%x)", j-1, ordered[j-1], j, ordered[j])
		}
	}
	k, _, rest, err := DecodeNext(ordered[3])
	if k != KindArray || err != nil {
		t.Fatalf("got %v %v", k, err)
	}
	for range 2 {
		if k, _, rest, err = DecodeNext(rest); k != KindInt || err != nil {
			t.Fatalf("got %v %v", k, err)
		}
	}
	if k, _, rest, err = DecodeNext(rest); k != KindArrayEnd || err != nil || len(rest) != 0 {
		t.Fatalf("got %v %v %x", k, err, rest)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	for _, b := range [][]byte{
		{},
		{0x00},
		{0x80, 50},                        // 50 fits in the tag
		{0x81, 0x00, 0x80},                // leading zero byte
		{0x87, 0x80, 0, 0, 0, 0, 0, 0, 0}, // overflows int64
		{0x16, 0xFF, 0x00},                // -256 fits in one byte
		{0x10, 0x7F, 0, 0, 0, 0, 0, 0, 0},
		{tagFloat, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, // -0
		{tagBytes, 'a'},
		{tagBytes, 'a', 0},
		{tagBytes, 0, 2},
		{tagDecPos, tagIntZero + 1, 0},        // no digits
		{tagDecPos, tagIntZero + 1, 1 + 5, 0}, // leading zero digit
		{tagDecPos, tagIntZero + 1, 11, 1, 0}, // trailing zero pair
		{tagDecPos, tagIntZero + 1, 11},       // unterminated
		{tagDecPos, tagIntZero + 1, 102, 0},   // pair > 99
		{0x05},
	} {
		if k, v, _, err := DecodeNext(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%x: got %v %v %v, want ErrCorrupt", b, k, v, err)
		}
	}
}
