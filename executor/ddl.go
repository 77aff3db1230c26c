package executor

import (
	"context"

	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// isDDL reports whether the executor runs stmt itself rather than through
// the planner.
func isDDL(n ast.StmtNode) bool {
	switch n.(type) {
	case *ast.CreateTableStmt, *ast.DropTableStmt, *ast.AlterTableStmt:
		return true
	}
	return false
}

// execDDL runs CREATE TABLE, DROP TABLE and ALTER TABLE ... ADD PRIMARY
// KEY inside the session's transaction. Column types come from the
// parser's side map (the TiDB AST only holds MySQL placeholders).
func (s *Session) execDDL(ctx context.Context, stmt *parser.Statement) (*Result, error) {
	switch n := stmt.AST.(type) {
	case *ast.CreateTableStmt:
		if n.Select != nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "CREATE TABLE ... AS and LIKE are not supported yet")
		}
		cols := make([]planner.Column, 0, len(n.Cols))
		if n.ReferTable != nil {
			var err error
			if cols, err = s.likeColumns(stmt, n.ReferTable.Schema.O, n.ReferTable.Name.O); err != nil {
				return nil, err
			}
		}
		serial := map[string]*types.T{}
		for _, cd := range n.Cols {
			name := cd.Name.Name.O
			tname, ok := stmt.ColumnTypes[name]
			if !ok {
				tname = strings.ToLower(cd.Tp.String())
			}
			col := planner.Column{Name: name}
			if err := s.columnType(&col, tname); err != nil {
				return nil, err
			}
			col.Default = s.columnDefaultText(stmt.ColumnDefaults[name], col)
			if st := serialTypes[tname]; st != nil {
				if col.Default != "" {
					return nil, pgerror.New(pgerror.SyntaxError, "multiple default values specified for column \"%s\" of table \"%s\"", name, n.Table.Name.O)
				}
				serial[name], col.NotNull = st, true
			}
			if id := stmt.Identity[name]; id != nil {
				if err := identityColumn(&col, id, serial, n.Table.Name.O); err != nil {
					return nil, err
				}
			}
			for _, opt := range cd.Options {
				switch opt.Tp {
				case ast.ColumnOptionNotNull, ast.ColumnOptionPrimaryKey:
					col.NotNull = true
				case ast.ColumnOptionNull:
					col.NotNull = false
				}
			}
			if serial[name] != nil {
				col.NotNull = true
			}
			cols = append(cols, col)
		}
		// PRIMARY KEY (a, b) makes its columns NOT NULL, as in PostgreSQL.
		var pkNames []string
		for _, cd := range n.Cols {
			for _, opt := range cd.Options {
				if opt.Tp == ast.ColumnOptionPrimaryKey {
					pkNames = append(pkNames, cd.Name.Name.O)
				}
			}
		}
		for _, c := range n.Constraints {
			if c.Tp != ast.ConstraintPrimaryKey {
				continue
			}
			if len(pkNames) > 0 {
				return nil, pgerror.New(pgerror.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", n.Table.Name.O)
			}
			for _, k := range c.Keys {
				if k.Column != nil {
					pkNames = append(pkNames, k.Column.Name.O)
				}
			}
		}
		pk, err := pkIndexes(cols, pkNames)
		if err != nil {
			return nil, err
		}
		for _, i := range pk {
			cols[i].NotNull = true
		}
		created, err := s.createTable(ctx, n.Table.Schema.O, n.Table.Name.O, cols, pk, n.IfNotExists, stmt.Temp)
		if err != nil {
			return nil, namePosition(err, stmt, n.Table.Schema.O, n.Table.Name.O)
		}
		if created {
			if err := s.finishCreateTable(ctx, n, stmt, serial); err != nil {
				return nil, err
			}
			if stmt.OnCommit == "drop" || stmt.OnCommit == "delete rows" {
				if t := s.lookupKey(qualified(s.tempSchema(), n.Table.Name.O)); t != nil {
					if s.onCommit == nil {
						s.onCommit = map[uint32]string{}
					}
					s.onCommit[t.oid] = stmt.OnCommit
				}
			}
		}
		res := tagOnly("CREATE TABLE")
		res.Notices = append(res.Notices, stmt.Warnings...)
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
				if _, err := s.lookup(t.Schema.O, t.Name.O); err != nil {
					pe := pgerror.From(err)
					return nil, pgerror.New(pe.Code, "%s", strings.Replace(pe.Message, "relation", "table", 1))
				}
			}
		}
		// Foreign keys of other tables that reference these: 2BP01, or
		// dropped with CASCADE (which TiDB's AST does not keep).
		var dropping []*tableDef
		for _, t := range n.Tables {
			if d, err := s.lookup(t.Schema.O, t.Name.O); err == nil {
				dropping = append(dropping, d)
			}
		}
		notices, err := s.dropDependents(ctx, dropping, endsWithCascade(stmt.Rewritten))
		if err != nil {
			return nil, err
		}
		res.Notices = append(res.Notices, notices...)
		for _, t := range n.Tables {
			dropped, err := s.dropTable(ctx, t.Schema.O, t.Name.O, n.IfExists)
			if err != nil {
				return nil, err
			}
			if !dropped {
				res.Notices = append(res.Notices, pgerror.Notice("table \"%s\" does not exist, skipping", t.Name.O))
			}
		}
		return res, nil
	case *ast.AlterTableStmt:
		return s.execAlter(ctx, n, stmt)
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "statement not supported")
}

