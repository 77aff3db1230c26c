package eval

import (
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnDateTrunc] = fnDateTrunc
	impls[planner.FnDatePart] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return datePart(c, x, a, false)
	}
	impls[planner.FnExtract] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return datePart(c, x, a, true)
	}
	impls[planner.FnAge] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return age(c, a[0], a[1])
	}
	impls[planner.FnAgeNow] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		// age(ts) is age(current_date, ts): midnight today, local time.
		today := floorDiv(utcToLocal(toPGMicros(c.envOrDefault().TransactionTimestamp()), c.opts), usPerDay) * usPerDay
		if _, tz := a[0].(types.TimestampTZVal); tz {
			return age(c, types.TimestampVal(today).ToInstant(c.loc()), a[0])
		}
		return age(c, types.TimestampVal(today), a[0])
	}
	impls[planner.FnMakeDate] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		y, m, d := a[0].(int64), a[1].(int64), a[2].(int64)
		return makeDate(y, m, d)
	}
	impls[planner.FnMakeTimestamp] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		us, err := makeTimestamp(a)
		if err != nil {
			return nil, err
		}
		return types.TimestampVal(us), nil
	}
	impls[planner.FnMakeTimestampTZ] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		us, err := makeTimestamp(a)
		if err != nil {
			return nil, err
		}
		loc := c.loc()
		if len(a) > 6 {
			if loc, err = time.LoadLocation(a[6].(string)); err != nil {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "time zone \"%s\" not recognized", a[6].(string))
			}
		}
		return types.TimestampVal(us).ToInstant(loc), nil
	}
	impls[planner.FnMakeInterval] = fnMakeInterval
	impls[planner.FnToTimestampEpoch] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		f := a[0].(float64)
		switch {
		case math.IsNaN(f):
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp cannot be NaN")
		case math.IsInf(f, 1):
			return types.TimestampTZVal(math.MaxInt64), nil
		case math.IsInf(f, -1):
			return types.TimestampTZVal(math.MinInt64), nil
		}
		us := math.RoundToEven(f*1e6) - pgEpochUnix*1e6
		if us < -211813488000000000 || us >= 9223371331200000000 {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", string(types.AppendText(nil, types.Float8, f, nil)))
		}
		return types.TimestampTZVal(int64(us)), nil
	}
	impls[planner.FnJustifyDays] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		iv := a[0].(types.IntervalVal)
		m := int64(iv.Months) + int64(iv.Days/30)
		d := iv.Days % 30
		if m > 0 && d < 0 {
			d += 30
			m--
		} else if m < 0 && d > 0 {
			d -= 30
			m++
		}
		if m > math.MaxInt32 || m < math.MinInt32 {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
		}
		return types.IntervalVal{Months: int32(m), Days: d, Micros: iv.Micros}, nil
	}
	impls[planner.FnJustifyHours] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		iv := a[0].(types.IntervalVal)
		d := int64(iv.Days) + iv.Micros/usPerDay
		us := iv.Micros % usPerDay
		if d > 0 && us < 0 {
			us += usPerDay
			d--
		} else if d < 0 && us > 0 {
			us -= usPerDay
			d++
		}
		if d > math.MaxInt32 || d < math.MinInt32 {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
		}
		return types.IntervalVal{Months: iv.Months, Days: int32(d), Micros: us}, nil
	}
	impls[planner.FnJustifyInterval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		iv := a[0].(types.IntervalVal)
		m := int64(iv.Months)
		d := int64(iv.Days)
		m += d / 30
		d %= 30
		d += iv.Micros / usPerDay
		us := iv.Micros % usPerDay
		// Same-sign months and days, then days and time.
		if m > 0 && (d < 0 || d == 0 && us < 0) {
			d += 30
			m--
		} else if m < 0 && (d > 0 || d == 0 && us > 0) {
			d -= 30
			m++
		}
		if d > 0 && us < 0 {
			us += usPerDay
			d--
		} else if d < 0 && us > 0 {
			us -= usPerDay
			d++
		}
		if m > math.MaxInt32 || m < math.MinInt32 || d > math.MaxInt32 || d < math.MinInt32 {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
		}
		return types.IntervalVal{Months: int32(m), Days: int32(d), Micros: us}, nil
	}
	impls[planner.FnDateBin] = fnDateBin
	impls[planner.FnIsFinite] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case types.DateVal:
			return v.IsFinite(), nil
		case types.TimestampVal:
			return v.IsFinite(), nil
		case types.TimestampTZVal:
			return v.IsFinite(), nil
		case types.IntervalVal:
			return true, nil
		}
		return nil, badArgs(x)
	}
}

