package parser

// DISTINCT ON (exprs): TiDB's grammar has no such clause. The rewriter
// turns `SELECT DISTINCT ON (a, b) list` into
// `SELECT nqdb_distinct_on(a, b), list`; the planner takes a first select
// field calling DistinctOnFunc as the clause (planner/distincton.go). The
// expressions keep their own positions, so errors in them point into the
// user's text.

// DistinctOnFunc marks the DISTINCT ON expressions as the first select
// field.
const DistinctOnFunc = "nqdb_distinct_on"

// distinctOn handles DISTINCT at token i when ON ( follows; ok is false
// otherwise.
func (r *rewriter) distinctOn(i, b int) (int, bool, error) {
	if !r.tok(i+1).is("on") || !r.tok(i+2).isSelf('(') {
		return 0, false, nil
	}
	end := r.matchParen(i+2, b)
	if end < 0 {
		return 0, true, r.syntaxErrAt(b)
	}
	if end == i+3 {
		return 0, true, r.syntaxErrAt(end)
	}
	t, open := &r.toks[i], &r.toks[i+2]
	r.add(piece{text: DistinctOnFunc, orig: t.pos, origEnd: t.end, space: r.gapBefore(i), name: true})
	r.add(piece{text: "(", orig: open.pos, origEnd: open.end, open: '('})
	if err := r.emitRange(i+3, end); err != nil {
		return 0, true, err
	}
	c := &r.toks[end]
	r.add(piece{text: ")", orig: c.pos, origEnd: c.end, close: ')'})
	r.add(piece{text: ",", orig: c.pos, origEnd: c.end})
	return end + 1, true, nil
}

// RowFunc is a one-field ROW(x): TiDB's row constructor needs two values,
// so `ROW(x)` becomes RowFunc(x) and the planner binds it as a row.
const RowFunc = "nqdb_row"

// singleRow handles ROW at token i when one value follows in parentheses;
// ok is false otherwise (ROW(a, b) stays TiDB's).
func (r *rewriter) singleRow(i, b int) (int, bool, error) {
	if !r.tok(i + 1).isSelf('(') {
		return 0, false, nil
	}
	end := r.matchParen(i+1, b)
	if end < 0 || end == i+2 {
		return 0, false, nil
	}
	depth := 0
	for j := i + 2; j < end; j++ {
		switch t := &r.toks[j]; {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			depth--
		case depth == 0 && t.isSelf(','):
			return 0, false, nil
		}
	}
	t, open := &r.toks[i], &r.toks[i+1]
	r.add(piece{text: RowFunc, orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace("x"), name: true})
	r.add(piece{text: "(", orig: open.pos, origEnd: open.end, open: '('})
	if err := r.emitRange(i+2, end); err != nil {
		return 0, true, err
	}
	c := &r.toks[end]
	r.add(piece{text: ")", orig: c.pos, origEnd: c.end, close: ')'})
	return end + 1, true, nil
}
