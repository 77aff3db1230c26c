package eval

import (
	"math/rand"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// TestFastDecimalArithmetic checks the int64 fast paths against apd's
// general arithmetic: same value, same exponent (so the same printed
// scale), for random coefficients and exponents, near-overflow ones too.
func TestFastDecimalArithmetic(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	coeffs := []int64{0, 1, -1, 9, 10, 99999, -123456789, 1 << 40, -(1 << 40), 922337203685477580, -922337203685477580, 9223372036854775807}
	for i := 0; i < 20000; i++ {
		var a, b int64
		if i < len(coeffs)*len(coeffs) {
			a, b = coeffs[i%len(coeffs)], coeffs[i/len(coeffs)]
		} else {
			a, b = rng.Int63n(1<<uint(rng.Intn(62)+1))-rng.Int63n(1<<20), rng.Int63n(1<<uint(rng.Intn(62)+1))-rng.Int63n(1<<20)
		}
		l := apd.New(a, int32(-rng.Intn(12)))
		r := apd.New(b, int32(-rng.Intn(12)))
		for _, sub := range []bool{false, true} {
			if got, ok := fastAddDec(l, r, sub); ok {
				want := new(apd.Decimal)
				if sub {
					_, _ = numCtx.Sub(want, l, r)
				} else {
					_, _ = numCtx.Add(want, l, r)
				}
				if got.Cmp(want) != 0 || got.Exponent != want.Exponent {
					t.Fatalf("%s %v %s: fast %s, apd %s", l, map[bool]string{false: "+", true: "-"}[sub], r, got, want)
				}
			}
		}
		if got, ok := fastMulDec(l, r); ok {
			want := new(apd.Decimal)
			_, _ = numCtx.Mul(want, l, r)
			if got.Cmp(want) != 0 || got.Exponent != want.Exponent {
				t.Fatalf("%s * %s: fast %s, apd %s", l, r, got, want)
			}
		}
	}
}

func BenchmarkNumAdd(b *testing.B) {
	l, r := apd.New(3845, -2), apd.New(-1999, -3)
	for i := 0; i < b.N; i++ {
		_, _ = numAdd(l, r, false)
	}
}