// execTruncate empties tables (TRUNCATE a, b): each gets a new, empty
// tree, as PostgreSQL gives it a new relfilenode; the old tree is dropped
// at commit. Rows loaded into the new tree in the same transaction (COPY
// ... FREEZE after TRUNCATE in pgbench -i) skip the log.
func (s *Session) execTruncate(ctx context.Context, n *parser.Truncate) (*Result, error) {
	defs := make([]*tableDef, 0, len(n.Tables))
	for _, name := range n.Tables {
		schema, tbl := splitQualified(name)
		t, err := s.lookup(schema, tbl)
		if err != nil {
			return nil, err
		}
		if err := t.checkTable(); err != nil {
			return nil, err
		}
		if t.mat != nil {
			return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", t.name)
		}
		defs = append(defs, t)
	}
	defs, notices, err := s.truncateDependents(defs, n.Cascade)
	if err != nil {
		return nil, err
	}
	for _, t := range defs {
		if _, err := s.replaceTree(ctx, t); err != nil {
			return nil, err
		}
	}
	res := tagOnly("TRUNCATE TABLE")
	res.Notices = notices
	return res, nil
}

// splitQualified splits "schema.table" (already case-folded by the parser).
func splitQualified(name string) (string, string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// pkIndexes resolves primary key column names.
func pkIndexes(cols []planner.Column, names []string) ([]int, error) {
	if len(names) == 0 {
		return nil, nil
	}
	pk := make([]int, len(names))
	for i, name := range names {
		pk[i] = -1
		for j, c := range cols {
			if c.Name == name {
				pk[i] = j
			}
		}
		if pk[i] < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" named in key does not exist", name)
		}
		for _, prev := range pk[:i] {
			if prev == pk[i] {
				return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" appears twice in primary key constraint", name)
			}
		}
	}
	return pk, nil
}

// lockTable takes a table's lock exclusively, as PostgreSQL's DDL takes
// ACCESS EXCLUSIVE, and returns its current def.
func (s *Session) lockTable(ctx context.Context, t *tableDef) (*tableDef, error) {
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, tableLockName(t.oid), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	cur := s.current(t.oid)
	if cur == nil {
		return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", t.name)
	}
	return cur, nil
}

