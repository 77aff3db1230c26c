package planner

import (
	"errors"
	"fmt"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Writable CTEs: `WITH d AS (DELETE ... RETURNING *) SELECT * FROM d`.
//
// sql/parser takes a top-level WITH that has data-modifying items (or
// comes before INSERT, or says MATERIALIZED) off the statement and parses
// each item on its own (parser.With). bindParserWith turns the items into
// cteDefs: a query item is planned where it is used, as any CTE; an
// INSERT / UPDATE / DELETE item is planned once, here, into a WriteCTE of
// Query.Writes. The executor runs every WriteCTE exactly once, in order,
// before the main statement, whether the main statement reads it or not
// (PostgreSQL's rule), keeping its RETURNING rows; references read them
// through a WorkTableScan of the WriteCTE's WorkTable, so a CTE read twice
// yields the same rows.

// WriteCTE is a data-modifying WITH item.
type WriteCTE struct {
	// Name is the item's name.
	Name string
	// Node is the *Insert, *Update or *Delete.
	Node Node
	// Work names its RETURNING rows (Types is empty without RETURNING).
	Work *WorkTable
}

// WithItemError is an error in a WITH item that sql/parser parsed on its
// own: Err's position is an offset in Stmt.Rewritten, to be mapped with
// Stmt as the statement's own errors are; with Stmt nil it is already a
// position in the statement's text.
type WithItemError struct {
	Stmt *parser.Statement
	Err  error
}

func (e *WithItemError) Error() string { return e.Err.Error() }

// Unwrap gives the error.
func (e *WithItemError) Unwrap() error { return e.Err }

// wrapItem marks err as belonging to item statement st (unless an inner
// item already claimed it).
func wrapItem(st *parser.Statement, err error) error {
	if err == nil {
		return nil
	}
	var we *WithItemError
	if errors.As(err, &we) {
		return err
	}
	return &WithItemError{Stmt: st, Err: err}
}

// atStatement is an error whose position is already in the statement's
// text.
func atStatement(err *pgerror.Error) error { return &WithItemError{Err: err} }

// OptionsOf gives the BuildOptions of a parsed statement: what its TiDB
// AST does not carry (RETURNING, ON CONFLICT, FROM / USING, OVERRIDING,
// a WITH taken off by the parser).
func OptionsOf(st *parser.Statement) BuildOptions {
	opts := BuildOptions{OnConflict: st.OnConflict, Overriding: st.Overriding, With: st.With}
	if r := st.Returning; r != nil {
		if sel, ok := r.AST.(*ast.SelectStmt); ok {
			opts.Returning, opts.ReturningSQL = sel, r.Rewritten
		}
	}
	if f := st.From; f != nil {
		if sel, ok := f.AST.(*ast.SelectStmt); ok {
			opts.From, opts.FromSQL = sel, f.Rewritten
		}
	}
	return opts
}

// buildStatement plans one statement with its options: a query or a
// data-modifying statement with its ON CONFLICT and RETURNING.
func (b *binder) buildStatement(stmt ast.StmtNode, opts BuildOptions) (Node, []Column, error) {
	var (
		root Node
		cols []Column
		err  error
	)
	switch s := stmt.(type) {
	case *ast.SelectStmt:
		root, cols, err = b.buildSelect(s)
	case *ast.SetOprStmt:
		root, cols, err = b.buildSetOpr(s)
	case *ast.InsertStmt:
		root, err = b.buildInsert(s)
		if err == nil && opts.OnConflict != nil && root.(*Insert).view != nil {
			err = pgerror.New(pgerror.FeatureNotSupported, "INSERT ... ON CONFLICT on a view is not supported")
		}
		if err == nil && opts.OnConflict != nil {
			err = b.bindOnConflict(root.(*Insert), opts.OnConflict)
		}
		if err == nil {
			cols, err = b.addReturning(root, opts, "")
		}
	case *ast.UpdateStmt:
		root, err = b.buildUpdate(s)
		if err == nil {
			cols, err = b.addReturning(root, opts, targetAlias(s.TableRefs))
		}
	case *ast.DeleteStmt:
		root, err = b.buildDelete(s)
		if err == nil {
			cols, err = b.addReturning(root, opts, targetAlias(s.TableRefs))
		}
	default:
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "statement is not supported yet")
	}
	return root, cols, err
}

