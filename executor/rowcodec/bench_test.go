package rowcodec

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// pgbench_accounts: aid int4, bid int4, abalance int4, filler char(84).
var (
	accountCols = []*types.T{types.Int4, types.Int4, types.Int4, types.Bpchar}
	accountRow  = []types.Datum{int64(123456), int64(2), int64(-4711), strings.Repeat(" ", 84)}
)

func BenchmarkEncodeRow(b *testing.B) {
	buf := make([]byte, 0, 256)
	var err error
	for b.Loop() {
		if buf, err = EncodeRow(buf[:0], accountCols, accountRow); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeRow(b *testing.B) {
	enc, err := EncodeRow(nil, accountCols, accountRow)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]types.Datum, len(accountCols))
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if dst, err = DecodeRow(accountCols, enc, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeKey(b *testing.B) {
	cols := []*types.T{types.Int4}
	vals := []types.Datum{int64(123456)}
	buf := make([]byte, 0, 16)
	var err error
	for b.Loop() {
		if buf, err = EncodeKey(buf[:0], cols, vals); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeColumns decodes only abalance, as pgbench's
// select-only transaction needs.
func BenchmarkDecodeColumns(b *testing.B) {
	enc, err := EncodeRow(nil, accountCols, accountRow)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]types.Datum, len(accountCols))
	want := []bool{false, false, true, false}
	for b.Loop() {
		if dst, err = DecodeColumns(accountCols, enc, dst, want); err != nil {
			b.Fatal(err)
		}
	}
}

// A TPC-H lineitem row: the table every slow TPC-H query scans.
var (
	lineitemCols = []*types.T{types.Int4, types.Int4, types.Int4, types.Int4,
		types.Numeric, types.Numeric, types.Numeric, types.Numeric,
		types.Bpchar, types.Bpchar, types.Date, types.Date, types.Date,
		types.Bpchar, types.Bpchar, types.Varchar}
	lineitemRow = []types.Datum{int64(4711), int64(15519), int64(785), int64(3),
		mustNumeric("17.00"), mustNumeric("24386.67"), mustNumeric("0.04"), mustNumeric("0.02"),
		"N", "O", types.DateVal(-1093), types.DateVal(-1132), types.DateVal(-1080),
		"DELIVER IN PERSON        ", "TRUCK     ", "egular courts above the"}
)

func mustNumeric(s string) types.Datum {
	d, err := types.ParseText(types.Numeric, s, nil)
	if err != nil {
		panic(err)
	}
	return d
}

// BenchmarkDecodeLineitem decodes the columns TPC-H Q1 reads.
func BenchmarkDecodeLineitem(b *testing.B) {
	for _, bc := range []struct {
		name string
		want []bool
	}{
		{"all", nil},
		{"q1", []bool{false, false, false, false, true, true, true, true, true, true, true, false, false, false, false, false}},
		{"q19", []bool{false, true, false, false, true, true, true, false, false, false, false, false, false, true, true, false}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			enc, err := EncodeRow(nil, lineitemCols, lineitemRow)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				// A fresh row each time: scans hand their rows on.
				if _, err = DecodeColumns(lineitemCols, enc, nil, bc.want); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/decoder", func(b *testing.B) {
			enc, err := EncodeRow(nil, lineitemCols, lineitemRow)
			if err != nil {
				b.Fatal(err)
			}
			d := NewDecoder(lineitemCols, bc.want)
			b.ReportAllocs()
			for b.Loop() {
				if _, err = d.Decode(enc, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
