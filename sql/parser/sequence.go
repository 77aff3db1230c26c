package parser

import (
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// SequenceOptions are the options of CREATE and ALTER SEQUENCE; nil
// pointers are options not given.
type SequenceOptions struct {
	As        string // the integer type name, "" = bigint
	Increment *int64
	MinValue  *int64
	NoMin     bool // NO MINVALUE
	MaxValue  *int64
	NoMax     bool // NO MAXVALUE
	Start     *int64
	Cache     *int64
	Cycle     *bool
	// OwnedBy is "table.column", "none", or "" when not given.
	OwnedBy string
	// Restart (ALTER only): RestartWith when given, else the start value.
	Restart     bool
	RestartWith *int64
}

// CreateSequence is CREATE SEQUENCE [IF NOT EXISTS] name [options].
type CreateSequence struct {
	Name        string
	IfNotExists bool
	// Temp is CREATE TEMP SEQUENCE (in the session's temporary schema).
	Temp    bool
	Options SequenceOptions
}

// AlterSequence is ALTER SEQUENCE [IF EXISTS] name options.
type AlterSequence struct {
	Name     string
	IfExists bool
	Options  SequenceOptions
}

// DropSequence is DROP SEQUENCE [IF EXISTS] name [, ...] [CASCADE |
// RESTRICT].
type DropSequence struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

func (*CreateSequence) utility() {}
func (*AlterSequence) utility()  {}
func (*DropSequence) utility()   {}

// isSequenceDDL reports whether toks start CREATE, ALTER or DROP
// SEQUENCE (parsed here: TiDB's sequence grammar lacks AS, OWNED BY and
// CASCADE).
func isSequenceDDL(toks []token) bool {
	if len(toks) > 2 && toks[0].is("create") && (toks[1].is("temp") || toks[1].is("temporary")) && toks[2].is("sequence") {
		return true
	}
	if len(toks) < 2 || !toks[1].is("sequence") {
		return false
	}
	return toks[0].is("create") || toks[0].is("alter") || toks[0].is("drop")
}

func (p *uparser) sequenceDDL() (Utility, error) {
	verb := p.toks[0].val
	p.i = 2
	switch verb {
	case "drop":
		u := &DropSequence{}
		var err error
		u.Names, u.IfExists, u.Cascade, err = p.dropTail()
		return u, err
	case "alter":
		u := &AlterSequence{}
		if p.accept("if") {
			if err := p.expect("exists"); err != nil {
				return nil, err
			}
			u.IfExists = true
		}
		n, err := p.qualifiedName()
		if err != nil {
			return nil, err
		}
		u.Name = n
		if err := p.sequenceOptions(&u.Options, true); err != nil {
			return nil, err
		}
		return u, nil
	}
	u := &CreateSequence{}
	if p.toks[1].is("temp") || p.toks[1].is("temporary") {
		u.Temp, p.i = true, 3
	}
	var err error
	if u.IfNotExists, err = p.ifNotExists(); err != nil {
		return nil, err
	}
	if u.Name, err = p.qualifiedName(); err != nil {
		return nil, err
	}
	if err := p.sequenceOptions(&u.Options, false); err != nil {
		return nil, err
	}
	return u, nil
}

// signedInt reads an optionally signed integer literal.
func (p *uparser) signedInt() (*int64, error) {
	neg := false
	if t := p.peek(); (t.kind == tkOp || t.kind == tkSelf) && (t.val == "-" || t.val == "+") {
		neg = t.val == "-"
		p.i++
	}
	t := p.peek()
	if t.kind != tkNumber {
		return nil, p.errHere()
	}
	v, err := strconv.ParseInt(t.val, 10, 64)
	if err != nil {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "value \"%s\" is out of range for type bigint", t.val).
			WithPosition(charPos(p.src, t.pos))
	}
	p.i++
	if neg {
		v = -v
	}
	return &v, nil
}

// sequenceOptions parses PostgreSQL's SeqOptElem list to the end.
func (p *uparser) sequenceOptions(o *SequenceOptions, alter bool) error {
	var err error
	for !p.done() {
		switch {
		case p.accept("as"):
			n, err := p.name()
			if err != nil {
				return err
			}
			o.As = n
		case p.accept("increment"):
			p.accept("by")
			if o.Increment, err = p.signedInt(); err != nil {
				return err
			}
		case p.accept("minvalue"):
			if o.MinValue, err = p.signedInt(); err != nil {
				return err
			}
		case p.accept("maxvalue"):
			if o.MaxValue, err = p.signedInt(); err != nil {
				return err
			}
		case p.accept("start"):
			p.accept("with")
			if o.Start, err = p.signedInt(); err != nil {
				return err
			}
		case alter && p.accept("restart"):
			o.Restart = true
			if p.accept("with") || p.peek().kind == tkNumber || p.peek().isSelf('-') || p.peek().kind == tkOp {
				if o.RestartWith, err = p.signedInt(); err != nil {
					return err
				}
			}
		case p.accept("cache"):
			if o.Cache, err = p.signedInt(); err != nil {
				return err
			}
		case p.accept("cycle"):
			o.Cycle = boolPtr(true)
		case p.accept("no"):
			switch {
			case p.accept("minvalue"):
				o.NoMin = true
			case p.accept("maxvalue"):
				o.NoMax = true
			case p.accept("cycle"):
				o.Cycle = boolPtr(false)
			default:
				return p.errHere()
			}
		case p.accept("owned"):
			if err := p.expect("by"); err != nil {
				return err
			}
			n, err := p.qualifiedName()
			if err != nil {
				return err
			}
			o.OwnedBy = n
		default:
			return p.errHere()
		}
	}
	return nil
}

// ParseExpr parses one expression as the TiDB parser reads it (the form
// RestoreExpr produces), for stored column defaults.
func ParseExpr(text string) (ast.ExprNode, error) {
	stmts, _, err := newTiDBParser().Parse("select "+text, "", "")
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "not one expression: %s", text)
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].Expr == nil {
		return nil, pgerror.New(pgerror.SyntaxError, "not one expression: %s", text)
	}
	return sel.Fields.Fields[0].Expr, nil
}

// RestoreExpr writes e back as text ParseExpr reads, for storing a column
// default in the catalog.
func RestoreExpr(e ast.ExprNode) (string, error) {
	var sb strings.Builder
	ctx := format.NewRestoreCtx(format.DefaultRestoreFlags|format.RestoreStringWithoutCharset, &sb)
	if err := e.Restore(ctx); err != nil {
		return "", err
	}
	return sb.String(), nil
}
