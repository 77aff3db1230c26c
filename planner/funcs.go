package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuncID identifies the implementation of an operator or function;
// executor/eval indexes its implementation table with it.
type FuncID uint16

// Operator and function implementations. Arithmetic and comparison IDs
// are width-generic: the implementation dispatches on the datum's Go type
// and checks range against the Call's result type.
const (
	FnInvalid FuncID = iota

	// Operators.
	FnAdd    // numeric types, interval + interval
	FnSub    // numeric types, interval - interval
	FnMul    // numeric types
	FnDiv    // numeric types (integer division on ints)
	FnMod    // ints, numeric
	FnPow    // float8, numeric (^ and power())
	FnNeg    // unary minus
	FnBitAnd // & on ints
	FnBitOr  // | on ints
	FnBitXor // # on ints
	FnBitNot // ~ on ints
	FnShl    // << on ints (right operand int4)
	FnShr    // >> on ints
	FnConcat // text || text
	FnByteaCat
	FnEq      // =
	FnNe      // <>
	FnLt      // <
	FnLe      // <=
	FnGt      // >
	FnGe      // >=
	FnLike    // text LIKE pattern [ESCAPE e]
	FnILike   // text ILIKE pattern [ESCAPE e]
	FnNotLike // NOT LIKE
	FnNotILike
	FnArrayCat      // array || array, array || elem, elem || array
	FnArrayToString // array_to_string(anyarray, text [, text])
	FnArrayLength   // array_length(anyarray, int4)
	FnCardinality   // cardinality(anyarray)
	FnArrayUpper    // array_upper(anyarray, int4)
	FnArrayLower    // array_lower(anyarray, int4)
	FnCurrentSchemas
	FnRegexMatch     // text ~ pattern
	FnNotRegexMatch  // text !~ pattern
	FnDatePlusInt    // date + int4 -> date
	FnDateMinusInt   // date - int4 -> date
	FnDateMinusDate  // date - date -> int4
	FnTSPlusInterval // timestamp[tz] + interval
	FnTSMinusInterval
	FnTSMinusTS   // timestamp[tz] - timestamp[tz] -> interval
	FnIntervalMul // interval * float8
	FnIntervalDiv // interval / float8

	// Session and system functions.
	FnVersion
	FnCurrentSetting
	FnSetConfig
	FnPgSleep
	FnNow // now(), current_timestamp, transaction_timestamp()
	FnStatementTimestamp
	FnClockTimestamp
	FnCurrentDate
	FnLocalTimestamp
	FnCurrentUser
	FnSessionUser
	FnCurrentDatabase
	FnCurrentSchema
	FnBackendPID
	FnPgTypeof
	FnGenRandomUUID
	FnRandom

	// Math.
	FnAbs
	FnCeil
	FnFloor
	FnRound
	FnTrunc
	FnSqrt
	FnExp
	FnLn
	FnLog10
	FnLog2 // log(b, x)
	FnSign
	FnPi

	// Strings.
	FnCharLength
	FnOctetLength
	FnUpper
	FnLower
	FnSubstr
	FnStrpos
	FnBtrim
	FnLtrim
	FnRtrim
	FnReplace
	FnConcatFn
	FnConcatWS
	FnLeft
	FnRight
	FnRepeat
	FnLpad
	FnRpad
	FnMd5
	FnReverse
	FnInitcap
	FnSplitPart
	FnChr
	FnASCII
	FnToHex

	// Strings (funcs_builtin.go).
	FnOverlay
	FnTranslate
	FnRegexpReplace
	FnRegexpMatch
	FnRegexpLike
	FnRegexpCount
	FnRegexpSplitToArray
	FnSubstringRegex
	FnStartsWith
	FnFormat
	FnQuoteIdent
	FnQuoteLiteral
	FnQuoteNullable
	FnEncode
	FnDecode
	FnSha224
	FnSha256
	FnSha384
	FnSha512
	FnStringToArray
	FnBitLength

	// Math (funcs_builtin.go).
	FnDivFn
	FnGcd
	FnLcm
	FnDegrees
	FnRadians
	FnSin
	FnCos
	FnTan
	FnCot
	FnAsin
	FnAcos
	FnAtan
	FnAtan2
	FnSinh
	FnCosh
	FnTanh
	FnCbrt
	FnWidthBucket
	FnFactorial
	FnScale
	FnMinScale
	FnTrimScale
	FnSetseed

	// Date and time (funcs_builtin.go).
	FnDateTrunc
	FnDatePart
	FnExtract
	FnAge
	FnAgeNow
	FnMakeDate
	FnMakeTimestamp
	FnMakeTimestampTZ
	FnMakeInterval
	FnToTimestampEpoch
	FnToTimestampFmt
	FnToDate
	FnToChar
	FnJustifyDays
	FnJustifyHours
	FnJustifyInterval
	FnDateBin
	FnIsFinite
	FnTimezone

	// JSON (funcs_builtin.go).
	FnJSONBuildObject
	FnJSONBuildArray
	FnToJSON
	FnJSONTypeof
	FnJSONArrayLength
	FnJSONBPretty
	FnJSONStripNulls
	FnJSONExtractPath
	FnJSONExtractPathText
	FnJSONBSet

	// Arrays (funcs_builtin.go).
	FnArrayAppend
	FnArrayPrepend
	FnArrayRemove
	FnArrayReplace
	FnArrayPosition
	FnArrayPositions
	FnArrayDims
	FnArrayNdims

	// Catalog functions (funcs_catalog.go).
	FnFormatType
	FnPgGetIndexdef
	FnPgGetConstraintdef
	FnPgTableIsVisible
	FnPgTypeIsVisible
	FnPgGetUserByID
	FnObjDescription
	FnPgGetExpr
	FnHasPrivilege
	FnPgEncodingToChar
	FnPgRelationSize
	FnPgSizePretty
	FnPgPostmasterStartTime
	FnPgIsInRecovery
	FnTxidCurrent
	FnPgGetStatisticsobjdefColumns
	FnPgRelationIsPublishable
	FnRegclassIn

	// PostgreSQL syntax (funcs_pg.go): JSON operators, SIMILAR TO.
	FnJSONGet        // json(b) -> text / int
	FnJSONGetText    // json(b) ->> text / int
	FnJSONGetPath    // json(b) #> text[]
	FnJSONGetPathTxt // json(b) #>> text[]
	FnJSONBContains  // jsonb @> jsonb (and <@ swapped)
	FnJSONBContained
	FnJSONBExists    // jsonb ? text
	FnJSONBExistsAny // jsonb ?| text[]
	FnJSONBExistsAll // jsonb ?& text[]
	FnJSONBDelete    // jsonb - text / int / text[]
	FnJSONBDeletePath
	FnJSONBConcat // jsonb || jsonb
	FnSimilarToEscape

	// Sequences (funcs_seq.go).
	FnNextval
	FnCurrval
	FnLastval
	FnSetval

	// Set-returning functions (srf.go).
	FnGenerateSeries
	FnGenerateSeriesTS
	FnUnnest
	FnGenerateSubscripts
	FnJSONArrayElements
	FnJSONArrayElementsText
	FnStringToTable

	// Array containment (funcs_array_ops.go).
	FnArrayContains
	FnArrayContained

	// Functions the pg_regress scripts use (funcs_regress.go).
	FnAsinh
	FnAcosh
	FnAtanh
	FnSind
	FnCosd
	FnTand
	FnCotd
	FnAsind
	FnAcosd
	FnAtand
	FnAtan2d
	FnFloatSend // float4send, float8send
	FnToCharNum // to_char(int/float/numeric, text)

	// pg_partition_ancestors (funcs_partition.go).
	FnPgPartitionAncestors
	// pg_get_triggerdef (funcs_catalog.go): nqdb has no triggers.
	FnPgGetTriggerdef
	// pg_get_viewdef (funcs_viewdef.go).
	FnPgGetViewdef
	FnPgGetViewdefName
	// pg_get_serial_sequence (funcs_viewdef.go).
	FnPgGetSerialSequence
	// pg_stat_statements_reset (funcs_viewdef.go).
	FnPgStatStatementsReset
	// parse_ident (funcs_catalog.go): Grafana's column listing calls it.
	FnParseIdent

	// Calls with a VARIADIC array argument (funcs_variadic.go).
	FnConcatVariadic
	FnConcatWSVariadic
	FnFormatVariadic

	// User-defined SQL functions (udf.go): scalar and set-returning.
	FnUserFunc
	FnUserFuncSet
	// pg_get_functiondef and friends, pg_function_is_visible (udf_catalog.go).
	FnPgGetFunctionDef
	FnPgGetFunctionArgs
	FnPgGetFunctionIdentityArgs
	FnPgGetFunctionResult
	FnPgFunctionIsVisible
	// Records and field selection (field.go).
	FnPgExpandArray
	FnFieldSelect
	FnRow

	// FnDomainCheck checks a value against a domain's constraints
	// (domain.go).
	FnDomainCheck
	// pg_cancel_backend, pg_terminate_backend (funcs_catalog.go).
	FnPgCancelBackend
	FnPgTerminateBackend
	// enum_first, enum_last, enum_range (domain.go).
	FnEnumFirst
	FnEnumLast
	FnEnumRange
	// pg_blocking_pids (funcs_locks.go).
	FnPgBlockingPids
	// pg_tablespace_location (funcs_locks.go).
	FnPgTablespaceLocation
	// to_regproc and pg_get_function_sqlbody (funcs_pgcatalog.go).
	FnToRegproc
	FnPgGetFunctionSqlbody
	// time and date arithmetic (funcs_time.go).
	FnTimePlusInterval
	FnTimeMinusInterval
	FnDatePlusTime
	FnTimeMinusTime

	// NumFuncs is the number of FuncIDs (the size of eval's table).
	NumFuncs
)

