package planner

// Type-conversion rules the binder needs, on top of sql/types' cast
// table: the pseudo-types "any" and anyarray, and unknown literals.

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// canCoerceImplicit reports whether a value of type from may be implicitly
// converted to type to (anything converts to "any"; unknown to anything).
func canCoerceImplicit(from, to *types.T) bool {
	if from.OID == to.OID || to.OID == types.OidAny || from.OID == types.OidUnknown {
		return true
	}
	if to.OID == types.OidAnyArray {
		return from.IsArray()
	}
	implicit, _ := types.CanCast(from, to)
	return implicit
}

// canCastExplicit reports whether CAST(x AS to) is allowed from type from.
func canCastExplicit(from, to *types.T) bool {
	if canCoerceImplicit(from, to) {
		return true
	}
	_, explicit := types.CanCast(from, to)
	return explicit
}

// parseTypeName resolves a PostgreSQL type name as written in a cast
// ("int4", "varchar(10)", "numeric(10, 2)", "timestamp with time zone",
// "text[]") to its type and typmod (-1 when none).
func parseTypeName(s string) (*types.T, int32, error) {
	return types.ParseTypeName(s)
}

// canCoerceAssignment reports whether a value of type from may be stored
// in a column of type to (INSERT, UPDATE): an implicit cast or one of
// pg_cast's assignment casts. Those are the narrowing numeric casts, I/O
// conversion to the string types, oid to integers, and the lossy
// date/time and json casts; casts from strings to other types, int4 <->
// bool and jsonb to scalars are explicit only.
func canCoerceAssignment(from, to *types.T) bool {
	if canCoerceImplicit(from, to) {
		return true
	}
	if from.Elem != nil && to.Elem != nil {
		return canCoerceAssignment(from.Elem, to.Elem)
	}
	_, explicit := types.CanCast(from, to)
	if !explicit {
		return false
	}
	switch {
	case isStringCat(to):
		return true
	case isStringCat(from):
		return false
	case from.Category == types.CatNumeric && to.Category == types.CatNumeric:
		return true
	}
	switch from.OID {
	case types.OidTimestamp, types.OidTimestampTZ, types.OidInterval, types.OidJSON:
		return true
	case types.OidJSONB:
		return to.OID == types.OidJSON
	}
	return false
}

// isStringCat reports whether t is one of the string types (text,
// varchar, bpchar, name, "char").
func isStringCat(t *types.T) bool {
	switch t.OID {
	case types.OidText, types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar:
		return true
	}
	return false
}
