package types

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// DateOrder is the field order part of DateStyle: how an ambiguous date
// such as 01-02-2024 is read. Output is ISO whatever the order.
type DateOrder uint8

const (
	// DateOrderMDY reads month, day, year (PostgreSQL's default).
	DateOrderMDY DateOrder = iota
	// DateOrderDMY reads day, month, year (DateStyle DMY, Euro, European).
	DateOrderDMY
	// DateOrderYMD reads year, month, day.
	DateOrderYMD
)

// FormatOpts carries the session settings that change text I/O.
//
// Only the settings nqdb supports vary: DateStyle (output style and input
// field order), IntervalStyle postgres or postgres_verbose; bytea_output is
// always hex.
type FormatOpts struct {
	// Loc is the TimeZone setting; nil means UTC. timestamptz values are
	// shown in it and zone-less input is read in it.
	Loc *time.Location
	// ExtraFloatDigits is extra_float_digits (-15..3). A value > 0 selects
	// the shortest output that reads back exactly (PostgreSQL 12+'s
	// default, which is 1); <= 0 prints 15+n (float8) or 6+n (float4)
	// significant digits like printf %g. Note that the zero value is 0,
	// not PostgreSQL's default: start from DefaultFormatOpts.
	ExtraFloatDigits int
	// DateOrder is DateStyle's field order; the zero value is MDY. It
	// reads ambiguous input and orders the output of the SQL and Postgres
	// styles.
	DateOrder DateOrder
	// DateStyle is DateStyle's output style; the zero value is ISO.
	DateStyle DateStyle
	// IntervalStyle is the IntervalStyle setting; the zero value is postgres.
	IntervalStyle IntervalStyle
	// RelName, when set, names a relation for regclass output (regclassout:
	// quoted, schema-qualified when not on the search path); without it, or
	// for an unknown OID, the number is printed.
	RelName func(oid int64) (string, bool)
	// TypeName, when set, names the catalog-defined types (enums,
	// domains) for regtype output.
	TypeName func(oid int64) (string, bool)
	// TypeOID, when set, finds the catalog-defined types by name for
	// regtype input.
	TypeOID func(name string) (int64, bool)
}

// DefaultFormatOpts returns the settings of a new PostgreSQL session
// here: TimeZone UTC, extra_float_digits 1. A nil *FormatOpts means the same.
func DefaultFormatOpts() *FormatOpts {
	o := defaultOpts
	return &o
}

// defaultOpts is what a nil *FormatOpts means: UTC and extra_float_digits 1.
var defaultOpts = FormatOpts{Loc: time.UTC, ExtraFloatDigits: 1}

func optsOrDefault(o *FormatOpts) *FormatOpts {
	if o == nil {
		return &defaultOpts
	}
	return o
}

func (o *FormatOpts) dateOrder() DateOrder {
	if o == nil {
		return DateOrderMDY
	}
	return o.DateOrder
}

func (o *FormatOpts) loc() *time.Location {
	if o == nil || o.Loc == nil {
		return time.UTC
	}
	return o.Loc
}

