package parser

// CreateTableAs is CREATE TABLE [IF NOT EXISTS] name [(column, ...)] AS
// query [WITH [NO] DATA]. TiDB's grammar has only MySQL's form (no column
// name list, no WITH DATA), so the statement is parsed here and its query
// as a statement of its own.
type CreateTableAs struct {
	Name        string
	IfNotExists bool
	Columns     []string
	Query       *Statement
	NoData      bool
	// Temp is CREATE TEMP TABLE ... AS.
	Temp bool
}

func (*CreateTableAs) utility() {}

// isCTAS recognizes CREATE TABLE name [(names)] AS: a parenthesised list
// of bare names (no types) or none, then AS.
func isCTAS(toks []token) bool {
	if len(toks) < 4 || !toks[0].is("create") {
		return false
	}
	i, _ := persistence(toks, 1)
	if !toks[i].is("table") {
		return false
	}
	i++
	if i+2 < len(toks) && toks[i].is("if") && toks[i+1].is("not") && toks[i+2].is("exists") {
		i += 3
	}
	// name or schema.name
	if i >= len(toks) || (toks[i].kind != tkIdent && toks[i].kind != tkQIdent) {
		return false
	}
	i++
	if i+1 < len(toks) && toks[i].isSelf('.') {
		i += 2
	}
	if i < len(toks) && toks[i].isSelf('(') {
		for i++; i < len(toks); i += 2 {
			if toks[i].kind != tkIdent && toks[i].kind != tkQIdent {
				return false
			}
			if i+1 < len(toks) && toks[i+1].isSelf(')') {
				i += 2
				break
			}
			if i+1 >= len(toks) || !toks[i+1].isSelf(',') {
				return false
			}
		}
	}
	return i < len(toks) && toks[i].is("as")
}

func (p *uparser) createTableAs() (Utility, error) {
	u := &CreateTableAs{}
	p.i, u.Temp = persistence(p.toks, 1)
	p.i++ // TABLE
	if _, err := p.ctasTail(u); err != nil {
		return nil, err
	}
	return u, nil
}

// ctasTail parses what CREATE TABLE AS and CREATE MATERIALIZED VIEW share
// after their leading words: [IF NOT EXISTS] name [(column, ...)] AS
// query [WITH [NO] DATA]. It returns the query's text as written.
func (p *uparser) ctasTail(u *CreateTableAs) (string, error) {
	var err error
	if u.IfNotExists, err = p.ifNotExists(); err != nil {
		return "", err
	}
	if u.Name, err = p.qualifiedName(); err != nil {
		return "", err
	}
	if p.acceptSelf('(') {
		if u.Columns, err = p.nameList(); err != nil {
			return "", err
		}
	}
	if err := p.expect("as"); err != nil {
		return "", err
	}
	end := len(p.toks)
	if end-p.i >= 3 && p.toks[end-1].is("data") && p.toks[end-2].is("no") && p.toks[end-3].is("with") {
		u.NoData, end = true, end-3
	} else if end-p.i >= 2 && p.toks[end-1].is("data") && p.toks[end-2].is("with") {
		end -= 2
	}
	p.toks = p.toks[:end]
	if p.done() {
		return "", p.errHere()
	}
	text := p.src[p.toks[p.i].pos:p.toks[end-1].end]
	if u.Query, err = p.subStatement(); err != nil {
		return "", err
	}
	return text, nil
}
