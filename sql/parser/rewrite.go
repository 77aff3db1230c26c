package parser

import (
	"strconv"
	"strings"

	tparser "github.com/pingcap/tidb/pkg/parser"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// CastFunc is the function name casts are rewritten to: `x::t`,
// `CAST(x AS t)` and `t 'literal'` all become CastFunc(x, 't') with the
// PostgreSQL type name as written (lower case, modifiers and [] kept).
const CastFunc = "nqdb_cast"

// NullsFirstFunc and NullsLastFunc wrap an ORDER BY expression that carried
// NULLS FIRST / NULLS LAST: `ORDER BY x DESC NULLS LAST` reaches TiDB as
// `ORDER BY nqdb_nulls_last(x) DESC`. The planner unwraps them.
const (
	NullsFirstFunc = "nqdb_nulls_first"
	NullsLastFunc  = "nqdb_nulls_last"
)

// piece is one fragment of the rewritten text. orig/origEnd locate the
// user's token it stands for, so that errors found by TiDB point into the
// user's text.
type piece struct {
	text    string
	orig    int
	origEnd int
	space   bool // a space precedes the piece
	param   int  // n for a `?` that stands for $n
	name    bool // identifier or function name (cast operand scanning)
	open    byte // '(' or '[' when the piece opens a group
	close   byte // ')' or ']' when the piece closes a group
	// limitRef is k+2 for a LIMIT/OFFSET `?` standing for carried
	// expression k, 1 for one standing for no count (see limit.go).
	limitRef int
}

// span maps a piece of the rewritten text back to the user's text.
type span struct {
	out, outEnd, orig, origEnd int
}

// rewriter turns one statement's tokens into text for the TiDB parser.
type rewriter struct {
	src    string
	toks   []token
	pieces []piece
	// parens holds, for each open '(' in the output, whether it belongs to a
	// CAST( and the depth's LIMIT state.
	parens []parenState
	// colTypes collects PostgreSQL column types seen in DDL.
	colTypes map[string]string
	ddl      bool
	// aggs counts aggregate calls wrapped in aggFunc (unwrapped after
	// parsing).
	aggs int
	// fullJoins holds the paren depth of each FULL JOIN whose ON clause
	// is still to come (see fullJoin).
	fullJoins []int
	// carriers are the LIMIT/OFFSET expressions moved out of the
	// statement (limit.go), each already rewritten.
	carriers [][]piece
}

type parenState struct {
	cast       bool
	extraClose bool // emit a second ')' (ARRAY(subquery))
}

// tidbReserved holds TiDB's reserved words (lower case).
var tidbReserved = func() map[string]bool {
	m := make(map[string]bool, 256)
	for _, k := range tparser.Keywords {
		if k.Reserved {
			m[strings.ToLower(k.Word)] = true
		}
	}
	return m
}()

// grammarFuncs are function names TiDB's grammar knows as keywords with
// their own productions (aggregates, window functions, special syntax): a
// backquoted name would turn them into generic calls that reject `*`,
// DISTINCT or OVER.
var grammarFuncs = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bit_and": true, "bit_or": true, "bit_xor": true, "group_concat": true,
	"std": true, "stddev": true, "stddev_pop": true, "stddev_samp": true,
	"variance": true, "var_pop": true, "var_samp": true,
	"json_arrayagg": true, "json_objectagg": true,
	"rank": true, "dense_rank": true, "row_number": true, "cume_dist": true,
	"percent_rank": true, "ntile": true, "lead": true, "lag": true,
	"first_value": true, "last_value": true, "nth_value": true,
	"now": true, "curdate": true, "curtime": true, "date_add": true, "date_sub": true,
	"timestampadd": true, "timestampdiff": true, "get_format": true,
	"char": true, "convert": true, "left": true, "right": true,
}

