// Package types describes PostgreSQL's data types as nqdb knows them: their
// OIDs and sizes (what RowDescription and ParameterDescription carry), the Go
// value that holds a datum of each type, and the text and binary wire forms.
//
// # Datums
//
// A Datum is a Go value; nil is SQL NULL. Each type has exactly one Go
// representation, so code can type-switch on a datum without knowing its SQL
// type:
//
//	bool                         bool
//	int2, int4, int8, oid        int64 (range-checked to the type on input)
//	float4, float8               float64 (float4 values are rounded to float32 precision)
//	numeric                      *apd.Decimal (github.com/cockroachdb/apd/v3); NaN and ±Infinity as apd forms
//	text, varchar, bpchar, name  string
//	json, jsonb                  JSONVal (a string type, so it is not mistaken for text)
//	bytea                        []byte
//	date                         DateVal (days since 2000-01-01; ±infinity as math.MinInt32/MaxInt32)
//	time                         TimeOfDay (microseconds since midnight)
//	timestamp                    TimestampVal (microseconds since 2000-01-01 00:00:00, no zone)
//	timestamptz                  TimestampTZVal (microseconds since 2000-01-01 00:00:00 UTC)
//	interval                     IntervalVal
//	uuid                         UUIDVal ([16]byte)
//	arrays                       *Array (one dimension, lower bound 1 + LowerOff)
//	int2vector, oidvector        *Array with lower bound 0 (vector.go)
//	xid, cid                     int64 (0 .. 2^32-1)
//	tid                          TidVal
//	aclitem, pg_node_tree        string (the text form)
//
// Timestamps use PostgreSQL's own epoch and unit so that binary I/O and
// arithmetic need no conversion and infinities have a representation.
//
// The descriptors (Date, Timestamp, UUID, ...) and the datum types
// (DateVal, TimestampVal, UUIDVal, ...) have different names because Go
// has one namespace for both.
//
// # Wire forms
//
// ParseText/AppendText are each type's input and output functions and
// ParseBinary/AppendBinary its receive and send functions, written to give
// byte-identical results and the same SQLSTATE and message as PostgreSQL
// 15 (the tests compare with a real server for every literal under
// testdata/). Session settings that change text I/O travel in FormatOpts;
// DateStyle is fixed at ISO, MDY, IntervalStyle at postgres and
// bytea_output at hex. The Append functions take and return a []byte so
// that the hot path (DataRow encoding) allocates nothing.
//
// Cast, CanCast, Compare, ApplyTypmod and ParseTypeName give the rest of
// the engine PostgreSQL's cast, ordering, type-modifier and type-name
// semantics for the same types.
package types

// OID is a PostgreSQL object identifier; for types, the pg_type.oid.
type OID = uint32

// Type OIDs from PostgreSQL's pg_type.dat.
const (
	OidUnknown     OID = 705
	OidBool        OID = 16
	OidBytea       OID = 17
	OidChar        OID = 18 // "char", the one-byte internal type
	OidName        OID = 19
	OidInt8        OID = 20
	OidInt2        OID = 21
	OidInt4        OID = 23
	OidRegproc     OID = 24
	OidText        OID = 25
	OidOid         OID = 26
	OidJSON        OID = 114
	OidFloat4      OID = 700
	OidFloat8      OID = 701
	OidBpchar      OID = 1042
	OidVarchar     OID = 1043
	OidDate        OID = 1082
	OidTime        OID = 1083
	OidTimestamp   OID = 1114
	OidTimestampTZ OID = 1184
	OidInterval    OID = 1186
	OidNumeric     OID = 1700
	OidRegclass    OID = 2205
	OidRegtype     OID = 2206
	// OidRegnamespace is regnamespace: a schema's OID shown by name.
	OidRegnamespace OID = 4089
	OidUUID         OID = 2950
	OidJSONB        OID = 3802
	OidVoid         OID = 2278
	OidRecord       OID = 2249
	OidAny          OID = 2276
	OidAnyElement   OID = 2283
	OidAnyArray     OID = 2277

	OidBoolArray        OID = 1000
	OidByteaArray       OID = 1001
	OidNameArray        OID = 1003
	OidInt2Array        OID = 1005
	OidInt4Array        OID = 1007
	OidTextArray        OID = 1009
	OidBpcharArray      OID = 1014
	OidVarcharArray     OID = 1015
	OidInt8Array        OID = 1016
	OidFloat4Array      OID = 1021
	OidFloat8Array      OID = 1022
	OidOidArray         OID = 1028
	OidTimestampArray   OID = 1115
	OidDateArray        OID = 1182
	OidTimeArray        OID = 1183
	OidTimestampTZArray OID = 1185
	OidIntervalArray    OID = 1187
	OidNumericArray     OID = 1231
	OidUUIDArray        OID = 2951
	OidJSONArray        OID = 199
	OidJSONBArray       OID = 3807
)

