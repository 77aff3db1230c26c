package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// The everyday built-in functions beyond the session and core string/math
// set in funcs.go: PostgreSQL 15's signatures (pg_proc), with their
// volatility. Implementations live in executor/eval's builtins_*.go files;
// FUNCTIONS.md at the repository root lists what is built.

func init() {
	T, I4, I8, F8, N, B := types.Text, types.Int4, types.Int8, types.Float8, types.Numeric, types.Bool
	TS, TZ, D, IV, BA := types.Timestamp, types.TimestampTZ, types.Date, types.Interval, types.Bytea
	J, JB := types.JSON, types.JSONB
	stable := func(f *Func) { f.Volatility = Stable }
	lax := func(f *Func) { f.Strict = false }

	// Strings.
	addFn("overlay", FnOverlay, T, T, T, I4, I4)
	addFn("overlay", FnOverlay, T, T, T, I4)
	addFn("translate", FnTranslate, T, T, T, T)
	addFn("regexp_replace", FnRegexpReplace, T, T, T, T)
	addFn("regexp_replace", FnRegexpReplace, T, T, T, T, T)
	addFn("regexp_match", FnRegexpMatch, types.TextArray, T, T)
	addFn("regexp_match", FnRegexpMatch, types.TextArray, T, T, T)
	addFn("regexp_like", FnRegexpLike, B, T, T)
	addFn("regexp_like", FnRegexpLike, B, T, T, T)
	addFn("regexp_count", FnRegexpCount, I4, T, T)
	addFn("regexp_count", FnRegexpCount, I4, T, T, I4)
	addFn("regexp_count", FnRegexpCount, I4, T, T, I4, T)
	addFn("regexp_split_to_array", FnRegexpSplitToArray, types.TextArray, T, T)
	addFn("regexp_split_to_array", FnRegexpSplitToArray, types.TextArray, T, T, T)
	addFn("substring", FnSubstringRegex, T, T, T)
	addFn("starts_with", FnStartsWith, B, T, T)
	f := addFn("format", FnFormat, T, T)
	stable(f)
	lax(f)
	f = addFn("format", FnFormat, T, T)
	f.Variadic = AnyType
	stable(f)
	lax(f)
	addFn("quote_ident", FnQuoteIdent, T, T)
	addFn("quote_literal", FnQuoteLiteral, T, T)
	lax(addFn("quote_nullable", FnQuoteNullable, T, T))
	stable(addFn("quote_literal", FnQuoteLiteral, T, AnyType))
	f = addFn("quote_nullable", FnQuoteNullable, T, AnyType)
	stable(f)
	lax(f)
	addFn("encode", FnEncode, T, BA, T)
	addFn("decode", FnDecode, BA, T, T)
	addFn("sha224", FnSha224, BA, BA)
	addFn("sha256", FnSha256, BA, BA)
	addFn("sha384", FnSha384, BA, BA)
	addFn("sha512", FnSha512, BA, BA)
	lax(addFn("string_to_array", FnStringToArray, types.TextArray, T, T))
	lax(addFn("string_to_array", FnStringToArray, types.TextArray, T, T, T))
	addFn("bit_length", FnBitLength, I4, T)
	addFn("bit_length", FnBitLength, I4, BA)

	// Math.
	addFn("div", FnDivFn, N, N, N)
	for _, t := range []*types.T{I4, I8, N} {
		addFn("gcd", FnGcd, t, t, t)
		addFn("lcm", FnLcm, t, t, t)
	}
	for _, c := range []struct {
		n  string
		id FuncID
	}{{"degrees", FnDegrees}, {"radians", FnRadians}, {"sin", FnSin}, {"cos", FnCos}, {"tan", FnTan},
		{"cot", FnCot}, {"asin", FnAsin}, {"acos", FnAcos}, {"atan", FnAtan}, {"sinh", FnSinh},
		{"cosh", FnCosh}, {"tanh", FnTanh}, {"cbrt", FnCbrt}} {
		addFn(c.n, c.id, F8, F8)
	}
	addFn("atan2", FnAtan2, F8, F8, F8)
	addFn("width_bucket", FnWidthBucket, I4, F8, F8, F8, I4)
	addFn("width_bucket", FnWidthBucket, I4, N, N, N, I4)
	addFn("factorial", FnFactorial, N, I8)
	addFn("scale", FnScale, I4, N)
	addFn("min_scale", FnMinScale, I4, N)
	addFn("trim_scale", FnTrimScale, N, N)
	addFn("setseed", FnSetseed, types.Void, F8).Volatility = Volatile

	// Date and time.
	addFn("date_trunc", FnDateTrunc, TS, T, TS)
	stable(addFn("date_trunc", FnDateTrunc, TZ, T, TZ))
	for _, t := range []*types.T{TS, D, types.Time, IV} {
		addFn("date_part", FnDatePart, F8, T, t)
		addFn("extract", FnExtract, N, T, t)
	}
	stable(addFn("date_part", FnDatePart, F8, T, TZ))
	stable(addFn("extract", FnExtract, N, T, TZ))
	addFn("age", FnAge, IV, TS, TS)
	addFn("age", FnAge, IV, TZ, TZ)
	stable(addFn("age", FnAgeNow, IV, TS))
	stable(addFn("age", FnAgeNow, IV, TZ))
	addFn("make_date", FnMakeDate, D, I4, I4, I4)
	addFn("make_timestamp", FnMakeTimestamp, TS, I4, I4, I4, I4, I4, F8)
	stable(addFn("make_timestamptz", FnMakeTimestampTZ, TZ, I4, I4, I4, I4, I4, F8))
	stable(addFn("make_timestamptz", FnMakeTimestampTZ, TZ, I4, I4, I4, I4, I4, F8, T))
	// make_interval(years, months, weeks, days, hours, mins, secs), every
	// argument defaulting to 0: one overload per number of arguments given.
	mi := []*types.T{I4, I4, I4, I4, I4, I4, F8}
	for n := 0; n <= len(mi); n++ {
		addFn("make_interval", FnMakeInterval, IV, mi[:n]...)
	}
	addFn("to_timestamp", FnToTimestampEpoch, TZ, F8)
	addFn("justify_days", FnJustifyDays, IV, IV)
	addFn("justify_hours", FnJustifyHours, IV, IV)
	addFn("justify_interval", FnJustifyInterval, IV, IV)
	addFn("date_bin", FnDateBin, TS, IV, TS, TS)
	addFn("date_bin", FnDateBin, TZ, IV, TZ, TZ)
	for _, t := range []*types.T{D, TS, TZ, IV} {
		addFn("isfinite", FnIsFinite, B, t)
	}

	// JSON. The builders take "any" arguments and print them through
	// output functions, which makes them stable.
	for _, c := range []struct {
		n  string
		id FuncID
		t  *types.T
	}{{"json_build_object", FnJSONBuildObject, J}, {"jsonb_build_object", FnJSONBuildObject, JB},
		{"json_build_array", FnJSONBuildArray, J}, {"jsonb_build_array", FnJSONBuildArray, JB}} {
		f := addFn(c.n, c.id, c.t)
		f.Strict, f.Volatility = false, Stable
		f = addFn(c.n, c.id, c.t)
		f.Variadic, f.Strict, f.Volatility = AnyType, false, Stable
	}
	stable(addFn("to_json", FnToJSON, J, AnyType))
	stable(addFn("to_jsonb", FnToJSON, JB, AnyType))
	addFn("json_typeof", FnJSONTypeof, T, J)
	addFn("jsonb_typeof", FnJSONTypeof, T, JB)
	addFn("json_array_length", FnJSONArrayLength, I4, J)
	addFn("jsonb_array_length", FnJSONArrayLength, I4, JB)
	addFn("jsonb_pretty", FnJSONBPretty, T, JB)
	addFn("json_strip_nulls", FnJSONStripNulls, J, J)
	addFn("jsonb_strip_nulls", FnJSONStripNulls, JB, JB)
	for _, c := range []struct {
		n      string
		id     FuncID
		arg, r *types.T
	}{{"json_extract_path", FnJSONExtractPath, J, J}, {"jsonb_extract_path", FnJSONExtractPath, JB, JB},
		{"json_extract_path_text", FnJSONExtractPathText, J, T}, {"jsonb_extract_path_text", FnJSONExtractPathText, JB, T}} {
		f := addFn(c.n, c.id, c.r, c.arg)
		f.Variadic = T
	}
	addFn("jsonb_set", FnJSONBSet, JB, JB, types.TextArray, JB)
	addFn("jsonb_set", FnJSONBSet, JB, JB, types.TextArray, JB, B)

	// Arrays: the element argument is "any" here and converted to the
	// array's element type by the implementation (PostgreSQL's anyelement
	// unifies them at bind time).
	lax(addFn("array_append", FnArrayAppend, nil, AnyArrayType, AnyType))
	addFn("array_cat", FnArrayCat, nil, AnyArrayType, AnyArrayType).Strict = false
	lax(addFn("array_remove", FnArrayRemove, nil, AnyArrayType, AnyType))
	lax(addFn("array_replace", FnArrayReplace, nil, AnyArrayType, AnyType, AnyType))
	lax(addFn("array_position", FnArrayPosition, I4, AnyArrayType, AnyType))
	lax(addFn("array_position", FnArrayPosition, I4, AnyArrayType, AnyType, I4))
	lax(addFn("array_positions", FnArrayPositions, types.Int4Array, AnyArrayType, AnyType))
	addFn("array_dims", FnArrayDims, T, AnyArrayType)
	addFn("array_ndims", FnArrayNdims, I4, AnyArrayType)
}
