package types

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Calendar constants from PostgreSQL's datatype/timestamp.h.
const (
	usecsPerSec    = 1000000
	usecsPerMinute = 60 * usecsPerSec
	usecsPerHour   = 60 * usecsPerMinute
	usecsPerDay    = 24 * usecsPerHour
	secsPerDay     = 86400

	pgEpochJDate   = 2451545 // date2j(2000, 1, 1)
	unixEpochJDate = 2440588 // date2j(1970, 1, 1)

	dateEndJulian      = 2147483494 // date2j(5874898, 1, 1)
	timestampEndJulian = 109203528  // date2j(294277, 1, 1)

	minTimestamp = -211813488000000000 // julian day 0 (4714-11-24 BC) at 00:00
	endTimestamp = 9223371331200000000 // 294277-01-01 00:00, exclusive
)

// Special date and timestamp values.
const (
	DateNegInfinity      DateVal        = math.MinInt32
	DateInfinity         DateVal        = math.MaxInt32
	TimestampNegInfinity TimestampVal   = math.MinInt64
	TimestampInfinity    TimestampVal   = math.MaxInt64
	TimestampTZNegInf    TimestampTZVal = math.MinInt64
	TimestampTZInf       TimestampTZVal = math.MaxInt64
)

// date2j and j2date are PostgreSQL's Julian-day conversions (proleptic
// Gregorian; year 0 is 1 BC).
func date2j(year, month, day int) int {
	if month > 2 {
		month++
		year += 4800
	} else {
		month += 13
		year += 4799
	}
	century := year / 100
	julian := year*365 - 32167
	julian += year/4 - century + century/4
	julian += 7834*month/256 + day
	return julian
}

func j2date(jd int) (year, month, day int) {
	julian := uint32(jd)
	julian += 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := int(julian * 4 / 1461)
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y += int(quad * 4)
	year = y - 4800
	q := julian * 2141 / 65536
	day = int(julian - 7834*q/256)
	month = int((q+10)%12 + 1)
	return
}

func validDate(d DateVal) bool {
	return int64(d) >= -pgEpochJDate && int64(d) < dateEndJulian-pgEpochJDate
}

func validTimestamp(t int64) bool { return t >= minTimestamp && t < endTimestamp }

// validJulian is IS_VALID_JULIAN: a cheap pre-check before date2j.
func validJulian(y, m int) bool {
	return (y > -4713 || y == -4713 && m >= 11) && (y < 5874898 || y == 5874898 && m < 6)
}

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func appendPad(buf []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}

func append2(buf []byte, v int) []byte {
	if v >= 0 && v < 100 {
		return append(buf, byte('0'+v/10), byte('0'+v%10))
	}
	return appendPad(buf, int64(v), 2)
}

// appendYMD writes ISO yyyy-mm-dd with year <= 0 shown as a positive BC
// year; the caller appends " BC".
func appendYMD(buf []byte, y, m, d int) []byte {
	if y <= 0 {
		y = -(y - 1)
	}
	buf = appendPad(buf, int64(y), 4)
	buf = append(buf, '-')
	buf = append2(buf, m)
	buf = append(buf, '-')
	return append2(buf, d)
}

