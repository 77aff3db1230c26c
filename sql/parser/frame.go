package parser

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"
)

// FrameFunc describes a window frame, which TiDB's grammar often cannot
// take: an offset that is not a bare number or $n (`INTERVAL '1 day'
// PRECEDING`, `1.5 FOLLOWING`, `(SELECT 1) PRECEDING`) or an EXCLUDE
// clause. A frame reaches TiDB as `<mode> BETWEEN ? PRECEDING AND CURRENT ROW`
// whose marker is replaced after parsing (as LIMIT's are, see limit.go) by
//
//	FrameFunc('<start kind>', <start offset or NULL>, '<end kind>', <end offset or NULL>, '<exclusion>', 0)
//
// with kinds "unbounded preceding", "preceding", "current row",
// "following", "unbounded following" ("" for the implicit end of a frame
// without BETWEEN) and exclusions "", "current row", "group", "ties" ("no
// others" is ""). Each kind's text position is its bound's, the final 0's
// the window's '(': where PostgreSQL reports frame errors. Every frame is
// rewritten so, for those positions.
const FrameFunc = "nqdb_frame"

// frameBoundToks is one parsed frame bound.
type frameBoundToks struct {
	kind string
	a, e int // offset tokens
	at   int // the bound's first token
}

// frameClause rewrites a window frame starting at token i (ROWS, RANGE or
// GROUPS) when TiDB cannot parse it as written.
func (r *rewriter) frameClause(i, b int) (int, bool, error) {
	j := i + 1
	var bounds [2]frameBoundToks
	nb := 1
	if r.tok(j).is("between") {
		nb = 2
		j++
	}
	for k := 0; k < nb; k++ {
		if k == 1 {
			if !r.tok(j).is("and") {
				return 0, false, nil
			}
			j++
		}
		fb, next, ok := r.frameBound(j, b)
		if !ok {
			return 0, false, nil
		}
		bounds[k], j = fb, next
	}
	if nb == 1 {
		bounds[1] = frameBoundToks{kind: "", a: -1, e: -1} // implicit CURRENT ROW
	}
	excl := ""
	hasExcl := false
	if r.tok(j).is("exclude") {
		hasExcl = true
		switch {
		case r.tok(j+1).is("current") && r.tok(j+2).is("row"):
			excl, j = "current row", j+3
		case r.tok(j + 1).is("group"):
			excl, j = "group", j+2
		case r.tok(j + 1).is("ties"):
			excl, j = "ties", j+2
		case r.tok(j+1).is("no") && r.tok(j+2).is("others"):
			j += 3
		default:
			return 0, true, r.syntaxErrAt(j + 1)
		}
	}
	_ = hasExcl
	// The window's '(' (PostgreSQL's position for window errors).
	open, depth := i, 0
	for ; open >= 0; open-- {
		if r.toks[open].isSelf(')') {
			depth++
		} else if r.toks[open].isSelf('(') {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	if open < 0 {
		open = i
	}
	t := &r.toks[i]
	r.addTok(i, t.val)
	r.add(piece{text: "between", orig: t.pos, origEnd: t.end, space: true})
	k, err := r.carryPieces(func() error {
		r.add(piece{text: FrameFunc, orig: t.pos, origEnd: t.end, name: true})
		r.add(piece{text: "(", orig: t.pos, origEnd: t.end, open: '('})
		for n, fb := range bounds {
			if n > 0 {
				r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
			}
			bt := t
			if fb.at > 0 {
				bt = &r.toks[fb.at]
			}
			r.add(piece{text: quoteString(fb.kind), orig: bt.pos, origEnd: bt.end, space: n > 0})
			r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
			if fb.a == fb.e {
				r.add(piece{text: "null", orig: t.pos, origEnd: t.end, space: true})
				continue
			}
			r.add(piece{text: "(", orig: r.toks[fb.a].pos, origEnd: r.toks[fb.a].end, open: '(', space: true})
			if err := r.emitRange(fb.a, fb.e); err != nil {
				return err
			}
			r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
		}
		r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
		r.add(piece{text: quoteString(excl), orig: t.pos, origEnd: t.end, space: true})
		r.add(piece{text: ",", orig: t.pos, origEnd: t.end})
		r.add(piece{text: "0", orig: r.toks[open].pos, origEnd: r.toks[open].end, space: true})
		r.add(piece{text: ")", orig: t.pos, origEnd: t.end, close: ')'})
		return nil
	})
	if err != nil {
		return 0, true, err
	}
	r.addLimitMarker(i, k)
	r.add(piece{text: "preceding and current row", orig: t.pos, origEnd: t.end, space: true})
	return j, true, nil
}

// frameBound parses one frame bound at j.
func (r *rewriter) frameBound(j, b int) (frameBoundToks, int, bool) {
	t := r.tok(j)
	switch {
	case t.is("unbounded") && r.tok(j+1).is("preceding"):
		return frameBoundToks{kind: "unbounded preceding", at: j}, j + 2, true
	case t.is("unbounded") && r.tok(j+1).is("following"):
		return frameBoundToks{kind: "unbounded following", at: j}, j + 2, true
	case t.is("current") && r.tok(j+1).is("row"):
		return frameBoundToks{kind: "current row", at: j}, j + 2, true
	}
	depth := 0
	for k := j; k < b; k++ {
		tk := &r.toks[k]
		switch {
		case tk.isSelf('(') || tk.isSelf('['):
			depth++
		case tk.isSelf(')') || tk.isSelf(']'):
			if depth == 0 {
				return frameBoundToks{}, 0, false
			}
			depth--
		case depth == 0 && (tk.is("preceding") || tk.is("following")) && k > j:
			return frameBoundToks{kind: tk.val, a: j, e: k, at: j}, k + 1, true
		case depth == 0 && (tk.is("and") || tk.is("exclude") || tk.is("order") || tk.is("partition")):
			return frameBoundToks{}, 0, false
		}
	}
	return frameBoundToks{}, 0, false
}

// placeFrames replaces the frame markers of c's frame clauses.
func placeFrames(frames []*ast.FrameClause, find func(ast.ExprNode) (ast.ExprNode, bool)) {
	for _, f := range frames {
		// TiDB places a frame's `? PRECEDING` marker at PRECEDING, the
		// piece after `? `.
		if m, ok := f.Extent.Start.Expr.(*driver.ParamMarkerExpr); ok {
			m.Offset -= 2
			if e, ok := find(m); ok {
				f.Extent.Start.Expr = e
			} else {
				m.Offset += 2
			}
		}
	}
}

func isFrameFunc(e ast.ExprNode) bool {
	f, ok := e.(*ast.FuncCallExpr)
	return ok && f.FnName.L == FrameFunc
}
