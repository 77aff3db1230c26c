package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Auto-updatable views. INSERT, UPDATE and DELETE on a view whose query
// reads one table (or such a view) without DISTINCT, GROUP BY, HAVING,
// aggregates, window or set-returning functions, set operations, WITH or
// LIMIT are planned on the view's base table, as PostgreSQL's rewriter
// does (rewriteTargetView): resolveView follows the views down to the
// table and expresses every view column over the base table's row; the
// statement is then bound over a scope that shows the view's columns
// (the base columns are hidden) and each reference to a view column is
// replaced by its expression (substView), so the plan reads only base
// rows. The views' WHERE conditions restrict UPDATE and DELETE; a view
// column that is not a plain column of the base table cannot be
// assigned. WITH [LOCAL | CASCADED] CHECK OPTION becomes ViewChecks on
// the new rows of INSERT and UPDATE.

// CheckOptionView is a ViewTable that may have WITH CHECK OPTION.
type CheckOptionView interface {
	ViewTable
	// CheckOption is "local", "cascaded" or "" (none).
	CheckOption() string
}

// ViewCheck is a view's check option on the rows INSERT or UPDATE write:
// Cond over the base row must be true, else 44000 names View.
type ViewCheck struct {
	View string
	Cond Expr
}

// viewTarget is an auto-updatable view resolved down to its base table.
type viewTarget struct {
	view ViewTable
	base Table
	// cols are the view's columns; exprs[i] is column i over the base
	// row, and colMap[i] its base attribute index (-1 when the column is
	// not a plain base column, so not updatable).
	cols   []Column
	exprs  []Expr
	colMap []int
	// where is the conjunction of the views' conditions over the base
	// row (nil = none).
	where Expr
	// levels are the views from this one down, with their own
	// conditions and check options.
	levels []viewLevel
}

type viewLevel struct {
	name, option string
	cond         Expr
}

// dmlVerb names an operation in the messages about views.
type dmlVerb struct{ verb, gerund, kw string }

var (
	verbInsert = dmlVerb{"insert into", "inserting into", "INSERT"}
	verbUpdate = dmlVerb{"update", "updating", "UPDATE"}
	verbDelete = dmlVerb{"delete from", "deleting from", "DELETE"}
)

// notUpdatable is PostgreSQL's error for a view that is not automatically
// updatable.
func notUpdatable(v ViewTable, op dmlVerb, detail string) error {
	return pgerror.New(pgerror.ObjectNotInPrerequisiteState, "cannot %s view \"%s\"", op.verb, v.Name()).
		WithDetail("%s", detail).
		WithHint("To enable %s the view, provide an INSTEAD OF %s trigger or an unconditional ON %s DO INSTEAD rule.", op.gerund, op.kw, op.kw)
}

// columnNotUpdatable is the error for assigning a view column that is
// not a column of the base table.
func columnNotUpdatable(v ViewTable, op dmlVerb, col string) error {
	verb := "insert into"
	if op.kw == "UPDATE" {
		verb = "update"
	}
	return pgerror.New(pgerror.FeatureNotSupported, "cannot %s column \"%s\" of view \"%s\"", verb, col, v.Name()).
		WithDetail("View columns that are not columns of their base relation are not updatable.")
}

// aggWindowFinder looks for aggregate and window calls in a select list.
type aggWindowFinder struct{ agg, window bool }

func (f *aggWindowFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.AggregateFuncExpr:
		f.agg = true
	case *ast.WindowFuncExpr:
		f.window = true
	case *ast.SubqueryExpr:
		return n, true
	}
	return n, false
}

