package difffuzz

import (
	"context"
	"slices"
)

// edit is one attempted simplification: apply changes the case in place,
// undo restores it.
type edit struct {
	apply, undo func()
	data        bool // changes the schema or rows (the servers must reload)
}

// Shrink simplifies c in place while probing it still fails with class:
// first rows, tables' columns and whole clauses, then subexpressions, until
// a full pass changes nothing or MaxShrinkProbes probes are spent. The
// schema is cloned first, so the caller's stays intact.
func (f *Fuzzer) Shrink(ctx context.Context, c *Case, class string) *Case {
	c.Schema = c.Schema.clone()
	f.dirty = true
	budget := f.MaxShrinkProbes
	if budget <= 0 {
		budget = 1500
	}
	try := func(e edit) bool {
		if budget <= 0 {
			return false
		}
		budget--
		e.apply()
		if e.data {
			f.dirty = true
		}
		if cl, _, _ := f.probe(ctx, c); cl == class {
			return true
		}
		e.undo()
		if e.data {
			f.dirty = true
		}
		return false
	}
	// Query edits cost one query per probe; row and column edits reload
	// the tables, so they come after the query is as small as it gets.
	for round := 0; round < 3 && budget > 0; round++ {
		changed := false
		if firstFit(c.queryEdits, try) {
			changed = true
		}
		if f.shrinkRows(c, try) {
			changed = true
		}
		if firstFit(c.schemaEdits, try) {
			changed = true
		}
		if !changed {
			break
		}
	}
	f.logf("shrink: %d probes left", budget)
	return c
}

// firstFit applies the edits list() returns one at a time until none
// succeeds. After a success the tree has changed, so the list is made
// again (an edit remembers the nodes it was made for); the search resumes
// at the same position, since the edits before it just failed.
func firstFit(list func() []edit, try func(edit) bool) bool {
	changed := false
	for start := 0; ; {
		es := list()
		found := -1
		for k := range es {
			i := (start + k) % len(es)
			if try(es[i]) {
				found = i
				break
			}
		}
		if found < 0 {
			return changed
		}
		changed, start = true, found
	}
}

// shrinkRows deletes chunks of rows, halving the chunk size (delta
// debugging), table by table.
func (f *Fuzzer) shrinkRows(c *Case, try func(edit) bool) bool {
	changed := false
	for _, t := range c.Schema.Tables {
		for size := max(len(t.Rows)/2, 1); size >= 1; size /= 2 {
			for i := 0; i+size <= len(t.Rows); {
				old := t.Rows
				cut := slices.Concat(old[:i], old[i+size:])
				if try(edit{data: true, apply: func() { t.Rows = cut }, undo: func() { t.Rows = old }}) {
					changed = true
					continue
				}
				i += size
			}
		}
	}
	return changed
}

// edits lists the simplifications of c.
func (c *Case) edits() []edit { return append(c.schemaEdits(), c.queryEdits()...) }

// queryEdits lists the simplifications of the query, largest first.
func (c *Case) queryEdits() []edit {
	var out []edit
	if c.P != nil {
		out = append(out, nodeEdits(c.P)...)
	}
	return append(out, selectEdits(c.Q)...)
}

// schemaEdits lists the simplifications of the tables: a column less, no
// key, no index.
func (c *Case) schemaEdits() []edit {
	var out []edit
	// Columns of the tables (rows lose the value too).
	for _, t := range c.Schema.Tables {
		for j := range t.Cols {
			oldCols, oldRows, oldPK, oldIdx := t.Cols, t.Rows, t.PK, t.Indexes
			out = append(out, edit{data: true, apply: func() { t.dropColumn(j) }, undo: func() {
				t.Cols, t.Rows, t.PK, t.Indexes = oldCols, oldRows, oldPK, oldIdx
			}})
		}
		if t.PK >= 0 {
			old := t.PK
			out = append(out, edit{data: true, apply: func() { t.PK = -1 }, undo: func() { t.PK = old }})
		}
		if len(t.Indexes) > 0 {
			old := t.Indexes
			out = append(out, edit{data: true, apply: func() { t.Indexes = nil }, undo: func() { t.Indexes = old }})
		}
	}
	return out
}

func (t *Table) dropColumn(j int) {
	t.Cols = slices.Delete(slices.Clone(t.Cols), j, j+1)
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = slices.Delete(slices.Clone(r), j, j+1)
	}
	t.Rows = rows
	switch {
	case t.PK == j:
		t.PK = -1
	case t.PK > j:
		t.PK--
	}
	var idx [][]int
	for _, ix := range t.Indexes {
		var n []int
		for _, k := range ix {
			if k != j {
				if k > j {
					k--
				}
				n = append(n, k)
			}
		}
		if len(n) > 0 {
			idx = append(idx, n)
		}
	}
	t.Indexes = idx
}

// set returns an edit that assigns v to *p.
func set[T any](p *T, v T) edit {
	old := *p
	return edit{apply: func() { *p = v }, undo: func() { *p = old }}
}

