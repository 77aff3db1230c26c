package types

import (
	"math"
	"strconv"
	"time"
)

// DateStyle is the output part of the DateStyle setting: how date,
// timestamp and timestamptz values print (PostgreSQL's EncodeDateOnly and
// EncodeDateTime). Input reads every style; only the field order
// (DateOrder) changes how ambiguous input is read.
type DateStyle uint8

const (
	// DateStyleISO prints 2024-01-02 03:04:05-08 (the default).
	DateStyleISO DateStyle = iota
	// DateStylePostgres prints Tue Jan 02 03:04:05 2024 PST, dates as
	// 01-02-2024 (02-01-2024 with DMY).
	DateStylePostgres
	// DateStyleSQL prints 01/02/2024 03:04:05 PST (DMY: 02/01/2024).
	DateStyleSQL
	// DateStyleGerman prints 02.01.2024 03:04:05 PST.
	DateStyleGerman
)

// IntervalStyle is the IntervalStyle setting.
type IntervalStyle uint8

const (
	// IntervalStylePostgres prints 1 year 2 mons 3 days 04:05:06 (the default).
	IntervalStylePostgres IntervalStyle = iota
	// IntervalStylePostgresVerbose prints @ 1 year 2 mons 3 days 4 hours 5 mins 6 secs.
	IntervalStylePostgresVerbose
)

