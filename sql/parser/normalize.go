package parser

import (
	"strconv"
	"strings"
)

// Normalize is a statement's text with its constants replaced by $n
// placeholders numbered after the statement's own parameters, as
// pg_stat_statements shows queries: `select * from t where a = 1` and
// `... a = 2` become one entry, `select * from t where a = $1`. A text
// the lexer rejects comes back unchanged.
func Normalize(text string) string {
	toks, err := lex(text)
	if err != nil {
		return text
	}
	next := 1
	for _, t := range toks {
		if t.kind == tkParam && t.n >= next {
			next = t.n + 1
		}
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for i, t := range toks {
		if t.kind != tkNumber && t.kind != tkString {
			continue
		}
		// A typed literal (date '2020-01-01') keeps its type name; the
		// literal alone is the constant, as in PostgreSQL.
		if t.kind == tkNumber && i > 0 && (toks[i-1].kind == tkOp || toks[i-1].kind == tkSelf) && toks[i-1].val == "-" && (i < 2 || !operandEnd(&toks[i-2])) {
			// A negative number: the sign goes with the constant.
			b.WriteString(text[last:toks[i-1].pos])
		} else {
			b.WriteString(text[last:t.pos])
		}
		b.WriteString("$" + strconv.Itoa(next))
		next++
		last = t.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// operandEnd reports whether t can end an operand (so a following '-' is
// binary).
func operandEnd(t *token) bool {
	switch t.kind {
	case tkIdent, tkQIdent, tkNumber, tkString, tkParam:
		return true
	}
	return t.isSelf(')') || t.isSelf(']')
}
