package parser

// CreateMatview is CREATE MATERIALIZED VIEW [IF NOT EXISTS] name
// [(column, ...)] AS query [WITH [NO] DATA]: a table filled from the
// query, which REFRESH runs again. Query is the parsed query and
// QueryText its text as written (stored, like a view's).
type CreateMatview struct {
	CreateTableAs
	QueryText string
}

// RefreshMatview is REFRESH MATERIALIZED VIEW [CONCURRENTLY] name
// [WITH [NO] DATA].
type RefreshMatview struct {
	Name         string
	Concurrently bool
	NoData       bool
}

// DropMatview is DROP MATERIALIZED VIEW [IF EXISTS] name, ...
// [CASCADE | RESTRICT].
type DropMatview struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

func (*CreateMatview) utility()  {}
func (*RefreshMatview) utility() {}
func (*DropMatview) utility()    {}

// isMatviewDDL recognizes CREATE, REFRESH and DROP MATERIALIZED VIEW.
func isMatviewDDL(toks []token) bool {
	return len(toks) >= 3 && (toks[0].is("create") || toks[0].is("refresh") || toks[0].is("drop")) &&
		toks[1].is("materialized") && toks[2].is("view")
}

func (p *uparser) matviewDDL() (Utility, error) {
	verb := p.toks[0].val
	p.i = 3
	switch verb {
	case "drop":
		u := &DropMatview{}
		var err error
		u.Names, u.IfExists, u.Cascade, err = p.dropTail()
		return u, err
	case "refresh":
		u := &RefreshMatview{Concurrently: p.accept("concurrently")}
		var err error
		if u.Name, err = p.qualifiedName(); err != nil {
			return nil, err
		}
		if p.accept("with") {
			u.NoData = p.accept("no")
			if err := p.expect("data"); err != nil {
				return nil, err
			}
		}
		return u, p.expectEnd()
	}
	u := &CreateMatview{}
	var err error
	if u.QueryText, err = p.ctasTail(&u.CreateTableAs); err != nil {
		return nil, err
	}
	return u, nil
}
