package types

import (
	"testing"
)

func benchText(b *testing.B, typ *T, lit string) {
	d, err := ParseText(typ, lit, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 64)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf = AppendText(buf[:0], typ, d, nil)
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := ParseText(typ, lit, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		buf := make([]byte, 0, 64)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf, _ = AppendBinary(buf[:0], typ, d)
		}
	})
}

func BenchmarkInt4(b *testing.B)      { benchText(b, Int4, "123456") }
func BenchmarkInt8(b *testing.B)      { benchText(b, Int8, "-9223372036854775807") }
func BenchmarkFloat8(b *testing.B)    { benchText(b, Float8, "3.141592653589793") }
func BenchmarkFloat8Exp(b *testing.B) { benchText(b, Float8, "1.5e300") }
func BenchmarkNumeric(b *testing.B)   { benchText(b, Numeric, "12345.6789") }
func BenchmarkNumericBig(b *testing.B) {
	benchText(b, Numeric, "123456789012345678901234567890.123456789")
}
func BenchmarkTimestamp(b *testing.B) { benchText(b, Timestamp, "2024-01-02 03:04:05.123456") }
func BenchmarkTimestampTZ(b *testing.B) {
	benchText(b, TimestampTZ, "2024-01-02 03:04:05.123456+05:30")
}
func BenchmarkDate(b *testing.B)      { benchText(b, Date, "2024-01-02") }
func BenchmarkInterval(b *testing.B)  { benchText(b, Interval, "1 year 2 mons 3 days 04:05:06.5") }
func BenchmarkText(b *testing.B)      { benchText(b, Text, "pgbench filler text") }
func BenchmarkInt4Array(b *testing.B) { benchText(b, Int4Array, "{1,2,3,4,5,6,7,8}") }
func BenchmarkJSONB(b *testing.B)     { benchText(b, JSONB, `{"b": [1, 2], "a": {"x": "y"}}`) }
