package executor

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// ALTER TABLE's column actions: defaults, NOT NULL, TYPE, RENAME COLUMN,
// and DROP COLUMN of key and indexed columns. Catalog-only changes copy
// the def; TYPE and dropping the primary key rebuild the table's tree
// (keys may change) and the indexes whose entries change.

// colOrErr finds column name of t or returns PostgreSQL's 42703.
func colOrErr(t *tableDef, name string) (int, error) {
	i := findCol(t, name)
	if i < 0 {
		return -1, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, t.name)
	}
	return i, nil
}

// withColumn writes a new def of t whose column i is changed by f (no
// row changes).
func (s *Session) withColumn(ctx context.Context, t *tableDef, i int, f func(*planner.Column)) error {
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	nt := *cur
	nt.cols = append([]planner.Column(nil), cur.cols...)
	f(&nt.cols[i])
	return s.writeDef(&nt, "")
}

// alterDefault runs ALTER COLUMN c SET DEFAULT expr / DROP DEFAULT.
func (s *Session) alterDefault(ctx context.Context, t *tableDef, a *parser.AlterAction) error {
	i, err := colOrErr(t, a.Column)
	if err != nil {
		return err
	}
	col := t.cols[i]
	if col.Identity != 0 {
		e := pgerror.New(pgerror.SyntaxError, "column \"%s\" of relation \"%s\" is an identity column", col.Name, t.name)
		if a.Kind == parser.AlterDropDefault {
			e = e.WithHint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.")
		}
		return e
	}
	col.Default = ""
	if a.Kind == parser.AlterSetDefault {
		col.Default = displayDefault(a.Expr, col.Type)
		if err := planner.CheckDefault(s, col, s.FormatOpts()); err != nil {
			if pgerror.From(err).Code == pgerror.UndefinedColumn {
				// PostgreSQL refuses any column reference before looking
				// the name up.
				return pgerror.New(pgerror.FeatureNotSupported, "cannot use column reference in DEFAULT expression")
			}
			return shiftPosition(err, a.ExprPos)
		}
	}
	return s.withColumn(ctx, t, i, func(c *planner.Column) { c.Default = col.Default })
}

// setNotNull runs ALTER COLUMN c SET NOT NULL: every row is checked.
func (s *Session) setNotNull(ctx context.Context, t *tableDef, name string) error {
	i, err := colOrErr(t, name)
	if err != nil {
		return err
	}
	if t.cols[i].NotNull {
		return nil
	}
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	tx := s.storageTxn()
	if tx.Isolation() == storage.ReadCommitted {
		tx.NewSnapshot()
	}
	it, err := tx.Scan(ctx, cur.tree, nil, nil)
	if err != nil {
		return storageError(err)
	}
	want := make([]bool, len(cur.types))
	want[i] = true
	vals := make([]types.Datum, len(cur.types))
	for it.Next() {
		row, err := rowcodec.DecodeColumns(cur.types, it.Value(), vals, want)
		if err != nil {
			it.Close()
			return err
		}
		if row[i] == nil {
			it.Close()
			return pgerror.New(pgerror.NotNullViolation, "column \"%s\" of relation \"%s\" contains null values", name, t.name)
		}
	}
	it.Close()
	if err := it.Err(); err != nil {
		return storageError(err)
	}
	return s.withColumn(ctx, cur, i, func(c *planner.Column) { c.NotNull = true })
}

// dropNotNull runs ALTER COLUMN c DROP NOT NULL.
func (s *Session) dropNotNull(ctx context.Context, t *tableDef, name string) error {
	i, err := colOrErr(t, name)
	if err != nil {
		return err
	}
	for _, c := range t.pk {
		if c == i {
			return pgerror.New(pgerror.InvalidTableDefinition, "column \"%s\" is in a primary key", name)
		}
	}
	if t.cols[i].Identity != 0 {
		return pgerror.New(pgerror.SyntaxError, "column \"%s\" of relation \"%s\" is an identity column", name, t.name)
	}
	return s.withColumn(ctx, t, i, func(c *planner.Column) { c.NotNull = false })
}

