package pgcatalog

// pg_description: COMMENT ON's descriptions of the user's objects (the
// built-in objects' descriptions are not carried).
func init() { builders["pg_description"] = buildDescription }

func buildDescription(b *builder, src Source) {
	for _, d := range src.Descriptions() {
		b.add("objoid", d.ObjOID, "classoid", d.ClassOID, "objsubid", d.SubID, "description", d.Text)
	}
}
