package pgcatalog

import "github.com/neuroquantumdb/nqdb/sql/types"

// systemAttrs are the system columns every table, sequence and catalog
// table has in PostgreSQL 15 (attnum -6 .. -1). nqdb has no such columns
// to select; they are listed because clients read pg_attribute whole
// (DBeaver's column list filters them itself, psql's \d with attnum > 0).
var systemAttrs = []struct {
	name  string
	num   int
	typ   *types.T
	len   int
	byval bool
	align string
}{
	{"tableoid", -6, types.Oid, 4, true, "i"},
	{"cmax", -5, types.Cid, 4, true, "i"},
	{"xmax", -4, types.Xid, 4, true, "i"},
	{"cmin", -3, types.Cid, 4, true, "i"},
	{"xmin", -2, types.Xid, 4, true, "i"},
	{"ctid", -1, types.Tid, 6, false, "s"},
}

// systemAttRows adds rel's system columns to pg_attribute, with the
// values PostgreSQL shows for them.
func systemAttRows(b *builder, rel uint32) {
	for _, a := range systemAttrs {
		b.add("attrelid", rel, "attname", a.name, "atttypid", a.typ.OID, "attstattarget", 0, "attlen", a.len,
			"attnum", a.num, "attndims", 0, "attcacheoff", -1, "atttypmod", -1, "attbyval", a.byval,
			"attalign", a.align, "attstorage", "p", "attnotnull", true, "attislocal", true)
	}
}
