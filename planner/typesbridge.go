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
