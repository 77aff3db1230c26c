package pgcatalog

import "strings"

// viewDefinition is pg_get_viewdef(oid) for v: the deparsed query, or
// the text as written when the Source cannot deparse.
func viewDefinition(v ViewInfo) string {
	if v.Deparsed != nil {
		return v.Deparsed()
	}
	return " " + v.Definition + ";"
}

// buildInfoViews is information_schema.views. PostgreSQL shows the
// definition to the view's owner (every view here belongs to the
// connected superuser) and calls a view updatable when it is
// automatically updatable (pg_relation_is_updatable); nqdb has no
// INSTEAD OF triggers, so the trigger columns are NO.
func buildInfoViews(b *builder, src Source) {
	db := src.Database()
	for _, v := range sortedViews(src) {
		check := "NONE"
		if v.CheckOption != "" {
			check = strings.ToUpper(v.CheckOption)
		}
		upd := "NO"
		for _, u := range viewUpdatableColumns(v) {
			if u {
				// UPDATE needs a column it can set.
				upd = "YES"
			}
		}
		b.add("table_catalog", db, "table_schema", orPublic(v.Schema), "table_name", v.Name,
			"view_definition", viewDefinition(v), "check_option", check,
			"is_updatable", upd, "is_insertable_into", upd,
			"is_trigger_updatable", "NO", "is_trigger_deletable", "NO", "is_trigger_insertable_into", "NO")
	}
}
