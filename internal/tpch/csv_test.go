package tpch_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/internal/tpch"
)

// The quoting rules are PostgreSQL's CopyAttributeOutCSV (copyto.c) with
// the default NULL string: TestHarnessOnPostgres checks them against real
// output; these cases pin each rule down.
func TestAppendCSVRow(t *testing.T) {
	cases := []struct {
		name   string
		values [][]byte
		want   string
	}{
		{"plain", [][]byte{[]byte("1"), []byte("abc")}, "1,abc\n"},
		{"null", [][]byte{nil, []byte("x"), nil}, ",x,\n"},
		{"empty string differs from null", [][]byte{{}, nil}, `"",` + "\n"},
		{"comma", [][]byte{[]byte("a,b")}, `"a,b"` + "\n"},
		{"quote doubled", [][]byte{[]byte(`say "hi"`)}, `"say ""hi"""` + "\n"},
		{"line feed", [][]byte{[]byte("a\nb")}, "\"a\nb\"\n"},
		{"carriage return", [][]byte{[]byte("a\rb")}, "\"a\rb\"\n"},
		{"end-of-data marker", [][]byte{[]byte(`\.`)}, `"\."` + "\n"},
		{"backslash alone is plain", [][]byte{[]byte(`a\b`)}, `a\b` + "\n"},
		{"blank padding kept", [][]byte{[]byte("GERMANY   ")}, "GERMANY   \n"},
		{"leading space not quoted", [][]byte{[]byte(" x")}, " x\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(tpch.AppendCSVRow(nil, c.values)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	cases := []struct {
		name, want, got string
		diff            string // substring of the description; "" = equal
	}{
		{"equal", "a\n1\n", "a\n1\n", ""},
		{"value", "a\n1\n2\n", "a\n1\n3\n", `line 3 (3 lines expected, 3 got):` + "\n" + `  want "2"` + "\n" + `  got  "3"`},
		{"header", "a\n1\n", "b\n1\n", "line 1 "},
		{"missing row", "a\n1\n2\n", "a\n1\n", `first missing line 3: "2"`},
		{"extra row", "a\n1\n", "a\n1\n2\n", `first extra line 3: "2"`},
		{"final newline", "a\n1\n", "a\n1", "final line break"},
		{"empty vs header only", "a\n", "", "first missing line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := tpch.Diff([]byte(c.want), []byte(c.got))
			if c.diff == "" {
				if d != "" {
					t.Errorf("want equal, got %q", d)
				}
				return
			}
			if !strings.Contains(d, c.diff) {
				t.Errorf("Diff = %q, want it to contain %q", d, c.diff)
			}
		})
	}
}

// FuzzAppendCSVRow renders rows and reads them back with encoding/csv,
// which must give back every value (NULL and the empty string both read
// as ""; the quoting of the empty string is checked separately); Diff of a
// rendering with itself is empty and with a changed rendering is not.
func FuzzAppendCSVRow(f *testing.F) {
	seeds := []string{"1", "abc", "", "a,b", `say "hi"`, "a\nb", "a\rb", `\.`, "GERMANY   ", `"`, ",", "\r\n"}
	for i, s := range seeds {
		f.Add(s, seeds[(i+1)%len(seeds)], i%3 == 0)
	}
	f.Fuzz(func(t *testing.T, a, b string, bNull bool) {
		vb := []byte(b)
		if bNull {
			vb = nil
		}
		out := tpch.AppendCSVRow(nil, [][]byte{[]byte(a), vb})
		if !strings.Contains(a+b, "\r") {
			// encoding/csv turns \r\n inside quotes into \n; PostgreSQL
			// keeps it, so only values without \r round-trip through it.
			r := csv.NewReader(bytes.NewReader(out))
			r.LazyQuotes = false
			rec, err := r.Read()
			if err != nil {
				t.Fatalf("%q: not CSV: %v", out, err)
			}
			wantB := b
			if bNull {
				wantB = ""
			}
			if len(rec) != 2 || rec[0] != a || rec[1] != wantB {
				t.Fatalf("%q read back as %q, want [%q %q]", out, rec, a, wantB)
			}
		}
		if a == "" && !bytes.HasPrefix(out, []byte(`"",`)) {
			t.Fatalf("empty string not quoted: %q", out)
		}
		if d := tpch.Diff(out, out); d != "" {
			t.Fatalf("Diff of equal outputs: %q", d)
		}
		other := tpch.AppendCSVRow(nil, [][]byte{[]byte(a + "x"), vb})
		if d := tpch.Diff(out, other); d == "" {
			t.Fatalf("Diff found no difference between %q and %q", out, other)
		}
	})
}

func BenchmarkAppendCSVRow(b *testing.B) {
	row := [][]byte{[]byte("1"), []byte("Supplier#000000077       "), []byte("wVtcr0uH3CyrSiWMLsqnB09Syo,UuZxPMeBghlY"),
		[]byte("4186.95"), nil, []byte("the slyly final asymptotes. blithely pending theodoli")}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = tpch.AppendCSVRow(buf[:0], row)
	}
}
