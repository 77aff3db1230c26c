package parser

import "github.com/neuroquantumdb/nqdb/sql/pgerror"

// FullJoinFunc marks a FULL JOIN, which TiDB's grammar does not have (it
// would read `t FULL JOIN u` as t aliased "full"): the join reaches TiDB
// as a LEFT JOIN whose ON clause starts with `FullJoinFunc() AND`. AND
// binds tighter than OR only, so the planner recovers the user's
// condition by replacing the leftmost AND(marker, x) with x.
const FullJoinFunc = "nqdb_full_join"

// fullJoin rewrites FULL [OUTER] JOIN at token i into LEFT JOIN and marks
// the ON clause that follows at the same parenthesis depth. USING and
// NATURAL forms are refused rather than joined wrongly.
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
			return 0, false, pgerror.New(pgerror.FeatureNotSupported, "NATURAL FULL JOIN is not supported yet").WithPosition(charPos(r.src, t.pos))
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
		if !pending {
			return 0, false, nil
		}
		return 0, false, pgerror.New(pgerror.FeatureNotSupported, "FULL JOIN ... USING is not supported yet").WithPosition(charPos(r.src, t.pos))
	}
	return 0, false, nil
}
