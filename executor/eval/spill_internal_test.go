package eval

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"slices"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// roundTrip writes recs to a temporary file and reads them back.
func roundTrip(t testing.TB, recs [][]byte) [][]byte {
	ts, err := NewTempSpace(vfs.NewMem(), "/tmp/pgsql_tmp")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ts.create(&spillLimit{max: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.remove()
	for _, r := range recs {
		if err := f.write(r); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.reader()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		b, err := r.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.Clone(b))
	}
}

// TestSpillFileRecords writes records of sizes around the buffer size
// (whole, split across buffers, bigger than a buffer, empty) and wants
// them back unchanged.
func TestSpillFileRecords(t *testing.T) {
	for _, sizes := range [][]int{
		{},
		{0},
		{0, 0, 0},
		{1, 2, 3},
		{spillBufSize - 3, 10, 5},
		{spillBufSize, spillBufSize, 1},
		{3 * spillBufSize, 7, 2*spillBufSize + 1},
		{spillBufSize - 1, spillBufSize + 1, spillBufSize - 2, 0, 100000},
	} {
		var recs [][]byte
		for i, n := range sizes {
			r := make([]byte, n)
			for j := range r {
				r[j] = byte(i*31 + j)
			}
			recs = append(recs, r)
		}
		got := roundTrip(t, recs)
		if !slices.EqualFunc(got, recs, bytes.Equal) {
			t.Errorf("sizes %v: got %d records back", sizes, len(got))
		}
	}
}

// FuzzSpillFile writes records cut from the input (lengths from its
// first bytes, stretched past the buffer size when asked) and checks they
// come back unchanged.
func FuzzSpillFile(f *testing.F) {
	f.Add([]byte("hello world"), uint16(3), false)
	f.Add([]byte{}, uint16(0), false)
	f.Add(bytes.Repeat([]byte("ab"), 500), uint16(7), true)
	f.Fuzz(func(t *testing.T, data []byte, step uint16, stretch bool) {
		var recs [][]byte
		for i := 0; i < len(data); {
			n := int(step%97) + int(data[i])%5
			if stretch {
				n *= 331
			}
			r := make([]byte, n)
			for j := range r {
				r[j] = data[(i+j)%len(data)]
			}
			recs = append(recs, r)
			i += 1 + n%13
			if len(recs) > 40 {
				break
			}
		}
		got := roundTrip(t, recs)
		if !slices.EqualFunc(got, recs, bytes.Equal) {
			t.Fatalf("got %d records back of %d", len(got), len(recs))
		}
	})
}

// FuzzSpillRows writes rows of int8, text, float8 and bool built from
// the input through a rowFile and wants the same datums back.
func FuzzSpillRows(f *testing.F) {
	f.Add([]byte("some text\x00\x01\x02 and more"), int64(42))
	f.Add([]byte{}, int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, seed int64) {
		ts, err := NewTempSpace(vfs.NewMem(), "/x")
		if err != nil {
			t.Fatal(err)
		}
		conf := spillConf{space: ts, files: &spillLimit{max: -1}}
		cols := []*types.T{types.Int8, types.Text, types.Float8, types.Bool}
		rf, err := conf.newRowFile(cols)
		if err != nil {
			t.Fatal(err)
		}
		defer rf.remove()
		var rows [][]types.Datum
		for i := 0; i <= len(data); i += 3 {
			var txt types.Datum = string(data[i:min(len(data), i+int(seed&63))])
			if i%4 == 0 {
				txt = nil
			}
			row := []types.Datum{seed + int64(i), txt, float64(seed) / float64(i+1), i%2 == 0}
			rows = append(rows, row)
			if err := rf.writeRow(row); err != nil {
				t.Fatal(err)
			}
		}
		c := &evalCtx{ctx: context.Background()}
		r, err := rf.rows(c)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			row, err := r.next()
			if err == io.EOF {
				if i != len(rows) {
					t.Fatalf("%d rows back of %d", i, len(rows))
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for j := range row {
				if (row[j] == nil) != (rows[i][j] == nil) || row[j] != nil && types.Compare(cols[j], row[j], rows[i][j]) != 0 {
					t.Fatalf("row %d column %d: %v, wrote %v", i, j, row[j], rows[i][j])
				}
			}
		}
	})
}

func TestParseMemoryKB(t *testing.T) {
	for _, tc := range []struct {
		in string
		kb int64
		ok bool
	}{
		{"4MB", 4096, true}, {"64kB", 64, true}, {"1024", 1024, true}, {"-1", -1, true},
		{"1GB", 1 << 20, true}, {"2048B", 2, true}, {"1TB", 1 << 30, true}, {"x", 0, false}, {"5 XB", 0, false},
	} {
		kb, ok := parseMemoryKB(tc.in)
		if kb != tc.kb || ok != tc.ok {
			t.Errorf("%q: %d %v, want %d %v", tc.in, kb, ok, tc.kb, tc.ok)
		}
	}
}

// TestSpillHashSpread checks that partitions by spillHash are used
// evenly at every level, and differently from one level to the next (a
// partition that is split again must not stay in one piece).
func TestSpillHashSpread(t *testing.T) {
	const n, parts = 64000, 16
	for level := range 3 {
		var counts [parts]int
		var next [parts]int
		for i := range n {
			k := binary.LittleEndian.AppendUint64([]byte{2}, uint64(i))
			counts[spillHash(k, level)%parts]++
			if spillHash(k, level)%parts == 0 {
				next[spillHash(k, level+1)%parts]++
			}
		}
		for p, c := range counts {
			if c < n/parts*8/10 || c > n/parts*12/10 {
				t.Errorf("level %d partition %d: %d keys of %d", level, p, c, n)
			}
		}
		for p, c := range next {
			if c < n/parts/parts*6/10 {
				t.Errorf("level %d: partition 0 splits unevenly at the next level: %d in %d", level, c, p)
			}
		}
	}
}

// FuzzSortRows checks the abbreviated-key sort against a plain stable
// sort of the rows by the same comparison: rows of an int8, a float8
// (NaN, infinities, -0 among them), a text (shared 8-byte prefixes) and a
// date column, NULLs in each, sorted on keys and directions the input
// chooses.
func FuzzSortRows(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03 some bytes to make rows from \xff\xfe"), uint8(0), uint8(1))
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), uint8(2), uint8(7))
	f.Add([]byte{}, uint8(1), uint8(3))
	floats := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1.5, -2.25, 1e300, -1e-300}
	f.Fuzz(func(t *testing.T, data []byte, keySel, dirs uint8) {
		cols := []*types.T{types.Int8, types.Float8, types.Text, types.Date}
		var rows [][]types.Datum
		for i := 0; i+3 < len(data) && len(rows) < 300; i += 3 {
			a, b, c := data[i], data[i+1], data[i+2]
			row := []types.Datum{int64(int8(a)) * 1e15, floats[int(b)%len(floats)],
				"prefix__" + string(data[i:i+int(c%4)]), types.DateVal(int32(int8(c)))}
			if a%7 == 0 {
				row[int(b)%4] = nil
			}
			rows = append(rows, row)
		}
		var keys []planner.SortKey
		for k := range 1 + int(keySel%3) {
			keys = append(keys, planner.SortKey{Col: (int(keySel) + k) % 4, Desc: dirs>>k&1 != 0, NullsFirst: dirs>>(k+3)&1 != 0})
		}
		it := &sortIter{n: &planner.Sort{Keys: keys}, types: cols}
		want := slices.Clone(rows)
		slices.SortStableFunc(want, it.cmp)
		got := it.sortRows(slices.Clone(rows))
		for i := range want {
			if &want[i][0] != &got[i][0] {
				t.Fatalf("keys %+v: row %d is %v, a stable sort gives %v", keys, i, got[i], want[i])
			}
		}
	})
}
