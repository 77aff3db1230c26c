package planner

// This file holds stand-ins for sql/types functions that were not yet
// written when the planner was (CanCast, ParseTypeName). Replace the
// bodies with calls into sql/types once those exist.

import (
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// implicitCasts lists PostgreSQL's implicit (castcontext 'i') casts between
// the built-in types, from pg_cast.dat.
var implicitCasts = map[[2]types.OID]bool{}

func init() {
	add := func(from *types.T, to ...*types.T) {
		for _, t := range to {
			implicitCasts[[2]types.OID{from.OID, t.OID}] = true
		}
	}
	add(types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Numeric, types.Oid)
	add(types.Int4, types.Int8, types.Float4, types.Float8, types.Numeric, types.Oid, types.Regclass, types.Regtype)
	add(types.Int8, types.Float4, types.Float8, types.Numeric, types.Oid, types.Regclass, types.Regtype)
	add(types.Float4, types.Float8)
	add(types.Numeric, types.Float4, types.Float8)
	add(types.Text, types.Bpchar, types.Varchar, types.Name, types.Regclass)
	add(types.Varchar, types.Text, types.Bpchar, types.Name, types.Regclass)
	add(types.Bpchar, types.Text, types.Varchar, types.Name)
	add(types.Name, types.Text)
	add(types.Char, types.Text)
	add(types.Date, types.Timestamp, types.TimestampTZ)
	add(types.Timestamp, types.TimestampTZ)
	add(types.Time, types.Interval)
	add(types.Oid, types.Regclass, types.Regtype)
	add(types.Regclass, types.Oid)
	add(types.Regtype, types.Oid)
}

// canCoerceImplicit reports whether a value of type from may be implicitly
// converted to type to (anything converts to "any"; unknown to anything).
func canCoerceImplicit(from, to *types.T) bool {
	if from.OID == to.OID || to.OID == types.OidAny || from.OID == types.OidUnknown {
		return true
	}
	if to.OID == types.OidAnyArray {
		return from.IsArray()
	}
	return implicitCasts[[2]types.OID{from.OID, to.OID}]
}

// canCastExplicit reports whether CAST(x AS to) is allowed from type from.
// Every type casts to and from text types through I/O; among the others
// PostgreSQL allows numeric and date/time conversions and int4 <-> bool.
func canCastExplicit(from, to *types.T) bool {
	if canCoerceImplicit(from, to) {
		return true
	}
	if from.Category == types.CatString || to.Category == types.CatString {
		return true
	}
	fc, tc := from.Category, to.Category
	switch {
	case fc == types.CatNumeric && tc == types.CatNumeric:
		return true
	case from.OID == types.OidInt4 && to.OID == types.OidBool, from.OID == types.OidBool && to.OID == types.OidInt4:
		return true
	case fc == types.CatDatetime && tc == types.CatDatetime:
		// time <-> date has no cast.
		return !(from.OID == types.OidTime && to.OID == types.OidDate) &&
			!(from.OID == types.OidDate && to.OID == types.OidTime)
	case from.OID == types.OidInterval && to.OID == types.OidTime:
		return true
	case from.OID == types.OidJSON && to.OID == types.OidJSONB, from.OID == types.OidJSONB && to.OID == types.OidJSON:
		return true
	case from.IsArray() && to.IsArray():
		return canCastExplicit(from.Elem, to.Elem)
	}
	return false
}

// parseTypeName resolves a PostgreSQL type name as written in a cast
// ("int4", "varchar(10)", "numeric(10, 2)", "timestamp with time zone",
// "text[]") to its type and typmod (-1 when none).
func parseTypeName(s string) (*types.T, int32, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	name = strings.TrimPrefix(name, "pg_catalog.")
	array := false
	for strings.HasSuffix(name, "[]") {
		array = true
		name = strings.TrimSpace(strings.TrimSuffix(name, "[]"))
	}
	typmod := int32(-1)
	var mods []int
	if i := strings.IndexByte(name, '('); i >= 0 {
		j := strings.IndexByte(name[i:], ')')
		if j < 0 {
			return nil, 0, pgerror.New(pgerror.SyntaxError, "syntax error in type name \"%s\"", s)
		}
		for _, m := range strings.Split(name[i+1:i+j], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(m))
			if err != nil {
				return nil, 0, pgerror.New(pgerror.SyntaxError, "syntax error in type name \"%s\"", s)
			}
			mods = append(mods, n)
		}
		name = strings.TrimSpace(name[:i] + name[i+j+1:])
	}
	name = strings.Join(strings.Fields(name), " ")
	switch name {
	case "timestamptz", "time with time zone", "timetz":
	case "varying":
	}
	t := types.ByName(name)
	if t == nil {
		switch name {
		case "float4", "float8":
		case "bool":
		case "double":
			t = types.Float8
		}
	}
	if t == nil {
		return nil, 0, pgerror.New(pgerror.UndefinedObject, "type \"%s\" does not exist", strings.TrimSpace(s))
	}
	if t.OID == types.OidFloat8 && name == "float" && len(mods) == 1 {
		// float(p): p <= 24 is real.
		if mods[0] < 1 {
			return nil, 0, pgerror.New(pgerror.InvalidParameterValue, "precision for type float must be at least 1 bit")
		}
		if mods[0] <= 24 {
			t = types.Float4
		} else if mods[0] > 53 {
			return nil, 0, pgerror.New(pgerror.InvalidParameterValue, "precision for type float must be less than 54 bits")
		}
		mods = nil
	}
	switch t.OID {
	case types.OidVarchar, types.OidBpchar:
		if len(mods) == 1 {
			typmod = int32(mods[0]) + 4
		} else if t.OID == types.OidBpchar && name != "bpchar" {
			typmod = 1 + 4 // character without length is character(1)
		}
	case types.OidNumeric:
		switch len(mods) {
		case 1:
			typmod = int32(mods[0]<<16) + 4
		case 2:
			typmod = int32(mods[0]<<16|(mods[1]&0xffff)) + 4
		}
	case types.OidTimestamp, types.OidTimestampTZ, types.OidTime, types.OidInterval:
		if len(mods) == 1 {
			typmod = int32(mods[0])
		}
	}
	if array {
		if t.Array == nil {
			return nil, 0, pgerror.New(pgerror.UndefinedObject, "type \"%s[]\" does not exist", t.Name)
		}
		t = t.Array
	}
	return t, typmod, nil
}
