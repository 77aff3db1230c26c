package codec

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
)

func BenchmarkAppendInt(b *testing.B) {
	buf := make([]byte, 0, 64)
	for i := 0; b.Loop(); i++ {
		buf = AppendInt(buf[:0], int64(i)*7919)
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := "pgbench-style filler text without zero bytes.........................."
	buf := make([]byte, 0, 128)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = AppendString(buf[:0], s)
	}
}

func BenchmarkAppendDecimal(b *testing.B) {
	d, _, _ := apd.NewFromString("-12345.678")
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = AppendDecimal(buf[:0], d)
	}
}

func BenchmarkDecodeInt(b *testing.B) {
	enc := AppendInt(nil, 987654)
	for b.Loop() {
		if _, _, _, err := DecodeNext(enc); err != nil {
			b.Fatal(err)
		}
	}
}
