package parser

// FullJoinFunc marks a FULL JOIN, which TiDB's grammar does not have (it
// would read `t FULL JOIN u` as t aliased "full"): the join reaches TiDB
// as a LEFT JOIN whose ON clause starts with `FullJoinFunc() AND`. AND
// binds tighter than OR only, so the planner recovers the user's
// condition by replacing the leftmost AND(marker, x) with x.
const FullJoinFunc = "nqdb_full_join"

// fullJoin rewrites FULL [OUTER] JOIN at token i into LEFT JOIN and marks
// the ON clause that follows at the same parenthesis depth; a USING list
// gets FullJoinFunc as its first name instead, and NATURAL FULL JOIN
// becomes LEFT JOIN item USING (FullJoinFunc, NaturalMark) (see
// naturalFullJoin).
func (r *rewriter) fullJoin(i int) (int, bool, error) {
	t := &r.toks[i]
	depth := len(r.parens)
	pending := len(r.fullJoins) > 0 && r.fullJoins[len(r.fullJoins)-1] == depth
	switch t.val {
	case "full":
		j := i + 1
		if r.tok(j).is("outer") {
			j++
		}
		if !r.tok(j).is("join") {
			// FULL is reserved in PostgreSQL (a type or function name at
			// most): `FROM t full` must not alias t.
			if r.tok(i+1).isSelf('(') || (i > 0 && r.tok(i-1).is("match")) {
				return 0, false, nil
			}
			return 0, false, r.syntaxErrAt(i + 1)
		}
		if i > 0 && r.tok(i-1).is("natural") {
			return r.naturalFullJoin(i, j)
		}
		r.addTok(i, "left")
		r.addTok(j, "join")
		r.fullJoins = append(r.fullJoins, depth)
		return j + 1, true, nil
	case "on":
		if !pending {
			return 0, false, nil
		}
		r.fullJoins = r.fullJoins[:len(r.fullJoins)-1]
		r.addTok(i, "on")
		r.add(piece{text: FullJoinFunc + "() and", orig: t.pos, origEnd: t.end, space: true})
		return i + 1, true, nil
	case "using":
		if !pending || !r.tok(i+1).isSelf('(') {
			return 0, false, nil
		}
		// USING (`nqdb_full_join`, cols...): the planner takes the first
		// name as the mark.
		r.fullJoins = r.fullJoins[:len(r.fullJoins)-1]
		r.addTok(i, "using")
		r.addTok(i+1, "(")
		r.parens = append(r.parens, parenState{})
		r.add(piece{text: quoteIdent(FullJoinFunc) + ",", orig: t.pos, origEnd: t.end})
		return i + 2, true, nil
	}
	return 0, false, nil
}

// NaturalMark is the second USING name of a NATURAL FULL JOIN.
const NaturalMark = "nqdb_natural"

// naturalFullJoin rewrites NATURAL FULL [OUTER] JOIN item (FULL at i, JOIN
// at j) into LEFT JOIN item USING (FullJoinFunc, NaturalMark): TiDB has
// no FULL join and no mark to give a NATURAL one.
func (r *rewriter) naturalFullJoin(i, j int) (int, bool, error) {
	if n := len(r.pieces); n > 0 && r.pieces[n-1].text == "natural" {
		r.pieces = r.pieces[:n-1]
	}
	t := &r.toks[i]
	end, ok := r.fromItemEnd(j + 1)
	if !ok {
		return 0, false, r.syntaxErrAt(end)
	}
	r.add(piece{text: "left", orig: t.pos, origEnd: t.end, space: true})
	r.addTok(j, "join")
	if err := r.emitRange(j+1, end); err != nil {
		return 0, false, err
	}
	r.add(piece{text: "using (" + quoteIdent(FullJoinFunc) + ", " + quoteIdent(NaturalMark) + ")", orig: t.pos, origEnd: t.end, space: true})
	return end, true, nil
}

// fromItemEnd returns the end of the FROM item starting at token j: a
// (possibly qualified) name or call, or a parenthesized item, with an
// optional alias and column list.
func (r *rewriter) fromItemEnd(j int) (int, bool) {
	n := len(r.toks)
	if r.tok(j).is("lateral") {
		j++
	}
	switch t := r.tok(j); {
	case t.isSelf('('):
		m := r.matchParen(j, n)
		if m < 0 {
			return n, false
		}
		j = m + 1
	case t.kind == tkIdent || t.kind == tkQIdent:
		j++
		for r.tok(j).isSelf('.') {
			j += 2
		}
		if r.tok(j).isSelf('(') {
			m := r.matchParen(j, n)
			if m < 0 {
				return n, false
			}
			j = m + 1
		}
	default:
		return j, false
	}
	if r.tok(j).is("as") {
		j++
	}
	if t := r.tok(j); t.kind == tkQIdent || t.kind == tkIdent && !aliasStop[t.val] {
		j++
		if r.tok(j).isSelf('(') {
			if m := r.matchParen(j, n); m >= 0 {
				j = m + 1
			}
		}
	}
	return j, true
}

// aliasStop are words that end a FROM item rather than alias it.
var aliasStop = map[string]bool{
	"on": true, "using": true, "join": true, "natural": true, "left": true, "right": true, "full": true,
	"inner": true, "cross": true, "where": true, "group": true, "having": true, "order": true, "limit": true,
	"offset": true, "fetch": true, "union": true, "except": true, "intersect": true, "window": true,
	"for": true, "returning": true, "into": true, "with": true,
}