// Func is one overload of an operator or function.
type Func struct {
	ID   FuncID
	Name string
	// Args are the parameter types; AnyType accepts anything.
	Args []*types.T
	// Variadic, when set, is the type of any further arguments.
	Variadic *types.T
	// Ret is the result type; nil means the type of the first argument.
	Ret *types.T
	// Strict functions return NULL without being called when any
	// argument is NULL.
	Strict bool
	// Volatility tells whether calls over constants may be folded at
	// plan time (Immutable only).
	Volatility Volatility
	// User is set on calls of user-defined functions (udf.go).
	User *UserCall
	// Domain is the constraint set an FnDomainCheck call checks
	// (domain.go); nil for every other function.
	Domain *DomainCheck
}

// AnyArrayType is the pseudo-type anyarray: any array type.
var AnyArrayType = &types.T{OID: types.OidAnyArray, Name: "anyarray", SQLName: "anyarray", Len: -1, Category: types.CatPseudo}

// AnyType is the pseudo-type "any" of polymorphic parameters.
var AnyType = &types.T{OID: types.OidAny, Name: "any", SQLName: "\"any\"", Len: 4, Category: types.CatPseudo}

var (
	intTypes     = []*types.T{types.Int2, types.Int4, types.Int8}
	numericTypes = []*types.T{types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Numeric}
	// comparable lists the types with btree comparison operators.
	comparable = []*types.T{types.Bool, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8,
		types.Numeric, types.Text, types.Name, types.Bpchar, types.Char, types.Bytea, types.Oid,
		types.Date, types.Time, types.Timestamp, types.TimestampTZ, types.Interval, types.UUID,
		types.JSONB}
)

