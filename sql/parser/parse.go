package parser

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	tparser "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Statement is one parsed statement of a query string.
type Statement struct {
	// Text is the statement's own text as the client sent it (trimmed, no
	// trailing ';').
	Text string
	// Offset is the byte offset of Text in the full query string.
	Offset int
	// Utility is non-nil when the utility parser handled the statement.
	Utility Utility
	// AST is the TiDB AST of the rewritten text otherwise. Every
	// ast.ParamMarkerExpr in it has Order n-1 for its $n.
	AST ast.StmtNode
	// NumParams is the highest $n used (0 if none).
	NumParams int
	// Rewritten is the text given to the TiDB parser (empty for utility
	// statements); useful in logs and tests.
	Rewritten string
	// ColumnTypes maps column names of CREATE TABLE / ALTER TABLE to their
	// PostgreSQL type as written (normalised like cast type names): the
	// TiDB column types in AST are placeholders that merely parse.
	ColumnTypes map[string]string
	// StorageParams holds `WITH (name=value, ...)` of CREATE TABLE, which
	// TiDB does not parse (e.g. "fillfactor=100").
	StorageParams []string
	// ColumnDefaults maps column names of CREATE TABLE / ALTER TABLE ADD
	// COLUMN to their DEFAULT expression as written (PostgreSQL text,
	// removed from what TiDB parses: its DEFAULT takes only literals).
	ColumnDefaults map[string]string
	// DefaultPositions are where each of ColumnDefaults starts in Text
	// (1-based characters), for errors in a default.
	DefaultPositions map[string]int
	// Returning is the RETURNING list of INSERT, UPDATE or DELETE, parsed
	// as `SELECT <list>` (nil when there is none); ReturningPos is where
	// the list starts in Text (1-based characters).
	Returning    *Statement
	ReturningPos int
	// OnConflict is INSERT's ON CONFLICT clause (nil when none).
	OnConflict *OnConflict
	// Identity maps the identity columns of CREATE TABLE / ALTER TABLE
	// ADD COLUMN to their clause (see identity.go).
	Identity map[string]*Identity
	// Overriding is INSERT's OVERRIDING SYSTEM VALUE ("system") or
	// OVERRIDING USER VALUE ("user"), "" when absent.
	Overriding string
	// From is UPDATE's FROM list or DELETE's USING list, parsed as
	// `SELECT * FROM <list>` (nil when there is none); see dmlfrom.go.
	// FromPos is where the list starts in Text (1-based characters).
	From    *Statement
	FromPos int
	// Temp is CREATE TEMP TABLE; OnCommit its ON COMMIT action ("drop",
	// "delete rows", "preserve rows" or "" when not given).
	Temp     bool
	OnCommit string
	// Warnings are WARNINGs the statement draws however it runs (GLOBAL
	// TEMPORARY).
	Warnings []*pgerror.Error
	// With is a top-level WITH clause the parser took off the statement
	// (data-modifying items, INSERT after WITH, MATERIALIZED; see
	// wcte.go); nil when there is none or TiDB parsed it in AST.
	With *With
	// inWith marks a WITH item's body, whose own WITH is not top-level.
	inWith bool

	// spans maps each piece of Rewritten back to the user's token (see
	// Position); ordered by out.
	spans []span
}

// Position maps a byte offset in s.Rewritten (what TiDB's
// OriginTextPosition reports) to the 1-based character position in s.Text
// that PostgreSQL would report: the start of the user's token the rewritten
// piece came from (`'abc'::int4` becomes `nqdb_cast('abc', 'int4')`, whose
// offsets all lead back to 'abc' or ::), or the corresponding character when
// the offset falls inside a piece copied from the user's text. An offset in
// the blank between two pieces maps to the next piece. It returns 0 when the
// offset cannot be mapped (utility statements, out of range).
//
// Positions count from the start of s.Text; for a nested statement (the
// query of EXPLAIN, PREPARE or COPY) s.Offset still locates s.Text in the
// full query string.
func (s *Statement) Position(rewrittenOffset int) int {
	off := rewrittenOffset
	if off < 0 || off >= len(s.Rewritten) || len(s.spans) == 0 {
		return 0
	}
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].out > off }) - 1
	if i < 0 {
		i = 0
	}
	sp := s.spans[i]
	if off >= sp.outEnd {
		if i+1 >= len(s.spans) {
			return 0
		}
		sp = s.spans[i+1]
		off = sp.out
	}
	o, e := sp.orig-s.Offset, sp.origEnd-s.Offset
	if o < 0 || e > len(s.Text) || o > e {
		return 0
	}
	if d := off - sp.out; d > 0 {
		// Inside the piece: follow the character when the piece is the
		// user's text, or differs only in its quotes ("x" -> `x`, folded
		// case): otherwise stay at the token's start.
		text, user := s.Rewritten[sp.out:sp.outEnd], s.Text[o:e]
		switch {
		case text == user:
			o += d
		case len(text) == len(user) && len(text) >= 2 && strings.EqualFold(text[1:len(text)-1], user[1:len(user)-1]):
			o += d
		case len(text) == len(user)+2 && text[0] == '`' && strings.EqualFold(text[1:len(text)-1], user):
			if d > len(user) {
				d = len(user) + 1
			}
			o += d - 1
		}
		if o > e {
			o = e
		}
		for o > 0 && o < len(s.Text) && !utf8.RuneStart(s.Text[o]) {
			o--
		}
	}
	return utf8.RuneCountInString(s.Text[:o]) + 1
}

