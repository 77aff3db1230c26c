package parser

import (
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Identity is a column's GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY
// [(sequence options)] clause, which TiDB's grammar lacks: it is taken
// off the tokens and kept here. The executor gives the column a sequence
// of its own, as PostgreSQL does.
type Identity struct {
	Always bool
	// Options are the parenthesised sequence options (nil if none).
	Options *SequenceOptions
	// Pos is where the clause starts in the statement (1-based
	// characters), for errors.
	Pos int
}

// identityClause reads GENERATED ... AS IDENTITY [( options )] at token
// i for column col and returns the index after it; ok is false when the
// tokens are something else (a generated column).
func identityClause(r *rewriter, st *Statement, col string, i int) (int, bool) {
	toks := r.toks
	j := i + 1
	id := &Identity{Pos: utf8.RuneCountInString(r.src[st.Offset:toks[i].pos]) + 1}
	switch {
	case r.tok(j).is("always"):
		id.Always = true
		j++
	case r.tok(j).is("by") && r.tok(j+1).is("default"):
		j += 2
	default:
		return 0, false
	}
	if !r.tok(j).is("as") || !r.tok(j+1).is("identity") {
		return 0, false
	}
	j += 2
	if j < len(toks) && toks[j].isSelf('(') {
		depth, k := 0, j
		for ; k < len(toks); k++ {
			if toks[k].isSelf('(') {
				depth++
			} else if toks[k].isSelf(')') {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if k < len(toks) && k > j+1 {
			// The options read as CREATE SEQUENCE's.
			if sub, err := Parse("CREATE SEQUENCE nqdb_identity " + r.src[toks[j+1].pos:toks[k-1].end]); err == nil && len(sub) == 1 {
				if cs, ok := sub[0].Utility.(*CreateSequence); ok {
					id.Options = &cs.Options
				}
			}
		}
		j = k + 1
	}
	if st.Identity == nil {
		st.Identity = map[string]*Identity{}
	}
	st.Identity[col] = id
	return j, true
}

// stripOverriding takes INSERT's OVERRIDING {SYSTEM | USER} VALUE (after
// the column list, before VALUES or the query) off the tokens.
func stripOverriding(r *rewriter, st *Statement) error {
	toks := r.toks
	if len(toks) == 0 || !toks[0].is("insert") {
		return nil
	}
	depth := 0
	for i := range toks {
		switch {
		case toks[i].isSelf('('):
			depth++
		case toks[i].isSelf(')'):
			depth--
		case depth == 0 && toks[i].is("overriding"):
			if i+2 >= len(toks) || !(toks[i+1].is("system") || toks[i+1].is("user")) || !toks[i+2].is("value") {
				return syntaxErrorAt(r.src, r.tok(i+1))
			}
			if st.Overriding != "" {
				return pgerror.New(pgerror.SyntaxError, "syntax error at or near \"OVERRIDING\"")
			}
			st.Overriding = toks[i+1].val
			r.toks = append(append([]token{}, toks[:i]...), toks[i+3:]...)
			return nil
		}
	}
	return nil
}
