package parser

import "github.com/neuroquantumdb/nqdb/sql/pgerror"

// Schemas (namespaces) and temporary tables. TiDB's grammar knows neither
// PostgreSQL's CREATE SCHEMA (its SCHEMA is a synonym of DATABASE) nor
// TEMP/UNLOGGED/ON COMMIT, so schema DDL has its own parser and the
// persistence words of CREATE TABLE are stripped here and kept on the
// Statement.

// CreateSchema is CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role]
// [element ...] or CREATE SCHEMA [IF NOT EXISTS] AUTHORIZATION role
// [element ...] (the schema is then named after the role).
type CreateSchema struct {
	Name          string
	IfNotExists   bool
	Authorization string
	// Elements are the CREATE TABLE / VIEW / INDEX / SEQUENCE statements
	// that follow, parsed; they create their objects in the new schema.
	Elements []*Statement
}

// DropSchema is DROP SCHEMA [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
type DropSchema struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

// AlterSchema is ALTER SCHEMA name RENAME TO new | OWNER TO role.
type AlterSchema struct {
	Name    string
	NewName string
	Owner   string
}

func (*CreateSchema) utility() {}
func (*DropSchema) utility()   {}
func (*AlterSchema) utility()  {}

// isSchemaDDL reports whether toks start CREATE, DROP or ALTER SCHEMA.
func isSchemaDDL(toks []token) bool {
	if len(toks) < 2 || !toks[1].is("schema") {
		return false
	}
	return toks[0].is("create") || toks[0].is("drop") || toks[0].is("alter")
}

func (p *uparser) schemaDDL() (Utility, error) {
	verb := p.toks[0].val
	p.i = 2
	switch verb {
	case "drop":
		u := &DropSchema{}
		var err error
		u.Names, u.IfExists, u.Cascade, err = p.dropTail()
		return u, err
	case "alter":
		u := &AlterSchema{}
		var err error
		if u.Name, err = p.name(); err != nil {
			return nil, err
		}
		switch {
		case p.accept("rename"):
			if u.NewName, err = p.toName(); err != nil {
				return nil, err
			}
		case p.accept("owner"):
			if u.Owner, err = p.toName(); err != nil {
				return nil, err
			}
		default:
			return nil, p.errHere()
		}
		return u, p.expectEnd()
	}
	u := &CreateSchema{}
	var err error
	if u.IfNotExists, err = p.ifNotExists(); err != nil {
		return nil, err
	}
	if p.accept("authorization") {
		if u.Authorization, err = p.name(); err != nil {
			return nil, err
		}
		u.Name = u.Authorization
	} else {
		if u.Name, err = p.name(); err != nil {
			return nil, err
		}
		if p.accept("authorization") {
			if u.Authorization, err = p.name(); err != nil {
				return nil, err
			}
		}
	}
	if p.done() {
		return u, nil
	}
	if u.IfNotExists {
		// PostgreSQL's grammar has no elements after IF NOT EXISTS.
		return nil, pgerror.New(pgerror.FeatureNotSupported, "CREATE SCHEMA IF NOT EXISTS cannot include schema elements").
			WithPosition(charPos(p.src, p.peek().pos))
	}
	// Each element starts with CREATE (or GRANT) at parenthesis depth 0.
	start := p.i
	for j, depth := p.i, 0; j <= len(p.toks); j++ {
		if j < len(p.toks) {
			switch t := &p.toks[j]; {
			case t.isSelf('('):
				depth++
			case t.isSelf(')'):
				depth--
			}
		}
		atNext := j < len(p.toks) && j > start && (p.toks[j].is("create") || p.toks[j].is("grant")) && p.depthZero(start, j)
		if j == len(p.toks) || atNext {
			if !p.toks[start].is("create") && !p.toks[start].is("grant") {
				return nil, syntaxErrorAt(p.src, &p.toks[start])
			}
			el, err := parseStatement(p.src, p.toks[start:j], p.term)
			if err != nil {
				return nil, err
			}
			u.Elements = append(u.Elements, el)
			start = j
		}
	}
	return u, nil
}

// depthZero reports whether toks[from:to] has balanced parentheses.
func (p *uparser) depthZero(from, to int) bool {
	d := 0
	for _, t := range p.toks[from:to] {
		switch {
		case t.isSelf('('):
			d++
		case t.isSelf(')'):
			d--
		}
	}
	return d == 0
}

// persistence skips CREATE's [GLOBAL | LOCAL] TEMP | TEMPORARY | UNLOGGED
// starting at toks[i] and returns the index after them and whether they
// asked for a temporary object.
func persistence(toks []token, i int) (next int, temp bool) {
	j := i
	if j+1 < len(toks) && (toks[j].is("global") || toks[j].is("local")) && (toks[j+1].is("temp") || toks[j+1].is("temporary")) {
		j++
	}
	if j < len(toks) {
		switch {
		case toks[j].is("temp"), toks[j].is("temporary"):
			return j + 1, true
		case toks[j].is("unlogged"):
			return j + 1, false
		}
	}
	return i, false
}

// stripPersistence removes the persistence words and ON COMMIT clause of
// CREATE TABLE from r's tokens, recording them in st.Temp and st.OnCommit.
func stripPersistence(r *rewriter, st *Statement) error {
	toks := r.toks
	if len(toks) < 3 || !toks[0].is("create") {
		return nil
	}
	j, temp := persistence(toks, 1)
	if !toks[j].is("table") {
		return nil
	}
	st.Temp = temp
	if toks[1].is("global") {
		w := pgerror.New(pgerror.Warning, "GLOBAL is deprecated in temporary table creation").WithPosition(charPos(r.src, toks[1].pos))
		w.Severity = pgerror.SeverityWarning
		st.Warnings = append(st.Warnings, w)
	}
	keep := append(toks[:1:1], toks[j:]...)
	// ON COMMIT {PRESERVE ROWS | DELETE ROWS | DROP} after the column list.
	depth := 0
	for i := 0; i < len(keep); i++ {
		t := &keep[i]
		switch {
		case t.isSelf('('):
			depth++
		case t.isSelf(')'):
			depth--
		case depth == 0 && t.is("on") && i+1 < len(keep) && keep[i+1].is("commit"):
			n := 0
			switch {
			case i+2 < len(keep) && keep[i+2].is("drop"):
				st.OnCommit, n = "drop", 3
			case i+3 < len(keep) && keep[i+2].is("delete") && keep[i+3].is("rows"):
				st.OnCommit, n = "delete rows", 4
			case i+3 < len(keep) && keep[i+2].is("preserve") && keep[i+3].is("rows"):
				st.OnCommit, n = "preserve rows", 4
			default:
				return syntaxErrorAt(r.src, &keep[min(i+2, len(keep)-1)])
			}
			if !st.Temp {
				return pgerror.New(pgerror.InvalidTableDefinition, "ON COMMIT can only be used on temporary tables")
			}
			keep = append(keep[:i:i], keep[i+n:]...)
			i--
		}
	}
	r.toks = keep
	return nil
}
