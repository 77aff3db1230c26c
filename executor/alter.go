package executor

import (
	"context"
	"io"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// ALTER TABLE ADD COLUMN, DROP COLUMN and RENAME TO. Adding or dropping a
// column rewrites the table's tree (rows are stored with every column, so
// each is re-encoded, bottom-up in key order); the row keys do not change,
// so the secondary indexes stay as they are (their column numbers move
// with a dropped column).

// addColumn runs ALTER TABLE t ADD [COLUMN] c type [constraints].
func (s *Session) addColumn(ctx context.Context, t *tableDef, cd *ast.ColumnDef, stmt *parser.Statement) (*tableDef, error) {
	name := cd.Name.Name.O
	if findCol(t, name) >= 0 {
		return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", name, t.name)
	}
	tname, ok := stmt.ColumnTypes[name]
	if !ok {
		tname = strings.ToLower(cd.Tp.String())
	}
	col := planner.Column{Name: name}
	if err := s.columnType(&col, tname); err != nil {
		return nil, err
	}
	col.Default = s.columnDefaultText(stmt.ColumnDefaults[name], col)
	if stmt.Identity[name] != nil || serialTypes[tname] != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "ADD COLUMN of an identity or serial column is not supported yet")
	}
	for _, opt := range cd.Options {
		switch opt.Tp {
		case ast.ColumnOptionNotNull:
			col.NotNull = true
		case ast.ColumnOptionPrimaryKey, ast.ColumnOptionUniqKey:
			return nil, pgerror.New(pgerror.FeatureNotSupported, "ADD COLUMN with PRIMARY KEY or UNIQUE is not supported yet")
		}
	}
	if st := serialTypes[tname]; st != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "ADD COLUMN of a serial type is not supported yet")
	}
	if col.Default != "" {
		if err := planner.CheckDefault(s, col, s.FormatOpts()); err != nil {
			return nil, stripPos(err)
		}
	}
	value, err := s.defaultValuer(ctx, col)
	if err != nil {
		return nil, err
	}
	cols := append(append([]planner.Column(nil), t.cols...), col)
	return s.rewriteTable(ctx, t, cols, func(old []types.Datum) ([]types.Datum, error) {
		v, err := value()
		if err != nil {
			return nil, err
		}
		if v == nil && col.NotNull {
			return nil, pgerror.New(pgerror.NotNullViolation, "column \"%s\" of relation \"%s\" contains null values", name, t.name)
		}
		return append(old, v), nil
	}, nil)
}

// dropColumn runs ALTER TABLE t DROP [COLUMN] c.
func (s *Session) dropColumn(ctx context.Context, t *tableDef, name string) (*tableDef, error) {
	i := findCol(t, name)
	if i < 0 {
		return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, t.name)
	}
	for _, c := range t.pk {
		if c == i {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "dropping a primary key column is not supported yet")
		}
	}
	for _, ix := range t.indexes {
		for _, c := range ix.cols {
			if c == i {
				return nil, pgerror.New(pgerror.FeatureNotSupported, "dropping an indexed column is not supported yet (drop index \"%s\" first)", ix.name)
			}
		}
	}
	if len(t.cols) == 1 {
		// PostgreSQL allows a table with no columns; nqdb's rows need one.
		return nil, pgerror.New(pgerror.FeatureNotSupported, "dropping a table's only column is not supported yet")
	}
	// CHECK and FOREIGN KEY constraints on the column go with it.
	t, err := s.dropColumnConstraints(ctx, t, i)
	if err != nil {
		return nil, err
	}
	cols := append(append([]planner.Column(nil), t.cols[:i]...), t.cols[i+1:]...)
	shift := func(c int) int {
		if c > i {
			return c - 1
		}
		return c
	}
	return s.rewriteTable(ctx, t, cols, func(old []types.Datum) ([]types.Datum, error) {
		return append(old[:i:i], old[i+1:]...), nil
	}, shift)
}

// rewriteTable gives t the columns cols, re-encoding every row through
// mapRow into a new tree built bottom-up (the keys do not change); shift
// renumbers the primary key's and indexes' columns (nil: unchanged).
func (s *Session) rewriteTable(ctx context.Context, t *tableDef, cols []planner.Column, mapRow func([]types.Datum) ([]types.Datum, error),
	shift func(int) int) (*tableDef, error) {
	old, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	pk := old.pk
	if shift != nil && pk != nil {
		pk = make([]int, len(old.pk))
		for j, c := range old.pk {
			pk[j] = shift(c)
		}
	}
	nt := newTableDef(old.oid, old.schema, old.name, cols, pk, old.pkName, 0)
	nt.cons = old.cons.clone(shift)
	for _, ix := range old.indexes {
		c := *ix
		if shift != nil {
			c.cols = make([]int, len(ix.cols))
			for j, col := range ix.cols {
				c.cols[j] = shift(col)
			}
		}
		nt.indexes = append(nt.indexes, &c)
	}
	// The keys do not change: rebuildRows keeps each row's.
	if err := s.rebuildRows(ctx, old, nt, mapRow, nil, nil); err != nil {
		return nil, err
	}
	nt.rowid = old.rowid
	s.engine.catalog.adoptRowid(nt.tree, old.rowid)
	return nt, s.writeDef(nt, "")
}

// defaultValuer returns a function giving col's default for one row
// (NULL without a default), evaluated per row so that volatile defaults
// differ from row to row.
func (s *Session) defaultValuer(ctx context.Context, col planner.Column) (func() (types.Datum, error), error) {
	if col.Default == "" {
		return func() (types.Datum, error) { return nil, nil }, nil
	}
	stmts, err := parser.Parse("SELECT (" + col.Default + ")::" + col.Type.SQLName)
	if err != nil {
		return nil, err
	}
	q, err := planner.BuildWith(stmts[0].AST, nil, s, &s.fo)
	if err != nil {
		return nil, stripPos(err)
	}
	if err := planner.Fold(q); err != nil {
		return nil, stripPos(err)
	}
	return func() (types.Datum, error) {
		rows, err := eval.Run(ctx, q, nil, s)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		row, err := rows.Next()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return row[0], nil
	}, nil
}

// renameTable runs ALTER TABLE t RENAME TO u.
func (s *Session) renameTable(ctx context.Context, t *tableDef, to string) (*tableDef, error) {
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "name:"+qualified(t.schema, to), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	if s.relationExists(t.schema, to) {
		return nil, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", to)
	}
	old, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	nt := *old
	nt.name = to
	return &nt, s.writeDef(&nt, qualified(old.schema, old.name))
}

// stripPos drops a position that points into another text (a default's).
func stripPos(err error) error {
	pe := pgerror.From(err)
	if pe.Position == 0 {
		return err
	}
	cp := *pe
	cp.Position = 0
	return &cp
}
