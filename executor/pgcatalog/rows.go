package pgcatalog

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// builders make the rows of the relations that have any; the others are
// empty. Each is called at scan time with the scanning session's Source.
var builders = map[string]func(b *builder, src Source){
	"pg_namespace":            buildNamespace,
	"pg_class":                buildClass,
	"pg_attribute":            buildAttribute,
	"pg_attrdef":              buildAttrdef,
	"pg_sequence":             buildSequence,
	"pg_depend":               buildDepend,
	"pg_views":                buildViews,
	"pg_matviews":             buildMatviews,
	"pg_type":                 buildType,
	"pg_index":                buildIndex,
	"pg_constraint":           buildConstraint,
	"pg_database":             buildDatabase,
	"pg_authid":               buildAuthid,
	"pg_roles":                buildRoles,
	"pg_user":                 buildUser,
	"pg_am":                   buildAm,
	"pg_settings":             buildSettings,
	"pg_tables":               buildTables,
	"pg_indexes":              buildIndexes,
	"pg_proc":                 buildProc,
	"pg_extension":            buildExtension,
	"pg_language":             buildLanguage,
	"pg_collation":            buildCollation,
	"pg_tablespace":           buildTablespace,
	"pg_stat_user_tables":     buildStatTables,
	"pg_stats":                buildStats,
	"pg_stat_all_tables":      buildStatTables,
	"schemata":                buildSchemata,
	"tables":                  buildInfoTables,
	"views":                   buildInfoViews,
	"columns":                 buildInfoColumns,
	"table_constraints":       buildTableConstraints,
	"key_column_usage":        buildKeyColumnUsage,
	"constraint_column_usage": buildConstraintColumnUsage,
	"check_constraints":       buildCheckConstraints,
	"referential_constraints": buildReferentialConstraints,
}

// namespaces are the schemas: PostgreSQL's, in its pg_namespace order.
var namespaces = []struct {
	oid   uint32
	name  string
	owner uint32
	acl   []string
}{
	{NamespaceToast, "pg_toast", RolePostgres, nil},
	{NamespacePgCatalog, "pg_catalog", RolePostgres, []string{"postgres=UC/postgres", "=U/postgres"}},
	{NamespacePublic, "public", RoleDatabaseOwner, []string{"pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner"}},
	{NamespaceInfoSchema, "information_schema", RolePostgres, []string{"postgres=UC/postgres", "=U/postgres"}},
}

// NamespaceOID returns a schema's OID (0 if unknown).
func NamespaceOID(name string) uint32 {
	for _, n := range namespaces {
		if n.name == name {
			return n.oid
		}
	}
	return 0
}

// NamespaceName returns the name of a schema OID ("" if unknown).
func NamespaceName(oid uint32) string {
	for _, n := range namespaces {
		if n.oid == oid {
			return n.name
		}
	}
	return ""
}

func buildNamespace(b *builder, src Source) {
	for _, n := range namespaces {
		var acl any
		if n.acl != nil {
			acl = n.acl
		}
		b.add("oid", n.oid, "nspname", n.name, "nspowner", n.owner, "nspacl", acl)
	}
	for _, n := range sortedNamespaces(src) {
		b.add("oid", n.OID, "nspname", n.Name, "nspowner", RoleOID(n.Owner), "nspacl", nil)
	}
}

func sortedNamespaces(src Source) []NamespaceInfo {
	ns := src.Namespaces()
	sort.Slice(ns, func(i, j int) bool { return ns[i].OID < ns[j].OID })
	return ns
}

// nsOIDs maps every schema's name to its OID, for one scan.
type nsOIDs map[string]uint32

func namespaceOIDs(src Source) nsOIDs {
	m := nsOIDs{}
	for _, n := range namespaces {
		m[n.name] = n.oid
	}
	for _, n := range src.Namespaces() {
		m[n.Name] = n.OID
	}
	return m
}

// of is the OID of schema ("" = public).
func (m nsOIDs) of(schema string) uint32 {
	if schema == "" {
		return NamespacePublic
	}
	return m[schema]
}

