package rowcodec

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// lineitem's columns and 1024 rows of it, encoded back to back.
func lineitemBatch(b *testing.B) ([]*types.T, []byte, []int32) {
	num := func(s string) types.Datum {
		d, err := types.ParseText(types.Numeric, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	cols := []*types.T{types.Int8, types.Int8, types.Int8, types.Int4, types.Numeric, types.Numeric, types.Numeric,
		types.Numeric, types.Bpchar, types.Bpchar, types.Date, types.Date, types.Date, types.Bpchar, types.Bpchar, types.Varchar}
	var raw []byte
	var ends []int32
	for i := 0; i < 1024; i++ {
		row := []types.Datum{int64(i), int64(i * 7), int64(i * 3), int64(i % 7), num("17.00"), num("21168.23"), num("0.04"),
			num("0.02"), "N", "O", types.DateVal(9000 + i%700), types.DateVal(9010 + i%700), types.DateVal(9020 + i%700),
			"DELIVER IN PERSON", "TRUCK", "egular courts above the"}
		var err error
		if raw, err = EncodeRow(raw, cols, row); err != nil {
			b.Fatal(err)
		}
		ends = append(ends, int32(len(raw)))
	}
	return cols, raw, ends
}

// q01's columns: quantity, extendedprice, discount, tax, returnflag,
// linestatus, shipdate.
var q01Cols = []int{4, 5, 6, 7, 8, 9, 10}

// BenchmarkBatchDecodeSlab decodes q01's columns of a 1024-row batch
// row by row into boxed datums, as the scan did.
func BenchmarkBatchDecodeSlab(b *testing.B) {
	cols, raw, ends := lineitemBatch(b)
	want := make([]bool, len(cols))
	for _, c := range q01Cols {
		want[c] = true
	}
	dec := NewDecoder(cols, want)
	var s Slab
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		s.Reset()
		start := int32(0)
		for _, e := range ends {
			if _, err := dec.DecodeSlab(raw[start:e], &s); err != nil {
				b.Fatal(err)
			}
			start = e
		}
	}
}

// BenchmarkBatchColumnDecoder decodes the same columns into vectors:
// typed, and the two flags as strings into the row bytes.
func BenchmarkBatchColumnDecoder(b *testing.B) {
	cols, raw, ends := lineitemBatch(b)
	var specs []ColumnSpec
	for _, c := range q01Cols {
		specs = append(specs, ColumnSpec{Col: c, Kind: TypedKind(cols[c])})
	}
	cd := NewColumnDecoder(cols, specs)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if err := cd.Decode(raw, ends, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