var (
	weekdayAbbrevs = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthAbbrevs   = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

func (o *FormatOpts) dateStyle() DateStyle {
	if o == nil {
		return DateStyleISO
	}
	return o.DateStyle
}

// appendStyledDate is EncodeDateOnly for the non-ISO styles.
func appendStyledDate(buf []byte, d DateVal, style DateStyle, order DateOrder) []byte {
	switch d {
	case DateNegInfinity:
		return append(buf, "-infinity"...)
	case DateInfinity:
		return append(buf, "infinity"...)
	}
	y, m, day := j2date(int(d) + pgEpochJDate)
	buf = appendStyledYMD(buf, y, m, day, style, order)
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendStyledYMD writes the date part of the SQL, German and Postgres
// styles; year <= 0 is shown as a positive BC year.
func appendStyledYMD(buf []byte, y, m, d int, style DateStyle, order DateOrder) []byte {
	if y <= 0 {
		y = -(y - 1)
	}
	sep := byte('-')
	switch style {
	case DateStyleSQL:
		sep = '/'
	case DateStyleGerman:
		sep = '.'
	}
	if order == DateOrderDMY || style == DateStyleGerman {
		buf = append2(buf, d)
		buf = append(buf, sep)
		buf = append2(buf, m)
	} else {
		buf = append2(buf, m)
		buf = append(buf, sep)
		buf = append2(buf, d)
	}
	buf = append(buf, sep)
	return appendPad(buf, int64(y), 4)
}

// appendStyledTimestamp is EncodeDateTime for the non-ISO styles. withTZ
// adds the zone abbreviation of loc at the instant (timestamptz).
func appendStyledTimestamp(buf []byte, t int64, withTZ bool, loc *time.Location, style DateStyle, order DateOrder) []byte {
	switch t {
	case math.MinInt64:
		return append(buf, "-infinity"...)
	case math.MaxInt64:
		return append(buf, "infinity"...)
	}
	local := t
	var zone string
	var off int
	if withTZ {
		zone, off = zoneAbbrev(t, loc)
		local += int64(off) * usecsPerSec
	}
	jd, tod := splitTimestamp(local)
	y, m, d := j2date(jd)
	if style == DateStylePostgres {
		// The traditional Postgres form: Dow Mon DD HH:MM:SS YYYY ZONE
		// (Dow DD Mon with DMY).
		buf = append(buf, weekdayAbbrevs[(jd+1)%7]...)
		buf = append(buf, ' ')
		if order == DateOrderDMY {
			buf = append2(buf, d)
			buf = append(buf, ' ')
			buf = append(buf, monthAbbrevs[m-1]...)
		} else {
			buf = append(buf, monthAbbrevs[m-1]...)
			buf = append(buf, ' ')
			buf = append2(buf, d)
		}
		buf = append(buf, ' ')
		buf = appendTimeOfDay(buf, tod)
		buf = append(buf, ' ')
		yy := y
		if yy <= 0 {
			yy = -(yy - 1)
		}
		buf = appendPad(buf, int64(yy), 4)
	} else {
		buf = appendStyledYMD(buf, y, m, d, style, order)
		buf = append(buf, ' ')
		buf = appendTimeOfDay(buf, tod)
	}
	if withTZ {
		buf = append(buf, ' ')
		if zone != "" {
			buf = append(buf, zone...)
		} else {
			buf = appendZone(buf, off)
		}
	}
	if y <= 0 {
		buf = append(buf, " BC"...)
	}
	return buf
}

// zoneAbbrev returns the abbreviation (tzn) PostgreSQL prints for loc at
// the instant t, and the offset in seconds east of UTC. Numeric zones
// (SET TIME ZONE -8) are named by their offset as PostgreSQL names them
// ("-08"); an empty name makes the caller print the offset.
func zoneAbbrev(t int64, loc *time.Location) (string, int) {
	if loc == nil {
		loc = time.UTC
	}
	name, off := time.Unix(t/usecsPerSec+pgEpochUnix, 0).In(loc).Zone()
	if loc == time.UTC {
		return "UTC", 0
	}
	if name == "" || name[0] == '+' || name[0] == '-' || (name[0] >= '0' && name[0] <= '9') {
		// PostgreSQL's pg_tzset_offset names such zones <+hh[:mm[:ss]]>.
		return string(appendZone(nil, off)), off
	}
	return name, off
}

// appendVerboseInterval is EncodeInterval for IntervalStyle
// postgres_verbose: "@ 1 year 2 mons -3 days 4 hours 5 mins 6.5 secs ago".
// The sign of the first nonzero field becomes "ago"; later fields are
// shown relative to it.
func appendVerboseInterval(buf []byte, iv IntervalVal) []byte {
	year := int64(iv.Months / 12)
	mon := int64(iv.Months % 12)
	t := iv.Micros
	hour := t / usecsPerHour
	t -= hour * usecsPerHour
	min := t / usecsPerMinute
	t -= min * usecsPerMinute
	sec := t / usecsPerSec
	fsec := t - sec*usecsPerSec

	buf = append(buf, '@')
	isZero, isBefore := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if isZero {
			isBefore = v < 0
			v = abs64(v)
		} else if isBefore {
			v = -v
		}
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, v, 10)
		buf = append(buf, ' ')
		buf = append(buf, unit...)
		if v != 1 {
			buf = append(buf, 's')
		}
		isZero = false
	}
	part(year, "year")
	part(mon, "mon")
	part(int64(iv.Days), "day")
	part(hour, "hour")
	part(min, "min")
	if sec != 0 || fsec != 0 {
		buf = append(buf, ' ')
		if sec < 0 || (sec == 0 && fsec < 0) {
			if isZero {
				isBefore = true
			} else if !isBefore {
				buf = append(buf, '-')
			}
		} else if isBefore {
			buf = append(buf, '-')
		}
		buf = strconv.AppendInt(buf, abs64(sec), 10)
		if fsec != 0 {
			buf = appendFrac(buf, abs64(fsec))
		}
		buf = append(buf, " sec"...)
		if abs64(sec) != 1 || fsec != 0 {
			buf = append(buf, 's')
		}
		isZero = false
	}
	if isZero {
		buf = append(buf, " 0"...)
	}
	if isBefore {
		buf = append(buf, " ago"...)
	}
	return buf
}

// appendFrac writes .ffffff for 0 < fsec < 1e6 without trailing zeros.
func appendFrac(buf []byte, fsec int64) []byte {
	var f [7]byte
	f[0] = '.'
	for i := 6; i >= 1; i-- {
		f[i] = byte('0' + fsec%10)
		fsec /= 10
	}
	n := 7
	for f[n-1] == '0' {
		n--
	}
	return append(buf, f[:n]...)
}
