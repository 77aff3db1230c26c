package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// narrowRows is the narrow-rows rule: only the columns a query reads
// travel between operators. Projection pruning (prune.go) makes a scan
// decode only the columns something above it reads, but the rows still
// carry a slot for every column of every table joined (the unread ones
// NULL): a join's row is the concatenation of both full-width inputs, and
// every hash table, sort buffer and spill file above holds them. This
// rule rewrites the plan so that each node outputs only the columns its
// parent reads, as PostgreSQL's target lists do:
//
//   - where a row is kept or copied (a join's inputs: the hash table, the
//     concatenated output; a Sort's input), a node that outputs columns
//     nobody above reads gets a Project of the read ones over it. A Scan
//     (or a Filter over a Scan, which the executor fuses) stays as it is
//     below that Project, so scans keep decoding only their needed
//     columns and filtering before anything is copied;
//   - every node between remaps its expressions' column references
//     (Filter, Join conditions and keys, Sort keys, Limit's tie keys,
//     Agg's grouping and arguments, Window's functions, Distinct ON), and
//     a Project drops the output columns nobody reads when they are plain
//     column references, constants or parameters (nothing that could
//     fail); Project and Agg outputs otherwise stay as they are;
//   - the rule is conservative where pruneColumns is: every expression a
//     node evaluates counts, and an expression that reads the row by
//     position in a way the rule cannot remap (a correlated subquery's
//     outer references, GROUPING) keeps every column below that node. A
//     LATERAL join keeps both sides whole (the right side reads the left
//     row through outer references), as does a node the rule does not
//     know (it is not entered at all).
//
// EXPLAIN names columns through the Projects (explain.go deparses their
// expressions over the names below), so its output reads the same; its
// widths are then the read columns' widths, as PostgreSQL's.
//
// The rule runs after pruneColumns and useIndexOnly (which read
// Scan.Needed and the scans' shapes) and before parallelize, whose chains
// pass through Projects. Uncorrelated subqueries' plans (InitPlans) and
// materialized CTEs get it too, with every output column read.
func narrowRows(root Node) Node {
	if root == nil {
		return nil
	}
	nr := &narrower{plans: map[Node]Node{}, shared: sharedNodes(root)}
	out, _ := nr.narrow(root, allTrue(len(root.Output())))
	nr.subplans(out)
	return out
}

// narrowPlan is narrowRows for a plan whose every output column is read
// elsewhere (a materialized CTE's).
func narrowPlan(n Node) Node { return narrowRows(n) }

type narrower struct {
	// plans maps a subplan's plan to its narrowed form, so that SubPlan
	// copies sharing one plan share the result.
	plans map[Node]Node
	// shared are nodes reachable along more than one path: they are left
	// as they are (narrowing one in place for one parent would change
	// what the other reads).
	shared map[Node]bool
}

// sharedNodes returns the nodes of the tree under root that more than one
// parent holds.
func sharedNodes(root Node) map[Node]bool {
	seen := map[Node]bool{}
	shared := map[Node]bool{}
	var walk func(Node)
	walk = func(n Node) {
		if n == nil {
			return
		}
		if seen[n] {
			shared[n] = true
			return
		}
		seen[n] = true
		for _, k := range childNodes(n) {
			walk(k)
		}
	}
	walk(root)
	return shared
}

// readsInto marks in req the input columns es read; it reports false when
// an expression reads the row in a way a remap cannot follow (then every
// column counts).
func readsInto(req []bool, es ...Expr) bool {
	ok := refsInto(req, es...)
	for _, e := range es {
		walkExprs(e, func(c Expr) {
			switch c.(type) {
			case *GroupingFunc, *aggRef, *winRef, *groupingRef:
				ok = false
			}
		})
	}
	return ok
}

// at is column i's position after mapping m (nil = unchanged).
func at(m []int, i int) int {
	if m == nil {
		return i
	}
	return m[i]
}

// remap returns e reading its columns through m.
func remap(e Expr, m []int) Expr {
	if m == nil || e == nil {
		return e
	}
	return mapCols(e, func(c int) int {
		if c >= 0 && c < len(m) && m[c] >= 0 {
			return m[c]
		}
		return c // not read (readsInto marked every column read)
	})
}

func remapList(es []Expr, m []int) []Expr {
	if m == nil || es == nil {
		return es
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = remap(e, m)
	}
	return out
}

