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
)

// SubPlan is an uncorrelated subquery used in an expression. For SubAny
// and SubAll, Op is the comparison with Args[0] the left operand and
// Args[1] over an ArrayElem standing for each subquery row's value.
type SubPlan struct {
	Kind SubKind
	Plan Node
	Op   *Call
	T    *types.T
}

// Type implements Expr.
func (e *SubPlan) Type() *types.T { return e.T }

// buildSubquery plans the query of a subquery expression with its own
// scope (outer references are not supported yet).
func (b *binder) buildSubquery(q ast.ResultSetNode) (Node, []Column, error) {
	return b.buildNested(q, false, "subquery")
}

// buildNested plans a query nested in this one (a subquery expression, a
// derived table, INSERT's SELECT) with a binder of its own that shares the
// statement's parameters. keepUnknown leaves unknown literals unresolved so
// that the context (INSERT's target columns) types them.
func (b *binder) buildNested(q ast.ResultSetNode, keepUnknown bool, what string) (Node, []Column, error) {
	sub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, keepUnknown: keepUnknown}
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
	return n, cols, err
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
	n, cols, err := b.buildSubquery(x.Query)
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "subquery must return only one column").WithPosition(pos(x))
	}
	return &SubPlan{Kind: SubScalar, Plan: n, T: cols[0].Type}, nil
}

func (b *binder) bindExists(x *ast.ExistsSubqueryExpr) (Expr, error) {
	sq, ok := subqueryOf(x.Sel)
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "EXISTS requires a subquery").WithPosition(pos(x))
	}
	n, _, err := b.buildSubquery(sq.Query)
	if err != nil {
		return nil, err
	}
	var e Expr = &SubPlan{Kind: SubExists, Plan: n, T: types.Bool}
	if x.Not {
		e = &BoolExpr{Op: Not, Args: []Expr{e}}
	}
	return e, nil
}

// bindQuantified binds `l op ANY|ALL (subquery)` and `l [NOT] IN (subquery)`.
func (b *binder) bindQuantified(l Expr, ln ast.Node, name string, sq *ast.SubqueryExpr, all bool, at int) (Expr, error) {
	n, cols, err := b.buildSubquery(sq.Query)
	if err != nil {
		return nil, err
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
	return &SubPlan{Kind: kind, Plan: n, Op: call, T: types.Bool}, nil
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
