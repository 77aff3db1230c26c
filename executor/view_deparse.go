package executor

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// pg_get_viewdef. PostgreSQL prints a view's stored query tree back
// (ruleutils.c); nqdb stores the text, so the view is deparsed when asked
// (planner.DeparseView): bound again under the search path it was made
// with, its columns named as the view's columns are now, and its
// relations qualified as the session's search path needs. A query the
// deparser does not handle yet shows as written.

// viewDef is pg_get_viewdef's text for view t: pretty is
// PRETTYFLAG_PAREN, wrap the wrap column (0 = one target per line).
func (s *Session) viewDef(t *tableDef, pretty bool, wrap int) string {
	asWritten := " " + t.view.SQL + ";"
	stmts, err := parser.Parse(t.view.SQL)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
		return asWritten
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.Name
	}
	// Relations are qualified against the session's own search path,
	// not the view's (pg_get_viewdef runs in the caller's).
	sessionPath := s.pathOverride
	relName := func(oid uint32, name string) string {
		q := s.current(oid)
		if q == nil {
			return quoteQualified("", name)
		}
		saved := s.pathOverride
		s.pathOverride = sessionPath
		visible := s.relationVisible(q.schema, q.name)
		s.pathOverride = saved
		if visible {
			return quoteQualified("", q.name)
		}
		return quoteQualified(orPublicSchema(q.schema), q.name)
	}
	restore := (&viewRelation{tableDef: t, s: s}).EnterView()
	defer restore()
	out, err := planner.DeparseView(stmts[0].AST, s, planner.DeparseOptions{
		Pretty: pretty, Wrap: wrap, Columns: names, RelationName: relName, FormatOpts: &s.fo,
	})
	if err != nil {
		return asWritten
	}
	return out
}

// orPublicSchema names the schema of a relation made before schemas
// existed.
func orPublicSchema(schema string) string {
	if schema == "" {
		return "public"
	}
	return schema
}