// AppendText appends the text wire form of d (a non-NULL datum of type t)
// to buf, as PostgreSQL's output function would print it. o may be nil.
// A datum of the wrong Go type for t is a programming error and panics.
func AppendText(buf []byte, t *T, d Datum, o *FormatOpts) []byte {
	switch t.OID {
	case OidInt2Vector, OidOidVector, OidXid, OidCid, OidTid, OidAclitem, OidPgNodeTree:
		buf, _ = appendCatalogText(buf, t, d) // vector.go
		return buf
	case OidBool:
		if d.(bool) {
			return append(buf, 't')
		}
		return append(buf, 'f')
	case OidRegtype:
		// regtypeout: the type's format_type() name, or the number for a
		// type nqdb does not know.
		if rt := ByOID(OID(d.(int64))); rt != nil {
			return append(buf, rt.SQLName...)
		}
		if o != nil && o.TypeName != nil {
			if n, ok := o.TypeName(d.(int64)); ok {
				return append(buf, n...)
			}
		}
		return appendInt(buf, d.(int64))
	case OidRegnamespace:
		// regnamespaceout: the built-in schemas by name (the only ones
		// nqdb has), anything else as the number.
		if n, ok := namespaceNames[d.(int64)]; ok {
			return append(buf, n...)
		}
		return appendInt(buf, d.(int64))
	case OidRegproc:
		return appendRegproc(buf, d.(int64))
	case OidRegprocedure, OidRegoper, OidRegoperator:
		return appendRegSignature(buf, t.OID, d.(int64)) // regproc.go
	case OidRegclass:
		if o != nil && o.RelName != nil {
			if n, ok := o.RelName(d.(int64)); ok {
				return append(buf, n...)
			}
		}
		return appendInt(buf, d.(int64))
	case OidInt2, OidInt4, OidInt8, OidOid:
		return appendInt(buf, d.(int64))
	case OidFloat4:
		return appendFloat(buf, d.(float64), 32, optsOrDefault(o).ExtraFloatDigits)
	case OidFloat8:
		return appendFloat(buf, d.(float64), 64, optsOrDefault(o).ExtraFloatDigits)
	case OidNumeric:
		return appendNumeric(buf, d)
	case OidText, OidVarchar, OidBpchar, OidName, OidUnknown:
		return append(buf, d.(string)...)
	case OidChar:
		return appendChar(buf, d.(string))
	case OidJSON, OidJSONB:
		return append(buf, d.(JSONVal)...)
	case OidBytea:
		return appendByteaHex(buf, d.([]byte))
	case OidUUID:
		return appendUUID(buf, d.(UUIDVal))
	case OidDate:
		if st := o.dateStyle(); st != DateStyleISO {
			return appendStyledDate(buf, d.(DateVal), st, o.DateOrder)
		}
		return appendDate(buf, d.(DateVal))
	case OidTime:
		return appendTimeOfDay(buf, int64(d.(TimeOfDay)))
	case OidTimestamp:
		if st := o.dateStyle(); st != DateStyleISO {
			return appendStyledTimestamp(buf, int64(d.(TimestampVal)), false, nil, st, o.DateOrder)
		}
		return appendTimestamp(buf, int64(d.(TimestampVal)))
	case OidTimestampTZ:
		if st := o.dateStyle(); st != DateStyleISO {
			return appendStyledTimestamp(buf, int64(d.(TimestampTZVal)), true, o.loc(), st, o.DateOrder)
		}
		return appendTimestampTZ(buf, int64(d.(TimestampTZVal)), o.loc())
	case OidInterval:
		if o != nil && o.IntervalStyle == IntervalStylePostgresVerbose {
			return appendVerboseInterval(buf, d.(IntervalVal))
		}
		return appendInterval(buf, d.(IntervalVal))
	case OidVoid:
		return buf
	}
	if t.Domain != nil {
		return AppendText(buf, BaseType(t), d, o)
	}
	if t.Elem != nil {
		return appendArrayText(buf, t, d.(*Array), o)
	}
	// Types without their own output function print as text would.
	switch v := d.(type) {
	case string:
		return append(buf, v...)
	case int64:
		return appendInt(buf, v)
	}
	panic("types: AppendText: unsupported type " + t.Name)
}

