package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// to_date(text, text) and to_timestamp(text, text): strings read by a
// formatting template (executor/eval/builtins_todate.go). Both are stable
// in pg_proc (to_timestamp depends on TimeZone).

func init() {
	T := types.Text
	addFn("to_date", FnToDate, types.Date, T, T).Volatility = Stable
	addFn("to_timestamp", FnToTimestampFmt, types.TimestampTZ, T, T).Volatility = Stable
}