// structuralParen lists unreserved PostgreSQL keywords that are followed
// by '(' as syntax, not as function calls.
var structuralParen = map[string]bool{
	"over": true, "filter": true, "within": true, "key": true, "index": true,
	"set": true, "conflict": true, "cube": true, "rollup": true, "sets": true,
	"include": true, "exclude": true, "partition": true, "rows": true,
	"range": true, "groups": true, "table": true, "do": true, "by": true,
	"references": true, "insert": true, "update": true, "delete": true,
	"returns": true, "ordinality": true, "of": true, "cycle": true, "search": true,
	"materialized": true, "lateral": true, "as": true, "and": true, "or": true,
	"not": true, "in": true, "values": true, "exists": true, "any": true,
	"all": true, "some": true, "array": true, "row": true, "using": true,
	"on": true, "from": true, "where": true, "select": true, "when": true,
	"then": true, "else": true, "with": true, "into": true, "like": true,
	"ilike": true, "is": true, "between": true, "case": true, "primary": true,
	"unique": true, "check": true, "foreign": true, "default": true,
	"returning": true, "join": true, "union": true, "except": true,
	"intersect": true, "having": true, "group": true, "order": true, "limit": true,
	"offset": true, "distinct": true, "only": true, "recursive": true,
	"window": true, "collate": true, "escape": true, "similar": true, "to": true,
	"add": true, "column": true, "constraint": true, "alter": true, "create": true,
	"view": true, "drop": true, "generated": true, "tablesample": true,
	"fetch": true, "first": true, "next": true, "following": true, "preceding": true,
}

// sqlValueFuncs are PostgreSQL's parameterless "functions" that TiDB does
// not know as keywords; they become calls.
var sqlValueFuncs = map[string]bool{
	"session_user": true, "user": true, "current_catalog": true,
	"current_schema": true,
}

func (r *rewriter) add(p piece) { r.pieces = append(r.pieces, p) }

// addTok emits text for token t, preceded by a space when the user's text
// had one.
func (r *rewriter) addTok(i int, text string) {
	t := &r.toks[i]
	r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: r.gapBefore(i)})
}

func (r *rewriter) gapBefore(i int) bool {
	return i > 0 && r.toks[i].pos > r.toks[i-1].end
}

func (r *rewriter) tok(i int) *token {
	if i >= 0 && i < len(r.toks) {
		return &r.toks[i]
	}
	return &token{kind: tkEOF, pos: len(r.src), end: len(r.src)}
}