func (c *evalCtx) loc() *time.Location {
	if c.opts != nil && c.opts.Loc != nil {
		return c.opts.Loc
	}
	return time.UTC
}

// fields is a broken-down timestamp (PostgreSQL's struct pg_tm plus fsec).
type fields struct {
	year, mon, mday, hour, min, sec int
	usec                            int64
}

func toFields(us int64) fields {
	t := time.UnixMicro(us + pgEpochUnix*1e6).UTC()
	y, m, d := t.Date()
	// Go's year 0 is 1 BC; PostgreSQL's tm_year for 1 BC is 0 too, and
	// extract() maps it to -1 itself.
	return fields{y, int(m), d, t.Hour(), t.Minute(), t.Second(), int64(t.Nanosecond() / 1000)}
}

func fromFields(f fields) int64 {
	t := time.Date(f.year, time.Month(f.mon), f.mday, f.hour, f.min, f.sec, int(f.usec*1000), time.UTC)
	return t.UnixMicro() - pgEpochUnix*1e6
}

// units maps PostgreSQL's spellings of date/time units (datetktbl and
// deltatktbl) to canonical names.
var units = map[string]string{}

func init() {
	for canon, alts := range map[string]string{
		"microseconds": "microsecond microseconds us usec usecs useconds",
		"milliseconds": "millisecond milliseconds ms msec msecs mseconds",
		"second":       "second seconds s sec secs",
		"minute":       "minute minutes m min mins",
		"hour":         "hour hours h hr hrs",
		"day":          "day days d",
		"week":         "week weeks w",
		"month":        "month months mon mons",
		"quarter":      "quarter qtr",
		"year":         "year years y yr yrs",
		"decade":       "decade decades dec decs",
		"century":      "century centuries c cent",
		"millennium":   "millennium millennia millenniums mil mils",
		"epoch":        "epoch",
		"dow":          "dow",
		"isodow":       "isodow",
		"doy":          "doy",
		"isoyear":      "isoyear",
		"julian":       "julian j",
		"timezone":     "timezone",
		"timezone_h":   "timezone_h timezone_hour",
		"timezone_m":   "timezone_m timezone_minute",
	} {
		for _, a := range strings.Fields(alts) {
			units[a] = canon
		}
	}
}

func errUnit(u string, t *types.T, recognized bool) error {
	if recognized {
		return pgerror.New(pgerror.FeatureNotSupported, "unit \"%s\" not supported for type %s", u, t.SQLName)
	}
	return pgerror.New(pgerror.InvalidParameterValue, "unit \"%s\" not recognized for type %s", u, t.SQLName)
}

