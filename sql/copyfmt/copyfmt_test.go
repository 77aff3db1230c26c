package copyfmt

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"
	"testing/iotest"
)

// rowReader hands out one row per Read, as the server's CopyData reader
// does when a client (pgbench) sends one CopyData message per row.
type rowReader struct {
	data []byte
	ends []int // end offset of each message
	i    int
	pos  int
}

func (r *rowReader) Read(p []byte) (int, error) {
	if r.pos >= len(r.data) {
		return 0, io.EOF
	}
	end := r.ends[r.i]
	n := copy(p, r.data[r.pos:end])
	r.pos += n
	if r.pos == end {
		r.i++
	}
	return n, nil
}

func (r *rowReader) reset() { r.i, r.pos = 0, 0 }

func pgbenchRows(n int) *rowReader {
	r := &rowReader{}
	for i := 1; i <= n; i++ {
		r.data = strconv.AppendInt(r.data, int64(i), 10)
		r.data = append(r.data, '\t')
		r.data = strconv.AppendInt(r.data, int64((i-1)/100000+1), 10)
		r.data = append(r.data, "\t0\t\n"...)
		r.ends = append(r.ends, len(r.data))
	}
	return r
}

var pgbenchCols = []string{"aid", "bid", "abalance", "filler"}

// TestChunking decodes every case whole, one byte per Read and one
// CopyData-sized piece at a time: the framing must not depend on how the
// payload is cut.
func TestChunking(t *testing.T) {
	for _, c := range loadDecodeCases(t) {
		whole, werr := decodeWith(c, func(b []byte) io.Reader { return bytes.NewReader(b) })
		one, oerr := decodeWith(c, func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) })
		half, herr := decodeWith(c, func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) })
		if fmt.Sprint(werr) != fmt.Sprint(oerr) || fmt.Sprint(werr) != fmt.Sprint(herr) ||
			!sameRows(whole, one) || !sameRows(whole, half) {
			t.Errorf("%v: whole %q %v, one byte %q %v, half %q %v", c, whole, werr, one, oerr, half, herr)
		}
	}
}

func decodeWith(c decodeCase, mk func([]byte) io.Reader) ([][][]byte, error) {
	opts, err := parseOpts(c.opts)
	if err != nil {
		return nil, err
	}
	o, err := ParseOptions(opts, true)
	if err != nil {
		return nil, err
	}
	d := NewDecoder(mk(c.input), o)
	d.SetColumns(colNames(c.ncols))
	var rows [][][]byte
	for {
		f, err := d.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, fmt.Errorf("%v [%s]", err, d.ErrorContext("t"))
		}
		row := make([][]byte, len(f))
		for i, v := range f {
			if v != nil {
				row[i] = append([]byte{}, v...)
			}
		}
		rows = append(rows, row)
	}
}