// renameColumn runs RENAME [COLUMN] a TO b. Indexes, keys and foreign
// keys name columns by number and need nothing; CHECK expressions and
// the owner of serial sequences name them and are rewritten. Views keep
// their query text, so one that names the column stops binding.
func (s *Session) renameColumn(ctx context.Context, t *tableDef, from, to string) error {
	i := findCol(t, from)
	if i < 0 {
		return pgerror.New(pgerror.UndefinedColumn, "column \"%s\" does not exist", from)
	}
	if findCol(t, to) >= 0 {
		return pgerror.New(pgerror.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", to, t.name)
	}
	if err := s.checkViewsForRename(t, i); err != nil {
		return err
	}
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	nt := *cur
	nt.cols = append([]planner.Column(nil), cur.cols...)
	nt.cols[i].Name = to
	nt.cons = cur.cons.clone(nil)
	if nt.cons != nil {
		for _, ch := range nt.cons.Checks {
			e, err := parser.ParseExpr(ch.Expr)
			if err != nil {
				return err
			}
			e.Accept(&columnRenamer{from: from, to: to})
			if ch.Expr, err = parser.RestoreExpr(e); err != nil {
				return err
			}
			x, err := s.bindCheck(&nt, e)
			if err != nil {
				return stripPos(err)
			}
			ch.Display, ch.Pretty = deparseExpr(x, nt.cols, false), deparseExpr(x, nt.cols, true)
		}
	}
	if err := s.writeDef(&nt, ""); err != nil {
		return err
	}
	// Sequences owned by the column follow it.
	for _, r := range s.visibleRelations() {
		if r.seq == nil || r.seq.OwnerOID != t.oid || r.seq.OwnerCol != from {
			continue
		}
		sq := *r
		info := *r.seq
		info.OwnerCol = to
		sq.seq = &info
		if err := s.writeDef(&sq, ""); err != nil {
			return err
		}
	}
	return nil
}

// columnRenamer renames unqualified and qualified references to a column
// in a CHECK expression.
type columnRenamer struct{ from, to string }

func (v *columnRenamer) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok && c.Name != nil && c.Name.Name.O == v.from {
		c.Name.Name = ast.NewCIStr(v.to)
	}
	return n, false
}

