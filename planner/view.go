package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// ViewTable is a view: where it is used its query is parsed and planned
// again, as a derived table with the view's column names (PostgreSQL's
// rewriter substitutes the query the same way).
type ViewTable interface {
	Table
	// ViewQuery is the view's SELECT as written.
	ViewQuery() string
}

// expandView plans view v used in FROM under alias.
func (b *binder) expandView(v ViewTable, alias string) (Node, *scope, error) {
	stmts, err := parser.Parse(v.ViewQuery())
	if err != nil {
		return nil, nil, stripPosition(err)
	}
	q, ok := stmts[0].AST.(ast.ResultSetNode)
	if len(stmts) != 1 || !ok {
		return nil, nil, pgerror.New(pgerror.InternalError, "view \"%s\" has no query", v.Name())
	}
	if sv, ok := v.(ScopedView); ok {
		defer sv.EnterView()()
	}
	sub := &binder{cat: b.cat, sql: stmts[0].Rewritten, fo: b.fo, params: b.params, outer: b.outer, derivedOf: b}
	var n Node
	var cols []Column
	if err := sub.bindParserWith(stmts[0].With); err != nil {
		return nil, nil, stripPosition(unwrapItem(err))
	}
	switch x := q.(type) {
	case *ast.SelectStmt:
		n, cols, err = sub.buildSelect(x)
	case *ast.SetOprStmt:
		n, cols, err = sub.buildSetOpr(x)
	default:
		err = pgerror.New(pgerror.FeatureNotSupported, "view query %T is not supported", q)
	}
	if err != nil {
		return nil, nil, stripPosition(unwrapItem(err))
	}
	vcols := v.Columns()
	if len(cols) < len(vcols) {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "view \"%s\" no longer matches its columns", v.Name())
	}
	sc := &scope{}
	for i, c := range vcols {
		sc.cols = append(sc.cols, scopeCol{table: alias, relname: v.Name(), name: c.Name, t: cols[i].Type, typmod: cols[i].Typmod,
			tableOID: v.OID(), attNum: int16(i + 1)})
	}
	if len(cols) > len(vcols) {
		// Columns added to an underlying table since (SELECT *) stay out,
		// as in PostgreSQL, where the view's column list is fixed.
		exprs := make([]Expr, len(vcols))
		for i := range exprs {
			exprs[i] = &ColumnRef{Idx: i, T: cols[i].Type}
		}
		n = &Project{Input: n, Exprs: exprs}
	}
	return n, sc, nil
}
