package planner

// pruneColumns is the projection-pruning rule: a table scan decodes only
// the columns something above it reads (Scan.Needed), so that a query
// over a few columns of a wide table does not pay for the others (TPC-H
// Q1 reads 7 of lineitem's 16). It walks the plan from the root with the
// set of each node's output columns that are needed. The rule is
// conservative: every expression a node evaluates counts, needed or not
// (so errors stay where PostgreSQL raises them), and a node it does not
// know, or an expression with a correlated subquery (which reads the row
// by position), keeps every column below it.
func pruneColumns(root Node) {
	need(root, allTrue(len(root.Output())))
}

func allTrue(n int) []bool {
	r := make([]bool, n)
	for i := range r {
		r[i] = true
	}
	return r
}

// refsInto marks in req the input columns es read; it reports false when
// an expression holds a correlated subquery (then every column counts).
func refsInto(req []bool, es ...Expr) bool {
	ok := true
	for _, e := range es {
		walkCols(e, func(c int) {
			if c >= 0 && c < len(req) {
				req[c] = true
			}
		}, func() { ok = false })
	}
	return ok
}

// need records that the columns req of n's output are read, and passes
// what n itself reads on to its inputs.
func need(n Node, req []bool) {
	all := func(in Node) { need(in, allTrue(len(in.Output()))) }
	// from returns req over in's columns plus what es read (all when they
	// hold a correlated subquery).
	from := func(in Node, pass bool, es ...Expr) []bool {
		r := make([]bool, len(in.Output()))
		if pass {
			copy(r, req)
		}
		if !refsInto(r, es...) {
			return allTrue(len(r))
		}
		return r
	}
	switch x := n.(type) {
	case *Scan:
		if x.WithKey || len(req) != len(x.Table.Columns()) {
			x.Needed = nil
			return
		}
		for _, r := range req {
			if !r {
				x.Needed = append([]bool(nil), req...)
				return
			}
		}
		x.Needed = nil
	case *Filter:
		need(x.Input, from(x.Input, true, x.Cond))
	case *Project:
		// A column or constant nobody above reads cannot fail: leave it
		// out (a join's column-reordering Project lists every column).
		es := make([]Expr, 0, len(x.Exprs))
		for i, e := range x.Exprs {
			if i >= len(req) || req[i] || !droppable(e) {
				es = append(es, e)
			}
		}
		need(x.Input, from(x.Input, false, es...))
	case *Sort:
		r := from(x.Input, true)
		for _, k := range x.Keys {
			r[k.Col] = true
		}
		need(x.Input, r)
	case *Limit:
		r := from(x.Input, true, x.Count, x.Offset)
		for _, k := range x.TieKeys { // WITH TIES compares them
			r[k.Col] = true
		}
		need(x.Input, r)
	case *Agg:
		es := append([]Expr{}, x.GroupBy...)
		for _, a := range x.Aggs {
			es = append(es, a.Args...)
			if a.Filter != nil {
				es = append(es, a.Filter)
			}
			for _, o := range a.Order {
				es = append(es, o.Expr)
			}
		}
		need(x.Input, from(x.Input, false, es...))
	case *Join:
		nl := len(x.Left.Output())
		joined := make([]bool, nl+len(x.Right.Output()))
		copy(joined, req)
		if !refsInto(joined, x.Cond) {
			all(x.Left)
			all(x.Right)
			return
		}
		if x.Lateral {
			// The right side reads the left row through outer references
			// (level 1). When it is a simple chain over a scan (an index
			// nested loop's lookup) they are all known (lateralRefs), and
			// the left needs them plus what is read above; otherwise the
			// left keeps every column. The right side's own references
			// are its columns as usual (an EXISTS's `SELECT *` reads none
			// of them, so an index lookup there can be index-only).
			if refs, ok := lateralRefs(x.Right, nil); ok {
				left := joined[:nl]
				for _, c := range refs {
					if c >= 0 && c < nl {
						left[c] = true
					}
				}
				need(x.Left, left)
			} else {
				all(x.Left)
			}
			need(x.Right, joined[nl:])
			return
		}
		left, right := joined[:nl], joined[nl:]
		if !refsInto(left, x.LeftKeys...) || !refsInto(right, x.RightKeys...) {
			all(x.Left)
			all(x.Right)
			return
		}
		need(x.Left, left)
		need(x.Right, right)
	default:
		for _, in := range childNodes(n) {
			all(in)
		}
	}
}