// ParseText reads the text form s of a value of type t with PostgreSQL's
// input rules (s must be valid UTF-8 without NUL bytes, which the server
// checks for all client text first), returning a *pgerror.Error with PostgreSQL's SQLSTATE and
// message on bad input. The typmod is not applied (see ApplyTypmod).
//
// date/time input accepts ISO forms, MDY forms with '/', month names,
// time zones as offsets, UTC/Z/GMT, common abbreviations and IANA names,
// and the special words epoch, infinity, -infinity, now, today, tomorrow,
// yesterday, allballs (now and today read the wall clock, not the
// transaction start).
func ParseText(t *T, s string, o *FormatOpts) (Datum, error) {
	switch t.OID {
	case OidInt2Vector, OidOidVector, OidXid, OidCid, OidTid, OidAclitem, OidPgNodeTree:
		d, _, err := parseCatalogText(t, s) // vector.go
		return d, err
	case OidBool:
		return parseBool(s)
	case OidInt2:
		return parseInt(s, 16, "smallint")
	case OidInt4:
		return parseInt(s, 32, "integer")
	case OidInt8:
		return parseInt(s, 64, "bigint")
	case OidRegtype:
		if o != nil && o.TypeOID != nil {
			if oid, ok := o.TypeOID(s); ok {
				return oid, nil
			}
		}
		return parseRegtype(s)
	case OidRegnamespace:
		for oid, n := range namespaceNames {
			if n == s {
				return oid, nil
			}
		}
		return parseOid(s)
	case OidRegproc:
		return parseRegproc(s) // regproc.go
	case OidRegprocedure, OidRegoper, OidRegoperator:
		return parseRegSignature(t.OID, s) // regproc.go
	case OidOid, OidRegclass:
		return parseOid(s)
	case OidFloat4:
		return parseFloat(s, 32)
	case OidFloat8:
		return parseFloat(s, 64)
	case OidNumeric:
		return parseNumeric(s)
	case OidText, OidVarchar, OidBpchar, OidUnknown:
		return s, nil
	case OidName:
		return truncateName(s), nil
	case OidChar:
		return parseChar(s), nil
	case OidJSON:
		if err := validateJSON(s); err != nil {
			return nil, err
		}
		return JSONVal(s), nil
	case OidJSONB:
		return parseJSONB(s)
	case OidBytea:
		return parseBytea(s)
	case OidUUID:
		return parseUUID(s)
	case OidDate:
		return parseDate(s, o)
	case OidTime:
		return parseTime(s, o)
	case OidTimestamp:
		return parseTimestamp(s, o, false)
	case OidTimestampTZ:
		return parseTimestamp(s, o, true)
	case OidInterval:
		return parseInterval(s)
	}
	if t.Enum != nil {
		return parseEnum(t, s)
	}
	if t.Domain != nil {
		return ParseText(BaseType(t), s, o)
	}
	if t.Elem != nil {
		return parseArrayText(t, s, o)
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "input of type %s is not supported", t.SQLName)
}

// truncateName cuts s to NAMEDATALEN-1 (63) bytes at a character boundary,
// as PostgreSQL's namein does.
func truncateName(s string) string {
	const max = 63
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// parseChar implements "char" input (charin): a \ooo octal escape or the
// first byte (empty input gives the zero byte, kept as "").
func parseChar(s string) string {
	isOct := func(c byte) bool { return c >= '0' && c <= '7' }
	if len(s) == 4 && s[0] == '\\' && isOct(s[1]) && isOct(s[2]) && isOct(s[3]) {
		b := (s[1]-'0')<<6 + (s[2]-'0')<<3 + (s[3] - '0')
		if b == 0 {
			return ""
		}
		return string([]byte{b})
	}
	if len(s) == 0 {
		return ""
	}
	return s[:1]
}

// appendChar is charout: bytes with the high bit set print as \ooo.
func appendChar(buf []byte, s string) []byte {
	if len(s) == 0 {
		return buf
	}
	c := s[0]
	if c >= 0x80 {
		return append(buf, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
	}
	return append(buf, c)
}

func errSyntax(typName, s string) error {
	return pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typName, s)
}

// isSpace is C isspace in the C locale, which PostgreSQL's input functions use.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// parseRegtype is regtypein: a numeric OID, or a type name as SQL writes it
// ("integer", "character varying(10)", "pg_catalog.text", "int4[]").
func parseRegtype(s string) (Datum, error) {
	t := strings.TrimSpace(s)
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		return parseOid(s)
	}
	typ, _, err := ParseTypeName(t)
	if err != nil {
		return nil, err
	}
	return int64(typ.OID), nil
}

// namespaceNames are the schemas every database has, by OID.
var namespaceNames = map[int64]string{11: "pg_catalog", 99: "pg_toast", 2200: "public"}