// quoteString renders s as a standard SQL string literal.
func quoteString(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent renders s as a MySQL backquoted identifier.
func quoteIdent(s string) string {
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// syntaxErrAt is PostgreSQL's grammar error at token i.
func (r *rewriter) syntaxErrAt(i int) *pgerror.Error {
	return syntaxErrorAt(r.src, r.tok(i))
}

func syntaxErrorAt(src string, t *token) *pgerror.Error {
	if t.kind == tkEOF {
		return pgerror.New(pgerror.SyntaxError, "syntax error at end of input").WithPosition(charPos(src, len(src)))
	}
	return pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", src[t.pos:t.end]).
		WithPosition(charPos(src, t.pos))
}

// run rewrites tokens [0, len) into pieces.
func (r *rewriter) run() error {
	if len(r.toks) > 0 && (r.toks[0].is("create") || r.toks[0].is("alter")) {
		r.ddl = true
	}
	if len(r.toks) > 1 && r.toks[0].is("delete") && !r.toks[1].is("from") {
		// TiDB accepts MySQL's `DELETE t FROM ...`; PostgreSQL wants FROM.
		return r.syntaxErrAt(1)
	}
	return r.emitRange(0, len(r.toks))
}

func (r *rewriter) emitRange(a, b int) error {
	for i := a; i < b; {
		n, err := r.emitOne(i, b)
		if err != nil {
			return err
		}
		i = n
	}
	return nil
}

// emitOne emits token i (and whatever construct it starts) and returns the
// index of the next unprocessed token.
func (r *rewriter) emitOne(i, b int) (int, error) {
	t := &r.toks[i]
	switch t.kind {
	case tkIdent:
		return r.word(i, b)
	case tkQIdent:
		if r.ddl && !r.tok(i-1).isSelf('.') {
			// A quoted column type (`"My Enum"`).
			if n, ok := r.ddlType(i); ok {
				return n, nil
			}
		}
		p := piece{text: quoteIdent(t.val), orig: t.pos, origEnd: t.end, space: r.gapBefore(i), name: true}
		r.add(p)
		return i + 1, nil
	case tkString:
		if r.afterString(i) {
			return 0, r.syntaxErrAt(i)
		}
		r.addTok(i, quoteString(t.val))
		return i + 1, nil
	case tkBitStr:
		if r.afterString(i) {
			return 0, r.syntaxErrAt(i)
		}
		r.addCastLiteral(i, i, quoteString(t.val), "bit("+strconv.Itoa(len(t.val))+")")
		return i + 1, nil
	case tkNumber:
		if len(t.val) > 60 {
			// TiDB's decimal literal panics past 81 digits (its
			// MyDecimal); a long number is numeric in PostgreSQL anyway.
			r.addCastLiteral(i, i, quoteString(t.val), "numeric")
			return i + 1, nil
		}
		r.addTok(i, t.val)
		return i + 1, nil
	case tkParam:
		r.add(piece{text: "?", orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace("?"), param: t.n})
		return i + 1, nil
	case tkTypecast:
		return r.typecast(i)
	case tkSelf:
		return r.self(i)
	case tkOp:
		return r.operator(i, b)
	}
	// := and => have no TiDB meaning; let TiDB report them.
	r.addTok(i, t.val)
	return i + 1, nil
}

// afterString reports whether token i directly follows another string
// literal. PostgreSQL's grammar has no juxtaposition of literals (the lexer
// already joined those separated by a newline); MySQL would concatenate
// them silently.
func (r *rewriter) afterString(i int) bool {
	if i == 0 {
		return false
	}
	k := r.toks[i-1].kind
	return k == tkString || k == tkBitStr
}

// needSpace reports whether text must be separated from the previous piece
// so that TiDB's lexer does not merge them.
func (r *rewriter) needSpace(text string) bool {
	if len(r.pieces) == 0 || text == "" {
		return false
	}
	prev := r.pieces[len(r.pieces)-1].text
	if prev == "" {
		return false
	}
	a, c := prev[len(prev)-1], text[0]
	if isIdentCont(a) && (isIdentCont(c) || c == '\'' || c == '`') {
		return true
	}
	return isOpChar(a) && isOpChar(c) || a == '?' || c == '?'
}

func (r *rewriter) self(i int) (int, error) {
	t := &r.toks[i]
	switch t.val {
	case "(":
		if n, ok := r.emptySet(i); ok {
			return n, nil
		}
		if r.fromPosition(i) {
			if n, ok, err := r.fromParen(i, len(r.toks)); ok || err != nil {
				return n, err
			}
		}
		p := piece{text: "(", orig: t.pos, origEnd: t.end, space: r.gapBefore(i), open: '('}
		if len(r.pieces) > 0 && r.pieces[len(r.pieces)-1].text == ArraySubqueryFunc {
			// the subquery needs its own parentheses inside the call
			r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
			p.space = false
			r.add(p)
			r.parens = append(r.parens, parenState{extraClose: true})
			return i + 1, nil
		}
		// No space between a function name and its '(' (TiDB needs
		// `count(*)`, not `count (*)`).
		if p.space && len(r.pieces) > 0 && r.pieces[len(r.pieces)-1].name {
			p.space = false
		}
		r.add(p)
		r.parens = append(r.parens, parenState{})
	case ")":
		r.add(piece{text: ")", orig: t.pos, origEnd: t.end, space: r.gapBefore(i), close: ')'})
		if len(r.parens) > 0 {
			if r.parens[len(r.parens)-1].extraClose {
				r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
			}
			r.parens = r.parens[:len(r.parens)-1]
		}
	case "[":
		return r.subscript(i)
	case "]":
		r.add(piece{text: "]", orig: t.pos, origEnd: t.end, space: r.gapBefore(i), close: ']'})
	case ".":
		if n, ok := r.fieldSelect(i); ok {
			return n, nil
		}
		if i+1 == len(r.toks) {
			// `(x).` ends before its field name.
			return 0, r.syntaxErrAt(i + 1)
		}
		r.add(piece{text: ".", orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace(".")})
	default:
		text := t.val
		r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace(text)})
	}
	return i + 1, nil
}

