package parser

import "github.com/neuroquantumdb/nqdb/sql/pgerror"

// CreateIndex is CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS]
// name] ON [ONLY] table [USING method] (column [ASC|DESC] [NULLS
// FIRST|LAST], ...) [INCLUDE (...)] [WITH (...)] [TABLESPACE t].
// PostgreSQL's grammar, parsed here rather than by TiDB, whose CREATE
// INDEX is MySQL's (a name is required, USING comes elsewhere).
type CreateIndex struct {
	Name        string // "" = let the server choose, as PostgreSQL does
	Table       string // possibly schema-qualified
	Unique      bool
	IfNotExists bool
	Method      string // "btree" when absent
	Columns     []IndexColumn
	// Include lists INCLUDE columns (stored, not part of the key).
	Include []string
}

// IndexColumn is one key column of CREATE INDEX.
type IndexColumn struct {
	Name string
	Desc bool
	// NullsFirst is PostgreSQL's default for DESC unless NULLS LAST says
	// otherwise.
	NullsFirst bool
}

// DropIndex is DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...]
// [CASCADE | RESTRICT].
type DropIndex struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

func (*CreateIndex) utility() {}
func (*DropIndex) utility()   {}

// isIndexDDL reports whether toks start CREATE [UNIQUE] INDEX or DROP
// INDEX.
func isIndexDDL(toks []token) bool {
	if len(toks) < 2 {
		return false
	}
	switch toks[0].val {
	case "create":
		return toks[1].is("index") || (toks[1].is("unique") && len(toks) > 2 && toks[2].is("index"))
	case "drop":
		return toks[1].is("index")
	}
	return false
}

// createIndex parses CREATE INDEX from the word after CREATE.
func (p *uparser) createIndex() (Utility, error) {
	u := &CreateIndex{Method: "btree"}
	u.Unique = p.accept("unique")
	if err := p.expect("index"); err != nil {
		return nil, err
	}
	p.accept("concurrently")
	var err error
	if u.IfNotExists, err = p.ifNotExists(); err != nil {
		return nil, err
	}
	if !p.peek().is("on") {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		u.Name = n
	} else if u.IfNotExists {
		// PostgreSQL: IF NOT EXISTS requires a name.
		return nil, p.errHere()
	}
	if err := p.expect("on"); err != nil {
		return nil, err
	}
	p.accept("only")
	t, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	u.Table = t
	if p.accept("using") {
		m, err := p.name()
		if err != nil {
			return nil, err
		}
		u.Method = m
	}
	if !p.acceptSelf('(') {
		return nil, p.errHere()
	}
	for {
		if p.peek().isSelf('(') || (p.i+1 < len(p.toks) && p.toks[p.i+1].isSelf('(')) {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "indexes on expressions are not supported yet").
				WithPosition(charPos(p.src, p.peek().pos))
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		c := IndexColumn{Name: n}
		if p.accept("collate") {
			if _, err := p.qualifiedName(); err != nil {
				return nil, err
			}
		}
		switch {
		case p.accept("desc"):
			c.Desc, c.NullsFirst = true, true
		case p.accept("asc"):
		}
		if p.accept("nulls") {
			switch {
			case p.accept("first"):
				c.NullsFirst = true
			case p.accept("last"):
				c.NullsFirst = false
			default:
				return nil, p.errHere()
			}
		}
		u.Columns = append(u.Columns, c)
		if p.acceptSelf(')') {
			break
		}
		if !p.acceptSelf(',') {
			return nil, p.errHere()
		}
	}
	if p.accept("include") {
		if !p.acceptSelf('(') {
			return nil, p.errHere()
		}
		if u.Include, err = p.nameList(); err != nil {
			return nil, err
		}
	}
	if p.accept("with") {
		// Storage parameters (fillfactor, deduplicate_items) are accepted
		// and ignored: they tune PostgreSQL's page layout, not ours.
		if err := p.skipParens(); err != nil {
			return nil, err
		}
	}
	if p.accept("tablespace") {
		if _, err := p.name(); err != nil {
			return nil, err
		}
	}
	if p.peek().is("where") {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "partial indexes are not supported yet").
			WithPosition(charPos(p.src, p.peek().pos))
	}
	return u, p.expectEnd()
}

// ifNotExists parses an optional IF NOT EXISTS.
func (p *uparser) ifNotExists() (bool, error) {
	if !p.accept("if") {
		return false, nil
	}
	if err := p.expect("not"); err != nil {
		return false, err
	}
	return true, p.expect("exists")
}

// dropIndex parses DROP INDEX from the word after DROP.
func (p *uparser) dropIndex() (Utility, error) {
	u := &DropIndex{}
	if err := p.expect("index"); err != nil {
		return nil, err
	}
	p.accept("concurrently")
	var err error
	u.Names, u.IfExists, u.Cascade, err = p.dropTail()
	return u, err
}

// nameList parses `name, ... )` (the '(' already consumed).
func (p *uparser) nameList() ([]string, error) {
	var out []string
	for {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if p.acceptSelf(')') {
			return out, nil
		}
		if !p.acceptSelf(',') {
			return nil, p.errHere()
		}
	}
}

// dropTail parses the rest of a DROP: [IF EXISTS] name [, ...] [CASCADE |
// RESTRICT].
func (p *uparser) dropTail() (names []string, ifExists, cascade bool, err error) {
	if p.accept("if") {
		if err := p.expect("exists"); err != nil {
			return nil, false, false, err
		}
		ifExists = true
	}
	for {
		n, err := p.qualifiedName()
		if err != nil {
			return nil, false, false, err
		}
		names = append(names, n)
		if !p.acceptSelf(',') {
			break
		}
	}
	switch {
	case p.accept("cascade"):
		cascade = true
	case p.accept("restrict"):
	}
	return names, ifExists, cascade, p.expectEnd()
}

// skipParens consumes a parenthesised list, nested parentheses included.
func (p *uparser) skipParens() error {
	if !p.acceptSelf('(') {
		return p.errHere()
	}
	for depth := 1; depth > 0; p.i++ {
		if p.done() {
			return p.errHere()
		}
		switch {
		case p.toks[p.i].isSelf('('):
			depth++
		case p.toks[p.i].isSelf(')'):
			depth--
		}
	}
	return nil
}
