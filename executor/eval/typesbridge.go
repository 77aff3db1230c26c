package eval

// Thin wrappers over sql/types, so that the evaluator has one place that
// names the conversions it relies on, plus time-zone helpers.

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// compare orders two non-NULL datums of type t.
func compare(t *types.T, a, b types.Datum) int { return types.Compare(t, a, b) }

func isStringType(t *types.T) bool {
	switch t.OID {
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidUnknown, types.OidChar:
		return true
	}
	return false
}

// castDatum converts non-NULL d from type from to type to.
func castDatum(d types.Datum, from, to *types.T, o *types.FormatOpts) (types.Datum, error) {
	return types.Cast(d, from, to, o)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

const pgEpochUnix = 946684800 // 2000-01-01 in Unix seconds

// utcToLocal converts microseconds since 2000-01-01 UTC to local wall-clock
// microseconds in o's time zone.
func utcToLocal(us int64, o *types.FormatOpts) int64 {
	if us == math.MinInt64 || us == math.MaxInt64 || o == nil || o.Loc == nil {
		return us
	}
	sec := floorDiv(us, 1e6) + pgEpochUnix
	_, off := timeUnix(sec).In(o.Loc).Zone()
	return us + int64(off)*1e6
}

// applyTypmod applies a type modifier (varchar(n), numeric(p,s)...).
func applyTypmod(t *types.T, typmod int32, d types.Datum, explicit bool) (types.Datum, error) {
	return types.ApplyTypmod(t, typmod, d, explicit)
}

// canonical maps values that compare equal to one representation, for
// hashing: -0 to 0 and numerics without trailing fraction zeros.
func canonical(v types.Datum) types.Datum {
	switch x := v.(type) {
	case float64:
		if x == 0 {
			return 0.0
		}
	case *apd.Decimal:
		if x.Form == apd.Finite {
			d := new(apd.Decimal)
			d.Reduce(x)
			if d.Exponent > 0 {
				_, _ = apd.BaseContext.WithPrecision(1000).Quantize(d, d, 0)
			}
			if d.IsZero() {
				d.Negative = false
			}
			return d
		}
	}
	// Everything else is its own canonical form; v is returned as it is
	// (re-boxing a string would allocate per row in GROUP BY keys).
	return v
}
