package eval

import (
	"math"
	"sort"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Frames (nodeWindowAgg.c's update_frameheadpos / update_frametailpos).
// A row's frame is [s, e) in its sorted partition, minus the EXCLUDE set;
// frameParts returns it as up to three ascending index ranges.

// errInRange is PostgreSQL's error of the in_range functions for a
// negative (or NaN) RANGE offset.
func errInRange() error {
	return pgerror.New(pgerror.InvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function")
}

// frameState is what a partition's frames need besides the peers.
type frameState struct {
	f          *planner.WindowFunc
	n          int
	peerStart  []int
	peerEnd    []int
	order      [][]types.Datum // each row's ORDER BY values
	group      []int           // GROUPS: each row's peer group number
	groupStart []int           // GROUPS: first row of each group (+ n at the end)
	offs       [2]types.Datum  // evaluated offsets of Start and End
}

// offsetValue evaluates a frame offset (once per partition, as PostgreSQL
// evaluates them once per scan) and checks it.
func (it *windowIter) offsetValue(f *planner.WindowFunc, b planner.FrameBound, start bool) (types.Datum, error) {
	if b.Kind != planner.OffsetPreceding && b.Kind != planner.OffsetFollowing {
		return nil, nil
	}
	v, err := it.c.eval(b.Offset)
	if err != nil {
		return nil, err
	}
	which := "ending"
	if start {
		which = "starting"
	}
	if v == nil {
		return nil, pgerror.New(pgerror.NullValueNotAllowed, "frame %s offset must not be null", which)
	}
	if f.Rows || f.Groups {
		if v.(int64) < 0 {
			return nil, pgerror.New(pgerror.InvalidPrecedingOrFollowingSize, "frame %s offset must not be negative", which)
		}
		return v, nil
	}
	// RANGE: the in_range functions' checks.
	switch o := v.(type) {
	case int64:
		if o < 0 {
			return nil, errInRange()
		}
	case float64:
		if o < 0 || math.IsNaN(o) {
			return nil, errInRange()
		}
	case *apd.Decimal:
		if o.Form == apd.NaN || o.Negative && !o.IsZero() {
			return nil, errInRange()
		}
	case types.IntervalVal:
		if f.Order[0].Expr.Type().OID == types.OidTime {
			if o.Micros < 0 {
				return nil, errInRange()
			}
		} else if intervalSpan(o) < 0 {
			return nil, errInRange()
		}
	}
	return v, nil
}

// intervalSpan is an interval's length as interval comparison sees it
// (30-day months, 24-hour days), in microseconds (float: no overflow).
func intervalSpan(iv types.IntervalVal) float64 {
	return (float64(iv.Months)*30+float64(iv.Days))*float64(usPerDay) + float64(iv.Micros)
}

// frameParts returns row i's frame as ranges.
func (it *windowIter) frameParts(fs *frameState, i int, buf [][2]int) ([][2]int, error) {
	s, e, err := it.frameBounds(fs, i)
	if err != nil {
		return nil, err
	}
	if e < s {
		e = s
	}
	buf = buf[:0]
	clip := func(a, z int) {
		a, z = max(a, s), min(z, e)
		if a < z {
			buf = append(buf, [2]int{a, z})
		}
	}
	switch fs.f.Exclude {
	case planner.ExcludeCurrentRow:
		clip(s, i)
		clip(i+1, e)
	case planner.ExcludeGroup:
		clip(s, fs.peerStart[i])
		clip(fs.peerEnd[i], e)
	case planner.ExcludeTies:
		clip(s, fs.peerStart[i])
		clip(i, i+1)
		clip(fs.peerEnd[i], e)
	default:
		clip(s, e)
	}
	return buf, nil
}

// frameBounds returns row i's frame [s, e) before exclusion.
func (it *windowIter) frameBounds(fs *frameState, i int) (int, int, error) {
	f, n := fs.f, fs.n
	bound := func(b planner.FrameBound, start bool) (int, error) {
		k := 1
		if start {
			k = 0
		}
		switch b.Kind {
		case planner.UnboundedPreceding:
			return 0, nil
		case planner.UnboundedFollowing:
			return n, nil
		case planner.CurrentRow:
			switch {
			case f.Rows && start:
				return i, nil
			case f.Rows:
				return i + 1, nil
			case start:
				return fs.peerStart[i], nil
			}
			return fs.peerEnd[i], nil
		}
		preceding := b.Kind == planner.OffsetPreceding
		switch {
		case f.Rows:
			o := int(min(fs.offs[k].(int64), int64(n)))
			if preceding {
				o = -o
			}
			if start {
				return min(n, max(0, i+o)), nil
			}
			return min(n, max(0, i+o+1)), nil
		case f.Groups:
			o := int(min(fs.offs[k].(int64), int64(n)))
			if preceding {
				o = -o
			}
			g := fs.group[i] + o
			ng := len(fs.groupStart) - 1
			if start {
				return fs.groupStart[min(ng, max(0, g))], nil
			}
			if g < 0 {
				return 0, nil
			}
			return fs.groupStart[min(ng, g+1)], nil
		}
		return it.rangeBound(fs, i, fs.offs[k], preceding, start)
	}
	s, err := bound(f.Start, true)
	if err != nil {
		return 0, 0, err
	}
	e, err := bound(f.End, false)
	return s, e, err
}

// rangeBound finds a RANGE offset bound of row i by binary search over the
// partition's non-NULL ORDER BY values.
func (it *windowIter) rangeBound(fs *frameState, i int, off types.Datum, preceding, start bool) (int, error) {
	o := fs.f.Order[0]
	cur := fs.order[i][0]
	if cur == nil {
		// NULLs are peers of each other only.
		if start {
			return fs.peerStart[i], nil
		}
		return fs.peerEnd[i], nil
	}
	// The non-NULL rows are [lo, hi).
	lo, hi := 0, fs.n
	if o.NullsFirst {
		for lo < hi && fs.order[lo][0] == nil {
			lo = fs.peerEnd[lo]
		}
	} else {
		for hi > lo && fs.order[hi-1][0] == nil {
			hi = fs.peerStart[hi-1]
		}
	}
	// As update_frameheadpos/tailpos: the head is the first row with
	// val >= base -/+ offset, the tail the last with val <= it; DESC flips
	// both.
	sub, less := preceding != o.Desc, start == o.Desc
	t := o.Expr.Type()
	var ierr error
	inRange := func(k int) bool {
		r, err := it.inRange(t, fs.order[lo+k][0], cur, off, sub, less)
		if err != nil && ierr == nil {
			ierr = err
		}
		return r
	}
	var k int
	if start {
		k = lo + sort.Search(hi-lo, func(k int) bool { return inRange(k) })
	} else {
		k = lo + sort.Search(hi-lo, func(k int) bool { return !inRange(k) })
	}
	return k, ierr
}

// inRange is PostgreSQL's in_range(val, base, offset, sub, less): whether
// val <= base -/+ offset (less) or val >= it, without overflow errors.
func (it *windowIter) inRange(t *types.T, val, base, off types.Datum, sub, less bool) (bool, error) {
	cmp := func(r int) bool {
		if less {
			return r <= 0
		}
		return r >= 0
	}
	switch b := base.(type) {
	case int64:
		o := off.(int64)
		v := val.(int64)
		if sub {
			if b < math.MinInt64+o {
				return !less, nil // the true sum is below every value
			}
			return cmp(compareInt(v, b-o)), nil
		}
		if b > math.MaxInt64-o {
			return less, nil
		}
		return cmp(compareInt(v, b+o)), nil
	case float64:
		v, o := val.(float64), off.(float64)
		if math.IsNaN(v) {
			if math.IsNaN(b) {
				return true, nil
			}
			return !less, nil
		}
		if math.IsNaN(b) {
			return less, nil
		}
		if math.IsInf(o, 0) && math.IsInf(b, 0) && (sub && b > 0 || !sub && b < 0) {
			return true, nil
		}
		sum := b + o
		if sub {
			sum = b - o
		}
		if less {
			return v <= sum, nil
		}
		return v >= sum, nil
	case *apd.Decimal:
		v, o := val.(*apd.Decimal), off.(*apd.Decimal)
		if v.Form == apd.NaN {
			if b.Form == apd.NaN {
				return true, nil
			}
			return !less, nil
		}
		if b.Form == apd.NaN {
			return less, nil
		}
		if o.Form == apd.Infinite && b.Form == apd.Infinite && (sub && !b.Negative || !sub && b.Negative) {
			return true, nil
		}
		sum := new(apd.Decimal)
		ctx := apd.BaseContext.WithPrecision(2000)
		var err error
		if sub {
			_, err = ctx.Sub(sum, b, o)
		} else {
			_, err = ctx.Add(sum, b, o)
		}
		if err != nil {
			return false, err
		}
		return cmp(v.Cmp(sum)), nil
	case types.TimeOfDay:
		o := off.(types.IntervalVal).Micros
		sum := int64(b) + o
		if sub {
			sum = int64(b) - o
		}
		return cmp(compareInt(int64(val.(types.TimeOfDay)), sum)), nil
	case types.IntervalVal:
		o := off.(types.IntervalVal)
		sign := int32(1)
		if sub {
			sign = -1
		}
		sum := types.IntervalVal{Months: b.Months + sign*o.Months, Days: b.Days + sign*o.Days, Micros: b.Micros + int64(sign)*o.Micros}
		return cmp(types.Compare(t, val, sum)), nil
	case types.DateVal, types.TimestampVal, types.TimestampTZVal:
		sign := int64(1)
		if sub {
			sign = -1
		}
		sum, err := tsAddInterval(it.c, base, off.(types.IntervalVal), sign)
		if err != nil {
			return false, err
		}
		return cmp(compareInt(tsMicros(val), tsMicros(sum))), nil
	}
	return false, pgerror.New(pgerror.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", t.SQLName)
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
