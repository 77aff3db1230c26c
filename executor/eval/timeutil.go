package eval

import "time"

func timeUnix(sec int64) time.Time { return time.Unix(sec, 0) }

// toPGMicros converts a wall-clock instant to microseconds since
// 2000-01-01 00:00:00 UTC.
func toPGMicros(t time.Time) int64 {
	return t.UnixMicro() - pgEpochUnix*1e6
}
