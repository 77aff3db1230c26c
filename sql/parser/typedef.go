package parser

// Type DDL: CREATE TYPE ... AS ENUM, CREATE DOMAIN, ALTER TYPE, ALTER
// DOMAIN, DROP TYPE and DROP DOMAIN. TiDB's grammar has none of them.
// Type names and expressions are kept as the user's text: the executor
// resolves type names against the catalog and binds CHECK and DEFAULT
// expressions when it runs the statement (a domain's CHECK is bound again
// each time a value is checked, with VALUE standing for the value).

// CreateEnum is CREATE TYPE name AS ENUM ('label', ...).
type CreateEnum struct {
	// Name is the type's name, schema-qualified as written ("s.mood").
	Name   string
	Labels []string
}

// DomainConstraint is one CHECK constraint of a domain.
type DomainConstraint struct {
	// Name is the constraint's name; "" lets the executor name it
	// (PostgreSQL's DOMAIN_check).
	Name string
	// Check is the expression's text (VALUE stands for the value).
	Check string
	// NotValid is ALTER DOMAIN ... ADD ... NOT VALID.
	NotValid bool
}

// CreateDomain is CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT expr]
// [[CONSTRAINT n] NOT NULL | NULL | CHECK (expr)] ...
type CreateDomain struct {
	Name string
	// Type is the base type's name as written ("varchar(10)").
	Type string
	// Default is the DEFAULT expression's text, "" when none.
	Default string
	NotNull bool
	Checks  []DomainConstraint
}

// DropType is DROP TYPE or DROP DOMAIN [IF EXISTS] name [, ...]
// [CASCADE | RESTRICT].
type DropType struct {
	Names    []string
	IfExists bool
	Cascade  bool
	// Domain is set for DROP DOMAIN (the object must then be a domain).
	Domain bool
}

// AlterTypeStmt is one of ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label'
// [BEFORE | AFTER 'label'], RENAME VALUE 'a' TO 'b', RENAME TO new,
// OWNER TO role, SET SCHEMA s.
type AlterTypeStmt struct {
	Name string
	// AddValue is the label ADD VALUE adds; Before or After place it.
	AddValue    string
	IfNotExists bool
	Before      string
	After       string
	// RenameValue and RenameValueTo are RENAME VALUE's labels.
	RenameValue, RenameValueTo string
	// RenameTo is RENAME TO's new name.
	RenameTo string
	// Owner is OWNER TO's role (nqdb has one role: accepted, ignored).
	Owner string
}

// AlterDomainKind is the action of ALTER DOMAIN.
type AlterDomainKind uint8

// The ALTER DOMAIN actions.
const (
	AlterDomainSetDefault AlterDomainKind = iota + 1
	AlterDomainDropDefault
	AlterDomainSetNotNull
	AlterDomainDropNotNull
	AlterDomainAddConstraint
	AlterDomainDropConstraint
	AlterDomainRenameConstraint
	AlterDomainValidate
	AlterDomainRename
	AlterDomainOwner
)

// AlterDomain is ALTER DOMAIN name action.
type AlterDomain struct {
	Name string
	Kind AlterDomainKind
	// Default is SET DEFAULT's expression.
	Default string
	// Constraint is ADD CONSTRAINT's constraint, or names the constraint
	// of DROP / RENAME / VALIDATE CONSTRAINT (Constraint.Name).
	Constraint DomainConstraint
	// IfExists is DROP CONSTRAINT IF EXISTS; Cascade its CASCADE.
	IfExists bool
	Cascade  bool
	// NewName is RENAME TO's name or RENAME CONSTRAINT's new name.
	NewName string
	// NotNull is set when ADD adds a NOT NULL constraint.
	NotNull bool
}

func (*CreateEnum) utility()    {}
func (*CreateDomain) utility()  {}
func (*DropType) utility()      {}
func (*AlterTypeStmt) utility() {}
func (*AlterDomain) utility()   {}

// isTypeDDL reports whether toks start CREATE / ALTER / DROP TYPE or
// DOMAIN.
func isTypeDDL(toks []token) bool {
	if len(toks) < 2 || !(toks[1].is("type") || toks[1].is("domain")) {
		return false
	}
	return toks[0].is("create") || toks[0].is("drop") || toks[0].is("alter")
}

