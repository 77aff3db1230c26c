package parser

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// PostgreSQL expression syntax the TiDB grammar lacks or reads with other
// precedences: EXTRACT, SUBSTRING and OVERLAY with keywords, generic
// operators (-> ->> #> #>> @> <@ ? ?| ?& #-, ||), AT TIME ZONE, SIMILAR TO,
// aggregate FILTER / ORDER BY / DISTINCT / WITHIN GROUP, and column alias
// lists on VALUES and subqueries in FROM.
//
// Operators are the delicate part: the rewriter sees tokens, not a tree,
// so each construct finds its operands' extents itself, following the
// precedence table of PostgreSQL's gram.y (the prec* levels below). The
// left operand is found among the pieces already emitted, the right one
// among the tokens still to come.

// OpFunc marks a PostgreSQL operator the TiDB grammar has no spelling
// for: `a -> 'k'` reaches TiDB as nqdb_op('->', a, 'k'). The string's piece
// points at the operator in the user's text (error positions).
const OpFunc = "nqdb_op"

// AggModsFunc carries an aggregate call's PostgreSQL modifiers as its last
// argument: `string_agg(DISTINCT x, ',' ORDER BY y DESC) FILTER (WHERE c)`
// becomes string_agg(x, ',', nqdb_agg_mods('df', c, y, 'desc')). The first
// argument is a string of flags: d (DISTINCT, for calls whose DISTINCT the
// TiDB grammar cannot hold), f (a FILTER condition follows the flags), w
// (the ORDER BY items are WITHIN GROUP's). Then come ORDER BY items as
// pairs: the expression and its direction, 'asc' or 'desc' optionally
// followed by ' nulls first' or ' nulls last'.
const AggModsFunc = "nqdb_agg_mods"

// aggFunc wraps an aggregate call with modifiers in the text given to
// TiDB (nqdb_agg(call, 'flags', ...)), because the grammar's own
// aggregates (count, sum, ...) take no extra arguments; after parsing,
// unwrapAggs moves the modifiers into the call as an AggModsFunc argument.
const aggFunc = "nqdb_agg"

// Precedence levels of PostgreSQL's grammar, low to high, as far as the
// rewriter needs them.
const (
	precNone = iota
	precCmp  // < > = <= >= <>
	precLike // LIKE ILIKE SIMILAR BETWEEN IN (and TiDB's REGEXP)
	precOp   // generic operators: -> ->> @> || ~ ...
	precAdd  // + -
	precMul  // * / %
	precPow  // ^
	precAt   // AT TIME ZONE
)

// jsonOps are the generic operators rewritten to OpFunc.
var jsonOps = map[string]bool{
	"->": true, "->>": true, "#>": true, "#>>": true, "@>": true, "<@": true,
	"?": true, "?|": true, "?&": true, "#-": true,
}

// valueKeywords are reserved words that are operands by themselves.
var valueKeywords = map[string]bool{
	"null": true, "true": true, "false": true, "current_date": true, "current_time": true,
	"current_timestamp": true, "localtime": true, "localtimestamp": true, "current_user": true,
	"session_user": true, "user": true, "current_role": true, "current_catalog": true,
	"current_schema": true, "default": true,
}

// tokPrec returns the precedence of the binary operator at token j (when
// an operand precedes it) and the number of tokens it spans.
func (r *rewriter) tokPrec(j int) (int, int) {
	t := r.tok(j)
	switch t.kind {
	case tkSelf:
		switch t.val {
		case "+", "-":
			return precAdd, 1
		case "*", "/", "%":
			return precMul, 1
		case "^":
			return precPow, 1
		case "<", ">", "=":
			return precCmp, 1
		}
	case tkOp:
		switch t.val {
		case "<=", ">=", "<>":
			return precCmp, 1
		}
		return precOp, 1
	case tkIdent:
		switch t.val {
		case "at":
			if r.tok(j+1).is("time") && r.tok(j+2).is("zone") {
				return precAt, 3
			}
		case "like", "ilike", "similar", "between", "in", "not":
			return precLike, 1
		}
	}
	return precNone, 0
}