func (r *rewriter) operator(i, b int) (int, error) {
	t := &r.toks[i]
	if n, ok, err := r.pgOperator(i, b); ok {
		return n, err
	}
	switch t.val {
	case "||":
		return r.genericOp(i, b)
	case "->", "->>", "#>", "#>>", "@>", "<@", "?", "?|", "?&", "#-":
		if r.pieceEndsOperand(len(r.pieces) - 1) {
			return r.genericOp(i, b)
		}
		return 0, r.syntaxErrAt(i)
	case "$", "@", "#", "&&", "-|-":
		// Operators TiDB would misread (? is its parameter marker, @ a
		// user variable); we do not support them yet.
		return 0, r.syntaxErrAt(i)
	case "~", "~*", "!~", "!~*":
		if r.operandEnds() {
			return r.regexOp(i)
		}
	}
	text := t.val
	r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: true})
	return i + 1, nil
}

// operandEnds reports whether the previous piece ends an operand (so that a
// following operator is binary).
func (r *rewriter) operandEnds() bool {
	if len(r.pieces) == 0 {
		return false
	}
	p := r.pieces[len(r.pieces)-1]
	if p.close != 0 || p.name || p.param > 0 {
		return true
	}
	c := p.text[0]
	return c == '\'' || isDigit(c) || c == '`'
}

// regexOp rewrites PostgreSQL's regular-expression match operators into
// TiDB's REGEXP; case-insensitive forms prefix the pattern with (?i) when the
// pattern is a single literal or parameter.
func (r *rewriter) regexOp(i int) (int, error) {
	t := &r.toks[i]
	neg := t.val[0] == '!'
	ci := t.val[len(t.val)-1] == '*'
	text := "regexp"
	if neg {
		text = "not regexp"
	}
	r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: true})
	if ci {
		nt := r.tok(i + 1)
		if nt.kind == tkString || nt.kind == tkParam {
			r.add(piece{text: "concat", orig: nt.pos, origEnd: nt.end, space: true, name: true})
			r.add(piece{text: "(", orig: nt.pos, origEnd: nt.end, open: '('})
			r.add(piece{text: "'(?i)'", orig: nt.pos, origEnd: nt.end})
			r.add(piece{text: ",", orig: nt.pos, origEnd: nt.end})
			if _, err := r.emitOne(i+1, i+2); err != nil {
				return 0, err
			}
			r.add(piece{text: ")", orig: nt.pos, origEnd: nt.end, close: ')'})
			return i + 2, nil
		}
	}
	return i + 1, nil
}

// addCastLiteral emits CastFunc(lit, 'typ') for the typed literal starting
// at token i whose string is token str. The literal piece points at the
// string: PostgreSQL reports a bad `int4 'abc'` at 'abc'.
func (r *rewriter) addCastLiteral(i, str int, lit, typ string) {
	t, s := &r.toks[i], &r.toks[str]
	sp := r.gapBefore(i) || r.needSpace("x")
	r.add(piece{text: CastFunc, orig: t.pos, origEnd: t.end, space: sp, name: true})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	r.add(piece{text: lit, orig: s.pos, origEnd: s.end})
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	r.add(piece{text: quoteString(typ), orig: t.pos, origEnd: t.end, space: true})
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
}

// typecast handles `::type` at token i: the operand already emitted is
// wrapped into CastFunc(operand, 'type').
func (r *rewriter) typecast(i int) (int, error) {
	if len(r.pieces) == 0 {
		return 0, r.syntaxErrAt(i)
	}
	typ, next, ok := r.typeName(i + 1)
	if !ok {
		return 0, r.syntaxErrAt(next)
	}
	start := r.operandStart()
	if start < 0 {
		return 0, r.syntaxErrAt(i)
	}
	t := &r.toks[i]
	op := r.pieces[start]
	head := []piece{
		{text: CastFunc, orig: op.orig, origEnd: op.origEnd, space: op.space, name: true},
		{text: "(", orig: op.orig, origEnd: op.origEnd, open: '('},
	}
	r.pieces[start].space = false
	r.pieces = append(r.pieces, head...)
	copy(r.pieces[start+2:], r.pieces[start:len(r.pieces)-2])
	copy(r.pieces[start:], head)
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	// The type name points at itself: an unknown type is reported there.
	tn := r.toks[i+1]
	r.add(piece{text: quoteString(typ), orig: tn.pos, origEnd: tn.end, space: true})
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return next, nil
}

// operandStart finds the first piece of the primary expression that ends
// with the last piece: a literal, parameter, (qualified) name, function
// call, parenthesised expression or subscripted expression.
func (r *rewriter) operandStart() int { return r.operandStartAt(len(r.pieces) - 1) }

