package types

import "strings"

// regproc: a function's OID shown by name. nqdb's functions have no
// OIDs of their own; the ones catalog queries compare pg_type's I/O
// columns with (pgjdbc's `typinput = 'array_in'::regproc`) carry
// PostgreSQL's OIDs.
var regprocByName = map[string]int64{
	"array_in": 750, "array_out": 751, "array_recv": 2400, "array_send": 2401,
	"record_in": 2290, "record_out": 2291, "domain_in": 2597, "enum_in": 3504,
	"range_in": 3834, "multirange_in": 4229,
}

var regprocByOID = func() map[int64]string {
	m := make(map[int64]string, len(regprocByName))
	for n, o := range regprocByName {
		m[o] = n
	}
	return m
}()

// RegprocOID resolves a function name as regprocin reads it (an
// optional pg_catalog. qualification); ok is false for an unknown one.
func RegprocOID(name string) (int64, bool) {
	name = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "pg_catalog.")
	o, ok := regprocByName[name]
	return o, ok
}

// appendRegproc is regprocout: "-" for no function, the name of a known
// one, else the number.
func appendRegproc(buf []byte, oid int64) []byte {
	if oid == 0 {
		return append(buf, '-')
	}
	if n, ok := regprocByOID[oid]; ok {
		return append(buf, n...)
	}
	return appendInt(buf, oid)
}
