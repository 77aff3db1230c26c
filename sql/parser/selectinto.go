package parser

import "strings"

// selectInto parses SELECT ... INTO [TEMPORARY | TEMP | UNLOGGED] [TABLE]
// name ... as PostgreSQL does: CREATE TABLE name AS the same SELECT
// without its INTO clause. It reports false when toks is not such a
// statement. The INTO words are blanked out of the query's source text
// rather than cut, so every other token keeps its offset (error
// positions).
func selectInto(src string, toks []token, term *token) (*CreateTableAs, bool, error) {
	if len(toks) < 4 || !(toks[0].is("select") || toks[0].is("with")) {
		return nil, false, nil
	}
	at := -1
	depth := 0
	for i := range toks {
		t := &toks[i]
		switch {
		case t.isSelf('('):
			depth++
		case t.isSelf(')'):
			depth--
		case depth != 0:
		case t.is("insert") || t.is("update") || t.is("delete") || t.is("merge"):
			// WITH ... INSERT INTO: a data-modifying main statement.
			return nil, false, nil
		case t.is("into") && at < 0:
			at = i
		}
	}
	if at < 1 {
		return nil, false, nil
	}
	p := &uparser{src: src, toks: toks, term: term}
	u := &CreateTableAs{}
	p.i, u.Temp = persistence(toks, at+1)
	p.accept("table")
	if t := p.peek(); t.kind == tkIdent && pgKeywords[t.val] == 'R' {
		return nil, true, p.errHere() // SELECT * INTO FROM t
	}
	var err error
	if u.Name, err = p.qualifiedName(); err != nil {
		return nil, true, err
	}
	blank := []byte(src)
	end := toks[p.i-1].end
	copy(blank[toks[at].pos:end], strings.Repeat(" ", end-toks[at].pos))
	q := append(append([]token(nil), toks[:at]...), toks[p.i:]...)
	if u.Query, err = parseStatement(string(blank), q, term); err != nil {
		return nil, true, err
	}
	return u, true, nil
}
