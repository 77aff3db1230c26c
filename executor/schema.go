package executor

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Schemas (PostgreSQL's namespaces) and the session's temporary schema.
//
// A user schema is a catalog entry like a table's (a tableDef with ns set
// and no tree), so it is created, renamed and dropped transactionally by
// the same overlay and publication as every other DDL. Its entry is keyed
// apart from relations (nsKey), since a schema and a table may share a
// name. The built-in schemas (pg_catalog, public, information_schema,
// pg_toast) are fixed, with PostgreSQL's OIDs.
//
// Names resolve as in PostgreSQL: a qualified name looks in its schema
// only; an unqualified one tries the session's temporary schema (when it
// has one), then each existing schema of search_path in order ("$user"
// being the schema named after the user, if any); pg_catalog's relations
// are tried after those (see lookupCatalogView). New objects go into the
// first existing schema of search_path.
//
// Temporary objects live in a schema pg_temp_N of their own per session
// (N a slot reused after the session ends), created on first use and kept,
// as PostgreSQL keeps pg_temp_N; the session's temporary relations are
// dropped when it ends, and any left by a crash when the engine opens.

// nsInfo marks a catalog entry as a schema.
type nsInfo struct {
	Owner string `json:"owner,omitempty"`
}

// nsKeyPrefix keys schema entries in the catalog's name maps.
const nsKeyPrefix = "\x00ns."

// nsKey is a schema's key in the catalog's name maps.
func nsKey(name string) string { return nsKeyPrefix + name }

// key is t's key in the catalog's name maps.
func (t *tableDef) key() string {
	if t.ns != nil {
		return nsKey(t.name)
	}
	if t.typ != nil {
		return typKey(t.schema, t.name)
	}
	return qualified(t.schema, t.name)
}

// isRelation reports whether t is a relation (table, view or sequence)
// rather than a schema.
func (t *tableDef) isRelation() bool { return t.ns == nil && t.typ == nil }

// builtinSchemas are the schemas every database has, by name.
var builtinSchemas = map[string]uint32{
	"pg_catalog":         pgcatalog.NamespacePgCatalog,
	"public":             pgcatalog.NamespacePublic,
	"information_schema": pgcatalog.NamespaceInfoSchema,
	"pg_toast":           pgcatalog.NamespaceToast,
}

// tempPrefix starts the names of temporary schemas.
const tempPrefix = "pg_temp_"

// tempSlots hands out the N of pg_temp_N to sessions that create
// temporary objects; a slot is free again when its session ends.
type tempSlots struct {
	mu   sync.Mutex
	used map[int]bool
}

func (ts *tempSlots) take() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.used == nil {
		ts.used = map[int]bool{}
	}
	// PostgreSQL numbers by backend id; the first client sessions there
	// usually get 3, after its auxiliary processes.
	n := 3
	for ts.used[n] {
		n++
	}
	ts.used[n] = true
	return n
}

func (ts *tempSlots) free(n int) {
	ts.mu.Lock()
	delete(ts.used, n)
	ts.mu.Unlock()
}

// lookupKey returns the catalog entry with key as the session sees it:
// its own DDL first, then the committed catalog.
func (s *Session) lookupKey(key string) *tableDef {
	if oid, ok := s.ddl.names[key]; ok {
		if t := s.ddl.byOID[oid]; t != nil && t.key() == key {
			return t
		}
		return nil
	}
	if t := s.engine.catalog.lookupName(key); t != nil {
		if _, changed := s.ddl.byOID[t.oid]; !changed {
			return t
		}
	}
	return nil
}

// schemaOID returns a schema's OID, 0 when there is no such schema.
func (s *Session) schemaOID(name string) uint32 {
	if oid, ok := builtinSchemas[name]; ok {
		return oid
	}
	if t := s.lookupKey(nsKey(name)); t != nil {
		return t.oid
	}
	return 0
}