// persistence is relpersistence for a relation in schema: temporary
// schemas hold temporary relations.
func persistence(schema string) string {
	if strings.HasPrefix(schema, "pg_temp_") {
		return "t"
	}
	return relpersistencePermant
}

// roles are PostgreSQL 15's bootstrap superuser and predefined roles.
var roles = []struct {
	oid  uint32
	name string
}{
	{RolePostgres, "postgres"}, {RoleDatabaseOwner, "pg_database_owner"}, {6181, "pg_read_all_data"},
	{6182, "pg_write_all_data"}, {3373, "pg_monitor"}, {3374, "pg_read_all_settings"},
	{3375, "pg_read_all_stats"}, {3377, "pg_stat_scan_tables"}, {4569, "pg_read_server_files"},
	{4570, "pg_write_server_files"}, {4571, "pg_execute_server_program"}, {4200, "pg_signal_backend"},
	{4544, "pg_checkpoint"},
}

// RoleOID returns a role's OID by name (the bootstrap superuser's for
// names nqdb does not know: every session runs as it).
func RoleOID(name string) uint32 {
	for _, r := range roles {
		if r.name == name {
			return r.oid
		}
	}
	return RolePostgres
}

// RoleName is pg_get_userbyid: the role's name, or "unknown (OID=n)".
func RoleName(oid uint32) string {
	for _, r := range roles {
		if r.oid == oid {
			return r.name
		}
	}
	return "unknown (OID=" + strconv.FormatUint(uint64(oid), 10) + ")"
}

func roleRow(b *builder, oid uint32, name string, password bool) {
	super := oid == RolePostgres
	var pw any
	if password {
		pw = "********"
	}
	b.add("oid", oid, "rolname", name, "rolsuper", super, "rolinherit", true, "rolcreaterole", super,
		"rolcreatedb", super, "rolcanlogin", super, "rolreplication", super, "rolbypassrls", super,
		"rolconnlimit", -1, "rolpassword", pw)
}

func buildAuthid(b *builder, src Source) {
	for _, r := range roles {
		roleRow(b, r.oid, r.name, false)
	}
}

func buildRoles(b *builder, src Source) {
	for _, r := range roles {
		roleRow(b, r.oid, r.name, true)
	}
}

func buildUser(b *builder, src Source) {
	b.add("usename", "postgres", "usesysid", RolePostgres, "usecreatedb", true, "usesuper", true,
		"userepl", true, "usebypassrls", true, "passwd", "********")
}

func buildDatabase(b *builder, src Source) {
	b.add("oid", DatabaseOID, "datname", src.Database(), "datdba", RolePostgres, "encoding", EncodingUTF8,
		"datlocprovider", "c", "datallowconn", true, "datconnlimit", -1, "datfrozenxid", 716, "datminmxid", 1,
		"dattablespace", TablespaceDefault, "datcollate", "C", "datctype", "C")
}

func buildAm(b *builder, src Source) {
	for _, a := range []struct {
		oid  uint32
		name string
		typ  string
	}{{AmHeap, "heap", "t"}, {AmBtree, "btree", "i"}, {AmHash, "hash", "i"}, {783, "gist", "i"},
		{2742, "gin", "i"}, {4000, "spgist", "i"}, {3580, "brin", "i"}} {
		b.add("oid", a.oid, "amname", a.name, "amtype", a.typ)
	}
}

func buildSettings(b *builder, src Source) {
	for _, s := range src.Settings() {
		ctx := "user"
		if s.ReadOnly {
			ctx = "internal"
		}
		b.add("name", s.Name, "setting", s.Value, "category", "", "short_desc", s.ShortDesc, "context", ctx,
			"vartype", "string", "source", "default", "boot_val", s.Value, "reset_val", s.Value,
			"pending_restart", false)
	}
}

func buildExtension(b *builder, src Source) {
	b.add("oid", ExtensionPlpgsql, "extname", "plpgsql", "extowner", RolePostgres, "extnamespace", NamespacePgCatalog,
		"extversion", "1.0")
}

