package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// appendInterval writes IntervalStyle postgres: "1 year 2 mons 3 days
// 04:05:06.5", "-1 days +02:00:00", "00:00:00" for zero.
func appendInterval(buf []byte, iv IntervalVal) []byte {
	year := iv.Months / 12
	mon := iv.Months % 12
	t := iv.Micros
	hour := t / usecsPerHour
	t -= hour * usecsPerHour
	min := t / usecsPerMinute
	t -= min * usecsPerMinute
	sec := t / usecsPerSec
	fsec := t - sec*usecsPerSec

	isZero, isBefore := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !isZero {
			buf = append(buf, ' ')
		}
		if isBefore && v > 0 {
			buf = append(buf, '+')
		}
		buf = strconv.AppendInt(buf, v, 10)
		buf = append(buf, ' ')
		buf = append(buf, unit...)
		if v != 1 {
			buf = append(buf, 's')
		}
		// Each nonzero field sets is_before for the next one only.
		isBefore = v < 0
		isZero = false
	}
	part(int64(year), "year")
	part(int64(mon), "mon")
	part(int64(iv.Days), "day")
	if isZero || hour != 0 || min != 0 || sec != 0 || fsec != 0 {
		minus := hour < 0 || min < 0 || sec < 0 || fsec < 0
		if !isZero {
			buf = append(buf, ' ')
		}
		if minus {
			buf = append(buf, '-')
		} else if isBefore {
			buf = append(buf, '+')
		}
		buf = appendHMS(buf, abs64(hour), int(abs64(min)), int(abs64(sec)), abs64(fsec))
	}
	return buf
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

type ivUnit int

const (
	ivNone ivUnit = iota
	ivMicro
	ivMilli
	ivSecond
	ivMinute
	ivHour
	ivDay
	ivWeek
	ivMonth
	ivYear
	ivDecade
	ivCentury
	ivMillennium
)

var intervalUnits = map[string]ivUnit{
	"us": ivMicro, "usec": ivMicro, "usecs": ivMicro, "microsecond": ivMicro, "microseconds": ivMicro,
	"useconds": ivMicro, "microsecon": ivMicro,
	"ms": ivMilli, "msec": ivMilli, "msecs": ivMilli, "millisecond": ivMilli, "milliseconds": ivMilli,
	"mseconds": ivMilli, "millisecon": ivMilli,
	"s": ivSecond, "sec": ivSecond, "secs": ivSecond, "second": ivSecond, "seconds": ivSecond,
	"m": ivMinute, "min": ivMinute, "mins": ivMinute, "minute": ivMinute, "minutes": ivMinute,
	"h": ivHour, "hr": ivHour, "hrs": ivHour, "hour": ivHour, "hours": ivHour,
	"d": ivDay, "day": ivDay, "days": ivDay,
	"w": ivWeek, "week": ivWeek, "weeks": ivWeek,
	"mon": ivMonth, "mons": ivMonth, "month": ivMonth, "months": ivMonth,
	"y": ivYear, "yr": ivYear, "yrs": ivYear, "year": ivYear, "years": ivYear,
	"dec": ivDecade, "decs": ivDecade, "decade": ivDecade, "decades": ivDecade,
	"c": ivCentury, "cent": ivCentury, "century": ivCentury, "centuries": ivCentury,
	"mil": ivMillennium, "mils": ivMillennium, "millennium": ivMillennium, "millennia": ivMillennium,
}

// ivAcc accumulates interval fields with overflow checks, like struct
// pg_itm_in in PostgreSQL 15.
type ivAcc struct {
	years        int64 // kept apart from months until the end, like tm_year
	months, days int64
	usec         int64
	overflow     bool
}

func (a *ivAcc) addMonths(v int64) {
	a.months += v
	if a.months > math.MaxInt32 || a.months < math.MinInt32 {
		a.overflow = true
	}
}

func (a *ivAcc) addDays(v int64) {
	a.days += v
	if a.days > math.MaxInt32 || a.days < math.MinInt32 {
		a.overflow = true
	}
}

func (a *ivAcc) addUsec(v float64) {
	if math.Abs(v) > 9.2e18 {
		a.overflow = true
		return
	}
	a.addUsecInt(int64(v))
}

func (a *ivAcc) addUsecInt(r int64) {
	s := a.usec + r
	if (r > 0 && s < a.usec) || (r < 0 && s > a.usec) {
		a.overflow = true
	}
	a.usec = s
}

// addScaled adds val*scale microseconds in exact integer arithmetic.
func (a *ivAcc) addScaled(val, scale int64) {
	p := val * scale
	if val != 0 && (p/scale != val) {
		a.overflow = true
		return
	}
	a.addUsecInt(p)
}

