package executor

import (
	"context"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// matviewInfo makes a table entry a materialized view: a table whose rows
// are its query's result as of the last REFRESH (or CREATE), kept in its
// own tree like any table's, so it is read, indexed and analyzed like one
// and only REFRESH writes it.
type matviewInfo struct {
	SQL string `json:"sql"`
	// SearchPath is the search path at CREATE; REFRESH resolves the
	// query's names through it, as a view's.
	SearchPath []string `json:"search_path,omitempty"`
	// Populated is false after WITH NO DATA: reading it is an error
	// until a REFRESH fills it (pg_class.relispopulated).
	Populated bool `json:"populated"`
}

// execCreateMatview runs CREATE MATERIALIZED VIEW: CREATE TABLE AS, then
// the entry is marked as a materialized view with its query text.
func (s *Session) execCreateMatview(ctx context.Context, n *parser.CreateMatview, outer *parser.Statement) (*Result, error) {
	schema, name := splitQualified(n.Name)
	existed := s.relationExistsAny(schema, name)
	res, err := s.execCreateTableAs(ctx, &n.CreateTableAs, outer)
	if err != nil {
		return nil, err
	}
	if existed {
		// IF NOT EXISTS found the name taken: CREATE TABLE AS's notice.
		res.tag = "CREATE MATERIALIZED VIEW"
		return res, nil
	}
	t, err := s.lookup(schema, name)
	if err != nil {
		return nil, err
	}
	mv := *t
	mv.mat = &matviewInfo{SQL: n.QueryText, SearchPath: s.searchPath(true), Populated: !n.NoData}
	if err := s.writeDef(&mv, ""); err != nil {
		return nil, storageError(err)
	}
	if n.NoData {
		res.tag = "CREATE MATERIALIZED VIEW"
	}
	return res, nil
}

// relationExistsAny reports whether schema.name (schema "" = the first
// schema of the search path new objects go to) names a relation.
func (s *Session) relationExistsAny(schema, name string) bool {
	_, err := s.lookup(schema, name)
	return err == nil
}

// execRefreshMatview runs REFRESH MATERIALIZED VIEW: the view gets a new
// empty tree (as TRUNCATE gives a table) and, unless WITH NO DATA, its
// query's rows, in the session's transaction. CONCURRENTLY needs what
// PostgreSQL needs (a populated view with a unique index) and then does
// the same, since readers see the old rows until commit anyway.
func (s *Session) execRefreshMatview(ctx context.Context, n *parser.RefreshMatview) (*Result, error) {
	schema, name := splitQualified(n.Name)
	t, err := s.lookup(schema, name)
	if err != nil {
		return nil, err
	}
	if t.mat == nil {
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a materialized view", t.name)
	}
	if n.Concurrently {
		if n.NoData {
			return nil, pgerror.New(pgerror.SyntaxError, "%s and %s options cannot be used together", "CONCURRENTLY", "WITH NO DATA")
		}
		if !t.mat.Populated {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "CONCURRENTLY cannot be used when the materialized view is not populated")
		}
		if !hasPlainUniqueIndex(t) {
			return nil, pgerror.New(pgerror.ObjectNotInPrerequisiteState, "cannot refresh materialized view \"%s\" concurrently", qualified(t.schema, t.name)).
				WithHint("Create a unique index with no WHERE clause on one or more columns of the materialized view.")
		}
	}
	nt, err := s.replaceTree(ctx, t)
	if err != nil {
		return nil, err
	}
	if !n.NoData {
		if err := s.fillMatview(ctx, nt); err != nil {
			return nil, err
		}
	}
	if nt = s.current(nt.oid); nt == nil {
		return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	mv := *nt
	info := *nt.mat
	info.Populated = !n.NoData
	mv.mat = &info
	if err := s.writeDef(&mv, ""); err != nil {
		return nil, storageError(err)
	}
	return tagOnly("REFRESH MATERIALIZED VIEW"), nil
}

func hasPlainUniqueIndex(t *tableDef) bool {
	for _, ix := range t.indexes {
		if ix.unique {
			return true
		}
	}
	return false
}

// fillMatview runs t's query under the search path it was created with
// and inserts the rows into t's (new, empty) tree.
func (s *Session) fillMatview(ctx context.Context, t *tableDef) error {
	stmts, err := parser.Parse(t.mat.SQL)
	if err != nil {
		return err
	}
	if len(stmts) != 1 {
		return pgerror.New(pgerror.InternalError, "materialized view \"%s\" has an unreadable query", t.name)
	}
	saved := s.pathOverride
	if len(t.mat.SearchPath) > 0 {
		s.pathOverride = t.mat.SearchPath
	}
	inner, err := s.Prepare(stmts[0], nil)
	if err == nil {
		err = s.Plan(inner)
	}
	s.pathOverride = saved
	if err != nil {
		return err
	}
	if len(inner.Columns) != len(t.cols) {
		return pgerror.New(pgerror.FeatureNotSupported, "the query of materialized view \"%s\" no longer returns its columns", t.name)
	}
	q := &planner.Query{Root: &planner.Insert{Table: t, Input: inner.query.Root}, ParamTypes: inner.query.ParamTypes}
	s.storageTxn()
	s.fillingMatview = t.oid
	defer func() { s.fillingMatview = 0 }()
	_, err = eval.Exec(ctx, q, nil, s)
	return err
}

// execDropMatview runs DROP MATERIALIZED VIEW.
func (s *Session) execDropMatview(ctx context.Context, n *parser.DropMatview) (*Result, error) {
	res := tagOnly("DROP MATERIALIZED VIEW")
	var dropping []*tableDef
	for _, qn := range n.Names {
		schema, name := splitQualified(qn)
		t, err := s.lookup(schema, name)
		if err != nil {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerror.Notice("materialized view \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, pgerror.New(pgerror.UndefinedTable, "materialized view \"%s\" does not exist", name)
		}
		if t.mat == nil {
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a materialized view", name).
				WithHint("Use DROP %s to remove a %s.", kindWord(t, true), kindWord(t, false))
		}
		dropping = append(dropping, t)
	}
	notices, err := s.dropDependents(ctx, dropping, n.Cascade)
	if err != nil {
		return nil, err
	}
	res.Notices = append(res.Notices, notices...)
	s.droppingMatview = true
	defer func() { s.droppingMatview = false }()
	for _, t := range dropping {
		if _, err := s.dropTable(ctx, t.schema, t.name, false); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkMatviewAccess refuses writes to a materialized view other than
// REFRESH's own, and reads of one not populated.
func (s *Session) checkMatviewAccess(t *tableDef, write bool) error {
	if t.mat == nil || s.fillingMatview == t.oid {
		return nil
	}
	if write {
		return pgerror.New(pgerror.WrongObjectType, "cannot change materialized view \"%s\"", t.name)
	}
	if !t.mat.Populated {
		return pgerror.New(pgerror.ObjectNotInPrerequisiteState, "materialized view \"%s\" has not been populated", t.name).
			WithHint("Use the REFRESH MATERIALIZED VIEW command.")
	}
	return nil
}

// matviewDef is pg_get_viewdef of a materialized view: its query printed
// as a view's would be.
func (s *Session) matviewDef(t *tableDef, pretty bool, wrap int) string {
	v := *t
	v.view = &viewInfo{SQL: t.mat.SQL, SearchPath: t.mat.SearchPath}
	return s.viewDef(&v, pretty, wrap)
}
