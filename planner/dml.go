package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Insert writes the rows Input produces into Table. Input's rows are full
// rows in attribute order whose values already have the column types and
// typmods (assignment casts are in the plan), so the executor only checks
// constraints and stores them.
type Insert struct {
	Table Table
	Input Node
	// Returning is the RETURNING list over the table's columns (nil =
	// none); see returning.go.
	Returning []Expr
	// OnConflict is the ON CONFLICT clause (nil = none).
	OnConflict *OnConflict
	// ViewChecks are the check options of the view the statement
	// writes through (see view_dml.go); each is checked on every row
	// written, after it is written.
	ViewChecks []ViewCheck
	view       *viewTarget
}

// Update replaces, in each row of Table for which Where (nil = always) is
// true, every column by Set[i]. Where and Set are evaluated over the old
// row (ColumnRef.Idx = attribute index); a column the statement does not
// assign has a ColumnRef to itself.
type Update struct {
	Table Table
	Where Expr
	Set   []Expr
	// Key, when set, narrows the rows considered (see useKeys).
	Key *KeyLookup
	// Returning is the RETURNING list over the new row.
	Returning []Expr
	// Source, for UPDATE ... FROM, produces the rows to change (see
	// dmlfrom.go); Where and Set then read its rows.
	Source *DMLSource
	// ViewChecks are as for Insert.
	ViewChecks []ViewCheck
	view       *viewTarget
}

// Delete removes the rows of Table for which Where (nil = always) is true.
type Delete struct {
	Table Table
	Where Expr
	// Key, when set, narrows the rows considered (see useKeys).
	Key *KeyLookup
	// Returning is the RETURNING list over the deleted row.
	Returning []Expr
	// Source, for DELETE ... USING, produces the rows to delete (see
	// dmlfrom.go); Where then reads its rows.
	Source *DMLSource
	view   *viewTarget
}

// Output implements Node: the RETURNING list's types (none without one).
func (n *Insert) Output() []*types.T { return returningTypes(n.Returning) }

// Output implements Node.
func (n *Update) Output() []*types.T { return returningTypes(n.Returning) }

// Output implements Node.
func (n *Delete) Output() []*types.T { return returningTypes(n.Returning) }

func returningTypes(es []Expr) []*types.T {
	if len(es) == 0 {
		return nil
	}
	return exprTypes(es)
}

// CommandVerb names the statement in its command tag: INSERT, UPDATE,
// DELETE or SELECT.
func (q *Query) CommandVerb() string {
	switch q.Root.(type) {
	case *Insert:
		return "INSERT"
	case *Update:
		return "UPDATE"
	case *Delete:
		return "DELETE"
	}
	return "SELECT"
}

// IsDML reports whether q modifies a table (executor/eval runs it with
// Exec, or ExecReturning when it has a RETURNING list).
func (q *Query) IsDML() bool {
	switch q.Root.(type) {
	case *Insert, *Update, *Delete:
		return true
	}
	return false
}

// lookupTarget resolves the table an INSERT, UPDATE or DELETE writes.
func (b *binder) lookupTarget(refs *ast.TableRefsClause, verb string) (Table, string, error) {
	if refs == nil || refs.TableRefs == nil || refs.TableRefs.Right != nil {
		return nil, "", pgerror.New(pgerror.FeatureNotSupported, "%s over several tables is not supported", verb)
	}
	ts, ok := refs.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, "", pgerror.New(pgerror.FeatureNotSupported, "%s over this table reference is not supported", verb)
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return nil, "", pgerror.New(pgerror.SyntaxError, "syntax error at or near \"(\"")
	}
	if b.cat == nil {
		return nil, "", pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", tn.Name.O).WithPosition(b.wordPos(tn.Name.O))
	}
	t, err := b.cat.LookupTable(tn.Schema.O, tn.Name.O)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			pe.Position = b.wordPos(tn.Name.O)
		}
		return nil, "", err
	}
	alias := ts.AsName.O
	if alias == "" {
		alias = tn.Name.O
	}
	return t, alias, nil
}

// tableScope makes a table's columns visible under alias.
func tableScope(t Table, alias string) *scope {
	sc := &scope{}
	for _, c := range t.Columns() {
		sc.cols = append(sc.cols, scopeCol{table: alias, relname: t.Name(), name: c.Name, t: c.Type, typmod: c.Typmod, tableOID: t.OID(), attNum: c.AttNum})
	}
	return sc
}

