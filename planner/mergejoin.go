package planner

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Merge joins. The join rule (joins.go, joinorder_plan.go) makes every
// join with equalities between its sides a hash join. This rule, run once
// the key-lookup rule has chosen each scan's access path, turns such a
// join into a merge join (Join.Merge, executor/eval/mergejoin.go) when
// that is cheaper or when the session asks for it:
//
//   - enable_hashjoin = off: every merge-joinable hash join becomes a
//     merge join, with a Sort under each side that does not already come
//     in key order (PostgreSQL's way to force merge joins, which makes
//     EXPLAIN shapes comparable);
//   - both sides already come in key order (a primary key or index scan,
//     another merge join): merging costs a comparison per row where a
//     hash join hashes and keeps the whole right side, so it wins once
//     the hash table would outgrow work_mem (PostgreSQL's batching); below
//     that the costs follow PostgreSQL's, where a full index scan costs
//     more than a sequential one and small joins stay hash joins;
//   - a Sort right above the join orders by the join's keys: a merge join
//     delivers that order itself, so the Sort goes when sorting the
//     inputs that need it costs less than sorting the join's output.
//
// enable_mergejoin = off disables the rule. Only keys that are columns of
// their side and of types whose `=` agrees with the sort order (those the
// hash join takes, hashable) qualify; RIGHT and lateral joins are left
// alone. The executor needs both inputs sorted ascending with NULLs last
// on the keys, which is the order of an ascending key scan.

// mergeSettings are the planner settings the rule reads.
type mergeSettings struct {
	hash, merge bool
	workMem     float64 // bytes
}

// settingReader is the part of the session the rule reads settings from.
type settingReader interface {
	Setting(name string) (string, error)
}

func readMergeSettings(cat Catalog) mergeSettings {
	s := mergeSettings{hash: true, merge: true, workMem: 4 << 20}
	sr, ok := cat.(settingReader)
	if !ok {
		return s
	}
	on := func(name string) bool {
		v, err := sr.Setting(name)
		if err != nil {
			return true
		}
		switch strings.ToLower(v) {
		case "off", "false", "0", "no":
			return false
		}
		return true
	}
	s.hash, s.merge = on("enable_hashjoin"), on("enable_mergejoin")
	if v, err := sr.Setting("work_mem"); err == nil {
		if b, ok := parseMemory(v); ok {
			s.workMem = b
		}
	}
	return s
}