// tempSchema is the session's temporary schema's name ("" before the
// session made one).
func (s *Session) tempSchema() string {
	if s.tempSlot == 0 {
		return ""
	}
	name := fmt.Sprintf("%s%d", tempPrefix, s.tempSlot)
	if s.schemaOID(name) == 0 {
		return ""
	}
	return name
}

// schemaAlias maps pg_temp to the session's temporary schema.
func (s *Session) schemaAlias(schema string) string {
	if schema == "pg_temp" {
		if t := s.tempSchema(); t != "" {
			return t
		}
	}
	return schema
}

// searchPath returns the existing schemas that unqualified names are
// looked up in, in order: the temporary schema first when withTemp and the
// session has one, then search_path's (pg_catalog excluded: its relations
// are virtual, see lookupCatalogView).
func (s *Session) searchPath(withTemp bool) []string {
	if s.pathOverride != nil {
		return s.pathOverride
	}
	text, ver := s.vals["search_path"], s.catVersion()
	if s.spCache.text != text || s.spCache.version != ver || s.spCache.list == nil {
		var list []string
		if t := s.tempSchema(); t != "" {
			list = append(list, t)
		}
		for _, el := range parseSearchPath(text) {
			if el == "$user" {
				el = s.cfg.User
			}
			if el == "pg_catalog" || el == "pg_temp" || strings.HasPrefix(el, tempPrefix) || s.schemaOID(el) == 0 {
				continue
			}
			list = append(list, el)
		}
		s.spCache.text, s.spCache.version, s.spCache.list = text, ver, list
	}
	list := s.spCache.list
	if !withTemp && len(list) > 0 && strings.HasPrefix(list[0], tempPrefix) {
		list = list[1:]
	}
	return list
}

// parseSearchPath splits search_path's value into schema names: quoted
// names keep their case, others are folded.
func parseSearchPath(v string) []string {
	var out []string
	for _, part := range splitTopLevel(v) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if len(part) >= 2 && part[0] == '"' && part[len(part)-1] == '"' {
			out = append(out, strings.ReplaceAll(part[1:len(part)-1], `""`, `"`))
			continue
		}
		out = append(out, strings.ToLower(part))
	}
	return out
}

// splitTopLevel splits v at commas outside double quotes.
func splitTopLevel(v string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// currentSchemas is current_schemas(implicit): the search path's existing
// schemas, with pg_catalog (and the temporary schema) first when implicit
// is set, as PostgreSQL lists them.
func (s *Session) currentSchemas(implicit bool) []string {
	path := s.searchPath(implicit)
	if !implicit {
		return path
	}
	out := make([]string, 0, len(path)+1)
	if len(path) > 0 && strings.HasPrefix(path[0], tempPrefix) {
		out = append(out, path[0])
		path = path[1:]
	}
	return append(append(out, "pg_catalog"), path...)
}

// relationVisible reports whether an unqualified reference to the
// relation schema.name would find it (pg_table_is_visible).
func (s *Session) relationVisible(schema, name string) bool {
	if schema == "pg_catalog" {
		return true
	}
	for _, sch := range s.searchPath(true) {
		if sch == schema {
			return true
		}
		if s.lookupKey(qualified(sch, name)) != nil {
			return false
		}
	}
	return false
}

// creationSchema picks the schema a new relation goes into: the one named,
// pg_temp (or any schema, when temp) for the session's temporary schema,
// else the first existing schema of search_path.
func (s *Session) creationSchema(ctx context.Context, schema string, temp bool) (string, error) {
	if schema == "pg_temp" || (temp && (schema == "" || schema == s.tempSchema())) {
		return s.ensureTempSchema(ctx)
	}
	if temp {
		return "", pgerror.New(pgerror.InvalidTableDefinition, "cannot create temporary relation in non-temporary schema")
	}
	if schema != "" {
		if s.schemaOID(schema) == 0 {
			return "", pgerror.New(pgerror.InvalidSchemaName, "schema \"%s\" does not exist", schema)
		}
		if schema == "pg_catalog" || schema == "information_schema" || schema == "pg_toast" {
			return "", pgerror.New(pgerror.InsufficientPrivilege, "permission denied for schema %s", schema)
		}
		return schema, nil
	}
	path := s.searchPath(false)
	if len(path) == 0 {
		return "", pgerror.New(pgerror.InvalidSchemaName, "no schema has been selected to create in")
	}
	return path[0], nil
}

// ensureTempSchema makes the session's temporary schema exist and returns
// its name.
func (s *Session) ensureTempSchema(ctx context.Context) (string, error) {
	if t := s.tempSchema(); t != "" {
		return t, nil
	}
	if s.tempSlot == 0 {
		s.tempSlot = s.engine.temps.take()
	}
	name := fmt.Sprintf("%s%d", tempPrefix, s.tempSlot)
	if err := s.writeSchema(ctx, name, s.cfg.User); err != nil {
		return "", err
	}
	return name, nil
}

// writeSchema adds a schema entry in the transaction.
func (s *Session) writeSchema(ctx context.Context, name, owner string) error {
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+nsKey(name), lock.Exclusive); err != nil {
		return storageError(err)
	}
	oid := s.engine.catalog.nextOID.Add(1) - 1
	t := newTableDef(oid, "", name, nil, nil, "", 0)
	t.ns = &nsInfo{Owner: owner}
	return s.writeDef(t, "")
}

