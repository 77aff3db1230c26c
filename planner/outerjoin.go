package planner

// reduceOuter is the outer-join simplification rule (PostgreSQL's
// reduce_outer_joins), run on a FROM tree with its WHERE clause before
// the join rule flattens it:
//
//   - a LEFT JOIN under a WHERE conjunct that cannot be true when the
//     nullable side's columns are all NULL (`pl.v > 5`, `pl.k IS NOT
//     NULL`, any strict operator over them) can produce no NULL-extended
//     row that survives: it is an inner join, which the join-order
//     search may then reorder with the others. A FULL JOIN becomes a
//     LEFT JOIN the same way when a conjunct rejects NULLs of its left
//     side (its NULL-extended right rows go), and an inner join when
//     conjuncts reject NULLs of both sides;
//   - a conjunct over a remaining LEFT JOIN's preserved side alone
//     filters that side before the join instead of the joined rows (the
//     same rows survive: each output row carries its left row).
//
// The walk enters only joins reachable through inner joins from the
// top, where WHERE applies to their output as a whole; conjuncts with
// correlated subqueries or volatile calls are not moved.
func reduceOuter(input Node, where Expr) (Node, Expr) {
	conds := conjuncts(where)
	if len(conds) == 0 {
		return input, where
	}
	if _, ok := input.(*Join); !ok {
		return input, where
	}
	r := &outerReducer{conds: conds, pushed: make([]bool, len(conds))}
	out := r.walk(input, 0, len(input.Output()))
	if !r.changed {
		return input, where
	}
	var rest []Expr
	for i, c := range conds {
		if !r.pushed[i] {
			rest = append(rest, c)
		}
	}
	return out, andOf(rest)
}

// outerReducer carries the WHERE conjuncts (over the FROM layout) and
// which of them moved below a join.
type outerReducer struct {
	conds   []Expr
	pushed  []bool
	changed bool
	// quals are inner joins' ON conjuncts over the FROM layout: they
	// reduce outer joins like WHERE's but never move.
	quals []Expr
}

// walk returns n, whose columns start at off of the FROM layout, with the
// rule applied to it and the joins below it.
func (r *outerReducer) walk(n Node, off, width int) Node {
	j, ok := n.(*Join)
	if !ok || j.Lateral || j.LeftKeys != nil || j.Merge {
		return n
	}
	nl := len(j.Left.Output())
	nr := len(j.Right.Output())
	switch j.Kind {
	case InnerJoin:
		// Its ON conjuncts hold for every row above as WHERE's do: they
		// reduce outer joins below it too (a LEFT JOIN's nullable
		// column equal to a column of a reduced one), though they stay.
		for _, c := range conjuncts(j.Cond) {
			r.quals = append(r.quals, shiftCols(c, off))
		}
		out := *j
		out.Left = r.walk(j.Left, off, nl)
		out.Right = r.walk(j.Right, off+nl, nr)
		if out.Left == j.Left && out.Right == j.Right {
			return n
		}
		return &out
	case LeftJoin:
		if r.rejectsNulls(off+nl, off+nl+nr) {
			out := *j
			out.Kind = InnerJoin
			r.changed = true
			return r.walk(&out, off, width)
		}
		out := *j
		out.Left = r.pushInto(r.walk(j.Left, off, nl), off, nl)
		if out.Left == j.Left {
			return n
		}
		return &out
	case FullJoin:
		left := r.rejectsNulls(off, off+nl)
		right := r.rejectsNulls(off+nl, off+nl+nr)
		switch {
		case left && right:
			out := *j
			out.Kind = InnerJoin
			r.changed = true
			return r.walk(&out, off, width)
		case left:
			out := *j
			out.Kind = LeftJoin
			r.changed = true
			return r.walk(&out, off, width)
		}
	}
	return n
}

// pushInto wraps side (columns [off, off+width) of the FROM layout) in a
// Filter of the WHERE conjuncts that read only its columns.
func (r *outerReducer) pushInto(side Node, off, width int) Node {
	var mine []Expr
	for i, c := range r.conds {
		if r.pushed[i] || hasVolatileCall(c) || !colsWithin(c, off, off+width) {
			continue
		}
		r.pushed[i] = true
		mine = append(mine, shiftCols(c, -off))
	}
	if len(mine) == 0 {
		return side
	}
	r.changed = true
	return &Filter{Input: side, Cond: andOf(mine)}
}

// colsWithin reports whether e reads at least one column, all in
// [lo, hi), and holds no correlated subquery.
func colsWithin(e Expr, lo, hi int) bool {
	any, ok := false, true
	walkCols(e, func(c int) {
		any = true
		if c < lo || c >= hi {
			ok = false
		}
	}, func() { ok = false })
	return any && ok
}

// rejectsNulls reports whether some WHERE conjunct still in place is
// never true when the columns [lo, hi) are all NULL.
func (r *outerReducer) rejectsNulls(lo, hi int) bool {
	in := func(c int) bool { return c >= lo && c < hi }
	for i, c := range r.conds {
		if !r.pushed[i] && !hasCorrelated(c) && rejects(c, in) {
			return true
		}
	}
	for _, c := range r.quals {
		if !hasCorrelated(c) && rejects(c, in) {
			return true
		}
	}
	return false
}

// rejects reports whether the condition e is NULL or false whenever the
// columns in are NULL, whatever the others hold.
func rejects(e Expr, in func(int) bool) bool {
	switch x := e.(type) {
	case *BoolExpr:
		switch x.Op {
		case And:
			for _, a := range x.Args {
				if rejects(a, in) {
					return true
				}
			}
			return false
		case Or:
			for _, a := range x.Args {
				if !rejects(a, in) {
					return false
				}
			}
			return len(x.Args) > 0
		case Not:
			return nullWhen(x.Args[0], in)
		}
	case *NullTest:
		return x.Not && nullWhen(x.X, in)
	}
	return nullWhen(e, in)
}

// nullWhen reports whether e is NULL whenever the columns in are NULL:
// a column of them, or a strict function or operator of such a value.
func nullWhen(e Expr, in func(int) bool) bool {
	switch x := e.(type) {
	case *ColumnRef:
		return in(x.Idx)
	case *Cast:
		return nullWhen(x.X, in)
	case *Call:
		if x.Fn == nil || !x.Fn.Strict {
			return false
		}
		for _, a := range x.Args {
			if nullWhen(a, in) {
				return true
			}
		}
	case *ScalarArrayOp:
		return x.Op != nil && x.Op.Fn != nil && x.Op.Fn.Strict && len(x.Op.Args) > 0 && nullWhen(x.Op.Args[0], in)
	}
	return false
}
