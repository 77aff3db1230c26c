package eval

import (
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzToCharNum feeds arbitrary formats and values to to_char for each
// number type: no panics, and a result or a *pgerror.Error. The output is
// checked against PostgreSQL in internal/sqltest/testdata/regress_types.sql.
func FuzzToCharNum(f *testing.F) {
	for _, s := range []string{"9999", "FM9999.99", "S0000", "9G999D9", "9.99EEEE", "RN", "FMrn", "999th",
		"PL9999", "SG99", "9999PR", "99V99", `99999 "text" 9999 "\"q\""`, "L9.9", "9.9.9", "S9S", "9EEEE9", "FM"} {
		f.Add(s, int64(-4567890123456789), 123.456, "-99.995")
	}
	f.Fuzz(func(t *testing.T, format string, i int64, fl float64, num string) {
		if len(format) > 200 {
			return
		}
		check := func(v types.Datum, typ *types.T) {
			r, err := toCharNum(v, typ, format)
			if err != nil {
				if _, ok := err.(interface{ SQLState() string }); !ok && err.Error() == "" {
					t.Fatalf("empty error")
				}
				return
			}
			if r != nil {
				_ = r.(string)
			}
		}
		check(i, types.Int8)
		check(int64(int32(i)), types.Int4)
		check(fl, types.Float8)
		check(float64(float32(fl)), types.Float4)
		if d, _, err := apd.NewFromString(num); err == nil && d.Exponent > -500 && d.Exponent < 500 && d.NumDigits() < 200 {
			check(d, types.Numeric)
		}
	})
}

// TestDegreeFunctionsExact pins what PostgreSQL's degree functions promise:
// exact results at the multiples of 30 and 45 degrees.
func TestDegreeFunctionsExact(t *testing.T) {
	for _, c := range []struct {
		f    func(float64) (float64, error)
		x, r float64
	}{
		{sind, 30, 0.5}, {sind, 150, 0.5}, {sind, 210, -0.5}, {sind, -30, -0.5}, {sind, 90, 1}, {sind, 360, 0},
		{cosd, 60, 0.5}, {cosd, 120, -0.5}, {cosd, 300, 0.5}, {cosd, 180, -1},
		{tand, 45, 1}, {tand, 135, -1}, {tand, 180, 0}, {tand, 90, math.Inf(1)},
		{cotd, 45, 1}, {cotd, 270, 0}, {cotd, 0, math.Inf(1)},
		{asind, 0.5, 30}, {asind, -1, -90}, {acosd, 0.5, 60}, {acosd, -0.5, 120},
	} {
		r, err := c.f(c.x)
		if err != nil || r != c.r {
			t.Errorf("f(%v) = %v, %v; want %v", c.x, r, err, c.r)
		}
	}
	if _, err := sind(math.Inf(1)); err == nil {
		t.Error("sind(inf) did not fail")
	}
}

func BenchmarkToCharNum(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toCharNum(int64(-4567890123456789), types.Int8, "FM9,999,999,999,999,999.00PR"); err != nil {
			b.Fatal(err)
		}
	}
}
