package types

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

// TestFloatLayout checks the hand-made fixed notation against strconv's
// own 'f' formatting of the same shortest digits, for many random values
// around the notation switch points.
func TestFloatLayout(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		bits := 64
		if i%2 == 1 {
			bits = 32
		}
		f := math.Float64frombits(r.Uint64())
		if i%3 != 0 {
			// Concentrate on exponents near the fixed-notation range.
			f = (r.Float64()*2 - 1) * math.Pow(10, float64(r.Intn(24)-8))
		}
		if bits == 32 {
			f = float64(float32(f))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
			continue
		}
		got := string(appendFloat(nil, f, bits, 1))
		back, err := strconv.ParseFloat(got, bits)
		if err != nil || back != f {
			t.Fatalf("%v (%d bits) printed %q reads back as %v (%v)", f, bits, got, back, err)
		}
		e := strconv.FormatFloat(f, 'e', -1, bits)
		k := len(e) - 1
		for e[k] != 'e' {
			k--
		}
		exp, _ := strconv.Atoi(e[k+1:])
		limit := 15
		if bits == 32 {
			limit = 6
		}
		want := e
		if exp >= -4 && exp < limit {
			want = strconv.FormatFloat(f, 'f', -1, bits)
		}
		if got != want {
			t.Fatalf("%v (%d bits): got %q, want %q", f, bits, got, want)
		}
	}
}
