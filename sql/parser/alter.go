package parser

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// ALTER TABLE, and the RENAME TO of ALTER INDEX / VIEW / SEQUENCE, are
// parsed here rather than by TiDB, whose ALTER TABLE is MySQL's: it lacks
// IF EXISTS, ONLY, ALTER COLUMN ... SET/DROP NOT NULL, TYPE ... USING and
// RENAME without COLUMN, and reads several PostgreSQL forms differently.
// The statement is split into its comma-separated actions at depth 0.
// ADD actions (columns and table constraints) carry column definitions
// whose handling already lives on the TiDB route (types, defaults,
// identity, CHECK and REFERENCES options), so each is parsed as a
// statement of its own, `ALTER TABLE name ADD ...`, with the user's
// tokens and therefore the user's positions; every other action is
// parsed here.

// AlterKind is the kind of one ALTER TABLE action.
type AlterKind uint8

// The ALTER TABLE actions.
const (
	// AlterAdd is ADD [COLUMN] ... or ADD table_constraint; Add holds it.
	AlterAdd AlterKind = iota + 1
	// AlterDropColumn is DROP [COLUMN] [IF EXISTS] name [CASCADE].
	AlterDropColumn
	// AlterDropConstraint is DROP CONSTRAINT [IF EXISTS] name [CASCADE].
	AlterDropConstraint
	// AlterSetDefault is ALTER [COLUMN] c SET DEFAULT expr (Expr).
	AlterSetDefault
	// AlterDropDefault is ALTER [COLUMN] c DROP DEFAULT.
	AlterDropDefault
	// AlterSetNotNull is ALTER [COLUMN] c SET NOT NULL.
	AlterSetNotNull
	// AlterDropNotNull is ALTER [COLUMN] c DROP NOT NULL.
	AlterDropNotNull
	// AlterType is ALTER [COLUMN] c [SET DATA] TYPE t [USING expr]
	// (Type, and Expr when USING is given).
	AlterType
	// AlterRename is RENAME TO name (NewName): the relation itself.
	AlterRename
	// AlterRenameColumn is RENAME [COLUMN] c TO name.
	AlterRenameColumn
	// AlterRenameConstraint is RENAME CONSTRAINT c TO name.
	AlterRenameConstraint
	// AlterNoOp is an action PostgreSQL accepts that changes nothing nqdb
	// keeps (SET STATISTICS, SET STORAGE, OWNER TO): accepted, ignored.
	AlterNoOp
)

// AlterAction is one action of ALTER TABLE.
type AlterAction struct {
	Kind AlterKind
	// Column is the column acted on (and the added column of ADD COLUMN
	// IF NOT EXISTS); Constraint the constraint of DROP / RENAME
	// CONSTRAINT.
	Column     string
	Constraint string
	// NewName is the target of RENAME.
	NewName string
	// Type is ALTER TYPE's type as written, normalised like cast type
	// names ("varchar(10)", "int4[]").
	Type string
	// Expr is SET DEFAULT's expression or TYPE's USING expression as the
	// user wrote it; ExprPos is where it starts in the statement's Text
	// (1-based characters), for errors inside it.
	Expr    string
	ExprPos int
	// IfExists is DROP ... IF EXISTS; IfNotExists ADD COLUMN IF NOT
	// EXISTS; Cascade DROP ... CASCADE.
	IfExists    bool
	IfNotExists bool
	Cascade     bool
	// Add is an ADD action parsed as `ALTER TABLE name ADD ...` by the
	// TiDB route (its AST is an *ast.AlterTableStmt; Text and Offset are
	// the whole statement's).
	Add *Statement
}

// AlterTable is ALTER TABLE [IF EXISTS] [ONLY] name action [, ...], or a
// RENAME of ALTER TABLE / INDEX / VIEW / SEQUENCE.
type AlterTable struct {
	// Object is the word after ALTER: "table", "index", "view" or
	// "sequence" (the tag is ALTER <OBJECT>).
	Object   string
	Name     string // possibly schema-qualified
	IfExists bool
	Actions  []AlterAction
}

func (*AlterTable) utility() {}

// isAlterDDL reports whether toks are an ALTER TABLE, ALTER INDEX or
// ALTER VIEW (all parsed here), or an ALTER SEQUENCE ... RENAME TO (other
// ALTER SEQUENCE forms are sequence.go's).
func isAlterDDL(toks []token) bool {
	if len(toks) < 2 || !toks[0].is("alter") {
		return false
	}
	switch toks[1].val {
	case "table", "index", "view":
		return toks[1].kind == tkIdent
	case "sequence":
		for i := 2; i < len(toks); i++ {
			if toks[i].is("rename") {
				return true
			}
		}
	}
	return false
}

