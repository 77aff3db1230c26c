package parser

import "github.com/neuroquantumdb/nqdb/sql/pgerror"

// PostgreSQL operators the TiDB grammar has no spelling for, beyond the
// JSON ones of rewrite_pg.go: binary # (integer xor; TiDB would read it as
// a comment start, and its ^ is xor while PostgreSQL's is power) and the
// prefix operators @ (absolute value), |/ (square root) and ||/ (cube
// root). They reach TiDB as OpFunc calls: nqdb_op('#', a, b) for binary
// operators, nqdb_op('|/', a) for prefix ones, and the planner resolves
// them among its operator overloads like any other operator.

// binaryOpFuncs are binary operators of generic (Op) precedence rewritten
// to OpFunc calls.
var binaryOpFuncs = map[string]bool{"#": true}

// prefixOpFuncs are prefix operators rewritten to one-operand OpFunc calls.
var prefixOpFuncs = map[string]bool{"@": true, "|/": true, "||/": true}

// pgOperator rewrites the operator at token i when it is one of
// binaryOpFuncs after an operand or one of prefixOpFuncs in operand
// position; ok is false for any other operator.
func (r *rewriter) pgOperator(i, b int) (next int, ok bool, err error) {
	t := &r.toks[i]
	if r.pieceEndsOperand(len(r.pieces) - 1) {
		// A prefix operator written as a binary one is an operator the
		// planner does not find, as in PostgreSQL (not a syntax error).
		if !binaryOpFuncs[t.val] && !prefixOpFuncs[t.val] {
			return 0, false, nil
		}
		next, err = r.genericOp(i, b)
		return next, true, err
	}
	if !prefixOpFuncs[t.val] {
		return 0, false, nil
	}
	next, err = r.prefixOp(i, b)
	return next, true, err
}

// prefixOp rewrites the prefix operator at token i into OpFunc('op', x).
// As in gram.y (`qual_Op a_expr %prec Op`) the operand extends over every
// operator binding tighter than generic operators: |/ 4 + 5 is |/ (4 + 5).
func (r *rewriter) prefixOp(i, b int) (int, error) {
	t := &r.toks[i]
	end := r.exprEnd(i+1, b, precOp)
	if end == i+1 {
		return 0, r.syntaxErrAt(end)
	}
	r.add(piece{text: OpFunc, orig: t.pos, origEnd: t.end, name: true, space: r.gapBefore(i) || r.needSpace(OpFunc)})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	r.add(piece{text: quoteString(t.val), orig: t.pos, origEnd: t.end})
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	if err := r.emitRange(i+1, end); err != nil {
		return 0, err
	}
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return end, nil
}

// VariadicFunc marks a function argument written with VARIADIC:
// `concat_ws(',', VARIADIC arr)` reaches TiDB as
// concat_ws(',', nqdb_variadic(arr)); the planner passes the array whole to
// the function's variadic parameter instead of collecting the arguments.
const VariadicFunc = "nqdb_variadic"

// variadicArg rewrites `VARIADIC expr` at token i, the last argument of a
// function call, into VariadicFunc(expr). ok is false when the word is not
// in argument position (TiDB then reports the syntax error). As in gram.y,
// only ORDER BY or ')' may follow the argument; a ',' is a syntax error.
func (r *rewriter) variadicArg(i, b int) (next int, ok bool, err error) {
	n := len(r.pieces)
	if n == 0 || r.pieces[n-1].text != "(" && r.pieces[n-1].text != "," {
		return 0, false, nil
	}
	end := i + 1
	for depth := 0; end < b; end++ {
		t := &r.toks[end]
		if t.isSelf('(') || t.isSelf('[') {
			depth++
		} else if t.isSelf(')') || t.isSelf(']') {
			if depth == 0 {
				break
			}
			depth--
		} else if depth == 0 && (t.isSelf(',') || t.is("order")) {
			break
		}
	}
	if end == i+1 || end < b && r.toks[end].isSelf(',') {
		return 0, true, r.syntaxErrAt(end)
	}
	t := &r.toks[i]
	r.add(piece{text: VariadicFunc, orig: t.pos, origEnd: t.end, name: true, space: r.gapBefore(i)})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	if err := r.emitRange(i+1, end); err != nil {
		return 0, true, err
	}
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return end, true, nil
}

// atTerm moves a rewriter's "syntax error at end of input" to the ';'
// that ends the statement, where PostgreSQL's grammar meets it.
func atTerm(err error, src string, term *token) error {
	if pe, ok := err.(*pgerror.Error); ok && term != nil && pe.Message == "syntax error at end of input" {
		return syntaxErrorAt(src, term)
	}
	return err
}
