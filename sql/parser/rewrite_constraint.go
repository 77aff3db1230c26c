package parser

// PostgreSQL's ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name
// [CASCADE | RESTRICT]: TiDB's grammar has DROP CONSTRAINT name only, so
// IF EXISTS and the trailing CASCADE / RESTRICT are left out of what it
// parses. The executor reads them from the statement's own text
// (Statement.Text), which keeps every word.

// namedColumnReference reports a column constraint `CONSTRAINT name
// REFERENCES ...` at token i (CREATE or ALTER TABLE): TiDB's grammar names
// only CHECK column constraints, so the two words are left out and the
// executor reads the name from the statement's text.
func (r *rewriter) namedColumnReference(i int) bool {
	return len(r.toks) > 0 && (r.toks[0].is("create") || r.toks[0].is("alter")) &&
		i >= 2 && !r.toks[i-1].isSelf('(') && !r.toks[i-1].isSelf(',') && !r.toks[i-1].is("add") &&
		(r.tok(i+1).kind == tkIdent || r.tok(i+1).kind == tkQIdent) && r.tok(i+2).is("references")
}

// dropConstraintWord reports whether token i is IF EXISTS right after
// DROP CONSTRAINT (n = tokens to skip), or the trailing CASCADE/RESTRICT
// of an ALTER TABLE that drops a constraint.
func (r *rewriter) dropConstraintWord(i int) (n int, ok bool) {
	t := &r.toks[i]
	switch {
	case t.is("if") && i >= 2 && r.toks[i-1].is("constraint") && r.toks[i-2].is("drop") && r.tok(i+1).is("exists"):
		return 2, true
	case (t.is("cascade") || t.is("restrict")) && i == len(r.toks)-1 && len(r.toks) > 0 && r.toks[0].is("alter"):
		for j := 1; j+1 < i; j++ {
			if r.toks[j].is("drop") && r.toks[j+1].is("constraint") {
				return 1, true
			}
		}
	}
	return 0, false
}