func buildLanguage(b *builder, src Source) {
	for _, l := range []struct {
		oid     uint32
		name    string
		pl, trs bool
	}{{12, "internal", false, false}, {13, "c", false, false}, {14, "sql", false, true}, {LanguagePlpgsql, "plpgsql", true, true}} {
		b.add("oid", l.oid, "lanname", l.name, "lanowner", RolePostgres, "lanispl", l.pl, "lanpltrusted", l.trs)
	}
}

func buildCollation(b *builder, src Source) {
	b.add("oid", CollationDefault, "collname", "default", "collnamespace", NamespacePgCatalog,
		"collowner", RolePostgres, "collprovider", "d", "collisdeterministic", true, "collencoding", -1)
	b.add("oid", CollationC, "collname", "C", "collnamespace", NamespacePgCatalog, "collowner", RolePostgres,
		"collprovider", "c", "collisdeterministic", true, "collencoding", -1, "collcollate", "C", "collctype", "C")
	b.add("oid", CollationPOSIX, "collname", "POSIX", "collnamespace", NamespacePgCatalog, "collowner", RolePostgres,
		"collprovider", "c", "collisdeterministic", true, "collencoding", -1, "collcollate", "POSIX", "collctype", "POSIX")
}

func buildTablespace(b *builder, src Source) {
	b.add("oid", TablespaceDefault, "spcname", "pg_default", "spcowner", RolePostgres)
	b.add("oid", TablespaceGlobal, "spcname", "pg_global", "spcowner", RolePostgres)
}

// sortedTables returns src's tables in OID order, so that scans without
// ORDER BY list objects in creation order as PostgreSQL's heap usually
// does.
func sortedTables(src Source) []TableInfo {
	ts := src.Tables()
	sort.Slice(ts, func(i, j int) bool { return ts[i].OID < ts[j].OID })
	return ts
}

// plainTables is sortedTables without the materialized views: the
// relkind r relations of pg_tables and information_schema.
func plainTables(src Source) []TableInfo {
	ts := sortedTables(src)
	out := ts[:0]
	for _, t := range ts {
		if t.Matview == nil {
			out = append(out, t)
		}
	}
	return out
}

// buildMatviews is pg_matviews.
func buildMatviews(b *builder, src Source) {
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		if t.Matview == nil {
			continue
		}
		b.add("schemaname", schemaOf(t), "matviewname", t.Name, "matviewowner", "postgres",
			"hasindexes", len(indexesOf(t)) > 0, "ispopulated", t.Matview.Populated, "definition", t.Matview.Definition())
	}
}

// indexesOf lists a table's indexes, the primary key first, as the
// IndexInfo of each (the primary key's with Constraint set and
// PKIndexOID).
func indexesOf(t *TableInfo) []IndexInfo {
	var out []IndexInfo
	if t.PK != nil {
		out = append(out, IndexInfo{OID: PKIndexOID(t.OID), Name: t.PKName, Cols: t.PK, Unique: true, Constraint: true})
	}
	return append(out, t.Indexes...)
}

func isPK(t *TableInfo, ix *IndexInfo) bool { return t.PK != nil && ix.OID == PKIndexOID(t.OID) }

// typCollation is pg_type.typcollation: collatable types use the default
// collation, name uses C.
func typCollation(t *types.T) uint32 {
	if t.Elem != nil {
		t = t.Elem
	}
	switch t.OID {
	case types.OidText, types.OidVarchar, types.OidBpchar:
		return CollationDefault
	case types.OidName:
		return CollationC
	}
	return 0
}