// add applies val (integer part) and frac (fractional part, same sign) of
// the given unit with PostgreSQL's spill-down rules: fractional years give
// whole months, fractional months 30-day days, fractional days and weeks
// microseconds.
func (a *ivAcc) add(u ivUnit, val int64, frac float64) {
	fractDays := func(f float64, scale float64) {
		f *= scale
		d := int64(f)
		a.addDays(d)
		f -= float64(d)
		a.addUsec(math.RoundToEven(f * usecsPerDay))
	}
	years := func(scale int64) {
		if val > math.MaxInt32 || val < math.MinInt32 {
			a.overflow = true
			return
		}
		a.years += val * scale
		if a.years > math.MaxInt32 || a.years < math.MinInt32 {
			a.overflow = true
		}
		a.addMonths(int64(math.RoundToEven(frac * float64(scale) * 12)))
	}
	switch u {
	case ivMicro:
		a.addScaled(val, 1)
		a.addUsec(math.RoundToEven(frac))
	case ivMilli:
		a.addScaled(val, 1000)
		a.addUsec(math.RoundToEven(frac * 1000))
	case ivSecond:
		a.addScaled(val, usecsPerSec)
		a.addUsec(math.RoundToEven(frac * usecsPerSec))
	case ivMinute:
		a.addScaled(val, usecsPerMinute)
		a.addUsec(math.RoundToEven(frac * usecsPerMinute))
	case ivHour:
		a.addScaled(val, usecsPerHour)
		a.addUsec(math.RoundToEven(frac * usecsPerHour))
	case ivDay:
		if val > math.MaxInt32 || val < math.MinInt32 {
			a.overflow = true
			return
		}
		a.addDays(val)
		a.addUsec(math.RoundToEven(frac * usecsPerDay))
	case ivWeek:
		if val > math.MaxInt32 || val < math.MinInt32 {
			a.overflow = true
			return
		}
		a.addDays(val * 7)
		fractDays(frac, 7)
	case ivMonth:
		if val > math.MaxInt32 || val < math.MinInt32 {
			a.overflow = true
			return
		}
		a.addMonths(val)
		fractDays(frac, 30)
	case ivYear:
		years(1)
	case ivDecade:
		years(10)
	case ivCentury:
		years(100)
	case ivMillennium:
		years(1000)
	}
}

func errIntervalSyntax(s string) error {
	return pgerror.New(pgerror.InvalidDatetimeFormat, "invalid input syntax for type interval: \"%s\"", s)
}

func errIntervalOverflow(s string) error {
	return pgerror.New(pgerror.IntervalFieldOverflow, "interval field value out of range: \"%s\"", s)
}

