package parser

import (
	"strings"
	"unicode/utf8"
)

// copyStmt parses COPY in both the option-list syntax of PostgreSQL 9.0+
// and the older keyword syntax; old options are reported under their new
// names (format, header, delimiter, null, quote, escape, force_quote,
// force_not_null), so consumers see one form.
func (p *uparser) copyStmt() (Utility, error) {
	c := &Copy{}
	if p.peek().isSelf('(') {
		// COPY (query) TO ...
		open := p.i
		depth := 0
		end := -1
		for j := open; j < len(p.toks); j++ {
			if p.toks[j].isSelf('(') {
				depth++
			} else if p.toks[j].isSelf(')') {
				depth--
				if depth == 0 {
					end = j
					break
				}
			}
		}
		if end < 0 {
			p.i = len(p.toks)
			return nil, p.errHere()
		}
		if end == open+1 {
			p.i = end
			return nil, p.errHere()
		}
		st, err := parseStatement(p.src, p.toks[open+1:end], &p.toks[end])
		if err != nil {
			return nil, err
		}
		c.Query = st
		p.i = end + 1
	} else {
		p.accept("binary") // pre-7.3 COPY BINARY t
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		if p.acceptSelf('.') {
			m, err := p.name()
			if err != nil {
				return nil, err
			}
			c.Schema, n = n, m
		}
		c.Table = n
		if p.acceptSelf('(') {
			for {
				col, err := p.name()
				if err != nil {
					return nil, err
				}
				c.Columns = append(c.Columns, col)
				if p.acceptSelf(')') {
					break
				}
				if !p.acceptSelf(',') {
					return nil, p.errHere()
				}
			}
		}
	}
	switch {
	case p.accept("from"):
		c.From = true
		if c.Query != nil {
			return nil, p.errAt(p.i - 1)
		}
	case p.accept("to"):
	default:
		return nil, p.errHere()
	}
	switch t := p.peek(); {
	case t.is("stdin") && c.From, t.is("stdout") && !c.From:
		p.i++
		c.Stdio = true
	case t.kind == tkString && p.i < len(p.toks):
		p.i++
		c.File = t.val
	case t.is("program"):
		p.i++
		if p.done() || p.peek().kind != tkString {
			return nil, p.errHere()
		}
		c.Program = true
		c.File = p.peek().val
		p.i++
	default:
		return nil, p.errHere()
	}
	p.accept("with")
	if p.acceptSelf('(') {
		for {
			o, err := p.copyOption()
			if err != nil {
				return nil, err
			}
			c.Options = append(c.Options, o)
			if p.acceptSelf(')') {
				break
			}
			if !p.acceptSelf(',') {
				return nil, p.errHere()
			}
		}
	} else if err := p.oldCopyOptions(c); err != nil {
		return nil, err
	}
	if c.From && p.peek().is("where") && p.i < len(p.toks) {
		p.i++
		if p.done() {
			return nil, p.errHere()
		}
		c.Where = p.src[p.toks[p.i].pos:p.toks[len(p.toks)-1].end]
		p.i = len(p.toks)
	}
	return c, p.expectEnd()
}

func (p *uparser) errAt(i int) error { return syntaxErrorAt(p.src, p.at(i)) }

// copyOption parses one `name [value]` of the parenthesised option list.
func (p *uparser) copyOption() (CopyOption, error) {
	pos := p.stmtPos(p.peek())
	n, err := p.name()
	if err != nil {
		return CopyOption{}, err
	}
	o := CopyOption{Name: n, Pos: pos}
	t := p.peek()
	if p.done() || t.isSelf(',') || t.isSelf(')') {
		return o, nil
	}
	switch {
	case t.isSelf('*'):
		p.i++
		o.Value, o.HasValue = "*", true
	case t.isSelf('('):
		p.i++
		var cols []string
		for {
			col, err := p.name()
			if err != nil {
				return o, err
			}
			cols = append(cols, col)
			if p.acceptSelf(')') {
				break
			}
			if !p.acceptSelf(',') {
				return o, p.errHere()
			}
		}
		o.Value, o.HasValue = strings.Join(cols, ","), true
	default:
		v, err := p.setValue()
		if err != nil {
			return o, err
		}
		o.Value, o.HasValue = v, true
	}
	return o, nil
}

// oldCopyOptions parses the pre-9.0 option words.
func (p *uparser) oldCopyOptions(c *Copy) error {
	strOpt := func(name string) error {
		p.accept("as")
		t := p.peek()
		if p.done() || t.kind != tkString {
			return p.errHere()
		}
		p.i++
		c.Options = append(c.Options, CopyOption{Name: name, Value: t.val, HasValue: true})
		return nil
	}
	for !p.done() && !p.peek().is("where") {
		var err error
		first, pos := len(c.Options), p.stmtPos(p.peek())
		switch {
		case p.accept("binary"):
			c.Options = append(c.Options, CopyOption{Name: "format", Value: "binary", HasValue: true})
		case p.accept("csv"):
			c.Options = append(c.Options, CopyOption{Name: "format", Value: "csv", HasValue: true})
		case p.accept("header"):
			c.Options = append(c.Options, CopyOption{Name: "header"})
		case p.accept("freeze"):
			c.Options = append(c.Options, CopyOption{Name: "freeze"})
		case p.accept("oids"):
			return notSupported("COPY OIDS")
		case p.accept("delimiter"):
			err = strOpt("delimiter")
		case p.accept("null"):
			err = strOpt("null")
		case p.accept("quote"):
			err = strOpt("quote")
		case p.accept("escape"):
			err = strOpt("escape")
		case p.accept("encoding"):
			err = strOpt("encoding")
		case p.accept("force"):
			name := "force_quote"
			switch {
			case p.accept("quote"):
			case p.accept("not"):
				if err := p.expect("null"); err != nil {
					return err
				}
				name = "force_not_null"
			case p.accept("null"):
				name = "force_null"
			default:
				return p.errHere()
			}
			if name == "force_quote" && p.acceptSelf('*') {
				c.Options = append(c.Options, CopyOption{Name: name, Value: "*", HasValue: true})
				break
			}
			var cols []string
			for {
				col, err := p.name()
				if err != nil {
					return err
				}
				cols = append(cols, col)
				if !p.acceptSelf(',') {
					break
				}
			}
			c.Options = append(c.Options, CopyOption{Name: name, Value: strings.Join(cols, ","), HasValue: true})
		default:
			return p.errHere()
		}
		if err != nil {
			return err
		}
		for k := first; k < len(c.Options); k++ {
			c.Options[k].Pos = pos
		}
	}
	return nil
}

// stmtPos is the 1-based character position of t within the statement
// being parsed (whose first token is p.toks[0]).
func (p *uparser) stmtPos(t *token) int {
	start := p.toks[0].pos
	if t.pos < start || t.pos > len(p.src) {
		return 0
	}
	return utf8.RuneCountInString(p.src[start:t.pos]) + 1
}
