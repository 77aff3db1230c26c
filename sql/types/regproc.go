package types

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

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

// RegprocResolver answers regproc input and output from the whole
// built-in pg_proc; executor/pgcatalog installs one (SetRegprocResolver)
// so that every function has PostgreSQL's OID and name. Without one the
// small table above answers.
type RegprocResolver struct {
	// ByName lists the OIDs of the functions called name.
	ByName func(name string) []uint32
	// ByOID is the name of function oid.
	ByOID func(oid uint32) (string, bool)
	// Args are the argument types of function oid (regprocedure).
	Args func(oid uint32) ([]uint32, bool)
	// OpersByName lists the OIDs of the operators called name, and Oper
	// describes operator oid (left 0 for a prefix operator).
	OpersByName func(name string) []uint32
	Oper        func(oid uint32) (name string, left, right uint32, ok bool)
	// TypeOID and TypeName resolve the pseudo-types (anyelement, internal,
	// ...) sql/types does not have, in signatures.
	TypeOID  func(name string) (uint32, bool)
	TypeName func(oid uint32) (string, bool)
}

var regprocResolver *RegprocResolver

// SetRegprocResolver installs r (at init time, before any query runs).
func SetRegprocResolver(r *RegprocResolver) { regprocResolver = r }

// RegprocOID resolves a function name as regprocin reads it (an
// optional pg_catalog. qualification); ok is false for an unknown or
// overloaded one.
func RegprocOID(name string) (int64, bool) {
	oids, _ := regprocLookup(name)
	if len(oids) != 1 {
		return 0, false
	}
	return int64(oids[0]), true
}

func regprocLookup(name string) ([]uint32, string) {
	name = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "pg_catalog.")
	if r := regprocResolver; r != nil {
		if oids := r.ByName(name); len(oids) > 0 {
			return oids, name
		}
	}
	if o, ok := regprocByName[name]; ok {
		return []uint32{uint32(o)}, name
	}
	return nil, name
}

// parseRegproc is regprocin: "-" for no function, an OID number, or the
// name of exactly one function.
func parseRegproc(s string) (Datum, error) {
	if s == "-" {
		return int64(0), nil
	}
	if len(s) > 0 && s[0] >= '0' && s[0] <= '9' {
		return parseOid(s)
	}
	switch oids, name := regprocLookup(s); len(oids) {
	case 0:
		return nil, pgerror.New(pgerror.UndefinedFunction, "function \"%s\" does not exist", name)
	case 1:
		return int64(oids[0]), nil
	default:
		return nil, pgerror.New(pgerror.AmbiguousFunction, "more than one function named \"%s\"", name)
	}
}

// appendRegproc is regprocout: "-" for no function, the name of a known
// one, else the number.
func appendRegproc(buf []byte, oid int64) []byte {
	if oid == 0 {
		return append(buf, '-')
	}
	if r := regprocResolver; r != nil && oid > 0 && oid <= 1<<32-1 {
		if n, ok := r.ByOID(uint32(oid)); ok {
			// regprocout qualifies a name regprocin would not read back
			// as this function (an overloaded one).
			if len(r.ByName(n)) > 1 {
				buf = append(buf, "pg_catalog."...)
			}
			return append(buf, n...)
		}
	}
	if n, ok := regprocByOID[oid]; ok {
		return append(buf, n...)
	}
	return appendInt(buf, oid)
}
