package parser

// CreateView is CREATE [OR REPLACE] [TEMP] VIEW name [(columns)] [WITH
// (...)] AS query [WITH [CASCADED | LOCAL] CHECK OPTION]. The query is
// kept as the user's text: the view is expanded by parsing it again where
// it is used, as PostgreSQL's rewriter substitutes the view's query.
type CreateView struct {
	Name      string
	OrReplace bool
	// Temp is CREATE TEMP VIEW: the view lives in the session's
	// temporary schema.
	Temp    bool
	Columns []string
	Query   string
	// QueryPos is where Query starts in the statement (1-based
	// characters of the whole query string), for error positions.
	QueryPos int
	// CheckOption is WITH [LOCAL | CASCADED] CHECK OPTION: "local" or
	// "cascaded" (the default), "" when absent.
	CheckOption string
}

// DropView is DROP VIEW [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
type DropView struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

func (*CreateView) utility() {}
func (*DropView) utility()   {}

// isViewDDL reports whether toks start CREATE [OR REPLACE] [TEMP] VIEW or
// DROP VIEW.
func isViewDDL(toks []token) bool {
	if len(toks) < 2 {
		return false
	}
	if toks[0].is("drop") {
		return toks[1].is("view")
	}
	if !toks[0].is("create") {
		return false
	}
	i := 1
	if toks[i].is("or") && i+1 < len(toks) && toks[i+1].is("replace") {
		i += 2
	}
	if i < len(toks) && (toks[i].is("temp") || toks[i].is("temporary")) {
		i++
	}
	return i < len(toks) && toks[i].is("view")
}

func (p *uparser) viewDDL() (Utility, error) {
	if p.toks[0].is("drop") {
		p.i = 2
		u := &DropView{}
		var err error
		u.Names, u.IfExists, u.Cascade, err = p.dropTail()
		return u, err
	}
	p.i = 1
	u := &CreateView{}
	if p.accept("or") {
		if err := p.expect("replace"); err != nil {
			return nil, err
		}
		u.OrReplace = true
	}
	u.Temp = p.accept("temp") || p.accept("temporary")
	if err := p.expect("view"); err != nil {
		return nil, err
	}
	n, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	u.Name = n
	if p.acceptSelf('(') {
		if u.Columns, err = p.nameList(); err != nil {
			return nil, err
		}
	}
	if p.accept("with") {
		if err := p.skipParens(); err != nil {
			return nil, err
		}
	}
	if err := p.expect("as"); err != nil {
		return nil, err
	}
	if p.done() {
		return nil, p.errHere()
	}
	end := len(p.toks)
	// WITH [CASCADED | LOCAL] CHECK OPTION at the end applies to
	// writes through the view (planner/view_dml.go).
	if end >= 3 && p.toks[end-1].is("option") && p.toks[end-2].is("check") {
		end -= 2
		u.CheckOption = "cascaded"
		if p.toks[end-1].is("cascaded") || p.toks[end-1].is("local") {
			u.CheckOption = p.toks[end-1].val
			end--
		}
		if end > p.i && p.toks[end-1].is("with") {
			end--
		}
	}
	first := &p.toks[p.i]
	u.Query = p.src[first.pos:p.toks[end-1].end]
	u.QueryPos = charPos(p.src, first.pos)
	return u, nil
}