// wordAfter finds the whole word name in the statement at or after byte
// offset from; it returns the byte offset of the word (of its opening
// quote when quoted) and the offset just past it, or -1.
func (b *binder) wordAfter(name string, from int) (int, int) {
	low, n := strings.ToLower(b.sql), strings.ToLower(name)
	for from >= 0 && from < len(low) && n != "" {
		i := strings.Index(low[from:], n)
		if i < 0 {
			return -1, -1
		}
		i += from
		end := i + len(n)
		if (i == 0 || !isIdentByte(low[i-1])) && (end == len(low) || !isIdentByte(low[end])) {
			if i > 0 && (low[i-1] == '`' || low[i-1] == '"') {
				i--
			}
			return i, end
		}
		from = i + 1
	}
	return -1, -1
}

// charPos converts a byte offset in the statement to a 1-based position
// in the rewritten text (Statement.Position maps it to the user's text).
func (b *binder) charPos(off int) int {
	if off < 0 || off > len(b.sql) {
		return 0
	}
	return off + 1
}

// targetColumn is one column an INSERT or UPDATE assigns.
type targetColumn struct {
	idx int // attribute index
	pos int // position of its name in the statement, 0 if unknown
	// name is the view column's name when the target is a view.
	name string
}

// findColumn returns the attribute index of name in t, or -1.
func findColumn(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// assign coerces e to the type of column col as PostgreSQL's
// transformAssignedExpr does: unknown literals and parameters take the
// column type, other types need an implicit or assignment cast, and the
// column's typmod is applied as an implicit cast would (varchar(n) raises
// 22001 rather than truncating).
func (b *binder) assign(e Expr, col Column, n ast.Node) (Expr, error) {
	e, err := b.assignBase(e, col, n)
	if err != nil || col.Domain == nil {
		return e, err
	}
	return b.domainCheck(e, col.Domain)
}

// assignBase is assign without the column's domain constraints.
func (b *binder) assignBase(e Expr, col Column, n ast.Node) (Expr, error) {
	from := e.Type()
	if from.OID == types.OidUnknown {
		return b.coerce(e, col.Type, col.Typmod, false, n)
	}
	if from.OID == col.Type.OID {
		if col.Typmod < 0 || typmodOf(e) == col.Typmod {
			return e, nil
		}
		return &Cast{X: e, To: col.Type, Typmod: col.Typmod}, nil
	}
	if !canCoerceAssignment(from, col.Type) {
		err := pgerror.New(pgerror.DatatypeMismatch, "column \"%s\" is of type %s but expression is of type %s", col.Name, col.Type.SQLName, from.SQLName).
			WithHint("You will need to rewrite or cast the expression.")
		if n != nil {
			err = err.WithPosition(pos(n))
		}
		return nil, err
	}
	return &Cast{X: e, To: col.Type, Typmod: col.Typmod}, nil
}

// buildInsert plans INSERT INTO t [(cols)] VALUES (...), ... | SELECT ...
func (b *binder) buildInsert(s *ast.InsertStmt) (Node, error) {
	if s.IsReplace || s.IgnoreErr || s.Setlist || len(s.OnDuplicate) > 0 || len(s.PartitionNames) > 0 {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", "INSERT")
	}
	t, _, err := b.lookupTarget(s.Table, "INSERT")
	if err != nil {
		return nil, err
	}
	// Through a view: target names are the view's columns, and each
	// maps to a base column (-1: not updatable, an error if given).
	var vt *viewTarget
	relName := t.Name()
	if v, ok := t.(ViewTable); ok {
		if vt, err = b.resolveView(v, verbInsert, 0); err != nil {
			return nil, err
		}
		t = vt.base
	}
	cols := t.Columns()
	nameCols := cols
	if vt != nil {
		nameCols = vt.cols
	}
	// Target columns, with the positions of their names for errors.
	var targets []targetColumn
	explicit := len(s.Columns) > 0
	if explicit {
		_, cursor := b.wordAfter(t.Name(), 0)
		seen := make(map[int]bool, len(s.Columns))
		for _, cn := range s.Columns {
			at, end := b.wordAfter(cn.Name.O, cursor)
			p := 0
			if at >= 0 {
				p, cursor = b.charPos(at), end
			}
			if cn.Table.O != "" {
				return nil, pgerror.New(pgerror.FeatureNotSupported, "qualified INSERT target columns are not supported").WithPosition(p)
			}
			i := findColumn(nameCols, cn.Name.O)
			if i < 0 {
				return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cn.Name.O, relName).WithPosition(p)
			}
			if seen[i] {
				return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", cn.Name.O).WithPosition(p)
			}
			seen[i] = true
			targets = append(targets, targetColumn{idx: i, pos: p})
		}
	} else {
		for i := range nameCols {
			targets = append(targets, targetColumn{idx: i})
		}
	}
	if vt != nil {
		for k := range targets {
			targets[k].name = vt.cols[targets[k].idx].Name
			targets[k].idx = vt.colMap[targets[k].idx]
		}
	}
	// viewCols refuses values for view columns that are not base
	// columns, once the first n targets are known to get one.
	viewCols := func(n int) error {
		for k := 0; k < n && k < len(targets); k++ {
			if targets[k].idx < 0 {
				return columnNotUpdatable(vt.view, verbInsert, targets[k].name)
			}
		}
		return nil
	}
	// checkWidth raises PostgreSQL's errors for a row of n expressions
	// (nodes locate them) against the targets; without a column list the
	// row may be shorter (the rest get defaults).
	checkWidth := func(n int, node func(int) ast.Node) error {
		if n > len(targets) {
			err := pgerror.New(pgerror.SyntaxError, "INSERT has more expressions than target columns")
			if x := node(len(targets)); x != nil {
				err = err.WithPosition(pos(x))
			}
			return err
		}
		if n < len(targets) && explicit {
			return pgerror.New(pgerror.SyntaxError, "INSERT has more target columns than expressions").WithPosition(targets[n].pos)
		}
		return nil
	}
	width := len(cols)
	if s.Select != nil {
		input, outCols, err := b.buildInsertSelect(s.Select)
		if err != nil {
			return nil, err
		}
		if err := checkWidth(len(outCols), func(i int) ast.Node { return selectField(s.Select, i) }); err != nil {
			return nil, err
		}
		if err := viewCols(len(outCols)); err != nil {
			return nil, err
		}
		// Project the selected columns into full rows.
		out := input.Output()
		exprs := make([]Expr, width)
		var inner []Expr // the select list, when assignments can go into it
		switch r := input.(type) {
		case *Project:
			inner = r.Exprs
		case *Result:
			inner = r.Exprs
		}
		for i := range outCols {
			tc := targets[i]
			field := selectField(s.Select, i)
			if skip, err := b.identityValue(cols[tc.idx]); err != nil || skip {
				if err != nil {
					return nil, err
				}
				continue
			}
			if inner != nil {
				// Assign within the select list itself, so that unknown
				// literals are parsed (and fail) at plan time.
				e, err := b.assign(inner[i], cols[tc.idx], field)
				if err != nil {
					return nil, err
				}
				inner[i] = e
				exprs[tc.idx] = &ColumnRef{Idx: i, T: e.Type()}
				continue
			}
			e, err := b.assign(&ColumnRef{Idx: i, T: out[i]}, cols[tc.idx], field)
			if err != nil {
				return nil, err
			}
			exprs[tc.idx] = e
		}
		for i := range exprs {
			if exprs[i] == nil {
				if exprs[i], err = b.bindDefault(cols[i]); err != nil {
					return nil, err
				}
			}
		}
		return b.viewInsert(&Insert{Table: t, Input: &Project{Input: input, Exprs: exprs}}, vt), nil
	}
	if len(s.Lists) == 0 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "this form of INSERT is not supported yet")
	}
	b.aggCtx, b.clause = "", "VALUES"
	b.scope = &scope{} // the target's columns are not visible in VALUES
	vals := &Values{Types: make([]*types.T, width)}
	for i, c := range cols {
		vals.Types[i] = c.Type
	}
	for r, list := range s.Lists {
		if r > 0 && len(list) != len(s.Lists[0]) {
			err := pgerror.New(pgerror.SyntaxError, "VALUES lists must all be the same length")
			if len(list) > 0 {
				err = err.WithPosition(pos(list[0]))
			}
			return nil, err
		}
		if err := checkWidth(len(list), func(i int) ast.Node { return list[i] }); err != nil {
			return nil, err
		}
		if err := viewCols(len(list)); err != nil {
			return nil, err
		}
		row := make([]Expr, width)
		for i, n := range list {
			tc := targets[i]
			var e Expr
			if _, ok := n.(*ast.DefaultExpr); ok {
				var err error
				if e, err = b.bindDefault(cols[tc.idx]); err != nil {
					return nil, err
				}
			} else if skip, err := b.identityValue(cols[tc.idx]); err != nil {
				return nil, err
			} else if skip {
				continue
			} else {
				if e, err = b.bindExpr(n); err != nil {
					return nil, targetColumnHint(err, n, t)
				}
				if e, err = b.assign(e, cols[tc.idx], n); err != nil {
					return nil, err
				}
			}
			row[tc.idx] = e
		}
		for i := range row {
			if row[i] == nil {
				var err error
				if row[i], err = b.bindDefault(cols[i]); err != nil {
					return nil, err
				}
			}
		}
		vals.Rows = append(vals.Rows, row)
	}
	return b.viewInsert(&Insert{Table: t, Input: vals}, vt), nil
}