// createTable adds a table in the transaction; created is false when it
// exists and ifNotExists is set.
func (s *Session) createTable(ctx context.Context, schema, name string, cols []planner.Column, pk []int, ifNotExists, temp bool) (bool, error) {
	schema, err := s.creationSchema(ctx, schema, temp)
	if err != nil {
		return false, err
	}
	seen := map[string]bool{}
	for _, col := range cols {
		if seen[col.Name] {
			return false, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", col.Name)
		}
		seen[col.Name] = true
	}
	tx := s.storageTxn()
	// Two sessions creating the same name wait for each other, as on
	// PostgreSQL's unique index over pg_class names.
	if err := tx.LockObject(ctx, "name:"+qualified(schema, name), lock.Exclusive); err != nil {
		return false, storageError(err)
	}
	if s.relationExists(schema, name) {
		if ifNotExists {
			return false, nil
		}
		return false, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	tree, err := tx.CreateTree()
	if err != nil {
		return false, storageError(err)
	}
	oid := s.engine.catalog.nextOID.Add(1) - 1
	pkName := ""
	if pk != nil {
		pkName = name + "_pkey"
	}
	t := newTableDef(oid, schema, name, cols, pk, pkName, tree)
	t.rowid = s.engine.catalog.rowidCounter(tree)
	return true, s.writeDef(t, "")
}

// dropTable drops a table in the transaction.
func (s *Session) dropTable(ctx context.Context, schema, name string, ifExists bool) (bool, error) {
	t, err := s.lookup(schema, name)
	if err != nil {
		if ifExists {
			return false, nil
		}
		pe := pgerror.From(err)
		return false, pgerror.New(pe.Code, "%s", strings.Replace(pe.Message, "relation", "table", 1))
	}
	if t.seq != nil || t.view != nil || t.mat != nil && !s.droppingMatview {
		return false, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", name).
			WithHint("Use DROP %s to remove a %s.", kindWord(t, true), kindWord(t, false))
	}
	if t, err = s.lockTable(ctx, t); err != nil {
		return false, err
	}
	if err := s.dropDef(t); err != nil {
		return false, err
	}
	return true, s.dropOwnedSequences(ctx, t)
}

// replaceTree gives t a new empty tree and new empty index trees
// (dropping the old ones at commit), and returns the new def.
func (s *Session) replaceTree(ctx context.Context, t *tableDef) (*tableDef, error) {
	t, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	tx := s.tx
	tree, err := tx.CreateTree()
	if err != nil {
		return nil, storageError(err)
	}
	tx.DropTree(t.tree)
	nt := newTableDef(t.oid, t.schema, t.name, t.cols, t.pk, t.pkName, tree)
	nt.rowid = s.engine.catalog.rowidCounter(tree)
	carryConstraints(t, nt)
	for _, ix := range t.indexes {
		itree, err := tx.CreateTree()
		if err != nil {
			return nil, storageError(err)
		}
		tx.DropTree(ix.tree)
		nt.indexes = append(nt.indexes, ix.withTree(itree))
	}
	return nt, s.writeDef(nt, "")
}

// execAlter runs ALTER TABLE t ADD PRIMARY KEY (cols) (what pgbench -i
// sends): the rows are checked (NOT NULL, unique) and rebuilt into a new
// tree clustered on the key.
func (s *Session) execAlter(ctx context.Context, n *ast.AlterTableStmt, stmt *parser.Statement) (*Result, error) {
	t, err := s.lookup(n.Table.Schema.O, n.Table.Name.O)
	if err != nil {
		return nil, err
	}
	if t.seq != nil || t.view != nil {
		return nil, pgerror.New(pgerror.WrongObjectType, "\"%s\" is not a table", t.name)
	}
	var alterNotices []*pgerror.Error
	for _, spec := range n.Specs {
		switch spec.Tp {
		case ast.AlterTableAddColumns:
			for _, cd := range spec.NewColumns {
				if t, err = s.addColumn(ctx, t, cd, stmt); err != nil {
					return nil, err
				}
				if t, err = s.addColumnConstraints(ctx, t, cd, stmt); err != nil {
					return nil, err
				}
			}
			continue
		case ast.AlterTableDropColumn:
			if t, err = s.dropColumn(ctx, t, spec.OldColumnName.Name.O); err != nil {
				return nil, err
			}
			continue
		case ast.AlterTableRenameTable:
			if t, err = s.renameTable(ctx, t, spec.NewTable.Name.O); err != nil {
				return nil, err
			}
			continue
		}
		if spec.Tp == ast.AlterTableAddConstraint && spec.Constraint != nil &&
			(spec.Constraint.Tp == ast.ConstraintCheck || spec.Constraint.Tp == ast.ConstraintForeignKey) {
			if t, err = s.alterAddConstraint(ctx, t, spec.Constraint, stmt); err != nil {
				return nil, err
			}
			continue
		}
		if spec.Tp == ast.AlterTableDropCheck || spec.Tp == ast.AlterTableDropForeignKey {
			name := spec.Name
			if spec.Constraint != nil && spec.Constraint.Name != "" {
				name = spec.Constraint.Name
			}
			var notices []*pgerror.Error
			ifExists, cascade := dropConstraintFlags(stmt.Text, name)
			if t, notices, err = s.dropConstraint(ctx, t, name, ifExists, cascade); err != nil {
				return nil, err
			}
			alterNotices = append(alterNotices, notices...)
			continue
		}
		if spec.Tp == ast.AlterTableAddConstraint && spec.Constraint != nil && isUniqueConstraint(spec.Constraint.Tp) {
			if t, err = s.addUniqueConstraint(ctx, t, spec.Constraint); err != nil {
				return nil, err
			}
			continue
		}
		if spec.Tp == ast.AlterTableDropIndex || spec.Tp == ast.AlterTableDropPrimaryKey {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "ALTER TABLE ... DROP CONSTRAINT is not supported yet")
		}
		if spec.Tp != ast.AlterTableAddConstraint || spec.Constraint == nil || spec.Constraint.Tp != ast.ConstraintPrimaryKey {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "this form of ALTER TABLE is not supported yet")
		}
		if t.pk != nil {
			return nil, pgerror.New(pgerror.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", t.name)
		}
		var names []string
		for _, k := range spec.Constraint.Keys {
			if k.Column != nil {
				names = append(names, k.Column.Name.O)
			}
		}
		pk, err := pkIndexes(t.cols, names)
		if err != nil {
			return nil, err
		}
		if t, err = s.addPrimaryKey(ctx, t, pk); err != nil {
			return nil, err
		}
	}
	res := tagOnly("ALTER TABLE")
	res.Notices = alterNotices
	return res, nil
}

