package executor

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Enums and domains: catalog entries like tables, keyed by name apart
// from relations (typKey), each holding one *types.T that lives as long
// as the type. Column definitions point at that T, so a committed ALTER
// TYPE ... ADD VALUE (which swaps the enum's labels inside it) reaches
// every table and cached plan without rebuilding them.

// typKeyPrefix keys type entries in the catalog's name maps.
const typKeyPrefix = "\x00typ."

// typKey is a type's key in the catalog's name maps.
func typKey(schema, name string) string { return typKeyPrefix + qualified(schema, name) }

// typeInfo makes a catalog entry an enum (Kind 'e') or a domain ('d').
type typeInfo struct {
	Kind     byte   `json:"kind"`
	ArrayOID uint32 `json:"array_oid"`
	Owner    string `json:"owner,omitempty"`
	// Labels are an enum's values.
	Labels []types.EnumLabel `json:"labels,omitempty"`
	// Base and BaseTypmod are a domain's base type; NotNull, Default and
	// Checks its constraints.
	Base       uint32        `json:"base,omitempty"`
	BaseTypmod int32         `json:"base_typmod,omitempty"`
	NotNull    bool          `json:"not_null,omitempty"`
	Default    string        `json:"default,omitempty"`
	Checks     []domainCheck `json:"checks,omitempty"`
	// t is the type itself, shared by every version of the entry.
	t *types.T
}

// domainCheck is one CHECK constraint of a domain (a pg_constraint row).
type domainCheck struct {
	OID      uint32 `json:"oid"`
	Name     string `json:"name"`
	Expr     string `json:"expr"`
	NotValid bool   `json:"not_valid,omitempty"`
}

// maxOID is the largest OID the entry uses besides its own.
func (ti *typeInfo) maxOID() uint32 {
	if ti == nil {
		return 0
	}
	m := ti.ArrayOID
	for _, l := range ti.Labels {
		m = max(m, l.OID)
	}
	for _, c := range ti.Checks {
		m = max(m, c.OID)
	}
	return m
}

// clone copies the entry's mutable parts for a new version.
func (ti *typeInfo) clone() *typeInfo {
	n := *ti
	n.Labels = append([]types.EnumLabel(nil), ti.Labels...)
	n.Checks = append([]domainCheck(nil), ti.Checks...)
	return &n
}

// loadTypes builds the types of the catalog's type entries, domains after
// the types they are over.
func loadTypes(records []tableRecord) (map[types.OID]*types.T, error) {
	out := map[types.OID]*types.T{}
	pending := map[uint32]*tableRecord{}
	for i := range records {
		if r := &records[i]; r.Type != nil {
			pending[r.OID] = r
		}
	}
	var build func(r *tableRecord, depth int) error
	build = func(r *tableRecord, depth int) error {
		if out[types.OID(r.OID)] != nil {
			return nil
		}
		ti := r.Type
		if ti.Kind == 'e' {
			ti.t = types.NewEnum(types.OID(r.OID), types.OID(ti.ArrayOID), r.Name, ti.Labels)
			out[ti.t.OID] = ti.t
			return nil
		}
		base := types.ByOID(types.OID(ti.Base))
		if base == nil {
			dep := pending[ti.Base]
			if dep == nil || depth > 64 {
				return fmt.Errorf("catalog: domain %s.%s has unknown base type %d", r.Schema, r.Name, ti.Base)
			}
			if err := build(dep, depth+1); err != nil {
				return err
			}
			base = out[types.OID(ti.Base)]
		}
		ti.t = types.NewDomain(types.OID(r.OID), types.OID(ti.ArrayOID), r.Name, base, ti.BaseTypmod)
		out[ti.t.OID] = ti.t
		return nil
	}
	for _, r := range pending {
		if err := build(r, 0); err != nil {
			return nil, err
		}
	}
	for oid, t := range out {
		if t.Array != nil {
			out[t.Array.OID] = t.Array
		}
		_ = oid
	}
	return out, nil
}

// LookupType implements planner.TypeCatalog: the enum or domain
// schema.name (schema "" = the search path), nil when there is none.
func (s *Session) LookupType(schema, name string) *types.T {
	if d := s.lookupTypeDef(schema, name); d != nil {
		return d.typ.t
	}
	return nil
}