func (v *columnRenamer) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// dropColumnCascade runs DROP COLUMN c: indexes and UNIQUE constraints
// over the column go first, then the primary key (the table is rebuilt on
// hidden row ids), as PostgreSQL drops the objects depending on the column.
func (s *Session) dropColumnCascade(ctx context.Context, t *tableDef, name string, cascade bool) ([]*pgerror.Error, error) {
	i, err := colOrErr(t, name)
	if err != nil {
		return nil, err
	}
	if err := s.checkViewsForDrop(t, i, cascade); err != nil {
		return nil, err
	}
	// Foreign keys of other tables that reference the column.
	for _, r := range s.referencing(t.oid) {
		if r.child.oid == t.oid || !containsInt(r.fk.RefCols, i) || cascade {
			continue
		}
		return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop column %s of table %s because other objects depend on it", name, t.name).
			WithDetail("constraint %s on table %s depends on column %s of table %s", r.fk.Name, r.child.name, name, t.name).
			WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	var notices []*pgerror.Error
	for _, ix := range t.indexes {
		if !containsInt(ix.cols, i) {
			continue
		}
		cur := s.current(t.oid)
		if ix.constraint {
			var ns []*pgerror.Error
			if _, ns, err = s.dropConstraint(ctx, cur, ix.name, false, cascade); err != nil {
				return nil, err
			}
			notices = append(notices, ns...)
			continue
		}
		if err := s.dropIndex(ctx, cur, ix.oid); err != nil {
			return nil, err
		}
	}
	t = s.current(t.oid)
	if containsInt(t.pk, i) {
		ns, err := s.dropPrimaryKey(ctx, t, cascade)
		if err != nil {
			return nil, err
		}
		notices = append(notices, ns...)
		t = s.current(t.oid)
	}
	_, err = s.dropColumn(ctx, t, name)
	return notices, err
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// dropPrimaryKey runs DROP CONSTRAINT of t's primary key: foreign keys
// resting on it go first (CASCADE) or stop it (2BP01), then the rows move
// to a new tree keyed by hidden row ids and the indexes are rebuilt
// (their entries name rows by storage key).
func (s *Session) dropPrimaryKey(ctx context.Context, t *tableDef, cascade bool) ([]*pgerror.Error, error) {
	var notices []*pgerror.Error
	for _, r := range s.referencing(t.oid) {
		if !sameCols(r.fk.RefCols, t.pk) {
			continue
		}
		if !cascade {
			return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop constraint %s on table %s because other objects depend on it", t.pkName, t.name).
				WithDetail("constraint %s on table %s depends on index %s", r.fk.Name, r.child.name, t.pkName).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		notices = append(notices, pgerror.Notice("drop cascades to constraint %s on table %s", r.fk.Name, r.child.name))
		if _, _, err := s.dropConstraint(ctx, s.current(r.child.oid), r.fk.Name, false, false); err != nil {
			return nil, err
		}
	}
	old, err := s.lockTable(ctx, s.current(t.oid))
	if err != nil {
		return nil, err
	}
	nt := newTableDef(old.oid, old.schema, old.name, old.cols, nil, "", 0)
	carryConstraints(old, nt)
	ctr := new(atomic.Int64)
	var kbuf []byte
	key := func(_ []byte, _ []types.Datum) ([]byte, error) {
		kbuf = codec.AppendInt(kbuf[:0], ctr.Add(1))
		return kbuf, nil
	}
	if err := s.rebuildRows(ctx, old, nt, nil, key, nil); err != nil {
		return nil, err
	}
	nt.rowid = ctr
	s.engine.catalog.adoptRowid(nt.tree, ctr)
	if err := s.rebuildIndexes(ctx, old, nt, nil); err != nil {
		return nil, err
	}
	return notices, s.writeDef(nt, "")
}

// rebuildRows fills a new tree for nt from old's rows: mapRow (nil: as
// they are) gives each new row, key (nil: the old key) its storage key.
// dup reports two rows with one key.
func (s *Session) rebuildRows(ctx context.Context, old, nt *tableDef, mapRow func([]types.Datum) ([]types.Datum, error),
	key func(oldKey []byte, row []types.Datum) ([]byte, error), dup duplicateFn) error {
	tx := s.storageTxn()
	if tx.Isolation() == storage.ReadCommitted {
		tx.NewSnapshot()
	}
	if dup == nil {
		dup = func(_, _ []byte) error {
			return pgerror.New(pgerror.InternalError, "duplicate row key while rewriting table \"%s\"", old.name)
		}
	}
	src := func() (func() ([]byte, []byte, bool, error), func(), error) {
		it, err := tx.Scan(ctx, old.tree, nil, nil)
		if err != nil {
			return nil, nil, storageError(err)
		}
		var vbuf []byte
		next := func() ([]byte, []byte, bool, error) {
			if !it.Next() {
				return nil, nil, false, storageError(it.Err())
			}
			row, err := rowcodec.DecodeRow(old.types, it.Value(), nil)
			if err != nil {
				return nil, nil, false, err
			}
			if mapRow != nil {
				if row, err = mapRow(row); err != nil {
					return nil, nil, false, err
				}
			}
			k := it.Key()
			if key != nil {
				if k, err = key(k, row); err != nil {
					return nil, nil, false, err
				}
			}
			if vbuf, err = rowcodec.EncodeRow(vbuf[:0], nt.types, row); err != nil {
				return nil, nil, false, err
			}
			return k, vbuf, true, nil
		}
		return next, it.Close, nil
	}
	tree, err := s.bulkBuild(ctx, src, dup)
	if err != nil {
		return err
	}
	tx.DropTree(old.tree)
	nt.tree = tree
	return nil
}

// rebuildIndexes gives nt old's indexes: rebuilt when rebuild is nil or
// says so (their entries change), kept otherwise.
func (s *Session) rebuildIndexes(ctx context.Context, old, nt *tableDef, rebuild func(*indexDef) bool) error {
	tx := s.storageTxn()
	nt.indexes = nil
	for _, ix := range old.indexes {
		if rebuild != nil && !rebuild(ix) {
			nt.indexes = append(nt.indexes, ix)
			continue
		}
		tx.DropTree(ix.tree)
		nix := ix.withTree(0)
		nix.types = make([]*types.T, len(ix.cols))
		for j, c := range ix.cols {
			nix.types[j] = nt.types[c]
		}
		var err error
		if nix.tree, err = s.buildIndex(ctx, nt, nix); err != nil {
			return err
		}
		nt.indexes = append(nt.indexes, nix)
	}
	return nil
}

// alterColumnType runs ALTER COLUMN c TYPE t [USING expr]: each row's
// new value is the USING expression (default: the column) cast to the
// new type by an assignment cast; the tree is rebuilt with the new
// values (keys re-encoded when c is in the primary key) and so are the
// indexes over c.
func (s *Session) alterColumnType(ctx context.Context, t *tableDef, a *parser.AlterAction) error {
	i, err := colOrErr(t, a.Column)
	if err != nil {
		return err
	}
	var target planner.Column
	if err := s.columnType(&target, a.Type); err != nil {
		return err
	}
	typ, typmod := target.Type, target.Typmod
	old := t.cols[i]
	var x planner.Expr = &planner.ColumnRef{Idx: i, T: old.Type}
	if a.Expr != "" {
		if x, err = s.bindUsing(t, a); err != nil {
			return err
		}
		from := x.Type()
		if from.OID != types.OidUnknown && from.OID != typ.OID && !planner.CanCoerceAssignment(from, typ) {
			return pgerror.New(pgerror.DatatypeMismatch, "result of USING clause for column \"%s\" cannot be cast automatically to type %s", old.Name, typ.SQLName).
				WithHint("You might need to add an explicit cast.")
		}
	} else if old.Type.OID != typ.OID && !planner.CanCoerceAssignment(old.Type, typ) {
		return pgerror.New(pgerror.DatatypeMismatch, "column \"%s\" cannot be cast automatically to type %s", old.Name, typ.SQLName).
			WithHint("You might need to specify \"USING %s::%s\".", eval.QuoteIdent(old.Name), typeWithTypmod(typ, typmod))
	}
	if x.Type().OID != typ.OID || typmod >= 0 {
		x = &planner.Cast{X: x, To: typ, Typmod: typmod}
	}
	if err := s.checkViewsForType(t, i); err != nil {
		return err
	}
	if err := s.checkForeignKeyTypes(t, i, typ); err != nil {
		return err
	}
	col := old
	col.Type, col.Typmod, col.Domain = typ, typmod, target.Domain
	if col.Default != "" {
		if err := planner.CheckDefault(s, col, s.FormatOpts()); err != nil {
			return pgerror.New(pgerror.DatatypeMismatch, "default for column \"%s\" cannot be cast automatically to type %s", old.Name, typ.SQLName)
		}
	}
	cur, err := s.lockTable(ctx, t)
	if err != nil {
		return err
	}
	cols := append([]planner.Column(nil), cur.cols...)
	cols[i] = col
	nt := newTableDef(cur.oid, cur.schema, cur.name, cols, cur.pk, cur.pkName, 0)
	carryConstraints(cur, nt)
	mapRow := func(row []types.Datum) ([]types.Datum, error) {
		v, err := eval.EvalRowExpr(ctx, x, row, s)
		if err != nil {
			return nil, err
		}
		row[i] = v
		return row, nil
	}
	inPK := containsInt(cur.pk, i)
	var key func([]byte, []types.Datum) ([]byte, error)
	var dup duplicateFn
	if inPK {
		vals := make([]types.Datum, len(nt.pk))
		var kbuf []byte
		key = func(_ []byte, row []types.Datum) ([]byte, error) {
			for j, c := range nt.pk {
				vals[j] = row[c]
			}
			var err error
			kbuf, err = rowcodec.EncodeKey(kbuf[:0], nt.pkTypes, vals)
			return kbuf, err
		}
		dup = func(_, v []byte) error {
			row, err := rowcodec.DecodeRow(nt.types, v, nil)
			if err != nil {
				return err
			}
			acc := &tableAccess{s: s, t: nt, tx: s.storageTxn()}
			pe := pgerror.From(acc.uniqueViolation(nt.pkName, nt.pk, row))
			return pgerror.New(pgerror.UniqueViolation, "could not create unique index \"%s\"", nt.pkName).
				WithDetail("%s", strings.Replace(pe.Detail, "already exists.", "is duplicated.", 1))
		}
	}
	if err := s.rebuildRows(ctx, cur, nt, mapRow, key, dup); err != nil {
		return err
	}
	nt.rowid = cur.rowid
	s.engine.catalog.adoptRowid(nt.tree, cur.rowid)
	if err := s.rebuildIndexes(ctx, cur, nt, func(ix *indexDef) bool { return inPK || containsInt(ix.cols, i) }); err != nil {
		return err
	}
	// CHECK constraints over the column: shown and checked at the new type.
	if nt.cons != nil {
		var affected []*checkDef
		for _, ch := range nt.cons.Checks {
			if !containsInt(ch.Cols, i) {
				continue
			}
			e, err := parser.ParseExpr(ch.Expr)
			if err != nil {
				return err
			}
			b, err := s.bindCheck(nt, e)
			if err != nil {
				return stripPos(err)
			}
			ch.Display, ch.Pretty = deparseExpr(b, nt.cols, false), deparseExpr(b, nt.cols, true)
			affected = append(affected, ch)
		}
		if err := s.validateChecks(ctx, nt, affected); err != nil {
			return err
		}
	}
	return s.writeDef(nt, "")
}

// bindUsing binds a USING expression over t's columns (as `SELECT expr
// FROM t`), with errors pointing into the statement.
func (s *Session) bindUsing(t *tableDef, a *parser.AlterAction) (planner.Expr, error) {
	const prefix = "SELECT "
	text := prefix + a.Expr + " FROM " + eval.QuoteIdent(t.name)
	fix := func(err error) error {
		pe := pgerror.From(err)
		if pe.Position <= len(prefix) || pe.Position > len(prefix)+len([]rune(a.Expr)) {
			return stripPos(err)
		}
		cp := *pe
		cp.Position = a.ExprPos + pe.Position - len(prefix) - 1
		return &cp
	}
	stmts, err := parser.Parse(text)
	if err != nil {
		return nil, fix(err)
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error in USING expression")
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error in USING expression")
	}
	if f := sel.Fields.Fields[0]; f.Expr != nil {
		var v usingRefuser
		f.Expr.Accept(&v)
		if v.err != nil {
			return nil, fix(userPosition(v.err, stmts[0]))
		}
	}
	q, err := planner.BuildWith(stmts[0].AST, nil, checkCatalog{s, t}, &s.fo)
	if err != nil {
		return nil, fix(userPosition(err, stmts[0]))
	}
	p, ok := q.Root.(*planner.Project)
	if !ok || len(p.Exprs) != 1 {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in transform expressions")
	}
	if _, ok := p.Input.(*planner.Scan); !ok {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in transform expressions")
	}
	return p.Exprs[0], nil
}

// usingRefuser finds what PostgreSQL refuses in a transform expression.
type usingRefuser struct{ err error }

func (v *usingRefuser) Enter(n ast.Node) (ast.Node, bool) {
	if v.err != nil {
		return n, true
	}
	switch x := n.(type) {
	case *ast.SubqueryExpr:
		v.err = pgerror.New(pgerror.FeatureNotSupported, "cannot use subquery in transform expression").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	case *ast.AggregateFuncExpr:
		v.err = pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in transform expressions").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	case *ast.WindowFuncExpr:
		v.err = pgerror.New(pgerror.WindowingError, "window functions are not allowed in transform expressions").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	case *ast.ExistsSubqueryExpr:
		v.err = pgerror.New(pgerror.FeatureNotSupported, "cannot use subquery in transform expression").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	}
	return n, false
}

func (v *usingRefuser) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// typeWithTypmod names a type with its modifier as format_type does
// ("character varying(10)", "numeric(5,1)").
func typeWithTypmod(t *types.T, typmod int32) string {
	if typmod < 0 {
		return t.SQLName
	}
	switch t.OID {
	case types.OidVarchar, types.OidBpchar:
		return fmt.Sprintf("%s(%d)", t.SQLName, typmod-4)
	case types.OidNumeric:
		m := typmod - 4
		return fmt.Sprintf("%s(%d,%d)", t.SQLName, m>>16, m&0xffff)
	}
	return t.SQLName
}

// checkForeignKeyTypes refuses a new type for column i of t that a
// foreign key over it (from t, or from another table to t) cannot
// compare, as PostgreSQL does when it rebuilds the constraint.
func (s *Session) checkForeignKeyTypes(t *tableDef, i int, typ *types.T) error {
	check := func(fk *fkDef, child, parent *tableDef, childSide bool) error {
		for j := range fk.Cols {
			c, p := fk.Cols[j], fk.RefCols[j]
			if childSide && c != i || !childSide && p != i {
				continue
			}
			a, b := child.types[c], parent.types[p]
			if childSide {
				a = typ
			} else {
				b = typ
			}
			if !fkCompatible(a, b) {
				return pgerror.New(pgerror.DatatypeMismatch, "foreign key constraint \"%s\" cannot be implemented", fk.Name).
					WithDetail("Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
						child.cols[c].Name, parent.cols[p].Name, a.SQLName, b.SQLName)
			}
		}
		return nil
	}
	if t.cons != nil {
		for _, fk := range t.cons.FKeys {
			parent := t
			if fk.RefOID != t.oid {
				if parent = s.current(fk.RefOID); parent == nil {
					continue
				}
			}
			if err := check(fk, t, parent, true); err != nil {
				return err
			}
		}
	}
	for _, r := range s.referencing(t.oid) {
		if err := check(r.fk, r.child, t, false); err != nil {
			return err
		}
	}
	return nil
}
