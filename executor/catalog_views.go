package executor

import (
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// The glue between the session's catalog and executor/pgcatalog's
// virtual relations: Session.lookup resolves pg_catalog and
// information_schema names (and unqualified pg_* names, pg_catalog being
// first on PostgreSQL's search path) through lookupCatalogView, and the
// session answers the catalog information functions (eval.CatalogEnv).

var _ eval.CatalogEnv = (*Session)(nil)

// catalogSource is the session as pgcatalog's Source: it reads the
// tables the session sees when a catalog relation is scanned.
type catalogSource struct{ s *Session }

var _ pgcatalog.Source = catalogSource{}

// lookupCatalogView returns the virtual relation schema.name, if any.
// Unqualified names are tried only when no user table has the name (the
// caller asks after its own lookup failed), which differs from
// PostgreSQL, where pg_catalog shadows a user table of the same name.
func (s *Session) lookupCatalogView(schema, name string) planner.Table {
	if schema != "" && !pgcatalog.IsCatalogSchema(schema) {
		return nil
	}
	if r := pgcatalog.Lookup(schema, name, catalogSource{s}); r != nil {
		return r
	}
	return nil
}

// Tables implements pgcatalog.Source.
func (c catalogSource) Tables() []pgcatalog.TableInfo { return c.s.catalogTables() }

// Sequences implements pgcatalog.Source.
func (c catalogSource) Sequences() []pgcatalog.SequenceInfo {
	var out []pgcatalog.SequenceInfo
	for _, t := range c.s.visibleRelations() {
		if q := t.seq; q != nil {
			si := pgcatalog.SequenceInfo{OID: t.oid, Schema: t.schema, Name: t.name, TypeOID: q.Type, Start: q.Start,
				Increment: q.Increment, Min: q.Min, Max: q.Max, Cycle: q.Cycle}
			if owner := c.s.current(q.OwnerOID); owner != nil && q.OwnerOID != 0 {
				if i := findCol(owner, q.OwnerCol); i >= 0 {
					si.OwnerOID, si.OwnerAttnum = q.OwnerOID, i+1
				}
			}
			si.LastValue = c.s.engine.seqLastValue(t.oid, q)
			out = append(out, si)
		}
	}
	return out
}

// Views implements pgcatalog.Source.
func (c catalogSource) Views() []pgcatalog.ViewInfo {
	var out []pgcatalog.ViewInfo
	for _, t := range c.s.visibleRelations() {
		if t.view != nil {
			t := t
			out = append(out, pgcatalog.ViewInfo{OID: t.oid, Schema: t.schema, Name: t.name, Columns: t.cols, Definition: t.view.SQL,
				Deparsed: func() string { return c.s.viewDef(t, false, 0) }, CheckOption: t.view.CheckOption})
		}
	}
	return out
}

// Namespaces implements pgcatalog.Source.
func (c catalogSource) Namespaces() []pgcatalog.NamespaceInfo { return c.s.userSchemas() }

// Database implements pgcatalog.Source.
func (c catalogSource) Database() string { return c.s.Database() }

// Settings implements pgcatalog.Source.
func (c catalogSource) Settings() []pgcatalog.Setting {
	names := settingNames()
	out := make([]pgcatalog.Setting, 0, len(names))
	for _, n := range names {
		d := lookupSetting(n)
		out = append(out, pgcatalog.Setting{Name: n, Value: c.s.vals[d.key], ShortDesc: d.desc, ReadOnly: d.readOnly})
	}
	return out
}

func (s *Session) catalogTables() []pgcatalog.TableInfo {
	defs := s.visibleTables()
	out := make([]pgcatalog.TableInfo, len(defs))
	for i, t := range defs {
		ti := pgcatalog.TableInfo{OID: t.oid, Schema: t.schema, Name: t.name, Columns: t.cols, PK: t.pk, PKName: t.pkName,
			Stats: s.statsInfo(t), Activity: s.activityInfo(t)}
		if t.mat != nil {
			t := t
			ti.Matview = &pgcatalog.MatviewInfo{Populated: t.mat.Populated, Definition: func() string { return s.matviewDef(t, false, 0) }}
		}
		for _, ix := range t.indexes {
			ti.Indexes = append(ti.Indexes, pgcatalog.IndexInfo{OID: ix.oid, Name: ix.name, Cols: ix.cols,
				Desc: ix.desc, Unique: ix.unique, Constraint: ix.constraint})
		}
		s.constraintInfos(t, &ti)
		out[i] = ti
	}
	return out
}

// CatalogIndexDef implements eval.CatalogEnv.
func (s *Session) CatalogIndexDef(oid uint32, column int) (string, bool) {
	t, ix := pgcatalog.FindIndex(s.catalogTables(), oid)
	if ix == nil {
		return "", false
	}
	return pgcatalog.IndexDef(t, ix, column), true
}

// CatalogConstraintDef implements eval.CatalogEnv.
func (s *Session) CatalogConstraintDef(oid uint32) (string, bool) {
	return s.CatalogConstraintDefPretty(oid, false)
}

// CatalogConstraintDefPretty is pg_get_constraintdef(oid, pretty).
func (s *Session) CatalogConstraintDefPretty(oid uint32, pretty bool) (string, bool) {
	tables := s.catalogTables()
	if def, ok := pgcatalog.FindCheckOrForeignKey(tables, oid, pretty); ok {
		return def, true
	}
	if def, ok := pgcatalog.FindDomainCheck(catalogSource{s}, oid, pretty); ok {
		return def, true
	}
	t, ix := pgcatalog.FindConstraint(tables, oid)
	if ix == nil {
		return "", false
	}
	return pgcatalog.ConstraintDef(t, ix), true
}

// CatalogRelationExists implements eval.CatalogEnv.
func (s *Session) CatalogRelationExists(oid uint32) bool {
	if _, _, ok := pgcatalog.RelationByOID(s.catalogTables(), oid); ok {
		return true
	}
	for _, t := range s.visibleRelations() {
		if (t.seq != nil || t.view != nil) && t.oid == oid {
			return true
		}
	}
	return false
}

// regclassName is regclassout for the session: the relation's name,
// quoted where needed, qualified by its schema unless that is on the
// search path (pg_catalog, public).
func (s *Session) regclassName(oid int64) (string, bool) {
	schema, name, ok := pgcatalog.RelationByOID(s.catalogTables(), uint32(oid))
	if !ok {
		for _, t := range s.visibleRelations() {
			if t.oid == uint32(oid) {
				schema, name, ok = t.schema, t.name, true
				break
			}
		}
	}
	if !ok {
		return "", false
	}
	if schema == "" || schema == "pg_catalog" || s.relationVisible(schema, name) {
		return eval.QuoteIdent(name), true
	}
	return eval.QuoteIdent(schema) + "." + eval.QuoteIdent(name), true
}

// CatalogRoleName implements eval.CatalogEnv.
func (s *Session) CatalogRoleName(oid uint32) string { return pgcatalog.RoleName(oid) }

// CatalogRegclass implements eval.CatalogEnv: name is schema.rel or rel,
// each part folded to lower case unless double-quoted.
func (s *Session) CatalogRegclass(name string) (uint32, bool) {
	schema, rel, err := splitRelationName(name)
	if err != nil {
		return 0, false
	}
	return s.relationOID(schema, rel)
}

// splitRelationName splits regclass input into schema (maybe "") and
// relation; 42602 for anything but one or two parts.
func splitRelationName(name string) (schema, rel string, err error) {
	switch parts := splitRegclassName(name); len(parts) {
	case 1:
		return "", parts[0], nil
	case 2:
		return parts[0], parts[1], nil
	}
	return "", "", pgerror.New(pgerror.InvalidName, "invalid name syntax")
}

// splitRegclassName splits a dotted name into identifiers, unquoting quoted
// parts and folding the others to lower case; nil when malformed.
func splitRegclassName(name string) []string { return parser.SplitQualifiedName(name) }

// TxidCurrent implements eval.CatalogEnv: the storage transaction's id
// (txid_current() opens the transaction, as in PostgreSQL it assigns one).
func (s *Session) TxidCurrent() int64 { return int64(s.storageTxn().ID()) }