func remapAgg(a AggCall, m []int) AggCall {
	if m == nil {
		return a
	}
	a.Args = remapList(a.Args, m)
	a.Filter = remap(a.Filter, m)
	if a.Order != nil {
		o := make([]AggOrder, len(a.Order))
		for i, k := range a.Order {
			k.Expr = remap(k.Expr, m)
			o[i] = k
		}
		a.Order = o
	}
	return a
}

func aggExprs(a AggCall) []Expr {
	es := append([]Expr{}, a.Args...)
	if a.Filter != nil {
		es = append(es, a.Filter)
	}
	for _, o := range a.Order {
		es = append(es, o.Expr)
	}
	return es
}

// orAll returns req over n columns plus what es read, or all columns
// when es read the row by position.
func orAll(req []bool, n int, es ...Expr) []bool {
	r := make([]bool, n)
	copy(r, req)
	if !readsInto(r, es...) {
		return allTrue(n)
	}
	return r
}

// droppable: an expression a Project may leave out when nobody reads
// it (it cannot fail or have effects).
func droppable(e Expr) bool {
	switch e.(type) {
	case *ColumnRef, *Const, *Param, *OuterRef:
		return true
	}
	return false
}

// narrow rewrites n (in place where it can) so that it outputs at least
// the columns req marks, and returns it with where each of its old
// output columns went (-1: dropped; nil: nowhere else, nothing dropped).
func (nr *narrower) narrow(n Node, req []bool) (Node, []int) {
	if nr.shared[n] {
		return n, nil
	}
	switch x := n.(type) {
	case *Filter:
		in, m := nr.narrow(x.Input, orAll(req, len(x.Input.Output()), x.Cond))
		x.Input, x.Cond = in, remap(x.Cond, m)
		return x, m
	case *Project:
		return nr.project(x, req)
	case *Sort:
		r := orAll(req, len(x.Input.Output()))
		for _, k := range x.Keys {
			r[k.Col] = true
		}
		in, m := nr.input(x.Input, r)
		x.Input = in
		if m != nil {
			keys := make([]SortKey, len(x.Keys))
			for i, k := range x.Keys {
				k.Col = m[k.Col]
				keys[i] = k
			}
			x.Keys = keys
		}
		return x, m
	case *Limit:
		r := orAll(req, len(x.Input.Output()), x.Count, x.Offset)
		for _, k := range x.TieKeys {
			r[k.Col] = true
		}
		in, m := nr.narrow(x.Input, r)
		x.Input = in
		if m != nil {
			x.Count, x.Offset = remap(x.Count, m), remap(x.Offset, m)
			keys := make([]SortKey, len(x.TieKeys))
			for i, k := range x.TieKeys {
				k.Col = m[k.Col]
				keys[i] = k
			}
			if x.TieKeys != nil {
				x.TieKeys = keys
			}
		}
		return x, m
	case *Agg:
		es := append([]Expr{}, x.GroupBy...)
		for _, a := range x.Aggs {
			es = append(es, aggExprs(a)...)
		}
		in, m := nr.narrow(x.Input, orAll(nil, len(x.Input.Output()), es...))
		x.Input = in
		if m != nil {
			x.GroupBy = remapList(x.GroupBy, m)
			aggs := make([]AggCall, len(x.Aggs))
			for i, a := range x.Aggs {
				aggs[i] = remapAgg(a, m)
			}
			x.Aggs = aggs
		}
		return x, nil
	case *Distinct:
		nin := len(x.Input.Output())
		if x.On == nil {
			// Whole rows are compared: every column counts.
			x.Input, _ = nr.narrow(x.Input, allTrue(nin))
			return x, nil
		}
		r := orAll(req, nin)
		for _, c := range x.On {
			r[c] = true
		}
		in, m := nr.narrow(x.Input, r)
		x.Input = in
		if m != nil {
			on := make([]int, len(x.On))
			for i, c := range x.On {
				on[i] = m[c]
			}
			x.On = on
		}
		return x, m
	case *Window:
		return nr.window(x, req)
	case *Join:
		return nr.join(x, req)
	case *Append:
		for i, in := range x.Inputs {
			x.Inputs[i], _ = nr.narrow(in, allTrue(len(in.Output())))
		}
		return x, nil
	case *ProjectSet:
		in, m := nr.narrow(x.Input, orAll(nil, len(x.Input.Output()), x.Exprs...))
		x.Input, x.Exprs = in, remapList(x.Exprs, m)
		return x, nil
	}
	// Scans, Values, Result, WorkTableScan: leaves whose width is their
	// own (a Project above narrows them where it pays); anything else is
	// not entered.
	return n, nil
}