func fnDateTrunc(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	raw := a[0].(string)
	u, ok := units[strings.ToLower(raw)]
	t := x.Args[1].Type()
	var us int64
	tz := false
	switch v := a[1].(type) {
	case types.TimestampVal:
		us = int64(v)
	case types.TimestampTZVal:
		tz = true
		us = int64(v.ToLocal(c.loc()))
	default:
		return nil, errUnit(strings.ToLower(raw), t, ok)
	}
	if !ok {
		return nil, errUnit(strings.ToLower(raw), t, false)
	}
	if !types.TimestampVal(us).IsFinite() {
		return a[1], nil
	}
	f := toFields(us)
	switch u {
	case "millennium", "century":
		// Periods count from year 1 (and backwards from 1 BC).
		span := 1000
		if u == "century" {
			span = 100
		}
		if f.year > 0 {
			f.year = (f.year+span-1)/span*span - span + 1
		} else {
			f.year = -((span-1-(f.year-1))/span*span - 1)
		}
		f.mon, f.mday, f.hour, f.min, f.sec, f.usec = 1, 1, 0, 0, 0, 0
	case "decade":
		if f.year > 0 {
			f.year = f.year / 10 * 10
		} else {
			f.year = -((8-(f.year-1))/10*10 + 2)
		}
		f.mon, f.mday, f.hour, f.min, f.sec, f.usec = 1, 1, 0, 0, 0, 0
	case "year":
		f.mon, f.mday, f.hour, f.min, f.sec, f.usec = 1, 1, 0, 0, 0, 0
	case "quarter":
		f.mon = 3*((f.mon-1)/3) + 1
		f.mday, f.hour, f.min, f.sec, f.usec = 1, 0, 0, 0, 0
	case "month":
		f.mday, f.hour, f.min, f.sec, f.usec = 1, 0, 0, 0, 0
	case "week":
		// Back to Monday.
		dow := (floorDiv(us, usPerDay)%7 + 7 + 5) % 7 // 2000-01-01 was a Saturday
		f = toFields(floorDiv(us, usPerDay)*usPerDay - dow*usPerDay)
	case "day":
		f.hour, f.min, f.sec, f.usec = 0, 0, 0, 0
	case "hour":
		f.min, f.sec, f.usec = 0, 0, 0
	case "minute":
		f.sec, f.usec = 0, 0
	case "second":
		f.usec = 0
	case "milliseconds":
		f.usec = f.usec / 1000 * 1000
	case "microseconds":
	default:
		return nil, errUnit(strings.ToLower(raw), t, u != "epoch")
	}
	r := fromFields(f)
	if tz {
		return types.TimestampVal(r).ToInstant(c.loc()), nil
	}
	return types.TimestampVal(r), nil
}

