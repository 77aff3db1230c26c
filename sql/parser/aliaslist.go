package parser

// Column alias lists on tables in FROM: `FROM t AS f(a, b)`. TiDB's
// grammar takes an alias list only on a derived table, so the table
// becomes one: `LATERAL (SELECT * FROM t) AS f(a, b)` (LATERAL because
// TiDB accepts the list only there; the subquery references nothing to its
// left, so it changes nothing). The list then renames the columns of
// SELECT *, which the planner applies once it knows them (and where it
// reports PostgreSQL's "table has N columns available" error).

// tableAliasList rewrites the table name at token i (in FROM position)
// when an alias with a column list follows it; ok is false otherwise.
func (r *rewriter) tableAliasList(i, b int) (next int, ok bool) {
	j := i + 1
	if r.tok(j).isSelf('.') && (r.tok(j+1).kind == tkIdent || r.tok(j+1).kind == tkQIdent) {
		j += 2
	}
	k := j
	if r.tok(k).is("as") {
		k++
	}
	a := r.tok(k)
	if k >= b || !(a.kind == tkQIdent || a.kind == tkIdent && pgKeywords[a.val] == 0) || !r.tok(k+1).isSelf('(') {
		return 0, false
	}
	t := &r.toks[i]
	if !r.tok(i - 1).is("lateral") {
		r.add(piece{text: "lateral", orig: t.pos, origEnd: t.end, space: true})
	}
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, space: true, open: '('})
	r.add(piece{text: "select * from", orig: t.pos, origEnd: t.end})
	for n := i; n < j; n++ {
		nt := &r.toks[n]
		text := "."
		if !nt.isSelf('.') {
			text = quoteIdent(nt.val)
		}
		r.add(piece{text: text, orig: nt.pos, origEnd: nt.end, space: n == i})
	}
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return j, true
}
