package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// SubKind is the kind of a SubPlan.
type SubKind uint8

// Subquery kinds.
const (
	SubScalar SubKind = iota // (SELECT x): the single value, NULL for no rows
	SubExists                // EXISTS (SELECT ...)
	SubAny                   // x op ANY (SELECT ...), x IN (SELECT ...)
	SubAll                   // x op ALL (SELECT ...)
	SubArray                 // ARRAY(SELECT ...): the values as an array
)

// SubPlan is a subquery used in an expression. For SubAny and SubAll, Op
// is the comparison with Args[0] the left operand and Args[1] over an
// ArrayElem standing for each subquery row's value. A Correlated subquery
// refers to the rows of enclosing queries (OuterRef) and runs again for
// each row it is evaluated on; the others run once per statement.
type SubPlan struct {
	Kind       SubKind
	Plan       Node
	Op         *Call
	T          *types.T
	Correlated bool
	// perRow is the correlated subquery's plan with index nested loops,
	// put in Plan's place when the statement is planned if the SubPlan
	// is still there (perrow.go).
	perRow Node
}

// OuterRef is a column of an enclosing query's row: Level 1 is the query
// the subquery appears in, 2 the one around that, and so on; Idx indexes
// that query's row as ColumnRef does.
type OuterRef struct {
	Level int
	Idx   int
	T     *types.T
}

// Type implements Expr.
func (e *OuterRef) Type() *types.T { return e.T }

// findOuter resolves a column name in the enclosing queries' scopes, as
// PostgreSQL does after the query's own FROM items: the nearest level
// that has the name wins. It marks every query between as correlated.
func (b *binder) findOuter(name, tbl string) (*OuterRef, error) {
	level := 0
	for o := b.outer; o != nil; o = o.outer {
		level++
		if o.scope == nil {
			continue
		}
		match := -1
		for i, c := range o.scope.cols {
			if c.name == name && (tbl == "" || c.table == tbl) {
				if match >= 0 {
					return nil, pgerror.New(pgerror.AmbiguousColumn, "column reference \"%s\" is ambiguous", name)
				}
				match = i
			}
		}
		if match < 0 {
			continue
		}
		for c := b; c != o; c = c.outer {
			// A derived table runs inside the query whose FROM holds it:
			// that query is correlated too.
			for d := c; d != nil && d != o; d = d.derivedOf {
				d.correlated = true
			}
		}
		o.usedAsOuter = true
		if o.clause != "WHERE" && o.clause != "JOIN conditions" {
			o.outerRefsOutsideWhere = true
		}
		return &OuterRef{Level: level, Idx: match, T: o.scope.cols[match].t}, nil
	}
	return nil, nil
}

// outerHasTable reports whether an enclosing query has FROM item tbl.
func (b *binder) outerHasTable(tbl string) bool {
	for o := b.outer; o != nil; o = o.outer {
		if o.scope == nil {
			continue
		}
		for _, c := range o.scope.cols {
			if c.table == tbl {
				return true
			}
		}
	}
	return false
}

// Type implements Expr.
func (e *SubPlan) Type() *types.T { return e.T }

// buildSubquery plans the query of a subquery expression with its own
// scope; its expressions may refer to this query's columns (OuterRef).
// correlated reports whether they do.
func (b *binder) buildSubquery(q ast.ResultSetNode) (Node, []Column, bool, error) {
	return b.buildNestedIn(q, false, "subquery", b)
}

// buildNested plans a query nested in this one (a subquery expression, a
// derived table, INSERT's SELECT) with a binder of its own that shares the
// statement's parameters. keepUnknown leaves unknown literals unresolved so
// that the context (INSERT's target columns) types them.
func (b *binder) buildNested(q ast.ResultSetNode, keepUnknown bool, what string) (Node, []Column, error) {
	// A derived table does not see its sibling FROM items, but does see
	// the queries around this one.
	_, n, cols, err := b.nestedBinder(q, keepUnknown, what, b.outer, b)
	return n, cols, err
}

// buildNestedIn is buildNested with the scopes outer (and its enclosing
// ones) visible to the nested query.
func (b *binder) buildNestedIn(q ast.ResultSetNode, keepUnknown bool, what string, outer *binder) (Node, []Column, bool, error) {
	sub, n, cols, err := b.nestedBinder(q, keepUnknown, what, outer, nil)
	return n, cols, sub.correlated, err
}

// nestedBinder binds q with a binder of its own; derivedOf is the query
// whose FROM clause holds q (nil for a subquery expression).
func (b *binder) nestedBinder(q ast.ResultSetNode, keepUnknown bool, what string, outer, derivedOf *binder) (*binder, Node, []Column, error) {
	sub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, keepUnknown: keepUnknown, outer: outer, derivedOf: derivedOf}
	var (
		n    Node
		cols []Column
		err  error
	)
	switch x := q.(type) {
	case *ast.SelectStmt:
		n, cols, err = sub.buildSelect(x)
	case *ast.SetOprStmt:
		n, cols, err = sub.buildSetOpr(x)
	default:
		err = pgerror.New(pgerror.FeatureNotSupported, "%s %T is not supported", what, q)
	}
	b.params = sub.params
	b.unresolved = append(b.unresolved, sub.unresolved...)
	if err == nil {
		// Subquery expressions are not part of the statement's plan tree,
		// which Build's useKeys walks; a correlated one's outer
		// references count as constants for a key lookup. (A derived
		// table gets the same twice, harmlessly.)
		useKeys(n)
		pruneColumns(n)
		n = useIndexOnly(n, b.cat)
	}
	return sub, n, cols, err
}