// parseMemory reads a memory setting ("4MB", "64kB", "1024" in kB).
func parseMemory(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	unit := 1024.0
	for _, u := range []struct {
		s string
		m float64
	}{{"kB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(v, u.s) {
			v, unit = strings.TrimSpace(strings.TrimSuffix(v, u.s)), u.m
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n * unit, true
}

// mergeRule carries the state of one pass.
type mergeRule struct {
	set  mergeSettings
	card *cardEst
}

// mergeJoins applies the merge join rule to the plan under root and
// returns the new root (a Sort may go).
func mergeJoins(root Node, cat Catalog) Node {
	m := &mergeRule{}
	if !m.anyHashJoin(root) {
		return root
	}
	m.set = readMergeSettings(cat)
	m.card = newCardEst(cat)
	return m.rewrite(root)
}

// anyHashJoin reports whether the plan has a keyed join at all (most
// statements do not: the pass then costs one walk).
func (m *mergeRule) anyHashJoin(n Node) bool {
	found := false
	walkNodes(n, func(x Node) {
		if j, ok := x.(*Join); ok && len(j.RightKeys) > 0 {
			found = true
		}
	})
	return found
}

// rewrite applies the rule below n, then to n itself.
func (m *mergeRule) rewrite(n Node) Node {
	switch x := n.(type) {
	case *Filter:
		x.Input = m.rewrite(x.Input)
	case *Project:
		x.Input = m.rewrite(x.Input)
	case *ProjectSet:
		x.Input = m.rewrite(x.Input)
	case *Window:
		x.Input = m.rewrite(x.Input)
	case *Limit:
		x.Input = m.rewrite(x.Input)
	case *LockRows:
		x.Input = m.rewrite(x.Input)
	case *Distinct:
		x.Input = m.rewrite(x.Input)
	case *Agg:
		x.Input = m.rewrite(x.Input)
	case *Append:
		for i := range x.Inputs {
			x.Inputs[i] = m.rewrite(x.Inputs[i])
		}
	case *Insert:
		x.Input = m.rewrite(x.Input)
	case *Update:
		if x.Source != nil {
			x.Source.Plan = m.rewrite(x.Source.Plan)
		}
	case *Delete:
		if x.Source != nil {
			x.Source.Plan = m.rewrite(x.Source.Plan)
		}
	case *Sort:
		x.Input = m.rewrite(x.Input)
		return m.sortAbove(x)
	case *Join:
		x.Left = m.rewrite(x.Left)
		x.Right = m.rewrite(x.Right)
		if x.Merge {
			sortInputs(x) // merge-only keys (fullMergeKeys)
		} else {
			m.join(x, false)
		}
	}
	return n
}

// mergeKeys returns the key columns of j's sides when j can be a merge
// join: a keyed, non-lateral inner, left, full, semi or anti join whose
// keys are columns of mergeable types.
func mergeKeys(j *Join) (lc, rc []int, ok bool) {
	if len(j.RightKeys) == 0 || j.Lateral || j.Merge {
		return nil, nil, false
	}
	switch j.Kind {
	case InnerJoin, LeftJoin, FullJoin, SemiJoin, AntiJoin:
	default:
		return nil, nil, false
	}
	nl := len(j.Left.Output())
	lc, rc, ok = mergeKeysOf(j)
	if !ok {
		return nil, nil, false
	}
	for i := range j.LeftKeys {
		if lc[i] >= nl || !hashable(j.LeftKeys[i].Type(), j.RightKeys[i].Type()) {
			return nil, nil, false
		}
	}
	return lc, rc, true
}

// join decides whether j becomes a merge join. sortedOut says a Sort
// above wants the output in j's left key order (its cost is saved). It
// reports whether j became one.
func (m *mergeRule) join(j *Join, sortedOut bool) bool {
	lc, rc, ok := mergeKeys(j)
	if !ok || !m.set.merge {
		return false
	}
	lOrder := orderOf(j.Left, lc)
	rOrder := orderOf(j.Right, rc)
	if m.set.hash {
		l, r := m.rows(j.Left), m.rows(j.Right)
		merge := (l + r) * cpuOperCost
		if lOrder == nil {
			merge += sortCost(l)
		} else {
			merge += lOrder.extra(l)
		}
		if rOrder == nil {
			merge += sortCost(r)
		} else {
			merge += rOrder.extra(r)
		}
		hash := r*(cpuOperCost+cpuTupleCost) + l*cpuOperCost
		if bytes := r * float64(planWidth(j.Right)+24); bytes > m.set.workMem {
			// The hash table would outgrow work_mem: PostgreSQL batches,
			// writing and reading both sides once more.
			pages := (l*float64(planWidth(j.Left)+24) + bytes) / pageSize
			hash += 2 * pages * seqPageCost
		}
		if sortedOut {
			hash += sortCost(math.Max(l, r))
		}
		if merge >= hash {
			return false
		}
	}
	j.Left = sortSide(j.Left, lc, lOrder)
	j.Right = sortSide(j.Right, rc, rOrder)
	j.Merge = true
	return true
}

// sortCost is the cost of sorting n rows, as EXPLAIN prices a Sort.
func sortCost(n float64) float64 {
	n = math.Max(n, 2)
	return 2*cpuOperCost*n*math.Log2(n) + n*cpuOperCost
}

// sortSide returns side in ascending key order: as it is when ord says it
// already comes so (applying ord's scan change), else under a Sort.
func sortSide(side Node, cols []int, ord *keyOrderPlan) Node {
	if ord != nil {
		ord.apply()
		return side
	}
	keys := make([]SortKey, len(cols))
	for i, c := range cols {
		keys[i] = SortKey{Col: c}
	}
	return &Sort{Input: side, Keys: keys}
}

// keyOrderPlan says how a plan delivers rows in a key order: scan, when
// set, must read its primary key in order (an index scan to EXPLAIN);
// already reading it so costs nothing more.
type keyOrderPlan struct {
	scan *Scan
}

func (o *keyOrderPlan) apply() {
	if o.scan != nil && o.scan.Key == nil {
		o.scan.Key = &KeyLookup{Index: 0}
	}
}

// extra is what reading n rows in this order costs beyond reading them
// any way: PostgreSQL prices a full index scan above a sequential one
// (an index tuple and operator per row, the index's pages).
func (o *keyOrderPlan) extra(n float64) float64 {
	if o.scan == nil || o.scan.Key != nil {
		return 0
	}
	return n*(0.005+cpuOperCost) + math.Ceil(n/300)*randomPageCost
}

// orderOf returns how n delivers its rows ascending, NULLs last, on the
// output columns cols (nil when it does not). It knows scans in key
// order, under filters and projections of plain columns, merge joins,
// and Sorts.
func orderOf(n Node, cols []int) *keyOrderPlan {
	var pinned map[int]bool
	for {
		switch x := n.(type) {
		case *Project:
			mapped := make([]int, len(cols))
			for i, c := range cols {
				ref, ok := x.Exprs[c].(*ColumnRef)
				if !ok {
					return nil
				}
				mapped[i] = ref.Idx
			}
			cols, n, pinned = mapped, x.Input, nil
			continue
		case *Filter:
			if s, ok := x.Input.(*Scan); ok {
				pinned = map[int]bool{}
				for c := range equalities(s.Table, x.Cond) {
					pinned[c] = true
				}
			}
			n = x.Input
			continue
		case *Sort:
			if sortCovers(x.Keys, cols) {
				return &keyOrderPlan{}
			}
			return nil
		case *Join:
			if !x.Merge {
				return nil
			}
			lc, _, _ := mergeKeysOf(x)
			if x.Kind == FullJoin || !sameCols(lc, cols) {
				return nil
			}
			return &keyOrderPlan{}
		case *Scan:
			return scanOrder(x, cols, pinned)
		}
		return nil
	}
}

// mergeKeysOf lists the columns of a join's keys, which must be columns
// of their side (through order-preserving widening casts, keyColumn).
func mergeKeysOf(j *Join) (lc, rc []int, ok bool) {
	for i := range j.LeftKeys {
		l, ok1 := keyColumn(j.LeftKeys[i])
		r, ok2 := keyColumn(j.RightKeys[i])
		if !ok1 || !ok2 {
			return nil, nil, false
		}
		lc, rc = append(lc, l), append(rc, r)
	}
	return lc, rc, true
}

func sameCols(a, b []int) bool {
	if len(a) < len(b) {
		return false
	}
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sortCovers reports whether rows sorted by keys are sorted ascending,
// NULLs last, by cols.
func sortCovers(keys []SortKey, cols []int) bool {
	if len(keys) < len(cols) {
		return false
	}
	for i, c := range cols {
		if keys[i].Col != c || keys[i].Desc || keys[i].NullsFirst {
			return false
		}
	}
	return true
}

// scanOrder reports whether scan s delivers its rows ascending on the
// table columns cols: through its key when it has one (read forwards,
// not an IN list, whose spans need not come in order), else through the
// primary key, which the table is stored in.
func scanOrder(s *Scan, cols []int, pinned map[int]bool) *keyOrderPlan {
	kt, ok := s.Table.(KeyedTable)
	if !ok {
		return nil
	}
	for _, c := range cols {
		if c >= len(kt.Columns()) {
			return nil
		}
	}
	hasPK := len(kt.PrimaryKey()) > 0
	if s.Key != nil {
		if s.Key.Reverse || s.Key.In != nil {
			return nil
		}
		kc := keyOrder(kt, s.Key.Index)
		p := map[int]bool{}
		for c := range pinned {
			p[c] = true
		}
		for i := range s.Key.Values {
			if i < len(kc) {
				p[kc[i]] = true
			}
		}
		if orderedBy(kc, hasPK, p, cols) {
			return &keyOrderPlan{scan: s}
		}
		return nil
	}
	if hasPK && orderedBy(keyOrder(kt, 0), true, pinned, cols) {
		return &keyOrderPlan{scan: s}
	}
	return nil
}

// sortAbove tries to satisfy Sort s with a merge join right below it
// (through a Project or Filter): when the join becomes one and its
// order covers the sort keys, the Sort goes.
func (m *mergeRule) sortAbove(s *Sort) Node {
	n := s.Input
	var p *Project
	if x, ok := n.(*Project); ok {
		p, n = x, x.Input
	}
	if f, ok := n.(*Filter); ok {
		n = f.Input
	}
	j, ok := n.(*Join)
	if !ok || j.Kind == FullJoin || j.Kind == SemiJoin || j.Kind == AntiJoin {
		return s
	}
	lc, _, ok := mergeKeys(j)
	if !ok && !j.Merge {
		return s
	}
	if j.Merge {
		lc, _, _ = mergeKeysOf(j)
	}
	// The sort keys as the join's columns.
	cols := make([]int, 0, len(s.Keys))
	for _, k := range s.Keys {
		if k.Desc || k.NullsFirst {
			return s
		}
		c := k.Col
		if p != nil {
			ref, ok := p.Exprs[c].(*ColumnRef)
			if !ok {
				return s
			}
			c = ref.Idx
		}
		cols = append(cols, c)
	}
	// The join's output is in its left key order (and nothing beyond).
	if len(cols) > len(lc) {
		return s
	}
	for i, c := range cols {
		if c != lc[i] {
			return s
		}
	}
	if (j.Merge && m.set.merge) || m.join(j, true) {
		return s.Input
	}
	return s
}

// explainMerge fills e for a merge join (EXPLAIN): PostgreSQL's
// "Merge Join" with its "Merge Cond", both inputs under it.
func (ex *explainer) explainMerge(e *exNode, j *Join, l, r *exNode, ln, rn []string, suffix string) {
	e.typ = "Merge" + suffix + " Join"
	conds := make([]string, len(j.LeftKeys))
	for i := range j.LeftKeys {
		conds[i] = fmt.Sprintf("(%s = %s)", ex.deparse(uncastInt(j.LeftKeys[i]), ln), ex.deparse(uncastInt(j.RightKeys[i]), rn))
	}
	cond := conds[0]
	if len(conds) > 1 {
		cond = "(" + strings.Join(conds, " AND ") + ")"
	}
	e.props = append(e.props, [2]string{"Merge Cond", cond})
	e.kids = []*exNode{l, r}
	e.startup = l.startup + r.startup
	e.rows = ex.card.rows(j)
	e.total = l.total + r.total + (l.rows+r.rows)*cpuOperCost*float64(len(conds)) + e.rows*cpuTupleCost
}

// rows estimates the rows n produces, as EXPLAIN does (cardinality.go).
func (m *mergeRule) rows(n Node) float64 { return m.card.rows(n) }

// uncastInt drops a widening integer cast from a key: PostgreSQL merges
// int4 with int8 through a cross-type operator and prints no cast.
func uncastInt(e Expr) Expr {
	if c, ok := e.(*Cast); ok && isInt(c.To) && isInt(c.X.Type()) {
		return c.X
	}
	return e
}

// mergeOnly reports the key types a merge join takes and a hash join
// does not: their `=` agrees with their order (types.Compare) but equal
// values can have different text forms, which the hash join keys on:
// char(n), equal whatever its trailing blanks, and interval ('1 day' =
// '24 hours').
func mergeOnly(a, b *types.T) bool {
	return a.OID == b.OID && (a.OID == types.OidBpchar || a.OID == types.OidInterval)
}

// fullMergeKeys takes, for a FULL JOIN without hash keys, the equalities
// between a column of each side of a mergeOnly type as merge keys (left
// keys over the join row, right keys over the right input's columns),
// returning the other conjuncts. PostgreSQL runs FULL JOIN only as a hash
// or merge join, so these make FULL JOINs possible that would otherwise
// fail; the merge join rule sorts the inputs.
func fullMergeKeys(conds []Expr, side func(Expr) (int, bool), nl int) (rest, lk, rk []Expr) {
	return equiKeys(conds, side, nl, func(a, b Expr) bool {
		_, col0 := keyColumn(a)
		_, col1 := keyColumn(b)
		return col0 && col1 && mergeOnly(a.Type(), b.Type())
	})
}

// sortInputs puts a Sort on the keys under each input of a join planned
// as a merge join from the start (a FULL JOIN on fullMergeKeys) that does
// not already come in key order.
func sortInputs(j *Join) {
	lc, rc, ok := mergeKeysOf(j)
	if !ok {
		return
	}
	j.Left = sortSide(j.Left, lc, orderOf(j.Left, lc))
	j.Right = sortSide(j.Right, rc, orderOf(j.Right, rc))
}
