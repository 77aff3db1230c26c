package parser

// Grouping-set constructs TiDB's grammar lacks (it has only MySQL's
// GROUP BY ... WITH ROLLUP) reach it as calls of these functions, which
// the planner expands: ROLLUP (a, b) -> RollupFunc(a, b), CUBE (...) ->
// CubeFunc(...), GROUPING SETS (...) -> GroupingSetsFunc(...), and the
// empty grouping set () -> EmptySetFunc(). A parenthesised list inside
// them is a row expression to TiDB.
const (
	RollupFunc       = "nqdb_rollup"
	CubeFunc         = "nqdb_cube"
	GroupingSetsFunc = "nqdb_grouping_sets"
	EmptySetFunc     = "nqdb_empty_set"
)

// groupingSet rewrites ROLLUP (, CUBE ( and GROUPING SETS ( at token i.
func (r *rewriter) groupingSet(i int) (int, bool) {
	t := &r.toks[i]
	var fn string
	next := i + 1
	switch {
	case t.val == "rollup" && r.tok(i+1).isSelf('('):
		fn = RollupFunc
	case t.val == "cube" && r.tok(i+1).isSelf('('):
		fn = CubeFunc
	case t.val == "grouping" && r.tok(i+1).is("sets") && r.tok(i+2).isSelf('('):
		fn, next = GroupingSetsFunc, i+2
	default:
		return 0, false
	}
	r.add(piece{text: fn, orig: t.pos, origEnd: r.toks[next-1].end, space: r.gapBefore(i) || r.needSpace("x"), name: true})
	return next, true
}

// emptySet rewrites `()` after `(`, `,` or BY (the empty grouping set,
// wherever else it is a syntax error) at token i.
func (r *rewriter) emptySet(i int) (int, bool) {
	prev := r.tok(i - 1)
	if i == 0 || !r.tok(i+1).isSelf(')') || !(prev.isSelf(',') || prev.isSelf('(') || prev.is("by")) {
		return 0, false
	}
	t := &r.toks[i]
	r.add(piece{text: EmptySetFunc + "()", orig: t.pos, origEnd: r.toks[i+1].end, space: r.gapBefore(i) || r.needSpace("x")})
	return i + 2, true
}
