package rowcodec

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzDecodeRow decodes arbitrary bytes as a row of one column of every
// test type (and as a short prefix of that schema): no panic, and a row
// that decodes re-encodes and decodes to the same datums.
func FuzzDecodeRow(f *testing.F) {
	order, byType := loadValues(f)
	for r := 0; r < 8; r++ {
		row := make([]types.Datum, len(order))
		for i, tp := range order {
			vs := byType[tp]
			if j := (r + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		b, err := EncodeRow(nil, order, row)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		b, err = EncodeRow(nil, order[:3], row[:3])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, cols := range [][]*types.T{order, order[:5]} {
			row, err := DecodeRow(cols, b, nil)
			if err != nil {
				continue
			}
			// Skipping columns must agree with decoding them.
			want := make([]bool, len(cols))
			for i := range want {
				want[i] = i%2 == 0
			}
			part, err := DecodeColumns(cols, b, nil, want)
			if err != nil {
				t.Fatalf("DecodeRow accepts %x, DecodeColumns says %v", b, err)
			}
			for i := range cols {
				if want[i] && !sameDatum(cols[i], row[i], part[i]) {
					t.Fatalf("column %d: DecodeColumns %#v, DecodeRow %#v", i, part[i], row[i])
				}
			}
			enc, err := EncodeRow(nil, cols, row)
			if err != nil {
				t.Fatalf("decoded row %v does not encode: %v", row, err)
			}
			again, err := DecodeRow(cols, enc, nil)
			if err != nil {
				t.Fatalf("re-encoded row %x does not decode: %v", enc, err)
			}
			for i := range cols {
				if !sameDatum(cols[i], row[i], again[i]) {
					t.Fatalf("column %d (%s): %#v became %#v", i, cols[i].SQLName, row[i], again[i])
				}
			}
			// Keys of decoded values must encode too (json has none).
			for i, tp := range cols {
				if tp.OID == types.OidJSON || (tp.Elem != nil && tp.Elem.OID == types.OidJSON) ||
					tp.OID == types.OidJSONB || (tp.Elem != nil && tp.Elem.OID == types.OidJSONB) {
					continue
				}
				if _, err := EncodeKey(nil, []*types.T{tp}, row[i:i+1]); err != nil {
					t.Fatalf("column %d (%s) %#v: key: %v", i, tp.SQLName, row[i], err)
				}
			}
		}
	})
}