// project narrows a Project: its input to what its expressions read, and
// its output by the plain expressions nobody above reads.
func (nr *narrower) project(x *Project, req []bool) (Node, []int) {
	keep := make([]bool, len(x.Exprs))
	kept := 0
	for i, e := range x.Exprs {
		if (i < len(req) && req[i]) || !droppable(e) {
			keep[i] = true
			kept++
		}
	}
	if kept == 0 && len(keep) > 0 {
		keep[0] = true // never a row of no columns
		kept = 1
	}
	var es []Expr
	for i, e := range x.Exprs {
		if keep[i] {
			es = append(es, e)
		}
	}
	in, m := nr.narrow(x.Input, orAll(nil, len(x.Input.Output()), es...))
	x.Input = in
	if kept == len(x.Exprs) {
		x.Exprs = remapList(x.Exprs, m)
		return x, nil
	}
	out := make([]int, len(x.Exprs))
	j := 0
	for i := range x.Exprs {
		out[i] = -1
		if keep[i] {
			out[i] = j
			j++
		}
	}
	x.Exprs = remapList(es, m)
	return x, out
}

// input narrows n for a parent that keeps or copies its rows (a join, a
// sort): what narrow leaves wider than req gets a Project of the read
// columns over it.
func (nr *narrower) input(n Node, req []bool) (Node, []int) {
	n, m := nr.narrow(n, req)
	ts := n.Output()
	// The columns of n's new output that are read.
	read := make([]bool, len(ts))
	for i, r := range req {
		if r {
			if p := at(m, i); p >= 0 && p < len(read) {
				read[p] = true
			}
		}
	}
	cols := make([]int, 0, len(ts))
	for i, r := range read {
		if r {
			cols = append(cols, i)
		}
	}
	if len(cols) == len(ts) {
		return n, m
	}
	if len(cols) == 0 {
		cols = append(cols, 0) // never a row of no columns
	}
	if widthOf(ts) == 0 {
		return n, m
	}
	exprs := make([]Expr, len(cols))
	pos := make([]int, len(ts))
	for i := range pos {
		pos[i] = -1
	}
	for j, c := range cols {
		exprs[j] = &ColumnRef{Idx: c, T: ts[c]}
		pos[c] = j
	}
	// Compose: old column -> n's column -> the Project's.
	out := make([]int, len(req))
	for i := range out {
		out[i] = -1
		if p := at(m, i); p >= 0 {
			out[i] = pos[p]
		}
	}
	return &Project{Input: n, Exprs: exprs}, out
}

// join narrows a join's inputs to what its parent, condition and keys
// read. A LATERAL join's right side reads the left row through outer
// references: when it is a simple chain (lateralRefs) those are remapped
// too, else both sides stay whole.
func (nr *narrower) join(x *Join, req []bool) (Node, []int) {
	nl, nrt := len(x.Left.Output()), len(x.Right.Output())
	semi := x.Kind == SemiJoin || x.Kind == AntiJoin
	whole := func() (Node, []int) {
		x.Left, _ = nr.narrow(x.Left, allTrue(nl))
		if !x.Lateral {
			x.Right, _ = nr.narrow(x.Right, allTrue(nrt))
		}
		return x, nil
	}
	joined := make([]bool, nl+nrt)
	if semi {
		copy(joined[:nl], req)
	} else {
		copy(joined, req)
	}
	left, right := joined[:nl], joined[nl:]
	if !readsInto(joined, x.Cond) || !readsInto(left, x.LeftKeys...) || !readsInto(right, x.RightKeys...) {
		return whole()
	}
	if x.Lateral {
		refs, ok := lateralRefs(x.Right, nil)
		if !ok || nr.shared[x.Right] {
			return whole()
		}
		for _, c := range refs {
			if c < 0 || c >= nl {
				return whole()
			}
			left[c] = true
		}
	}
	l, ml := nr.input(x.Left, left)
	if x.Lateral && ml != nil {
		remapLateral(x.Right, ml)
	}
	r, mr := nr.input(x.Right, right)
	x.Left, x.Right = l, r
	if ml == nil && mr == nil {
		return x, nil
	}
	nl2 := len(l.Output())
	mj := make([]int, nl+nrt)
	for i := range mj {
		if i < nl {
			mj[i] = at(ml, i)
		} else if p := at(mr, i-nl); p >= 0 {
			mj[i] = nl2 + p
		} else {
			mj[i] = -1
		}
	}
	x.Cond = remap(x.Cond, mj)
	x.LeftKeys = remapList(x.LeftKeys, ml)
	x.RightKeys = remapList(x.RightKeys, mr)
	ts := append([]*types.T{}, l.Output()...)
	if semi {
		x.Types = ts
		if ml == nil {
			return x, nil
		}
		return x, ml
	}
	x.Types = append(ts, r.Output()...)
	return x, mj
}