// Category is PostgreSQL's pg_type.typcategory, used by implicit casts and
// operator resolution.
type Category byte

// Type categories (pg_type.typcategory).
const (
	CatArray    Category = 'A'
	CatBool     Category = 'B'
	CatDatetime Category = 'D'
	CatNumeric  Category = 'N'
	CatString   Category = 'S'
	CatTimespan Category = 'T'
	CatUser     Category = 'U'
	CatUnknown  Category = 'X'
	CatPseudo   Category = 'P'
)

// T describes one SQL type. Values are shared and must not be modified;
// compare types by OID.
type T struct {
	OID      OID
	Name     string   // pg_type.typname, e.g. "int4", "_int4"
	SQLName  string   // format_type() spelling, e.g. "integer", "integer[]"
	Len      int16    // pg_type.typlen: fixed size in bytes, -1 for varlena
	Category Category // pg_type.typcategory
	Elem     *T       // element type for arrays, nil otherwise
	Array    *T       // array type whose element is this type, nil if none
	// Preferred marks the preferred type of its category (text, float8, ...).
	Preferred bool
	// Enum is set for enum types, Domain for domains (usertypes.go).
	Enum   *EnumDef
	Domain *DomainDef
}

// Built-in types. Array types are linked to their elements in init.
var (
	Unknown      = &T{OID: OidUnknown, Name: "unknown", SQLName: "unknown", Len: -2, Category: CatUnknown}
	Bool         = &T{OID: OidBool, Name: "bool", SQLName: "boolean", Len: 1, Category: CatBool, Preferred: true}
	Bytea        = &T{OID: OidBytea, Name: "bytea", SQLName: "bytea", Len: -1, Category: CatUser}
	Char         = &T{OID: OidChar, Name: "char", SQLName: "\"char\"", Len: 1, Category: CatString}
	Name         = &T{OID: OidName, Name: "name", SQLName: "name", Len: 64, Category: CatString}
	Int8         = &T{OID: OidInt8, Name: "int8", SQLName: "bigint", Len: 8, Category: CatNumeric}
	Int2         = &T{OID: OidInt2, Name: "int2", SQLName: "smallint", Len: 2, Category: CatNumeric}
	Int4         = &T{OID: OidInt4, Name: "int4", SQLName: "integer", Len: 4, Category: CatNumeric}
	Text         = &T{OID: OidText, Name: "text", SQLName: "text", Len: -1, Category: CatString, Preferred: true}
	Oid          = &T{OID: OidOid, Name: "oid", SQLName: "oid", Len: 4, Category: CatNumeric, Preferred: true}
	Regclass     = &T{OID: OidRegclass, Name: "regclass", SQLName: "regclass", Len: 4, Category: CatNumeric}
	Regtype      = &T{OID: OidRegtype, Name: "regtype", SQLName: "regtype", Len: 4, Category: CatNumeric}
	Regproc      = &T{OID: OidRegproc, Name: "regproc", SQLName: "regproc", Len: 4, Category: CatNumeric}
	Regnamespace = &T{OID: OidRegnamespace, Name: "regnamespace", SQLName: "regnamespace", Len: 4, Category: CatNumeric}
	JSON         = &T{OID: OidJSON, Name: "json", SQLName: "json", Len: -1, Category: CatUser}
	JSONB        = &T{OID: OidJSONB, Name: "jsonb", SQLName: "jsonb", Len: -1, Category: CatUser}
	Float4       = &T{OID: OidFloat4, Name: "float4", SQLName: "real", Len: 4, Category: CatNumeric}
	Float8       = &T{OID: OidFloat8, Name: "float8", SQLName: "double precision", Len: 8, Category: CatNumeric, Preferred: true}
	Bpchar       = &T{OID: OidBpchar, Name: "bpchar", SQLName: "character", Len: -1, Category: CatString}
	Varchar      = &T{OID: OidVarchar, Name: "varchar", SQLName: "character varying", Len: -1, Category: CatString}
	Date         = &T{OID: OidDate, Name: "date", SQLName: "date", Len: 4, Category: CatDatetime}
	Time         = &T{OID: OidTime, Name: "time", SQLName: "time without time zone", Len: 8, Category: CatDatetime}
	Timestamp    = &T{OID: OidTimestamp, Name: "timestamp", SQLName: "timestamp without time zone", Len: 8, Category: CatDatetime}
	TimestampTZ  = &T{OID: OidTimestampTZ, Name: "timestamptz", SQLName: "timestamp with time zone", Len: 8, Category: CatDatetime, Preferred: true}
	Interval     = &T{OID: OidInterval, Name: "interval", SQLName: "interval", Len: 16, Category: CatTimespan, Preferred: true}
	Numeric      = &T{OID: OidNumeric, Name: "numeric", SQLName: "numeric", Len: -1, Category: CatNumeric}
	UUID         = &T{OID: OidUUID, Name: "uuid", SQLName: "uuid", Len: 16, Category: CatUser}
	Void         = &T{OID: OidVoid, Name: "void", SQLName: "void", Len: 4, Category: CatPseudo}
	Record       = &T{OID: OidRecord, Name: "record", SQLName: "record", Len: -1, Category: CatPseudo}

	BoolArray        = arrayOf(OidBoolArray, Bool)
	ByteaArray       = arrayOf(OidByteaArray, Bytea)
	NameArray        = arrayOf(OidNameArray, Name)
	Int2Array        = arrayOf(OidInt2Array, Int2)
	Int4Array        = arrayOf(OidInt4Array, Int4)
	TextArray        = arrayOf(OidTextArray, Text)
	BpcharArray      = arrayOf(OidBpcharArray, Bpchar)
	VarcharArray     = arrayOf(OidVarcharArray, Varchar)
	Int8Array        = arrayOf(OidInt8Array, Int8)
	Float4Array      = arrayOf(OidFloat4Array, Float4)
	Float8Array      = arrayOf(OidFloat8Array, Float8)
	OidArray         = arrayOf(OidOidArray, Oid)
	TimestampArray   = arrayOf(OidTimestampArray, Timestamp)
	DateArray        = arrayOf(OidDateArray, Date)
	TimeArray        = arrayOf(OidTimeArray, Time)
	TimestampTZArray = arrayOf(OidTimestampTZArray, TimestampTZ)
	IntervalArray    = arrayOf(OidIntervalArray, Interval)
	NumericArray     = arrayOf(OidNumericArray, Numeric)
	UUIDArray        = arrayOf(OidUUIDArray, UUID)
	JSONArray        = arrayOf(OidJSONArray, JSON)
	JSONBArray       = arrayOf(OidJSONBArray, JSONB)
)

