package executor

import (
	"context"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// isDDL reports whether the executor runs stmt itself rather than through
// the planner.
func isDDL(n ast.StmtNode) bool {
	switch n.(type) {
	case *ast.CreateTableStmt, *ast.DropTableStmt:
		return true
	}
	return false
}

// execDDL runs CREATE TABLE and DROP TABLE against the in-memory catalog.
// Column types come from the parser's side map (the TiDB AST only holds
// MySQL placeholders); constraints other than the column list are not kept
// by the stand-in.
func (s *Session) execDDL(ctx context.Context, stmt *parser.Statement) (*Result, error) {
	switch n := stmt.AST.(type) {
	case *ast.CreateTableStmt:
		if n.ReferTable != nil || n.Select != nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "CREATE TABLE ... AS and LIKE are not supported yet")
		}
		cols := make([]planner.Column, 0, len(n.Cols))
		for _, cd := range n.Cols {
			name := cd.Name.Name.O
			tname, ok := stmt.ColumnTypes[name]
			if !ok {
				tname = strings.ToLower(cd.Tp.String())
			}
			t, typmod, err := types.ParseTypeName(tname)
			if err != nil {
				return nil, err
			}
			col := planner.Column{Name: name, Type: t, Typmod: typmod}
			for _, opt := range cd.Options {
				switch opt.Tp {
				case ast.ColumnOptionNotNull, ast.ColumnOptionPrimaryKey:
					col.NotNull = true
				case ast.ColumnOptionNull:
					col.NotNull = false
				}
			}
			cols = append(cols, col)
		}
		// PRIMARY KEY (a, b) makes its columns NOT NULL, as in PostgreSQL.
		for _, c := range n.Constraints {
			if c.Tp != ast.ConstraintPrimaryKey {
				continue
			}
			for _, k := range c.Keys {
				for i := range cols {
					if k.Column != nil && cols[i].Name == k.Column.Name.O {
						cols[i].NotNull = true
					}
				}
			}
		}
		_, created, err := s.engine.catalog.create(n.Table.Schema.O, n.Table.Name.O, cols, n.IfNotExists)
		if err != nil {
			return nil, err
		}
		res := tagOnly("CREATE TABLE")
		if !created {
			res.Notices = append(res.Notices, pgerror.Notice("relation \"%s\" already exists, skipping", n.Table.Name.O))
			res.Notices[len(res.Notices)-1].Code = pgerror.DuplicateTable
		}
		return res, nil
	case *ast.DropTableStmt:
		if n.IsView {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "views are not supported yet")
		}
		res := tagOnly("DROP TABLE")
		// PostgreSQL checks every name before dropping any.
		if !n.IfExists {
			for _, t := range n.Tables {
				if _, err := s.engine.catalog.lookup(t.Schema.O, t.Name.O); err != nil {
					pe := pgerror.From(err)
					return nil, pgerror.New(pe.Code, "%s", strings.Replace(pe.Message, "relation", "table", 1))
				}
			}
		}
		for _, t := range n.Tables {
			dropped, err := s.engine.catalog.drop(t.Schema.O, t.Name.O, n.IfExists)
			if err != nil {
				return nil, err
			}
			if !dropped {
				res.Notices = append(res.Notices, pgerror.Notice("table \"%s\" does not exist, skipping", t.Name.O))
			}
		}
		return res, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "statement not supported")
}

// execTruncate empties tables (TRUNCATE a, b).
func (s *Session) execTruncate(ctx context.Context, n *parser.Truncate) (*Result, error) {
	defs := make([]*tableDef, 0, len(n.Tables))
	for _, name := range n.Tables {
		schema, tbl := splitQualified(name)
		t, err := s.engine.catalog.lookup(schema, tbl)
		if err != nil {
			return nil, err
		}
		defs = append(defs, t)
	}
	for _, t := range defs {
		if err := t.rel.Truncate(ctx); err != nil {
			return nil, err
		}
	}
	return tagOnly("TRUNCATE TABLE"), nil
}

// splitQualified splits "schema.table" (already case-folded by the parser).
func splitQualified(name string) (string, string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}