func selectEdits(s *Select) []edit {
	var out []edit
	if s.Right != nil {
		whole := *s
		right := *s.Right
		out = append(out, set(&s.Right, nil))
		out = append(out, edit{
			apply: func() {
				*s = right
				s.OrderBy, s.Limit, s.Offset = whole.OrderBy, whole.Limit, whole.Offset
			},
			undo: func() { *s = whole },
		})
	}
	if len(s.OrderBy) > 0 {
		o, l, off := s.OrderBy, s.Limit, s.Offset
		out = append(out, edit{
			apply: func() { s.OrderBy, s.Limit, s.Offset = nil, -1, 0 },
			undo:  func() { s.OrderBy, s.Limit, s.Offset = o, l, off },
		})
	}
	if s.Limit >= 0 {
		out = append(out, set(&s.Limit, -1))
	}
	if s.Offset > 0 {
		out = append(out, set(&s.Offset, 0))
	}
	if s.Where != nil {
		out = append(out, set(&s.Where, nil))
	}
	if s.Having != nil {
		out = append(out, set(&s.Having, nil))
	}
	for i := range s.GroupBy {
		out = append(out, set(&s.GroupBy, slices.Delete(slices.Clone(s.GroupBy), i, i+1)))
	}
	if s.Distinct {
		out = append(out, set(&s.Distinct, false))
	}
	if len(s.Cols) > 1 {
		for i := range s.Cols {
			// A column goes from both sides of a set operation and from
			// the ORDER BY together.
			cols, ord := s.Cols, s.OrderBy
			var rcols []*Node
			if s.Right != nil && len(s.Right.Cols) == len(s.Cols) {
				rcols = s.Right.Cols
			}
			out = append(out, edit{
				apply: func() {
					s.Cols = slices.Delete(slices.Clone(cols), i, i+1)
					if len(ord) == len(cols) {
						s.OrderBy = slices.Delete(slices.Clone(ord), i, i+1)
					}
					if rcols != nil {
						s.Right.Cols = slices.Delete(slices.Clone(rcols), i, i+1)
					}
				},
				undo: func() {
					s.Cols, s.OrderBy = cols, ord
					if rcols != nil {
						s.Right.Cols = rcols
					}
				},
			})
		}
	}
	for i, it := range s.From {
		if i > 0 || len(s.From) > 1 {
			from := s.From
			out = append(out, edit{
				apply: func() {
					n := slices.Delete(slices.Clone(from), i, i+1)
					if i == 0 {
						first := *n[0]
						first.Join, first.On = "", nil
						n[0] = &first
					}
					s.From = n
				},
				undo: func() { s.From = from },
			})
		}
		if it.Join == "LEFT JOIN" {
			out = append(out, set(&it.Join, "JOIN"))
		}
		if it.On != nil {
			j, on := it.Join, it.On
			out = append(out, edit{
				apply: func() { it.Join, it.On = "CROSS JOIN", nil },
				undo:  func() { it.Join, it.On = j, on },
			})
		}
	}
	// Subexpressions after the clauses.
	for _, it := range s.From {
		if it.On != nil {
			out = append(out, nodeEdits(it.On)...)
		}
	}
	for _, n := range s.Cols {
		out = append(out, nodeEdits(n)...)
	}
	if s.Where != nil {
		out = append(out, nodeEdits(s.Where)...)
	}
	for _, n := range s.GroupBy {
		out = append(out, nodeEdits(n)...)
	}
	if s.Having != nil {
		out = append(out, nodeEdits(s.Having)...)
	}
	if s.Right != nil {
		out = append(out, selectEdits(s.Right)...)
	}
	return out
}

// simple literals a node may shrink to.
var simpleLit = [...][]string{
	CInt:   {"0", "1", "NULL::int4"},
	CNum:   {"1.5", "NULL::numeric"},
	CFloat: {"1.5::float8", "NULL::float8"},
	CText:  {"'a'", "NULL::text"},
	CBool:  {"true", "false", "NULL::bool"},
	CDate:  {"DATE '2020-01-01'", "NULL::date"},
	CTS:    {"TIMESTAMP '2020-01-01 00:00:00'", "NULL::timestamp"},
}

// nodeEdits replaces n by each child of its category and by simple
// literals, then recurses into children and subqueries (top-down, so big
// cuts come first).
func nodeEdits(n *Node) []edit {
	var out []edit
	if n.Cat < nCats {
		old := *n
		for _, a := range n.Args {
			if a.Cat == n.Cat {
				child := *a
				out = append(out, edit{apply: func() { *n = child }, undo: func() { *n = old }})
			}
		}
		// Only literals earlier in the list than the node's own text, so
		// that two literals never replace each other in turn forever.
		text := n.SQL()
		for _, l := range simpleLit[n.Cat] {
			if l == text {
				break
			}
			lit := leaf(n.Cat, l)
			out = append(out, edit{apply: func() { *n = *lit }, undo: func() { *n = old }})
		}
	}
	if n.Sub != nil {
		out = append(out, selectEdits(n.Sub)...)
	}
	for _, a := range n.Args {
		out = append(out, nodeEdits(a)...)
	}
	return out
}

// clone copies the schema deeply enough for Shrink: tables' slices are
// replaced, never modified in place, so sharing their elements is safe.
func (s *Schema) clone() *Schema {
	n := &Schema{}
	for _, t := range s.Tables {
		c := *t
		n.Tables = append(n.Tables, &c)
	}
	return n
}
