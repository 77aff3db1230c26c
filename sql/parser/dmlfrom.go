package parser

import (
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// dmlFromPrefix is put before a FROM / USING list to parse it as the FROM
// clause of a SELECT of its own.
const dmlFromPrefix = "SELECT * FROM "

// stripDMLFrom takes UPDATE's `FROM list` and DELETE's `USING list` off
// the tokens. TiDB's grammar has MySQL's multi-table forms instead
// (`UPDATE t, u SET`, `DELETE FROM t USING t, u`), which would name the
// target differently; so the list is parsed on its own as
// `SELECT * FROM list` into st.From, and TiDB sees a single-table
// statement. The planner joins the two (planner/dmlfrom.go). The list
// ends at WHERE (RETURNING is already gone).
func stripDMLFrom(r *rewriter, st *Statement) error {
	toks := r.toks
	if len(toks) == 0 {
		return nil
	}
	var kw string
	switch {
	case toks[0].is("update"):
		kw = "from"
	case toks[0].is("delete"):
		kw = "using"
	default:
		return nil
	}
	depth, start, end := 0, -1, len(toks)
	seenSet := kw == "using"
	for i := range toks {
		switch {
		case toks[i].isSelf('('):
			depth++
		case toks[i].isSelf(')'):
			depth--
		case depth != 0:
		case toks[i].is("set"):
			seenSet = true
		case start < 0 && seenSet && toks[i].is(kw) && !(i > 0 && toks[i-1].is("distinct")):
			start = i
		case start >= 0 && toks[i].is("where"):
			end = i
		}
		if end < len(toks) {
			break
		}
	}
	if start < 0 {
		return nil
	}
	if start+1 >= end {
		return syntaxErrorAt(r.src, r.tok(start+1))
	}
	text := r.src[toks[start+1].pos:toks[end-1].end]
	sub, err := Parse(dmlFromPrefix + text)
	if err != nil {
		pe := *pgerror.From(err)
		if pe.Message == "syntax error at end of input" && end < len(toks) {
			// The list ended early: the error is at the WHERE after it.
			return syntaxErrorAt(r.src, &toks[end])
		}
		if pe.Position > len(dmlFromPrefix) {
			// Parser errors count characters in the whole query.
			abs := utf8.RuneCountInString(r.src[:toks[start+1].pos]) + 1
			pe.Position = abs + pe.Position - len(dmlFromPrefix) - 1
		} else {
			pe.Position = 0
		}
		return &pe
	}
	sel, ok := sub[0].AST.(*ast.SelectStmt)
	if len(sub) != 1 || !ok || sel.From == nil || sel.Where != nil || sel.GroupBy != nil ||
		sel.OrderBy != nil || sel.Limit != nil {
		return syntaxErrorAt(r.src, &toks[start+1])
	}
	st.From, st.FromPos = sub[0], utf8.RuneCountInString(r.src[st.Offset:toks[start+1].pos])+1
	r.toks = append(append([]token{}, toks[:start]...), toks[end:]...)
	return nil
}