// addPrimaryKey rebuilds t clustered on pk: the rows, read in their old
// order, are built bottom-up into a new tree (streamed when they already
// come in key order, as pgbench -i's do), and every secondary index is
// rebuilt since its entries name rows by their storage key.
func (s *Session) addPrimaryKey(ctx context.Context, t *tableDef, pk []int) (*tableDef, error) {
	old, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	cols := append([]planner.Column(nil), old.cols...)
	for _, i := range pk {
		cols[i].NotNull = true
	}
	pkName := old.name + "_pkey"
	nt := newTableDef(old.oid, old.schema, old.name, cols, pk, pkName, 0)
	carryConstraints(old, nt)
	want := make([]bool, len(old.types))
	for _, i := range pk {
		want[i] = true
	}
	tx := s.storageTxn()
	src := func() (func() ([]byte, []byte, bool, error), func(), error) {
		it, err := tx.Scan(ctx, old.tree, nil, nil)
		if err != nil {
			return nil, nil, storageError(err)
		}
		vals := make([]types.Datum, len(old.types))
		keyVals := make([]types.Datum, len(pk))
		var kbuf []byte
		next := func() ([]byte, []byte, bool, error) {
			if !it.Next() {
				return nil, nil, false, storageError(it.Err())
			}
			// Only the key columns are decoded; the row's bytes are
			// reused as they are (the encoding does not depend on NOT
			// NULL).
			row, err := rowcodec.DecodeColumns(old.types, it.Value(), vals, want)
			if err != nil {
				return nil, nil, false, err
			}
			for i, c := range pk {
				if row[c] == nil {
					return nil, nil, false, pgerror.New(pgerror.NotNullViolation, "column \"%s\" of relation \"%s\" contains null values", cols[c].Name, old.name)
				}
				keyVals[i] = row[c]
			}
			kbuf, err = rowcodec.EncodeKey(kbuf[:0], nt.pkTypes, keyVals)
			if err != nil {
				return nil, nil, false, err
			}
			return kbuf, it.Value(), true, nil
		}
		return next, it.Close, nil
	}
	dup := func(_, v []byte) error {
		row, err := rowcodec.DecodeRow(old.types, v, nil)
		if err != nil {
			return err
		}
		acc := &tableAccess{s: s, t: nt, tx: tx}
		pe := pgerror.From(acc.uniqueViolation(pkName, pk, row))
		return pgerror.New(pgerror.UniqueViolation, "could not create unique index \"%s\"", pkName).
			WithDetail("%s", strings.Replace(pe.Detail, "already exists.", "is duplicated.", 1))
	}
	tree, err := s.bulkBuild(ctx, src, dup)
	if err != nil {
		return nil, err
	}
	tx.DropTree(old.tree)
	nt.tree = tree
	nt.rowid = s.engine.catalog.rowidCounter(tree)
	for _, ix := range old.indexes {
		tx.DropTree(ix.tree)
		nix := ix.withTree(0)
		if nix.tree, err = s.buildIndex(ctx, nt, nix); err != nil {
			return nil, err
		}
		nt.indexes = append(nt.indexes, nix)
	}
	return nt, s.writeDef(nt, "")
}

