package codec

import (
	"bytes"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// FuzzDecode feeds arbitrary bytes to DecodeNext: it must not panic, and
// every value it accepts must re-encode to exactly the bytes it consumed
// (encodings are canonical), and decode(encode(x)) == x.
func FuzzDecode(f *testing.F) {
	for _, x := range edgeValues(f) {
		f.Add(encode(nil, x))
	}
	f.Add(AppendArrayEnd(AppendInt(AppendNull(AppendArrayStart(nil)), 7)))
	f.Add([]byte{tagDecNeg, 0xE7, 0xF4, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			k, v, rest, err := DecodeNext(b)
			if err != nil {
				return
			}
			consumed := b[:len(b)-len(rest)]
			var re []byte
			switch k {
			case KindNull:
				re = AppendNull(nil)
			case KindArray:
				re = AppendArrayStart(nil)
			case KindArrayEnd:
				re = AppendArrayEnd(nil)
			default:
				re = encode(nil, value{k, v})
			}
			if !bytes.Equal(re, consumed) {
				t.Fatalf("%v %v: decoded from %x, re-encodes as %x", k, v, consumed, re)
			}
			if k != KindNull && k != KindArray && k != KindArrayEnd {
				k2, v2, rest2, err := DecodeNext(re)
				if err != nil || len(rest2) != 0 || !sameValue(value{k, v}, value{k2, v2}) {
					t.Fatalf("%v %v: round trip gives %v %v %v", k, v, k2, v2, err)
				}
			}
			b = rest
		}
	})
}

// FuzzOrder checks that encodings of two values of each kind compare as
// the values do.
func FuzzOrder(f *testing.F) {
	f.Add(int64(1), int64(-1), 0.5, math.Inf(1), "a", "a\x00", int64(12), int32(-1), int64(125), int32(-2))
	f.Add(int64(103), int64(104), math.NaN(), 0.0, "", "\xff", int64(-999), int32(3), int64(-1), int32(0))
	f.Fuzz(func(t *testing.T, i1, i2 int64, f1, f2 float64, s1, s2 string, c1 int64, e1 int32, c2 int64, e2 int32) {
		d1, d2 := apd.New(c1, e1), apd.New(c2, e2)
		pairs := [][2]value{
			{{KindInt, i1}, {KindInt, i2}},
			{{KindFloat, f1}, {KindFloat, f2}},
			{{KindBytes, []byte(s1)}, {KindBytes, []byte(s2)}},
			{{KindDecimal, d1}, {KindDecimal, d2}},
		}
		for _, p := range pairs {
			a, b := encode(nil, p[0]), encode(nil, p[1])
			if got, want := bytes.Compare(a, b), cmpValue(p[0], p[1]); got != want {
				t.Fatalf("%v vs %v: encodings compare %d, values %d", p[0].v, p[1].v, got, want)
			}
		}
		if got := bytes.Compare(AppendString(nil, s1), AppendBytes(nil, []byte(s1))); got != 0 {
			t.Fatalf("AppendString and AppendBytes differ for %q", s1)
		}
	})
}
