package pgcatalog

import "github.com/neuroquantumdb/nqdb/sql/types"

// pg_description: COMMENT ON's descriptions of the user's objects, then
// PostgreSQL's descriptions of the built-in objects nqdb lists (functions,
// operators, types, access methods, languages, conversions: builtins.go)
// that COMMENT ON has not replaced.
func init() { builders["pg_description"] = buildDescription }

// builtinDescDef names the cache entry of the built-in descriptions (the
// relation's own name holds none: its rows depend on the session).
func builtinDescDef(d *relDef) *relDef {
	c := *d
	c.name = "pg_description builtins"
	return &c
}

// buildBuiltinDescriptions makes the built-in objects' rows (cached).
func buildBuiltinDescriptions(b *builder, _ Source) {
	for _, d := range pgDescriptions {
		if text, ok := builtins().descs[descKey{d.Class, d.Obj}]; ok {
			b.add("objoid", d.Obj, "classoid", d.Class, "objsubid", 0, "description", text)
		}
	}
}

func buildDescription(b *builder, src Source) {
	ds := src.Descriptions()
	own := map[uint32]bool{}
	commented := map[descKey]bool{}
	for _, d := range ds {
		b.add("objoid", d.ObjOID, "classoid", d.ClassOID, "objsubid", d.SubID, "description", d.Text)
		if d.ClassOID == classOIDPgNamespace && d.SubID == 0 {
			own[d.ObjOID] = true
		}
		if d.SubID == 0 {
			commented[descKey{d.ClassOID, d.ObjOID}] = true
		}
	}
	b.appendRows(builtinRowsOf(builtinDescDef(b.d), buildBuiltinDescriptions), func(r []types.Datum) bool {
		return !commented[descKey{uint32(r[1].(int64)), uint32(r[0].(int64))}]
	})
	// initdb's descriptions of the built-in schemas (DBeaver's schema list
	// shows them), unless COMMENT ON replaced them.
	for _, n := range []struct {
		oid  uint32
		text string
	}{
		{NamespacePgCatalog, "system catalog schema"},
		{99, "reserved schema for TOAST tables"},
		{NamespacePublic, "standard public schema"},
	} {
		if !own[n.oid] {
			b.add("objoid", n.oid, "classoid", classOIDPgNamespace, "objsubid", 0, "description", n.text)
		}
	}
	// CREATE EXTENSION's comment on plpgsql (\dx shows it).
	if !commented[descKey{classOIDPgExtension, ExtensionPlpgsql}] {
		b.add("objoid", ExtensionPlpgsql, "classoid", classOIDPgExtension, "objsubid", 0, "description", "PL/pgSQL procedural language")
	}
}
