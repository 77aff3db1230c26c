package executor

import (
	"context"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// ALTER TABLE as sql/parser's AlterTable: the actions run one after the
// other in the session's transaction (transactional DDL: a failing
// action rolls the whole statement back with it), each on the table's
// current def. ADD actions go through execAlter (ddl.go), the TiDB-AST
// path that CREATE TABLE shares; the column and constraint changes are
// here and in alter_column.go.

// execAlterTable runs ALTER TABLE / INDEX / VIEW / SEQUENCE.
func (s *Session) execAlterTable(ctx context.Context, n *parser.AlterTable) (*Result, error) {
	res := tagOnly("ALTER " + strings.ToUpper(n.Object))
	schema, name := splitQualified(n.Name)
	t, err := s.lookup(schema, name)
	if err != nil && n.Object == "index" || err != nil && n.Object == "table" && len(n.Actions) == 1 && n.Actions[0].Kind == parser.AlterRename {
		// An index is not a catalog entry of its own: find its table.
		if it, ix := s.findIndexOrKey(name); it != nil {
			if n.Actions[0].Kind != parser.AlterRename {
				return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", name)
			}
			if err := s.renameIndex(ctx, it, ix, n.Actions[0].NewName); err != nil {
				return nil, err
			}
			return res, nil
		}
	}
	if err != nil {
		if n.IfExists && pgerror.From(err).Code == pgerror.UndefinedTable {
			res.Notices = append(res.Notices, pgerror.Notice("relation \"%s\" does not exist, skipping", name))
			return res, nil
		}
		return nil, err
	}
	switch {
	case n.Object == "sequence" && t.seq == nil:
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a sequence", name)
	case n.Object == "view" && t.view == nil:
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a view", name)
	}
	if len(n.Actions) == 1 && n.Actions[0].Kind == parser.AlterRename {
		return res, s.renameRelation(ctx, t, n.Actions[0].NewName)
	}
	if t.seq != nil || t.view != nil {
		if len(n.Actions) == 1 && n.Actions[0].Kind == parser.AlterRenameColumn && t.view != nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "renaming a view's column is not supported yet")
		}
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", t.name)
	}
	for i := range n.Actions {
		a := &n.Actions[i]
		// Each action sees what the previous ones did.
		if t = s.current(t.oid); t == nil {
			return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
		}
		notices, err := s.alterAction(ctx, t, a)
		if err != nil {
			return nil, err
		}
		res.Notices = append(res.Notices, notices...)
	}
	return res, nil
}

// alterAction runs one action on t.
func (s *Session) alterAction(ctx context.Context, t *tableDef, a *parser.AlterAction) ([]*pgerror.Error, error) {
	switch a.Kind {
	case parser.AlterAdd:
		if a.IfNotExists && findCol(t, a.Column) >= 0 {
			return []*pgerror.Error{pgerror.Notice("column \"%s\" of relation \"%s\" already exists, skipping", a.Column, t.name)}, nil
		}
		n, ok := a.Add.AST.(*ast.AlterTableStmt)
		if !ok {
			return nil, pgerror.New(pgerror.InternalError, "ALTER TABLE ... ADD did not parse as ALTER TABLE")
		}
		res, err := s.execAlter(ctx, n, a.Add)
		if err != nil {
			return nil, err
		}
		return res.Notices, nil
	case parser.AlterDropColumn:
		if findCol(t, a.Column) < 0 && a.IfExists {
			return []*pgerror.Error{pgerror.Notice("column \"%s\" of relation \"%s\" does not exist, skipping", a.Column, t.name)}, nil
		}
		return s.dropColumnCascade(ctx, t, a.Column, a.Cascade)
	case parser.AlterDropConstraint:
		if t.pk != nil && t.pkName == a.Constraint {
			return s.dropPrimaryKey(ctx, t, a.Cascade)
		}
		_, notices, err := s.dropConstraint(ctx, t, a.Constraint, a.IfExists, a.Cascade)
		return notices, err
	case parser.AlterSetDefault, parser.AlterDropDefault:
		return nil, s.alterDefault(ctx, t, a)
	case parser.AlterSetNotNull:
		return nil, s.setNotNull(ctx, t, a.Column)
	case parser.AlterDropNotNull:
		return nil, s.dropNotNull(ctx, t, a.Column)
	case parser.AlterType:
		return nil, s.alterColumnType(ctx, t, a)
	case parser.AlterRenameColumn:
		return nil, s.renameColumn(ctx, t, a.Column, a.NewName)
	case parser.AlterRenameConstraint:
		return nil, s.renameConstraint(ctx, t, a.Constraint, a.NewName)
	case parser.AlterRename:
		return nil, s.renameRelation(ctx, t, a.NewName)
	case parser.AlterNoOp:
		return nil, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "this form of ALTER TABLE is not supported yet")
}

