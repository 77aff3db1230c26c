package executor

import (
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Views over an altered column. PostgreSQL stores a view's query with its
// columns bound by number, records which columns it uses, and refuses to
// drop or retype a column a view uses. nqdb stores the view's text, so
// which columns a view uses is found by binding the view again with the
// column hidden: the views that no longer bind (or whose SELECT * loses
// a column) depend on it. That keeps PostgreSQL's errors for DROP COLUMN
// and ALTER TYPE, and lets RENAME COLUMN refuse rather than leave a view
// that no longer binds (PostgreSQL renames inside the stored query).

// hiddenColumnCatalog resolves names as the session does, except that the
// table oid lacks column col.
type hiddenColumnCatalog struct {
	*Session
	oid uint32
	col int
}

// hiddenColumnTable is a table seen without one of its columns; only
// bound, never scanned.
type hiddenColumnTable struct {
	oid  uint32
	name string
	cols []planner.Column
}

func (t *hiddenColumnTable) OID() uint32               { return t.oid }
func (t *hiddenColumnTable) Name() string              { return t.name }
func (t *hiddenColumnTable) Columns() []planner.Column { return t.cols }

func (c hiddenColumnCatalog) LookupTable(schema, name string) (planner.Table, error) {
	t, err := c.Session.LookupTable(schema, name)
	if err != nil || t.OID() != c.oid {
		return t, err
	}
	all := t.Columns()
	cols := append(append([]planner.Column(nil), all[:c.col]...), all[c.col+1:]...)
	return &hiddenColumnTable{oid: t.OID(), name: t.Name(), cols: cols}, nil
}

// viewsUsingColumn returns the views that use column i of t.
func (s *Session) viewsUsingColumn(t *tableDef, i int) []*tableDef {
	var out []*tableDef
	cat := hiddenColumnCatalog{Session: s, oid: t.oid, col: i}
	for _, v := range s.visibleRelations() {
		if v.view == nil {
			continue
		}
		stmts, err := parser.Parse("SELECT * FROM " + quoteQualified(v.schema, v.name))
		if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
			continue
		}
		if _, err := planner.BuildWith(stmts[0].AST, nil, cat, &s.fo); err != nil {
			out = append(out, v)
		}
	}
	// PostgreSQL lists dependents in creation order.
	sort.Slice(out, func(a, b int) bool { return out[a].oid < out[b].oid })
	return out
}

// quoteQualified is schema.name with both quoted where needed.
func quoteQualified(schema, name string) string {
	if schema == "" {
		return eval.QuoteIdent(name)
	}
	return eval.QuoteIdent(schema) + "." + eval.QuoteIdent(name)
}

// checkViewsForDrop refuses DROP COLUMN of a column a view uses (CASCADE,
// which would drop the views, is not supported for them yet).
func (s *Session) checkViewsForDrop(t *tableDef, i int, cascade bool) error {
	vs := s.viewsUsingColumn(t, i)
	if len(vs) == 0 {
		return nil
	}
	name := t.cols[i].Name
	if cascade {
		return pgerror.New(pgerror.FeatureNotSupported, "DROP COLUMN ... CASCADE of a column that view \"%s\" uses is not supported yet", vs[0].name)
	}
	lines := make([]string, len(vs))
	for k, v := range vs {
		lines[k] = "view " + v.name + " depends on column " + name + " of table " + t.name
	}
	return pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop column %s of table %s because other objects depend on it", name, t.name).
		WithDetail("%s", strings.Join(lines, "\n")).
		WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
}

// checkViewsForType refuses ALTER TYPE of a column a view uses, as
// PostgreSQL does.
func (s *Session) checkViewsForType(t *tableDef, i int) error {
	if vs := s.viewsUsingColumn(t, i); len(vs) > 0 {
		return pgerror.New(pgerror.FeatureNotSupported, "cannot alter type of a column used by a view or rule").
			WithDetail("rule _RETURN on view %s depends on column \"%s\"", vs[0].name, t.cols[i].Name)
	}
	return nil
}

// checkViewsForRename refuses RENAME COLUMN of a column a view uses: the
// view's stored text names it.
func (s *Session) checkViewsForRename(t *tableDef, i int) error {
	if vs := s.viewsUsingColumn(t, i); len(vs) > 0 {
		return pgerror.New(pgerror.FeatureNotSupported, "cannot rename column \"%s\" of relation \"%s\": view \"%s\" uses it (nqdb keeps views as their text)",
			t.cols[i].Name, t.name, vs[0].name)
	}
	return nil
}