// alterDDL parses ALTER TABLE / INDEX / VIEW / SEQUENCE.
func (p *uparser) alterDDL() (Utility, error) {
	u := &AlterTable{Object: p.toks[1].val}
	p.i = 2
	if p.accept("if") {
		if err := p.expect("exists"); err != nil {
			return nil, err
		}
		u.IfExists = true
	}
	if u.Object == "table" {
		p.accept("only")
	}
	nameStart := p.i
	n, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	u.Name = n
	if u.Object == "table" && p.peek().isSelf('*') {
		p.i++ // name * : descendants too; nqdb has no inheritance
	}
	nameToks := p.toks[nameStart:p.i]
	if p.accept("rename") {
		a, err := p.alterRename(u.Object)
		if err != nil {
			return nil, err
		}
		u.Actions = []AlterAction{a}
		return u, p.expectEnd()
	}
	if u.Object != "table" {
		if p.done() {
			return nil, p.errHere()
		}
		return nil, pgerror.New(pgerror.FeatureNotSupported, "ALTER %s other than RENAME TO is not supported yet", strings.ToUpper(u.Object))
	}
	for {
		a, err := p.alterAction(nameToks)
		if err != nil {
			return nil, err
		}
		u.Actions = append(u.Actions, a)
		if p.done() {
			return u, nil
		}
		if !p.acceptSelf(',') {
			return nil, p.errHere()
		}
	}
}

// alterRename parses what follows RENAME.
func (p *uparser) alterRename(object string) (AlterAction, error) {
	var a AlterAction
	var err error
	switch {
	case p.accept("to"):
		a.Kind = AlterRename
		a.NewName, err = p.name()
		return a, err
	case object != "table" && object != "view":
		return a, p.errHere()
	case p.accept("constraint"):
		if object != "table" {
			return a, p.errAt(p.i - 1)
		}
		a.Kind = AlterRenameConstraint
		if a.Constraint, err = p.name(); err != nil {
			return a, err
		}
	default:
		p.accept("column")
		a.Kind = AlterRenameColumn
		if a.Column, err = p.name(); err != nil {
			return a, err
		}
	}
	if err := p.expect("to"); err != nil {
		return a, err
	}
	a.NewName, err = p.name()
	return a, err
}

// actionEnd is the index of the ',' at depth 0 that ends the action
// starting at p.i, or len(p.toks).
func (p *uparser) actionEnd() int {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := &p.toks[j]
		switch {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			depth--
		case depth == 0 && t.isSelf(','):
			return j
		}
	}
	return len(p.toks)
}

// exprUntil takes the tokens [p.i, end) as an expression's text; a
// missing expression is a syntax error at end.
func (p *uparser) exprUntil(a *AlterAction, end int) error {
	if end <= p.i {
		return p.errAt(end)
	}
	a.Expr = p.src[p.toks[p.i].pos:p.toks[end-1].end]
	a.ExprPos = p.stmtPos(&p.toks[p.i])
	// Parse it here, in place, so that a syntax error points where
	// PostgreSQL's does (at the ',' or ';' after an unfinished
	// expression); the executor parses the text again to bind it.
	toks := make([]token, 0, end-p.i+1)
	// One character before the expression, so that a blank separates it.
	toks = append(toks, token{kind: tkIdent, val: "select", pos: p.toks[p.i].pos - 1, end: p.toks[p.i].pos - 1})
	toks = append(toks, p.toks[p.i:end]...)
	term := p.term
	if end < len(p.toks) {
		term = &p.toks[end]
	}
	st := &Statement{Text: p.src[p.toks[0].pos:p.toks[len(p.toks)-1].end], Offset: p.toks[0].pos}
	if err := rewriteAndParse(p.src, toks, term, st); err != nil {
		return err
	}
	p.i = end
	return nil
}

// alterAction parses one action of ALTER TABLE (not RENAME).
func (p *uparser) alterAction(nameToks []token) (AlterAction, error) {
	var a AlterAction
	var err error
	switch {
	case p.accept("add"):
		return p.alterAdd(nameToks)
	case p.accept("drop"):
		if p.accept("constraint") {
			a.Kind = AlterDropConstraint
			if a.IfExists, err = p.ifExists(); err != nil {
				return a, err
			}
			if a.Constraint, err = p.name(); err != nil {
				return a, err
			}
		} else {
			p.accept("column")
			a.Kind = AlterDropColumn
			if a.IfExists, err = p.ifExists(); err != nil {
				return a, err
			}
			if a.Column, err = p.name(); err != nil {
				return a, err
			}
		}
		switch {
		case p.accept("cascade"):
			a.Cascade = true
		case p.accept("restrict"):
		}
		return a, nil
	case p.accept("alter"):
		p.accept("column")
		if a.Column, err = p.name(); err != nil {
			return a, err
		}
		return a, p.alterColumn(&a)
	case p.accept("owner"):
		if err := p.expect("to"); err != nil {
			return a, err
		}
		a.Kind = AlterNoOp
		_, err = p.name()
		return a, err
	}
	if p.done() {
		return a, p.errHere()
	}
	switch w := p.peek(); {
	case w.is("set") || w.is("reset") || w.is("enable") || w.is("disable") || w.is("cluster") ||
		w.is("inherit") || w.is("no") || w.is("of") || w.is("not") || w.is("replica") ||
		w.is("force") || w.is("validate") || w.is("attach") || w.is("detach"):
		return a, pgerror.New(pgerror.FeatureNotSupported, "ALTER TABLE ... %s is not supported yet", strings.ToUpper(w.val)).
			WithPosition(charPos(p.src, w.pos))
	}
	return a, p.errHere()
}