// matchGroup returns the index of the ')' or ']' closing the group opened
// at j, or -1.
func (r *rewriter) matchGroup(j, b int) int {
	depth := 0
	for ; j < b; j++ {
		t := &r.toks[j]
		if t.isSelf('(') || t.isSelf('[') {
			depth++
		} else if t.isSelf(')') || t.isSelf(']') {
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchEnd returns the index after the END closing the CASE at j.
func (r *rewriter) matchEnd(j, b int) int {
	depth := 0
	for ; j < b; j++ {
		t := &r.toks[j]
		if t.isSelf('(') || t.isSelf('[') {
			if m := r.matchGroup(j, b); m >= 0 {
				j = m
			}
			continue
		}
		if t.is("case") {
			depth++
		} else if t.is("end") {
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return b
}

// exprEnd returns the end of the expression starting at token j whose
// binary operators all bind tighter than level: the right operand of an
// operator of that level.
func (r *rewriter) exprEnd(j, b, level int) int {
	return min(r.scanExpr(j, b, level), b)
}

func (r *rewriter) scanExpr(j, b, level int) int {
	operand := true
	for j < b {
		t := &r.toks[j]
		if operand {
			switch t.kind {
			case tkSelf:
				switch t.val {
				case "-", "+":
					j++
					continue
				case "(":
					m := r.matchGroup(j, b)
					if m < 0 {
						return b
					}
					j, operand = m+1, false
					continue
				}
				return j
			case tkOp:
				// prefix operators (~, @, ...)
				j++
				continue
			case tkString, tkBitStr, tkNumber, tkParam, tkQIdent:
				j, operand = j+1, false
				continue
			case tkIdent:
				switch {
				case t.is("case"):
					j, operand = r.matchEnd(j, b), false
					continue
				case t.is("array") && (r.tok(j+1).isSelf('[') || r.tok(j+1).isSelf('(')):
					m := r.matchGroup(j+1, b)
					if m < 0 {
						return b
					}
					j, operand = m+1, false
					continue
				case r.tok(j + 1).isSelf('('):
					m := r.matchGroup(j+1, b)
					if m < 0 {
						return b
					}
					j, operand = m+1, false
					continue
				}
				if _, _, n, ok := r.typedLiteral(j); ok {
					j, operand = n, false
					continue
				}
				if pgKeywords[t.val] == 'R' && !valueKeywords[t.val] {
					return j
				}
				j, operand = j+1, false
				continue
			}
			return j
		}
		// After an operand: postfix syntax, then binary operators.
		switch {
		case t.kind == tkTypecast:
			_, n, ok := r.typeName(j + 1)
			if !ok {
				return j
			}
			j = n
			continue
		case t.isSelf('[') || t.isSelf('(') && (r.tok(j-1).kind == tkIdent || r.tok(j-1).kind == tkQIdent):
			m := r.matchGroup(j, b)
			if m < 0 {
				return b
			}
			j = m + 1
			continue
		case t.isSelf('.'):
			j += 2
			continue
		case t.is("collate"):
			j++
			for j < b && (r.toks[j].kind == tkIdent || r.toks[j].kind == tkQIdent) {
				j++
				if !r.tok(j).isSelf('.') {
					break
				}
				j++
			}
			continue
		}
		p, n := r.tokPrec(j)
		if p <= level {
			return j
		}
		j, operand = j+n, true
	}
	return j
}

// pieceEndsOperand reports whether piece k ends an operand.
func (r *rewriter) pieceEndsOperand(k int) bool {
	if k < 0 {
		return false
	}
	p := &r.pieces[k]
	if p.close != 0 || p.name || p.param > 0 || p.text == "end" || valueKeywords[p.text] {
		return true
	}
	// A non-reserved keyword written bare is a column name here (name,
	// text, type, value, int ...): the word before a binary operator is
	// its left operand.
	if cat := pgKeywords[p.text]; (cat == 'U' || cat == 'C') && p.open == 0 {
		return true
	}
	c := p.text[0]
	return c == '\'' || isDigit(c) || c == '`' || c == '.' && len(p.text) > 1
}

// piecePrec is the precedence of binary operator piece k (0 if none).
func piecePrec(p *piece) int {
	switch p.text {
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	case "^":
		return precPow
	case "||":
		return precOp
	case "=", "<", ">", "<=", ">=", "<>", "!=", "<=>":
		return precCmp
	}
	return precNone
}

// primaryStart returns the first piece of the operand ending at piece k,
// with its prefix signs, or -1.
func (r *rewriter) primaryStart(k int) int {
	if !r.pieceEndsOperand(k) {
		return -1
	}
	var s int
	if r.pieces[k].text == "end" && r.pieces[k].close == 0 && !r.pieces[k].name {
		depth := 0
		s = -1
		for j := k; j >= 0; j-- {
			switch r.pieces[j].text {
			case "end":
				depth++
			case "case":
				depth--
			}
			if depth == 0 {
				s = j
				break
			}
		}
		if s < 0 {
			return -1
		}
	} else {
		s = r.operandStartAt(k)
	}
	for s > 0 && (r.pieces[s-1].text == "-" || r.pieces[s-1].text == "+") && !r.pieceEndsOperand(s-2) {
		s--
	}
	return s
}

// leftStart returns the first piece of the left operand of a
// left-associative operator of the given level that follows the pieces
// emitted so far: operators binding at least as tightly are included.
func (r *rewriter) leftStart(level int) int {
	k := len(r.pieces) - 1
	s := r.primaryStart(k)
	for s > 0 {
		op := &r.pieces[s-1]
		if p := piecePrec(op); p < level || p == precNone {
			break
		}
		n := r.primaryStart(s - 2)
		if n < 0 {
			break
		}
		s = n
	}
	return s
}

// insertAt inserts ps before piece k; the first inserted piece takes over
// piece k's leading space.
func (r *rewriter) insertAt(k int, ps ...piece) {
	ps[0].space = r.pieces[k].space || ps[0].space
	r.pieces[k].space = false
	r.pieces = append(r.pieces, ps...)
	copy(r.pieces[k+len(ps):], r.pieces[k:len(r.pieces)-len(ps)])
	copy(r.pieces[k:], ps)
}

// hasTopOperator reports whether pieces [s, e) contain a binary operator
// outside parentheses (other than ||).
func (r *rewriter) hasTopOperator(s, e int) bool {
	depth := 0
	for k := s; k < e; k++ {
		p := &r.pieces[k]
		switch {
		case p.open != 0:
			depth++
		case p.close != 0:
			depth--
		case depth == 0 && k > s && p.text != "||" && !p.name && p.param == 0 && p.text != "" &&
			(piecePrec(p) != precNone || isOpChar(p.text[0])):
			return true
		}
	}
	return false
}

// operands finds the operands of the binary operator of the given level
// at token i whose right operand starts at token first: the first piece
// of the left one and the end of the right one.
func (r *rewriter) operands(i, first, b, level int) (int, int, error) {
	s := r.leftStart(level)
	if s < 0 {
		return 0, 0, r.syntaxErrAt(i)
	}
	end := r.exprEnd(first, b, level)
	if end == first {
		return 0, 0, r.syntaxErrAt(end)
	}
	return s, end, nil
}

// genericOp rewrites a generic (Op-precedence) operator at token i:
// JSON operators become OpFunc calls; || keeps TiDB's concat but gets its
// operands parenthesised, because TiDB binds || tighter than + - * /.
func (r *rewriter) genericOp(i, b int) (int, error) {
	t := &r.toks[i]
	s, end, err := r.operands(i, i+1, b, precOp)
	if err != nil {
		return 0, err
	}
	if t.val == "||" {
		if r.hasTopOperator(s, len(r.pieces)) {
			r.insertAt(s, piece{text: "(", orig: r.pieces[s].orig, origEnd: r.pieces[s].origEnd, open: '('})
			r.add(piece{text: ")", orig: t.pos, origEnd: t.pos, close: ')'})
		}
		r.add(piece{text: "||", orig: t.pos, origEnd: t.end, space: true})
		n0 := len(r.pieces)
		if err := r.emitRange(i+1, end); err != nil {
			return 0, err
		}
		if r.hasTopOperator(n0, len(r.pieces)) {
			r.insertAt(n0, piece{text: "(", orig: r.pieces[n0].orig, origEnd: r.pieces[n0].origEnd, open: '(', space: true})
			last := r.pieces[len(r.pieces)-1]
			r.add(piece{text: ")", orig: last.orig, origEnd: last.origEnd, close: ')'})
		}
		return end, nil
	}
	first := r.pieces[s]
	r.insertAt(s,
		piece{text: OpFunc, orig: first.orig, origEnd: first.origEnd, name: true},
		piece{text: "(", orig: first.orig, origEnd: first.origEnd, open: '('},
		piece{text: quoteString(t.val), orig: t.pos, origEnd: t.end},
		piece{text: ",", orig: t.pos, origEnd: t.end})
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	if err := r.emitRange(i+1, end); err != nil {
		return 0, err
	}
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return end, nil
}

// atTimeZone rewrites `x AT TIME ZONE z` (token i is AT) into
// timezone(z, x).
func (r *rewriter) atTimeZone(i, b int) (int, error) {
	t := &r.toks[i]
	s, end, err := r.operands(i, i+3, b, precAt)
	if err != nil {
		return 0, err
	}
	n0 := len(r.pieces)
	if err := r.emitRange(i+3, end); err != nil {
		return 0, err
	}
	zone := append([]piece(nil), r.pieces[n0:]...)
	r.pieces = r.pieces[:n0]
	if len(zone) == 0 || s >= len(r.pieces) {
		// AT TIME ZONE with nothing after it (or before it).
		return 0, r.syntaxErrAt(min(i+3, len(r.toks)))
	}
	zone[0].space = false
	head := []piece{
		{text: "timezone", orig: t.pos, origEnd: t.end, name: true},
		{text: "(", orig: t.pos, origEnd: t.end, open: '('},
	}
	head = append(head, zone...)
	head = append(head, piece{text: ",", orig: t.pos, origEnd: t.end})
	r.insertAt(s, head...)
	r.pieces[s+len(head)].space = true
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return end, nil
}

// similarTo rewrites `x [NOT] SIMILAR TO p [ESCAPE e]` (token i is
// SIMILAR) into PostgreSQL's own expansion: x [NOT] REGEXP
// similar_to_escape(p [, e]).
func (r *rewriter) similarTo(i, b int) (int, error) {
	t := &r.toks[i]
	if !r.tok(i + 1).is("to") {
		return 0, r.syntaxErrAt(i + 1)
	}
	not := false
	if n := len(r.pieces); n > 0 && r.pieces[n-1].text == "not" && !r.pieces[n-1].name {
		not = true
		r.pieces = r.pieces[:n-1]
	}
	if !r.pieceEndsOperand(len(r.pieces) - 1) {
		return 0, r.syntaxErrAt(i)
	}
	text := "regexp"
	if not {
		text = "not regexp"
	}
	r.add(piece{text: text, orig: t.pos, origEnd: t.end, space: true})
	r.add(piece{text: "similar_to_escape", orig: t.pos, origEnd: t.end, space: true, name: true})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	end := r.exprEnd(i+2, b, precLike)
	if end == i+2 {
		return 0, r.syntaxErrAt(end)
	}
	if err := r.emitRange(i+2, end); err != nil {
		return 0, err
	}
	if r.tok(end).is("escape") && end < b {
		e := &r.toks[end]
		r.add(piece{text: ",", orig: e.pos, origEnd: e.end})
		eEnd := r.exprEnd(end+1, b, precLike)
		if eEnd == end+1 {
			return 0, r.syntaxErrAt(eEnd)
		}
		if err := r.emitRange(end+1, eEnd); err != nil {
			return 0, err
		}
		end = eEnd
	}
	r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
	return end, nil
}

// topKeyword returns the first token in [a, e) at parenthesis depth 0
// that is one of the words, or -1.
func (r *rewriter) topKeyword(a, e int, words ...string) int {
	depth := 0
	for j := a; j < e; j++ {
		t := &r.toks[j]
		switch {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			depth--
		case depth == 0 && t.kind == tkIdent:
			for _, w := range words {
				if t.val == w {
					return j
				}
			}
		}
	}
	return -1
}

// addCallHead emits `name(` for a rewritten SQL-syntax function.
func (r *rewriter) addCallHead(i int, name string) {
	t := &r.toks[i]
	r.add(piece{text: quoteIdent(name), orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace("`"), name: true})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
}

// emitArg emits tokens [a, e) as one call argument, preceded by a comma
// piece standing for token sep (unless sep < 0).
func (r *rewriter) emitArg(sep, a, e int) error {
	if sep >= 0 {
		s := &r.toks[sep]
		r.add(piece{text: ",", orig: s.pos, origEnd: s.end})
	}
	if a >= e {
		return r.syntaxErrAt(e)
	}
	return r.emitRange(a, e)
}

// sqlSyntaxFunc rewrites the keyword argument forms of EXTRACT, SUBSTRING
// and OVERLAY (token i is the name, i+1 its '(') into plain calls. It
// reports false when the call has no keyword form.
func (r *rewriter) sqlSyntaxFunc(i, b int) (int, bool, error) {
	m := r.matchParen(i+1, b)
	if m < 0 {
		return 0, false, nil
	}
	w := r.toks[i].val
	switch w {
	case "extract":
		// EXTRACT(field FROM x) -> extract('field', x): PostgreSQL 14+
		// calls the numeric-returning extract(text, x) for every field.
		f := r.tok(i + 2)
		if !r.tok(i+3).is("from") || f.kind != tkIdent && f.kind != tkString && f.kind != tkQIdent {
			return 0, false, nil
		}
		r.addCallHead(i, "extract")
		r.add(piece{text: quoteString(f.val), orig: f.pos, origEnd: f.end})
		if err := r.emitArg(i+3, i+4, m); err != nil {
			return 0, true, err
		}
	case "substring":
		from := r.topKeyword(i+2, m, "from", "for", "similar")
		if from < 0 {
			return 0, false, nil
		}
		if r.toks[from].is("similar") {
			return 0, true, notSupported("SUBSTRING ... SIMILAR")
		}
		r.addCallHead(i, "substring")
		if err := r.emitArg(-1, i+2, from); err != nil {
			return 0, true, err
		}
		if r.toks[from].is("for") {
			// SUBSTRING(x FOR n) is substring(x, 1, n).
			r.add(piece{text: ",", orig: r.toks[from].pos, origEnd: r.toks[from].end})
			r.add(piece{text: "1", orig: r.toks[from].pos, origEnd: r.toks[from].end, space: true})
			if err := r.emitArg(from, from+1, m); err != nil {
				return 0, true, err
			}
			break
		}
		fr := r.topKeyword(from+1, m, "for")
		if fr < 0 {
			fr = m
		}
		if err := r.emitArg(from, from+1, fr); err != nil {
			return 0, true, err
		}
		if fr < m {
			if err := r.emitArg(fr, fr+1, m); err != nil {
				return 0, true, err
			}
		}
	case "overlay":
		pl := r.topKeyword(i+2, m, "placing")
		if pl < 0 {
			return 0, false, nil
		}
		from := r.topKeyword(pl+1, m, "from")
		if from < 0 {
			return 0, true, r.syntaxErrAt(m)
		}
		fr := r.topKeyword(from+1, m, "for")
		if fr < 0 {
			fr = m
		}
		r.addCallHead(i, "overlay")
		if err := r.emitArg(-1, i+2, pl); err != nil {
			return 0, true, err
		}
		if err := r.emitArg(pl, pl+1, from); err != nil {
			return 0, true, err
		}
		if err := r.emitArg(from, from+1, fr); err != nil {
			return 0, true, err
		}
		if fr < m {
			if err := r.emitArg(fr, fr+1, m); err != nil {
				return 0, true, err
			}
		}
	default:
		return 0, false, nil
	}
	r.add(piece{text: ")", orig: r.toks[m].pos, origEnd: r.toks[m].end, close: ')'})
	return m + 1, true, nil
}

// aggCall rewrites an aggregate call with PostgreSQL modifiers (token i
// is the function name, i+1 its '('): DISTINCT in a call the TiDB grammar
// does not know as an aggregate, ORDER BY inside the parentheses, WITHIN
// GROUP (ORDER BY ...) and FILTER (WHERE ...) after them. It reports
// false when the call has none of these.
func (r *rewriter) aggCall(i, b int, text string) (int, bool, error) {
	m := r.matchParen(i+1, b)
	if m < 0 {
		return 0, false, nil
	}
	w := r.toks[i].val
	distinct := r.tok(i+2).is("distinct") && !grammarFuncs[w]
	order := r.topKeyword(i+2, m, "order")
	if order >= 0 && !r.tok(order+1).is("by") {
		order = -1
	}
	next := m + 1
	within, withinEnd := -1, -1
	if r.tok(next).is("within") && r.tok(next+1).is("group") && r.tok(next+2).isSelf('(') {
		within = next
		withinEnd = r.matchParen(next+2, b)
		if withinEnd < 0 {
			return 0, true, r.syntaxErrAt(b)
		}
		if !r.tok(next+3).is("order") || !r.tok(next+4).is("by") {
			return 0, true, r.syntaxErrAt(next + 3)
		}
		next = withinEnd + 1
	}
	filter, filterEnd := -1, -1
	if r.tok(next).is("filter") && r.tok(next+1).isSelf('(') {
		filter = next
		filterEnd = r.matchParen(next+1, b)
		if filterEnd < 0 {
			return 0, true, r.syntaxErrAt(b)
		}
		if !r.tok(next + 2).is("where") {
			return 0, true, r.syntaxErrAt(next + 2)
		}
		next = filterEnd + 1
	}
	if !distinct && order < 0 && within < 0 && filter < 0 {
		return 0, false, nil
	}
	if within >= 0 && order >= 0 {
		return 0, true, pgerror2(r, order, "cannot use multiple ORDER BY clauses with WITHIN GROUP")
	}
	if r.tok(next).is("over") {
		return 0, true, pgerror.New(pgerror.FeatureNotSupported, "window functions are not supported")
	}
	t := &r.toks[i]
	r.add(piece{text: aggFunc, orig: t.pos, origEnd: t.end, space: r.gapBefore(i) || r.needSpace("x"), name: true})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	r.add(piece{text: text, orig: t.pos, origEnd: t.end, name: true})
	r.add(piece{text: "(", orig: r.toks[i+1].pos, origEnd: r.toks[i+1].end, open: '('})
	argStart, argEnd := i+2, m
	if distinct {
		argStart++
	}
	if order >= 0 {
		argEnd = order
	}
	if err := r.emitRange(argStart, argEnd); err != nil {
		return 0, true, err
	}
	r.add(piece{text: ")", orig: r.toks[m].pos, origEnd: r.toks[m].end, close: ')'})
	flags := ""
	if distinct {
		flags += "d"
	}
	if filter >= 0 {
		flags += "f"
	}
	if within >= 0 {
		flags += "w"
	}
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	r.add(piece{text: quoteString(flags), orig: t.pos, origEnd: t.end, space: true})
	if filter >= 0 {
		if err := r.emitArg(filter, filter+3, filterEnd); err != nil {
			return 0, true, err
		}
	}
	switch {
	case order >= 0:
		if err := r.orderItems(order+2, m); err != nil {
			return 0, true, err
		}
	case within >= 0:
		if err := r.orderItems(within+5, withinEnd); err != nil {
			return 0, true, err
		}
	}
	r.add(piece{text: ")", orig: r.toks[m].pos, origEnd: r.toks[m].end, close: ')'})
	return next, true, nil
}

// orderItems emits the ORDER BY list in tokens [a, e) as pairs of
// arguments: expression, direction string.
func (r *rewriter) orderItems(a, e int) error {
	if a >= e {
		return r.syntaxErrAt(e)
	}
	for a < e {
		end := r.topComma(a, e)
		x := end
		dir := "asc"
		nulls := ""
		if x-2 >= a && r.toks[x-2].is("nulls") && (r.toks[x-1].is("first") || r.toks[x-1].is("last")) {
			nulls = " nulls " + r.toks[x-1].val
			x -= 2
		}
		if x-1 >= a && (r.toks[x-1].is("asc") || r.toks[x-1].is("desc")) {
			dir = r.toks[x-1].val
			x--
		}
		if u := r.topKeyword(a, x, "using"); u >= 0 {
			return notSupported("ORDER BY ... USING in aggregates")
		}
		if err := r.emitArg(a-1, a, x); err != nil {
			return err
		}
		r.add(piece{text: ",", orig: r.toks[a].pos, origEnd: r.toks[a].end})
		r.add(piece{text: quoteString(dir + nulls), orig: r.toks[a].pos, origEnd: r.toks[a].end, space: true})
		a = end + 1
	}
	return nil
}

// topComma returns the first ',' at depth 0 in [a, e), or e.
func (r *rewriter) topComma(a, e int) int {
	depth := 0
	for j := a; j < e; j++ {
		t := &r.toks[j]
		switch {
		case t.isSelf('(') || t.isSelf('['):
			depth++
		case t.isSelf(')') || t.isSelf(']'):
			depth--
		case depth == 0 && t.isSelf(','):
			return j
		}
	}
	return e
}

// aggUnwrapper moves the modifiers of nqdb_agg(call, mods...) into the
// call as a trailing AggModsFunc argument and puts the call in the
// wrapper's place.
type aggUnwrapper struct{}

func (aggUnwrapper) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (aggUnwrapper) Leave(n ast.Node) (ast.Node, bool) {
	x, ok := n.(*ast.FuncCallExpr)
	if !ok || x.FnName.L != aggFunc || len(x.Args) < 2 {
		return n, true
	}
	mods := &ast.FuncCallExpr{FnName: ast.NewCIStr(AggModsFunc), Args: append([]ast.ExprNode(nil), x.Args[1:]...)}
	mods.SetOriginTextPosition(x.Args[1].OriginTextPosition())
	switch c := x.Args[0].(type) {
	case *ast.FuncCallExpr:
		c.Args = append(c.Args, mods)
		return c, true
	case *ast.AggregateFuncExpr:
		c.Args = append(c.Args, mods)
		return c, true
	}
	return n, true
}

// pgerror2 is a 42601 error with PostgreSQL's message at token j.
func pgerror2(r *rewriter, j int, msg string) error {
	e := r.syntaxErrAt(j)
	e.Message = msg
	return e
}

// fromParen handles a parenthesised table in FROM (token i is its '('):
// `(VALUES (..), (..)) [AS] t[(cols)]` becomes a UNION ALL of SELECTs
// whose first branch names the columns column1, column2, ... as
// PostgreSQL does; a column alias list on a subquery makes it LATERAL,
// the only derived table the TiDB grammar takes an alias list on (an
// uncorrelated subquery means the same either way). It reports true when
// it emitted the whole table expression.
func (r *rewriter) fromParen(i, b int) (int, bool, error) {
	m := r.matchParen(i, b)
	if m < 0 {
		return 0, false, nil
	}
	k := m + 1
	if r.tok(k).is("as") {
		k++
	}
	at := r.tok(k)
	hasCols := k < b && (at.kind == tkQIdent || at.kind == tkIdent && pgKeywords[at.val] != 'R') && r.tok(k+1).isSelf('(')
	t := &r.toks[i]
	lateral := func() {
		if !r.tok(i - 1).is("lateral") {
			r.add(piece{text: "lateral", orig: t.pos, origEnd: t.end, space: true})
		}
	}
	if !r.tok(i + 1).is("values") {
		if hasCols && r.subqueryAt(i+1) {
			lateral()
		}
		return 0, false, nil
	}
	// Find the rows: VALUES (..) [, (..)]... up to the closing ')'.
	rows, end, ok := r.valuesRowsAt(i+2, m)
	if !ok || end != m {
		return 0, false, nil
	}
	if hasCols {
		lateral()
	}
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, space: r.gapBefore(i), open: '('})
	if err := r.emitValuesRows(rows); err != nil {
		return 0, true, err
	}
	r.add(piece{text: ")", orig: r.toks[m].pos, origEnd: r.toks[m].end, close: ')'})
	return m + 1, true, nil
}

// aliasLister applies the column alias list of derived tables in FROM
// (`(subquery) AS t(a, b)`, which reaches TiDB as a LATERAL derived
// table) to the subquery's select list, so that the binder sees the
// columns under their new names. A list longer than the select list is
// PostgreSQL's error; on `SELECT *` subqueries the list stays in
// ColumnNames for the planner, which knows what * stands for.
type aliasLister struct{ err error }

func (v *aliasLister) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (v *aliasLister) Leave(n ast.Node) (ast.Node, bool) {
	ts, ok := n.(*ast.TableSource)
	if !ok || len(ts.ColumnNames) == 0 || v.err != nil {
		return n, true
	}
	sel := firstSelect(ts.Source)
	if sel == nil || sel.Fields == nil {
		return n, true
	}
	fields := sel.Fields.Fields
	for _, f := range fields {
		if f.WildCard != nil || isFromFunc(f.Expr) {
			// a function in FROM may return a record: as many
			// columns as it has fields (field.go)
			return n, true
		}
	}
	if len(ts.ColumnNames) > len(fields) {
		v.err = pgerror.New(pgerror.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified",
			ts.AsName.O, len(fields), len(ts.ColumnNames))
		return n, false
	}
	for i, c := range ts.ColumnNames {
		fields[i].AsName = c
	}
	ts.ColumnNames = nil
	return n, true
}

// firstSelect is the SELECT that names a query's columns: the query
// itself or the first branch of a set operation.
func firstSelect(n ast.Node) *ast.SelectStmt {
	switch x := n.(type) {
	case *ast.SelectStmt:
		return x
	case *ast.SetOprStmt:
		if x.SelectList != nil && len(x.SelectList.Selects) > 0 {
			return firstSelect(x.SelectList.Selects[0])
		}
	case *ast.SetOprSelectList:
		if len(x.Selects) > 0 {
			return firstSelect(x.Selects[0])
		}
	}
	return nil
}
