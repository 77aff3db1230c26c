package pgcatalog

import (
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// buildRowTypes adds the row type of every user table and view to pg_type,
// with its array type, as PostgreSQL makes them at CREATE TABLE / VIEW
// (superset's has_type and DBeaver's table list read them through
// pg_class.reltype). Their OIDs follow from the relation's OID
// (types.RowTypeOID, types.RowTypeArrayOID); the catalog relations'
// own row types are not listed.
func buildRowTypes(b *builder, src Source) {
	nss := namespaceOIDs(src)
	add := func(rel uint32, schema, name string) {
		ns := nss.of(schema)
		row, arr := types.RowTypeOID(rel), types.RowTypeArrayOID(rel)
		b.add("oid", row, "typname", name, "typnamespace", ns, "typowner", RolePostgres, "typlen", -1,
			"typbyval", false, "typtype", "c", "typcategory", "C", "typisdefined", true, "typdelim", ",",
			"typrelid", rel, "typarray", arr, "typinput", regproc("record_in"), "typoutput", regproc("record_out"),
			"typreceive", regproc("record_recv"), "typsend", regproc("record_send"), "typalign", "d",
			"typstorage", "x", "typtypmod", -1)
		b.add("oid", arr, "typname", arrayTypeName(name), "typnamespace", ns, "typowner", RolePostgres, "typlen", -1,
			"typbyval", false, "typtype", "b", "typcategory", "A", "typisdefined", true, "typdelim", ",",
			"typsubscript", regproc("array_subscript_handler"), "typelem", row,
			"typinput", regproc("array_in"), "typoutput", regproc("array_out"),
			"typreceive", regproc("array_recv"), "typsend", regproc("array_send"), "typalign", "d",
			"typstorage", "x", "typtypmod", -1)
	}
	ts := sortedTables(src)
	for i := range ts {
		add(ts[i].OID, ts[i].Schema, ts[i].Name)
	}
	for _, v := range sortedViews(src) {
		add(v.OID, v.Schema, v.Name)
	}
}

func regproc(name string) int64 {
	o, _ := types.RegprocOID(name)
	return o
}

// arrayTypeName is makeArrayTypeName for a name without clashes: "_" and
// the name, cut to NAMEDATALEN-1 bytes.
func arrayTypeName(name string) string {
	s := "_" + name
	if len(s) > 63 {
		cut := 63
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