func (p *uparser) typeDDL() (Utility, error) {
	verb, domain := p.toks[0].val, p.toks[1].is("domain")
	p.i = 2
	switch verb {
	case "drop":
		u := &DropType{Domain: domain}
		var err error
		u.Names, u.IfExists, u.Cascade, err = p.dropTail()
		return u, err
	case "alter":
		if domain {
			return p.alterDomain()
		}
		return p.alterTypeStmt()
	}
	name, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	if domain {
		return p.createDomain(name)
	}
	if p.done() {
		return nil, notSupported("CREATE TYPE without a definition (a shell type)")
	}
	if p.peek().isSelf('(') {
		return nil, notSupported("CREATE TYPE with input and output functions (a base type)")
	}
	if err := p.expect("as"); err != nil {
		return nil, err
	}
	switch {
	case p.accept("enum"):
	case p.peek().isSelf('('):
		return nil, notSupported("CREATE TYPE ... AS (composite type)")
	case p.peek().is("range"):
		return nil, notSupported("CREATE TYPE ... AS RANGE")
	default:
		return nil, p.errHere()
	}
	u := &CreateEnum{Name: name}
	if !p.acceptSelf('(') {
		return nil, p.errHere()
	}
	if p.acceptSelf(')') {
		return u, p.expectEnd()
	}
	for {
		l, err := p.label()
		if err != nil {
			return nil, err
		}
		u.Labels = append(u.Labels, l)
		if p.acceptSelf(')') {
			break
		}
		if !p.acceptSelf(',') {
			return nil, p.errHere()
		}
	}
	return u, p.expectEnd()
}

// label reads an enum label: a string literal.
func (p *uparser) label() (string, error) {
	t := p.peek()
	if p.done() || t.kind != tkString {
		return "", p.errHere()
	}
	p.i++
	return t.val, nil
}

// domainWords end a DEFAULT expression or a type name in CREATE DOMAIN.
var domainWords = map[string]bool{"default": true, "constraint": true, "not": true, "null": true, "check": true, "collate": true}

// clauseEnd is the index of the first token from p.i at parenthesis depth
// 0 that is one of words, or len(p.toks).
func (p *uparser) clauseEnd(words map[string]bool) int {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := &p.toks[j]
		switch {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			depth--
		case depth == 0 && t.kind == tkIdent && words[t.val]:
			return j
		}
	}
	return len(p.toks)
}

// textUntil returns the source text of tokens [p.i, end) and moves past
// them; an empty range is a syntax error there.
func (p *uparser) textUntil(end int) (string, error) {
	if end <= p.i {
		return "", p.errAt(end)
	}
	s := p.src[p.toks[p.i].pos:p.toks[end-1].end]
	p.i = end
	return s, nil
}

// checkExprText parses CHECK's parenthesised expression in place (so that
// errors point into the user's text) and returns its text.
func (p *uparser) checkExprText() (string, error) {
	if !p.peek().isSelf('(') {
		return "", p.errHere()
	}
	open := p.i
	if err := p.skipParens(); err != nil {
		return "", err
	}
	closeTok := p.i - 1
	if closeTok <= open+1 {
		return "", p.errAt(closeTok)
	}
	save := p.i
	p.i = open + 1
	var a AlterAction
	if err := p.exprUntil(&a, closeTok); err != nil {
		return "", err
	}
	p.i = save
	return a.Expr, nil
}

func (p *uparser) createDomain(name string) (Utility, error) {
	u := &CreateDomain{Name: name}
	p.accept("as")
	var err error
	if u.Type, err = p.textUntil(p.clauseEnd(domainWords)); err != nil {
		return nil, err
	}
	for !p.done() {
		cname := ""
		if p.accept("constraint") {
			if cname, err = p.name(); err != nil {
				return nil, err
			}
		}
		switch {
		case p.accept("collate"):
			if _, err := p.qualifiedName(); err != nil {
				return nil, err
			}
		case p.accept("default"):
			var a AlterAction
			if err := p.exprUntil(&a, p.clauseEnd(domainWords)); err != nil {
				return nil, err
			}
			u.Default = a.Expr
		case p.accept("not"):
			if err := p.expect("null"); err != nil {
				return nil, err
			}
			u.NotNull = true
		case p.accept("null"):
			u.NotNull = false
		case p.accept("check"):
			c := DomainConstraint{Name: cname}
			if c.Check, err = p.checkExprText(); err != nil {
				return nil, err
			}
			u.Checks = append(u.Checks, c)
		default:
			return nil, p.errHere()
		}
	}
	return u, nil
}

