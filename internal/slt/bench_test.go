package slt

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkAppendValue(b *testing.B) {
	vals := [][]byte{[]byte("12345"), []byte("-7.25"), []byte("hello"), nil}
	var buf []byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v := vals[i%len(vals)]
		buf = AppendValue(buf[:0], "IRTI"[i%4], v)
	}
}

func BenchmarkParseSelect1(b *testing.B) {
	dir, err := FindCorpus(".")
	if err != nil {
		b.Skip(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "select1.test"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseBytes(data, "select1.test"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSortHash(b *testing.B) {
	src := make([]string, 0, 3000)
	for i := 0; i < 1000; i++ {
		src = append(src, string(AppendValue(nil, 'I', []byte{byte('0' + i%10), byte('0' + i%7)})), "x", "NULL")
	}
	vals := make([]string, len(src))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		copy(vals, src)
		SortValues(vals, 3, RowSort)
		_ = Hash(vals)
	}
}
