package executor

import (
	"bytes"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzKeySpans checks keySpans against the predicate it encodes: over a
// key (a int4, b int4) followed by a row key suffix, a key lies in one of
// the spans exactly when a = eq (if set) and the next column (b, or a
// without eq) satisfies the bounds or the IN list; NULL satisfies none.
func FuzzKeySpans(f *testing.F) {
	f.Add(true, int64(1), uint8(3), int64(2), int64(5), false, int64(1), int64(3), true, []byte("rk"))
	f.Add(false, int64(0), uint8(1), int64(-1), int64(0), true, int64(0), int64(0), false, []byte{})
	f.Add(true, int64(5), uint8(4), int64(7), int64(7), true, int64(5), int64(7), false, []byte{0xff})
	f.Fuzz(func(t *testing.T, hasEq bool, eq int64, mode uint8, lo, hi int64, inc bool, a, b int64, bNull bool, suffix []byte) {
		keyTypes := []*types.T{types.Int4, types.Int4}
		r := &eval.KeyRange{}
		if hasEq {
			r.Eq = []types.Datum{eq}
		}
		switch mode % 5 {
		case 1:
			r.Lower = []eval.Bound{{Value: lo, Inclusive: inc}}
		case 2:
			r.Upper = []eval.Bound{{Value: hi, Inclusive: inc}}
		case 3:
			r.Lower = []eval.Bound{{Value: lo, Inclusive: inc}, {Value: hi, Inclusive: !inc}}
			r.Upper = []eval.Bound{{Value: hi, Inclusive: inc}, {Value: lo + 3, Inclusive: true}}
		case 4:
			r.In = []types.Datum{lo, hi, lo}
		}
		spans, err := keySpans(keyTypes, r, false)
		if err != nil || spans == nil {
			t.Fatalf("keySpans: %v, %v", spans, err)
		}
		var bv types.Datum = b
		if bNull {
			bv = nil
		}
		key, err := rowcodec.EncodeKey(nil, keyTypes, []types.Datum{a, bv})
		if err != nil {
			t.Fatal(err)
		}
		key = append(key, suffix...)
		in := false
		for _, sp := range spans {
			if bytes.Compare(key, sp.lo) >= 0 && (sp.hi == nil || bytes.Compare(key, sp.hi) < 0) {
				in = true
			}
		}
		// The ranged column is the one after the equality prefix.
		x, xNull := a, false
		if hasEq {
			x, xNull = b, bNull
		}
		want := !hasEq || a == eq
		ranged := r.In != nil || len(r.Lower)+len(r.Upper) > 0
		if ranged && xNull {
			want = false
		}
		if want && !xNull {
			for _, l := range r.Lower {
				v := l.Value.(int64)
				want = want && (x > v || (l.Inclusive && x == v))
			}
			for _, u := range r.Upper {
				v := u.Value.(int64)
				want = want && (x < v || (u.Inclusive && x == v))
			}
			if r.In != nil {
				want = want && (x == lo || x == hi)
			}
		}
		if in != want {
			t.Fatalf("a=%d b=%v (null %v) in spans %v = %v, predicate %v (range %+v)", a, b, bNull, spans, in, want, r)
		}
	})
}

func BenchmarkKeySpans(b *testing.B) {
	keyTypes := []*types.T{types.Int4}
	r := &eval.KeyRange{Lower: []eval.Bound{{Value: int64(100), Inclusive: true}},
		Upper: []eval.Bound{{Value: int64(199), Inclusive: true}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := keySpans(keyTypes, r, true); err != nil {
			b.Fatal(err)
		}
	}
}
