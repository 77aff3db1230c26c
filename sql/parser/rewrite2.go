package parser

import "strings"

// Function names the rewriter introduces for PostgreSQL constructs that
// TiDB's grammar lacks. The binder recognises them.
const (
	// ArrayFunc is ARRAY[a, b]: nqdb_array(a, b); nested brackets nest calls.
	ArrayFunc = "nqdb_array"
	// ArraySubqueryFunc is ARRAY(subquery): nqdb_array_subquery((subquery)).
	ArraySubqueryFunc = "nqdb_array_subquery"
	// AnyFunc and AllFunc mark `x op ANY(array)` / `x op ALL(array)` when the
	// argument is not a subquery: `x = nqdb_any(arr)`. (ANY/ALL over a
	// subquery is TiDB's own syntax and stays.)
	AnyFunc = "nqdb_any"
	AllFunc = "nqdb_all"
	// SubscriptFunc is a[i]: nqdb_subscript(a, i); SliceFunc is a[i:j].
	SubscriptFunc = "nqdb_subscript"
	SliceFunc     = "nqdb_slice"
)

// subqueryAt reports whether token j starts a subquery.
func (r *rewriter) subqueryAt(j int) bool {
	t := r.tok(j)
	for t.isSelf('(') {
		j++
		t = r.tok(j)
	}
	return t.is("select") || t.is("values") || t.is("with") || t.is("table")
}

// arrayLiteral emits the bracket group starting at '[' (token i) as a call:
// ( elements ), nested bracket groups become ArrayFunc calls.
func (r *rewriter) arrayLiteral(i, b int) (int, error) {
	t := &r.toks[i]
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	j := i + 1
	for j < b && !r.toks[j].isSelf(']') {
		if r.toks[j].isSelf('[') && (r.toks[j-1].isSelf('[') || r.toks[j-1].isSelf(',')) {
			r.add(piece{text: ArrayFunc, orig: r.toks[j].pos, origEnd: r.toks[j].end, space: r.gapBefore(j), name: true})
			n, err := r.arrayLiteral(j, b)
			if err != nil {
				return 0, err
			}
			j = n
			continue
		}
		n, err := r.emitOne(j, b)
		if err != nil {
			return 0, err
		}
		j = n
	}
	if j >= b {
		return 0, r.syntaxErrAt(j)
	}
	r.add(piece{text: ")", orig: r.toks[j].pos, origEnd: r.toks[j].end, close: ')'})
	return j + 1, nil
}

// subscript rewrites operand[i] into SubscriptFunc(operand, i) and
// operand[i:j] into SliceFunc(operand, i, j).
func (r *rewriter) subscript(i int) (int, error) {
	t := &r.toks[i]
	start := -1
	if r.operandEnds() {
		start = r.operandStart()
	}
	if start < 0 {
		return 0, r.syntaxErrAt(i)
	}
	// find the matching ']' and whether a ':' slices
	depth, end, colon := 0, -1, -1
	for j := i; j < len(r.toks); j++ {
		tk := &r.toks[j]
		if tk.isSelf('[') || tk.isSelf('(') {
			depth++
		} else if tk.isSelf(']') || tk.isSelf(')') {
			depth--
			if depth == 0 {
				end = j
				break
			}
		} else if depth == 1 && tk.isSelf(':') {
			colon = j
		}
	}
	if end < 0 {
		return 0, r.syntaxErrAt(len(r.toks))
	}
	fn := SubscriptFunc
	if colon >= 0 {
		fn = SliceFunc
	}
	op := r.pieces[start]
	head := []piece{
		{text: fn, orig: op.orig, origEnd: op.origEnd, space: op.space, name: true},
		{text: "(", orig: op.orig, origEnd: op.origEnd, open: '('},
	}
	r.pieces[start].space = false
	r.pieces = append(r.pieces, head...)
	copy(r.pieces[start+2:], r.pieces[start:len(r.pieces)-2])
	copy(r.pieces[start:], head)
	r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
	emitPart := func(a, z int) error {
		if a == z {
			r.add(piece{text: "null", orig: t.pos, origEnd: t.end, space: true})
			return nil
		}
		return r.emitRange(a, z)
	}
	if colon >= 0 {
		if err := emitPart(i+1, colon); err != nil {
			return 0, err
		}
		r.add(piece{text: ",", orig: r.toks[colon].pos, origEnd: r.toks[colon].end})
		if err := emitPart(colon+1, end); err != nil {
			return 0, err
		}
	} else if err := emitPart(i+1, end); err != nil {
		return 0, err
	}
	r.add(piece{text: ")", orig: r.toks[end].pos, origEnd: r.toks[end].end, close: ')'})
	return end + 1, nil
}