// operandStartAt is operandStart for the operand ending at piece j.
func (r *rewriter) operandStartAt(j int) int {
	for j >= 0 {
		p := &r.pieces[j]
		if p.close != 0 {
			depth := 0
			for ; j >= 0; j-- {
				if r.pieces[j].close != 0 {
					depth++
				} else if r.pieces[j].open != 0 {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j < 0 {
				return -1
			}
			if r.pieces[j].open == '[' {
				// subscript: continue with the subscripted operand
				j--
				continue
			}
			if j > 0 && r.pieces[j-1].name {
				j--
				return r.qualifiedStart(j)
			}
			if j > 0 && strings.EqualFold(r.pieces[j-1].text, "row") {
				// ROW(a, b)::text casts the row constructor.
				return j - 1
			}
			return j
		}
		if strings.EqualFold(p.text, "end") {
			// CASE ... END is one operand (`CASE ... END::int`).
			depth := 0
			for k := j - 1; k >= 0; k-- {
				switch t := r.pieces[k].text; {
				case strings.EqualFold(t, "end"):
					depth++
				case strings.EqualFold(t, "case"):
					if depth == 0 {
						return k
					}
					depth--
				}
			}
		}
		if p.name {
			return r.qualifiedStart(j)
		}
		return j
	}
	return -1
}

func (r *rewriter) qualifiedStart(j int) int {
	for j >= 2 && r.pieces[j-1].text == "." && r.pieces[j-2].name {
		j -= 2
	}
	return j
}

// word handles an unquoted identifier or keyword at token i.
func (r *rewriter) word(i, b int) (int, error) {
	t := &r.toks[i]
	w := t.val
	next := r.tok(i + 1)
	prev := r.tok(i - 1)
	if i == 0 {
		prev = &token{kind: tkEOF}
	}
	qualified := prev.isSelf('.') || next.isSelf('.')
	if w == "pg_catalog" && !prev.isSelf('.') {
		if typ, str, n, ok := r.typedLiteral(i); ok {
			r.addCastLiteral(i, str, quoteString(r.toks[str].val), typ)
			return n, nil
		}
	}

	if (w == "rollup" || w == "cube" || w == "grouping") && !qualified {
		if n, ok := r.groupingSet(i); ok {
			return n, nil
		}
	}
	if w == "full" && !prev.isSelf('.') {
		if n, ok, err := r.fullJoin(i); ok || err != nil {
			return n, err
		}
	}
	if w == "row" && !prev.isSelf('.') {
		if n, ok, err := r.singleRow(i, b); ok || err != nil {
			return n, err
		}
	}
	if w == "distinct" && prev.is("select") {
		if n, ok, err := r.distinctOn(i, b); ok || err != nil {
			return n, err
		}
	}
	if r.ddl && next.isSelf('.') && !prev.isSelf('.') {
		// A schema-qualified column type (`s.mood`, `pg_catalog.int4`).
		if n, ok := r.ddlType(i); ok {
			return n, nil
		}
	}
	if !qualified {
		switch w {
		case "rows", "range", "groups":
			if n, ok, err := r.frameClause(i, b); ok || err != nil {
				return n, err
			}
		case "variadic":
			if n, ok, err := r.variadicArg(i, b); ok || err != nil {
				return n, err
			}
		case "constraint":
			if r.namedColumnReference(i) {
				return i + 2, nil
			}
		case "if", "cascade", "restrict":
			if n, ok := r.dropConstraintWord(i); ok {
				return i + n, nil
			}
		case "values":
			if n, ok, err := r.setOpValues(i, b); ok || err != nil {
				return n, err
			}
			if n, ok, err := r.valuesQuery(i, b); ok || err != nil {
				return n, err
			}
		case "default":
			if n, ok, err := r.defaultClause(i, b); ok || err != nil {
				return n, err
			}
		case "for":
			// FOR NO KEY UPDATE and FOR KEY SHARE, PostgreSQL's weaker row
			// locks (they differ only towards foreign-key checks, which
			// take no row locks here), become TiDB's FOR UPDATE and FOR
			// SHARE.
			if next.is("no") && r.tok(i+2).is("key") && r.tok(i+3).is("update") {
				r.addTok(i, "for")
				r.addTok(i+3, "update")
				return i + 4, nil
			}
			if next.is("key") && r.tok(i+2).is("share") {
				r.addTok(i, "for")
				r.addTok(i+2, "share")
				return i + 3, nil
			}
		case "cast":
			if next.isSelf('(') {
				r.add(piece{text: CastFunc, orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace("x"), name: true})
				r.add(piece{text: "(", orig: next.pos, origEnd: next.end, open: '('})
				r.parens = append(r.parens, parenState{cast: true})
				return i + 2, nil
			}
		case "as":
			if len(r.parens) > 0 && r.parens[len(r.parens)-1].cast {
				typ, n, ok := r.typeName(i + 1)
				if !ok {
					return 0, r.syntaxErrAt(n)
				}
				r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
				tn := r.toks[i+1]
				r.add(piece{text: quoteString(typ), orig: tn.pos, origEnd: tn.end, space: true})
				return n, nil
			}
		case "operator":
			// OPERATOR(schema.op) -> op
			if next.isSelf('(') {
				j := i + 2
				for j < b && (r.toks[j].kind == tkIdent || r.toks[j].kind == tkQIdent || r.toks[j].isSelf('.')) {
					j++
				}
				if j+1 < b && (r.toks[j].kind == tkOp || r.toks[j].kind == tkSelf) && r.toks[j+1].isSelf(')') {
					if _, err := r.emitOne(j, j+1); err != nil {
						return 0, err
					}
					return j + 2, nil
				}
			}
		case "collate":
			// Collations are dropped: TiDB knows only MySQL's, and we
			// compare text bytewise like the C collation.
			j := i + 1
			for j < b && (r.toks[j].kind == tkIdent || r.toks[j].kind == tkQIdent) {
				j++
				if j < b && r.toks[j].isSelf('.') {
					j++
				} else {
					break
				}
			}
			if j > i+1 {
				return j, nil
			}
		case "on", "using":
			if n, ok, err := r.fullJoin(i); ok || err != nil {
				return n, err
			}
		case "nulls":
			if (next.is("first") || next.is("last")) && len(r.pieces) > 0 {
				return r.nullsOrder(i)
			}
		case "is":
			if n, ok, err := r.isDistinct(i, b); ok || err != nil {
				return n, err
			}
		case "offset", "limit":
			return r.limitClauses(i, b)
		case "at":
			if next.is("time") && r.tok(i+2).is("zone") && r.operandEnds() {
				return r.atTimeZone(i, b)
			}
		case "similar":
			if next.is("to") {
				return r.similarTo(i, b)
			}
		case "fetch":
			if next.is("first") || next.is("next") {
				return r.limitClauses(i, b)
			}
		}
		if typ, str, n, ok := r.typedLiteral(i); ok {
			r.addCastLiteral(i, str, quoteString(r.toks[str].val), typ)
			return n, nil
		}
		if r.ddl {
			if n, ok := r.ddlType(i); ok {
				return n, nil
			}
		}
	}

	sp := r.gapBefore(i)
	if !prev.isSelf('.') && r.fromPosition(i) && !structuralParen[w] {
		if n, ok := r.tableAliasList(i, b); ok {
			return n, nil
		}
		if next.isSelf('(') && r.matchParen(i+1, b) >= 0 {
			return r.fromFunction(i, i, b)
		}
		if next.isSelf('.') && (r.tok(i+2).kind == tkIdent || r.tok(i+2).kind == tkQIdent) && r.tok(i+3).isSelf('(') &&
			r.matchParen(i+3, b) >= 0 {
			return r.fromFunction(i, i+2, b)
		}
	}
	if !qualified && next.isSelf('(') {
		switch w {
		case "array":
			// ARRAY(subquery) -> nqdb_array_subquery((subquery))
			r.add(piece{text: ArraySubqueryFunc, orig: t.pos, origEnd: t.end, space: sp || r.needSpace("x"), name: true})
			return i + 1, nil
		case "any", "some", "all":
			// SELECT ALL (x) and agg(ALL (x)): the no-op quantifier, not
			// `= ALL (array)`; dropped, as TiDB reads ALL( as the latter.
			if w == "all" && (prev.is("select") || (prev.isSelf('(') && i >= 2 && r.tok(i-2).kind == tkIdent)) {
				return i + 1, nil
			}
			if !r.subqueryAt(i + 2) {
				fn := AnyFunc
				if w == "all" {
					fn = AllFunc
				}
				r.add(piece{text: fn, orig: t.pos, origEnd: t.end, space: sp || r.needSpace("x"), name: true})
				return i + 1, nil
			}
		}
	}
	if !qualified && w == "array" && next.isSelf('[') {
		r.add(piece{text: ArrayFunc, orig: t.pos, origEnd: t.end, space: sp || r.needSpace("x"), name: true})
		return r.arrayLiteral(i+1, b)
	}
	if next.isSelf('(') && !qualified && !structuralParen[w] {
		// Function call.
		text := quoteIdent(w)
		if grammarFuncs[w] || pgKeywords[w] == 'C' || pgKeywords[w] == 'T' || pgKeywords[w] == 'R' {
			text = w
		}
		if n, ok, err := r.sqlSyntaxFunc(i, b); ok || err != nil {
			return n, err
		}
		if n, ok, err := r.aggCall(i, b, text); ok || err != nil {
			if ok && err == nil {
				r.aggs++
			}
			return n, err
		}
		r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: sp || r.needSpace(text), name: true})
		return i + 1, nil
	}
	if next.isSelf('(') && prev.isSelf('.') {
		// schema-qualified function call: schema.f(...)
		r.add(piece{text: quoteIdent(w), orig: t.pos, origEnd: t.end, space: sp, name: true})
		return i + 1, nil
	}
	if !qualified && sqlValueFuncs[w] && !prev.is("as") {
		r.add(piece{text: quoteIdent(w), orig: t.pos, origEnd: t.end, space: sp || r.needSpace("`"), name: true})
		r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
		r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
		return i + 1, nil
	}
	if qualified || r.isIdentifier(i, w, prev, next) {
		r.add(piece{text: quoteIdent(w), orig: t.pos, origEnd: t.end, space: sp, name: true})
		return i + 1, nil
	}
	r.add(piece{text: w, orig: t.pos, origEnd: t.end, space: sp || r.needSpace(w)})
	return i + 1, nil
}

