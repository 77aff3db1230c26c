package executor

import (
	"context"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Views. A view is a catalog entry holding its query as the user wrote
// it; the planner expands it where it is used (planner.ViewTable), as
// PostgreSQL's rewriter substitutes a view's query. Its columns are
// fixed when it is created. Views are read-only.

// viewInfo is a view's definition.
type viewInfo struct {
	SQL string `json:"sql"`
	// SearchPath is the search path the view was created under (the
	// schemas that existed); its query resolves names through it. Empty
	// for views made before schemas existed: the session's path then.
	SearchPath []string `json:"search_path,omitempty"`
	// CheckOption is WITH [LOCAL | CASCADED] CHECK OPTION ("local",
	// "cascaded", "" for none).
	CheckOption string `json:"check_option,omitempty"`
}

// viewRelation is a view as the planner sees it.
type viewRelation struct {
	*tableDef
	s *Session
}

var _ planner.ScopedView = (*viewRelation)(nil)

// EnterView implements planner.ScopedView.
func (v *viewRelation) EnterView() func() {
	if len(v.view.SearchPath) == 0 {
		return func() {}
	}
	saved := v.s.pathOverride
	v.s.pathOverride = v.view.SearchPath
	return func() { v.s.pathOverride = saved }
}

var _ planner.ViewTable = (*viewRelation)(nil)

// RelKind names the relation's kind in errors.
func (v *viewRelation) RelKind() string { return "view" }

// ViewQuery implements planner.ViewTable.
func (v *viewRelation) ViewQuery() string { return v.view.SQL }

// CheckOption implements planner.CheckOptionView.
func (v *viewRelation) CheckOption() string { return v.view.CheckOption }

// execCreateView runs CREATE [OR REPLACE] VIEW.
func (s *Session) execCreateView(ctx context.Context, n *parser.CreateView) (*Result, error) {
	schema, name := splitQualified(n.Name)
	schema, err := s.creationSchema(ctx, schema, n.Temp)
	if err != nil {
		return nil, err
	}
	stmts, err := parser.Parse(n.Query)
	if err != nil {
		return nil, shiftPosition(err, n.QueryPos)
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", firstWord(n.Query))
	}
	switch stmts[0].AST.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
	default:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "views must be defined by a SELECT")
	}
	if stmts[0].NumParams > 0 {
		return nil, pgerror.New(pgerror.UndefinedParameter, "there is no parameter $1")
	}
	if err := planner.CheckViewWith(stmts[0]); err != nil {
		return nil, err
	}
	q, err := planner.BuildWithOptions(stmts[0].AST, nil, s, &s.fo, planner.OptionsOf(stmts[0]))
	if err != nil {
		return nil, shiftPosition(userPosition(err, stmts[0]), n.QueryPos)
	}
	if len(n.Columns) > len(q.Columns) {
		return nil, pgerror.New(pgerror.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	cols := make([]planner.Column, len(q.Columns))
	seen := map[string]bool{}
	for i, c := range q.Columns {
		col := planner.Column{Name: c.Name, Type: c.Type, Typmod: c.Typmod}
		if i < len(n.Columns) {
			col.Name = n.Columns[i]
		}
		if col.Type.OID == types.OidUnknown {
			col.Type = types.Text
		}
		if seen[col.Name] {
			return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", col.Name)
		}
		seen[col.Name] = true
		cols[i] = col
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+qualified(schema, name), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	oid := uint32(0)
	if old := s.lookupKey(qualified(schema, name)); old != nil {
		if old.view == nil || !n.OrReplace {
			if old.view != nil || !n.OrReplace {
				return nil, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
			}
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a view", name)
		}
		oid = old.oid
	} else if s.relationExists(schema, name) {
		return nil, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	if oid == 0 {
		oid = s.engine.catalog.nextOID.Add(1) - 1
	}
	t := newTableDef(oid, schema, name, cols, nil, "", 0)
	t.view = &viewInfo{SQL: n.Query, SearchPath: s.searchPath(true), CheckOption: n.CheckOption}
	if err := s.writeDef(t, ""); err != nil {
		return nil, storageError(err)
	}
	return tagOnly("CREATE VIEW"), nil
}

// execDropView runs DROP VIEW.
func (s *Session) execDropView(ctx context.Context, n *parser.DropView) (*Result, error) {
	res := tagOnly("DROP VIEW")
	var defs []*tableDef
	for _, qn := range n.Names {
		schema, name := splitQualified(qn)
		t, err := s.lookup(schema, name)
		if err != nil {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("view \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedTable, "view \"%s\" does not exist", name)
		}
		if t.view == nil {
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a view", name).
				WithHint("Use DROP %s to remove a %s.", kindWord(t, true), kindWord(t, false))
		}
		defs = append(defs, t)
	}
	notices, err := s.dropDependents(ctx, defs, n.Cascade)
	if err != nil {
		return nil, err
	}
	res.Notices = append(res.Notices, notices...)
	for _, t := range defs {
		if err := s.dropTreeless(ctx, t); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// kindWord names t's kind for hints ("TABLE"/"table", "SEQUENCE", ...).
func kindWord(t *tableDef, upper bool) string {
	w := "table"
	switch {
	case t.seq != nil:
		w = "sequence"
	case t.view != nil:
		w = "view"
	case t.mat != nil:
		w = "materialized view"
	}
	if upper {
		return strings.ToUpper(w)
	}
	return w
}

// dropTreeless drops a catalog entry that owns no tree (a view or a
// sequence) in the transaction.
func (s *Session) dropTreeless(ctx context.Context, t *tableDef) error {
	t, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	if err := s.storageTxn().Delete(storage.CatalogTree, catalogKey(t.oid)); err != nil {
		return storageError(err)
	}
	s.ddl.set(t.oid, nil, t.key())
	s.catEpoch++
	return s.dropComments(classPgClass, t.oid)
}

// shiftPosition moves a position counted in a nested text (1 = its first
// character) to the enclosing statement, whose nested text starts at
// start.
func shiftPosition(err error, start int) error {
	pe := pgerror.From(err)
	if pe.Position == 0 || start <= 0 {
		return err
	}
	cp := *pe
	cp.Position = start + pe.Position - 1
	return &cp
}

// checkTable refuses table operations (TRUNCATE, COPY, CREATE INDEX) on a
// view or a sequence, which have no rows of their own.
func (t *tableDef) checkTable() error {
	if t.seq != nil || t.view != nil {
		return pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", t.name)
	}
	return nil
}

var _ eval.ViewEnv = (*Session)(nil)

// ViewDefinition implements eval.ViewEnv.
func (s *Session) ViewDefinition(oid uint32, pretty bool, wrap int) (string, bool) {
	if t := s.current(oid); t != nil && t.view != nil {
		return s.viewDef(t, pretty, wrap), true
	}
	if t := s.current(oid); t != nil && t.mat != nil {
		return s.matviewDef(t, pretty, wrap), true
	}
	return "", false
}

// ViewDefinitionByName implements eval.ViewEnv.
func (s *Session) ViewDefinitionByName(name string, pretty bool, wrap int) (string, bool, error) {
	schema, rel, err := splitRelationName(name)
	if err != nil {
		return "", false, err
	}
	oid, ok := s.relationOID(schema, rel)
	if !ok {
		return "", false, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	def, isView := s.ViewDefinition(oid, pretty, wrap)
	return def, isView, nil
}

// SerialSequence implements eval.ViewEnv (pg_get_serial_sequence): the
// column name is taken as written (PostgreSQL does not fold it), the
// table name as regclass input reads it.
func (s *Session) SerialSequence(table, col string) (string, bool, error) {
	schema, rel, err := splitRelationName(table)
	if err != nil {
		return "", false, err
	}
	t, err := s.lookup(schema, rel)
	if err != nil {
		return "", false, err
	}
	if findCol(t, col) < 0 {
		return "", false, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col, t.name)
	}
	for _, q := range s.visibleRelations() {
		if q.seq != nil && q.seq.OwnerOID == t.oid && q.seq.OwnerCol == col {
			return eval.QuoteIdent(q.schema) + "." + eval.QuoteIdent(q.name), true, nil
		}
	}
	return "", false, nil
}