func (s *Session) lookupTypeDef(schema, name string) *tableDef {
	if schema != "" {
		return s.lookupKey(typKey(s.schemaAlias(schema), name))
	}
	for _, sch := range s.searchPath(true) {
		if d := s.lookupKey(typKey(sch, name)); d != nil {
			return d
		}
	}
	return nil
}

// typeDefByOID returns the session's version of the type entry oid
// (an array type's OID finds its element's entry), nil when none.
func (s *Session) typeDefByOID(oid uint32) *tableDef {
	if d := s.current(oid); d != nil && d.typ != nil {
		return d
	}
	for _, d := range s.visibleTypes() {
		if d.typ.ArrayOID == oid {
			return d
		}
	}
	return nil
}

// DomainConstraints implements planner.TypeCatalog.
func (s *Session) DomainConstraints(t *types.T) planner.DomainInfo {
	d := s.current(uint32(t.OID))
	if d == nil || d.typ == nil {
		return planner.DomainInfo{}
	}
	info := planner.DomainInfo{Name: d.name, NotNull: d.typ.NotNull, Default: d.typ.Default}
	for _, c := range d.typ.Checks {
		info.Checks = append(info.Checks, planner.DomainCheckDef{Name: c.Name, Expr: c.Expr})
	}
	return info
}

// visibleTypes returns the type entries the session sees, by OID.
func (s *Session) visibleTypes() []*tableDef {
	c := s.engine.catalog
	c.mu.RLock()
	var out []*tableDef
	for oid, t := range c.byOID {
		if _, changed := s.ddl.byOID[oid]; !changed && t.typ != nil {
			out = append(out, t)
		}
	}
	c.mu.RUnlock()
	for _, t := range s.ddl.byOID {
		if t != nil && t.typ != nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}

// parseTypeName resolves a type name as written in DDL, casts and
// PREPARE: the built-in types, then the enums and domains.
func (s *Session) parseTypeName(name string) (*types.T, int32, error) {
	return types.ParseTypeNameWith(name, s.LookupType)
}

// columnType resolves a column's declared type: a domain becomes its base
// type (with the domain's typmod unless the column has its own) and is
// kept in col.Domain.
func (s *Session) columnType(col *planner.Column, name string) error {
	t, typmod, err := s.parseTypeName(name)
	if err != nil {
		return err
	}
	col.Type, col.Typmod, col.Domain = t, typmod, nil
	if t.Domain != nil {
		col.Domain = t
		col.Type = types.BaseType(t)
		if typmod < 0 {
			col.Typmod = domainTypmod(t)
		}
	}
	return nil
}

// domainTypmod is the typmod a domain (over domains) gives its values.
func domainTypmod(t *types.T) int32 {
	for ; t != nil && t.Domain != nil; t = t.Domain.Base {
		if t.Domain.Typmod >= 0 {
			return t.Domain.Typmod
		}
	}
	return -1
}

// typeVisible reports whether an unqualified reference to the type
// schema.name would find it (pg_type_is_visible).
func (s *Session) typeVisible(schema, name string) bool {
	if schema == "pg_catalog" {
		return true
	}
	for _, sch := range s.searchPath(true) {
		if sch == schema {
			return true
		}
		if s.lookupKey(typKey(sch, name)) != nil {
			return false
		}
	}
	return false
}

// typeNameForError is how PostgreSQL names a user type in messages: the
// bare name.
func typeNameForError(t *tableDef) string { return t.name }

// checkNewTypeName reports 42710 when schema.name is taken by a type (a
// table's row type counts: PostgreSQL makes one per relation).
func (s *Session) checkNewTypeName(schema, name string) error {
	if s.lookupKey(typKey(schema, name)) != nil || s.lookupKey(qualified(schema, name)) != nil || types.ByName(name) != nil && schema == "pg_catalog" {
		return pgerror.New(pgerror.DuplicateObject, "type \"%s\" already exists", name)
	}
	return nil
}

// newTypeDef allocates a type entry's OIDs and builds its T.
func (s *Session) newTypeDef(ctx context.Context, qname string, ti *typeInfo) (*tableDef, error) {
	schema, name := splitQualified(qname)
	schema, err := s.creationSchema(ctx, schema, false)
	if err != nil {
		return nil, err
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+typKey(schema, name), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	if err := s.checkNewTypeName(schema, name); err != nil {
		return nil, err
	}
	if len(name) > 62 {
		name = name[:62] // the array type "_name" must fit NAMEDATALEN
	}
	c := s.engine.catalog
	oid := c.nextOID.Add(1) - 1
	ti.ArrayOID = c.nextOID.Add(1) - 1
	ti.Owner = s.cfg.User
	d := newTableDef(oid, schema, name, nil, nil, "", 0)
	d.typ = ti
	return d, nil
}

// execCreateEnum runs CREATE TYPE ... AS ENUM.
func (s *Session) execCreateEnum(ctx context.Context, n *parser.CreateEnum) (*Result, error) {
	seen := map[string]bool{}
	ti := &typeInfo{Kind: 'e'}
	for i, l := range n.Labels {
		if l == "" || len(l) > 63 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid enum label \"%s\"", l).
				WithDetail("Labels must be 63 bytes or less.")
		}
		if seen[l] {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "enum labels must be unique").
				WithDetail("Key (enumtypid, enumlabel)=(%d, %s) already exists.", 0, l)
		}
		seen[l] = true
		ti.Labels = append(ti.Labels, types.EnumLabel{Sort: float32(i + 1), Label: l})
	}
	d, err := s.newTypeDef(ctx, n.Name, ti)
	if err != nil {
		return nil, err
	}
	for i := range ti.Labels {
		ti.Labels[i].OID = s.engine.catalog.nextOID.Add(1) - 1
	}
	ti.t = types.NewEnum(types.OID(d.oid), types.OID(ti.ArrayOID), d.name, ti.Labels)
	if err := s.writeDef(d, ""); err != nil {
		return nil, err
	}
	return tagOnly("CREATE TYPE"), nil
}

