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