// Utility is implemented by the utility statement nodes of this package.
type Utility interface{ utility() }

// sqlMode makes TiDB's lexer read the rewritten text the PostgreSQL way:
// "x" is an identifier, || concatenates, backslashes are literal.
const sqlMode = mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes

// newTiDBParser returns a TiDB parser set up for our rewritten text.
//
// Every parse gets a parser of its own, though making one costs more than
// parsing a short statement: a TiDB parser keeps references to the nodes
// of its previous parse on its value stack, and its next parse writes text
// offsets into some of them (yySetOffset on stale stack entries). A pooled
// parser would thus write into ASTs that sessions and the plan cache still
// hold, racing with their readers. The plan cache keeps repeated
// statements from being parsed at all, which recovers the cost where it
// matters.
func newTiDBParser() *tparser.Parser {
	p := tparser.New()
	p.SetSQLMode(sqlMode)
	p.EnableWindowFunc(true)
	return p
}

// Parse splits a query string into statements and parses each. Errors are
// *pgerror.Error; syntax errors carry the 1-based character position in sql
// as PostgreSQL reports it. An empty (or comment-only) string yields no
// statements.
func Parse(sql string) ([]*Statement, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	var out []*Statement
	start := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && i > start+2 && toks[i].is("atomic") && toks[i-1].is("begin") && isFunctionDDL(toks[start:i]) {
			i = skipAtomic(toks, i) // its ';'s are the body's (function.go)
			continue
		}
		if i < len(toks) && !toks[i].isSelf(';') {
			continue
		}
		if i > start {
			var term *token
			if i < len(toks) {
				term = &toks[i]
			}
			st, err := parseStatement(sql, toks[start:i], term)
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
		start = i + 1
	}
	return out, nil
}

// parseStatement parses the tokens of one statement; term is the ';' that
// ends it, if any (PostgreSQL reports a premature end there).
func parseStatement(src string, toks []token, term *token) (*Statement, error) {
	st := &Statement{
		Text:   src[toks[0].pos:toks[len(toks)-1].end],
		Offset: toks[0].pos,
	}
	for i := range toks {
		if toks[i].kind == tkParam && toks[i].n > st.NumParams {
			st.NumParams = toks[i].n
		}
	}
	if u, ok, err := selectInto(src, toks, term); ok {
		if err != nil {
			return nil, err
		}
		st.Utility = u
		return st, nil
	}
	if isUtility(toks) {
		u, err := parseUtility(src, toks, term)
		if err != nil {
			return nil, err
		}
		st.Utility = u
		return st, nil
	}
	if err := rewriteAndParse(src, toks, term, st); err != nil {
		return nil, err
	}
	return st, nil
}

// rewriteAndParse rewrites toks for TiDB, parses the result into st.AST and
// numbers the parameter markers.
func rewriteAndParse(src string, toks []token, term *token, st *Statement) error {
	if len(toks) > 0 && toks[0].is("with") && !st.inWith && st.With == nil {
		if done, err := splitWith(src, toks, term, st); done {
			return err
		}
	}
	if err := checkNestedDML(src, toks); err != nil {
		return err
	}
	r := rewriter{src: src, toks: toks}
	if len(toks) > 0 && (toks[0].is("create") || toks[0].is("alter")) {
		prepareDDL(&r, st)
		if err := stripPersistence(&r, st); err != nil {
			return err
		}
	}
	if err := stripReturning(&r, st); err != nil {
		return err
	}
	if err := stripOnConflict(&r, st); err != nil {
		return err
	}
	if err := stripDMLFrom(&r, st); err != nil {
		return err
	}
	if err := stripOverriding(&r, st); err != nil {
		return err
	}
	if err := r.run(); err != nil {
		return atTerm(err, src, term)
	}
	st.ColumnTypes = r.colTypes
	text, spans, params, limits := r.render()
	st.Rewritten = text
	st.spans = spans

	stmts, _, err := newTiDBParser().ParseSQL(text)
	if err != nil {
		return mapTiDBError(src, text, spans, toks, term, err)
	}
	if len(limits) > 0 {
		if st.AST, err = placeLimits(stmts, limits, len(r.carriers)); err != nil {
			return err
		}
	} else if len(stmts) != 1 {
		// Our splitter saw one statement; TiDB saw several (cannot happen
		// with ';' removed, but do not trust it).
		return syntaxErrorAt(src, &toks[0])
	} else {
		st.AST = stmts[0]
	}
	if r.aggs > 0 {
		st.AST.Accept(aggUnwrapper{})
	}
	if strings.Contains(text, "lateral") {
		var v aliasLister
		st.AST.Accept(&v)
		if v.err != nil {
			return v.err
		}
	}
	if len(params) > 0 {
		numberParams(st.AST, params)
	}
	return nil
}