func (f *aggWindowFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// resolveView checks that v is automatically updatable for op and
// resolves it down to its base table.
func (b *binder) resolveView(v ViewTable, op dmlVerb, depth int) (*viewTarget, error) {
	if depth > 32 {
		return nil, pgerror.New(pgerror.InvalidRecursion, "infinite recursion detected in rules for relation \"%s\"", v.Name())
	}
	stmts, err := parser.Parse(v.ViewQuery())
	if err != nil {
		return nil, stripPosition(err)
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		return nil, pgerror.New(pgerror.InternalError, "view \"%s\" has no query", v.Name())
	}
	st := stmts[0]
	if sv, ok := v.(ScopedView); ok {
		defer sv.EnterView()()
	}
	var sel *ast.SelectStmt
	switch q := st.AST.(type) {
	case *ast.SelectStmt:
		sel = q
	case *ast.SetOprStmt:
		return nil, notUpdatable(v, op, "Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.")
	default:
		return nil, pgerror.New(pgerror.InternalError, "view \"%s\" has no query", v.Name())
	}
	var f aggWindowFinder
	if sel.Fields != nil {
		for _, fl := range sel.Fields.Fields {
			if fl.Expr != nil {
				fl.Expr.Accept(&f)
			}
		}
	}
	switch {
	case sel.Distinct:
		return nil, notUpdatable(v, op, "Views containing DISTINCT are not automatically updatable.")
	case sel.GroupBy != nil:
		return nil, notUpdatable(v, op, "Views containing GROUP BY are not automatically updatable.")
	case sel.Having != nil:
		return nil, notUpdatable(v, op, "Views containing HAVING are not automatically updatable.")
	case sel.With != nil || st.With != nil:
		return nil, notUpdatable(v, op, "Views containing WITH are not automatically updatable.")
	case sel.Limit != nil:
		return nil, notUpdatable(v, op, "Views containing LIMIT or OFFSET are not automatically updatable.")
	case f.agg:
		return nil, notUpdatable(v, op, "Views that return aggregate functions are not automatically updatable.")
	case f.window:
		return nil, notUpdatable(v, op, "Views that return window functions are not automatically updatable.")
	}
	single := "Views that do not select from a single table or view are not automatically updatable."
	if sel.From == nil || sel.From.TableRefs == nil || sel.From.TableRefs.Right != nil {
		return nil, notUpdatable(v, op, single)
	}
	ts, ok := sel.From.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, notUpdatable(v, op, single)
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return nil, notUpdatable(v, op, single)
	}
	t, err := b.cat.LookupTable(tn.Schema.O, tn.Name.O)
	if err != nil {
		return nil, stripPosition(err)
	}
	var in *viewTarget
	if iv, ok := t.(ViewTable); ok {
		if in, err = b.resolveView(iv, op, depth+1); err != nil {
			return nil, err
		}
	} else {
		in = baseTarget(t)
	}
	alias := ts.AsName.O
	if alias == "" {
		alias = tn.Name.O
	}
	nb := len(in.base.Columns())
	sc := viewScope(in, t, alias)
	sub := &binder{cat: b.cat, sql: st.Rewritten, fo: b.fo, scope: sc}
	var exprs []Expr
	for _, fl := range sel.Fields.Fields {
		if fl.WildCard != nil {
			for j, c := range in.cols {
				if fl.WildCard.Table.O == "" || fl.WildCard.Table.O == alias {
					exprs = append(exprs, &ColumnRef{Idx: nb + j, T: c.Type})
				}
			}
			continue
		}
		e, err := sub.bindExpr(fl.Expr)
		if err != nil {
			if pgerror.Code(err) == pgerror.GroupingError {
				// An aggregate the AST did not show as one.
				return nil, notUpdatable(v, op, "Views that return aggregate functions are not automatically updatable.")
			}
			return nil, stripPosition(err)
		}
		exprs = append(exprs, e)
	}
	for _, e := range exprs {
		srf := false
		walkExprs(e, func(c Expr) {
			if _, ok := srfCall(c); ok {
				srf = true
			}
		})
		if srf {
			return nil, notUpdatable(v, op, "Views that return set-returning functions are not automatically updatable.")
		}
	}
	var own Expr
	if sel.Where != nil {
		w, err := sub.bindExpr(sel.Where)
		if err == nil {
			w, err = sub.coerceBool(w, "WHERE", sel.Where)
		}
		if err != nil {
			return nil, stripPosition(err)
		}
		own = substView(w, nb, in.exprs)
	}
	vt := &viewTarget{view: v, base: in.base, cols: v.Columns()}
	if len(exprs) < len(vt.cols) {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "view \"%s\" no longer matches its columns", v.Name())
	}
	for i := range vt.cols {
		e := substView(exprs[i], nb, in.exprs)
		vt.exprs = append(vt.exprs, e)
		m := -1
		if r, ok := e.(*ColumnRef); ok && r.Idx < nb {
			m = r.Idx
		}
		vt.colMap = append(vt.colMap, m)
	}
	if op.kw != "DELETE" {
		any := false
		for _, m := range vt.colMap {
			any = any || m >= 0
		}
		if !any {
			return nil, notUpdatable(v, op, "Views that have no updatable columns are not automatically updatable.")
		}
	}
	vt.where = andOf(append(conjuncts(in.where), conjuncts(own)...))
	option := ""
	if co, ok := v.(CheckOptionView); ok {
		option = co.CheckOption()
	}
	vt.levels = append([]viewLevel{{name: v.Name(), option: option, cond: own}}, in.levels...)
	return vt, nil
}