// fromPosition reports whether token i stands where FROM expects a table:
// after FROM, JOIN, LATERAL, or a ',' of a FROM list.
func (r *rewriter) fromPosition(i int) bool {
	if i == 0 {
		return false
	}
	prev := &r.toks[i-1]
	if prev.is("from") && r.inKeywordCall(i-1) {
		// EXTRACT(f FROM x), SUBSTRING(x FROM n), TRIM(... FROM x):
		// an argument, not a FROM clause.
		return false
	}
	if prev.is("from") || prev.is("join") || prev.is("lateral") {
		return !(i >= 2 && (r.toks[i-2].is("distinct") || r.toks[i-2].is("is"))) // IS DISTINCT FROM
	}
	if !prev.isSelf(',') {
		return false
	}
	// Walk back at the same depth to the clause keyword.
	depth := 0
	for j := i - 2; j >= 0; j-- {
		tk := &r.toks[j]
		if tk.isSelf(')') {
			depth++
			continue
		}
		if tk.isSelf('(') {
			if depth == 0 {
				return false
			}
			depth--
			continue
		}
		if depth > 0 || tk.kind != tkIdent {
			continue
		}
		switch tk.val {
		case "from":
			return !(j >= 1 && (r.toks[j-1].is("distinct") || r.toks[j-1].is("is")))
		case "select", "where", "group", "order", "having", "on", "using", "set", "values",
			"returning", "limit", "offset", "window", "by", "into":
			return false
		}
	}
	return false
}

// viewFunctions are the set-returning functions behind pg_catalog views
// that clients call directly (psql completes SET TIME ZONE from
// pg_timezone_names()): in FROM they read the view, which has the
// function's columns.
var viewFunctions = map[string]string{
	"pg_timezone_names":     "pg_timezone_names",
	"pg_show_all_settings":  "pg_settings",
	"pg_lock_status":        "pg_locks",
	"pg_prepared_statement": "pg_prepared_statements",
}