func buildClass(b *builder, src Source) {
	for _, d := range defs {
		ns := uint32(NamespacePgCatalog)
		if d.schema == "information_schema" {
			ns = NamespaceInfoSchema
		}
		am := uint32(0)
		if d.kind == 'r' {
			am = AmHeap
		}
		b.add("oid", d.oid, "relname", d.name, "relnamespace", ns, "relowner", RolePostgres, "relam", am,
			"relfilenode", d.oid, "reltuples", float64(-1), "relpersistence", relpersistencePermant,
			"relkind", string(d.kind), "relnatts", len(d.columns), "relispopulated", true, "relreplident", "n",
			"relfrozenxid", 0, "relminmxid", 0)
	}
	ts := sortedTables(src)
	// A foreign key gives both of its tables PostgreSQL's internal RI
	// triggers, which relhastriggers reports (psql's \d then lists the
	// foreign keys and "Referenced by").
	triggers := map[uint32]bool{}
	for i := range ts {
		for _, fk := range ts[i].ForeignKeys {
			triggers[ts[i].OID], triggers[fk.RefOID] = true, true
		}
	}
	nss := namespaceOIDs(src)
	for i := range ts {
		t := &ts[i]
		ixs := indexesOf(t)
		reltuples := float64(-1)
		if t.Stats != nil {
			reltuples = t.Stats.Rows
		}
		kind, populated, replident := relkindTable, true, "d"
		if t.Matview != nil {
			kind, populated, replident = relkindMatview, t.Matview.Populated, "n"
		}
		b.add("oid", t.OID, "relname", t.Name, "relnamespace", nss.of(t.Schema), "relowner", RolePostgres,
			"relam", AmHeap, "relfilenode", t.OID, "reltuples", reltuples, "relhasindex", len(ixs) > 0,
			"relpersistence", persistence(t.Schema), "relkind", kind, "relnatts", len(t.Columns),
			"relispopulated", populated, "relreplident", replident, "relfrozenxid", 716, "relminmxid", 1,
			"relchecks", len(t.Checks), "relhastriggers", triggers[t.OID], "reltype", types.RowTypeOID(t.OID))
		for _, ix := range ixs {
			b.add("oid", ix.OID, "relname", ix.Name, "relnamespace", nss.of(t.Schema), "relowner", RolePostgres,
				"relam", AmBtree, "relfilenode", ix.OID, "reltuples", float64(0), "relpersistence", persistence(t.Schema),
				"relkind", relkindIndex, "relnatts", len(ix.Cols), "relispopulated", true, "relreplident", "n")
		}
	}
	for _, v := range sortedViews(src) {
		b.add("oid", v.OID, "relname", v.Name, "relnamespace", nss.of(v.Schema), "relowner", RolePostgres,
			"relam", 0, "relfilenode", 0, "reltuples", float64(-1), "relpersistence", persistence(v.Schema),
			"relkind", relkindView, "relnatts", len(v.Columns), "relispopulated", true, "relreplident", "n",
			"reltype", types.RowTypeOID(v.OID), "relhasrules", true) // a view is its _RETURN rule
	}
	for _, q := range sortedSequences(src) {
		b.add("oid", q.OID, "relname", q.Name, "relnamespace", nss.of(q.Schema), "relowner", RolePostgres,
			"relam", 0, "relfilenode", q.OID, "reltuples", float64(1), "relpersistence", persistence(q.Schema),
			"relkind", "S", "relnatts", len(SequenceColumns), "relispopulated", true, "relreplident", "n")
	}
}

// SequenceColumns are a sequence relation's columns (SELECT * FROM seq).
var SequenceColumns = []planner.Column{
	{Name: "last_value", Type: types.Int8, Typmod: -1, NotNull: true},
	{Name: "log_cnt", Type: types.Int8, Typmod: -1, NotNull: true},
	{Name: "is_called", Type: types.Bool, Typmod: -1, NotNull: true},
}

func sortedSequences(src Source) []SequenceInfo {
	qs := src.Sequences()
	sort.Slice(qs, func(i, j int) bool { return qs[i].OID < qs[j].OID })
	return qs
}

// buildDepend lists the dependencies psql shows: a sequence owned by a
// column ("Owned by: t.c", deptype a).
func buildDepend(b *builder, src Source) {
	for _, q := range sortedSequences(src) {
		if q.OwnerOID != 0 {
			b.add("classid", classOIDPgClass, "objid", q.OID, "objsubid", 0, "refclassid", classOIDPgClass,
				"refobjid", q.OwnerOID, "refobjsubid", q.OwnerAttnum, "deptype", "a")
		}
	}
}

