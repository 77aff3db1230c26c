package rowcodec

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// slabRows encodes n rows of one column of every test type, with values
// and NULLs rotating.
func slabRows(tb testing.TB, n int) ([]*types.T, [][]types.Datum, [][]byte) {
	order, byType := loadValues(tb)
	var rows [][]types.Datum
	var enc [][]byte
	for r := 0; r < n; r++ {
		row := make([]types.Datum, len(order))
		for i, tp := range order {
			vs := byType[tp]
			if j := (r*5 + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		b, err := EncodeRow(nil, order, row)
		if err != nil {
			tb.Fatal(err)
		}
		rows, enc = append(rows, row), append(enc, b)
	}
	return order, rows, enc
}

// TestDecodeSlab checks that rows decoded into a kept Slab equal
// DecodeColumns' after thousands more rows went into it (no row writes
// over another), and that a Reset Slab decodes the next rows right over
// the same memory (scratch use), for several column selections.
func TestDecodeSlab(t *testing.T) {
	order, _, enc := slabRows(t, 3000)
	for p := 0; p < 3; p++ {
		var want []bool
		if p > 0 {
			want = make([]bool, len(order))
			for i := range want {
				want[i] = i%(p+1) == 0
			}
		}
		d := NewDecoder(order, want)
		var kept Slab
		got := make([][]types.Datum, len(enc))
		for i, b := range enc {
			row, err := d.DecodeSlab(b, &kept)
			if err != nil {
				t.Fatal(err)
			}
			if cap(row) != len(order) {
				t.Fatalf("row cap %d, want %d (appends would overwrite the next row)", cap(row), len(order))
			}
			got[i] = row
		}
		var scratch Slab
		for i, b := range enc {
			if i%100 == 0 {
				scratch.Reset()
			}
			srow, err := d.DecodeSlab(b, &scratch)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := DecodeColumns(order, b, nil, want)
			if err != nil {
				t.Fatal(err)
			}
			for c, tp := range order {
				for _, g := range [][]types.Datum{got[i], srow} {
					if (g[c] == nil) != (exp[c] == nil) || (g[c] != nil && types.Compare(tp, g[c], exp[c]) != 0) {
						t.Fatalf("pattern %d row %d col %d (%s): slab %v, DecodeColumns %v", p, i, c, tp.Name, g[c], exp[c])
					}
				}
			}
		}
		if kept.Allocated() == 0 {
			t.Fatal("Allocated is 0 after decoding")
		}
	}
}

// FuzzDecodeSlab decodes arbitrary bytes with a Slab: no panic, and the
// same datums or error as DecodeRow.
func FuzzDecodeSlab(f *testing.F) {
	order, _, enc := slabRows(f, 8)
	for _, b := range enc {
		f.Add(b)
	}
	d := NewDecoder(order, nil)
	var s Slab
	f.Fuzz(func(t *testing.T, b []byte) {
		s.Reset()
		got, err1 := d.DecodeSlab(b, &s)
		exp, err2 := DecodeRow(order, b, nil)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("DecodeSlab error %v, DecodeRow error %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		for c, tp := range order {
			if (got[c] == nil) != (exp[c] == nil) || (got[c] != nil && types.Compare(tp, got[c], exp[c]) != 0) {
				t.Fatalf("col %d (%s): slab %v, DecodeRow %v", c, tp.Name, got[c], exp[c])
			}
		}
	})
}

// BenchmarkDecodeSlab compares decoding 1024 rows one allocation set per
// row (Decode) with decoding them into a Slab.
func BenchmarkDecodeSlab(b *testing.B) {
	order, _, enc := slabRows(b, 1024)
	d := NewDecoder(order, nil)
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, e := range enc {
				d.Decode(e, nil)
			}
		}
	})
	b.Run("Slab", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s Slab
			for _, e := range enc {
				d.DecodeSlab(e, &s)
			}
		}
	})
}
