package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// WITH (common table expressions). A CTE is planned where it is used,
// like a view: each reference binds its query again as a derived table
// (PostgreSQL 12+ inlines a non-recursive CTE referenced once the same
// way; one referenced twice runs twice here, which gives the same rows
// for queries without volatile functions). WITH RECURSIVE items of the
// form `base UNION [ALL] recursive` become a RecursiveUnion, whose
// recursive term reads the previous iteration's rows (WorkTableScan).

// RecursiveUnion is WITH RECURSIVE's `base UNION [ALL] recursive`: Base's
// rows, then Recursive's, run again over the rows the previous round
// produced (Work) until a round produces none. Without All, rows equal to
// one already produced are dropped (and not fed back).
type RecursiveUnion struct {
	Base, Recursive Node
	All             bool
	Work            *WorkTable
}

// Output implements Node.
func (n *RecursiveUnion) Output() []*types.T { return n.Work.Types }

// WorkTable names the rows of a RecursiveUnion's previous round.
type WorkTable struct {
	Name  string
	Types []*types.T
	// Write marks the RETURNING rows of a data-modifying WITH item
	// (wcte.go), read by a CTE Scan; Names are their column names.
	Write bool
	Names []string
	// Plan is set for a materialized CTE (ctematerialize.go): the CTE's
	// query, run at most once per execution, on its first read.
	Plan Node
}

// WorkTableScan reads a RecursiveUnion's previous round (the recursive
// term's reference to its own CTE).
type WorkTableScan struct {
	Work *WorkTable
	// Alias is the name a data-modifying item is read under.
	Alias string
}

// Output implements Node.
func (n *WorkTableScan) Output() []*types.T { return n.Work.Types }

// cteDef is one WITH item.
type cteDef struct {
	name  string
	query ast.ResultSetNode
	cols  []string
	// owner is the query whose WITH defines it; earlier are the items
	// before it in that WITH, which its query may use.
	owner   *binder
	earlier []*cteDef
	// recursive is set for WITH RECURSIVE items; work and workCols are
	// set while the recursive term is bound (its self-reference).
	recursive bool
	work      *WorkTable
	workCols  []Column
	// stmt is set for an item sql/parser parsed on its own (wcte.go):
	// query's positions are in stmt.Rewritten; namePos is where its name
	// is in the statement's text.
	stmt    *parser.Statement
	namePos int
	// write is set for a data-modifying item; writeCols are its
	// RETURNING columns (nil without RETURNING).
	write     *WriteCTE
	writeCols []Column
	// materialized is the item's "materialized" / "not materialized"
	// (parser.WithItem); refs counts its references once counted is set;
	// shared is its materialization once planned (ctematerialize.go).
	materialized string
	refs         int
	counted      bool
	shared       *WorkTable
	sharedCols   []Column
}

// bindWith records a query's WITH items.
func (b *binder) bindWith(w *ast.WithClause) error {
	if w == nil {
		return nil
	}
	seen := map[string]int{} // name -> byte offset just past its first mention
	for _, c := range w.CTEs {
		name := c.Name.O
		if end, dup := seen[name]; dup {
			err := pgerror.New(pgerror.DuplicateAlias, "WITH query name \"%s\" specified more than once", name)
			if at, _ := b.wordAfter(name, end); at >= 0 {
				err = err.WithPosition(b.charPos(at))
			}
			return err
		}
		_, end := b.wordAfter(name, 0)
		seen[name] = end
		d := &cteDef{name: name, query: c.Query.Query, owner: b, earlier: append([]*cteDef(nil), b.ctes...), recursive: w.IsRecursive}
		if w.IsRecursive {
			// A recursive item sees itself (and the later items too, as
			// in PostgreSQL: a RECURSIVE list is visible throughout).
			d.earlier = nil
		}
		for _, cn := range c.ColNameList {
			d.cols = append(d.cols, cn.O)
		}
		b.ctes = append(b.ctes, d)
	}
	return nil
}

// findCTE looks name up among the WITH items visible here: this query's,
// then those of the queries it is nested in.
func (b *binder) findCTE(name string) *cteDef {
	for x := b; x != nil; {
		for i := len(x.ctes) - 1; i >= 0; i-- {
			if x.ctes[i].name == name {
				return x.ctes[i]
			}
		}
		if x.derivedOf != nil {
			x = x.derivedOf
		} else {
			x = x.outer
		}
	}
	return nil
}