// paramPos is the rewritten-text offset of a `?` and its $n.
type paramPos struct{ off, n int }

// render joins the pieces into the text for TiDB, followed by the
// statement carrying LIMIT/OFFSET expressions when there are any (see
// limit.go).
func (r *rewriter) render() (string, []span, []paramPos, []limitMarker) {
	var b strings.Builder
	n := 0
	for i := range r.pieces {
		n += len(r.pieces[i].text) + 1
	}
	b.Grow(n)
	spans := make([]span, 0, len(r.pieces))
	var params []paramPos
	var limits []limitMarker
	write := func(ps []piece) {
		for i := range ps {
			p := &ps[i]
			if p.space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			spans = append(spans, span{out: b.Len(), outEnd: b.Len() + len(p.text), orig: p.orig, origEnd: p.origEnd})
			if p.param > 0 {
				params = append(params, paramPos{off: b.Len(), n: p.param})
			}
			if p.limitRef > 0 {
				limits = append(limits, limitMarker{off: b.Len(), k: p.limitRef - 2})
			}
			b.WriteString(p.text)
		}
	}
	write(r.pieces)
	for k, c := range r.carriers {
		if k == 0 {
			b.WriteString("; select ")
		} else {
			b.WriteString(", ")
		}
		write(c)
	}
	return b.String(), spans, params, limits
}

// markerCollector gathers the parameter markers of an AST.
type markerCollector struct{ markers []*driver.ParamMarkerExpr }

func (c *markerCollector) Enter(n ast.Node) (ast.Node, bool) {
	if m, ok := n.(*driver.ParamMarkerExpr); ok {
		c.markers = append(c.markers, m)
	}
	return n, false
}

func (c *markerCollector) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// numberParams gives each marker the order of its $n: TiDB numbers `?` by
// appearance, PostgreSQL by the number written.
func numberParams(stmt ast.StmtNode, params []paramPos) {
	var c markerCollector
	stmt.Accept(&c)
	for _, m := range c.markers {
		i := sort.Search(len(params), func(i int) bool { return params[i].off >= m.Offset })
		if i < len(params) && params[i].off == m.Offset {
			m.SetOrder(params[i].n - 1)
		}
	}
}

// mapTiDBError turns a TiDB parse error into PostgreSQL's syntax error at
// the user's token. TiDB reports `line L column C near "REST"` where REST
// is the rewritten text from the offending token to the end (or a prefix
// with "(total length N)" when long).
func mapTiDBError(src, text string, spans []span, toks []token, term *token, err error) *pgerror.Error {
	msg := err.Error()
	off := -1
	if k := strings.Index(msg, "near \""); k >= 0 {
		rest := msg[k+6:]
		if t := strings.LastIndex(rest, "(total length "); t >= 0 {
			if n, e := strconv.Atoi(strings.TrimSuffix(rest[t+14:], ")")); e == nil && n <= len(text) {
				off = len(text) - n
			}
		}
		if off < 0 && strings.HasSuffix(rest, "\" ") {
			// untruncated: rest is the remaining text, a quote and a space
			if n := len(rest) - 2; n <= len(text) && text[len(text)-n:] == rest[:n] {
				off = len(text) - n
			}
		}
	}
	if off < 0 || off >= len(text) || strings.TrimSpace(text[off:]) == "" {
		if off < 0 {
			pe := syntaxErrorAt(src, &toks[0])
			pe.Detail = ""
			return pe
		}
		if term != nil {
			return syntaxErrorAt(src, term)
		}
		return syntaxErrorAt(src, &token{kind: tkEOF})
	}
	// The last span starting at or before off is the user's token.
	i := sort.Search(len(spans), func(i int) bool { return spans[i].out > off }) - 1
	if i < 0 {
		i = 0
	}
	sp := spans[i]
	return syntaxErrorAt(src, &token{kind: tkIdent, pos: sp.orig, end: sp.origEnd})
}

// prepareDDL strips PostgreSQL-only DDL clauses TiDB cannot parse and
// records them in st: WITH (..) storage parameters. (CREATE INDEX has
// its own parser: index.go.)
func prepareDDL(r *rewriter, st *Statement) {
	stripDefaults(r, st)
	toks := r.toks
	keep := toks[:0:0]
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		switch {
		case t.isSelf('('):
			depth++
		case t.isSelf(')'):
			depth--
		case depth == 0 && t.is("with") && i+1 < len(toks) && toks[i+1].isSelf('(') && i > 0 && toks[i-1].isSelf(')'):
			j := i + 2
			var cur strings.Builder
			for ; j < len(toks) && !toks[j].isSelf(')'); j++ {
				if toks[j].isSelf(',') {
					st.StorageParams = append(st.StorageParams, cur.String())
					cur.Reset()
					continue
				}
				if toks[j].kind == tkString {
					cur.WriteString(toks[j].val)
				} else {
					cur.WriteString(toks[j].val)
				}
			}
			if cur.Len() > 0 {
				st.StorageParams = append(st.StorageParams, cur.String())
			}
			i = j
			continue
		}
		keep = append(keep, *t)
	}
	r.toks = keep
}