// lateralRefs appends to refs the left columns a LATERAL join's right
// side n reads (outer references of level 1); ok is false unless n is a
// chain of Filters and Projects over a Scan whose expressions hold no
// subquery (whose plans could read the row at other levels).
func lateralRefs(n Node, refs []int) ([]int, bool) {
	ok := true
	visit := func(es ...Expr) {
		for _, e := range es {
			walkExprs(e, func(c Expr) {
				switch y := c.(type) {
				case *OuterRef:
					if y.Level == 1 {
						refs = append(refs, y.Idx)
					}
				case *SubPlan, *GroupingFunc, *aggRef, *winRef, *groupingRef:
					ok = false
				}
			})
		}
	}
	switch x := n.(type) {
	case *Filter:
		visit(x.Cond)
		refs, okIn := lateralRefs(x.Input, refs)
		return refs, ok && okIn
	case *Project:
		visit(x.Exprs...)
		refs, okIn := lateralRefs(x.Input, refs)
		return refs, ok && okIn
	case *Scan:
		if x.WithKey {
			return refs, false
		}
		if k := x.Key; k != nil {
			visit(keyExprs(k)...)
		}
		return refs, ok
	}
	return refs, false
}

// keyExprs lists the expressions of a key lookup.
func keyExprs(k *KeyLookup) []Expr {
	es := append([]Expr{}, k.Values...)
	for _, b := range k.Lower {
		es = append(es, b.Value)
	}
	for _, b := range k.Upper {
		es = append(es, b.Value)
	}
	es = append(es, k.In...)
	for _, l := range k.Like {
		es = append(es, l.Pattern, l.Escape)
	}
	return append(es, k.InArray)
}

// remapLateral makes the outer references of level 1 in a LATERAL join's
// right side (a chain lateralRefs accepted) read the left row through m.
func remapLateral(n Node, m []int) {
	f := func(e Expr) Expr { return mapOuter1(e, m) }
	fs := func(es []Expr) []Expr {
		if es == nil {
			return nil
		}
		out := make([]Expr, len(es))
		for i, e := range es {
			out[i] = f(e)
		}
		return out
	}
	switch x := n.(type) {
	case *Filter:
		x.Cond = f(x.Cond)
		remapLateral(x.Input, m)
	case *Project:
		x.Exprs = fs(x.Exprs)
		remapLateral(x.Input, m)
	case *Scan:
		if x.Key == nil {
			return
		}
		k := *x.Key
		k.Values, k.In, k.InArray = fs(k.Values), fs(k.In), f(k.InArray)
		bounds := func(bs []KeyBound) []KeyBound {
			if bs == nil {
				return nil
			}
			out := make([]KeyBound, len(bs))
			for i, b := range bs {
				b.Value = f(b.Value)
				out[i] = b
			}
			return out
		}
		k.Lower, k.Upper = bounds(k.Lower), bounds(k.Upper)
		if k.Like != nil {
			k.Like = append([]KeyLike(nil), k.Like...)
			for i := range k.Like {
				k.Like[i].Pattern, k.Like[i].Escape = f(k.Like[i].Pattern), f(k.Like[i].Escape)
			}
		}
		x.Key = &k
	}
}

// mapOuter1 returns e with its outer references of level 1 reading
// column m[idx] of the outer row.
func mapOuter1(e Expr, m []int) Expr {
	if e == nil {
		return nil
	}
	if o, ok := e.(*OuterRef); ok {
		if o.Level != 1 || o.Idx < 0 || o.Idx >= len(m) || m[o.Idx] < 0 {
			return e
		}
		n := *o
		n.Idx = m[o.Idx]
		return &n
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return mapOuter1(c, m), nil })
	return out
}