// execCreateDomain runs CREATE DOMAIN.
func (s *Session) execCreateDomain(ctx context.Context, n *parser.CreateDomain) (*Result, error) {
	base, typmod, err := s.parseTypeName(n.Type)
	if err != nil {
		return nil, err
	}
	if base.Category == types.CatPseudo {
		return nil, pgerror.New(pgerror.DatatypeMismatch, "\"%s\" is not a valid base type for a domain", base.Name)
	}
	ti := &typeInfo{Kind: 'd', Base: uint32(base.OID), BaseTypmod: typmod, NotNull: n.NotNull, Default: n.Default}
	d, err := s.newTypeDef(ctx, n.Name, ti)
	if err != nil {
		return nil, err
	}
	ti.t = types.NewDomain(types.OID(d.oid), types.OID(ti.ArrayOID), d.name, base, typmod)
	for _, c := range n.Checks {
		if _, err := s.addDomainCheck(d, c); err != nil {
			return nil, err
		}
	}
	if n.Default != "" {
		if err := s.checkDomainDefault(d, n.Default); err != nil {
			return nil, err
		}
	}
	if err := s.writeDef(d, ""); err != nil {
		return nil, err
	}
	return tagOnly("CREATE DOMAIN"), nil
}

// addDomainCheck names, binds (to report a bad expression now) and adds a
// CHECK constraint to the domain entry d.
func (s *Session) addDomainCheck(d *tableDef, c parser.DomainConstraint) (string, error) {
	name := c.Name
	if name == "" {
		name = s.uniqueDomainCheckName(d, d.name+"_check")
	} else {
		for _, o := range d.typ.Checks {
			if o.Name == name {
				return "", pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for domain %s already exists", name, d.name)
			}
		}
	}
	if err := planner.CheckDomainExpr(s, d.typ.t, c.Check); err != nil {
		return "", err
	}
	d.typ.Checks = append(d.typ.Checks, domainCheck{OID: s.engine.catalog.nextOID.Add(1) - 1, Name: name, Expr: c.Check, NotValid: c.NotValid})
	return name, nil
}