func arrayOf(oid OID, elem *T) *T {
	a := &T{OID: oid, Name: "_" + elem.Name, SQLName: elem.SQLName + "[]", Len: -1, Category: CatArray, Elem: elem}
	elem.Array = a
	return a
}

var byOID = map[OID]*T{}
var byName = map[string]*T{}

func init() {
	all := []*T{Unknown, Bool, Bytea, Char, Name, Int8, Int2, Int4, Text, Oid, Regclass, Regtype, Regproc, Regnamespace,
		JSON, JSONB, Float4, Float8, Bpchar, Varchar, Date, Time, Timestamp, TimestampTZ, Interval, Numeric,
		UUID, Void, Record,
		BoolArray, ByteaArray, NameArray, Int2Array, Int4Array, TextArray, BpcharArray, VarcharArray,
		Int8Array, Float4Array, Float8Array, OidArray, TimestampArray, DateArray, TimeArray,
		TimestampTZArray, IntervalArray, NumericArray, UUIDArray, JSONArray, JSONBArray}
	for _, t := range all {
		byOID[t.OID] = t
		byName[t.Name] = t
	}
	// SQL spellings and aliases that name the same types.
	aliases := map[string]*T{
		"boolean": Bool, "smallint": Int2, "integer": Int4, "int": Int4, "bigint": Int8,
		"real": Float4, "double precision": Float8, "float": Float8, "decimal": Numeric,
		"character varying": Varchar, "character": Bpchar, "char": Bpchar,
		"timestamp without time zone": Timestamp, "timestamp with time zone": TimestampTZ,
		"time without time zone": Time, "serial": Int4, "bigserial": Int8, "smallserial": Int2,
		"serial4": Int4, "serial8": Int8, "serial2": Int2, "\"char\"": Char,
	}
	for n, t := range aliases {
		byName[n] = t
	}
}

