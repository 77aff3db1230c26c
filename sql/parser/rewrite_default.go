package parser

import "unicode/utf8"

// constraintWords end a column default: the next column constraint.
var constraintWords = map[string]bool{
	"not": true, "null": true, "primary": true, "unique": true, "check": true, "references": true,
	"constraint": true, "generated": true, "collate": true, "default": true,
}

// defaultClause rewrites INSERT ... DEFAULT VALUES at token i into
// MySQL's () VALUES (), or returns ok false to let the word through.
// (Column defaults in DDL are taken out before: stripDefaults.)
func (r *rewriter) defaultClause(i, b int) (int, bool, error) {
	t := &r.toks[i]
	next := r.tok(i + 1)
	if next.is("values") && len(r.toks) > 0 && (r.toks[0].is("insert") || r.toks[0].is("with")) {
		r.add(piece{text: "()", orig: t.pos, origEnd: t.end, space: true})
		r.add(piece{text: "values", orig: next.pos, origEnd: next.end, space: true})
		r.add(piece{text: "()", orig: next.pos, origEnd: next.end})
		return i + 2, true, nil
	}
	return 0, false, nil
}

// stripDefaults takes the DEFAULT clauses out of a CREATE TABLE's column
// definitions (and ALTER TABLE ... ADD COLUMN's) and records their text
// by column in st.ColumnDefaults. PostgreSQL's DEFAULT takes any
// expression; TiDB's only a literal, so the executor parses and binds
// the text itself.
func stripDefaults(r *rewriter, st *Statement) {
	toks := r.toks
	keep := toks[:0:0]
	depth := 0
	col := "" // the column whose definition is being read
	expectCol := false
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		switch {
		case t.isSelf('('):
			depth++
			expectCol = depth == 1 && toks[0].is("create")
		case t.isSelf(')'):
			depth--
		case t.isSelf(',') && depth <= 1:
			expectCol = depth == 1 || toks[0].is("alter")
		case depth == 0 && (t.is("add") || t.is("column") && i > 0 && toks[i-1].is("add")):
			expectCol = true
		case expectCol && (t.kind == tkIdent || t.kind == tkQIdent) && !(t.is("column") || t.is("if") || t.is("not") || t.is("exists")):
			col, expectCol = t.val, false
		case t.is("generated") && col != "":
			if end, ok := identityClause(r, st, col, i); ok {
				i = end - 1
				continue
			}
		case t.is("default") && col != "" && !toks[i-1].is("drop") && !toks[i-1].is("set") && i+1 < len(toks):
			end := r.defaultEnd(i+1, len(toks))
			if end > i+1 {
				if st.ColumnDefaults == nil {
					st.ColumnDefaults, st.DefaultPositions = map[string]string{}, map[string]int{}
				}
				st.ColumnDefaults[col] = r.src[toks[i+1].pos:toks[end-1].end]
				st.DefaultPositions[col] = utf8.RuneCountInString(r.src[st.Offset:toks[i+1].pos]) + 1
				i = end - 1
				continue
			}
		}
		keep = append(keep, *t)
	}
	r.toks = keep
}

// defaultEnd returns the index just past a default expression starting at
// token a: the first ',' or ')' at depth 0 or column-constraint word.
func (r *rewriter) defaultEnd(a, b int) int {
	depth := 0
	for j := a; j < b; j++ {
		t := &r.toks[j]
		switch {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			if depth == 0 {
				return j
			}
			depth--
		case depth == 0 && t.isSelf(','):
			return j
		case depth == 0 && t.kind == tkIdent && constraintWords[t.val] && j > a:
			// "not null" ends the default; "is not null" inside it does not.
			if t.val == "null" && r.toks[j-1].is("is") || t.val == "not" && r.toks[j-1].is("is") {
				continue
			}
			return j
		}
	}
	return b
}
