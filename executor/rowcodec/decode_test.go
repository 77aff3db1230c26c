package rowcodec

import (
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// numericCases are numeric literals around the fast path's edges: scales,
// group boundaries, 16 and more digits, zeros and signs.
var numericCases = []string{
	"0", "0.00", "-0", "1", "-1", "0.01", "-0.01", "0.04", "17.00", "24386.67", "-24386.67",
	"9999", "10000", "10000.0", "1e4", "100000000", "1234567890123456", "12345678901234567",
	"123456789012345678", "9223372036854775807", "9223372036854775808", "0.000000000000000001",
	"0.0000000000000000001", "1.000000000000000000", "99999999.99999999", "0.1234567890123456789",
	"123.4500", "1e100", "-1e-100", "NaN", "Infinity", "-Infinity", "3.14159265358979",
}

// sendNumeric is the binary send form of the numeric literal s.
func sendNumeric(t testing.TB, s string) []byte {
	d, err := types.ParseText(types.Numeric, s, nil)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	b, err := types.AppendBinary(nil, types.Numeric, d)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return b
}

// checkNumeric decodes v both ways: when the fast path takes it, its
// value must be exactly the general path's.
func checkNumeric(t *testing.T, v []byte) bool {
	var d apd.Decimal
	if !decodeNumeric(&d, v) {
		return false
	}
	want, err := types.ParseBinary(types.Numeric, v)
	if err != nil {
		t.Fatalf("% x: fast path took what ParseBinary rejects (%v)", v, err)
	}
	w := want.(*apd.Decimal)
	if d.Form != w.Form || d.Negative != w.Negative || d.Exponent != w.Exponent || d.Coeff.Cmp(&w.Coeff) != 0 {
		t.Fatalf("% x: fast path %s (%v %v e%d), ParseBinary %s (%v %v e%d)", v,
			d.String(), d.Form, d.Negative, d.Exponent, w.String(), w.Form, w.Negative, w.Exponent)
	}
	return true
}

func TestDecodeNumeric(t *testing.T) {
	fast := 0
	for _, s := range numericCases {
		if checkNumeric(t, sendNumeric(t, s)) {
			fast++
		}
	}
	// Hand-made forms PostgreSQL may send but our encoder does not make:
	// unnormalised zero groups, digits beyond dscale, no groups at all.
	for _, h := range []struct{ nd, weight, sign, dscale int }{
		{0, 0, 0, 0}, {0, 0, 0, 2}, {0, 3, 0, 0}, {0, -2, 0x4000, 5}, {2, 1, 0, 0}, {2, 1, 0, 3},
		{3, -1, 0, 2}, {3, -1, 0x4000, 12}, {4, 5, 0, 0}, {1, -3, 0, 4}, {4, 0, 0x4000, 18},
	} {
		v := make([]byte, 8+2*h.nd)
		binary.BigEndian.PutUint16(v, uint16(h.nd))
		binary.BigEndian.PutUint16(v[2:], uint16(int16(h.weight)))
		binary.BigEndian.PutUint16(v[4:], uint16(h.sign))
		binary.BigEndian.PutUint16(v[6:], uint16(h.dscale))
		for k := 0; k < h.nd; k++ {
			binary.BigEndian.PutUint16(v[8+2*k:], uint16(1234*(k+1)%10000))
		}
		checkNumeric(t, v)
	}
	// Random values: up to 4 base-10000 groups must all take the fast path, longer
	// ones may or may not.
	rng := rand.New(rand.NewSource(1))
	for range 20000 {
		var sb strings.Builder
		if rng.Intn(2) == 0 {
			sb.WriteByte('-')
		}
		ni, nf := 1+rng.Intn(12), 0
		for range ni {
			sb.WriteByte(byte('0' + rng.Intn(10)))
		}
		if rng.Intn(3) > 0 {
			sb.WriteByte('.')
			nf = 1 + rng.Intn(10)
			for range nf {
				sb.WriteByte(byte('0' + rng.Intn(10)))
			}
		}
		if checkNumeric(t, sendNumeric(t, sb.String())) {
			fast++
		} else if (ni+3)/4+(nf+3)/4 <= 4 {
			t.Errorf("%s: not on the fast path", sb.String())
		}
	}
	if fast < 15000 {
		t.Errorf("fast path took %d values, want most of them", fast)
	}
}

// TestDecodeShared checks that rows decoded into shared slabs keep their
// values: each datum equals the general decoder's, and decoding another
// row afterwards changes nothing in the first.
func TestDecodeShared(t *testing.T) {
	order, byType := loadValues(t)
	var rows [][]types.Datum
	var encs [][]byte
	for r := 0; r < 6; r++ {
		row := make([]types.Datum, len(order))
		for i, tp := range order {
			vs := byType[tp]
			if j := (r*7 + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		b, err := EncodeRow(nil, order, row)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRow(order, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		rows, encs = append(rows, got), append(encs, b)
	}
	for r, got := range rows {
		// Overwrite the encoded bytes: decoded strings must be copies.
		b := encs[r]
		want := make([]types.Datum, len(order))
		rest := b[1+1+(len(order)+7)/8:]
		for i := range order {
			if b[2+i/8]&(1<<(i%8)) != 0 {
				continue
			}
			var err error
			if want[i], rest, err = decodeValue(order[i], rest); err != nil {
				t.Fatal(err)
			}
		}
		for i := range b {
			b[i] = 0xee
		}
		for i, tp := range order {
			if (got[i] == nil) != (want[i] == nil) {
				t.Fatalf("row %d col %d (%s): got %v, want %v", r, i, tp.Name, got[i], want[i])
			}
			if got[i] != nil && types.Compare(tp, got[i], want[i]) != 0 {
				t.Fatalf("row %d col %d (%s): got %v, want %v", r, i, tp.Name, got[i], want[i])
			}
			if gt, wt := typeWord(got[i]), typeWord(want[i]); gt != wt {
				t.Fatalf("row %d col %d (%s): got Go type %T, want %T", r, i, tp.Name, got[i], want[i])
			}
		}
	}
}

// FuzzDecodeNumeric: whatever bytes come, the fast numeric path either
// declines or gives ParseBinary's exact value.
func FuzzDecodeNumeric(f *testing.F) {
	for _, s := range numericCases {
		f.Add(sendNumeric(f, s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		checkNumeric(t, v)
	})
}

// TestDecoder: a Decoder gives DecodeColumns' rows, for every column
// choice pattern tried, over rows of every type with NULLs in between.
func TestDecoder(t *testing.T) {
	order, byType := loadValues(t)
	for r := 0; r < 5; r++ {
		row := make([]types.Datum, len(order))
		for i, tp := range order {
			vs := byType[tp]
			if j := (r*3 + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		b, err := EncodeRow(nil, order, row)
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p < 4; p++ {
			var want []bool
			if p > 0 {
				want = make([]bool, len(order))
				for i := range want {
					want[i] = (i+r)%(p+1) == 0
				}
			}
			got, err1 := NewDecoder(order, want).Decode(b, nil)
			exp, err2 := DecodeColumns(order, b, nil, want)
			if err1 != nil || err2 != nil {
				t.Fatalf("row %d pattern %d: %v / %v", r, p, err1, err2)
			}
			for i, tp := range order {
				if (got[i] == nil) != (exp[i] == nil) || (got[i] != nil && types.Compare(tp, got[i], exp[i]) != 0) {
					t.Fatalf("row %d pattern %d col %d (%s): Decoder %v, DecodeColumns %v", r, p, i, tp.Name, got[i], exp[i])
				}
			}
		}
	}
}