// datePart is date_part (float8) and extract (numeric).
func datePart(c *evalCtx, x *planner.Call, a []types.Datum, numeric bool) (types.Datum, error) {
	low := strings.ToLower(a[0].(string))
	u, ok := units[low]
	t := x.Args[1].Type()
	if !ok {
		return nil, errUnit(low, t, false)
	}
	// The value as an exact decimal: whole part and microseconds, so
	// that extract's scale comes out as PostgreSQL's.
	var whole int64
	var us int64 // fractional micro-units, scale 6 when frac
	frac := false
	fracScale := int32(6)
	infinite := 0
	switch v := a[1].(type) {
	case types.IntervalVal:
		switch u {
		case "microseconds":
			whole = v.Micros % 60e6
		case "milliseconds":
			whole, us, frac, fracScale = (v.Micros%60e6)/1000, (v.Micros%60e6)%1000, true, 3
		case "second":
			whole, us, frac = (v.Micros%60e6)/1e6, (v.Micros%60e6)%1e6, true
		case "minute":
			whole = (v.Micros / 60e6) % 60
		case "hour":
			whole = v.Micros / 3600e6
		case "day":
			whole = int64(v.Days)
		case "month":
			whole = int64(v.Months % 12)
		case "quarter":
			whole = int64(v.Months%12)/3 + 1
		case "year":
			whole = int64(v.Months / 12)
		case "decade":
			whole = int64(v.Months / 120)
		case "century":
			whole = int64(v.Months / 1200)
		case "millennium":
			whole = int64(v.Months / 12000)
		case "epoch":
			// 365.25 days a year, 30 days a month.
			secs := new(apd.Decimal)
			numCtx.Mul(secs, apd.New(int64(v.Months/12), 0), apd.New(31557600, 0))
			add := func(d *apd.Decimal) { numCtx.Add(secs, secs, d) }
			add(apd.New(int64(v.Months%12)*30*86400, 0))
			add(apd.New(int64(v.Days)*86400, 0))
			add(apd.New(v.Micros, -6))
			return partResult(secs, numeric)
		default:
			return nil, errUnit(low, t, true)
		}
		return partValue(whole, us, frac, fracScale, numeric), nil
	case types.TimeOfDay:
		tod := int64(v)
		switch u {
		case "microseconds":
			whole = tod % 60e6
		case "milliseconds":
			whole, us, frac, fracScale = (tod%60e6)/1000, tod%1000, true, 3
		case "second":
			whole, us, frac = (tod%60e6)/1e6, tod%1e6, true
		case "minute":
			whole = tod / 60e6 % 60
		case "hour":
			whole = tod / 3600e6
		case "epoch":
			whole, us, frac = tod/1e6, tod%1e6, true
		default:
			return nil, errUnit(low, t, true)
		}
		return partValue(whole, us, frac, fracScale, numeric), nil
	}
	var ts int64
	isDate, tz := false, false
	switch v := a[1].(type) {
	case types.DateVal:
		if !numeric {
			// date_part(text, date) is date_part(text, date::timestamp).
			if !v.IsFinite() {
				ts = math.MaxInt64
				if v == types.DateNegInfinity {
					ts = math.MinInt64
				}
			} else {
				ts = int64(v) * usPerDay
			}
		} else {
			isDate = true
			if !v.IsFinite() {
				infinite = 1
				if v == types.DateNegInfinity {
					infinite = -1
				}
			}
			ts = int64(v) * usPerDay
		}
	case types.TimestampVal:
		ts = int64(v)
	case types.TimestampTZVal:
		tz = true
		ts = int64(v)
	}
	if infinite == 0 && !types.TimestampVal(ts).IsFinite() {
		infinite = 1
		if ts == math.MinInt64 {
			infinite = -1
		}
	}
	if infinite != 0 {
		switch u {
		case "year", "decade", "century", "millennium", "julian", "isoyear", "epoch":
			if numeric {
				return &apd.Decimal{Form: apd.Infinite, Negative: infinite < 0}, nil
			}
			return math.Inf(infinite), nil
		}
		if isDate && (u == "hour" || u == "minute" || u == "second" || u == "milliseconds" || u == "microseconds" || strings.HasPrefix(u, "timezone")) {
			return nil, errUnit(low, t, true)
		}
		if _, known := map[string]bool{"timezone": true, "timezone_h": true, "timezone_m": true}[u]; known && !tz {
			return nil, errUnit(low, t, true)
		}
		return nil, nil
	}
	local := ts
	off := int64(0)
	if tz {
		local = int64(types.TimestampTZVal(ts).ToLocal(c.loc()))
		off = (local - ts) / 1e6
	}
	f := toFields(local)
	if isDate {
		switch u {
		case "hour", "minute", "second", "milliseconds", "microseconds", "timezone", "timezone_h", "timezone_m":
			return nil, errUnit(low, t, true)
		}
	}
	year := int64(f.year)
	if year <= 0 {
		year-- // no year 0: 1 BC is -1
	}
	day := floorDiv(local, usPerDay)
	switch u {
	case "microseconds":
		whole = int64(f.sec)*1e6 + f.usec
	case "milliseconds":
		whole, us, frac, fracScale = int64(f.sec)*1000+f.usec/1000, f.usec%1000, true, 3
	case "second":
		whole, us, frac = int64(f.sec), f.usec, true
	case "minute":
		whole = int64(f.min)
	case "hour":
		whole = int64(f.hour)
	case "day":
		whole = int64(f.mday)
	case "month":
		whole = int64(f.mon)
	case "quarter":
		whole = int64((f.mon-1)/3 + 1)
	case "year":
		whole = year
	case "decade":
		if ty := int64(f.year); ty >= 0 {
			whole = ty / 10
		} else {
			whole = -((8 - (ty - 1)) / 10)
		}
	case "century":
		if ty := int64(f.year); ty > 0 {
			whole = (ty + 99) / 100
		} else {
			whole = -((99 - (ty - 1)) / 100)
		}
	case "millennium":
		if ty := int64(f.year); ty > 0 {
			whole = (ty + 999) / 1000
		} else {
			whole = -((999 - (ty - 1)) / 1000)
		}
	case "dow":
		whole = ((day % 7) + 7 + 6) % 7 // 2000-01-01 was a Saturday (6)
	case "isodow":
		whole = ((day%7)+7+5)%7 + 1
	case "doy":
		whole = int64(time.Date(f.year, time.Month(f.mon), f.mday, 0, 0, 0, 0, time.UTC).YearDay())
	case "week":
		_, w := time.Date(f.year, time.Month(f.mon), f.mday, 0, 0, 0, 0, time.UTC).ISOWeek()
		whole = int64(w)
	case "isoyear":
		y, _ := time.Date(f.year, time.Month(f.mon), f.mday, 0, 0, 0, 0, time.UTC).ISOWeek()
		whole = int64(y)
		if whole <= 0 {
			whole--
		}
	case "epoch":
		if isDate {
			whole = (day + pgEpochUnix/86400) * 86400
			break
		}
		e := ts + pgEpochUnix*1e6
		whole, us, frac = floorDiv(e, 1e6), e-floorDiv(e, 1e6)*1e6, true
		if !numeric {
			return float64(e) / 1e6, nil
		}
	case "julian":
		jd := day + 2451545
		if isDate {
			whole = jd
			break
		}
		// Julian day plus the fraction of the day, with numeric
		// division's result scale (as timestamp_part_common computes it).
		q, err := numDiv(apd.New(local-day*usPerDay, 0), apd.New(usPerDay, 0))
		if err != nil {
			return nil, err
		}
		r, err := numAdd(apd.New(jd, 0), q.(*apd.Decimal), false)
		if err != nil {
			return nil, err
		}
		if numeric {
			return r, nil
		}
		fv, _ := r.(*apd.Decimal).Float64()
		return fv, nil
	case "timezone":
		if !tz {
			return nil, errUnit(low, t, true)
		}
		whole = off
	case "timezone_h":
		if !tz {
			return nil, errUnit(low, t, true)
		}
		whole = off / 3600
	case "timezone_m":
		if !tz {
			return nil, errUnit(low, t, true)
		}
		whole = off / 60 % 60
	}
	return partValue(whole, us, frac, fracScale, numeric), nil
}

