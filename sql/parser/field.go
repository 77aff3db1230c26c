package parser

import "github.com/pingcap/tidb/pkg/parser/ast"

// Field selection from composite values, PostgreSQL's indirection
// `(expr).name` and `(expr).*` (gram.y's c_expr: '(' a_expr ')'
// opt_indirection). TiDB's grammar has no such production, so the
// rewriter turns the selection into a call the binder recognises:
//
//	(f(x)).n          ->  nqdb_field((f(x)), 'n')
//	(t.col).a.b       ->  nqdb_field(nqdb_field((t.col), 'a'), 'b')
//	(f(x)).*          ->  nqdb_field((f(x)), '*')
//
// The operand must be parenthesised, as in PostgreSQL: `f(x).n` stays a
// syntax error. A function in FROM is wrapped into FromFuncFunc so that
// the binder can expand a composite result into its columns
// (`SELECT * FROM information_schema._pg_expandarray(...)` has columns x
// and n), while a scalar one stays the single column it always was.
const (
	// FieldFunc is (expr).name: nqdb_field(expr, 'name'); the name '*'
	// selects every field.
	FieldFunc = "nqdb_field"
	// FromFuncFunc wraps a function call in FROM: nqdb_from_func(f(x)).
	FromFuncFunc = "nqdb_from_func"
)

// fieldSelect handles '.' at token i when it follows a parenthesised
// operand (or a field selection) and precedes a name or '*'. It reports
// ok=false to leave the '.' to the ordinary path.
func (r *rewriter) fieldSelect(i int) (next int, ok bool) {
	n := len(r.pieces)
	if n == 0 || r.pieces[n-1].close != ')' {
		return 0, false
	}
	name := r.tok(i + 1)
	var field string
	switch {
	case name.kind == tkIdent || name.kind == tkQIdent:
		field = name.val
	case name.val == "*" && (name.kind == tkSelf || name.kind == tkOp):
		field = "*"
	default:
		return 0, false
	}
	start := r.operandStart()
	if start < 0 {
		return 0, false
	}
	if p := &r.pieces[start]; p.open != '(' && p.text != FieldFunc {
		// f(x).n: a call, not a parenthesised expression.
		return 0, false
	}
	t := &r.toks[i]
	op := r.pieces[start]
	head := []piece{
		{text: FieldFunc, orig: op.orig, origEnd: op.origEnd, space: op.space, name: true},
		{text: "(", orig: op.orig, origEnd: op.origEnd, open: '('},
	}
	r.pieces[start].space = false
	r.pieces = append(r.pieces, head...)
	copy(r.pieces[start+2:], r.pieces[start:len(r.pieces)-2])
	copy(r.pieces[start:], head)
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	r.add(piece{text: quoteString(field), orig: name.pos, origEnd: name.end, space: true})
	r.add(piece{text: ")", orig: name.pos, origEnd: name.end, close: ')'})
	return i + 2, true
}

// isFromFunc reports whether e is FromFuncFunc's wrapper around a
// function in FROM.
func isFromFunc(e ast.ExprNode) bool {
	c, ok := e.(*ast.FuncCallExpr)
	return ok && c.FnName.L == FromFuncFunc
}
