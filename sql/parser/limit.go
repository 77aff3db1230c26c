package parser

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// WithTiesFunc wraps the row count of `FETCH FIRST n ROWS WITH TIES`:
// the Limit's Count reaches the planner as WithTiesFunc(n).
const WithTiesFunc = "nqdb_with_ties"

// LIMIT, OFFSET and FETCH.
//
// PostgreSQL takes any expression there (LIMIT (SELECT ...), LIMIT NULL,
// OFFSET t.a - 1 with an outer reference, FETCH FIRST ... WITH TIES);
// TiDB's grammar takes an integer literal or `?` only. The clauses of one
// query level are therefore read here as a group (in either order, each at
// most once, as gram.y's select_limit) and reach TiDB as
// `LIMIT ? OFFSET ?` whose markers stand for expressions carried in a
// second statement appended to the rewritten text:
//
//	SELECT a FROM t LIMIT (SELECT 2) OFFSET $1
//	-> select a from t limit ? offset ?; select ((select 2)), (?)
//
// After parsing, each marker of a Limit is replaced by its carried
// expression (a nested query's LIMIT inside a carried expression is
// carried too, and replaced the same way). Because the carrier is part of
// the same rewritten text, node offsets inside it map back to the user's
// text through the ordinary span map, so errors point where PostgreSQL's
// do. A plain integer literal or $n goes to TiDB unchanged (no carrier),
// which is what almost every query has.
//
// The row count of WITH TIES is carried as WithTiesFunc(n); an OFFSET
// without LIMIT (or with LIMIT ALL) gets a marker that becomes a NULL
// Count (no limit, as in PostgreSQL).

// limitPart is one parsed LIMIT/FETCH or OFFSET clause.
type limitPart struct {
	seen     bool
	kw       int  // index of its keyword
	a, e     int  // the expression's tokens; a == e: none (LIMIT ALL, FETCH FIRST ROW)
	withTies bool // FETCH ... WITH TIES
	fetch    bool // FETCH form (no count means 1)
}

// limitClauses rewrites the LIMIT / OFFSET / FETCH clauses starting at
// token i (one of those keywords) up to b.
func (r *rewriter) limitClauses(i, b int) (int, error) {
	var lim, off limitPart
	j := i
	for j < b {
		t := r.tok(j)
		switch {
		case t.is("limit"):
			if lim.seen {
				return 0, r.syntaxErrAt(j)
			}
			lim = limitPart{seen: true, kw: j}
			if r.tok(j + 1).is("all") {
				j += 2
				lim.a, lim.e = j, j
				continue
			}
			end := r.limitExprEnd(j+1, b)
			if end < b && r.tok(end).isSelf(',') {
				return 0, pgerror.New(pgerror.SyntaxError, "LIMIT #,# syntax is not supported").
					WithHint("Use separate LIMIT and OFFSET clauses.").WithPosition(charPos(r.src, t.pos))
			}
			if end == j+1 {
				return 0, r.syntaxErrAt(end)
			}
			lim.a, lim.e = j+1, end
			j = end
		case t.is("offset"):
			if off.seen {
				return 0, r.syntaxErrAt(j)
			}
			end := r.limitExprEnd(j+1, b)
			if end == j+1 {
				return 0, r.syntaxErrAt(end)
			}
			off = limitPart{seen: true, kw: j, a: j + 1, e: end}
			j = end
			if tk := r.tok(j); j < b && (tk.is("row") || tk.is("rows")) {
				// OFFSET n ROWS takes select_fetch_first_value only.
				if e, err := r.fetchValueEnd(off.a, b); err != nil || e != end {
					return 0, r.syntaxErrAt(end)
				}
				j++
			}
		case t.is("fetch") && (r.tok(j+1).is("first") || r.tok(j+1).is("next")):
			if lim.seen {
				return 0, r.syntaxErrAt(j)
			}
			lim = limitPart{seen: true, kw: j, fetch: true}
			a := j + 2
			e, err := r.fetchValueEnd(a, b)
			if err != nil {
				return 0, err
			}
			lim.a, lim.e = a, e
			if tk := r.tok(e); e >= b || !(tk.is("row") || tk.is("rows")) {
				return 0, r.syntaxErrAt(e)
			}
			j = e + 1
			switch {
			case j < b && r.tok(j).is("only"):
				j++
			case j+1 < b && r.tok(j).is("with") && r.tok(j+1).is("ties"):
				lim.withTies = true
				j += 2
			default:
				return 0, r.syntaxErrAt(j)
			}
		default:
			return r.emitLimit(i, &lim, &off, j)
		}
	}
	return r.emitLimit(i, &lim, &off, j)
}