// buildInsertSelect plans the query of INSERT ... SELECT. Like PostgreSQL
// (p_resolve_unknowns off) it leaves unknown literals in the select list
// unresolved, so that they take the target column's type.
func (b *binder) buildInsertSelect(q ast.ResultSetNode) (Node, []Column, error) {
	return b.buildNested(q, true, "INSERT from")
}

// selectField returns the i-th select-list expression of a plain SELECT,
// for error positions; nil otherwise.
func selectField(q ast.ResultSetNode, i int) ast.Node {
	sel, ok := q.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || i >= len(sel.Fields.Fields) || sel.Fields.Fields[i].Expr == nil {
		return nil
	}
	return sel.Fields.Fields[i].Expr
}

// buildUpdate plans UPDATE t [AS a] SET c = expr, ... [WHERE cond].
func (b *binder) buildUpdate(s *ast.UpdateStmt) (Node, error) {
	if s.With != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "WITH is not supported yet")
	}
	if s.Order != nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"ORDER\"")
	}
	if s.Limit != nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"LIMIT\"")
	}
	t, alias, err := b.lookupTarget(s.TableRefs, "UPDATE")
	if err != nil {
		return nil, err
	}
	vt, err := b.dmlView(t, alias, verbUpdate)
	if err != nil {
		return nil, err
	}
	relName := t.Name()
	if vt != nil {
		t = vt.base
	} else {
		b.scope = tableScope(t, alias)
	}
	cols := t.Columns()
	var badCol string // a view column that cannot be assigned
	var src *DMLSource
	if b.dmlFrom != nil {
		if src, err = b.dmlSource(t, alias); err != nil {
			return nil, err
		}
	}
	b.aggCtx, b.clause = "", "UPDATE"
	set := make([]Expr, len(cols))
	_, cursor := b.wordAfter("set", 0)
	for _, a := range s.List {
		name := a.Column.Name.O
		if a.Column.Table.O != "" {
			// PostgreSQL reads t.a as field a of a column t.
			name = a.Column.Table.O
		}
		at, end := b.wordAfter(name, cursor)
		p := 0
		if at >= 0 {
			p, cursor = b.charPos(at), end
		}
		i := findColumn(cols, name)
		if vt != nil {
			if i = findColumn(vt.cols, name); i >= 0 {
				if i = vt.colMap[i]; i < 0 {
					// Raised after the statement is bound, as
					// PostgreSQL's rewriter does.
					if badCol == "" {
						badCol = name
					}
					if _, ok := a.Expr.(*ast.DefaultExpr); !ok {
						if _, err := b.bindExpr(a.Expr); err != nil {
							return nil, err
						}
					}
					continue
				}
			}
		}
		if i < 0 || a.Column.Table.O != "" {
			if i >= 0 {
				return nil, pgerror.New(pgerror.FeatureNotSupported, "assignment to a field of column \"%s\" is not supported", name).WithPosition(p)
			}
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, relName).WithPosition(p)
		}
		var e Expr
		if _, ok := a.Expr.(*ast.DefaultExpr); ok {
			if e, err = b.bindDefault(cols[i]); err != nil {
				return nil, err
			}
		} else if cols[i].Identity == 'a' {
			return nil, pgerror.New(pgerror.GeneratedAlways, "column \"%s\" can only be updated to DEFAULT", name).
				WithDetail("Column \"%s\" is an identity column defined as GENERATED ALWAYS.", name)
		} else {
			if e, err = b.bindExpr(a.Expr); err != nil {
				return nil, err
			}
			if e, err = b.assign(e, cols[i], a.Expr); err != nil {
				return nil, err
			}
		}
		if set[i] != nil {
			return nil, pgerror.New(pgerror.SyntaxError, "multiple assignments to same column \"%s\"", name)
		}
		set[i] = e
	}
	for i, c := range cols {
		if set[i] == nil {
			set[i] = &ColumnRef{Idx: i, T: c.Type}
		}
	}
	where, err := b.bindWhere(s.Where)
	if err != nil {
		return nil, err
	}
	if badCol != "" {
		return nil, columnNotUpdatable(vt.view, verbUpdate, badCol)
	}
	src.finish(b, where)
	u := &Update{Table: t, Where: where, Set: set, Source: src}
	if vt != nil {
		nb := len(cols)
		viewSubstAll(u.Set, nb, vt.exprs)
		u.Where = andOf(append(conjuncts(vt.where), conjuncts(substView(u.Where, nb, vt.exprs))...))
		u.view, u.ViewChecks = vt, vt.checks()
		if correlatedIn(append([]Expr{u.Where}, u.Set...)...) {
			return nil, errViewCorrelated()
		}
	}
	return u, nil
}