func isUniqueConstraint(tp ast.ConstraintType) bool {
	return tp == ast.ConstraintUniq || tp == ast.ConstraintUniqKey || tp == ast.ConstraintUniqIndex
}

// addUniqueConstraints adds the indexes of CREATE TABLE's UNIQUE column
// options and table constraints, in PostgreSQL's order (columns first).
func (s *Session) addUniqueConstraints(ctx context.Context, n *ast.CreateTableStmt) error {
	var cons []*ast.Constraint
	for _, cd := range n.Cols {
		for _, opt := range cd.Options {
			if opt.Tp == ast.ColumnOptionUniqKey {
				cons = append(cons, &ast.Constraint{Tp: ast.ConstraintUniq,
					Keys: []*ast.IndexPartSpecification{{Column: cd.Name}}})
			}
		}
	}
	for _, c := range n.Constraints {
		if isUniqueConstraint(c.Tp) {
			cons = append(cons, c)
		}
	}
	if len(cons) == 0 {
		return nil
	}
	t, err := s.lookup(n.Table.Schema.O, n.Table.Name.O)
	if err != nil {
		return err
	}
	for _, c := range cons {
		if t, err = s.addUniqueConstraint(ctx, t, c); err != nil {
			return err
		}
	}
	return nil
}

// addUniqueConstraint adds a UNIQUE constraint's index to t (named as
// PostgreSQL names it: the constraint's name or table_cols_key).
func (s *Session) addUniqueConstraint(ctx context.Context, t *tableDef, c *ast.Constraint) (*tableDef, error) {
	var names []string
	for _, k := range c.Keys {
		if k.Column == nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "UNIQUE constraints on expressions are not supported")
		}
		names = append(names, k.Column.Name.O)
	}
	cols, err := indexColumns(t, names)
	if err != nil {
		// PostgreSQL words it for constraints as for primary keys.
		return nil, pgerror.New(pgerror.UndefinedColumn, "%s named in key does not exist",
			strings.TrimSuffix(pgerror.From(err).Message, " does not exist"))
	}
	name := c.Name
	if name == "" {
		name = s.chooseRelationName(t.schema, t.name, names, "key")
	} else if s.relationExists(t.schema, name) {
		return nil, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	return s.addIndex(ctx, t, &indexDef{name: name, cols: cols, unique: true, constraint: true})
}

// finishCreateTable completes a new table: its serial columns' sequences
// and nextval defaults, a check of every default (PostgreSQL rejects a
// bad default at CREATE TABLE), and its UNIQUE constraints' indexes.
func (s *Session) finishCreateTable(ctx context.Context, n *ast.CreateTableStmt, stmt *parser.Statement, serial map[string]*types.T) error {
	t, err := s.lookup(n.Table.Schema.O, n.Table.Name.O)
	if err != nil {
		return err
	}
	if len(serial) > 0 {
		nt := *t
		nt.cols = append([]planner.Column(nil), t.cols...)
		if err := s.serialSequences(ctx, &nt, serial, stmt.Identity); err != nil {
			return err
		}
		if err := s.writeDef(&nt, ""); err != nil {
			return err
		}
		t = &nt
	}
	for _, c := range t.cols {
		if c.Default != "" {
			if err := planner.CheckDefault(s, c, s.FormatOpts()); err != nil {
				// Point into the CREATE TABLE text: at the default, or at
				// the error's place inside it.
				pe := pgerror.From(err)
				if at := stmt.DefaultPositions[c.Name]; at > 0 {
					cp := *pe
					cp.Position = at
					if pe.Position > 0 {
						cp.Position = at + pe.Position - 1
					}
					return &cp
				}
				return err
			}
		}
	}
	if err := s.addUniqueConstraints(ctx, n); err != nil {
		return err
	}
	return s.addCreateTableConstraints(ctx, n, stmt)
}

// displayDefault gives a string literal default the explicit cast
// PostgreSQL shows for it (pg_get_expr: 'x'::text, 'x'::character
// varying), so psql's \d prints the same; the text still binds the same.
func displayDefault(text string, t *types.T) string {
	if len(text) < 2 || text[0] != '\'' || text[len(text)-1] != '\'' ||
		strings.Count(strings.ReplaceAll(text[1:len(text)-1], "''", ""), "'") != 0 {
		return text
	}
	switch t.OID {
	case types.OidText:
		return text + "::text"
	case types.OidVarchar:
		return text + "::character varying"
	case types.OidBpchar:
		return text + "::bpchar"
	}
	return text
}
