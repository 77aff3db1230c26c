package parser

import (
	"strconv"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// DeclareCursor is DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE]
// [[NO] SCROLL] CURSOR [{WITH | WITHOUT} HOLD] FOR query.
type DeclareCursor struct {
	Name             string
	Binary           bool
	Scroll, NoScroll bool
	Hold             bool
	Query            *Statement
}

// FetchKind is the direction of a FETCH or MOVE.
type FetchKind uint8

// Fetch directions. Count is a row count for Forward and Backward (-1 =
// ALL), a position for Absolute, an offset for Relative.
const (
	FetchForward FetchKind = iota
	FetchBackward
	FetchAbsolute
	FetchRelative
)

// Fetch is FETCH or MOVE [direction] [FROM | IN] name.
type Fetch struct {
	Name  string
	Move  bool
	Kind  FetchKind
	Count int64
}

// CloseCursor is CLOSE name | CLOSE ALL.
type CloseCursor struct {
	Name string
	All  bool
}

func (*DeclareCursor) utility() {}
func (*Fetch) utility()         {}
func (*CloseCursor) utility()   {}

func (p *uparser) declareCursor() (Utility, error) {
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	d := &DeclareCursor{Name: n}
	for {
		switch {
		case p.accept("binary"):
			d.Binary = true
		case p.accept("asensitive"), p.accept("insensitive"):
		case p.accept("scroll"):
			d.Scroll = true
		case p.peek().is("no") && p.i+1 < len(p.toks) && p.toks[p.i+1].is("scroll"):
			p.i += 2
			d.NoScroll = true
		default:
			goto cursor
		}
	}
cursor:
	if d.Scroll && d.NoScroll {
		return nil, pgerror.New(pgerror.InvalidCursorDefinition, "cannot specify both SCROLL and NO SCROLL")
	}
	if err := p.expect("cursor"); err != nil {
		return nil, err
	}
	if p.accept("with") {
		if err := p.expect("hold"); err != nil {
			return nil, err
		}
		d.Hold = true
	} else if p.accept("without") {
		if err := p.expect("hold"); err != nil {
			return nil, err
		}
	}
	if err := p.expect("for"); err != nil {
		return nil, err
	}
	if d.Query, err = p.subStatement(); err != nil {
		return nil, err
	}
	return d, nil
}

// fetch parses FETCH/MOVE's direction and cursor name.
func (p *uparser) fetch(move bool) (Utility, error) {
	f := &Fetch{Move: move, Count: 1}
	count := func(def int64) (int64, error) {
		neg := false
		if t := p.peek(); (t.kind == tkOp && t.val == "-") || t.isSelf('-') {
			neg = true
			p.i++
		}
		t := p.peek()
		if t.kind != tkNumber {
			if neg {
				return 0, p.errHere()
			}
			return def, nil
		}
		v, err := strconv.ParseInt(t.val, 10, 64)
		if err != nil {
			return 0, p.errHere()
		}
		p.i++
		if neg {
			v = -v
		}
		return v, nil
	}
	var err error
	switch {
	case p.accept("next"):
	case p.accept("prior"):
		f.Kind = FetchBackward
	case p.accept("first"):
		f.Kind, f.Count = FetchAbsolute, 1
	case p.accept("last"):
		f.Kind, f.Count = FetchAbsolute, -1
	case p.accept("absolute"):
		f.Kind = FetchAbsolute
		if f.Count, err = count(0); err != nil {
			return nil, err
		}
	case p.accept("relative"):
		f.Kind = FetchRelative
		if f.Count, err = count(0); err != nil {
			return nil, err
		}
	case p.accept("all"):
		f.Count = -1
	case p.accept("forward"):
		if p.accept("all") {
			f.Count = -1
		} else if f.Count, err = count(1); err != nil {
			return nil, err
		}
	case p.accept("backward"):
		f.Kind = FetchBackward
		if p.accept("all") {
			f.Count = -1
		} else if f.Count, err = count(1); err != nil {
			return nil, err
		}
	default:
		if f.Count, err = count(1); err != nil {
			return nil, err
		}
		if f.Count < 0 {
			f.Kind, f.Count = FetchBackward, -f.Count
		}
	}
	if f.Kind == FetchForward && f.Count < -1 {
		f.Kind, f.Count = FetchBackward, -f.Count
	}
	if f.Kind == FetchBackward && f.Count < -1 {
		f.Kind, f.Count = FetchForward, -f.Count
	}
	if !p.accept("from") {
		p.accept("in")
	}
	if f.Name, err = p.name(); err != nil {
		return nil, err
	}
	return f, p.expectEnd()
}

func (p *uparser) closeCursor() (Utility, error) {
	if p.accept("all") {
		return &CloseCursor{All: true}, p.expectEnd()
	}
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	return &CloseCursor{Name: n}, p.expectEnd()
}