// partValue makes a field's value whole + us/10^scale (when frac) as
// numeric (extract, keeping the scale) or float8 (date_part).
func partValue(whole, us int64, frac bool, scale int32, numeric bool) types.Datum {
	if !frac {
		if numeric {
			return apd.New(whole, 0)
		}
		return float64(whole)
	}
	p := int64(math.Pow10(int(scale)))
	if numeric {
		return apd.New(whole*p+us, -scale)
	}
	return float64(whole) + float64(us)/float64(p)
}

func partResult(d *apd.Decimal, numeric bool) (types.Datum, error) {
	if numeric {
		return d, nil
	}
	f, _ := d.Float64()
	return f, nil
}

func makeDate(y, m, d int64) (types.Datum, error) {
	if y == 0 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	yy := y
	if yy < 0 {
		yy++ // 1 BC is year 0
	}
	if m < 1 || m > 12 || d < 1 || d > int64(daysIn(int(yy), time.Month(m))) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	days := floorDiv(fromFields(fields{year: int(yy), mon: int(m), mday: int(d)}), usPerDay)
	if days < -2451545 || days > 2145031948 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	}
	return types.DateVal(days), nil
}

func makeTimestamp(a []types.Datum) (int64, error) {
	y, m, d := a[0].(int64), a[1].(int64), a[2].(int64)
	h, mi, sec := a[3].(int64), a[4].(int64), a[5].(float64)
	dv, err := makeDate(y, m, d)
	if err != nil {
		return 0, err
	}
	if h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || math.IsNaN(sec) ||
		h == 24 && (mi > 0 || sec > 0) {
		return 0, pgerror.New(pgerror.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, mi,
			string(types.AppendText(nil, types.Float8, sec, nil)))
	}
	us := int64(dv.(types.DateVal))*usPerDay + (h*3600+mi*60)*1e6 + int64(math.RoundToEven(sec*1e6))
	return us, nil
}

