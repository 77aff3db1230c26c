package types

import (
	"testing"
	"time"
)

// TestDateStyleRoundTrip checks that every DateStyle's output reads back
// as the same value (PostgreSQL reads all its output styles); the output
// itself is compared with PostgreSQL in internal/sqltest's
// regress_types.sql.
func TestDateStyleRoundTrip(t *testing.T) {
	pst, err := time.LoadLocation("PST8PDT")
	if err != nil {
		t.Skip(err)
	}
	tss := []string{"2010-03-09 13:04:05.25", "1999-12-31 23:59:59", "2024-02-29 00:00:00.000001", "0044-03-15 12:00:00 BC", "infinity"}
	for _, style := range []DateStyle{DateStyleISO, DateStylePostgres, DateStyleSQL, DateStyleGerman} {
		for _, order := range []DateOrder{DateOrderMDY, DateOrderDMY} {
			o := &FormatOpts{Loc: pst, ExtraFloatDigits: 1, DateStyle: style, DateOrder: order}
			if style == DateStyleGerman {
				o.DateOrder = DateOrderDMY
			}
			for _, typ := range []*T{Date, Timestamp, TimestampTZ} {
				for _, s := range tss {
					v, err := ParseText(typ, s, o)
					if err != nil {
						t.Fatalf("%s %q: %v", typ.Name, s, err)
					}
					out := string(AppendText(nil, typ, v, o))
					back, err := ParseText(typ, out, o)
					if err != nil {
						t.Errorf("style %d order %d %s: %q does not read back: %v", style, order, typ.Name, out, err)
						continue
					}
					if Compare(typ, back, v) != 0 {
						t.Errorf("style %d order %d %s: %q reads back as %v, want %v", style, order, typ.Name, out, back, v)
					}
				}
			}
		}
	}
}

// TestVerboseIntervalRoundTrip checks that postgres_verbose output reads
// back as the same interval.
func TestVerboseIntervalRoundTrip(t *testing.T) {
	o := &FormatOpts{IntervalStyle: IntervalStylePostgresVerbose}
	for _, s := range []string{"1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00", "0", "-3 mons -1 sec",
		"1 min 1.000001 secs", "-0.5 sec", "1 sec", "3 hours 4 mins ago", "-1 year +1 day", "1 day -00:00:01"} {
		v, err := ParseText(Interval, s, nil)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		out := string(AppendText(nil, Interval, v, o))
		back, err := ParseText(Interval, out, nil)
		if err != nil {
			t.Errorf("%q -> %q does not read back: %v", s, out, err)
			continue
		}
		if back.(IntervalVal) != v.(IntervalVal) {
			t.Errorf("%q -> %q reads back as %v, want %v", s, out, back, v)
		}
	}
}

func BenchmarkAppendPostgresTimestampTZ(b *testing.B) {
	loc, err := time.LoadLocation("PST8PDT")
	if err != nil {
		b.Skip(err)
	}
	o := &FormatOpts{Loc: loc, DateStyle: DateStylePostgres}
	v := TimestampTZVal(321_123_456_789_000)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendText(buf[:0], TimestampTZ, v, o)
	}
}

// FuzzStyledOutput reads a date/time or interval value, prints it in the
// non-default DateStyles and IntervalStyle postgres_verbose, and requires
// the output to read back as the same value.
func FuzzStyledOutput(f *testing.F) {
	for _, s := range []string{"2010-03-09 13:04:05.25", "0044-03-15 BC", "infinity", "-infinity", "2024-02-29",
		"1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00", "@ 1 min ago", "0"} {
		f.Add(uint8(0), s)
		f.Add(uint8(3), s)
	}
	loc, err := time.LoadLocation("PST8PDT")
	if err != nil {
		f.Skip(err)
	}
	typs := []*T{Date, Timestamp, TimestampTZ, Interval}
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		typ := typs[int(k)%len(typs)]
		style := DateStyle(1 + int(k/4)%3)
		o := &FormatOpts{Loc: loc, ExtraFloatDigits: 1, DateStyle: style, IntervalStyle: IntervalStylePostgresVerbose}
		if k&0x40 != 0 || style == DateStyleGerman {
			o.DateOrder = DateOrderDMY
		}
		d, err := ParseText(typ, s, o)
		if err != nil {
			return
		}
		out := string(AppendText(nil, typ, d, o))
		back, err := ParseText(typ, out, o)
		if err != nil {
			t.Fatalf("%s style %d: %q -> %q does not read back: %v", typ.Name, style, s, out, err)
		}
		if Compare(typ, d, back) != 0 {
			t.Fatalf("%s style %d: %q -> %q reads back as %q", typ.Name, style, s, out, AppendText(nil, typ, back, o))
		}
	})
}