// expandCTE plans a reference to d under alias.
func (b *binder) expandCTE(d *cteDef, alias string) (Node, *scope, error) {
	if d.work != nil {
		// The recursive term's reference to its own CTE.
		return &WorkTableScan{Work: d.work}, cteScope(d, d.workCols, alias), nil
	}
	if d.write != nil {
		return b.expandWrite(d, alias)
	}
	if d.shared != nil {
		return b.cteScan(d, alias)
	}
	ctes := d.earlier
	if d.recursive {
		ctes = d.owner.ctes
	}
	sql := b.sql
	if d.stmt != nil {
		sql = d.stmt.Rewritten
	}
	sub := &binder{cat: b.cat, sql: sql, fo: b.fo, params: b.params, outer: d.owner.outer, derivedOf: b,
		ctes: ctes}
	var n Node
	var cols []Column
	var err error
	switch x := d.query.(type) {
	case *ast.SelectStmt:
		n, cols, err = sub.buildSelect(x)
	case *ast.SetOprStmt:
		if d.recursive && refersTo(x, d.name) {
			n, cols, err = sub.buildRecursive(d, x)
		} else {
			n, cols, err = sub.buildSetOpr(x)
		}
	default:
		err = pgerror.New(pgerror.FeatureNotSupported, "WITH query %T is not supported", d.query)
	}
	b.params = sub.params
	b.unresolved = append(b.unresolved, sub.unresolved...)
	if err != nil {
		if d.stmt != nil {
			err = wrapItem(d.stmt, err)
		}
		return nil, nil, err
	}
	if sub.correlated && b != d.owner {
		// Its outer references count levels from the owning query, not
		// from where it is used.
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "a WITH query that refers to an outer query is supported only in its own query's FROM")
	}
	if len(d.cols) > len(cols) {
		err := pgerror.New(pgerror.InvalidColumnReference, "WITH query \"%s\" has %d columns available but %d columns specified", d.name, len(cols), len(d.cols))
		if d.stmt != nil {
			return nil, nil, atStatement(err.WithPosition(d.namePos))
		}
		return nil, nil, err.WithPosition(d.owner.wordPos(d.name))
	}
	if b.materializeCTE(d, n, cols, sub.correlated) {
		return b.cteScan(d, alias)
	}
	return n, cteScope(d, cols, alias), nil
}

// cteScope names a CTE's columns (its column list first).
func cteScope(d *cteDef, cols []Column, alias string) *scope {
	sc := &scope{}
	for i, c := range cols {
		name := c.Name
		if i < len(d.cols) {
			name = d.cols[i]
		}
		sc.cols = append(sc.cols, scopeCol{table: alias, name: name, t: c.Type, typmod: c.Typmod, tableOID: c.TableOID, attNum: c.AttNum})
	}
	return sc
}

// refersTo reports whether a query mentions table name anywhere.
func refersTo(n ast.Node, name string) bool {
	f := &tableFinder{name: name}
	n.Accept(f)
	return f.found
}

type tableFinder struct {
	name  string
	found bool
}

func (f *tableFinder) Enter(n ast.Node) (ast.Node, bool) {
	if t, ok := n.(*ast.TableName); ok && t.Schema.O == "" && t.Name.O == f.name {
		f.found = true
	}
	return n, f.found
}

func (f *tableFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// buildRecursive plans `base UNION [ALL] recursive` for the recursive
// CTE d.
func (b *binder) buildRecursive(d *cteDef, s *ast.SetOprStmt) (Node, []Column, error) {
	sel := s.SelectList.Selects
	if len(sel) != 2 || s.OrderBy != nil || s.Limit != nil {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "recursive query \"%s\" must be of the form base UNION [ALL] recursive-term", d.name)
	}
	base, ok1 := sel[0].(*ast.SelectStmt)
	rec, ok2 := sel[1].(*ast.SelectStmt)
	if !ok1 || !ok2 || rec.AfterSetOperator == nil ||
		(*rec.AfterSetOperator != ast.Union && *rec.AfterSetOperator != ast.UnionAll) {
		return nil, nil, pgerror.New(pgerror.InvalidRecursion, "recursive query \"%s\" does not have the form non-recursive-term UNION [ALL] recursive-term", d.name)
	}
	if refersTo(base, d.name) {
		err := pgerror.New(pgerror.InvalidRecursion, "recursive reference to query \"%s\" must not appear within its non-recursive term", d.name)
		// The reference is the name's second mention (the first names
		// the WITH item).
		if _, end := b.wordAfter(d.name, 0); end >= 0 {
			if at, _ := b.wordAfter(d.name, end); at >= 0 {
				err = err.WithPosition(b.charPos(at))
			}
		}
		return nil, nil, err
	}
	bsub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, outer: b.outer, derivedOf: b}
	bn, bcols, err := bsub.buildSelect(base)
	b.params = bsub.params
	b.unresolved = append(b.unresolved, bsub.unresolved...)
	if err != nil {
		return nil, nil, err
	}
	for i := range bcols {
		if bcols[i].Type.OID == types.OidUnknown {
			bcols[i].Type = types.Text
		}
	}
	work := &WorkTable{Name: d.name, Types: make([]*types.T, len(bcols))}
	for i, c := range bcols {
		work.Types[i] = c.Type
	}
	d.work, d.workCols = work, bcols
	defer func() { d.work, d.workCols = nil, nil }()
	rsub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, outer: b.outer, derivedOf: b}
	rn, rcols, err := rsub.buildSelect(rec)
	b.params = rsub.params
	b.unresolved = append(b.unresolved, rsub.unresolved...)
	if err != nil {
		return nil, nil, err
	}
	if len(rcols) != len(bcols) {
		return nil, nil, pgerror.New(pgerror.SyntaxError, "each UNION query must have the same number of columns")
	}
	for i := range rcols {
		if rcols[i].Type.OID != bcols[i].Type.OID {
			return nil, nil, pgerror.New(pgerror.DatatypeMismatch, "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall",
				d.name, i+1, bcols[i].Type.SQLName, rcols[i].Type.SQLName).
				WithHint("Cast the output of the non-recursive term to the correct type.")
		}
	}
	return &RecursiveUnion{Base: bn, Recursive: rn, All: *rec.AfterSetOperator == ast.UnionAll, Work: work}, bcols, nil
}