func (p *uparser) alterTypeStmt() (Utility, error) {
	u := &AlterTypeStmt{}
	var err error
	if u.Name, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	switch {
	case p.accept("add"):
		if err := p.expect("value"); err != nil {
			return nil, err
		}
		if u.IfNotExists, err = p.ifNotExists(); err != nil {
			return nil, err
		}
		if u.AddValue, err = p.label(); err != nil {
			return nil, err
		}
		switch {
		case p.accept("before"):
			u.Before, err = p.label()
		case p.accept("after"):
			u.After, err = p.label()
		}
		if err != nil {
			return nil, err
		}
	case p.accept("rename"):
		if p.accept("value") {
			if u.RenameValue, err = p.label(); err != nil {
				return nil, err
			}
			if err := p.expect("to"); err != nil {
				return nil, err
			}
			if u.RenameValueTo, err = p.label(); err != nil {
				return nil, err
			}
			break
		}
		if p.peek().is("attribute") {
			return nil, notSupported("ALTER TYPE ... RENAME ATTRIBUTE")
		}
		if u.RenameTo, err = p.toName(); err != nil {
			return nil, err
		}
	case p.accept("owner"):
		if u.Owner, err = p.toName(); err != nil {
			return nil, err
		}
	case p.peek().is("set") || p.peek().is("add") || p.peek().is("drop") || p.peek().is("alter"):
		return nil, notSupported("this form of ALTER TYPE")
	default:
		return nil, p.errHere()
	}
	return u, p.expectEnd()
}

func (p *uparser) alterDomain() (Utility, error) {
	u := &AlterDomain{}
	var err error
	if u.Name, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	switch {
	case p.accept("set"):
		switch {
		case p.accept("default"):
			u.Kind = AlterDomainSetDefault
			var a AlterAction
			if err := p.exprUntil(&a, len(p.toks)); err != nil {
				return nil, err
			}
			u.Default = a.Expr
		case p.accept("not"):
			u.Kind = AlterDomainSetNotNull
			err = p.expect("null")
		case p.peek().is("schema"):
			return nil, notSupported("ALTER DOMAIN ... SET SCHEMA")
		default:
			return nil, p.errHere()
		}
	case p.accept("drop"):
		switch {
		case p.accept("default"):
			u.Kind = AlterDomainDropDefault
		case p.accept("not"):
			u.Kind = AlterDomainDropNotNull
			err = p.expect("null")
		case p.accept("constraint"):
			u.Kind = AlterDomainDropConstraint
			if u.IfExists, err = p.ifExists(); err != nil {
				return nil, err
			}
			if u.Constraint.Name, err = p.name(); err != nil {
				return nil, err
			}
			switch {
			case p.accept("cascade"):
				u.Cascade = true
			case p.accept("restrict"):
			}
		default:
			return nil, p.errHere()
		}
	case p.accept("add"):
		u.Kind = AlterDomainAddConstraint
		if p.accept("constraint") {
			if u.Constraint.Name, err = p.name(); err != nil {
				return nil, err
			}
		}
		switch {
		case p.accept("check"):
			if u.Constraint.Check, err = p.checkExprText(); err != nil {
				return nil, err
			}
		case p.accept("not"):
			if err := p.expect("null"); err != nil {
				return nil, err
			}
			u.NotNull = true
		default:
			return nil, p.errHere()
		}
		if p.accept("not") {
			if err := p.expect("valid"); err != nil {
				return nil, err
			}
			u.Constraint.NotValid = true
		}
	case p.accept("validate"):
		u.Kind = AlterDomainValidate
		if err := p.expect("constraint"); err != nil {
			return nil, err
		}
		if u.Constraint.Name, err = p.name(); err != nil {
			return nil, err
		}
	case p.accept("rename"):
		if p.accept("constraint") {
			u.Kind = AlterDomainRenameConstraint
			if u.Constraint.Name, err = p.name(); err != nil {
				return nil, err
			}
		} else {
			u.Kind = AlterDomainRename
		}
		if u.NewName, err = p.toName(); err != nil {
			return nil, err
		}
	case p.accept("owner"):
		u.Kind = AlterDomainOwner
		if _, err = p.toName(); err != nil {
			return nil, err
		}
	default:
		return nil, p.errHere()
	}
	if err != nil {
		return nil, err
	}
	return u, p.expectEnd()
}