func buildSequence(b *builder, src Source) {
	for _, q := range sortedSequences(src) {
		b.add("seqrelid", q.OID, "seqtypid", q.TypeOID, "seqstart", q.Start, "seqincrement", q.Increment,
			"seqmax", q.Max, "seqmin", q.Min, "seqcache", 1, "seqcycle", q.Cycle)
	}
}

func attRow(b *builder, rel uint32, num int, c planner.Column) {
	t := c.Type
	ndims := 0
	if t.Elem != nil && !types.IsVector(t) {
		ndims = 1
	}
	align, storage := typAlign(t), typStorage(t)
	typid, typmod := t.OID, c.Typmod
	if c.Domain != nil {
		typid, typmod = c.Domain.OID, -1 // the domain carries the typmod
	}
	b.add("attrelid", rel, "attname", c.Name, "atttypid", typid, "attstattarget", -1, "attlen", t.Len,
		"attnum", num, "attndims", ndims, "attcacheoff", -1, "atttypmod", typmod, "attbyval", typByVal(t),
		"attalign", align, "attstorage", storage, "attnotnull", c.NotNull, "attislocal", true,
		"attcollation", typCollation(t), "atthasdef", c.Default != "" && c.Identity == 0,
		"attidentity", identityChar(c))
}

// identityChar is pg_attribute.attidentity: a, d or empty.
func identityChar(c planner.Column) string {
	if c.Identity == 0 {
		return ""
	}
	return string(rune(c.Identity))
}

// attrdefOIDBase numbers pg_attrdef rows (the executor stores no OID for
// a default; only joins on adrelid and adnum use them).
const attrdefOIDBase = 1 << 29

// buildAttrdef lists the column defaults; adbin holds the default's
// PostgreSQL text (pg_node_tree is text in nqdb, and pg_get_expr returns
// it as it is).
func buildAttrdef(b *builder, src Source) {
	ts := sortedTables(src)
	k := 0
	for i := range ts {
		for j, c := range ts[i].Columns {
			if c.Default == "" || c.Identity != 0 {
				// An identity column's sequence is no default to PostgreSQL.
				continue
			}
			k++
			b.add("oid", uint32(attrdefOIDBase+k), "adrelid", ts[i].OID, "adnum", j+1, "adbin", c.Default)
		}
	}
}

func buildAttribute(b *builder, src Source) {
	for _, d := range defs {
		if d.kind == 'r' {
			systemAttRows(b, d.oid) // sysattrs.go
		}
		for i, c := range d.columns {
			c.NotNull = d.notNull[i]
			attRow(b, d.oid, i+1, c)
		}
	}
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		systemAttRows(b, t.OID)
		for j, c := range t.Columns {
			attRow(b, t.OID, j+1, c)
		}
		for _, ix := range indexesOf(t) {
			for j, col := range ix.Cols {
				c := t.Columns[col]
				c.NotNull = false
				attRow(b, ix.OID, j+1, c)
			}
		}
	}
	for _, q := range sortedSequences(src) {
		systemAttRows(b, q.OID)
		for j, c := range SequenceColumns {
			attRow(b, q.OID, j+1, c)
		}
	}
	for _, v := range sortedViews(src) {
		for j, c := range v.Columns {
			attRow(b, v.OID, j+1, c)
		}
	}
}

func sortedViews(src Source) []ViewInfo {
	vs := src.Views()
	sort.Slice(vs, func(i, j int) bool { return vs[i].OID < vs[j].OID })
	return vs
}

// buildViews is pg_views; the definition is pg_get_viewdef's.
func buildViews(b *builder, src Source) {
	for _, v := range sortedViews(src) {
		b.add("schemaname", orPublic(v.Schema), "viewname", v.Name, "viewowner", "postgres", "definition", viewDefinition(v))
	}
}

