package parser

import "strconv"

// VALUES as a query of its own: a statement (`VALUES (1, 'a'), (2, 'b')
// ORDER BY 1`), a WITH item's body or a subquery, and a many-row operand
// of UNION/INTERSECT/EXCEPT. TiDB's grammar has no such query, so it
// becomes `SELECT * FROM (<rows as UNION ALL>) AS "*VALUES*"`, the
// derived table fromParen makes of VALUES in FROM, whose first branch
// names the columns column1, column2, ... as PostgreSQL does. Trailing
// ORDER BY / LIMIT / OFFSET stay outside and apply to the whole.

// valuesRow is one parenthesised row of a VALUES list (token indexes).
type valuesRow struct{ open, close int }

// valuesRowsAt collects the rows of a VALUES list starting at token j (its
// first '('), up to end; ok is false when the tokens are not rows.
func (r *rewriter) valuesRowsAt(j, end int) (rows []valuesRow, next int, ok bool) {
	for {
		if j >= end || !r.tok(j).isSelf('(') {
			return nil, 0, false
		}
		c := r.matchParen(j, end)
		if c < 0 {
			return nil, 0, false
		}
		rows = append(rows, valuesRow{j, c})
		if c+1 >= end || !r.tok(c+1).isSelf(',') {
			return rows, c + 1, true
		}
		j = c + 2
	}
}

// emitValuesRows emits rows as `select e1 as column1, ... union all select
// ...`, checking that all rows have the same width.
func (r *rewriter) emitValuesRows(rows []valuesRow) error {
	width := -1
	for n, rw := range rows {
		o := &r.toks[rw.open]
		if n > 0 {
			r.add(piece{text: "union all", orig: o.pos, origEnd: o.end, space: true})
		}
		r.add(piece{text: "select", orig: o.pos, origEnd: o.end, space: n > 0})
		col := 0
		for a := rw.open + 1; ; a++ {
			e := r.topComma(a, rw.close)
			if col > 0 {
				r.add(piece{text: ",", orig: r.toks[a-1].pos, origEnd: r.toks[a-1].end})
			}
			if a >= e {
				return r.syntaxErrAt(e)
			}
			n0 := len(r.pieces)
			if err := r.emitRange(a, e); err != nil {
				return err
			}
			r.pieces[n0].space = true
			col++
			if n == 0 {
				r.add(piece{text: "as " + quoteIdent("column"+strconv.Itoa(col)), orig: o.pos, origEnd: o.end, space: true})
			}
			if e >= rw.close {
				break
			}
			a = e
		}
		if width < 0 {
			width = col
		} else if col != width {
			// PostgreSQL points at the row's first expression.
			return pgerror2(r, rw.open+1, "VALUES lists must all be the same length")
		}
	}
	return nil
}

// valuesQuery rewrites the VALUES at token i when it starts a query: the
// statement, a parenthesised subquery or WITH body, or a set operation's
// operand. ok is false elsewhere (INSERT ... VALUES, VALUES in FROM).
func (r *rewriter) valuesQuery(i, b int) (next int, ok bool, err error) {
	if i > 0 {
		prev := r.tok(i - 1)
		switch {
		case prev.isSelf('('):
			// Not a call's or a column list's parenthesis.
			if i >= 2 && (r.toks[i-2].kind == tkIdent && pgKeywords[r.toks[i-2].val] == 0 || r.toks[i-2].kind == tkQIdent ||
				r.toks[i-2].isSelf(')')) {
				return 0, false, nil
			}
		case prev.is("all") || prev.is("union") || prev.is("intersect") || prev.is("except") || prev.is("distinct"):
		default:
			return 0, false, nil
		}
	}
	rows, end, found := r.valuesRowsAt(i+1, b)
	if !found {
		return 0, false, nil
	}
	t := &r.toks[i]
	r.add(piece{text: "select * from", orig: t.pos, origEnd: t.end, space: i > 0})
	r.add(piece{text: "(", orig: t.pos, origEnd: t.end, space: true, open: '('})
	if err := r.emitValuesRows(rows); err != nil {
		return 0, true, err
	}
	last := &r.toks[end-1]
	r.add(piece{text: ")", orig: last.pos, origEnd: last.end, close: ')'})
	r.add(piece{text: "as " + quoteIdent("*VALUES*"), orig: last.pos, origEnd: last.end, space: true})
	return end, true, nil
}
