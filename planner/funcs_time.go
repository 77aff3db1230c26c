package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Operators mixing time of day with dates and intervals. Without them the
// implicit casts (time to interval, date to timestamptz) found an overload
// with the wrong result type: time + interval gave an interval, and
// interval + date or time + date a timestamptz, where PostgreSQL's
// time_pl_interval, interval_pl_date... give time and timestamp.
func init() {
	addOp("+", FnTimePlusInterval, types.Time, types.Time, types.Interval)
	addOp("+", FnTimePlusInterval, types.Time, types.Interval, types.Time)
	addOp("-", FnTimeMinusInterval, types.Time, types.Time, types.Interval)
	addOp("-", FnTimeMinusTime, types.Interval, types.Time, types.Time)
	addOp("+", FnDatePlusTime, types.Timestamp, types.Date, types.Time)
	addOp("+", FnDatePlusTime, types.Timestamp, types.Time, types.Date)
	// interval + date is date + interval with the arguments swapped; the
	// executor's timestamp-plus-interval takes either order.
	addOp("+", FnTSPlusInterval, types.Timestamp, types.Interval, types.Date)
}
