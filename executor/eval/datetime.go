package eval

import (
	"math"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

const usPerDay = 86400e6

func init() {
	impls[planner.FnTSPlusInterval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ts, iv := a[0], a[1]
		if v, ok := ts.(types.IntervalVal); ok {
			ts, iv = iv, v
		}
		return tsAddInterval(c, ts, iv.(types.IntervalVal), 1)
	}
	impls[planner.FnTSMinusInterval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return tsAddInterval(c, a[0], a[1].(types.IntervalVal), -1)
	}
	impls[planner.FnTSMinusTS] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		l, r := tsMicros(a[0]), tsMicros(a[1])
		if isInfTS(l) || isInfTS(r) {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
		}
		d := l - r
		// timestamp_mi applies justify_hours: whole days move to Days.
		return types.IntervalVal{Days: int32(d / usPerDay), Micros: d % usPerDay}, nil
	}
	impls[planner.FnIntervalMul] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		iv, f := a[0], a[1]
		if v, ok := f.(types.IntervalVal); ok {
			iv, f = v, iv
		}
		return intervalMul(iv.(types.IntervalVal), f.(float64))
	}
	impls[planner.FnIntervalDiv] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		f := a[1].(float64)
		if f == 0 {
			return nil, cp(errDivZero)
		}
		return intervalMul(a[0].(types.IntervalVal), 1/f)
	}
}

func isInfTS(us int64) bool { return us == math.MinInt64 || us == math.MaxInt64 }

func tsMicros(d types.Datum) int64 {
	switch v := d.(type) {
	case types.TimestampVal:
		return int64(v)
	case types.TimestampTZVal:
		return int64(v)
	case types.DateVal:
		switch v {
		case types.DateInfinity:
			return math.MaxInt64
		case -types.DateInfinity - 1:
			return math.MinInt64
		}
		return int64(v) * usPerDay
	}
	return 0
}

// tsAddInterval adds sign*iv to a timestamp, timestamptz or date (which
// gives a timestamp): months first (clamping the day to the month's end),
// then days, both on the wall clock (the session's zone for timestamptz),
// then microseconds.
func tsAddInterval(c *evalCtx, ts types.Datum, iv types.IntervalVal, sign int64) (types.Datum, error) {
	us := tsMicros(ts)
	_, tz := ts.(types.TimestampTZVal)
	if isInfTS(us) {
		if tz {
			return types.TimestampTZVal(us), nil
		}
		return types.TimestampVal(us), nil // a date's infinity becomes a timestamp's
	}
	loc := time.UTC
	if tz && c.opts != nil && c.opts.Loc != nil {
		loc = c.opts.Loc
	}
	if iv.Months != 0 || iv.Days != 0 {
		t := time.UnixMicro(us + pgEpochUnix*1e6).In(loc)
		y, m, d := t.Date()
		if iv.Months != 0 {
			mm := int64(m) - 1 + sign*int64(iv.Months)
			y += int(floorDiv(mm, 12))
			m = time.Month(mm - floorDiv(mm, 12)*12 + 1)
			if last := daysIn(y, m); d > last {
				d = last
			}
		}
		d += int(sign * int64(iv.Days))
		h, mi, s := t.Clock()
		t = time.Date(y, m, d, h, mi, s, t.Nanosecond(), loc)
		us = t.UnixMicro() - pgEpochUnix*1e6
	}
	us += sign * iv.Micros
	switch {
	case us < -211813488000000000 || us >= 9223371331200000000:
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range")
	}
	if tz {
		return types.TimestampTZVal(us), nil
	}
	return types.TimestampVal(us), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// intervalMul is PostgreSQL 15's interval_mul: fractional months spill into
// days (30 per month) and fractional days into time.
func intervalMul(iv types.IntervalVal, f float64) (types.Datum, error) {
	rm := float64(iv.Months) * f
	if math.IsNaN(rm) || rm > math.MaxInt32 || rm < math.MinInt32 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	months := int32(rm)
	rd := float64(iv.Days) * f
	if math.IsNaN(rd) || rd > math.MaxInt32 || rd < math.MinInt32 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	days := int32(rd)
	monthRemDays := tsround((float64(iv.Months)*f - float64(months)) * 30)
	secRem := tsround((float64(iv.Days)*f - float64(days) + monthRemDays - float64(int32(monthRemDays))) * 86400)
	if math.Abs(secRem) >= 86400 {
		days += int32(secRem / 86400)
		secRem -= float64(int32(secRem/86400)) * 86400
	}
	days += int32(monthRemDays)
	t := math.RoundToEven(float64(iv.Micros)*f + secRem*1e6)
	if math.IsNaN(t) || t > math.MaxInt64 || t < math.MinInt64 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	return types.IntervalVal{Months: months, Days: days, Micros: int64(t)}, nil
}

// tsround rounds to microsecond precision like PostgreSQL's TSROUND.
func tsround(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }

func init() {
	// time ± interval keeps only the interval's time part and wraps around
	// midnight (time_pl_interval, time_mi_interval).
	impls[planner.FnTimePlusInterval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		t, iv := a[0], a[1]
		if v, ok := t.(types.IntervalVal); ok {
			t, iv = iv, v
		}
		return timeAddMicros(t.(types.TimeOfDay), iv.(types.IntervalVal).Micros), nil
	}
	impls[planner.FnTimeMinusInterval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return timeAddMicros(a[0].(types.TimeOfDay), -a[1].(types.IntervalVal).Micros), nil
	}
	impls[planner.FnTimeMinusTime] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.IntervalVal{Micros: int64(a[0].(types.TimeOfDay)) - int64(a[1].(types.TimeOfDay))}, nil
	}
	// date + time and time + date give the timestamp at that time of day
	// (datetime_pl, timedate_pl).
	impls[planner.FnDatePlusTime] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d, t := a[0], a[1]
		if v, ok := d.(types.TimeOfDay); ok {
			d, t = t, v
		}
		us := tsMicros(d)
		if !isInfTS(us) {
			us += int64(t.(types.TimeOfDay))
		}
		return types.TimestampVal(us), nil
	}
}

// timeAddMicros adds us to a time of day modulo one day.
func timeAddMicros(t types.TimeOfDay, us int64) types.TimeOfDay {
	r := (int64(t) + us%usPerDay) % usPerDay
	if r < 0 {
		r += usPerDay
	}
	return types.TimeOfDay(r)
}