func TestPgbenchRows(t *testing.T) {
	r := pgbenchRows(1000)
	d := NewDecoder(r, Options{Format: Text, Delimiter: '\t', Null: `\N`})
	d.SetColumns(pgbenchCols)
	for i := 1; ; i++ {
		f, err := d.Next()
		if err == io.EOF {
			if i != 1001 {
				t.Fatalf("got %d rows", i-1)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(f[0]) != strconv.Itoa(i) || string(f[2]) != "0" || f[3] == nil || len(f[3]) != 0 || d.Line() != i {
			t.Fatalf("row %d: %q line %d", i, f, d.Line())
		}
	}
}

// TestNoAllocs checks that steady-state decoding and encoding allocate
// nothing per row.
func TestNoAllocs(t *testing.T) {
	r := pgbenchRows(2000)
	d := NewDecoder(r, Options{Format: Text, Delimiter: '\t', Null: `\N`})
	d.SetColumns(pgbenchCols)
	for i := 0; i < 10; i++ {
		d.Next()
	}
	if a := testing.AllocsPerRun(1000, func() {
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("text decode: %v allocs per row", a)
	}
	// escapes and csv quoting take the slow path; it must not allocate
	// either once its buffers have grown.
	for _, c := range []struct {
		o    Options
		line string
	}{
		{Options{Format: Text, Delimiter: '\t', Null: `\N`}, "a\\tb\t\\N\tc\\\\d\n"},
		{Options{Format: CSV, Delimiter: ',', Quote: '"', Escape: '"'}, "\"a,b\",,\"c\"\"d\"\n"},
	} {
		data := bytes.Repeat([]byte(c.line), 3000)
		d := NewDecoder(bytes.NewReader(data), c.o)
		d.SetColumns([]string{"a", "b", "c"})
		for i := 0; i < 10; i++ {
			d.Next()
		}
		if a := testing.AllocsPerRun(1000, func() {
			if _, err := d.Next(); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%v decode: %v allocs per row", c.o.Format, a)
		}
		e := NewEncoder(c.o)
		buf := make([]byte, 0, 1024)
		row := [][]byte{[]byte("a\tb,\"c"), nil, []byte("plain")}
		if a := testing.AllocsPerRun(1000, func() { buf = e.AppendRow(buf[:0], row) }); a != 0 {
			t.Errorf("%v encode: %v allocs per row", c.o.Format, a)
		}
	}
}

func TestEncodeText(t *testing.T) {
	for _, tc := range []struct {
		delim byte
		in    string
		want  string
	}{
		{'\t', "a\tb", `a\tb`},
		{'\t', "\b\f\n\r\v\\", `\b\f\n\r\v\\`},
		{'\t', "\x01\x1f\x7f", "\x01\x1f\x7f"},
		{'|', "a|b\tc", `a\|b\tc`},
		{'\x01', "a\x01b", "a\\\x01b"},
		{'\t', "é", "é"},
	} {
		e := NewEncoder(Options{Format: Text, Delimiter: tc.delim, Null: `\N`})
		got := string(e.AppendRow(nil, [][]byte{[]byte(tc.in), nil}))
		want := tc.want + string(tc.delim) + `\N` + "\n"
		if got != want {
			t.Errorf("%q: got %q, want %q", tc.in, got, want)
		}
	}
}

func TestFieldContext(t *testing.T) {
	o, _ := ParseOptions(nil, true)
	long := bytes.Repeat([]byte("é"), 60)
	d := NewDecoder(bytes.NewReader(append(append([]byte("x\t\\N\t"), long...), '\n')), o)
	d.SetColumns([]string{"a", "b", "c"})
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		`COPY t, line 1, column a: "x"`,
		`COPY t, line 1, column b: null input`,
		`COPY t, line 1, column c: "` + string(long[:100]) + `..."`,
	} {
		if got := d.FieldContext("t", i); got != want {
			t.Errorf("field %d: got %q, want %q", i, got, want)
		}
	}
}

func TestCheckColumns(t *testing.T) {
	o, err := ParseOptions([]Opt{{Name: "format", Value: "csv", HasValue: true}, {Name: "force_null", HasValue: true, IsList: true, List: []string{"b"}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.CheckColumns([]string{"a", "b"}); err != nil {
		t.Error(err)
	}
	if err := o.CheckColumns([]string{"a"}); err == nil || err.Error() != `ERROR: FORCE_NULL column "b" not referenced by COPY (SQLSTATE 42P10)` {
		t.Errorf("got %v", err)
	}
}

func BenchmarkDecodePgbench(b *testing.B) {
	const n = 1000000
	r := pgbenchRows(n)
	o := Options{Format: Text, Delimiter: '\t', Null: `\N`}
	b.SetBytes(int64(len(r.data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.reset()
		d := NewDecoder(r, o)
		d.SetColumns(pgbenchCols)
		rows := 0
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != n {
			b.Fatal(rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}

func benchDecode(b *testing.B, o Options, line string) {
	data := bytes.Repeat([]byte(line), 100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d := NewDecoder(bytes.NewReader(data), o)
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkDecodeTextEscaped(b *testing.B) {
	benchDecode(b, Options{Format: Text, Delimiter: '\t', Null: `\N`}, "hello\\tworld\t\\N\t12345\tsome longer text with a \\\\ backslash\n")
}

func BenchmarkDecodeCSV(b *testing.B) {
	benchDecode(b, Options{Format: CSV, Delimiter: ',', Quote: '"', Escape: '"'}, "12345,\"quoted, with comma\",,plain text field\n")
}

func BenchmarkDecodeCSVPlain(b *testing.B) {
	benchDecode(b, Options{Format: CSV, Delimiter: ',', Quote: '"', Escape: '"'}, "12345,67890,,plain text field\n")
}

func benchEncode(b *testing.B, o Options) {
	row := [][]byte{[]byte("12345"), []byte("some text, with \"quotes\"\tand tab"), nil, []byte("0")}
	buf := make([]byte, 0, 1<<20)
	e := NewEncoder(o)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if len(buf) > 1<<19 {
			buf = buf[:0]
		}
		buf = e.AppendRow(buf, row)
	}
}

func BenchmarkEncodeText(b *testing.B) {
	benchEncode(b, Options{Format: Text, Delimiter: '\t', Null: `\N`})
}

func BenchmarkEncodeCSV(b *testing.B) {
	benchEncode(b, Options{Format: CSV, Delimiter: ',', Quote: '"', Escape: '"'})
}

func BenchmarkEncodeBinary(b *testing.B) {
	benchEncode(b, Options{Format: Binary})
}
