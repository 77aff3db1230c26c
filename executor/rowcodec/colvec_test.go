package rowcodec

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// checkColumns decodes the rows (encoded back to back, ends) with a
// ColumnDecoder for every column of cols, as kind (typed or ColDatums),
// and compares each value with what DecodeSlab gives for the same row.
func checkColumns(t *testing.T, cols []*types.T, raw []byte, ends []int32, sel []int32, typed bool) {
	t.Helper()
	specs := make([]ColumnSpec, len(cols))
	for i, c := range cols {
		specs[i] = ColumnSpec{Col: i, Kind: ColDatums}
		if typed {
			specs[i].Kind = TypedKind(c)
		}
	}
	cd := NewColumnDecoder(cols, specs)
	var s Slab
	if err := cd.Decode(raw, ends, sel, &s); err != nil {
		t.Fatalf("column decode: %v", err)
	}
	dec := NewDecoder(cols, nil)
	var rs Slab
	n := len(ends)
	if sel != nil {
		n = len(sel)
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
		row, err := dec.DecodeSlab(raw[start:ends[i]], &rs)
		if err != nil {
			t.Fatalf("row %d: DecodeSlab: %v", i, err)
		}
		for j, c := range cols {
			v := cd.Vector(j)
			if v.Len() != n {
				t.Fatalf("column %d: %d values for %d rows", j, v.Len(), n)
			}
			if err := sameColumnValue(c, row[j], v, k); err != nil {
				t.Fatalf("row %d column %d (%s, kind %d): %v", i, j, c.SQLName, v.Kind, err)
			}
		}
	}
}

// sameColumnValue compares want (DecodeSlab's datum) with row k of v.
func sameColumnValue(c *types.T, want types.Datum, v *ColVector, k int) error {
	if want == nil || v.Null[k] {
		if want == nil && v.Null[k] {
			return nil
		}
		return fmt.Errorf("NULL mismatch: %#v vs null=%v", want, v.Null[k])
	}
	if v.Kind == ColNumeric && !v.Slow[k] {
		d := want.(*apd.Decimal)
		ds := int32(0)
		if d.Exponent < 0 {
			ds = -d.Exponent
		}
		got := newDecimal(v.I64[k], v.Scale[k])
		if types.Compare(c, d, got) != 0 || ds != v.Scale[k] {
			return fmt.Errorf("numeric %s vs %d scale %d", d, v.I64[k], v.Scale[k])
		}
		return nil
	}
	got := v.Datum(c, k)
	if !sameDatum(c, want, got) {
		return fmt.Errorf("%#v vs %#v", want, got)
	}
	return nil
}

// testRows encodes rows of every test type (some NULL), and rows written
// with only a prefix of the columns (as before an ADD COLUMN).
func testRows(tb testing.TB) (cols []*types.T, raw []byte, ends []int32) {
	order, byType := loadValues(tb)
	for r := 0; r < 40; r++ {
		w := len(order)
		if r%5 == 4 {
			w = r % len(order)
		}
		row := make([]types.Datum, w)
		for i, tp := range order[:w] {
			vs := byType[tp]
			if j := (r + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		var err error
		if raw, err = EncodeRow(raw, order[:w], row); err != nil {
			tb.Fatal(err)
		}
		ends = append(ends, int32(len(raw)))
	}
	return order, raw, ends
}

func TestColumnDecoder(t *testing.T) {
	cols, raw, ends := testRows(t)
	for _, typed := range []bool{true, false} {
		checkColumns(t, cols, raw, ends, nil, typed)
		checkColumns(t, cols, raw, ends, []int32{3, 4, 9, 39}, typed)
		checkColumns(t, cols, raw, ends, []int32{}, typed)
	}
}

// TestColumnDecoderSome asks for a few columns, in another order than
// the table's, one of them as datums.
func TestColumnDecoderSome(t *testing.T) {
	cols, raw, ends := testRows(t)
	var want []int
	for i, c := range cols {
		if c.OID == types.OidNumeric || c.OID == types.OidText || c.OID == types.OidDate {
			want = append([]int{i}, want...)
		}
	}
	specs := []ColumnSpec{}
	for _, i := range want {
		specs = append(specs, ColumnSpec{Col: i, Kind: TypedKind(cols[i])})
	}
	specs[0].Kind = ColDatums
	cd := NewColumnDecoder(cols, specs)
	if err := cd.Decode(raw, ends, nil, nil); err != nil {
		t.Fatal(err)
	}
	start := int32(0)
	for k, e := range ends {
		row, err := DecodeRow(cols, raw[start:e], nil)
		if err != nil {
			t.Fatal(err)
		}
		start = e
		for j, sp := range specs {
			if err := sameColumnValue(cols[sp.Col], row[sp.Col], cd.Vector(j), k); err != nil {
				t.Fatalf("row %d column %d: %v", k, sp.Col, err)
			}
		}
	}
}

func TestNumericScaled(t *testing.T) {
	for _, lit := range []string{"0", "1.50", "-0.0001", "10000", "1E+4", "123456789012345678", "9223372036854775807",
		"9223372036854775808", "0.000000000000000000001", "-12.3400", "NaN", "Infinity", "1E+20", "1E+18"} {
		d, err := types.ParseText(types.Numeric, lit, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := types.AppendBinary(nil, types.Numeric, d)
		if err != nil {
			t.Fatal(err)
		}
		want, err := types.ParseBinary(types.Numeric, b)
		if err != nil {
			t.Fatal(err)
		}
		c, s, ok := numericScaled(b)
		if !ok {
			if w := want.(*apd.Decimal); w.Form == apd.Finite && w.Coeff.IsInt64() && w.Exponent <= 0 && w.Exponent >= -18 {
				t.Errorf("%s: not read, though its coefficient fits", lit)
			}
			continue
		}
		w := want.(*apd.Decimal)
		ws := int32(0)
		if w.Exponent < 0 {
			ws = -w.Exponent
		}
		if types.Compare(types.Numeric, w, newDecimal(c, s)) != 0 || s != ws {
			t.Errorf("%s: got %d scale %d, want %s", lit, c, s, w)
		}
	}
}

// FuzzColumnDecoder decodes arbitrary bytes as rows of the test schema
// with DecodeSlab and with a ColumnDecoder: whenever DecodeSlab accepts
// a row, the vectors hold the same values.
func FuzzColumnDecoder(f *testing.F) {
	cols, raw, ends := testRows(f)
	start := int32(0)
	for _, e := range ends[:10] {
		f.Add(raw[start:e], raw[start:e])
		start = e
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for _, cs := range [][]*types.T{cols, cols[:5]} {
			if _, err := DecodeRow(cs, a, nil); err != nil {
				continue
			}
			if _, err := DecodeRow(cs, b, nil); err != nil {
				continue
			}
			raw := append(append([]byte{}, a...), b...)
			ends := []int32{int32(len(a)), int32(len(raw))}
			checkColumns(t, cs, raw, ends, nil, true)
			checkColumns(t, cs, raw, ends, []int32{1}, false)
		}
	})
}
