package types

import (
	"math"
	"time"
)

// MakeDate returns the date for a proleptic Gregorian year (1 BC is year
// 0), month and day; ok is false when the date is invalid or out of range.
func MakeDate(year, month, day int) (d DateVal, ok bool) {
	if month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || !validJulian(year, month) {
		return 0, false
	}
	d = DateVal(date2j(year, month, day) - pgEpochJDate)
	return d, validDate(d)
}

// YMD returns the year (1 BC is 0), month and day of a finite date.
func (d DateVal) YMD() (year, month, day int) {
	return j2date(int(d) + pgEpochJDate)
}

// IsFinite reports whether d is neither infinity nor -infinity.
func (d DateVal) IsFinite() bool { return d != DateInfinity && d != DateNegInfinity }

// IsFinite reports whether t is neither infinity nor -infinity.
func (t TimestampVal) IsFinite() bool { return t != math.MinInt64 && t != math.MaxInt64 }

// IsFinite reports whether t is neither infinity nor -infinity.
func (t TimestampTZVal) IsFinite() bool { return t != math.MinInt64 && t != math.MaxInt64 }

// TimestampTZFromTime converts a Go time (any location) to an instant,
// truncating to microseconds.
func TimestampTZFromTime(t time.Time) TimestampTZVal {
	return TimestampTZVal(t.Unix()*usecsPerSec + int64(t.Nanosecond()/1000) - pgEpochUnix*usecsPerSec)
}

// Time returns the instant as a Go time in UTC (finite values only).
func (t TimestampTZVal) Time() time.Time {
	us := int64(t) + pgEpochUnix*usecsPerSec
	return time.UnixMicro(us).UTC()
}

// TimestampFromTime returns the wall-clock reading of t (its own
// location) as a timestamp without time zone.
func TimestampFromTime(t time.Time) TimestampVal {
	_, off := t.Zone()
	return TimestampVal(int64(TimestampTZFromTime(t)) + int64(off)*usecsPerSec)
}

// Time returns the wall-clock reading as a Go time in UTC (finite values
// only).
func (t TimestampVal) Time() time.Time { return TimestampTZVal(t).Time() }

// ToLocal converts an instant to the wall-clock timestamp in loc (nil:
// UTC), as timestamptz::timestamp does under that TimeZone.
func (t TimestampTZVal) ToLocal(loc *time.Location) TimestampVal {
	if !t.IsFinite() {
		return TimestampVal(t)
	}
	if loc == nil {
		loc = time.UTC
	}
	return TimestampVal(int64(t) + int64(zoneOffset(int64(t), loc))*usecsPerSec)
}

// ToInstant interprets a wall-clock timestamp in loc (nil: UTC), as
// timestamp::timestamptz does under that TimeZone (DST gaps and overlaps
// resolved like PostgreSQL).
func (t TimestampVal) ToInstant(loc *time.Location) TimestampTZVal {
	if !t.IsFinite() {
		return TimestampTZVal(t)
	}
	if loc == nil {
		loc = time.UTC
	}
	return TimestampTZVal(localToUTC(int64(t), loc))
}