func fnMakeInterval(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	get := func(i int) int64 {
		if i < len(a) {
			return a[i].(int64)
		}
		return 0
	}
	secs := 0.0
	if len(a) > 6 {
		secs = a[6].(float64)
	}
	months := get(0)*12 + get(1)
	days := get(2)*7 + get(3)
	us := math.RoundToEven(float64(get(4))*3600e6 + float64(get(5))*60e6 + secs*1e6)
	if months > math.MaxInt32 || months < math.MinInt32 || days > math.MaxInt32 || days < math.MinInt32 ||
		math.IsNaN(us) || math.IsInf(us, 0) || us > math.MaxInt64 || us < math.MinInt64 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	return types.IntervalVal{Months: int32(months), Days: int32(days), Micros: int64(us)}, nil
}

func fnDateBin(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	iv := a[0].(types.IntervalVal)
	ts, origin := tsMicros(a[1]), tsMicros(a[2])
	if !types.TimestampVal(ts).IsFinite() || !types.TimestampVal(origin).IsFinite() {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "timestamps cannot be binned into infinite intervals")
	}
	if iv.Months != 0 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	stride := int64(iv.Days)*usPerDay + iv.Micros
	if stride <= 0 {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "stride must be greater than zero")
	}
	diff := ts - origin
	tm := diff - diff%stride
	// Round toward negative infinity, as PostgreSQL 15 does for inputs
	// before the origin.
	if diff < 0 && diff%stride != 0 {
		tm -= stride
	}
	r := origin + tm
	if _, tz := a[1].(types.TimestampTZVal); tz {
		return types.TimestampTZVal(r), nil
	}
	return types.TimestampVal(r), nil
}

// age is PostgreSQL's timestamp_age / timestamptz_age: field-wise
// differences, borrowing from the next field with the month lengths of
// the earlier timestamp.
func age(c *evalCtx, l, r types.Datum) (types.Datum, error) {
	a, b := tsMicros(l), tsMicros(r)
	if !types.TimestampVal(a).IsFinite() || !types.TimestampVal(b).IsFinite() {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	if _, tz := l.(types.TimestampTZVal); tz {
		a = int64(types.TimestampTZVal(a).ToLocal(c.loc()))
		b = int64(types.TimestampTZVal(b).ToLocal(c.loc()))
	}
	f1, f2 := toFields(a), toFields(b)
	fsec := f1.usec - f2.usec
	sec, min, hour := f1.sec-f2.sec, f1.min-f2.min, f1.hour-f2.hour
	mday, mon, year := f1.mday-f2.mday, f1.mon-f2.mon, f1.year-f2.year
	neg := a < b
	if neg {
		fsec, sec, min, hour, mday, mon, year = -fsec, -sec, -min, -hour, -mday, -mon, -year
	}
	for fsec < 0 {
		fsec += 1e6
		sec--
	}
	for sec < 0 {
		sec += 60
		min--
	}
	for min < 0 {
		min += 60
		hour--
	}
	for hour < 0 {
		hour += 24
		mday--
	}
	for mday < 0 {
		if neg {
			mday += daysIn(f1.year, time.Month(f1.mon))
		} else {
			mday += daysIn(f2.year, time.Month(f2.mon))
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	if neg {
		fsec, sec, min, hour, mday, mon, year = -fsec, -sec, -min, -hour, -mday, -mon, -year
	}
	return types.IntervalVal{Months: int32(year*12 + mon), Days: int32(mday),
		Micros: int64(hour)*3600e6 + int64(min)*60e6 + int64(sec)*1e6 + fsec}, nil
}
