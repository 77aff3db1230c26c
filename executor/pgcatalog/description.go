package pgcatalog

// pg_description: COMMENT ON's descriptions of the user's objects (the
// built-in objects' descriptions are not carried).
func init() { builders["pg_description"] = buildDescription }

func buildDescription(b *builder, src Source) {
	ds := src.Descriptions()
	own := map[uint32]bool{}
	for _, d := range ds {
		b.add("objoid", d.ObjOID, "classoid", d.ClassOID, "objsubid", d.SubID, "description", d.Text)
		if d.ClassOID == classOIDPgNamespace && d.SubID == 0 {
			own[d.ObjOID] = true
		}
	}
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
}