func attnums(cols []int) []int64 {
	out := make([]int64, len(cols))
	for i, c := range cols {
		out[i] = int64(c + 1)
	}
	return out
}

func buildIndex(b *builder, src Source) {
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			n := len(ix.Cols)
			coll, class, opt := make([]int64, n), make([]int64, n), make([]int64, n)
			for j, col := range ix.Cols {
				coll[j] = int64(typCollation(t.Columns[col].Type))
				class[j] = btreeOpclass(t.Columns[col].Type)
				if ix.Desc != nil && ix.Desc[j] {
					opt[j] = 3 // INDOPTION_DESC | INDOPTION_NULLS_FIRST
				}
			}
			b.add("indexrelid", ix.OID, "indrelid", t.OID, "indnatts", n, "indnkeyatts", n,
				"indisunique", ix.Unique, "indisprimary", isPK(t, &ix), "indimmediate", true,
				"indisvalid", true, "indisready", true, "indislive", true, "indkey", attnums(ix.Cols),
				"indcollation", coll, "indclass", class, "indoption", opt)
		}
	}
}

func buildConstraint(b *builder, src Source) {
	buildDomainConstraints(b, src) // usertypes.go
	ts := sortedTables(src)
	nss := namespaceOIDs(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			if !ix.Constraint {
				continue
			}
			typ := "u"
			if isPK(t, &ix) {
				typ = "p"
			}
			b.add("oid", ConstraintOID(ix.OID), "conname", ix.Name, "connamespace", nss.of(t.Schema),
				"contype", typ, "convalidated", true, "conrelid", t.OID, "conindid", ix.OID,
				"confupdtype", " ", "confdeltype", " ", "confmatchtype", " ", "conislocal", true,
				"connoinherit", true, "conkey", attnums(ix.Cols))
		}
		for _, c := range t.Checks {
			b.add("oid", c.OID, "conname", c.Name, "connamespace", nss.of(t.Schema), "contype", "c",
				"convalidated", true, "conrelid", t.OID, "confupdtype", " ", "confdeltype", " ",
				"confmatchtype", " ", "conislocal", true, "conkey", attnums(c.Cols), "conbin", c.Def)
		}
		for _, f := range t.ForeignKeys {
			b.add("oid", f.OID, "conname", f.Name, "connamespace", nss.of(t.Schema), "contype", "f",
				"convalidated", true, "conrelid", t.OID, "conindid", f.RefIndexOID, "confrelid", f.RefOID,
				"confupdtype", string(f.OnUpdate), "confdeltype", string(f.OnDelete),
				"confmatchtype", string(f.Match), "conislocal", true, "connoinherit", true,
				"conkey", attnums(f.Cols), "confkey", attnums(f.RefCols))
		}
	}
}

// FindCheckOrForeignKey returns pg_get_constraintdef's text of the CHECK
// or FOREIGN KEY constraint oid (pretty: the pretty form).
func FindCheckOrForeignKey(tables []TableInfo, oid uint32, pretty bool) (string, bool) {
	for i := range tables {
		for _, c := range tables[i].Checks {
			if c.OID == oid {
				if pretty {
					return c.PrettyDef, true
				}
				return c.Def, true
			}
		}
		for _, f := range tables[i].ForeignKeys {
			if f.OID == oid {
				return f.Def, true
			}
		}
	}
	return "", false
}

func buildTables(b *builder, src Source) {
	for _, d := range defs {
		if d.kind == 'r' {
			b.add("schemaname", d.schema, "tablename", d.name, "tableowner", "postgres", "hasindexes", true,
				"hasrules", false, "hastriggers", false, "rowsecurity", false)
		}
	}
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		b.add("schemaname", schemaOf(t), "tablename", t.Name, "tableowner", "postgres",
			"hasindexes", len(indexesOf(t)) > 0, "hasrules", false, "hastriggers", false, "rowsecurity", false)
	}
}

func schemaOf(t *TableInfo) string { return orPublic(t.Schema) }