// window narrows a Window's input to what its parent and its functions
// read; the functions' columns follow the input's.
func (nr *narrower) window(x *Window, req []bool) (Node, []int) {
	nin := len(x.Input.Output())
	var es []Expr
	for _, f := range x.Funcs {
		es = append(es, f.Args...)
		es = append(es, f.Partition...)
		for _, o := range f.Order {
			es = append(es, o.Expr)
		}
		if f.Agg != nil {
			es = append(es, aggExprs(*f.Agg)...)
		}
		es = append(es, f.Start.Offset, f.End.Offset)
	}
	r := make([]bool, nin)
	copy(r, req)
	if !readsInto(r, es...) {
		r = allTrue(nin)
	}
	in, m := nr.input(x.Input, r)
	x.Input = in
	if m == nil {
		return x, nil
	}
	funcs := make([]*WindowFunc, len(x.Funcs))
	for i, f := range x.Funcs {
		g := *f
		g.Args = remapList(f.Args, m)
		g.Partition = remapList(f.Partition, m)
		if f.Order != nil {
			g.Order = make([]WinOrder, len(f.Order))
			for k, o := range f.Order {
				o.Expr = remap(o.Expr, m)
				g.Order[k] = o
			}
		}
		if f.Agg != nil {
			a := remapAgg(*f.Agg, m)
			g.Agg = &a
		}
		g.Start.Offset, g.End.Offset = remap(f.Start.Offset, m), remap(f.End.Offset, m)
		funcs[i] = &g
	}
	x.Funcs = funcs
	nin2 := len(in.Output())
	out := make([]int, nin+len(x.Funcs))
	for i := range out {
		if i < nin {
			out[i] = m[i]
		} else {
			out[i] = nin2 + i - nin
		}
	}
	return x, out
}

// subplans narrows the plans of the uncorrelated subqueries (InitPlans)
// in the expressions of the tree under n: each is a query of its own
// whose every output column is read.
func (nr *narrower) subplans(n Node) {
	walkNodes(n, func(x Node) {
		for _, e := range nodeExprs(x) {
			walkExprs(e, func(c Expr) {
				sp, ok := c.(*SubPlan)
				if !ok || sp.Correlated || sp.Plan == nil {
					return
				}
				if p, done := nr.plans[sp.Plan]; done {
					sp.Plan = p
					return
				}
				orig := sp.Plan
				sub := &narrower{plans: nr.plans, shared: sharedNodes(orig)}
				p, _ := sub.narrow(orig, allTrue(len(orig.Output())))
				nr.plans[orig], nr.plans[p] = p, p
				sp.Plan = p
				sub.subplans(p)
			})
		}
	})
}

// nodeExprs lists the expressions a node evaluates over its input rows.
func nodeExprs(n Node) []Expr {
	switch x := n.(type) {
	case *Filter:
		return []Expr{x.Cond}
	case *Project:
		return x.Exprs
	case *ProjectSet:
		return x.Exprs
	case *Result:
		return append([]Expr{x.Where}, x.Exprs...)
	case *Join:
		return append(append([]Expr{x.Cond}, x.LeftKeys...), x.RightKeys...)
	case *Limit:
		return []Expr{x.Count, x.Offset}
	case *Agg:
		es := append([]Expr{}, x.GroupBy...)
		for _, a := range x.Aggs {
			es = append(es, aggExprs(a)...)
		}
		return es
	}
	return nil
}

// scanWidth is the width EXPLAIN prints for a scan: its needed columns',
// as PostgreSQL's scan target lists hold only those.
func scanWidth(s *Scan) int {
	if s.Needed == nil || len(s.Needed) != len(s.Types) {
		return widthOf(s.Types)
	}
	var ts []*types.T
	for i, t := range s.Types {
		if s.Needed[i] {
			ts = append(ts, t)
		}
	}
	return widthOf(ts)
}

// planWidth estimates the bytes of a row of n once narrowRows has
// dropped the columns nothing above reads, from the scans' Needed marks
// (pruneColumns): the merge-join rule runs before narrowRows and prices
// a hash table by it, so q07's sides must not count the 35 columns of
// five tables when 8 travel.
func planWidth(n Node) int {
	switch x := n.(type) {
	case *Scan:
		return scanWidth(x)
	case *Filter:
		return planWidth(x.Input)
	case *Sort:
		return planWidth(x.Input)
	case *Join:
		if x.Kind == SemiJoin || x.Kind == AntiJoin {
			return planWidth(x.Left)
		}
		return planWidth(x.Left) + planWidth(x.Right)
	}
	return widthOf(n.Output())
}