// fromFunction rewrites a function in FROM, `f(args) [AS] alias[(cols)]`,
// into the derived table `(select f(args) [as alias]) alias[(cols)]`,
// which has the same meaning for a single set-returning function.
func (r *rewriter) fromFunction(first, i, b int) (int, error) {
	t := &r.toks[i]
	// find the end of the call
	depth, end := 0, -1
	for j := i + 1; j < b; j++ {
		if r.toks[j].isSelf('(') {
			depth++
		} else if r.toks[j].isSelf(')') {
			depth--
			if depth == 0 {
				end = j
				break
			}
		}
	}
	if end < 0 {
		return 0, r.syntaxErrAt(b)
	}
	if view := viewFunctions[t.val]; view != "" && end == i+2 && (first == i || r.toks[first].is("pg_catalog")) {
		// A catalog function behind a pg_catalog view is the view.
		r.add(piece{text: "pg_catalog." + view + " as " + t.val, orig: r.toks[first].pos, origEnd: r.toks[end].end, space: true})
		if k := end + 1; r.tok(k).is("as") || k < b && (r.tok(k).kind == tkQIdent || r.tok(k).kind == tkIdent && pgKeywords[r.tok(k).val] == 0) {
			// The user's alias replaces the function's name.
			r.pieces[len(r.pieces)-1].text = "pg_catalog." + view
		}
		return end + 1, nil
	}
	// alias
	k := end + 1
	ordinality := false
	if r.tok(k).is("with") && r.tok(k+1).is("ordinality") {
		// WITH ORDINALITY numbers the function's rows: a derived table
		// around the call adds row_number() over its output order.
		ordinality = true
		k += 2
	}
	next := k
	if r.tok(k).is("as") {
		k++
	}
	alias := ""
	aliasTok := r.tok(k)
	hasCols := false
	if k < b && (aliasTok.kind == tkQIdent || aliasTok.kind == tkIdent && pgKeywords[aliasTok.val] == 0) {
		alias = aliasTok.val
		hasCols = r.tok(k + 1).isSelf('(')
	}
	// Functions in FROM are implicitly LATERAL in PostgreSQL; TiDB also
	// accepts a column alias list only on LATERAL derived tables.
	if !r.tok(first - 1).is("lateral") {
		r.add(piece{text: "lateral", orig: t.pos, origEnd: t.end, space: true})
	}
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, space: true, open: '('})
	if ordinality {
		// With a column alias list the function's column is named (the
		// list renames the select list, which must not be *), so only
		// one-column functions qualify there.
		cols := "*"
		if hasCols {
			if strings.Contains(t.val, "_each") || strings.Contains(t.val, "_to_record") || (t.val == "unnest" && r.topComma(i+2, end) < end) {
				return 0, notSupported("WITH ORDINALITY with a column alias list for " + t.val)
			}
			cols = "nqdb_ordinality." + quoteIdent(t.val)
		}
		r.add(piece{text: "select " + cols + ", row_number() over () as ordinality from (", orig: t.pos, origEnd: t.end, open: '('})
	}
	r.add(piece{text: "select", orig: t.pos, origEnd: t.end, space: ordinality})
	// The binder expands a composite result into its columns (field.go).
	r.add(piece{text: FromFuncFunc, orig: t.pos, origEnd: t.end, space: true, name: true})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
	if first != i {
		// schema-qualified name
		q := &r.toks[first]
		r.add(piece{text: quoteIdent(q.val), orig: q.pos, origEnd: q.end, space: true, name: true})
		r.add(piece{text: ".", orig: r.toks[first+1].pos, origEnd: r.toks[first+1].end})
		r.add(piece{text: quoteIdent(t.val), orig: t.pos, origEnd: t.end, name: true})
	} else {
		fnText := quoteIdent(t.val)
		if grammarFuncs[t.val] || pgKeywords[t.val] == 'C' || pgKeywords[t.val] == 'T' || pgKeywords[t.val] == 'R' {
			fnText = t.val
		}
		r.add(piece{text: fnText, orig: t.pos, origEnd: t.end, name: true, space: true})
	}
	if err := r.emitRange(i+1, end+1); err != nil {
		return 0, err
	}
	r.add(piece{text: ")", orig: r.toks[end].pos, origEnd: r.toks[end].end, close: ')'})
	if alias != "" && !hasCols {
		r.add(piece{text: "as " + quoteIdent(alias), orig: aliasTok.pos, origEnd: aliasTok.end, space: true})
	} else if ordinality && alias == "" {
		// The function's column keeps the function's name.
		r.add(piece{text: "as " + quoteIdent(t.val), orig: t.pos, origEnd: t.end, space: true})
	}
	if ordinality {
		r.add(piece{text: ") nqdb_ordinality", orig: r.toks[end].pos, origEnd: r.toks[end].end, close: ')'})
	}
	r.add(piece{text: ")", orig: r.toks[end].pos, origEnd: r.toks[end].end, close: ')'})
	if alias == "" {
		r.add(piece{text: quoteIdent(t.val), orig: t.pos, origEnd: t.end, space: true, name: true})
	}
	return next, nil
}

// inKeywordCall reports whether token k sits directly inside the
// parentheses of EXTRACT, SUBSTRING, OVERLAY, TRIM or POSITION, whose FROM
// separates arguments.
func (r *rewriter) inKeywordCall(k int) bool {
	depth := 0
	for j := k - 1; j >= 0; j-- {
		tk := &r.toks[j]
		switch {
		case tk.isSelf(')'):
			depth++
		case tk.isSelf('('):
			if depth == 0 {
				if j == 0 {
					return false
				}
				switch fn := &r.toks[j-1]; {
				case fn.is("extract"), fn.is("substring"), fn.is("overlay"), fn.is("trim"), fn.is("position"):
					return true
				}
				return false
			}
			depth--
		}
	}
	return false
}
