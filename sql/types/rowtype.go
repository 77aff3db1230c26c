package types

// Row types. Every table and view has a composite type in pg_type named
// after it (typtype 'c', typrelid = the relation) and an array type over
// it. nqdb stores no OIDs for them: they are derived from the relation's
// OID, which the catalog allocates below 1<<29, by setting high bits that
// no other object uses (user OIDs stay below 1<<30, primary-key indexes
// set bit 31, constraints bits 30 and 31):
//
//	row type        1<<30 | rel
//	its array type  1<<30 | 1<<29 | rel
const (
	rowTypeBit      = 1 << 30
	rowTypeArrayBit = 1 << 29
	rowTypeRelMask  = rowTypeArrayBit - 1
)

// RowTypeOID is the pg_type OID of the row type of the relation rel.
func RowTypeOID(rel OID) OID { return rowTypeBit | rel&rowTypeRelMask }

// RowTypeArrayOID is the pg_type OID of the array of rel's row type.
func RowTypeArrayOID(rel OID) OID { return rowTypeBit | rowTypeArrayBit | rel&rowTypeRelMask }

// RowTypeRelation inverts RowTypeOID and RowTypeArrayOID: the relation
// whose row type (or its array, isArray) oid is; ok is false for OIDs
// outside the scheme.
func RowTypeRelation(oid OID) (rel OID, isArray, ok bool) {
	if oid&(3<<30) != rowTypeBit {
		return 0, false, false
	}
	return oid & rowTypeRelMask, oid&rowTypeArrayBit != 0, true
}

func init() {
	// The I/O functions pg_type's row type rows name (regproc output).
	for name, oid := range map[string]int64{
		"record_recv": 2402, "record_send": 2403, "array_subscript_handler": 6179,
		"int2vectorin": 40, "int2vectorout": 41, "int2vectorrecv": 2410, "int2vectorsend": 2411,
		"oidvectorin": 54, "oidvectorout": 55, "oidvectorrecv": 2420, "oidvectorsend": 2421,
	} {
		if _, dup := regprocByName[name]; !dup {
			regprocByName[name] = oid
			regprocByOID[oid] = name
		}
	}
}
