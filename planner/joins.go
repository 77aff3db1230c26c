package planner

import (
	"math"
	"math/bits"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// RowEstimator is implemented by catalogs that can tell how many rows a
// table holds, roughly; the join rule orders joins by it. A negative
// answer means unknown.
type RowEstimator interface {
	EstimateRows(t Table) float64
}

// unknownRows is the row count assumed for a relation nothing is known
// about (a derived table, a function, a catalog view).
const unknownRows = 1000

// Selectivities assumed for a filter conjunct without statistics, close
// to PostgreSQL's defaults for the same situation (DEFAULT_EQ_SEL is
// smaller, but our tables have no distinct counts yet and equality on a
// non-key column is rarely that selective in practice).
const (
	eqSel    = 0.05
	rangeSel = 1.0 / 3
	otherSel = 0.5
)

// joinRel is one relation of a flattened inner join: a FROM item (table,
// derived table, outer or lateral join) with its place in the FROM
// clause's column layout and its estimated size.
type joinRel struct {
	node  Node
	off   int
	width int
	base  float64 // rows before the relation's own filters
	rows  float64 // rows after them
}

// joinPred is a conjunct of WHERE or of an inner join's ON clause over
// the FROM layout, with the set of relations it reads.
type joinPred struct {
	e    Expr
	mask uint64
	used bool
}

// planJoins is the join rule, run on each SELECT's FROM tree and WHERE
// clause once both are bound. Inner joins (explicit, CROSS or comma) are
// flattened into their relations and the conjuncts of WHERE and of their
// ON clauses; conjuncts over one relation become a filter right above it
// (where the key-lookup rule can turn them into index ranges), and the
// relations are joined in the order a JoinOrderer finds cheapest
// (joinorder.go: dynamic programming up to MaxDPRelations relations,
// greedy above), each join a hash join on the equalities between the
// two sides when there are any. A Project restores the FROM clause's column order, so nothing
// above notices. Conjuncts the rule must not move (those with correlated
// subqueries, which read the FROM row by position, and those over no
// relation) come back as the residual WHERE. Outer joins keep their
// place and get hash keys from their ON clause (see planOuter).
func (b *binder) planJoins(input Node, where Expr) (Node, Expr) {
	var rels []*joinRel
	var conds []Expr
	input, where = reduceOuter(input, where) // outerjoin.go
	if !b.flatten(input, 0, &rels, &conds) || len(rels) > 64 {
		return input, where
	}
	where = b.pullUpIn(&rels, where) // inpullup.go
	if len(rels) == 1 {
		conds := conjuncts(where)
		// The FROM rows' estimate, for the subquery rules' costs (none
		// when no conjunct is for them: the common, cheap case).
		var est *semiEst
		var own []Expr
		for _, c := range conds {
			if !subqueryCandidate(c) && !hasCorrelated(c) {
				own = append(own, c)
			}
		}
		if len(own) < len(conds) {
			r := *rels[0]
			b.estimate(&r, own)
			est = &semiEst{b: b, rows: r.rows}
		}
		root, rest := decorrelate(rels[0].node, conds, est)
		return root, andOf(rest)
	}
	var preds []*joinPred
	var residual []Expr
	local := make([][]Expr, len(rels))
	for _, c := range factorOrs(append(conds, conjuncts(where)...)) {
		mask, pinned := relsOf(c, rels)
		switch {
		case pinned || mask == 0:
			residual = append(residual, c)
		case bits.OnesCount64(mask) == 1:
			r := bits.TrailingZeros64(mask)
			local[r] = append(local[r], shiftCols(c, -rels[r].off))
		default:
			preds = append(preds, &joinPred{e: c, mask: mask})
		}
	}
	for _, p := range preds {
		for r, e := range orRestrictions(p, rels) {
			local[r] = append(local[r], e)
		}
	}
	for i, r := range rels {
		b.estimate(r, local[i])
		if len(local[i]) > 0 {
			r.node = &Filter{Input: r.node, Cond: andOf(local[i])}
		}
	}
	preds = impliedEqualities(preds, rels) // eqclass.go
	// The FROM rows' estimate, for the subquery rules' costs (only the
	// residual conjuncts can be theirs).
	var est *semiEst
	if len(residual) > 0 {
		est = &semiEst{b: b, rows: b.joinGraph(rels, preds).SetRows(1<<len(rels) - 1)}
	}
	root, layout := b.orderJoins(rels, preds)
	// Any predicate left over (none should be: every one is applied once
	// its relations are joined) goes back to the residual.
	for _, p := range preds {
		if !p.used {
			residual = append(residual, p.e)
		}
	}
	root, residual = decorrelate(restoreFrom(root, layout, input.Output()), residual, est)
	return root, andOf(residual)
}

// flatten collects the relations and ON conjuncts of a tree of inner
// joins, in FROM layout positions. It reports false when the tree must
// stay as it is: an ON clause with a correlated subquery reads the join's
// row by position.
func (b *binder) flatten(n Node, off int, rels *[]*joinRel, conds *[]Expr) bool {
	j, ok := n.(*Join)
	if !ok || j.Kind != InnerJoin || j.Lateral {
		*rels = append(*rels, &joinRel{node: b.planOuter(n), off: off, width: len(n.Output())})
		return true
	}
	nl := len(j.Left.Output())
	if !b.flatten(j.Left, off, rels, conds) || !b.flatten(j.Right, off+nl, rels, conds) {
		return false
	}
	for _, c := range conjuncts(j.Cond) {
		if hasCorrelated(c) {
			return false
		}
		*conds = append(*conds, shiftCols(c, off))
	}
	return true
}

// planOuter applies the join rule inside a LEFT or FULL JOIN: both sides
// are planned on their own, the ON conjuncts over a LEFT JOIN's nullable
// side alone filter it before the join, and the equalities between the
// sides become hash keys (a FULL JOIN has at least one: buildFrom checks).
// Other nodes come back unchanged.
func (b *binder) planOuter(n Node) Node {
	if j, ok := n.(*Join); ok && j.Kind == RightJoin && !j.Lateral && j.LeftKeys == nil {
		return b.planRight(j) // hashright.go
	}
	j, ok := n.(*Join)
	if !ok || (j.Kind != LeftJoin && j.Kind != FullJoin) || j.Lateral || j.LeftKeys != nil {
		return n
	}
	out := *j
	out.Left = b.planSide(j.Left)
	out.Right = b.planSide(j.Right)
	nl := len(j.Left.Output())
	sides := []*joinRel{{off: 0, width: nl}, {off: nl, width: len(j.Right.Output())}}
	var rest, right []Expr
	for _, c := range conjuncts(j.Cond) {
		mask, pinned := relsOf(c, sides)
		switch {
		case pinned:
			return n
		case mask == 2 && j.Kind == LeftJoin:
			right = append(right, shiftCols(c, -nl))
		default:
			rest = append(rest, c)
		}
	}
	if len(right) > 0 {
		out.Right = &Filter{Input: out.Right, Cond: andOf(right)}
	}
	side := func(e Expr) (int, bool) {
		m, pinned := relsOf(e, sides)
		return int(m), !pinned
	}
	rest, out.LeftKeys, out.RightKeys = hashKeys(rest, side, nl)
	if out.Kind == FullJoin && len(out.LeftKeys) == 0 {
		// Keys only a merge join takes (mergejoin.go).
		rest, out.LeftKeys, out.RightKeys = fullMergeKeys(rest, side, nl)
		out.Merge = len(out.LeftKeys) > 0
	}
	out.Cond = andOf(rest)
	return &out
}

// planSide plans one input of an outer join on its own; conditions the
// rule hands back (those over no relation, `ON false`) filter it.
func (b *binder) planSide(n Node) Node {
	out, rest := b.planJoins(n, nil)
	if rest != nil {
		out = &Filter{Input: out, Cond: rest}
	}
	return out
}

// hashKeys splits conjuncts into hash join keys (equalities between an
// expression over the left side and one over the right side, of a type
// whose equal values have one text form) and the rest. side reports
// which sides an expression reads (bit 1 left, bit 2 right) and whether
// it may be evaluated on one side's row. Left keys keep the join row's
// positions (left columns come first); right keys are shifted to the
// right input's own columns.
func hashKeys(conds []Expr, side func(Expr) (int, bool), nl int) (rest, lk, rk []Expr) {
	return equiKeys(conds, side, nl, func(a, b Expr) bool { return hashable(a.Type(), b.Type()) })
}

// equiKeys splits conds into the equalities between the two sides whose
// operands accept allows (as left keys and right keys, the right ones
// shifted to the right input's columns) and the rest.
func equiKeys(conds []Expr, side func(Expr) (int, bool), nl int, accept func(a, b Expr) bool) (rest, lk, rk []Expr) {
	for _, c := range conds {
		call, ok := c.(*Call)
		if ok && call.Fn.ID == FnEq && len(call.Args) == 2 && accept(call.Args[0], call.Args[1]) {
			ms0, ok0 := side(call.Args[0])
			ms1, ok1 := side(call.Args[1])
			if ok0 && ok1 {
				switch {
				case ms0 == 1 && ms1 == 2:
					lk, rk = append(lk, call.Args[0]), append(rk, shiftCols(call.Args[1], -nl))
					continue
				case ms0 == 2 && ms1 == 1:
					lk, rk = append(lk, call.Args[1]), append(rk, shiftCols(call.Args[0], -nl))
					continue
				}
			}
		}
		rest = append(rest, c)
	}
	return rest, lk, rk
}

// hashable reports whether equal values of types a and b (the operands
// of an `=`) always have the same text form after canonicalisation, so
// that a hash on it finds exactly the pairs `=` accepts. char(n) (which
// ignores trailing blanks), intervals ('1 day' = '24 hours'), float4
// against float8, arrays and json are left to the nested loop.
func hashable(a, b *types.T) bool {
	if isInt(a) && isInt(b) {
		return true
	}
	if a.OID != b.OID {
		return false
	}
	switch a.OID {
	case types.OidBool, types.OidOid, types.OidText, types.OidVarchar, types.OidName,
		types.OidNumeric, types.OidFloat8, types.OidDate, types.OidTimestamp,
		types.OidTimestampTZ, types.OidTime, types.OidUUID, types.OidBytea:
		return true
	}
	return false
}

// eqColumns recognizes `column = column` (through widening casts).
func eqColumns(e Expr) (int, int, bool) {
	c, ok := e.(*Call)
	if !ok || c.Fn.ID != FnEq || len(c.Args) != 2 {
		return 0, 0, false
	}
	a, ok1 := keyColumn(c.Args[0])
	b, ok2 := keyColumn(c.Args[1])
	return a, b, ok1 && ok2
}

// relOf returns the relation holding FROM column c (-1 if none).
func relOf(c int, rels []*joinRel) int {
	for i, r := range rels {
		if c >= r.off && c < r.off+r.width {
			return i
		}
	}
	return -1
}

// coversUniqueKey reports whether cols (r's own column numbers) include
// every column of its table's primary key or of a unique index.
func coversUniqueKey(r *joinRel, cols map[int]bool) bool {
	if len(cols) == 0 {
		return false
	}
	n := r.node
	if f, ok := n.(*Filter); ok {
		n = f.Input
	}
	s, ok := n.(*Scan)
	if !ok {
		return false
	}
	kt, ok := s.Table.(KeyedTable)
	if !ok {
		return false
	}
	covers := func(key []int) bool {
		if len(key) == 0 {
			return false
		}
		for _, c := range key {
			if !cols[c] {
				return false
			}
		}
		return true
	}
	if covers(kt.PrimaryKey()) {
		return true
	}
	for _, ix := range kt.Indexes() {
		if ix.Unique && covers(ix.Columns) {
			return true
		}
	}
	return false
}

// estimate sets r's base and filtered row counts from the catalog and
// the relation's own conjuncts (over its columns).
func (b *binder) estimate(r *joinRel, local []Expr) {
	r.base = unknownRows
	scan, _ := r.node.(*Scan)
	switch x := r.node.(type) {
	case *Scan:
		if est, ok := b.cat.(RowEstimator); ok {
			if n := est.EstimateRows(x.Table); n >= 0 {
				r.base = math.Max(n, 1)
			}
		}
	case *Values:
		r.base = float64(len(x.Rows))
	}
	r.rows = r.base
	if len(local) == 0 {
		return
	}
	if scan != nil {
		if k := chooseKey(scan.Table, andOf(local)); k != nil && k.In == nil && k.Lower == nil && k.Upper == nil && k.Like == nil && uniqueKeyLen(scan.Table, k.Index) == len(k.Values) {
			r.rows = 1
			return
		}
	}
	// The selectivities EXPLAIN and the merge rule use (cardinality.go).
	var t Table
	if scan != nil {
		t = scan.Table
	}
	r.rows *= newCardEst(b.cat).clauseSel(t, local)
	r.rows = math.Max(r.rows, 1)
}

// uniqueKeyLen returns the number of columns of access path index of t
// when it is unique (the primary key, or a unique index), else -1.
func uniqueKeyLen(t Table, index int) int {
	kt, ok := t.(KeyedTable)
	if !ok {
		return -1
	}
	if index == 0 {
		return len(kt.PrimaryKey())
	}
	if ix := kt.Indexes()[index-1]; ix.Unique {
		return len(ix.Columns)
	}
	return -1
}

// conjunctSel is the assumed selectivity of one filter conjunct.
func conjunctSel(e Expr) float64 {
	if c, ok := e.(*Call); ok {
		switch c.Fn.ID {
		case FnEq:
			return eqSel
		case FnLt, FnLe, FnGt, FnGe:
			return rangeSel
		}
	}
	return otherSel
}

// relLayout lists the FROM layout positions of r's columns.
func relLayout(r *joinRel) []int {
	l := make([]int, r.width)
	for i := range l {
		l[i] = r.off + i
	}
	return l
}

// restoreLayout puts a Project over n when its columns (layout: the FROM
// position of each) are not in FROM order.
func restoreLayout(n Node, layout []int, ts []*types.T) Node {
	inOrder := true
	pos := make([]int, len(layout))
	for i, c := range layout {
		pos[c] = i
		if c != i {
			inOrder = false
		}
	}
	if inOrder {
		return n
	}
	exprs := make([]Expr, len(pos))
	for c, p := range pos {
		exprs[c] = &ColumnRef{Idx: p, T: ts[c]}
	}
	return &Project{Input: n, Exprs: exprs}
}

// relsOf returns the set of relations e reads columns of, and whether e
// is pinned to the FROM row's layout (it has a correlated subquery).
func relsOf(e Expr, rels []*joinRel) (mask uint64, pinned bool) {
	walkCols(e, func(c int) {
		for i, r := range rels {
			if c >= r.off && c < r.off+r.width {
				mask |= 1 << i
				return
			}
		}
	}, func() { pinned = true })
	return mask, pinned
}

// walkCols calls col for each column e reads and correlated for each
// correlated subquery in it.
func walkCols(e Expr, col func(int), correlated func()) {
	switch x := e.(type) {
	case nil:
		return
	case *ColumnRef:
		col(x.Idx)
		return
	case *SubPlan:
		if x.Correlated {
			correlated()
		}
	case *aggRef, *winRef:
		// Never in WHERE or ON; treat as pinned to be safe.
		correlated()
		return
	}
	_, _ = mapChildren(e, func(c Expr) (Expr, error) {
		walkCols(c, col, correlated)
		return c, nil
	})
}

// hasCorrelated reports whether e holds a correlated subquery.
func hasCorrelated(e Expr) bool {
	found := false
	walkCols(e, func(int) {}, func() { found = true })
	return found
}

// shiftCols returns e with every column reference moved by d.
func shiftCols(e Expr, d int) Expr {
	if d == 0 {
		return e
	}
	return mapCols(e, func(c int) int { return c + d })
}

// remapCols returns e with column c read from pos[c].
func remapCols(e Expr, pos []int) Expr {
	return mapCols(e, func(c int) int { return pos[c] })
}

func mapCols(e Expr, f func(int) int) Expr {
	if c, ok := e.(*ColumnRef); ok {
		n := *c
		n.Idx = f(c.Idx)
		return &n
	}
	out, _ := mapChildren(e, func(c Expr) (Expr, error) { return mapCols(c, f), nil })
	return out
}

// conjuncts splits e at its top-level ANDs.
func conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if x, ok := e.(*BoolExpr); ok && x.Op == And {
		var out []Expr
		for _, a := range x.Args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

// andOf is the conjunction of es (nil for none).
func andOf(es []Expr) Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &BoolExpr{Op: And, Args: es}
}

// factorOrs adds, for each OR among conds, the conjuncts that every arm
// of it has (TPC-H Q19's join condition repeated in each arm), so they
// can filter or join on their own; the OR stays, and rechecks them.
func factorOrs(conds []Expr) []Expr {
	out := conds
	for _, c := range conds {
		or, ok := c.(*BoolExpr)
		if !ok || or.Op != Or || len(or.Args) < 2 {
			continue
		}
		for _, cand := range conjuncts(or.Args[0]) {
			common := true
			for _, arm := range or.Args[1:] {
				found := false
				for _, x := range conjuncts(arm) {
					if exprEqual(cand, x) {
						found = true
						break
					}
				}
				if !found {
					common = false
					break
				}
			}
			if common {
				out = append(out, cand)
			}
		}
	}
	return out
}

// stripFullJoin finds sql/parser's FULL JOIN marker at the start of an ON
// clause (the leftmost operand of the AND/OR chain) and returns the
// clause without it; the AST is copied, not changed, because it may be
// bound again.
func stripFullJoin(e ast.ExprNode) (ast.ExprNode, bool) {
	x, ok := e.(*ast.BinaryOperationExpr)
	if !ok {
		return e, false
	}
	switch x.Op {
	case opcode.LogicAnd:
		if fc, ok := x.L.(*ast.FuncCallExpr); ok && fc.FnName.L == parser.FullJoinFunc && len(fc.Args) == 0 {
			return x.R, true
		}
		fallthrough
	case opcode.LogicOr, opcode.LogicXor:
		if l, ok := stripFullJoin(x.L); ok {
			n := *x
			n.L = l
			return &n, true
		}
	}
	return e, false
}

// hasHashKey reports whether the join condition cond (over a row of nl
// left columns, then the right ones) has a conjunct hashKeys can use.
func hasHashKey(cond Expr, nl int) bool {
	sides := []*joinRel{{off: 0, width: nl}, {off: nl, width: math.MaxInt32}}
	side := func(e Expr) (int, bool) {
		m, pinned := relsOf(e, sides)
		return int(m), !pinned
	}
	rest, lk, _ := hashKeys(conjuncts(cond), side, nl)
	if len(lk) == 0 {
		_, lk, _ = fullMergeKeys(rest, side, nl) // mergejoin.go
	}
	return len(lk) > 0
}

// orRestrictions derives, from an OR over several relations, a filter for
// each relation that every arm restricts (PostgreSQL's
// extract_restriction_or_clauses): `(n1.x = 'A' AND n2.x = 'B') OR (n1.x =
// 'B' AND n2.x = 'A')` implies `n1.x = 'A' OR n1.x = 'B'` for n1. The
// OR itself stays as the join condition; the derived filters, over each
// relation's own columns, only cut rows early.
func orRestrictions(p *joinPred, rels []*joinRel) map[int]Expr {
	or, ok := p.e.(*BoolExpr)
	if !ok || or.Op != Or {
		return nil
	}
	out := map[int]Expr{}
	for r := range rels {
		bit := uint64(1) << r
		if p.mask&bit == 0 {
			continue
		}
		arms := make([]Expr, 0, len(or.Args))
		for _, arm := range or.Args {
			var mine []Expr
			for _, c := range conjuncts(arm) {
				if m, pinned := relsOf(c, rels); !pinned && m == bit {
					mine = append(mine, shiftCols(c, -rels[r].off))
				}
			}
			if len(mine) == 0 {
				arms = nil
				break
			}
			arms = append(arms, andOf(mine))
		}
		if arms != nil {
			out[r] = &BoolExpr{Op: Or, Args: arms}
		}
	}
	return out
}