// isIdentifier decides whether an unqualified word is a name (emitted
// backquoted) or a keyword (emitted bare).
func (r *rewriter) isIdentifier(i int, w string, prev, next *token) bool {
	cat, kw := pgKeywords[w]
	if !kw {
		return true
	}
	if prev.is("as") && labelEnds(next) {
		// PostgreSQL's ColLabel: any keyword, reserved ones included, may
		// name an output column after AS (`SELECT 1 AS default`).
		return true
	}
	if cat == 'R' || !tidbReserved[w] {
		// Keyword to TiDB as to PostgreSQL, or a word TiDB accepts both
		// as keyword and as name.
		return false
	}
	// PostgreSQL treats w as a name in most places, TiDB reserves it.
	if i == 0 {
		return false
	}
	if prev.is("as") {
		return true
	}
	switch w {
	case "key":
		return !(prev.is("primary") || prev.is("foreign") || prev.is("unique"))
	case "index":
		return !(prev.is("create") || prev.is("unique") || prev.is("drop") || prev.is("alter") ||
			prev.is("using") || prev.is("reindex"))
	case "range", "groups", "rows":
		return !(next.is("between") || next.is("unbounded") || next.is("current") ||
			next.kind == tkNumber || next.kind == tkParam || prev.kind == tkNumber ||
			prev.kind == tkParam || next.is("only") || next.is("from"))
	case "read":
		return !(next.is("only") || next.is("write") || next.is("committed") || next.is("uncommitted"))
	case "write":
		return !prev.is("read")
	case "option":
		return !(prev.is("grant") || prev.is("check") || prev.is("admin"))
	case "match":
		return !(next.is("full") || next.is("partial") || next.is("simple"))
	case "database", "trigger", "procedure", "cursor", "sql", "load", "call", "release", "until":
		return !(prev.is("create") || prev.is("drop") || prev.is("alter") || prev.is("or"))
	case "lock":
		return !(prev.is("for") || next.is("table") || next.is("in"))
	case "stored":
		return !prev.isSelf(')')
	case "replace":
		return !prev.is("or")
	case "of":
		return false
	}
	return false
}

