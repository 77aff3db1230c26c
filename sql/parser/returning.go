package parser

import (
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// returningPrefix is put before a RETURNING list to parse it as a select
// list.
const returningPrefix = "SELECT "

// stripReturning takes INSERT/UPDATE/DELETE's RETURNING list (TiDB's
// grammar has none) off the tokens and parses it as the select list of a
// SELECT of its own, kept in st.Returning; st.ReturningPos is where the
// list starts in st.Text (1-based characters), for error positions.
func stripReturning(r *rewriter, st *Statement) error {
	toks := r.toks
	if len(toks) == 0 || !(toks[0].is("insert") || toks[0].is("update") || toks[0].is("delete")) {
		return nil
	}
	depth := 0
	for i := range toks {
		switch {
		case toks[i].isSelf('('):
			depth++
		case toks[i].isSelf(')'):
			depth--
		case depth == 0 && toks[i].is("returning"):
			if i+1 >= len(toks) {
				return syntaxErrorAt(r.src, &token{kind: tkEOF, pos: len(r.src), end: len(r.src)})
			}
			text := r.src[toks[i+1].pos:toks[len(toks)-1].end]
			start := utf8.RuneCountInString(r.src[st.Offset:toks[i+1].pos]) + 1
			sub, err := Parse(returningPrefix + text)
			if err != nil {
				pe := pgerror.From(err)
				cp := *pe
				if pe.Position > len(returningPrefix) {
					// Parser errors count characters in the whole query.
					abs := utf8.RuneCountInString(r.src[:toks[i+1].pos]) + 1
					cp.Position = abs + pe.Position - len(returningPrefix) - 1
				} else {
					cp.Position = 0
				}
				return &cp
			}
			sel, ok := sub[0].AST.(*ast.SelectStmt)
			if len(sub) != 1 || !ok || sel.From != nil || sel.Where != nil || sel.GroupBy != nil ||
				sel.OrderBy != nil || sel.Limit != nil || sel.Fields == nil {
				return syntaxErrorAt(r.src, &toks[i+1])
			}
			st.Returning, st.ReturningPos = sub[0], start
			r.toks = toks[:i]
			return nil
		}
	}
	return nil
}