func subqueryOf(n ast.ExprNode) (*ast.SubqueryExpr, bool) {
	for {
		switch x := n.(type) {
		case *ast.SubqueryExpr:
			return x, true
		case *ast.ParenthesesExpr:
			n = x.Expr
		default:
			return nil, false
		}
	}
}

func (b *binder) bindScalarSubquery(x *ast.SubqueryExpr) (Expr, error) {
	mark := b.sharedTop()
	n, cols, corr, err := b.buildSubquery(x.Query)
	if err != nil {
		return nil, err
	}
	var perRow Node
	if !corr {
		n, cols = b.initPlanLookups(x.Query, n, cols, mark) // initplanlookup.go
	} else {
		perRow = b.perRowLookups(x.Query, n, cols, mark) // perrow.go
	}
	if len(cols) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "subquery must return only one column").WithPosition(pos(x))
	}
	return &SubPlan{Kind: SubScalar, Plan: n, T: cols[0].Type, Correlated: corr, perRow: perRow}, nil
}

func (b *binder) bindExists(x *ast.ExistsSubqueryExpr) (Expr, error) {
	sq, ok := subqueryOf(x.Sel)
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "EXISTS requires a subquery").WithPosition(pos(x))
	}
	mark := b.sharedTop()
	n, cols, corr, err := b.buildSubquery(sq.Query)
	if err != nil {
		return nil, err
	}
	var perRow Node
	if corr {
		perRow = b.perRowLookups(sq.Query, n, cols, mark) // perrow.go
	}
	var e Expr = &SubPlan{Kind: SubExists, Plan: n, T: types.Bool, Correlated: corr, perRow: perRow}
	if x.Not {
		e = &BoolExpr{Op: Not, Args: []Expr{e}}
	}
	return e, nil
}

// bindQuantified binds `l op ANY|ALL (subquery)` and `l [NOT] IN (subquery)`.
func (b *binder) bindQuantified(l Expr, ln ast.Node, name string, sq *ast.SubqueryExpr, all bool, at int) (Expr, error) {
	mark := b.sharedTop()
	n, cols, corr, err := b.buildSubquery(sq.Query)
	if err != nil {
		return nil, err
	}
	if !corr && !readsOnlyOwn(n, false) {
		// It runs once and no rule makes it a join (insemi.go).
		n, cols = b.initPlanLookups(sq.Query, n, cols, mark) // initplanlookup.go
	}
	var perRow Node
	if corr {
		perRow = b.perRowLookups(sq.Query, n, cols, mark) // perrow.go
	}
	if len(cols) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "subquery has too many columns").WithPosition(at)
	}
	elem := &ArrayElem{T: cols[0].Type}
	c, err := b.binaryOp(name, l, elem, ln, nil, at)
	if err != nil {
		return nil, err
	}
	call, ok := c.(*Call)
	if !ok || call.T.OID != types.OidBool {
		return nil, pgerror.New(pgerror.WrongObjectType, "operator must yield boolean").WithPosition(at)
	}
	kind := SubAny
	if all {
		kind = SubAll
	}
	return &SubPlan{Kind: kind, Plan: n, Op: call, T: types.Bool, Correlated: corr, perRow: perRow}, nil
}

var compareOpNames = map[opcode.Op]string{
	opcode.EQ: "=", opcode.NE: "<>", opcode.LT: "<", opcode.LE: "<=", opcode.GT: ">", opcode.GE: ">=",
}

func (b *binder) bindCompareSubquery(x *ast.CompareSubqueryExpr) (Expr, error) {
	name, ok := compareOpNames[x.Op]
	if !ok {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "operator %s with a subquery is not supported", x.Op.String()).WithPosition(pos(x))
	}
	sq, ok := subqueryOf(x.R)
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "ANY/ALL requires a subquery or array").WithPosition(pos(x))
	}
	l, err := b.bindExpr(x.L)
	if err != nil {
		return nil, err
	}
	return b.bindQuantified(l, x.L, name, sq, x.All, b.opPos(x.R, name, x))
}

// bindArraySubquery binds ARRAY(subquery) (sql/parser's
// nqdb_array_subquery((subquery))): one column, its values in order as an
// array of the column's type.
func (b *binder) bindArraySubquery(x *ast.FuncCallExpr) (Expr, error) {
	var sq *ast.SubqueryExpr
	if len(x.Args) == 1 {
		sq, _ = subqueryOf(x.Args[0])
	}
	if sq == nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"ARRAY\"").WithPosition(pos(x))
	}
	n, cols, corr, err := b.buildSubquery(sq.Query)
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "subquery must return only one column").WithPosition(pos(x))
	}
	elem := cols[0].Type
	if elem.OID == types.OidUnknown {
		elem = types.Text
	}
	if elem.Array == nil {
		return nil, pgerror.New(pgerror.UndefinedObject, "could not find array type for data type %s", elem.SQLName).WithPosition(pos(x))
	}
	return &SubPlan{Kind: SubArray, Plan: n, T: elem.Array, Correlated: corr}, nil
}