// execCreateSchema runs CREATE SCHEMA.
func (s *Session) execCreateSchema(ctx context.Context, n *parser.CreateSchema, stmt *parser.Statement) (*Result, error) {
	if n.Authorization != "" && n.Authorization != s.cfg.User && n.Authorization != "postgres" {
		return nil, pgerror.New(pgerror.UndefinedObject, "role \"%s\" does not exist", n.Authorization)
	}
	if strings.HasPrefix(n.Name, "pg_") {
		return nil, pgerror.New(pgerror.ReservedName, "unacceptable schema name \"%s\"", n.Name).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+nsKey(n.Name), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	if s.schemaOID(n.Name) != 0 {
		if n.IfNotExists {
			res := tagOnly("CREATE SCHEMA")
			res.Notices = append(res.Notices, pgerror.Notice("schema \"%s\" already exists, skipping", n.Name))
			res.Notices[0].Code = pgerror.DuplicateSchema
			return res, nil
		}
		return nil, pgerror.New(pgerror.DuplicateSchema, "schema \"%s\" already exists", n.Name)
	}
	owner := n.Authorization
	if owner == "" {
		owner = s.cfg.User
	}
	if err := s.writeSchema(ctx, n.Name, owner); err != nil {
		return nil, err
	}
	// The elements create their objects in the new schema: PostgreSQL
	// puts it alone on the search path while they run.
	if len(n.Elements) > 0 {
		saved := s.vals["search_path"]
		s.vals["search_path"] = quoteIdentIfNeeded(n.Name)
		defer func() { s.vals["search_path"] = saved }()
		for _, el := range n.Elements {
			if el.Utility == nil && el.AST == nil {
				continue
			}
			p, err := s.Prepare(el, nil)
			if err != nil {
				return nil, err
			}
			if err := s.Plan(p); err != nil {
				return nil, err
			}
			res, err := s.Execute(ctx, p, nil)
			if err != nil {
				return nil, err
			}
			if res.Rows != nil {
				res.Rows.Close()
			}
		}
	}
	return tagOnly("CREATE SCHEMA"), nil
}

// seqRef is how a serial column's default names its sequence: qualified
// unless it is in public (PostgreSQL prints the regclass by the search
// path of the moment; the default's text is fixed here).
func seqRef(schema, name string) string {
	if schema == "public" || schema == "" || strings.HasPrefix(schema, tempPrefix) {
		return eval.QuoteIdent(name)
	}
	return eval.QuoteIdent(schema) + "." + eval.QuoteIdent(name)
}

// namePosition gives a schema error of a CREATE the position of the
// relation's (qualified) name, where PostgreSQL reports it.
func namePosition(err error, stmt *parser.Statement, schema, name string) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Position != 0 || pe.Code != pgerror.InvalidSchemaName || stmt.Rewritten == "" {
		return err
	}
	word := strings.ToLower(cmp.Or(schema, name))
	low := strings.ToLower(stmt.Rewritten)
	for from := 0; ; {
		i := strings.Index(low[from:], word)
		if i < 0 {
			return err
		}
		i += from
		if end := i + len(word); (i == 0 || !isIdentChar(low[i-1])) && (end == len(low) || !isIdentChar(low[end])) {
			if i > 0 && (low[i-1] == '"' || low[i-1] == '`') {
				i--
			}
			pe.Position = stmt.Position(i)
			return pe
		}
		from = i + 1
	}
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// quoteIdentIfNeeded quotes a name for search_path when folding would
// change it.
func quoteIdentIfNeeded(name string) string {
	if strings.ToLower(name) == name && !strings.ContainsAny(name, `", `) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// schemaMembers returns the relations in schema, by name.
func (s *Session) schemaMembers(schema string) []*tableDef {
	var out []*tableDef
	for _, t := range s.visibleRelations() {
		if t.schema == schema {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}

// execDropSchema runs DROP SCHEMA.
func (s *Session) execDropSchema(ctx context.Context, n *parser.DropSchema) (*Result, error) {
	res := tagOnly("DROP SCHEMA")
	var drop []*tableDef
	for _, name := range n.Names {
		if _, builtin := builtinSchemas[name]; builtin {
			if name == "public" {
				return nil, pgerror.New(pgerror.FeatureNotSupported, "dropping schema public is not supported")
			}
			return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop schema %s because it is required by the database system", name)
		}
		t := s.lookupKey(nsKey(name))
		if t == nil {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("schema \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedSchema, "schema \"%s\" does not exist", name)
		}
		drop = append(drop, t)
	}
	var members []*tableDef
	var lines, detail []string
	// PostgreSQL reports the last-named schema's objects first.
	for i := len(drop) - 1; i >= 0; i-- {
		ns := drop[i]
		for _, m := range s.schemaMembersAndTypes(ns.name) {
			if m.seq != nil && m.seq.OwnerOID != 0 && s.current(m.seq.OwnerOID) != nil {
				continue // goes with its table
			}
			members = append(members, m)
			// Objects reachable through the search path go unqualified.
			line := fmt.Sprintf("%s %s.%s", kindWord(m, false), ns.name, m.name)
			if m.typ != nil {
				line = "type " + s.userTypeName(m, false)
			} else if s.relationVisible(ns.name, m.name) {
				line = fmt.Sprintf("%s %s", kindWord(m, false), m.name)
			}
			lines = append(lines, line)
			detail = append(detail, line+" depends on schema "+ns.name)
		}
	}
	if len(members) > 0 && !n.Cascade {
		return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop schema %s because other objects depend on it", drop[0].name).
			WithDetail("%s", strings.Join(detail, "\n")).WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	if len(members) > 0 {
		res.Notices = append(res.Notices, cascadeNotice(lines))
	}
	var rels []*tableDef
	for _, m := range members {
		if m.typ == nil {
			rels = append(rels, m)
		}
	}
	if err := s.dropRelations(ctx, rels); err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.typ != nil && s.current(m.oid) != nil {
			if err := s.dropDef(m); err != nil {
				return nil, err
			}
		}
	}
	for _, ns := range drop {
		if err := s.dropDef(ns); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// cascadeNotice is PostgreSQL's NOTICE for objects a CASCADE drops.
func cascadeNotice(lines []string) *pgerror.Error {
	if len(lines) == 1 {
		return pgerror.Notice("drop cascades to %s", lines[0])
	}
	nt := pgerror.Notice("drop cascades to %d other objects", len(lines))
	for i := range lines {
		lines[i] = "drop cascades to " + lines[i]
	}
	nt.Detail = strings.Join(lines, "\n")
	return nt
}

// dropRelations drops tables, views and sequences with everything that
// depends on them (foreign keys of other tables, owned sequences).
func (s *Session) dropRelations(ctx context.Context, defs []*tableDef) error {
	var tables []*tableDef
	for _, t := range defs {
		if t.seq == nil && t.view == nil {
			tables = append(tables, t)
		}
	}
	if len(tables) > 0 {
		if _, err := s.dropDependents(ctx, tables, true); err != nil {
			return err
		}
	}
	for _, t := range defs {
		cur := s.current(t.oid)
		if cur == nil {
			continue
		}
		if cur.seq != nil || cur.view != nil {
			if err := s.dropDef(cur); err != nil {
				return err
			}
			continue
		}
		cur, err := s.lockTable(ctx, cur)
		if err != nil {
			return err
		}
		if err := s.dropDef(cur); err != nil {
			return err
		}
		if err := s.dropOwnedSequences(ctx, cur); err != nil {
			return err
		}
	}
	return nil
}

// execAlterSchema runs ALTER SCHEMA ... RENAME TO / OWNER TO.
func (s *Session) execAlterSchema(ctx context.Context, n *parser.AlterSchema) (*Result, error) {
	res := tagOnly("ALTER SCHEMA")
	t := s.lookupKey(nsKey(n.Name))
	if t == nil {
		if _, builtin := builtinSchemas[n.Name]; builtin {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "altering schema %s is not supported", n.Name)
		}
		return nil, pgerror.New(pgerror.UndefinedSchema, "schema \"%s\" does not exist", n.Name)
	}
	if n.Owner != "" {
		if n.Owner != s.cfg.User && n.Owner != "postgres" {
			return nil, pgerror.New(pgerror.UndefinedObject, "role \"%s\" does not exist", n.Owner)
		}
		nt := *t
		nt.ns = &nsInfo{Owner: n.Owner}
		return res, s.writeDef(&nt, "")
	}
	if strings.HasPrefix(n.NewName, "pg_") {
		return nil, pgerror.New(pgerror.ReservedName, "unacceptable schema name \"%s\"", n.NewName).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	if s.schemaOID(n.NewName) != 0 {
		return nil, pgerror.New(pgerror.DuplicateSchema, "schema \"%s\" already exists", n.NewName)
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+nsKey(n.NewName), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	// Every member moves with its schema: its entry names the schema.
	for _, m := range s.schemaMembers(n.Name) {
		cur, err := s.lockTable(ctx, m)
		if err != nil {
			return nil, err
		}
		nm := *cur
		nm.schema = n.NewName
		if err := s.writeDef(&nm, cur.key()); err != nil {
			return nil, err
		}
	}
	nt := *t
	nt.name = n.NewName
	return res, s.writeDef(&nt, t.key())
}

// dropTempRelations drops every relation in the session's temporary
// schema (the session ended) in a transaction of its own.
func (s *Session) dropTempRelations() {
	if s.tempSlot == 0 {
		return
	}
	defer func() {
		s.engine.temps.free(s.tempSlot)
		s.tempSlot = 0
	}()
	name := fmt.Sprintf("%s%d", tempPrefix, s.tempSlot)
	_ = s.dropSchemaContents(context.Background(), name)
}

// dropSchemaContents drops the relations of schema in a transaction of
// its own.
func (s *Session) dropSchemaContents(ctx context.Context, schema string) error {
	members := s.schemaMembers(schema)
	if len(members) == 0 {
		return nil
	}
	s.beginTxn(true)
	if err := s.dropRelations(ctx, members); err != nil {
		_ = s.endTxn(false)
		return err
	}
	return s.endTxn(true)
}

// dropLeftoverTemps drops the temporary relations a crash left behind
// (their sessions are gone); run once when the engine opens.
func (e *Engine) dropLeftoverTemps() error {
	s, err := NewSession(e, Config{User: "postgres", Database: "postgres"})
	if err != nil {
		return err
	}
	defer s.Close()
	var schemas []string
	for _, t := range e.catalog.all() {
		if t.ns != nil && strings.HasPrefix(t.name, tempPrefix) {
			schemas = append(schemas, t.name)
		}
	}
	for _, sch := range schemas {
		if err := s.dropSchemaContents(context.Background(), sch); err != nil {
			return fmt.Errorf("dropping temporary relations of %s: %w", sch, err)
		}
	}
	return nil
}

// userSchemas lists the schemas made by CREATE SCHEMA and the temporary
// schemas, for pg_namespace.
func (s *Session) userSchemas() []pgcatalog.NamespaceInfo {
	var out []pgcatalog.NamespaceInfo
	add := func(t *tableDef) {
		if t != nil && t.ns != nil {
			out = append(out, pgcatalog.NamespaceInfo{OID: t.oid, Name: t.name, Owner: t.ns.Owner})
		}
	}
	for _, t := range s.engine.catalog.all() {
		if _, changed := s.ddl.byOID[t.oid]; !changed {
			add(t)
		}
	}
	for _, t := range s.ddl.byOID {
		add(t)
	}
	return out
}

// relationOID resolves a relation name (table, view, sequence, index or
// catalog relation) as regclass input does: in schema when given, else
// through pg_catalog and the search path.
func (s *Session) relationOID(schema, name string) (uint32, bool) {
	if schema == "" || pgcatalog.IsCatalogSchema(schema) {
		if oid, ok := pgcatalog.RelationByName(nil, schema, name); ok || schema != "" {
			return oid, ok
		}
	}
	path := []string{s.schemaAlias(schema)}
	if schema == "" {
		path = s.searchPath(true)
	}
	var tables []pgcatalog.TableInfo
	for _, sch := range path {
		if t := s.lookupKey(qualified(sch, name)); t != nil {
			return t.oid, true
		}
		if tables == nil {
			tables = s.catalogTables()
		}
		if oid, ok := pgcatalog.RelationByName(tables, sch, name); ok {
			return oid, true
		}
	}
	return 0, false
}

var _ eval.SchemaEnv = (*Session)(nil)

// CurrentSchemas implements eval.SchemaEnv.
func (s *Session) CurrentSchemas(implicit bool) []string { return s.currentSchemas(implicit) }

// RelationVisible implements eval.SchemaEnv.
func (s *Session) RelationVisible(oid uint32) (visible, exists bool) {
	schema, name, ok := pgcatalog.RelationByOID(s.catalogTables(), oid)
	if !ok {
		t := s.current(oid)
		if t == nil || !t.isRelation() {
			return false, false
		}
		schema, name = t.schema, t.name
	}
	return schema == "pg_catalog" || s.relationVisible(schema, name), true
}

// runOnCommit carries out the ON COMMIT actions of temporary tables just
// before the transaction commits: DROP drops the table, DELETE ROWS
// empties it (when it has rows, so that other commits stay cheap).
func (s *Session) runOnCommit(ctx context.Context) error {
	oids := make([]uint32, 0, len(s.onCommit))
	for oid := range s.onCommit {
		oids = append(oids, oid)
	}
	sort.Slice(oids, func(i, j int) bool { return oids[i] < oids[j] })
	for _, oid := range oids {
		t := s.current(oid)
		if t == nil {
			delete(s.onCommit, oid)
			continue
		}
		switch s.onCommit[oid] {
		case "drop":
			s.storageTxn()
			if err := s.dropRelations(ctx, []*tableDef{t}); err != nil {
				return err
			}
			delete(s.onCommit, oid)
		case "delete rows":
			if s.tx == nil {
				continue
			}
			it, err := s.tx.Scan(ctx, t.tree, nil, nil)
			if err != nil {
				return storageError(err)
			}
			has := it.Next()
			it.Close()
			if has {
				if _, err := s.replaceTree(ctx, t); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