func orPublic(schema string) string {
	if schema == "" {
		return "public"
	}
	return schema
}

func buildIndexes(b *builder, src Source) {
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			b.add("schemaname", schemaOf(t), "tablename", t.Name, "indexname", ix.Name,
				"indexdef", IndexDef(t, &ix, 0))
		}
	}
}

func buildStatTables(b *builder, src Source) {
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		a := &t.Activity
		when := func(t time.Time) any {
			if t.IsZero() {
				return nil
			}
			return t
		}
		b.add("relid", t.OID, "schemaname", schemaOf(t), "relname", t.Name, "seq_scan", 0, "seq_tup_read", 0,
			"n_tup_ins", a.Inserted, "n_tup_upd", a.Updated, "n_tup_del", a.Deleted, "n_tup_hot_upd", 0,
			"n_live_tup", a.Live, "n_dead_tup", 0, "n_mod_since_analyze", a.ModSinceAnalyze,
			"n_ins_since_vacuum", 0, "vacuum_count", 0, "autovacuum_count", 0, "analyze_count", a.AnalyzeCount,
			"autoanalyze_count", a.AutoAnalyzeCount, "last_analyze", when(a.LastAnalyze),
			"last_autoanalyze", when(a.LastAutoAnalyze))
	}
}

// buildStats is pg_stats: a row per column of each analyzed table.
func buildStats(b *builder, src Source) {
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		if t.Stats == nil {
			continue
		}
		for j, c := range t.Columns {
			if j >= len(t.Stats.Cols) {
				break
			}
			cs := &t.Stats.Cols[j]
			var mcv, mcf, hist, corr any
			if cs.MCV != "" {
				mcv = cs.MCV
				fs := make([]any, len(cs.MCF))
				for k, f := range cs.MCF {
					fs[k] = f
				}
				mcf = &types.Array{Elem: types.Float4, Elems: fs}
			}
			if cs.Hist != "" {
				hist = cs.Hist
			}
			if cs.Corr != nil {
				corr = *cs.Corr
			}
			b.add("schemaname", schemaOf(t), "tablename", t.Name, "attname", c.Name, "inherited", false,
				"null_frac", cs.NullFrac, "avg_width", cs.AvgWidth, "n_distinct", cs.NDistinct,
				"most_common_vals", mcv, "most_common_freqs", mcf, "histogram_bounds", hist, "correlation", corr)
		}
	}
}

// procOIDBase numbers the pg_proc rows of nqdb's functions PostgreSQL
// lacks (the others carry PostgreSQL's OIDs, builtins.go): they are
// numbered in name order above this.
const procOIDBase = 1 << 29

func buildProc(b *builder, src Source) {
	b.appendRows(builtinRowsOf(b.d, buildBuiltinProcs), nil)
	buildUserProcs(b, src)
}

// buildBuiltinProcs makes the built-in functions' rows (cached).
func buildBuiltinProcs(b *builder, _ Source) {
	for _, e := range builtins().procs {
		if e.pg != nil {
			addPgProc(b, e.pg)
			continue
		}
		f := e.fn
		args := make([]int64, len(f.Args))
		for i, a := range f.Args {
			args[i] = int64(a.OID)
		}
		var ret uint32
		if f.Ret != nil {
			ret = f.Ret.OID
		} else if len(f.Args) > 0 {
			ret = f.Args[0].OID
		}
		vol := "i"
		switch f.Volatility {
		case planner.Stable:
			vol = "s"
		case planner.Volatile:
			vol = "v"
		}
		var variadic uint32
		if f.Variadic != nil {
			variadic = f.Variadic.OID
		}
		b.add("oid", e.oid, "proname", f.Name, "pronamespace", NamespacePgCatalog, "proowner", RolePostgres,
			"prolang", 12, "procost", float64(1), "provariadic", variadic, "prokind", "f",
			"proisstrict", f.Strict, "provolatile", vol, "proparallel", "s", "pronargs", len(f.Args),
			"prorettype", ret, "proargtypes", args, "prosrc", f.Name)
	}
}