// baseTarget is a table seen as the bottom of a chain of views.
func baseTarget(t Table) *viewTarget {
	vt := &viewTarget{base: t, cols: t.Columns()}
	for i, c := range vt.cols {
		vt.exprs = append(vt.exprs, &ColumnRef{Idx: i, T: c.Type})
		vt.colMap = append(vt.colMap, i)
	}
	return vt
}

// viewScope shows vt's columns under alias after the hidden base row:
// references to them are ColumnRefs past the base columns, which
// substView replaces by the columns' expressions. rel names the relation
// in the scope (the view itself, or the relation a view reads).
func viewScope(vt *viewTarget, rel Table, alias string) *scope {
	sc := &scope{}
	for _, c := range vt.base.Columns() {
		// Hidden and under a name no query can write: the base row is
		// there only for the positions.
		sc.cols = append(sc.cols, scopeCol{hidden: true, table: "\x00", name: c.Name, t: c.Type, typmod: c.Typmod})
	}
	for j, c := range vt.cols {
		sc.cols = append(sc.cols, scopeCol{table: alias, relname: rel.Name(), name: c.Name, t: c.Type, typmod: c.Typmod,
			tableOID: rel.OID(), attNum: int16(j + 1)})
	}
	return sc
}

// substView replaces the references to view columns (ColumnRef.Idx >= nb)
// in e by their expressions over the base row.
func substView(e Expr, nb int, exprs []Expr) Expr {
	if e == nil {
		return nil
	}
	if r, ok := e.(*ColumnRef); ok {
		if r.Idx >= nb && r.Idx-nb < len(exprs) {
			return exprs[r.Idx-nb]
		}
		return e
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return substView(c, nb, exprs), nil })
	return out
}

// viewSubstAll applies substView to es in place.
func viewSubstAll(es []Expr, nb int, exprs []Expr) {
	for i := range es {
		es[i] = substView(es[i], nb, exprs)
	}
}

// correlatedIn reports whether any of es holds a correlated subquery,
// whose outer references would read the view's columns by position.
func correlatedIn(es ...Expr) bool {
	found := false
	for _, e := range es {
		walkExprs(e, func(c Expr) {
			if sp, ok := c.(*SubPlan); ok && sp.Correlated {
				found = true
			}
		})
	}
	return found
}

// checks lists the check options that apply to rows written through vt:
// a view's own LOCAL or CASCADED option, and every view below one with
// CASCADED; innermost first, as PostgreSQL reports the first failing.
func (vt *viewTarget) checks() []ViewCheck {
	var out []ViewCheck
	cascade := false
	for _, l := range vt.levels {
		if l.option == "cascaded" {
			cascade = true
		}
		if (l.option != "" || cascade) && l.cond != nil {
			out = append([]ViewCheck{{View: l.name, Cond: l.cond}}, out...)
		}
	}
	return out
}

// dmlView resolves the target of UPDATE or DELETE when it is a view, and
// sets the binder's scope to the view's columns; it returns nil for a
// table.
func (b *binder) dmlView(t Table, alias string, op dmlVerb) (*viewTarget, error) {
	v, ok := t.(ViewTable)
	if !ok {
		return nil, nil
	}
	vt, err := b.resolveView(v, op, 0)
	if err != nil {
		return nil, err
	}
	if b.dmlFrom != nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s a view with a FROM or USING list is not supported", op.verb)
	}
	b.scope = viewScope(vt, v, alias)
	return vt, nil
}

// viewInsert finishes an INSERT through view vt (nil: a table).
func (b *binder) viewInsert(n *Insert, vt *viewTarget) *Insert {
	if vt != nil {
		n.view, n.ViewChecks = vt, vt.checks()
	}
	return n
}

func errViewCorrelated() error {
	return pgerror.New(pgerror.FeatureNotSupported, "correlated subqueries in UPDATE or DELETE on a view are not supported")
}

// dmlViewOf is the view a DML node writes through (nil: a table).
func dmlViewOf(n Node) *viewTarget {
	switch x := n.(type) {
	case *Insert:
		return x.view
	case *Update:
		return x.view
	case *Delete:
		return x.view
	}
	return nil
}