// uniqueDomainCheckName is ChooseConstraintName: base, then base1, base2...
func (s *Session) uniqueDomainCheckName(d *tableDef, base string) string {
	taken := map[string]bool{}
	for _, c := range d.typ.Checks {
		taken[c.Name] = true
	}
	name := base
	for i := 1; taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

// checkDomainDefault binds a domain's DEFAULT to report errors at CREATE.
func (s *Session) checkDomainDefault(d *tableDef, def string) error {
	col := planner.Column{Name: d.name, Type: types.BaseType(d.typ.t), Typmod: domainTypmod(d.typ.t), Default: def}
	_, err := planner.BindDefault(s, col, s.FormatOpts())
	return err
}

// typeDep is an object that depends on a type: a table column (t, col)
// or a domain (dom) over it.
type typeDep struct {
	t   *tableDef
	col int
	dom *tableDef
	// on is the type it depends on; array when it uses on's array type.
	on    *tableDef
	array bool
}

// typeDeps lists what depends on the type entry d, depth first as
// PostgreSQL's findDependentObjects reports them: each object's own
// dependents follow it, and objects come in creation (OID) order.
func (s *Session) typeDeps(d *tableDef) []typeDep {
	var out []typeDep
	seen := map[uint32]bool{}
	var walk func(d *tableDef)
	walk = func(d *tableDef) {
		oid, arr := types.OID(d.oid), types.OID(d.typ.ArrayOID)
		var direct, ofArray []typeDep
		for _, t := range s.visibleRelations() {
			if t.view != nil || t.seq != nil {
				continue
			}
			for i, c := range t.cols {
				used := c.Type.OID
				if c.Domain != nil {
					used = c.Domain.OID // a column of a domain depends on the domain only
				}
				switch used {
				case oid:
					direct = append(direct, typeDep{t: t, col: i, on: d})
				case arr:
					ofArray = append(ofArray, typeDep{t: t, col: i, on: d, array: true})
				}
			}
		}
		// The array type was made with the type, before anything that uses
		// either: its dependents come first.
		sort.SliceStable(ofArray, func(i, j int) bool { return ofArray[i].oid() < ofArray[j].oid() })
		out = append(out, ofArray...)
		for _, o := range s.visibleTypes() {
			if o.typ.Kind == 'd' && (o.typ.Base == d.oid || o.typ.Base == d.typ.ArrayOID) {
				direct = append(direct, typeDep{dom: o, on: d})
			}
		}
		sort.SliceStable(direct, func(i, j int) bool { return direct[i].oid() < direct[j].oid() })
		for _, dep := range direct {
			if dep.dom != nil {
				if seen[dep.dom.oid] {
					continue
				}
				seen[dep.dom.oid] = true
				out = append(out, dep)
				walk(dep.dom)
				continue
			}
			out = append(out, dep)
		}
	}
	walk(d)
	return out
}

// oid orders dependents: a column by its table's OID and its number.
func (d typeDep) oid() uint64 {
	if d.dom != nil {
		return uint64(d.dom.oid) << 16
	}
	return uint64(d.t.oid)<<16 | uint64(d.col)
}

// typeUsers lists the table columns that use the type entry d directly
// (of it or of its array) and the domains over it.
func (s *Session) typeUsers(d *tableDef) (cols []typeUse, domains []*tableDef) {
	for _, dep := range s.typeDeps(d) {
		if dep.on != d {
			continue
		}
		if dep.dom != nil {
			domains = append(domains, dep.dom)
		} else {
			cols = append(cols, typeUse{dep.t, dep.col})
		}
	}
	return cols, domains
}

// typeUse is a table column that uses a type.
type typeUse struct {
	t   *tableDef
	col int
}

// execDropType runs DROP TYPE and DROP DOMAIN.
func (s *Session) execDropType(ctx context.Context, n *parser.DropType) (*Result, error) {
	tag, what := "DROP TYPE", "type"
	if n.Domain {
		tag = "DROP DOMAIN"
	}
	res := tagOnly(tag)
	var drop []*tableDef
	for _, qname := range n.Names {
		schema, name := splitQualified(qname)
		d := s.lookupTypeDef(schema, name)
		if d == nil {
			if bt, _, err := types.ParseTypeName(qname); err == nil && bt != nil {
				return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop type %s because it is required by the database system", bt.SQLName)
			}
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("%s \"%s\" does not exist, skipping", what, qname))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedObject, "type \"%s\" does not exist", qname)
		}
		if n.Domain && d.typ.Kind != 'd' {
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a domain", qname)
		}
		drop = append(drop, d)
	}
	var lines, detail []string
	var dropCols []typeUse
	for _, d := range drop {
		for _, dep := range s.typeDeps(d) {
			line := "type " + dep.dom.nameOrEmpty()
			if dep.dom == nil {
				line = fmt.Sprintf("column %s of table %s", dep.t.cols[dep.col].Name, s.relName(dep.t))
				dropCols = append(dropCols, typeUse{dep.t, dep.col})
			} else {
				drop = append(drop, dep.dom)
			}
			on := typeNameForError(dep.on)
			if dep.array {
				on += "[]"
			}
			lines = append(lines, line)
			detail = append(detail, line+" depends on type "+on)
		}
	}
	if len(lines) > 0 && !n.Cascade {
		return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", what, drop[0].name).
			WithDetail("%s", strings.Join(detail, "\n")).WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	if len(lines) > 0 {
		res.Notices = append(res.Notices, cascadeNotice(lines))
		if err := s.dropTypeColumns(ctx, dropCols); err != nil {
			return nil, err
		}
	}
	for _, d := range drop {
		if s.current(d.oid) == nil {
			continue
		}
		if err := s.dropDef(d); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// nameOrEmpty is the entry's name ("" for nil).
func (t *tableDef) nameOrEmpty() string {
	if t == nil {
		return ""
	}
	return t.name
}

// relName is how a CASCADE notice names a relation: qualified when the
// search path would not find it.
func (s *Session) relName(t *tableDef) string {
	if s.relationVisible(t.schema, t.name) {
		return t.name
	}
	return t.schema + "." + t.name
}

// dropTypeColumns drops the columns a DROP TYPE ... CASCADE takes with it,
// through ALTER TABLE ... DROP COLUMN.
func (s *Session) dropTypeColumns(ctx context.Context, uses []typeUse) error {
	for i := len(uses) - 1; i >= 0; i-- {
		u := uses[i]
		t := s.current(u.t.oid)
		if t == nil {
			continue
		}
		colName := u.t.cols[u.col].Name
		stmt := &parser.AlterTable{Name: quoteIdentIfNeeded(t.schema) + "." + quoteIdentIfNeeded(t.name),
			Actions: []parser.AlterAction{{Kind: parser.AlterDropColumn, Column: colName, Cascade: true}}}
		if _, err := s.execAlterTable(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// execAlterType runs ALTER TYPE on an enum (or a domain's RENAME / OWNER).
func (s *Session) execAlterType(ctx context.Context, n *parser.AlterTypeStmt) (*Result, error) {
	schema, name := splitQualified(n.Name)
	d := s.lookupTypeDef(schema, name)
	if d == nil {
		return nil, pgerror.New(pgerror.UndefinedObject, "type \"%s\" does not exist", n.Name)
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, tableLockName(d.oid), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	res := tagOnly("ALTER TYPE")
	nd := newTableDef(d.oid, d.schema, d.name, nil, nil, "", 0)
	nd.typ = d.typ.clone()
	switch {
	case n.Owner != "":
		if n.Owner != s.cfg.User && n.Owner != "postgres" {
			return nil, pgerror.New(pgerror.UndefinedObject, "role \"%s\" does not exist", n.Owner)
		}
		return res, nil
	case n.RenameTo != "":
		if err := s.checkNewTypeName(d.schema, n.RenameTo); err != nil {
			return nil, err
		}
		nd.name = n.RenameTo
		if err := s.writeDef(nd, d.key()); err != nil {
			return nil, err
		}
		s.onPublishRename(nd)
		return res, nil
	}
	if d.typ.Kind != 'e' {
		return nil, pgerror.New(pgerror.WrongObjectType, "%s is not an enum", d.name)
	}
	switch {
	case n.RenameValue != "":
		return nil, pgerror.New(pgerror.FeatureNotSupported, "ALTER TYPE ... RENAME VALUE is not supported yet")
	case n.AddValue != "":
		if len(n.AddValue) > 63 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid enum label \"%s\"", n.AddValue).
				WithDetail("Labels must be 63 bytes or less.")
		}
		labels := nd.typ.Labels
		sort.Slice(labels, func(i, j int) bool { return labels[i].Sort < labels[j].Sort })
		for _, l := range labels {
			if l.Label == n.AddValue {
				if n.IfNotExists {
					res.Notices = append(res.Notices, pgerror.Notice("enum label \"%s\" already exists, skipping", n.AddValue))
					res.Notices[0].Code = pgerror.DuplicateObject
					return res, nil
				}
				return nil, pgerror.New(pgerror.DuplicateObject, "enum label \"%s\" already exists", n.AddValue)
			}
		}
		sortOrder, err := newLabelSort(labels, n.Before, n.After)
		if err != nil {
			return nil, err
		}
		nd.typ.Labels = append(labels, types.EnumLabel{OID: s.engine.catalog.nextOID.Add(1) - 1, Sort: sortOrder, Label: n.AddValue})
		if err := s.writeDef(nd, ""); err != nil {
			return nil, err
		}
		s.onPublishLabels(nd)
		return res, nil
	}
	return res, nil
}

// newLabelSort picks the new label's enumsortorder: after the last label,
// or between the neighbour named by BEFORE / AFTER and the next one.
func newLabelSort(labels []types.EnumLabel, before, after string) (float32, error) {
	if before == "" && after == "" {
		if len(labels) == 0 {
			return 1, nil
		}
		return labels[len(labels)-1].Sort + 1, nil
	}
	nb := before
	if nb == "" {
		nb = after
	}
	for i, l := range labels {
		if l.Label != nb {
			continue
		}
		if before != "" {
			lo := float32(0)
			if i > 0 {
				lo = labels[i-1].Sort
			} else {
				lo = l.Sort - 1
			}
			return (lo + l.Sort) / 2, nil
		}
		if i == len(labels)-1 {
			return l.Sort + 1, nil
		}
		return (l.Sort + labels[i+1].Sort) / 2, nil
	}
	return 0, pgerror.New(pgerror.InvalidParameterValue, "\"%s\" is not an existing enum label", nb)
}

// onPublishLabels makes an enum's new labels visible: at once when the
// type is new in this transaction (no one else sees it), else when the
// transaction commits (PostgreSQL forbids using a new label before then).
func (s *Session) onPublishLabels(d *tableDef) {
	if s.engine.catalog.lookupOID(d.oid) == nil {
		d.typ.t.Enum.SetLabels(d.typ.Labels)
		return
	}
	s.afterCommit = append(s.afterCommit, func() { d.typ.t.Enum.SetLabels(d.typ.Labels) })
}

// onPublishRename renames the shared T when the rename commits.
func (s *Session) onPublishRename(d *tableDef) {
	t, name := d.typ.t, d.name
	apply := func() {
		t.Name, t.SQLName = name, types.QuoteTypeName(name)
		if t.Array != nil {
			t.Array.Name, t.Array.SQLName = "_"+name, t.SQLName+"[]"
		}
	}
	if s.engine.catalog.lookupOID(d.oid) == nil {
		apply()
		return
	}
	s.afterCommit = append(s.afterCommit, apply)
}

// execAlterDomain runs ALTER DOMAIN.
func (s *Session) execAlterDomain(ctx context.Context, n *parser.AlterDomain) (*Result, error) {
	schema, name := splitQualified(n.Name)
	d := s.lookupTypeDef(schema, name)
	if d == nil {
		return nil, pgerror.New(pgerror.UndefinedObject, "type \"%s\" does not exist", n.Name)
	}
	if d.typ.Kind != 'd' {
		return nil, pgerror.New(pgerror.WrongObjectType, "%s is not a domain", n.Name)
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, tableLockName(d.oid), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	res := tagOnly("ALTER DOMAIN")
	nd := newTableDef(d.oid, d.schema, d.name, nil, nil, "", 0)
	nd.typ = d.typ.clone()
	switch n.Kind {
	case parser.AlterDomainOwner:
		return res, nil
	case parser.AlterDomainSetDefault:
		if err := s.checkDomainDefault(nd, n.Default); err != nil {
			return nil, err
		}
		nd.typ.Default = n.Default
	case parser.AlterDomainDropDefault:
		nd.typ.Default = ""
	case parser.AlterDomainSetNotNull:
		if err := s.validateDomain(ctx, nd, nil, true); err != nil {
			return nil, err
		}
		nd.typ.NotNull = true
	case parser.AlterDomainDropNotNull:
		nd.typ.NotNull = false
	case parser.AlterDomainAddConstraint:
		if n.NotNull {
			if err := s.validateDomain(ctx, nd, nil, true); err != nil {
				return nil, err
			}
			nd.typ.NotNull = true
			break
		}
		cname, err := s.addDomainCheck(nd, n.Constraint)
		if err != nil {
			return nil, err
		}
		if !n.Constraint.NotValid {
			if err := s.validateDomain(ctx, nd, &nd.typ.Checks[len(nd.typ.Checks)-1], false); err != nil {
				return nil, err
			}
		}
		_ = cname
	case parser.AlterDomainDropConstraint:
		found := false
		for i, c := range nd.typ.Checks {
			if c.Name == n.Constraint.Name {
				nd.typ.Checks = append(nd.typ.Checks[:i], nd.typ.Checks[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("constraint \"%s\" of domain \"%s\" does not exist, skipping", n.Constraint.Name, d.name))
				return res, nil
			}
			return nil, pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" of domain \"%s\" does not exist", n.Constraint.Name, d.name)
		}
	case parser.AlterDomainValidate:
		idx := -1
		for i, c := range nd.typ.Checks {
			if c.Name == n.Constraint.Name {
				idx = i
			}
		}
		if idx < 0 {
			return nil, pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" of domain \"%s\" does not exist", n.Constraint.Name, d.name)
		}
		if err := s.validateDomain(ctx, nd, &nd.typ.Checks[idx], false); err != nil {
			return nil, err
		}
		nd.typ.Checks[idx].NotValid = false
	case parser.AlterDomainRenameConstraint:
		idx := -1
		for i, c := range nd.typ.Checks {
			if c.Name == n.NewName {
				return nil, pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for domain %s already exists", n.NewName, d.name)
			}
			if c.Name == n.Constraint.Name {
				idx = i
			}
		}
		if idx < 0 {
			return nil, pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" for domain \"%s\" does not exist", n.Constraint.Name, d.name)
		}
		nd.typ.Checks[idx].Name = n.NewName
	case parser.AlterDomainRename:
		if err := s.checkNewTypeName(d.schema, n.NewName); err != nil {
			return nil, err
		}
		nd.name = n.NewName
		if err := s.writeDef(nd, d.key()); err != nil {
			return nil, err
		}
		s.onPublishRename(nd)
		return res, nil
	}
	if err := s.writeDef(nd, ""); err != nil {
		return nil, err
	}
	return res, nil
}

// validateDomain checks the stored values of every column of the domain
// against a new constraint (a CHECK, or NOT NULL when notNull), with
// PostgreSQL's errors.
func (s *Session) validateDomain(ctx context.Context, d *tableDef, chk *domainCheck, notNull bool) error {
	for _, dep := range s.typeDeps(d) {
		if dep.dom != nil || dep.array {
			continue
		}
		u := typeUse{dep.t, dep.col}
		col := u.t.cols[u.col]
		var check []eval.Check
		if !notNull {
			x, err := planner.BindDomainCheckOn(s, d.typ.t, chk.Expr, &planner.ColumnRef{Idx: u.col, T: col.Type})
			if err != nil {
				return err
			}
			check = []eval.Check{{Name: chk.Name, Expr: x}}
		}
		acc := &tableAccess{s: s, t: u.t, tx: s.storageTxn(), planned: u.t}
		if err := s.scanRows(ctx, acc, func(row []types.Datum) error {
			if notNull {
				if row[u.col] == nil {
					return pgerror.New(pgerror.NotNullViolation, "column \"%s\" of table \"%s\" contains null values", col.Name, u.t.name)
				}
				return nil
			}
			if err := eval.CheckRow(ctx, s, u.t, check, row); err != nil {
				if pgerror.From(err).Code == pgerror.CheckViolation {
					return pgerror.New(pgerror.CheckViolation, "column \"%s\" of table \"%s\" contains values that violate the new constraint", col.Name, u.t.name)
				}
				return err
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// scanRows calls f with every row of the table acc reads.
func (s *Session) scanRows(ctx context.Context, acc *tableAccess, f func([]types.Datum) error) error {
	rows, err := acc.Scan(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(row); err != nil {
			return err
		}
	}
}

// regtypeName is regtypeout for enums and domains (and their arrays):
// the name, qualified when the search path would not find it.
func (s *Session) regtypeName(oid int64) (string, bool) {
	d := s.typeDefByOID(uint32(oid))
	if d == nil {
		if n, ok := infoSchemaTypeName(uint32(oid)); ok {
			return n, true
		}
		// The pseudo-types built-in functions are declared with
		// (anyenum, internal, ...), which sql/types does not have.
		return pgcatalog.FormatType(uint32(oid), -1)
	}
	return s.userTypeName(d, uint32(oid) == d.typ.ArrayOID), true
}

// userTypeName is format_type's name of a user type entry d (its array
// type when array).
func (s *Session) userTypeName(d *tableDef, array bool) string {
	n := types.QuoteTypeName(d.name)
	if !s.typeVisible(d.schema, d.name) {
		n = types.QuoteTypeName(d.schema) + "." + n
	}
	if array {
		n += "[]"
	}
	return n
}

// UserTypes implements pgcatalog.TypeSource.
func (c catalogSource) UserTypes() []pgcatalog.UserType {
	s := c.s
	var out []pgcatalog.UserType
	for _, d := range s.visibleTypes() {
		u := pgcatalog.UserType{T: d.typ.t, Schema: d.schema, ArrayOID: d.typ.ArrayOID, NotNull: d.typ.NotNull}
		if d.typ.Default != "" {
			u.Default = displayDefault(d.typ.Default, types.BaseType(d.typ.t))
		}
		for _, c := range d.typ.Checks {
			info := pgcatalog.DomainCheckInfo{OID: c.OID, Name: c.Name, NotValid: c.NotValid, Def: "CHECK (?)", PrettyDef: "CHECK (?)"}
			if x, err := planner.BindDomainCheckOn(s, d.typ.t, c.Expr, &planner.ArrayElem{T: types.BaseType(d.typ.t)}); err == nil {
				info.Def = "CHECK (" + deparseExpr(x, nil, false) + ")"
				info.PrettyDef = "CHECK (" + deparseExpr(x, nil, true) + ")"
			}
			u.Checks = append(u.Checks, info)
		}
		out = append(out, u)
	}
	return out
}

// regtypeOID is regtypein for enums and domains (and their arrays).
func (s *Session) regtypeOID(name string) (int64, bool) {
	if _, _, err := types.ParseTypeName(name); err == nil {
		return 0, false // a built-in type: types.parseRegtype's
	}
	t, _, err := s.parseTypeName(name)
	if err != nil {
		return 0, false
	}
	return int64(t.OID), true
}

// CatalogTypeVisible is pg_type_is_visible for enums and domains (known is
// false for other OIDs).
func (s *Session) CatalogTypeVisible(oid uint32) (visible, known bool) {
	d := s.typeDefByOID(oid)
	if d == nil {
		if u, _ := pgcatalog.InfoSchemaDomain(oid); u != nil {
			return s.typeVisible("information_schema", u.T.Name), true
		}
		return false, false
	}
	return s.typeVisible(d.schema, d.name), true
}

// schemaMembersAndTypes is schemaMembers with the schema's enums and
// domains, in OID order.
func (s *Session) schemaMembersAndTypes(schema string) []*tableDef {
	out := s.schemaMembers(schema)
	for _, d := range s.visibleTypes() {
		if d.schema == schema {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}

// infoSchemaTypeName names information_schema's domains for regtypeout.
func infoSchemaTypeName(oid uint32) (string, bool) {
	u, array := pgcatalog.InfoSchemaDomain(oid)
	if u == nil {
		return "", false
	}
	n := "information_schema." + u.T.Name
	if array {
		n += "[]"
	}
	return n, true
}

// columnDefaultText is how a column's DEFAULT is kept and shown: a quoted
// literal for an enum or domain column gets PostgreSQL's cast to the
// type's name (qualified when the search path would not find it), other
// defaults go through displayDefault.
func (s *Session) columnDefaultText(text string, col planner.Column) string {
	ut := col.Domain
	if ut == nil && col.Type.Enum != nil {
		ut = col.Type
	}
	if ut == nil || displayDefault(text, types.Text) == text {
		return displayDefault(text, col.Type)
	}
	if d := s.typeDefByOID(uint32(ut.OID)); d != nil {
		return text + "::" + s.userTypeName(d, false)
	}
	return text
}