func appendDate(buf []byte, d DateVal) []byte {
	switch d {
	case DateNegInfinity:
		return append(buf, "-infinity"...)
	case DateInfinity:
		return append(buf, "infinity"...)
	}
	y, m, day := j2date(int(d) + pgEpochJDate)
	buf = appendYMD(buf, y, m, day)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendHMS writes hh:mm:ss[.ffffff] with trailing fraction zeros removed
// (AppendSeconds with precision 6). hours may exceed 24 for intervals.
func appendHMS(buf []byte, hour int64, min, sec int, fsec int64) []byte {
	buf = appendPad(buf, hour, 2)
	buf = append(buf, ':')
	buf = append2(buf, min)
	buf = append(buf, ':')
	buf = append2(buf, sec)
	if fsec != 0 {
		var f [7]byte
		f[0] = '.'
		v := fsec
		for i := 6; i >= 1; i-- {
			f[i] = byte('0' + v%10)
			v /= 10
		}
		n := 7
		for f[n-1] == '0' {
			n--
		}
		buf = append(buf, f[:n]...)
	}
	return buf
}

func appendTimeOfDay(buf []byte, t int64) []byte {
	h := t / usecsPerHour
	t -= h * usecsPerHour
	m := t / usecsPerMinute
	t -= m * usecsPerMinute
	s := t / usecsPerSec
	return appendHMS(buf, h, int(m), int(s), t-s*usecsPerSec)
}

// splitTimestamp splits microseconds since 2000-01-01 into a Julian day and
// microseconds of the day.
func splitTimestamp(t int64) (jd int, tod int64) {
	days := t / usecsPerDay
	tod = t - days*usecsPerDay
	if tod < 0 {
		tod += usecsPerDay
		days--
	}
	return int(days) + pgEpochJDate, tod
}

func appendTimestamp(buf []byte, t int64) []byte {
	switch t {
	case math.MinInt64:
		return append(buf, "-infinity"...)
	case math.MaxInt64:
		return append(buf, "infinity"...)
	}
	jd, tod := splitTimestamp(t)
	y, m, d := j2date(jd)
	buf = appendYMD(buf, y, m, d)
	buf = append(buf, ' ')
	buf = appendTimeOfDay(buf, tod)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// pgEpochUnix is 2000-01-01 00:00:00 UTC in Unix seconds.
const pgEpochUnix = 946684800

// zoneOffset returns the UTC offset in seconds (east positive) of loc at the
// instant t (microseconds since the PostgreSQL epoch).
func zoneOffset(t int64, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	sec := t/usecsPerSec + pgEpochUnix
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return off
}

func appendTimestampTZ(buf []byte, t int64, loc *time.Location) []byte {
	switch t {
	case math.MinInt64:
		return append(buf, "-infinity"...)
	case math.MaxInt64:
		return append(buf, "infinity"...)
	}
	off := zoneOffset(t, loc)
	jd, tod := splitTimestamp(t + int64(off)*usecsPerSec)
	y, m, d := j2date(jd)
	buf = appendYMD(buf, y, m, d)
	buf = append(buf, ' ')
	buf = appendTimeOfDay(buf, tod)
	buf = appendZone(buf, off)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendZone is EncodeTimezone: +hh, +hh:mm or +hh:mm:ss.
func appendZone(buf []byte, off int) []byte {
	if off < 0 {
		buf = append(buf, '-')
		off = -off
	} else {
		buf = append(buf, '+')
	}
	h, m, s := off/3600, off/60%60, off%60
	buf = append2(buf, h)
	if m != 0 || s != 0 {
		buf = append(buf, ':')
		buf = append2(buf, m)
	}
	if s != 0 {
		buf = append(buf, ':')
		buf = append2(buf, s)
	}
	return buf
}

// ---- input ----

// dtFields is what decoding a date/time string yields.
type dtFields struct {
	year, month, day int
	hasDate          bool
	hour, min, sec   int
	fsec             int64
	hasTime          bool
	bc, ad           bool
	ampm             int // 0 none, 1 am, 2 pm
	hasTZ            bool
	tzOff            int            // seconds east of UTC, when tzLoc is nil
	tzLoc            *time.Location // named zone, offset depends on the date
	badZone          string         // unrecognised zone name, for the error
	special          string         // epoch, infinity, -infinity, now, today, ...
	twoDigitYear     bool
	order            DateOrder // DateStyle field order for ambiguous dates
}

type dtError int

const (
	dtBadFormat dtError = iota + 1
	dtFieldOverflow
	dtMDFieldOverflow
	dtTZDispOverflow
	dtBadTimezone
)

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var dayNames = map[string]bool{
	"sun": true, "sunday": true, "mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true,
	"fri": true, "friday": true, "sat": true, "saturday": true,
}

// zoneAbbrevs holds the fixed-offset abbreviations of PostgreSQL's Default
// timezone_abbreviations set that are most used (seconds east of UTC).
var zoneAbbrevs = map[string]int{
	"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"cet": 3600, "cest": 2 * 3600, "met": 3600, "mest": 2 * 3600, "eet": 2 * 3600, "eest": 3 * 3600,
	"wet": 0, "west": 3600, "bst": 3600, "msk": 3 * 3600, "ist": 2 * 3600,
	"jst": 9 * 3600, "kst": 9 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
	"aest": 10 * 3600, "aedt": 11 * 3600, "acst": 34200, "awst": 8 * 3600,
}

// decodeDateTime parses s into fields. It understands the ISO forms
// (2024-01-02 03:04:05.5+05:30, T separator, compact 20240102), MDY forms
// with '/' or '-', month names, BC/AD, AM/PM, zones and special words.
func decodeDateTime(s string, timeOnly bool, order DateOrder) (dtFields, dtError) {
	if f, ok := fastISO(s); ok {
		return f, 0
	}
	f := dtFields{order: order}
	low := strings.ToLower(trimSpace(s))
	switch low {
	case "epoch", "infinity", "+infinity", "-infinity", "now", "today", "tomorrow", "yesterday", "allballs":
		if low == "+infinity" {
			low = "infinity"
		}
		f.special = low
		return f, 0
	}
	orig := trimSpace(s)
	i, n := 0, len(low)
	for i < n {
		c := low[i]
		switch {
		case isSpace(c) || c == ',':
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < n && low[j] >= '0' && low[j] <= '9' {
				j++
			}
			if j < n && low[j] == ':' {
				// Time field: digits, colons and a fraction.
				for j < n && (low[j] >= '0' && low[j] <= '9' || low[j] == ':' || low[j] == '.') {
					j++
				}
				if e := f.decodeTime(low[i:j]); e != 0 {
					return f, e
				}
			} else if j < n && (low[j] == '-' || low[j] == '/' || low[j] == '.') && !(low[j] == '-' && f.hasDate) {
				delim := low[j]
				if delim == '.' && f.hasDate {
					// A fractional number (e.g. Julian seconds) is not supported.
					return f, dtBadFormat
				}
				for j < n && (low[j] >= '0' && low[j] <= '9' || low[j] >= 'a' && low[j] <= 'z' || low[j] == delim) {
					// Stop at an ISO 'T' that introduces a time.
					if low[j] == 't' && j+1 < n && low[j+1] >= '0' && low[j+1] <= '9' {
						break
					}
					j++
				}
				if e := f.decodeDate(low[i:j], delim); e != 0 {
					return f, e
				}
			} else {
				// Plain number; may have a fraction.
				if j < n && low[j] == '.' {
					j++
					for j < n && low[j] >= '0' && low[j] <= '9' {
						j++
					}
				}
				if e := f.decodeNumber(low[i:j]); e != 0 {
					return f, e
				}
			}
			i = j
		case c == '+' || c == '-':
			if !(f.hasDate || f.hasTime) {
				return f, dtBadFormat
			}
			j := i + 1
			if j < n && low[j] >= 'a' && low[j] <= 'z' {
				return f, dtBadFormat
			}
			for j < n && (low[j] >= '0' && low[j] <= '9' || low[j] == ':' || low[j] == '.') {
				j++
			}
			if e := f.decodeOffset(low[i:j]); e != 0 {
				return f, e
			}
			i = j
		case c >= 'a' && c <= 'z':
			j := i
			for j < n && (low[j] >= 'a' && low[j] <= 'z' || low[j] == '/' || low[j] == '_' || (j > i && low[j] >= '0' && low[j] <= '9' && strings.IndexByte(low[i:j], '/') >= 0) || ((low[j] == '+' || low[j] == '-') && strings.IndexByte(low[i:j], '/') >= 0)) {
				j++
			}
			word := low[i:j]
			if _, isMonth := monthNames[word]; isMonth && j < n && (low[j] == '-' || low[j] == '/' || low[j] == '.') && !f.hasDate {
				// A date field that starts with a month name: jan-02-2024.
				delim := low[j]
				for j < n && (low[j] >= '0' && low[j] <= '9' || low[j] >= 'a' && low[j] <= 'z' || low[j] == delim) {
					j++
				}
				if e := f.decodeDate(low[i:j], delim); e != 0 {
					return f, e
				}
				i = j
				continue
			}
			if word == "t" && j < n && low[j] >= '0' && low[j] <= '9' {
				i = j
				continue
			}
			if e := f.decodeWord(word, orig[i:j]); e != 0 {
				return f, e
			}
			i = j
		default:
			return f, dtBadFormat
		}
	}
	if f.ampm != 0 {
		if !f.hasTime || f.hour > 12 || f.hour < 0 {
			return f, dtFieldOverflow
		}
		if f.ampm == 1 && f.hour == 12 {
			f.hour = 0
		} else if f.ampm == 2 && f.hour != 12 {
			f.hour += 12
		}
	}
	if f.hasDate {
		if f.bc {
			if f.year <= 0 {
				return f, dtFieldOverflow
			}
			f.year = -(f.year - 1)
		} else if f.twoDigitYear {
			if f.year < 70 {
				f.year += 2000
			} else {
				f.year += 1900
			}
		}
		if f.year == 0 && !f.bc {
			// Year 0 does not exist in AD/BC numbering.
			return f, dtFieldOverflow
		}
		if f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 {
			// ValidateDate's DTERR_MD_FIELD_OVERFLOW, which hints at DateStyle.
			return f, dtMDFieldOverflow
		}
		if f.day > daysInMonth(f.year, f.month) {
			return f, dtFieldOverflow
		}
	} else if !timeOnly && (f.bc || f.ad) {
		return f, dtBadFormat
	}
	return f, 0
}

func atoiField(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

// fracMicros turns ".ddd" into microseconds the way PostgreSQL does:
// rint(strtod(frac) * 1e6).
func fracMicros(s string) (int64, bool) {
	if s == "." {
		return 0, true
	}
	v, err := strconv.ParseFloat("0"+s, 64)
	if err != nil {
		return 0, false
	}
	return int64(math.RoundToEven(v * usecsPerSec)), true
}

func (f *dtFields) decodeTime(s string) dtError {
	if f.hasTime {
		return dtBadFormat
	}
	f.hasTime = true
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return dtBadFormat
	}
	h, ok := atoiField(parts[0])
	if !ok {
		return dtBadFormat
	}
	mstr := parts[1]
	var frac string
	if len(parts) == 2 {
		// hh:mm.frac is minutes with a fraction? PostgreSQL reads mm:ss.f
		// only with three fields; keep to hh:mm.
		if k := strings.IndexByte(mstr, '.'); k >= 0 {
			return dtBadFormat
		}
	}
	m, ok := atoiField(mstr)
	if !ok {
		return dtBadFormat
	}
	sec := 0
	if len(parts) == 3 {
		sstr := parts[2]
		if k := strings.IndexByte(sstr, '.'); k >= 0 {
			frac = sstr[k:]
			sstr = sstr[:k]
			if strings.IndexByte(frac[1:], '.') >= 0 {
				return dtBadFormat
			}
		}
		if sec, ok = atoiField(sstr); !ok {
			return dtBadFormat
		}
	}
	fs, ok := fracMicros(frac)
	if frac != "" && !ok {
		return dtBadFormat
	}
	if h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 60 || fs < 0 || fs > usecsPerSec ||
		h == 24 && (m > 0 || sec > 0 || fs > 0) {
		return dtFieldOverflow
	}
	f.hour, f.min, f.sec, f.fsec = h, m, sec, fs
	return 0
}

func (f *dtFields) decodeDate(s string, delim byte) dtError {
	if f.hasDate {
		return dtBadFormat
	}
	f.hasDate = true
	parts := strings.Split(s, string(delim))
	if len(parts) != 3 {
		return dtBadFormat
	}
	// Month names anywhere fix the month; the rest is day and year.
	monthIdx := -1
	for k, p := range parts {
		if p == "" {
			return dtBadFormat
		}
		if p[0] >= 'a' && p[0] <= 'z' {
			m, ok := monthNames[p]
			if !ok || monthIdx >= 0 {
				return dtBadFormat
			}
			monthIdx = k
			f.month = m
		}
	}
	// Numeric fields in order, following PostgreSQL's DecodeNumber: a
	// field of three or more digits is a year; otherwise the DateStyle
	// order decides the first field and the ones already seen the rest.
	const (
		mYear = 1 << iota
		mMonth
		mDay
	)
	textMonth := monthIdx >= 0
	mask := 0
	if textMonth {
		mask = mMonth
	}
	for k, p := range parts {
		if k == monthIdx {
			continue
		}
		v, ok := atoiField(p)
		if !ok {
			return dtBadFormat
		}
		flen := len(p)
		var got int
		switch mask {
		case 0:
			switch {
			case flen >= 3 || f.order == DateOrderYMD:
				got = mYear
			case f.order == DateOrderDMY:
				got = mDay
			default:
				got = mMonth
			}
		case mYear:
			got = mMonth
		case mMonth:
			if textMonth && (flen >= 3 || f.order == DateOrderYMD) {
				got = mYear
			} else {
				got = mDay
			}
		case mYear | mMonth:
			if textMonth && flen >= 3 && f.twoDigitYear {
				// DD-MON-YYYY even in YMD mode: the first number was the day.
				f.day, f.year, f.twoDigitYear = f.year, v, false
				mask |= mDay
				continue
			}
			got = mDay
		case mDay:
			got = mMonth
		case mMonth | mDay:
			got = mYear
		default:
			return dtBadFormat
		}
		switch got {
		case mYear:
			f.year, f.twoDigitYear = v, flen <= 2
		case mMonth:
			f.month = v
		case mDay:
			f.day = v
		}
		mask |= got
	}
	return 0
}

func (f *dtFields) decodeNumber(s string) dtError {
	frac := ""
	if k := strings.IndexByte(s, '.'); k >= 0 {
		frac = s[k:]
		s = s[:k]
	}
	switch {
	case !f.hasDate && f.month == 0 && frac == "" && len(s) == 8:
		f.hasDate = true
		f.year, _ = atoiField(s[:4])
		f.month, _ = atoiField(s[4:6])
		f.day, _ = atoiField(s[6:])
		return 0
	case f.hasDate && !f.hasTime && (len(s) == 6 || len(s) == 4):
		// Compact hhmmss or hhmm after a date (ISO basic format).
		h, _ := atoiField(s[:2])
		m, _ := atoiField(s[2:4])
		sec := 0
		if len(s) == 6 {
			sec, _ = atoiField(s[4:])
		} else if frac != "" {
			return dtBadFormat
		}
		str := strconv.Itoa(h) + ":" + strconv.Itoa(m) + ":" + strconv.Itoa(sec) + frac
		return f.decodeTime(str)
	case f.month != 0 && !f.hasDate && frac == "":
		// Part of "January 2, 2024" or "2 January 2024".
		v, ok := atoiField(s)
		if !ok {
			return dtBadFormat
		}
		if f.day == 0 && len(s) <= 2 && v <= 31 && v > 0 {
			f.day = v
		} else {
			f.year = v
			f.twoDigitYear = len(s) == 2
			if f.day != 0 {
				f.hasDate = true
			}
		}
		if f.day != 0 && f.year != 0 {
			f.hasDate = true
		}
		return 0
	case f.month == 0 && !f.hasDate && frac == "" && len(s) <= 2:
		// A day number before a month name ("2 January 2024").
		v, _ := atoiField(s)
		if f.day != 0 {
			return dtBadFormat
		}
		f.day = v
		return 0
	}
	return dtBadFormat
}

func (f *dtFields) decodeOffset(s string) dtError {
	if f.hasTZ {
		return dtBadFormat
	}
	neg := s[0] == '-'
	body := s[1:]
	var h, m, sec int
	var ok bool
	if k := strings.IndexByte(body, ':'); k >= 0 {
		parts := strings.Split(body, ":")
		if len(parts) > 3 {
			return dtBadFormat
		}
		if h, ok = atoiField(parts[0]); !ok {
			return dtBadFormat
		}
		if m, ok = atoiField(parts[1]); !ok {
			return dtBadFormat
		}
		if len(parts) == 3 {
			if sec, ok = atoiField(parts[2]); !ok {
				return dtBadFormat
			}
		}
	} else {
		switch len(body) {
		case 1, 2:
			h, ok = atoiField(body)
		case 3, 4:
			h, _ = atoiField(body[:len(body)-2])
			m, ok = atoiField(body[len(body)-2:])
		case 5, 6:
			h, _ = atoiField(body[:len(body)-4])
			m, _ = atoiField(body[len(body)-4 : len(body)-2])
			sec, ok = atoiField(body[len(body)-2:])
		}
		if !ok {
			return dtBadFormat
		}
	}
	if h > 15 || m >= 60 || sec >= 60 {
		return dtTZDispOverflow
	}
	off := h*3600 + m*60 + sec
	if neg {
		off = -off
	}
	f.hasTZ, f.tzOff = true, off
	return 0
}

func (f *dtFields) decodeWord(word, orig string) dtError {
	if m, ok := monthNames[word]; ok && f.month == 0 && !f.hasDate {
		f.month = m
		if f.day != 0 && f.year != 0 {
			f.hasDate = true
		}
		return 0
	}
	switch {
	case dayNames[word]:
		return 0
	case word == "bc":
		f.bc = true
		return 0
	case word == "ad":
		f.ad = true
		return 0
	case word == "am" || word == "a.m":
		f.ampm = 1
		return 0
	case word == "pm" || word == "p.m":
		f.ampm = 2
		return 0
	case word == "at" || word == "on":
		return 0
	}
	if f.hasTZ {
		return dtBadFormat
	}
	if off, ok := zoneAbbrevs[word]; ok {
		f.hasTZ, f.tzOff = true, off
		return 0
	}
	if loc := lookupZone(orig); loc != nil {
		f.hasTZ, f.tzLoc = true, loc
		return 0
	}
	if strings.IndexByte(word, '/') >= 0 {
		f.badZone = word
		return dtBadTimezone
	}
	return dtBadFormat
}

// lookupZone finds an IANA zone by name, trying the spelling given and the
// canonical capitalisation (zone names are case-insensitive in PostgreSQL).
func lookupZone(name string) *time.Location {
	if name == "" || strings.ContainsAny(name, " .\\") || strings.HasPrefix(name, "/") {
		return nil
	}
	if !strings.Contains(name, "/") {
		return nil
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	if loc, err := time.LoadLocation(string(b)); err == nil {
		return loc
	}
	return nil
}

func dtErr(e dtError, typName, s string) error {
	return dtErrF(e, typName, s, dtFields{})
}

func dtErrF(e dtError, typName, s string, f dtFields) error {
	switch e {
	case dtBadTimezone:
		return pgerror.New(pgerror.InvalidParameterValue, "time zone \"%s\" not recognized", f.badZone)
	case dtFieldOverflow:
		return pgerror.New(pgerror.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
	case dtMDFieldOverflow:
		return pgerror.New(pgerror.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s).
			WithHint("Perhaps you need a different \"datestyle\" setting.")
	case dtTZDispOverflow:
		return pgerror.New(pgerror.InvalidTimeZoneDisplacement, "time zone displacement out of range: \"%s\"", s)
	}
	return pgerror.New(pgerror.InvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typName, s)
}

// nowIn returns the current wall clock as a local timestamp in loc.
func nowLocal(loc *time.Location) int64 {
	now := time.Now().In(loc)
	_, off := now.Zone()
	return (now.UnixMicro() - pgEpochUnix*usecsPerSec) + int64(off)*usecsPerSec
}

func parseDate(s string, o *FormatOpts) (Datum, error) {
	f, e := decodeDateTime(s, false, o.dateOrder())
	if e != 0 {
		return nil, dtErrF(e, "date", s, f)
	}
	switch f.special {
	case "epoch":
		return DateVal(unixEpochJDate - pgEpochJDate), nil
	case "infinity":
		return DateInfinity, nil
	case "-infinity":
		return DateNegInfinity, nil
	case "now", "today", "tomorrow", "yesterday":
		jd, _ := splitTimestamp(nowLocal(o.loc()))
		d := jd - pgEpochJDate
		if f.special == "tomorrow" {
			d++
		} else if f.special == "yesterday" {
			d--
		}
		return DateVal(d), nil
	case "allballs":
		return nil, dtErr(dtBadFormat, "date", s)
	}
	if !f.hasDate {
		return nil, dtErr(dtBadFormat, "date", s)
	}
	if !validJulian(f.year, f.month) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	d := DateVal(date2j(f.year, f.month, f.day) - pgEpochJDate)
	if !validDate(d) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return d, nil
}

func parseTime(s string, o *FormatOpts) (Datum, error) {
	f, e := decodeDateTime(s, true, o.dateOrder())
	if e != 0 {
		return nil, dtErrF(e, "time", s, f)
	}
	switch f.special {
	case "allballs":
		return TimeOfDay(0), nil
	case "now":
		_, tod := splitTimestamp(nowLocal(o.loc()))
		return TimeOfDay(tod), nil
	case "":
	default:
		return nil, dtErr(dtBadFormat, "time", s)
	}
	if !f.hasTime {
		return nil, dtErr(dtBadFormat, "time", s)
	}
	return TimeOfDay(int64(f.hour)*usecsPerHour + int64(f.min)*usecsPerMinute + int64(f.sec)*usecsPerSec + f.fsec), nil
}

func parseTimestamp(s string, o *FormatOpts, tz bool) (Datum, error) {
	typName := "timestamp"
	if tz {
		typName = "timestamp with time zone"
	}
	f, e := decodeDateTime(s, false, o.dateOrder())
	if e != 0 {
		return nil, dtErrF(e, typName, s, f)
	}
	var local int64
	loc := o.loc()
	switch f.special {
	case "infinity":
		if tz {
			return TimestampTZInf, nil
		}
		return TimestampInfinity, nil
	case "-infinity":
		if tz {
			return TimestampTZNegInf, nil
		}
		return TimestampNegInfinity, nil
	case "epoch":
		v := int64(unixEpochJDate-pgEpochJDate) * usecsPerDay
		if tz {
			return TimestampTZVal(v), nil
		}
		return TimestampVal(v), nil
	case "now":
		if tz {
			return TimestampTZVal(time.Now().UnixMicro() - pgEpochUnix*usecsPerSec), nil
		}
		return TimestampVal(nowLocal(loc)), nil
	case "today", "tomorrow", "yesterday":
		jd, _ := splitTimestamp(nowLocal(loc))
		if f.special == "tomorrow" {
			jd++
		} else if f.special == "yesterday" {
			jd--
		}
		local = int64(jd-pgEpochJDate) * usecsPerDay
		if !tz {
			return TimestampVal(local), nil
		}
		return TimestampTZVal(localToUTC(local, loc)), nil
	case "allballs":
		return nil, dtErr(dtBadFormat, typName, s)
	}
	if !f.hasDate {
		return nil, dtErr(dtBadFormat, typName, s)
	}
	if !validJulian(f.year, f.month) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	jd := date2j(f.year, f.month, f.day)
	if d := int64(jd - pgEpochJDate); d > endTimestamp/usecsPerDay+1 || d < minTimestamp/usecsPerDay-1 {
		// Far out of range: the microsecond count below would overflow.
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	local = int64(jd-pgEpochJDate)*usecsPerDay + int64(f.hour)*usecsPerHour + int64(f.min)*usecsPerMinute +
		int64(f.sec)*usecsPerSec + f.fsec
	if !tz {
		if !validTimestamp(local) {
			return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
		}
		return TimestampVal(local), nil
	}
	var utc int64
	switch {
	case f.hasTZ && f.tzLoc == nil:
		utc = local - int64(f.tzOff)*usecsPerSec
	case f.hasTZ:
		utc = localToUTC(local, f.tzLoc)
	default:
		utc = localToUTC(local, loc)
	}
	if !validTimestamp(utc) {
		return nil, pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	return TimestampTZVal(utc), nil
}

// localToUTC converts a wall-clock timestamp in loc to UTC the way
// DetermineTimeZoneOffset does: with the offsets in force a day before and
// a day after, a time valid under only one of them takes that one; a time
// in a spring-forward gap takes the earlier offset and an ambiguous
// fall-back time the later one.
func localToUTC(local int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return local
	}
	offB := int64(zoneOffset(local-usecsPerDay, loc)) * usecsPerSec
	offA := int64(zoneOffset(local+usecsPerDay, loc)) * usecsPerSec
	b, a := local-offB, local-offA
	if offA == offB {
		return a
	}
	validB := int64(zoneOffset(b, loc))*usecsPerSec == offB
	validA := int64(zoneOffset(a, loc))*usecsPerSec == offA
	switch {
	case validB && !validA:
		return b
	case validA && !validB:
		return a
	case validA && validB:
		return a
	}
	return b
}

// fastISO parses the common canonical forms YYYY-MM-DD[( |T)HH:MM:SS[.f{1,6}]]
// [Z|+HH|+HH:MM] without allocating. It reports false for anything else
// (including out-of-range fields), which then takes the general path so
// that errors come out the same.
func fastISO(s string) (f dtFields, ok bool) {
	d2 := func(i int) (int, bool) {
		a, b := s[i]-'0', s[i+1]-'0'
		if a > 9 || b > 9 {
			return 0, false
		}
		return int(a)*10 + int(b), true
	}
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return f, false
	}
	y1, ok1 := d2(0)
	y2, ok2 := d2(2)
	m, ok3 := d2(5)
	d, ok4 := d2(8)
	if !(ok1 && ok2 && ok3 && ok4) || m < 1 || m > 12 || d < 1 {
		return f, false
	}
	f.year, f.month, f.day, f.hasDate = y1*100+y2, m, d, true
	if f.year == 0 || d > daysInMonth(f.year, m) {
		return f, false
	}
	i := 10
	if i == len(s) {
		return f, true
	}
	if len(s) < i+9 || (s[i] != ' ' && s[i] != 'T') || s[i+3] != ':' || s[i+6] != ':' {
		return f, false
	}
	h, ok1 := d2(i + 1)
	mi, ok2 := d2(i + 4)
	sec, ok3 := d2(i + 7)
	if !(ok1 && ok2 && ok3) || h > 23 || mi > 59 || sec > 59 {
		return f, false
	}
	f.hour, f.min, f.sec, f.hasTime = h, mi, sec, true
	i += 9
	if i < len(s) && s[i] == '.' {
		i++
		n := 0
		var us int64
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if n == 6 {
				return f, false
			}
			us = us*10 + int64(s[i]-'0')
			n++
			i++
		}
		if n == 0 {
			return f, false
		}
		for ; n < 6; n++ {
			us *= 10
		}
		f.fsec = us
	}
	if i == len(s) {
		return f, true
	}
	switch s[i] {
	case 'Z':
		if i+1 != len(s) {
			return f, false
		}
		f.hasTZ = true
		return f, true
	case '+', '-':
		rest := s[i+1:]
		var off int
		switch {
		case len(rest) == 2:
			hh, ok := d2(i + 1)
			if !ok {
				return f, false
			}
			off = hh * 3600
		case len(rest) == 5 && rest[2] == ':':
			hh, ok1 := d2(i + 1)
			mm, ok2 := d2(i + 4)
			if !ok1 || !ok2 || mm > 59 {
				return f, false
			}
			off = hh*3600 + mm*60
		default:
			return f, false
		}
		if off > 15*3600+59*60 {
			return f, false
		}
		if s[i] == '-' {
			off = -off
		}
		f.hasTZ, f.tzOff = true, off
		return f, true
	}
	return f, false
}