// ifExists parses an optional IF EXISTS.
func (p *uparser) ifExists() (bool, error) {
	if !p.accept("if") {
		return false, nil
	}
	return true, p.expect("exists")
}

// alterColumn parses what follows ALTER [COLUMN] c.
func (p *uparser) alterColumn(a *AlterAction) error {
	switch {
	case p.accept("set"):
		switch {
		case p.accept("default"):
			a.Kind = AlterSetDefault
			return p.exprUntil(a, p.actionEnd())
		case p.accept("not"):
			a.Kind = AlterSetNotNull
			return p.expect("null")
		case p.accept("data"):
			if err := p.expect("type"); err != nil {
				return err
			}
			return p.alterType(a)
		case p.peek().is("statistics") || p.peek().is("storage") || p.peek().is("compression"):
			// Planner and storage hints with no effect in nqdb.
			a.Kind = AlterNoOp
			p.i = p.actionEnd()
			return nil
		}
	case p.accept("drop"):
		switch {
		case p.accept("default"):
			a.Kind = AlterDropDefault
			return nil
		case p.accept("not"):
			a.Kind = AlterDropNotNull
			return p.expect("null")
		}
	case p.accept("type"):
		return p.alterType(a)
	}
	if p.done() {
		return p.errHere()
	}
	if w := p.peek(); w.is("add") || w.is("drop") || w.is("set") || w.is("reset") || w.is("restart") {
		return pgerror.New(pgerror.FeatureNotSupported, "this form of ALTER COLUMN is not supported yet").
			WithPosition(charPos(p.src, w.pos))
	}
	return p.errHere()
}

// alterType parses TYPE's type name, COLLATE and USING.
func (p *uparser) alterType(a *AlterAction) error {
	a.Kind = AlterType
	typ, next, ok := parseTypeName(p.toks, p.i)
	if !ok || next <= p.i {
		return p.errHere()
	}
	a.Type, p.i = typ, next
	if p.accept("collate") {
		if _, err := p.qualifiedName(); err != nil {
			return err
		}
	}
	if p.accept("using") {
		return p.exprUntil(a, p.actionEnd())
	}
	return nil
}

// alterAdd parses ADD [COLUMN] [IF NOT EXISTS] ... or ADD constraint as
// the statement `ALTER TABLE name ADD ...` for the TiDB route.
func (p *uparser) alterAdd(nameToks []token) (AlterAction, error) {
	a := AlterAction{Kind: AlterAdd}
	addTok := p.toks[p.i-1]
	end := p.actionEnd()
	if end == p.i {
		return a, p.errAt(end)
	}
	body := p.toks[p.i:end]
	// ADD [COLUMN] IF NOT EXISTS c: the words are taken out here (the
	// executor skips an existing column with a notice).
	k := 0
	if body[0].is("column") {
		k = 1
	}
	if len(body) > k+3 && body[k].is("if") && body[k+1].is("not") && body[k+2].is("exists") {
		a.IfNotExists = true
		a.Column = body[k+3].val
		body = append(append([]token(nil), body[:k]...), body[k+3:]...)
	} else if len(body) > k && (body[k].kind == tkIdent || body[k].kind == tkQIdent) {
		if k == 1 || !isConstraintStart(&body[0]) {
			a.Column = body[k].val
		}
	}
	toks := make([]token, 0, 3+len(nameToks)+len(body))
	toks = append(toks, p.toks[0], token{kind: tkIdent, val: "table", pos: p.toks[1].pos, end: p.toks[1].end})
	toks = append(toks, nameToks...)
	toks = append(toks, addTok)
	toks = append(toks, body...)
	st := &Statement{Text: p.src[p.toks[0].pos:p.toks[len(p.toks)-1].end], Offset: p.toks[0].pos}
	var term *token
	if end < len(p.toks) {
		term = &p.toks[end]
	} else {
		term = p.term
	}
	if err := rewriteAndParse(p.src, toks, term, st); err != nil {
		return a, err
	}
	a.Add = st
	p.i = end
	return a, nil
}

// isConstraintStart reports whether ADD's next word starts a table
// constraint rather than a column.
func isConstraintStart(t *token) bool {
	if t.kind != tkIdent {
		return false
	}
	switch t.val {
	case "constraint", "primary", "unique", "check", "foreign", "exclude":
		return true
	}
	return false
}
