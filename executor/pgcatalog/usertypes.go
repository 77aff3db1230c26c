package pgcatalog

import (
	"sort"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Enums and domains in pg_type, pg_enum and pg_constraint.

// UserType is an enum or a domain as the catalog relations show it.
type UserType struct {
	// T is the type (an enum's T has Enum set, a domain's Domain).
	T        *types.T
	Schema   string
	ArrayOID uint32
	// NotNull, Default and Checks are a domain's constraints.
	NotNull bool
	Default string
	Checks  []DomainCheckInfo
	// Collation overrides the base type's typcollation when non-zero.
	Collation uint32
}

// InfoSchemaDomains are the domains information_schema's views are typed
// with, as PostgreSQL 15 defines them (OIDs included).
var InfoSchemaDomains = []UserType{
	{T: types.NewDomain(13221, 13220, "cardinal_number", types.Int4, -1), Schema: "information_schema",
		Checks: []DomainCheckInfo{{OID: 13222, Name: "cardinal_number_domain_check", Def: "CHECK ((VALUE >= 0))", PrettyDef: "CHECK (VALUE >= 0)"}}},
	{T: types.NewDomain(13224, 13223, "character_data", types.Varchar, -1), Schema: "information_schema", Collation: CollationC},
	{T: types.NewDomain(13226, 13225, "sql_identifier", types.Name, -1), Schema: "information_schema", Collation: CollationC},
	{T: types.NewDomain(13232, 13231, "time_stamp", types.TimestampTZ, 2), Schema: "information_schema", Default: "CURRENT_TIMESTAMP(2)"},
	{T: types.NewDomain(13234, 13233, "yes_or_no", types.Varchar, 7), Schema: "information_schema", Collation: CollationC,
		Checks: []DomainCheckInfo{{OID: 13235, Name: "yes_or_no_check",
			Def:       "CHECK (((VALUE)::text = ANY ((ARRAY['YES'::character varying, 'NO'::character varying])::text[])))",
			PrettyDef: "CHECK (VALUE::text = ANY (ARRAY['YES'::character varying, 'NO'::character varying]::text[]))"}}},
}

// InfoSchemaDomain returns the information_schema domain (or its array
// type) with the given OID.
func InfoSchemaDomain(oid uint32) (u *UserType, array bool) {
	for i := range InfoSchemaDomains {
		d := &InfoSchemaDomains[i]
		if uint32(d.T.OID) == oid || uint32(d.T.Array.OID) == oid {
			return d, uint32(d.T.Array.OID) == oid
		}
	}
	return nil, false
}

// DomainCheckInfo is a domain's CHECK constraint: pg_get_constraintdef's
// texts in Def and PrettyDef.
type DomainCheckInfo struct {
	OID            uint32
	Name           string
	Def, PrettyDef string
	NotValid       bool
}

// TypeSource is a Source that has enums and domains.
type TypeSource interface {
	// UserTypes returns the enums and domains the session sees.
	UserTypes() []UserType
}

// userTypes returns src's enums and domains by OID.
func userTypes(src Source) []UserType {
	ts, ok := src.(TypeSource)
	if !ok {
		return nil
	}
	out := append(append([]UserType(nil), InfoSchemaDomains...), ts.UserTypes()...)
	sort.Slice(out, func(i, j int) bool { return out[i].T.OID < out[j].T.OID })
	return out
}

// buildUserTypes adds the enums and domains, with their array types, to
// pg_type.
func buildUserTypes(b *builder, src Source) {
	nss := namespaceOIDs(src)
	for _, u := range userTypes(src) {
		t, ns := u.T, nss.of(u.Schema)
		if t.Enum != nil {
			b.add("oid", t.OID, "typname", t.Name, "typnamespace", ns, "typowner", RolePostgres, "typlen", 4,
				"typbyval", true, "typtype", "e", "typcategory", "E", "typisdefined", true, "typdelim", ",",
				"typarray", uint32(t.Array.OID), "typinput", regproc("enum_in"), "typoutput", regproc("enum_out"),
				"typreceive", regproc("enum_recv"), "typsend", regproc("enum_send"), "typalign", "i",
				"typstorage", "p", "typtypmod", -1)
		} else {
			base := t.Domain.Base
			def := any(nil)
			if u.Default != "" {
				def = u.Default
			}
			coll := typCollation(base)
			if u.Collation != 0 {
				coll = u.Collation
			}
			b.add("oid", t.OID, "typname", t.Name, "typnamespace", ns, "typowner", RolePostgres, "typlen", base.Len,
				"typbyval", typByVal(base), "typtype", "d", "typcategory", string(base.Category), "typisdefined", true,
				"typdelim", ",", "typarray", uint32(t.Array.OID), "typinput", regproc("domain_in"), "typoutput", typOutput(base),
				"typreceive", regproc("domain_recv"), "typsend", typSend(base), "typalign", typAlign(base),
				"typstorage", typStorage(base), "typnotnull", u.NotNull, "typbasetype", base.OID,
				"typtypmod", t.Domain.Typmod, "typcollation", coll, "typdefault", def)
		}
		b.add("oid", t.Array.OID, "typname", arrayTypeName(t.Name), "typnamespace", ns, "typowner", RolePostgres,
			"typlen", -1, "typbyval", false, "typtype", "b", "typcategory", "A", "typisdefined", true, "typdelim", ",",
			"typsubscript", regproc("array_subscript_handler"), "typelem", t.OID,
			"typinput", regproc("array_in"), "typoutput", regproc("array_out"),
			"typreceive", regproc("array_recv"), "typsend", regproc("array_send"), "typalign", "i",
			"typstorage", "x", "typtypmod", -1)
	}
}

// typOutput and typSend name a domain's output and send functions: its
// base type's, PostgreSQL's (pgdata_type.go; 0 for a base type it lacks).
func typOutput(base *types.T) int64 {
	if p := pgTypeByOID(base.OID); p != nil {
		return int64(p.Output)
	}
	return 0
}

func typSend(base *types.T) int64 {
	if p := pgTypeByOID(base.OID); p != nil {
		return int64(p.Send)
	}
	return 0
}

// buildEnum is pg_enum.
func buildEnum(b *builder, src Source) {
	for _, u := range userTypes(src) {
		if u.T.Enum == nil {
			continue
		}
		for _, l := range u.T.Enum.Labels() {
			b.add("oid", l.OID, "enumtypid", u.T.OID, "enumsortorder", float64(l.Sort), "enumlabel", l.Label)
		}
	}
}

// buildDomainConstraints adds the domains' CHECK constraints to
// pg_constraint.
func buildDomainConstraints(b *builder, src Source) {
	nss := namespaceOIDs(src)
	for _, u := range userTypes(src) {
		for _, c := range u.Checks {
			b.add("oid", c.OID, "conname", c.Name, "connamespace", nss.of(u.Schema), "contype", "c",
				"convalidated", !c.NotValid, "contypid", u.T.OID, "confupdtype", " ", "confdeltype", " ",
				"confmatchtype", " ", "conislocal", true, "connoinherit", false, "conbin", c.Def)
		}
	}
}

// FindDomainCheck returns pg_get_constraintdef's text of a domain's CHECK
// constraint oid.
func FindDomainCheck(src Source, oid uint32, pretty bool) (string, bool) {
	for _, u := range userTypes(src) {
		for _, c := range u.Checks {
			if c.OID == oid {
				def := c.Def
				if pretty {
					def = c.PrettyDef
				}
				if c.NotValid {
					def += " NOT VALID"
				}
				return def, true
			}
		}
	}
	return "", false
}

func init() { builders["pg_enum"] = buildEnum }

// userTypeSchemas maps the enums' and domains' OIDs to their schemas.
func userTypeSchemas(src Source) map[types.OID]string {
	m := map[types.OID]string{}
	for _, u := range userTypes(src) {
		m[u.T.OID] = orPublic(u.Schema)
	}
	return m
}

// userTypeFacets are information_schema.columns' values for a column of
// an enum (data_type USER-DEFINED, the udt is the enum) or of a domain
// (domain_* name it; data_type and udt_* describe the base type).
func userTypeFacets(c planner.Column, schemas map[types.OID]string, db string) []any {
	if c.Domain != nil {
		return []any{"domain_catalog", db, "domain_schema", schemas[c.Domain.OID], "domain_name", c.Domain.Name}
	}
	t := c.Type
	if t.Elem != nil {
		t = t.Elem
	}
	if t.Enum == nil {
		return nil
	}
	if c.Type.Elem != nil {
		return []any{"udt_schema", schemas[t.OID]}
	}
	return []any{"data_type", "USER-DEFINED", "udt_schema", schemas[t.OID]}
}