// findIndexOrKey finds the table whose secondary index or primary key is
// called name; ix is nil for a primary key.
func (s *Session) findIndexOrKey(name string) (*tableDef, *indexDef) {
	for _, t := range s.visibleTables() {
		if t.pk != nil && t.pkName == name {
			return t, nil
		}
		for _, ix := range t.indexes {
			if ix.name == name {
				return t, ix
			}
		}
	}
	return nil, nil
}

// claimName locks a new relation name and checks that it is free.
func (s *Session) claimName(ctx context.Context, schema, name string) error {
	if err := s.storageTxn().LockObject(ctx, "name:"+qualified(schema, name), lock.Exclusive); err != nil {
		return storageError(err)
	}
	if s.relationExists(schema, name) {
		return pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	return nil
}

// renameIndex renames an index or primary key (ix nil) of t, and so the
// constraint it implements, as PostgreSQL's RenameRelation does.
func (s *Session) renameIndex(ctx context.Context, t *tableDef, ix *indexDef, to string) error {
	if err := s.claimName(ctx, t.schema, to); err != nil {
		return err
	}
	if relationHasConstraint(t, to) && (ix == nil || ix.constraint) {
		return pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", to, t.name)
	}
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	nt := *cur
	if ix == nil {
		nt.pkName = to
		return s.writeDef(&nt, "")
	}
	nt.indexes = make([]*indexDef, len(cur.indexes))
	for i, x := range cur.indexes {
		if x.oid == ix.oid {
			c := *x
			c.name = to
			x = &c
		}
		nt.indexes[i] = x
	}
	return s.writeDef(&nt, "")
}

// renameRelation runs RENAME TO of a table, view or sequence; a renamed
// sequence's name is also changed in the nextval defaults that use it
// (PostgreSQL's defaults hold its OID; ours hold its name).
func (s *Session) renameRelation(ctx context.Context, t *tableDef, to string) error {
	old := t.name
	if _, err := s.renameTable(ctx, t, to); err != nil {
		return err
	}
	if t.seq == nil {
		return nil
	}
	r := strings.NewReplacer("'"+old+"'::regclass", "'"+to+"'::regclass", "nextval('"+old+"')", "nextval('"+to+"')")
	for _, u := range s.visibleTables() {
		changed := false
		for _, c := range u.cols {
			changed = changed || r.Replace(c.Default) != c.Default
		}
		if !changed {
			continue
		}
		cur, err := s.lockTable(ctx, u)
		if err != nil {
			return err
		}
		nt := *cur
		nt.cols = append([]planner.Column(nil), cur.cols...)
		for i := range nt.cols {
			nt.cols[i].Default = r.Replace(nt.cols[i].Default)
		}
		if err := s.writeDef(&nt, ""); err != nil {
			return err
		}
	}
	return nil
}

// renameConstraint runs RENAME CONSTRAINT c TO d.
func (s *Session) renameConstraint(ctx context.Context, t *tableDef, from, to string) error {
	if !relationHasConstraint(t, from) {
		return pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", from, t.name)
	}
	if t.pk != nil && t.pkName == from {
		return s.renameIndex(ctx, t, nil, to)
	}
	for _, ix := range t.indexes {
		if ix.constraint && ix.name == from {
			return s.renameIndex(ctx, t, ix, to)
		}
	}
	if relationHasConstraint(t, to) {
		return pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", to, t.name)
	}
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	nt := *cur
	nt.cons = cur.cons.clone(nil)
	for _, ch := range nt.cons.Checks {
		if ch.Name == from {
			ch.Name = to
		}
	}
	for _, fk := range nt.cons.FKeys {
		if fk.Name == from {
			fk.Name = to
		}
	}
	return s.writeDef(&nt, "")
}
