package rowcodec

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// typedValue is one parsed test value and the literal it came from.
type typedValue struct {
	t   *types.T
	lit string
	d   types.Datum
}

// loadValues parses testdata/values.txt, grouped by type in file order.
func loadValues(tb testing.TB) (order []*types.T, byType map[*types.T][]typedValue) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "values.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	byType = map[*types.T][]typedValue{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, lit, ok := strings.Cut(line, "|")
		t := types.ByName(name)
		if !ok || t == nil {
			tb.Fatalf("bad line %q", line)
		}
		d, err := types.ParseText(t, lit, nil)
		if err != nil {
			tb.Fatalf("%s %q: %v", name, lit, err)
		}
		if _, seen := byType[t]; !seen {
			order = append(order, t)
		}
		byType[t] = append(byType[t], typedValue{t, lit, d})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return order, byType
}

// sameDatum reports whether two datums of type t are the same value,
// including representation details Compare ignores (1.0 vs 1.00, trailing
// spaces of bpchar, -0).
func sameDatum(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (math.Float64bits(x) == math.Float64bits(y) || (x != x && y != y))
	case *apd.Decimal:
		y, ok := b.(*apd.Decimal)
		return ok && x.Form == y.Form && x.Negative == y.Negative && x.Exponent == y.Exponent && x.Coeff.Cmp(&y.Coeff) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case *types.Array:
		y, ok := b.(*types.Array)
		if !ok || len(x.Elems) != len(y.Elems) {
			return false
		}
		for i := range x.Elems {
			if !sameDatum(t.Elem, x.Elems[i], y.Elems[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestRowRoundTrip(t *testing.T) {
	order, byType := loadValues(t)
	// One column per type, rows cycling through each type's values, with
	// NULLs sprinkled in; plus a wide row of every value at once.
	cols := order
	maxN := 0
	for _, tp := range order {
		maxN = max(maxN, len(byType[tp]))
	}
	var buf []byte
	var dst []types.Datum
	check := func(cols []*types.T, row []types.Datum) {
		t.Helper()
		var err error
		buf, err = EncodeRow(buf[:0], cols, row)
		if err != nil {
			t.Fatalf("encode %v: %v", row, err)
		}
		dst, err = DecodeRow(cols, buf, dst)
		if err != nil {
			t.Fatalf("decode %x: %v", buf, err)
		}
		for i := range cols {
			if !sameDatum(cols[i], row[i], dst[i]) {
				t.Errorf("column %d (%s): wrote %#v, read %#v", i, cols[i].SQLName, row[i], dst[i])
			}
		}
	}
	for r := 0; r < maxN+2; r++ {
		row := make([]types.Datum, len(cols))
		for i, tp := range cols {
			vs := byType[tp]
			if j := (r + i) % (len(vs) + 1); j < len(vs) {
				row[i] = vs[j].d
			}
		}
		check(cols, row)
	}
	var wideCols []*types.T
	var wide []types.Datum
	for _, tp := range order {
		for _, v := range byType[tp] {
			wideCols = append(wideCols, tp)
			wide = append(wide, v.d)
		}
	}
	check(wideCols, wide)
	check(nil, nil)
	// All NULL, and long strings whose lengths need multi-byte varints.
	check(wideCols, make([]types.Datum, len(wideCols)))
	long := strings.Repeat("x", 70000)
	check([]*types.T{types.Text, types.Bytea, types.Int4}, []types.Datum{long, []byte(long), int64(5)})
	big, _, err := apd.NewFromString("1" + strings.Repeat("0", 5000) + ".5")
	if err != nil {
		t.Fatal(err)
	}
	check([]*types.T{types.Numeric}, []types.Datum{big})
}

func TestAddedColumnsDecodeNull(t *testing.T) {
	old := []*types.T{types.Int4, types.Text}
	now := []*types.T{types.Int4, types.Text, types.Int8, types.Bool, types.Text, types.Int4, types.Int4, types.Int4, types.Int4}
	b, err := EncodeRow(nil, old, []types.Datum{int64(7), "x"})
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]types.Datum, 0, 20)
	for i := range dst[:cap(dst)] {
		dst[:cap(dst)][i] = "stale"
	}
	got, err := DecodeRow(now, b, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(now) || got[0] != int64(7) || got[1] != "x" || &got[0] != &dst[:1][0] {
		t.Fatalf("got %v", got)
	}
	for _, d := range got[2:] {
		if d != nil {
			t.Fatalf("added column decoded as %v, want NULL", got)
		}
	}
	// The other way round is corruption: the descriptor lost a column.
	if _, err := DecodeRow(old[:1], b, nil); pgerror.Code(err) != pgerror.DataCorrupted {
		t.Fatalf("decoding with fewer columns: %v", err)
	}
}

func TestEncodeRowErrors(t *testing.T) {
	tests := []struct {
		t *types.T
		d types.Datum
	}{
		{types.Int4, "1"},
		{types.Int2, int64(40000)},
		{types.Int4, int64(1 << 40)},
		{types.Oid, int64(-1)},
		{types.Text, []byte("x")},
		{types.Numeric, 1.5},
		{types.Numeric, (*apd.Decimal)(nil)},
		{types.Int4Array, []int64{1}},
		{types.Int4Array, &types.Array{Elem: types.Int4, Elems: []any{"x"}}},
		{types.Date, int64(1)},
		{types.Record, "x"},
	}
	for _, tt := range tests {
		_, err := EncodeRow(nil, []*types.T{tt.t}, []types.Datum{tt.d})
		if err == nil {
			t.Errorf("%s %#v: no error", tt.t.SQLName, tt.d)
		}
	}
	if _, err := EncodeRow(nil, []*types.T{types.Int4}, nil); err == nil {
		t.Error("datum count mismatch: no error")
	}
}

func TestDecodeRowCorrupt(t *testing.T) {
	cols := []*types.T{types.Int4, types.Text, types.Numeric}
	good, err := EncodeRow(nil, cols, []types.Datum{int64(1), "abc", apd.New(5, -1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{
		nil,
		{2, 0},
		{1},
		{1, 3},
		good[:len(good)-1],
		append(append([]byte{}, good...), 0),
		{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		{1, 3, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F},
	} {
		if _, err := DecodeRow(cols, b, nil); pgerror.Code(err) != pgerror.DataCorrupted {
			t.Errorf("%x: got %v, want data corrupted", b, err)
		}
	}
}

func TestDecodeColumns(t *testing.T) {
	cols := []*types.T{types.Int4, types.Text, types.Numeric, types.Int8, types.Int4Array}
	row := []types.Datum{int64(1), "abc", apd.New(5, -1), nil, &types.Array{Elem: types.Int4, Elems: []any{int64(3)}}}
	b, err := EncodeRow(nil, cols, row)
	if err != nil {
		t.Fatal(err)
	}
	for mask := 0; mask < 1<<len(cols); mask++ {
		want := make([]bool, len(cols))
		for i := range want {
			want[i] = mask&(1<<i) != 0
		}
		got, err := DecodeColumns(cols, b, nil, want)
		if err != nil {
			t.Fatalf("mask %b: %v", mask, err)
		}
		for i := range cols {
			exp := row[i]
			if !want[i] {
				exp = nil
			}
			if !sameDatum(cols[i], exp, got[i]) {
				t.Errorf("mask %b column %d: got %#v, want %#v", mask, i, got[i], exp)
			}
		}
		if _, err := DecodeColumns(cols, b[:len(b)-1], nil, want); pgerror.Code(err) != pgerror.DataCorrupted {
			t.Errorf("mask %b: truncated row: %v", mask, err)
		}
	}
}