// ByOID returns the type with the given OID, or nil if nqdb does not know it.
func ByOID(oid OID) *T { return byOID[oid] }

// ByName returns the type a (lower-case, already normalised) SQL type name
// denotes, such as "int4", "integer", "double precision" or "_text"; nil if
// unknown. Modifiers and [] suffixes are the caller's to strip.
func ByName(name string) *T { return byName[name] }

// IsArray reports whether t is an array type.
func (t *T) IsArray() bool { return t.Elem != nil }

// String returns the format_type() spelling.
func (t *T) String() string { return t.SQLName }

// DateVal is a calendar date: days since 2000-01-01 (PostgreSQL's epoch).
type DateVal int32

// TimeOfDay is a time without time zone: microseconds since midnight.
type TimeOfDay int64

// TimestampVal is a timestamp without time zone: microseconds since
// 2000-01-01 00:00:00. math.MinInt64/MaxInt64 are -infinity/infinity.
type TimestampVal int64

// TimestampTZVal is an instant: microseconds since 2000-01-01 00:00:00 UTC.
// math.MinInt64/MaxInt64 are -infinity/infinity.
type TimestampTZVal int64

// IntervalVal is PostgreSQL's interval: months, days and microseconds kept
// apart because their lengths vary.
type IntervalVal struct {
	Months int32
	Days   int32
	Micros int64
}

// UUIDVal is a 128-bit universally unique identifier.
type UUIDVal [16]byte

// JSON holds the text of a json or jsonb value. jsonb input is normalised
// to PostgreSQL's jsonb output form when parsed.
type JSONVal string

// Array is a one-dimensional array. Elems hold datums of Elem's Go
// representation; nil elements are NULLs.
type Array struct {
	Elem  *T
	Elems []any
	// LowerOff is the lower bound minus 1, so that the zero value is the
	// usual lower bound 1: -1 for int2vector and oidvector values
	// (subscripted from 0) and the arrays cast from them (see vector.go).
	LowerOff int64
}

// Datum is one SQL value; see the package documentation for the Go type
// that each SQL type uses. nil is NULL.
type Datum = any
