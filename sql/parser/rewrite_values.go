package parser

// setOpValues rewrites a one-row VALUES that is an operand of UNION,
// INTERSECT or EXCEPT (`... UNION ALL VALUES ('16415'::regclass)`, which
// psql's \d sends to list the foreign keys referencing a table) into
// SELECT of the row's expressions, which TiDB's grammar accepts. Several
// rows are left alone: they would need the set operation around them.
func (r *rewriter) setOpValues(i, b int) (int, bool, error) {
	prev := r.tok(i - 1)
	if i == 0 || !(prev.is("all") || prev.is("union") || prev.is("intersect") || prev.is("except") || prev.is("distinct")) {
		return 0, false, nil
	}
	if !r.tok(i + 1).isSelf('(') {
		return 0, false, nil
	}
	c := r.matchParen(i+1, b)
	if c < 0 || c+1 < b && r.toks[c+1].isSelf(',') {
		return 0, false, nil
	}
	t := &r.toks[i]
	r.add(piece{text: "select", orig: t.pos, origEnd: t.end, space: true})
	n := len(r.pieces)
	if err := r.emitRange(i+2, c); err != nil {
		return 0, true, err
	}
	if n < len(r.pieces) {
		// "(2" has no blank between: SELECT needs one.
		r.pieces[n].space = true
	}
	return c + 1, true, nil
}