// limitExprEnd returns the end of a LIMIT/OFFSET expression starting at j:
// the first token at parenthesis depth 0 that cannot continue it.
func (r *rewriter) limitExprEnd(j, b int) int {
	depth := 0
	for ; j < b; j++ {
		tk := &r.toks[j]
		if tk.isSelf('(') || tk.isSelf('[') {
			depth++
		} else if tk.isSelf(')') || tk.isSelf(']') {
			if depth == 0 {
				return j
			}
			depth--
		} else if depth == 0 && (tk.isSelf(',') || tk.isSelf(';')) {
			return j
		} else if depth == 0 && tk.kind == tkIdent {
			switch tk.val {
			case "limit", "offset", "fetch", "for", "row", "rows", "union", "except", "intersect", "order",
				"where", "group", "having", "window", "from", "into", "returning", "on", "using", "as",
				"join", "inner", "left", "right", "full", "cross", "natural", "with", "select", "values":
				return j
			}
		}
	}
	return j
}

// fetchValueEnd returns the end of FETCH's optional row count starting at
// j: gram.y's select_fetch_first_value is a c_expr (a constant, $n, a
// column, a call, a parenthesized expression, CASE) or a signed number.
func (r *rewriter) fetchValueEnd(j, b int) (int, error) {
	t := r.tok(j)
	if j >= b || t.is("row") || t.is("rows") {
		return j, nil
	}
	switch {
	case t.isSelf('+') || t.isSelf('-') || (t.kind == tkOp && (t.val == "+" || t.val == "-")):
		if r.tok(j+1).kind != tkNumber {
			return 0, r.syntaxErrAt(j + 1)
		}
		return j + 2, nil
	case t.isSelf('('):
		m := r.matchParen(j, b)
		if m < 0 {
			return 0, r.syntaxErrAt(b)
		}
		return m + 1, nil
	case t.is("case"):
		depth := 0
		for k := j; k < b; k++ {
			if r.toks[k].is("case") {
				depth++
			} else if r.toks[k].is("end") {
				if depth--; depth == 0 {
					return k + 1, nil
				}
			}
		}
		return 0, r.syntaxErrAt(b)
	case t.kind == tkIdent || t.kind == tkQIdent:
		k := j + 1
		for r.tok(k).isSelf('.') && k+1 < b {
			k += 2
		}
		if r.tok(k).isSelf('(') {
			m := r.matchParen(k, b)
			if m < 0 {
				return 0, r.syntaxErrAt(b)
			}
			k = m + 1
		}
		return k, nil
	}
	return j + 1, nil
}

// simpleLimitArg reports whether tokens [a, e) are what TiDB's LIMIT takes
// as is: one $n or one integer literal that fits in bigint.
func (r *rewriter) simpleLimitArg(a, e int) bool {
	if e != a+1 {
		return false
	}
	t := r.tok(a)
	if t.kind == tkParam {
		return true
	}
	if t.kind != tkNumber || len(t.val) > 18 {
		return false
	}
	for k := 0; k < len(t.val); k++ {
		if !isDigit(t.val[k]) {
			return false
		}
	}
	return true
}