// nullsOrder wraps the current ORDER BY item in NullsFirstFunc/NullsLastFunc.
func (r *rewriter) nullsOrder(i int) (int, error) {
	t, nt := &r.toks[i], &r.toks[i+1]
	fn := NullsFirstFunc
	if nt.val == "last" {
		fn = NullsLastFunc
	}
	// The item starts after the nearest ',' or BY at the same depth; a
	// trailing ASC/DESC stays outside the wrapper.
	end := len(r.pieces)
	if last := r.pieces[end-1].text; last == "asc" || last == "desc" {
		end--
	}
	depth := 0
	j := end - 1
	for ; j >= 0; j-- {
		p := &r.pieces[j]
		if p.close != 0 {
			depth++
		} else if p.open != 0 {
			if depth == 0 {
				break
			}
			depth--
		} else if depth == 0 && (p.text == "," || p.text == "by") {
			break
		}
	}
	start := j + 1
	if start >= end {
		return 0, r.syntaxErrAt(i)
	}
	head := []piece{
		{text: fn, orig: t.pos, origEnd: t.end, space: r.pieces[start].space, name: true},
		{text: "(", orig: t.pos, origEnd: t.end, open: '('},
	}
	r.pieces[start].space = false
	tail := append([]piece(nil), r.pieces[end:]...)
	r.pieces = append(r.pieces[:end], piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	r.pieces = append(r.pieces, tail...)
	r.pieces = append(r.pieces, head...)
	copy(r.pieces[start+2:], r.pieces[start:len(r.pieces)-2])
	copy(r.pieces[start:], head)
	return i + 2, nil
}

// isDistinct rewrites `a IS [NOT] DISTINCT FROM b` into TiDB's null-safe
// equality: `a <=> b` and, for the positive form, `a <=> b IS FALSE`.
func (r *rewriter) isDistinct(i, b int) (int, bool, error) {
	j := i + 1
	not := false
	if r.tok(j).is("not") {
		not = true
		j++
	}
	if !r.tok(j).is("distinct") || !r.tok(j+1).is("from") {
		return 0, false, nil
	}
	t := &r.toks[i]
	r.add(piece{text: "<=>", orig: t.pos, origEnd: t.end, space: true})
	j += 2
	// The right operand ends at the first AND/OR/comparison/clause keyword
	// at depth 0.
	end := j
	depth := 0
	for ; end < b; end++ {
		tk := &r.toks[end]
		// CASE ... END nests like parentheses: its WHEN and THEN do not
		// end the operand.
		if tk.isSelf('(') || tk.isSelf('[') || tk.is("case") {
			depth++
			continue
		}
		if tk.isSelf(')') || tk.isSelf(']') || (tk.is("end") && depth > 0) {
			if depth == 0 {
				break
			}
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		if tk.kind == tkTypecast {
			// x::type: the type name is part of the operand.
			if _, n, ok := r.typeName(end + 1); ok {
				end = n - 1
				continue
			}
		}
		if tk.isSelf(',') || tk.isSelf('=') || tk.isSelf('<') || tk.isSelf('>') || tk.kind == tkOp && (tk.val == "<>" || tk.val == "<=" || tk.val == ">=") {
			break
		}
		if tk.kind == tkIdent && pgKeywords[tk.val] != 0 && pgKeywords[tk.val] != 'C' && tk.val != "null" &&
			tk.val != "true" && tk.val != "false" && !r.tok(end+1).isSelf('(') {
			break
		}
	}
	if err := r.emitRange(j, end); err != nil {
		return 0, true, err
	}
	if !not {
		r.add(piece{text: "is false", orig: t.pos, origEnd: t.end, space: true})
	}
	return end, true, nil
}

// matchParen returns the index of the ')' matching the '(' at j, or -1.
func (r *rewriter) matchParen(j, b int) int {
	depth := 0
	for ; j < b; j++ {
		if r.toks[j].isSelf('(') {
			depth++
		} else if r.toks[j].isSelf(')') {
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// labelEnds reports whether t can follow a column label (`expr AS label`).
func labelEnds(t *token) bool {
	if t.kind == tkEOF || t.isSelf(',') || t.isSelf(')') || t.isSelf(';') {
		return true
	}
	switch t.val {
	case "from", "where", "group", "having", "order", "limit", "offset", "fetch", "union", "except",
		"intersect", "into", "for", "window", "returning":
		return t.kind == tkIdent
	}
	return false
}