// bindParserWith records the items of a WITH clause sql/parser took off
// the statement and plans its data-modifying items.
func (b *binder) bindParserWith(w *parser.With) error {
	if w == nil {
		return nil
	}
	seen := map[string]bool{}
	defs := make([]*cteDef, len(w.Items))
	for i, it := range w.Items {
		if seen[it.Name] {
			return atStatement(pgerror.New(pgerror.DuplicateAlias, "WITH query name \"%s\" specified more than once", it.Name).
				WithPosition(it.NamePos))
		}
		seen[it.Name] = true
		d := &cteDef{name: it.Name, cols: it.Cols, owner: b, earlier: append([]*cteDef(nil), b.ctes...),
			recursive: w.Recursive, stmt: it.Stmt, namePos: it.NamePos, materialized: it.Materialized}
		if w.Recursive {
			d.earlier = nil
		}
		if !it.IsDML() {
			q, ok := it.Stmt.AST.(ast.ResultSetNode)
			if !ok {
				return atStatement(pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", it.Name).WithPosition(it.NamePos))
			}
			d.query = q
		}
		defs[i] = d
		b.ctes = append(b.ctes, d)
	}
	for i, it := range w.Items {
		if it.IsDML() {
			if err := b.bindWriteCTE(defs[i], it); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindWriteCTE plans a data-modifying WITH item.
func (b *binder) bindWriteCTE(d *cteDef, it *parser.WithItem) error {
	opts := OptionsOf(it.Stmt)
	ctes := d.earlier
	if d.recursive {
		ctes = b.ctes
	}
	sub := &binder{cat: b.cat, sql: it.Stmt.Rewritten, fo: b.fo, params: b.params, ctes: ctes,
		dmlFrom: opts.From, dmlFromSQL: opts.FromSQL, overriding: opts.Overriding}
	root, cols, err := sub.buildStatement(it.Stmt.AST, opts)
	b.params = sub.params
	b.unresolved = append(b.unresolved, sub.unresolved...)
	if err != nil {
		return wrapItem(it.Stmt, err)
	}
	if len(d.cols) > len(cols) {
		return atStatement(pgerror.New(pgerror.InvalidColumnReference, "WITH query \"%s\" has %d columns available but %d columns specified",
			d.name, len(cols), len(d.cols)).WithPosition(d.namePos))
	}
	wc := &WriteCTE{Name: d.name, Node: root, Work: &WorkTable{Name: d.name, Write: true}}
	for i, c := range cols {
		wc.Work.Types = append(wc.Work.Types, c.Type)
		name := c.Name
		if i < len(d.cols) {
			name = d.cols[i]
		}
		wc.Work.Names = append(wc.Work.Names, name)
	}
	d.write, d.writeCols = wc, cols
	b.writes = append(b.writes, wc)
	return nil
}

// expandWrite plans a reference to the data-modifying item d: its
// RETURNING rows.
func (b *binder) expandWrite(d *cteDef, alias string) (Node, *scope, error) {
	if d.writeCols == nil {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "WITH query \"%s\" does not have a RETURNING clause", d.name).
			WithPosition(b.wordPos(d.name))
	}
	return &WorkTableScan{Work: d.write.Work, Alias: alias}, cteScope(d, d.writeCols, alias), nil
}

// finishWrites applies the plan-wide rules to the data-modifying items.
func finishWrites(ws []*WriteCTE) {
	for _, w := range ws {
		useKeys(w.Node)
		pruneColumns(w.Node)
	}
}

// HasWrites reports whether q has data-modifying WITH items (a cursor or
// a view may not).
func (q *Query) HasWrites() bool { return len(q.Writes) > 0 }

// CheckViewWith refuses a view query whose WITH has data-modifying items,
// as PostgreSQL does.
func CheckViewWith(st *parser.Statement) error {
	if st.With == nil {
		return nil
	}
	for _, it := range st.With.Items {
		if it.IsDML() {
			return pgerror.New(pgerror.FeatureNotSupported, "views must not contain data-modifying statements in WITH")
		}
	}
	return nil
}

// unwrapItem gives the error inside a WithItemError (for callers that
// drop positions anyway).
func unwrapItem(err error) error {
	var we *WithItemError
	if errors.As(err, &we) {
		return we.Err
	}
	return err
}

// explainWrites hangs the plans of the data-modifying WITH items under
// the top node as PostgreSQL draws them: `CTE name` init plans before the
// node's own inputs.
func (ex *explainer) explainWrites(root *exNode, ws []*WriteCTE) {
	var ks []*exNode
	for _, w := range ws {
		k, _ := ex.walk(w.Node)
		k.subName, k.parent = "CTE "+w.Name, "InitPlan"
		ks = append(ks, k)
	}
	root.kids = append(ks, root.kids...)
}

// explainCTEScan draws a read of a data-modifying item's RETURNING rows:
// PostgreSQL's CTE Scan, which costs the item's plan up front.
func (ex *explainer) explainCTEScan(e *exNode, x *WorkTableScan) []string {
	e.typ = "CTE Scan"
	alias := x.Alias
	if alias == "" {
		alias = x.Work.Name
	}
	e.detail = " on " + quoteIdentIfNeeded(x.Work.Name)
	if alias != x.Work.Name {
		e.detail += " " + quoteIdentIfNeeded(alias)
	}
	e.json = [][2]any{{"CTE Name", x.Work.Name}, {"Alias", alias}}
	e.rows = 1000
	e.total = e.rows * 2 * cpuTupleCost
	names := make([]string, len(x.Work.Types))
	for i := range names {
		n := fmt.Sprintf("column%d", i+1)
		if i < len(x.Work.Names) {
			n = quoteIdentIfNeeded(x.Work.Names[i])
		}
		if ex.qualify {
			n = quoteIdentIfNeeded(alias) + "." + n
		}
		names[i] = n
	}
	return names
}
