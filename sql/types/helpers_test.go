package types

import (
	"testing"
	"time"
)

func TestTimeHelpers(t *testing.T) {
	// The PostgreSQL epoch is zero; Go agrees on the calendar.
	if got := TimestampTZFromTime(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("epoch = %d", got)
	}
	for _, tm := range []time.Time{
		time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC),
		time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		ts := TimestampTZFromTime(tm)
		if !ts.Time().Equal(tm) {
			t.Errorf("%v -> %d -> %v", tm, ts, ts.Time())
		}
		d, ok := MakeDate(tm.Year(), int(tm.Month()), tm.Day())
		if !ok {
			t.Fatalf("MakeDate(%v) not ok", tm)
		}
		if y, m, dd := d.YMD(); y != tm.Year() || m != int(tm.Month()) || dd != tm.Day() {
			t.Errorf("YMD(%v) = %d-%d-%d", tm, y, m, dd)
		}
		// Days agree with Go's calendar arithmetic.
		if want := tm.Truncate(24*time.Hour).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24; int(d) != int(want) && tm.Year() > 1700 {
			t.Errorf("%v: date %d, want %v", tm, d, want)
		}
	}
	if _, ok := MakeDate(2023, 2, 29); ok {
		t.Error("2023-02-29 accepted")
	}
	ny, _ := time.LoadLocation("America/New_York")
	local := TimestampFromTime(time.Date(2024, 7, 1, 12, 0, 0, 0, ny))
	inst := local.ToInstant(ny)
	if !inst.Time().Equal(time.Date(2024, 7, 1, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("ToInstant: %v", inst.Time())
	}
	if back := inst.ToLocal(ny); back != local {
		t.Errorf("ToLocal: %d, want %d", back, local)
	}
}