// emitLimit writes the clauses as TiDB's `limit C [offset O]`; next is the
// token after them. PostgreSQL also takes them after FOR UPDATE/SHARE,
// TiDB only before: a locking clause just emitted moves behind them.
func (r *rewriter) emitLimit(i int, lim, off *limitPart, next int) (int, error) {
	lock, n0 := r.lockClauseStart(), len(r.pieces)
	n, err := r.emitLimitPieces(i, lim, off, next)
	if err == nil && lock >= 0 && len(r.pieces) > n0 {
		moved := append(append([]piece(nil), r.pieces[n0:]...), r.pieces[lock:n0]...)
		moved[0].space = true
		copy(r.pieces[lock:], moved)
	}
	return n, err
}

// lockClauseStart returns the index of the piece starting a FOR UPDATE /
// FOR SHARE clause that ends the pieces emitted so far, or -1.
func (r *rewriter) lockClauseStart() int {
	for j := len(r.pieces) - 1; j >= 0; j-- {
		p := &r.pieces[j]
		switch p.text {
		case "for":
			if j+1 < len(r.pieces) {
				if t := r.pieces[j+1].text; t == "update" || t == "share" {
					return j
				}
			}
			return -1
		case "update", "share", "nowait", "skip", "locked", "of", ",", ".":
			continue
		}
		if !p.name {
			return -1
		}
	}
	return -1
}

func (r *rewriter) emitLimitPieces(i int, lim, off *limitPart, next int) (int, error) {
	hasCount := lim.seen && (lim.a < lim.e || lim.fetch)
	if !hasCount && !off.seen {
		return next, nil // LIMIT ALL
	}
	kw := i
	if lim.seen {
		kw = lim.kw
	}
	r.addTok(kw, "limit")
	switch {
	case !hasCount:
		r.addLimitMarker(kw, -1)
	case lim.a == lim.e: // FETCH FIRST ROW ONLY
		if !lim.withTies {
			t := &r.toks[kw]
			r.add(piece{text: "1", orig: t.pos, origEnd: t.end, space: true})
			break
		}
		fallthrough
	default:
		if !lim.withTies && r.simpleLimitArg(lim.a, lim.e) {
			if err := r.emitRange(lim.a, lim.e); err != nil {
				return 0, err
			}
			break
		}
		k, err := r.carry(kw, lim.a, lim.e, lim.withTies)
		if err != nil {
			return 0, err
		}
		r.addLimitMarker(kw, k)
	}
	if off.seen {
		r.addTok(off.kw, "offset")
		if r.simpleLimitArg(off.a, off.e) {
			if err := r.emitRange(off.a, off.e); err != nil {
				return 0, err
			}
		} else {
			k, err := r.carry(off.kw, off.a, off.e, false)
			if err != nil {
				return 0, err
			}
			r.addLimitMarker(off.kw, k)
		}
	}
	return next, nil
}

// addLimitMarker emits the `?` standing for carried expression k (-1: no
// count).
func (r *rewriter) addLimitMarker(kw, k int) {
	t := &r.toks[kw]
	r.add(piece{text: "?", orig: t.pos, origEnd: t.end, space: true, limitRef: k + 2})
}

// carry rewrites tokens [a, e) into a carried expression of its own and
// returns its index. An empty range (FETCH FIRST ROW WITH TIES) is 1.
func (r *rewriter) carry(kw, a, e int, withTies bool) (int, error) {
	t := &r.toks[kw]
	return r.carryPieces(func() error {
		if withTies {
			r.add(piece{text: WithTiesFunc, orig: t.pos, origEnd: t.end, name: true})
		}
		r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
		var err error
		if a == e {
			r.add(piece{text: "1", orig: t.pos, origEnd: t.end})
		} else {
			err = r.emitRange(a, e)
		}
		r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
		return err
	})
}

// carryPieces runs emit with a fresh piece list and keeps what it emitted
// as a carried expression; it returns the expression's index.
func (r *rewriter) carryPieces(emit func() error) (int, error) {
	k := len(r.carriers)
	r.carriers = append(r.carriers, nil)
	savedPieces, savedParens, savedFull := r.pieces, r.parens, r.fullJoins
	r.pieces, r.parens, r.fullJoins = nil, nil, nil
	err := emit()
	r.carriers[k] = r.pieces
	r.pieces, r.parens, r.fullJoins = savedPieces, savedParens, savedFull
	return k, err
}

