package executor

import (
	"regexp"
	"strings"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// likeColumns are the columns CREATE TABLE t (LIKE src) copies: names,
// types (with typmods and domains) and NOT NULL, which PostgreSQL always
// copies; defaults, identity, constraints and indexes only come with
// INCLUDING options, which nqdb does not take yet. src may be any relation
// with columns (a table, view or catalog relation), as in PostgreSQL.
func (s *Session) likeColumns(stmt *parser.Statement, schema, name string) ([]planner.Column, error) {
	src, err := s.LookupTable(schema, name)
	if err != nil {
		return nil, likePosition(err, stmt, name)
	}
	srcCols := src.Columns()
	cols := make([]planner.Column, len(srcCols))
	for i, c := range srcCols {
		cols[i] = planner.Column{Name: c.Name, Type: c.Type, Typmod: c.Typmod, NotNull: c.NotNull, Domain: c.Domain}
	}
	return cols, nil
}

// likePosition points an error about the LIKE relation at its name.
func likePosition(err error, stmt *parser.Statement, name string) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Position != 0 || stmt.Rewritten == "" {
		return err
	}
	re := regexp.MustCompile("(?i)\\blike\\s+[\"`]?(?:[^\\s,()]*\\.)?[\"`]?(" + regexp.QuoteMeta(strings.ToLower(name)) + ")")
	m := re.FindStringSubmatchIndex(strings.ToLower(stmt.Rewritten))
	if m == nil {
		return err
	}
	at := m[2]
	if at > 0 && (stmt.Rewritten[at-1] == '"' || stmt.Rewritten[at-1] == '`') {
		at--
	}
	cp := *pe
	cp.Position = stmt.Position(at)
	return &cp
}
