package pgcatalog

import (
	"sort"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// builtinTypes lists the types sql/types knows, in OID order, plus the
// pseudo-types the function registry uses. Types are static, so the list
// is made once.
var builtinTypes = func() []*types.T {
	var out []*types.T
	seen := map[types.OID]bool{}
	// sql/types has no list of its own; its OIDs are all below 5000.
	for oid := types.OID(1); oid < 5000; oid++ {
		if t := types.ByOID(oid); t != nil && !seen[oid] {
			seen[oid] = true
			out = append(out, t)
		}
	}
	for _, t := range []*types.T{
		{OID: types.OidAny, Name: "any", SQLName: `"any"`, Len: 4, Category: types.CatPseudo},
		{OID: types.OidAnyElement, Name: "anyelement", SQLName: "anyelement", Len: 4, Category: types.CatPseudo},
		{OID: types.OidAnyArray, Name: "anyarray", SQLName: "anyarray", Len: -1, Category: types.CatPseudo},
		// The pseudo-types the built-in functions and operators listed
		// from PostgreSQL's catalogs (builtins.go) are declared with.
		{OID: 269, Name: "table_am_handler", SQLName: "table_am_handler", Len: 4, Category: types.CatPseudo},
		{OID: 325, Name: "index_am_handler", SQLName: "index_am_handler", Len: 4, Category: types.CatPseudo},
		{OID: 2275, Name: "cstring", SQLName: "cstring", Len: -2, Category: types.CatPseudo},
		{OID: 2279, Name: "trigger", SQLName: "trigger", Len: 4, Category: types.CatPseudo},
		{OID: 2280, Name: "language_handler", SQLName: "language_handler", Len: 4, Category: types.CatPseudo},
		{OID: 2281, Name: "internal", SQLName: "internal", Len: 8, Category: types.CatPseudo},
		{OID: oidAnyNonArray, Name: "anynonarray", SQLName: "anynonarray", Len: 4, Category: types.CatPseudo},
		{OID: oidAnyEnum, Name: "anyenum", SQLName: "anyenum", Len: 4, Category: types.CatPseudo},
		{OID: oidAnyCompatible, Name: "anycompatible", SQLName: "anycompatible", Len: 4, Category: types.CatPseudo},
		{OID: oidAnyCompatibleArray, Name: "anycompatiblearray", SQLName: "anycompatiblearray", Len: -1, Category: types.CatPseudo},
		{OID: oidAnyCompatibleNonArray, Name: "anycompatiblenonarray", SQLName: "anycompatiblenonarray", Len: 4, Category: types.CatPseudo},
	} {
		if !seen[t.OID] {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OID < out[j].OID })
	return out
}()

// TypeByOID returns a built-in type by OID, pseudo-types included.
func TypeByOID(oid uint32) *types.T {
	if t := types.ByOID(oid); t != nil {
		return t
	}
	for _, t := range builtinTypes {
		if t.OID == oid {
			return t
		}
	}
	return nil
}

// typByVal is pg_type.typbyval: fixed-size types of at most 8 bytes are
// passed by value.
func typByVal(t *types.T) bool {
	switch t.Len {
	case 1, 2, 4, 8:
		return true
	}
	return false
}

// typAlign is pg_type.typalign.
func typAlign(t *types.T) string {
	if t.Elem != nil {
		if t.Elem.Len == 8 && t.Elem.OID != types.OidName {
			return "d"
		}
		return "i"
	}
	switch t.Len {
	case 1, 64:
		return "c"
	case 2:
		return "s"
	case 8:
		return "d"
	case 16:
		if t.OID == types.OidInterval {
			return "d"
		}
		return "c"
	case -2:
		return "c"
	}
	return "i"
}

// typStorage is pg_type.typstorage: varlena types are extended (main for
// numeric), fixed ones plain.
func typStorage(t *types.T) string {
	switch {
	case t.Len >= 0 || t.Len == -2 || types.IsVector(t):
		return "p"
	case t.OID == types.OidNumeric:
		return "m"
	}
	return "x"
}

func typType(t *types.T) string {
	if t.Category == types.CatPseudo || t.OID == types.OidUnknown {
		return "p"
	}
	return "b"
}

func buildType(b *builder, src Source) {
	for _, t := range builtinTypes {
		var elem, arr uint32
		if t.Elem != nil {
			elem = t.Elem.OID
		} else if t.OID == types.OidName {
			elem = types.OidChar // name subscripts as a fixed-length "char" array
		}
		if t.Array != nil {
			arr = t.Array.OID
		}
		cat := string(t.Category)
		if t.OID == types.OidUnknown {
			cat = "X"
		}
		// The support functions are PostgreSQL's (pgdata_type.go):
		// catalog queries (pgjdbc's) tell arrays by typinput = 'array_in'.
		var io pgTypeName
		if p := pgTypeByOID(t.OID); p != nil {
			io = *p
		}
		b.add("oid", t.OID, "typname", t.Name, "typnamespace", NamespacePgCatalog, "typowner", RolePostgres,
			"typlen", t.Len, "typbyval", typByVal(t), "typtype", typType(t), "typcategory", cat,
			"typispreferred", t.Preferred, "typisdefined", true, "typdelim", ",", "typelem", elem,
			"typarray", arr, "typalign", typAlign(t), "typstorage", typStorage(t), "typtypmod", -1,
			"typcollation", typCollation(t), "typinput", io.Input, "typoutput", io.Output,
			"typreceive", io.Receive, "typsend", io.Send, "typmodin", io.ModIn, "typmodout", io.ModOut,
			"typanalyze", io.Analyze, "typsubscript", io.Subscr)
	}
	buildRowTypes(b, src)  // rowtypes.go
	buildUserTypes(b, src) // usertypes.go
}

// FormatType is format_type(oid, typmod) for the built-in types; ok is
// false for an OID nqdb does not know (PostgreSQL prints "???").
func FormatType(oid uint32, typmod int32) (string, bool) {
	t := TypeByOID(oid)
	if t == nil {
		return "???", false
	}
	return types.FormatType(t, typmod), true
}