// splitNumber parses [+-]digits[.digits] into integer and fraction parts
// with the same sign.
func splitNumber(s string) (int64, float64, bool) {
	neg := false
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	ip, fp := t, ""
	if k := strings.IndexByte(t, '.'); k >= 0 {
		ip, fp = t[:k], t[k:]
	}
	if ip == "" && (fp == "" || fp == ".") {
		return 0, 0, false
	}
	var v int64
	for i := 0; i < len(ip); i++ {
		c := ip[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		if v > (math.MaxInt64-9)/10 {
			return math.MaxInt64, 0, true
		}
		v = v*10 + int64(c-'0')
	}
	var f float64
	if fp != "" && fp != "." {
		for i := 1; i < len(fp); i++ {
			if fp[i] < '0' || fp[i] > '9' {
				return 0, 0, false
			}
		}
		x, err := strconv.ParseFloat("0"+fp, 64)
		if err != nil {
			return 0, 0, false
		}
		f = x
	}
	if neg {
		v, f = -v, -f
	}
	return v, f, true
}

// parseInterval reads IntervalStyle postgres input ("1 year 2 mons -3 days
// 04:05:06.5 ago", "@ 1 day", bare numbers as seconds, SQL-standard "1-2"
// and "1 2:03:04") and ISO 8601 durations (P1Y2M3DT4H5M6S).
func parseInterval(s string) (Datum, error) {
	low := strings.ToLower(trimSpace(s))
	if low == "" {
		return nil, errIntervalSyntax(s)
	}
	if low[0] == 'p' {
		return parseISOInterval(s, low)
	}
	// Tokenise into numbers/times/ym-dates and words.
	type tok struct {
		text string
		kind byte // 'n' number, 't' time, 'y' year-month, 'w' word
	}
	var toks []tok
	for i, n := 0, len(low); i < n; {
		c := low[i]
		switch {
		case isSpace(c) || c == ',':
			i++
		case c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-':
			j := i + 1
			for j < n && (low[j] >= '0' && low[j] <= '9' || low[j] == '.' || low[j] == ':' || low[j] == '-') {
				if low[j] == '-' && j > i && strings.IndexByte(low[i+1:j], ':') >= 0 {
					break
				}
				j++
			}
			t := low[i:j]
			kind := byte('n')
			body := t
			if body[0] == '+' || body[0] == '-' {
				body = body[1:]
			}
			if strings.IndexByte(body, ':') >= 0 {
				kind = 't'
			} else if strings.IndexByte(body, '-') >= 0 {
				kind = 'y'
			}
			toks = append(toks, tok{t, kind})
			i = j
		case c >= 'a' && c <= 'z' || c == '@':
			j := i + 1
			if c != '@' {
				for j < n && low[j] >= 'a' && low[j] <= 'z' {
					j++
				}
			}
			toks = append(toks, tok{low[i:j], 'w'})
			i = j
		default:
			return nil, errIntervalSyntax(s)
		}
	}
	// A sign separated from its number by spaces still applies to it.
	for k := 0; k+1 < len(toks); k++ {
		if (toks[k].text == "-" || toks[k].text == "+") && toks[k+1].kind != 'w' && toks[k+1].text[0] != '-' && toks[k+1].text[0] != '+' {
			toks[k+1].text = toks[k].text + toks[k+1].text
			toks = append(toks[:k], toks[k+1:]...)
		}
	}
	var acc ivAcc
	ago := false
	unit := ivNone
	seenTime := false
	var seen uint32
	mark := func(m uint32) bool {
		if seen&m != 0 {
			return false
		}
		seen |= m
		return true
	}
	// Walk backwards like DecodeInterval: a unit word applies to the
	// number before it; a bare number is seconds (or days before a time).
	for k := len(toks) - 1; k >= 0; k-- {
		t := toks[k]
		switch t.kind {
		case 'w':
			if t.text == "@" {
				continue
			}
			if t.text == "ago" {
				if k != len(toks)-1 || ago {
					return nil, errIntervalSyntax(s)
				}
				ago = true
				continue
			}
			u, ok := intervalUnits[t.text]
			if !ok || unit != ivNone || k == 0 || toks[k-1].kind != 'n' {
				return nil, errIntervalSyntax(s)
			}
			unit = u
		case 'n':
			v, f, ok := splitNumber(t.text)
			if !ok {
				return nil, errIntervalSyntax(s)
			}
			u := unit
			if u == ivNone {
				if seenTime && k == len(toks)-2 {
					// SQL standard "1 2:03:04": the number is days.
					u = ivDay
				} else {
					u = ivSecond
				}
			}
			if !mark(unitMask(u, f)) {
				return nil, errIntervalSyntax(s)
			}
			acc.add(u, v, f)
			unit = ivNone
		case 't':
			if unit != ivNone || seenTime {
				return nil, errIntervalSyntax(s)
			}
			seenTime = true
			if !mark(timeFieldsMask) {
				return nil, errIntervalSyntax(s)
			}
			if err := addTimeField(&acc, t.text); err != nil {
				return nil, errIntervalSyntax(s)
			}
		case 'y':
			if unit != ivNone {
				return nil, errIntervalSyntax(s)
			}
			body := t.text
			neg := false
			if body[0] == '+' || body[0] == '-' {
				neg = body[0] == '-'
				body = body[1:]
			}
			parts := strings.Split(body, "-")
			if len(parts) != 2 {
				return nil, errIntervalSyntax(s)
			}
			y, _, ok1 := splitNumber(parts[0])
			m, _, ok2 := splitNumber(parts[1])
			if !ok1 || !ok2 || strings.ContainsRune(body, '.') || m > 11 {
				if m > 11 && ok1 && ok2 {
					return nil, errIntervalOverflow(s)
				}
				return nil, errIntervalSyntax(s)
			}
			if neg {
				y, m = -y, -m
			}
			if !mark(1<<ivYear | 1<<ivMonth) {
				return nil, errIntervalSyntax(s)
			}
			acc.add(ivYear, y, 0)
			acc.add(ivMonth, m, 0)
		}
		if acc.overflow {
			return nil, errIntervalOverflow(s)
		}
	}
	if unit != ivNone {
		return nil, errIntervalSyntax(s)
	}
	iv, err := acc.result()
	if err != nil {
		return nil, err
	}
	if ago {
		if iv.Months == math.MinInt32 || iv.Days == math.MinInt32 || iv.Micros == math.MinInt64 {
			return nil, errIntervalOverflow(s)
		}
		iv.Months, iv.Days, iv.Micros = -iv.Months, -iv.Days, -iv.Micros
	}
	return iv, nil
}

// addTimeField adds [+-]h:m[:s[.f]] (or m:s.f when the first field has a
// fraction-bearing second part) to acc.
func addTimeField(acc *ivAcc, t string) error {
	neg := false
	if t[0] == '+' || t[0] == '-' {
		neg = t[0] == '-'
		t = t[1:]
	}
	parts := strings.Split(t, ":")
	if len(parts) > 3 {
		return errIntervalSyntax(t)
	}
	var h, m int64
	var sec float64
	var err error
	if len(parts) == 2 && strings.IndexByte(parts[1], '.') >= 0 {
		// mm:ss.fff
		mv, _, ok := splitNumber(parts[0])
		if !ok {
			return errIntervalSyntax(t)
		}
		m = mv
		if sec, err = strconv.ParseFloat(parts[1], 64); err != nil {
			return err
		}
	} else {
		hv, _, ok := splitNumber(parts[0])
		if !ok || strings.IndexByte(parts[0], '.') >= 0 {
			return errIntervalSyntax(t)
		}
		h = hv
		mv, _, ok := splitNumber(parts[1])
		if !ok || strings.IndexByte(parts[1], '.') >= 0 {
			return errIntervalSyntax(t)
		}
		m = mv
		if len(parts) == 3 {
			for _, c := range parts[2] {
				if !(c >= '0' && c <= '9' || c == '.') {
					return errIntervalSyntax(t)
				}
			}
			if parts[2] == "" {
				return errIntervalSyntax(t)
			}
			if sec, err = strconv.ParseFloat(parts[2], 64); err != nil {
				return err
			}
		}
	}
	if m > 59 || sec >= 60 {
		return errIntervalSyntax(t)
	}
	var part ivAcc
	part.addScaled(h, usecsPerHour)
	part.addScaled(m, usecsPerMinute)
	part.addUsec(math.RoundToEven(sec * usecsPerSec))
	if part.overflow {
		acc.overflow = true
		return nil
	}
	if neg {
		part.usec = -part.usec
	}
	acc.addUsecInt(part.usec)
	return nil
}

// parseISOInterval reads ISO 8601 durations with designators:
// P[nY][nM][nW][nD][T[nH][nM][nS]], numbers possibly fractional or signed.
func parseISOInterval(s, low string) (Datum, error) {
	var acc ivAcc
	i := 1
	inTime := false
	if i >= len(low) {
		return nil, errIntervalSyntax(s)
	}
	for i < len(low) {
		if low[i] == 't' {
			if inTime {
				return nil, errIntervalSyntax(s)
			}
			inTime = true
			i++
			continue
		}
		j := i
		for j < len(low) && (low[j] >= '0' && low[j] <= '9' || low[j] == '.' || low[j] == '-' || low[j] == '+') {
			j++
		}
		if j == i || j >= len(low) {
			return nil, errIntervalSyntax(s)
		}
		v, f, ok := splitNumber(low[i:j])
		if !ok {
			return nil, errIntervalSyntax(s)
		}
		var u ivUnit
		switch low[j] {
		case 'y':
			u = ivYear
		case 'm':
			if inTime {
				u = ivMinute
			} else {
				u = ivMonth
			}
		case 'w':
			u = ivWeek
		case 'd':
			u = ivDay
		case 'h':
			u = ivHour
		case 's':
			u = ivSecond
		default:
			return nil, errIntervalSyntax(s)
		}
		if inTime != (u == ivHour || u == ivMinute || u == ivSecond) {
			return nil, errIntervalSyntax(s)
		}
		acc.add(u, v, f)
		if acc.overflow {
			return nil, errIntervalOverflow(s)
		}
		i = j + 1
	}
	return acc.result()
}

// result is itmin2interval: years and months combine into months.
func (a *ivAcc) result() (IntervalVal, error) {
	months := a.years*12 + a.months
	if months > math.MaxInt32 || months < math.MinInt32 {
		return IntervalVal{}, pgerror.New(pgerror.DatetimeFieldOverflow, "interval out of range")
	}
	return IntervalVal{Months: int32(months), Days: int32(a.days), Micros: a.usec}, nil
}

// unitMask is the set of fields a unit fills; a field given twice is a
// syntax error, as DecodeInterval's fmask check makes it.
func unitMask(u ivUnit, frac float64) uint32 {
	switch u {
	case ivSecond:
		if frac != 0 {
			return 1<<ivSecond | 1<<ivMilli | 1<<ivMicro
		}
	case ivWeek:
		return 1 << ivDay
	}
	return 1 << u
}

const timeFieldsMask = 1<<ivHour | 1<<ivMinute | 1<<ivSecond | 1<<ivMilli | 1<<ivMicro