// operators maps an operator name to its binary overloads; prefixOps to
// its unary ones.
var operators = map[string][]*Func{}
var prefixOps = map[string][]*Func{}

// functions maps a function name to its overloads.
var functions = map[string][]*Func{}

func addOp(name string, id FuncID, ret *types.T, l, r *types.T) {
	operators[name] = append(operators[name], &Func{ID: id, Name: name, Args: []*types.T{l, r}, Ret: ret, Strict: true})
}

func addFn(name string, id FuncID, ret *types.T, args ...*types.T) *Func {
	f := &Func{ID: id, Name: name, Args: args, Ret: ret, Strict: true}
	functions[name] = append(functions[name], f)
	return f
}

func init() {
	for _, t := range numericTypes {
		addOp("+", FnAdd, t, t, t)
		addOp("-", FnSub, t, t, t)
		addOp("*", FnMul, t, t, t)
		addOp("/", FnDiv, t, t, t)
		prefixOps["-"] = append(prefixOps["-"], &Func{ID: FnNeg, Name: "-", Args: []*types.T{t}, Ret: t, Strict: true})
		prefixOps["+"] = append(prefixOps["+"], &Func{ID: FnInvalid, Name: "+", Args: []*types.T{t}, Ret: t, Strict: true})
		addFn("abs", FnAbs, t, t)
	}
	for _, t := range intTypes {
		addOp("%", FnMod, t, t, t)
		addFn("mod", FnMod, t, t, t)
		addOp("&", FnBitAnd, t, t, t)
		addOp("|", FnBitOr, t, t, t)
		addOp("#", FnBitXor, t, t, t)
		addOp("<<", FnShl, t, t, types.Int4)
		addOp(">>", FnShr, t, t, types.Int4)
		prefixOps["~"] = append(prefixOps["~"], &Func{ID: FnBitNot, Name: "~", Args: []*types.T{t}, Ret: t, Strict: true})
	}
	// float48 and float84 cross-type operators: they decide float4 op int.
	for _, p := range [][2]*types.T{{types.Float4, types.Float8}, {types.Float8, types.Float4}} {
		addOp("+", FnAdd, types.Float8, p[0], p[1])
		addOp("-", FnSub, types.Float8, p[0], p[1])
		addOp("*", FnMul, types.Float8, p[0], p[1])
		addOp("/", FnDiv, types.Float8, p[0], p[1])
		for _, c := range []struct {
			n  string
			id FuncID
		}{{"=", FnEq}, {"<>", FnNe}, {"<", FnLt}, {"<=", FnLe}, {">", FnGt}, {">=", FnGe}} {
			addOp(c.n, c.id, types.Bool, p[0], p[1])
		}
	}
	addOp("%", FnMod, types.Numeric, types.Numeric, types.Numeric)
	addFn("mod", FnMod, types.Numeric, types.Numeric, types.Numeric)
	for _, t := range []*types.T{types.Float8, types.Numeric} {
		addOp("^", FnPow, t, t, t)
		addFn("power", FnPow, t, t, t)
		addFn("pow", FnPow, t, t, t)
		addFn("ceil", FnCeil, t, t)
		addFn("ceiling", FnCeil, t, t)
		addFn("floor", FnFloor, t, t)
		addFn("round", FnRound, t, t)
		addFn("trunc", FnTrunc, t, t)
		addFn("sqrt", FnSqrt, t, t)
		addFn("exp", FnExp, t, t)
		addFn("ln", FnLn, t, t)
		addFn("log", FnLog10, t, t)
		addFn("log10", FnLog10, t, t)
		addFn("sign", FnSign, t, t)
	}
	addFn("round", FnRound, types.Numeric, types.Numeric, types.Int4)
	addFn("trunc", FnTrunc, types.Numeric, types.Numeric, types.Int4)
	addFn("log", FnLog2, types.Numeric, types.Numeric, types.Numeric)
	addFn("pi", FnPi, types.Float8)

	// Interval and date/time arithmetic.
	addOp("+", FnAdd, types.Interval, types.Interval, types.Interval)
	addOp("-", FnSub, types.Interval, types.Interval, types.Interval)
	prefixOps["-"] = append(prefixOps["-"], &Func{ID: FnNeg, Name: "-", Args: []*types.T{types.Interval}, Ret: types.Interval, Strict: true})
	addOp("+", FnDatePlusInt, types.Date, types.Date, types.Int4)
	addOp("+", FnDatePlusInt, types.Date, types.Int4, types.Date)
	addOp("-", FnDateMinusInt, types.Date, types.Date, types.Int4)
	addOp("-", FnDateMinusDate, types.Int4, types.Date, types.Date)
	for _, t := range []*types.T{types.Timestamp, types.TimestampTZ} {
		addOp("+", FnTSPlusInterval, t, t, types.Interval)
		addOp("+", FnTSPlusInterval, t, types.Interval, t)
		addOp("-", FnTSMinusInterval, t, t, types.Interval)
		addOp("-", FnTSMinusTS, types.Interval, t, t)
	}
	addOp("+", FnTSPlusInterval, types.Timestamp, types.Date, types.Interval)
	addOp("-", FnTSMinusInterval, types.Timestamp, types.Date, types.Interval)
	addOp("*", FnIntervalMul, types.Interval, types.Interval, types.Float8)
	addOp("*", FnIntervalMul, types.Interval, types.Float8, types.Interval)
	addOp("/", FnIntervalDiv, types.Interval, types.Interval, types.Float8)

	for _, t := range comparable {
		addOp("=", FnEq, types.Bool, t, t)
		addOp("<>", FnNe, types.Bool, t, t)
		addOp("<", FnLt, types.Bool, t, t)
		addOp("<=", FnLe, types.Bool, t, t)
		addOp(">", FnGt, types.Bool, t, t)
		addOp(">=", FnGe, types.Bool, t, t)
	}
	addOp("=", FnEq, types.Bool, AnyArrayType, AnyArrayType)
	addOp("<>", FnNe, types.Bool, AnyArrayType, AnyArrayType)
	addOp("<", FnLt, types.Bool, AnyArrayType, AnyArrayType)
	addOp("<=", FnLe, types.Bool, AnyArrayType, AnyArrayType)
	addOp(">", FnGt, types.Bool, AnyArrayType, AnyArrayType)
	addOp(">=", FnGe, types.Bool, AnyArrayType, AnyArrayType)
	addOp("||", FnConcat, types.Text, types.Text, types.Text)
	for _, l := range []struct {
		name string
		id   FuncID
	}{{"~~", FnLike}, {"!~~", FnNotLike}, {"~~*", FnILike}, {"!~~*", FnNotILike}} {
		addOp(l.name, l.id, types.Bool, types.Text, types.Text)
		addOp(l.name, l.id, types.Bool, types.Bpchar, types.Text)
		addOp(l.name, l.id, types.Bool, types.Name, types.Text)
	}
	addOp("~", FnRegexMatch, types.Bool, types.Text, types.Text)
	addOp("!~", FnNotRegexMatch, types.Bool, types.Text, types.Text)

	// Session functions.
	addFn("version", FnVersion, types.Text)
	addFn("current_setting", FnCurrentSetting, types.Text, types.Text)
	addFn("current_setting", FnCurrentSetting, types.Text, types.Text, types.Bool)
	addFn("set_config", FnSetConfig, types.Text, types.Text, types.Text, types.Bool).Strict = false
	addFn("pg_sleep", FnPgSleep, types.Void, types.Float8).Volatility = Volatile
	for _, n := range []string{"now", "current_timestamp", "transaction_timestamp"} {
		addFn(n, FnNow, types.TimestampTZ)
	}
	addFn("statement_timestamp", FnStatementTimestamp, types.TimestampTZ)
	addFn("clock_timestamp", FnClockTimestamp, types.TimestampTZ).Volatility = Volatile
	addFn("current_date", FnCurrentDate, types.Date)
	addFn("localtimestamp", FnLocalTimestamp, types.Timestamp)
	addFn("current_user", FnCurrentUser, types.Name)
	addFn("current_role", FnCurrentUser, types.Name)
	addFn("user", FnCurrentUser, types.Name)
	addFn("session_user", FnSessionUser, types.Name)
	addFn("current_database", FnCurrentDatabase, types.Name)
	addFn("current_catalog", FnCurrentDatabase, types.Name)
	addFn("current_schema", FnCurrentSchema, types.Name)
	addFn("pg_backend_pid", FnBackendPID, types.Int4)
	addFn("pg_typeof", FnPgTypeof, types.Regtype, AnyType).Strict = false
	addFn("gen_random_uuid", FnGenRandomUUID, types.UUID).Volatility = Volatile
	addFn("random", FnRandom, types.Float8).Volatility = Volatile

	// Strings.
	for _, n := range []string{"length", "char_length", "character_length"} {
		addFn(n, FnCharLength, types.Int4, types.Text)
	}
	addFn("length", FnOctetLength, types.Int4, types.Bytea)
	addFn("octet_length", FnOctetLength, types.Int4, types.Text)
	addFn("octet_length", FnOctetLength, types.Int4, types.Bytea)
	addFn("upper", FnUpper, types.Text, types.Text)
	addFn("lower", FnLower, types.Text, types.Text)
	for _, n := range []string{"substr", "substring"} {
		addFn(n, FnSubstr, types.Text, types.Text, types.Int4)
		addFn(n, FnSubstr, types.Text, types.Text, types.Int4, types.Int4)
	}
	addFn("strpos", FnStrpos, types.Int4, types.Text, types.Text)
	addFn("btrim", FnBtrim, types.Text, types.Text)
	addFn("btrim", FnBtrim, types.Text, types.Text, types.Text)
	addFn("ltrim", FnLtrim, types.Text, types.Text)
	addFn("ltrim", FnLtrim, types.Text, types.Text, types.Text)
	addFn("rtrim", FnRtrim, types.Text, types.Text)
	addFn("rtrim", FnRtrim, types.Text, types.Text, types.Text)
	addFn("replace", FnReplace, types.Text, types.Text, types.Text, types.Text)
	c := addFn("concat", FnConcatFn, types.Text)
	c.Variadic, c.Strict = AnyType, false
	c = addFn("concat_ws", FnConcatWS, types.Text, types.Text)
	c.Variadic, c.Strict = AnyType, false
	addFn("left", FnLeft, types.Text, types.Text, types.Int4)
	addFn("right", FnRight, types.Text, types.Text, types.Int4)
	addFn("repeat", FnRepeat, types.Text, types.Text, types.Int4)
	addFn("lpad", FnLpad, types.Text, types.Text, types.Int4)
	addFn("lpad", FnLpad, types.Text, types.Text, types.Int4, types.Text)
	addFn("rpad", FnRpad, types.Text, types.Text, types.Int4)
	addFn("rpad", FnRpad, types.Text, types.Text, types.Int4, types.Text)
	addFn("md5", FnMd5, types.Text, types.Text)
	addFn("md5", FnMd5, types.Text, types.Bytea)
	addFn("reverse", FnReverse, types.Text, types.Text)
	addFn("initcap", FnInitcap, types.Text, types.Text)
	addFn("split_part", FnSplitPart, types.Text, types.Text, types.Text, types.Int4)
	addFn("chr", FnChr, types.Text, types.Int4)
	addFn("ascii", FnASCII, types.Int4, types.Text)
	addFn("array_to_string", FnArrayToString, types.Text, AnyArrayType, types.Text)
	addFn("array_to_string", FnArrayToString, types.Text, AnyArrayType, types.Text, types.Text).Strict = false
	addFn("array_length", FnArrayLength, types.Int4, AnyArrayType, types.Int4)
	addFn("array_upper", FnArrayUpper, types.Int4, AnyArrayType, types.Int4)
	addFn("array_lower", FnArrayLower, types.Int4, AnyArrayType, types.Int4)
	addFn("cardinality", FnCardinality, types.Int4, AnyArrayType)
	addFn("current_schemas", FnCurrentSchemas, types.NameArray, types.Bool)
	addFn("to_hex", FnToHex, types.Text, types.Int4)
	addFn("to_hex", FnToHex, types.Text, types.Int8)

	// Functions that read session state or print values through output
	// functions are stable (pg_proc.provolatile 's'), so never folded.
	for _, n := range []string{"version", "current_setting", "now", "current_timestamp", "transaction_timestamp",
		"statement_timestamp", "current_date", "localtimestamp", "current_user", "current_role", "user",
		"session_user", "current_database", "current_catalog", "current_schema", "pg_backend_pid", "pg_typeof",
		"concat", "concat_ws", "array_to_string", "current_schemas"} {
		for _, f := range functions[n] {
			if f.Volatility == Immutable {
				f.Volatility = Stable
			}
		}
	}
	functions["set_config"][0].Volatility = Volatile
	// timestamptz +/- interval depends on TimeZone (days across DST).
	for _, n := range []string{"+", "-"} {
		for _, f := range operators[n] {
			if (f.ID == FnTSPlusInterval || f.ID == FnTSMinusInterval) && f.Ret.OID == types.OidTimestampTZ {
				f.Volatility = Stable
			}
		}
	}
}

// LookupFunctions returns the overloads of a function name (for tests and
// catalog views).
func LookupFunctions(name string) []*Func { return functions[name] }
