package pgcatalog

import "github.com/neuroquantumdb/nqdb/sql/types"

// btreeOpclass is the OID of the default btree operator class PostgreSQL 15
// picks for an index column of type t (pg_opclass, opcmethod 403 and
// opcdefault): pg_index.indclass per column. varchar uses text_ops, as
// there, since its own varchar_ops is not the default.
func btreeOpclass(t *types.T) int64 {
	for t.Domain != nil {
		t = types.BaseType(t)
	}
	if t.Enum != nil {
		return 10069 // enum_ops
	}
	if t.Elem != nil && !types.IsVector(t) {
		return 10000 // array_ops
	}
	switch t.OID {
	case types.OidInt4:
		return 1978
	case types.OidInt2:
		return 1979
	case types.OidInt8:
		return 3124
	case types.OidOid, types.OidRegclass, types.OidRegtype, types.OidRegproc, types.OidRegnamespace, types.OidRegprocedure, types.OidRegoper, types.OidRegoperator:
		return 1981
	case types.OidDate:
		return 3122
	case types.OidFloat8:
		return 3123
	case types.OidFloat4:
		return 10012
	case types.OidNumeric:
		return 3125
	case types.OidText, types.OidVarchar:
		return 3126
	case types.OidTimestampTZ:
		return 3127
	case types.OidTimestamp:
		return 3128
	case types.OidBool:
		return 10003
	case types.OidBpchar:
		return 10004
	case types.OidBytea:
		return 10006
	case types.OidChar:
		return 10007
	case types.OidName:
		return 10028
	case types.OidOidVector:
		return 10032
	case types.OidTime:
		return 10038
	case types.OidInterval:
		return 10022
	case types.OidUUID:
		return 10065
	case types.OidJSONB:
		return 10088
	case types.OidTid:
		return 10050
	}
	return defaultBtreeOpclass
}