// buildDelete plans DELETE FROM t [AS a] [WHERE cond].
func (b *binder) buildDelete(s *ast.DeleteStmt) (Node, error) {
	if s.With != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "WITH is not supported yet")
	}
	if s.IsMultiTable || s.Tables != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "DELETE over several tables is not supported")
	}
	if s.Order != nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"ORDER\"")
	}
	if s.Limit != nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"LIMIT\"")
	}
	t, alias, err := b.lookupTarget(s.TableRefs, "DELETE")
	if err != nil {
		return nil, err
	}
	vt, err := b.dmlView(t, alias, verbDelete)
	if err != nil {
		return nil, err
	}
	if vt != nil {
		t = vt.base
	} else {
		b.scope = tableScope(t, alias)
	}
	var src *DMLSource
	if b.dmlFrom != nil {
		if src, err = b.dmlSource(t, alias); err != nil {
			return nil, err
		}
	}
	where, err := b.bindWhere(s.Where)
	if err != nil {
		return nil, err
	}
	src.finish(b, where)
	d := &Delete{Table: t, Where: where, Source: src}
	if vt != nil {
		d.Where = andOf(append(conjuncts(vt.where), conjuncts(substView(d.Where, len(t.Columns()), vt.exprs))...))
		d.view = vt
		if correlatedIn(d.Where) {
			return nil, errViewCorrelated()
		}
	}
	return d, nil
}