// limitMarker is the rewritten-text offset of a Limit's `?` and the carried
// expression it stands for (-1: none).
type limitMarker struct{ off, k int }

// limitCollector gathers the Limit clauses of an AST.
type limitCollector struct {
	frames []*ast.FrameClause
	limits []*ast.Limit
	owners []ast.Node // the statement holding each limit
}

func (c *limitCollector) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.FrameClause:
		c.frames = append(c.frames, x)
	case *ast.SelectStmt:
		if x.Limit != nil {
			c.limits, c.owners = append(c.limits, x.Limit), append(c.owners, x)
		}
	case *ast.SetOprStmt:
		if x.Limit != nil {
			c.limits, c.owners = append(c.limits, x.Limit), append(c.owners, x)
		}
	}
	return n, false
}

func (c *limitCollector) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// placeLimits moves the carried expressions of stmts[1] into the Limit
// clauses of stmts[0] (and of the carried expressions themselves).
func placeLimits(stmts []ast.StmtNode, markers []limitMarker, ncarried int) (ast.StmtNode, error) {
	bad := pgerror.New(pgerror.SyntaxError, "syntax error at or near \"limit\"")
	exprs := make([]ast.ExprNode, ncarried)
	var carrier *ast.SelectStmt
	if ncarried > 0 {
		var ok bool
		if len(stmts) != 2 {
			return nil, bad
		}
		if carrier, ok = stmts[1].(*ast.SelectStmt); !ok || carrier.Fields == nil || len(carrier.Fields.Fields) != ncarried {
			return nil, bad
		}
	} else if len(stmts) != 1 {
		return nil, bad
	}
	for k := 0; k < ncarried; k++ {
		f := carrier.Fields.Fields[k]
		e := f.Expr
		if e == nil || f.AsName.O != "" {
			return nil, bad
		}
		if p, ok := e.(*ast.ParenthesesExpr); ok && !isFrameFunc(p.Expr) {
			e = p.Expr
		}
		exprs[k] = e
	}
	var c limitCollector
	stmts[0].Accept(&c)
	if carrier != nil {
		carrier.Fields.Accept(&c)
	}
	find := func(e ast.ExprNode) (ast.ExprNode, bool) {
		m, ok := e.(*driver.ParamMarkerExpr)
		if !ok {
			return e, false
		}
		for _, lm := range markers {
			if lm.off == m.Offset {
				if lm.k < 0 {
					// No count: NULL, which LIMIT reads as none (a nil
					// Count would not Restore).
					return ast.NewValueExpr(nil, "", ""), true
				}
				return exprs[lm.k], true
			}
		}
		return e, false
	}
	placeFrames(c.frames, find)
	for idx, l := range c.limits {
		if l.Count != nil {
			l.Count, _ = find(l.Count)
		}
		if l.Offset != nil {
			l.Offset, _ = find(l.Offset)
		}
		if isWithTies(l.Count) {
			var ob *ast.OrderByClause
			var lock *ast.SelectLockInfo
			switch o := c.owners[idx].(type) {
			case *ast.SelectStmt:
				ob, lock = o.OrderBy, o.LockInfo
			case *ast.SetOprStmt:
				ob = o.OrderBy
			}
			if ob == nil {
				return nil, pgerror.New(pgerror.SyntaxError, "WITH TIES cannot be specified without ORDER BY clause")
			}
			if lock != nil && (lock.LockType == ast.SelectLockForUpdateSkipLocked || lock.LockType == ast.SelectLockForShareSkipLocked) {
				return nil, pgerror.New(pgerror.SyntaxError, "SKIP LOCKED and WITH TIES options cannot be used together")
			}
		}
	}
	return stmts[0], nil
}

// isWithTies reports whether a Limit's count is WithTiesFunc(n).
func isWithTies(e ast.ExprNode) bool {
	f, ok := e.(*ast.FuncCallExpr)
	return ok && f.FnName.L == WithTiesFunc
}
