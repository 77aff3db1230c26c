package eval_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/executor/eval"
)

// FuzzFormat feeds format() templates to its parser: no panic, and a
// template without '%' comes back unchanged.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"Hello %s", "%1$s %1$s", "|%-10s|", "|%*s|", "%-*3$s", "%", "%%", "%I %L", "%0$s", "%99999999999s"} {
		f.Add(s)
	}
	if file, err := os.Open("testdata/functions_string.txt"); err == nil {
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "SELECT format('") {
				if end := strings.Index(line[15:], "'"); end >= 0 {
					f.Add(line[15 : 15+end])
				}
			}
		}
		file.Close()
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		arg := func(buf []byte, i int, conv byte) ([]byte, bool, error) {
			if i%3 == 2 {
				return buf, true, nil
			}
			return append(buf, "v"...), false, nil
		}
		width := func(i int) (int64, bool, error) { return int64(i*7) - 10, i == 1, nil }
		out, err := eval.AppendFormat(nil, tmpl, 4, arg, width)
		if err == nil && !strings.Contains(tmpl, "%") && string(out) != tmpl {
			t.Fatalf("%q -> %q", tmpl, out)
		}
		if err == nil && utf8.ValidString(tmpl) && !utf8.Valid(out) {
			t.Fatalf("%q -> invalid UTF-8 %q", tmpl, out)
		}
	})
}

func BenchmarkAppendFormat(b *testing.B) {
	arg := func(buf []byte, i int, conv byte) ([]byte, bool, error) { return append(buf, "value"...), false, nil }
	width := func(i int) (int64, bool, error) { return 10, false, nil }
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = eval.AppendFormat(buf[:0], "INSERT INTO %I VALUES (%L, %-10s, %2$s)", 3, arg, width)
	}
}