// bindWhere binds the WHERE clause of UPDATE or DELETE (nil if none).
func (b *binder) bindWhere(n ast.ExprNode) (Expr, error) {
	if n == nil {
		return nil, nil
	}
	b.aggCtx, b.clause = "", "WHERE"
	w, err := b.bindExpr(n)
	if err != nil {
		return nil, err
	}
	return b.coerceBool(w, "WHERE", n)
}

// targetColumnHint adds PostgreSQL's hint to an unknown column error in
// INSERT's VALUES when the target table has a column of that name.
func targetColumnHint(err error, n ast.Node, t Table) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Code != pgerror.UndefinedColumn || pe.Hint != "" {
		return err
	}
	var name string
	ast.Node(n).Accept(&targetColFinder{found: &name, msg: pe.Message})
	if name != "" && findColumn(t.Columns(), name) >= 0 {
		return pe.WithHint("There is a column named \"%s\" in table \"%s\", but it cannot be referenced from this part of the query.", name, t.Name())
	}
	return err
}

// targetColFinder finds the column reference an unknown-column message names.
type targetColFinder struct {
	found *string
	msg   string
}

func (v *targetColFinder) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok && c.Name.Table.O == "" && v.msg == "column \""+c.Name.Name.O+"\" does not exist" {
		*v.found = c.Name.Name.O
		return n, true
	}
	return n, false
}

func (v *targetColFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// identityValue applies INSERT's rules for a value given for an identity
// column: GENERATED ALWAYS refuses it unless OVERRIDING SYSTEM VALUE;
// OVERRIDING USER VALUE ignores it (skip: the column takes its default).
func (b *binder) identityValue(c Column) (skip bool, err error) {
	switch {
	case c.Identity == 0:
		return false, nil
	case b.overriding == "user":
		return true, nil
	case c.Identity == 'a' && b.overriding != "system":
		return false, pgerror.New(pgerror.GeneratedAlways, "cannot insert a non-DEFAULT value into column \"%s\"", c.Name).
			WithDetail("Column \"%s\" is an identity column defined as GENERATED ALWAYS.", c.Name).
			WithHint("Use OVERRIDING SYSTEM VALUE to override.")
	}
	return false, nil
}
