package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Sorted aggregation (PostgreSQL's GroupAggregate): an Agg the planner
// marked Sorted (planner/groupagg.go) gets its input with equal grouping
// keys adjacent, so a group is complete as soon as a row of another
// group comes. It runs the hash aggregation's own code on one batch at
// a time (aggIter.consumeRow, aggKernels.run: the same states, kernels
// and row-by-row fallback, hence the same results and errors), but its
// group index only ever holds the groups of the current batch: after
// each batch every group but the last is complete and handed out, and
// the last one is carried into the next batch (its rows may go on
// there). The index stays a few hundred entries, nothing spills, and
// the first group comes out after the first batch instead of after the
// whole input.

// groupAggOn lets Sorted aggregates stream; tests and benchmarks turn it
// off to compare with hash aggregation of the same plan.
var groupAggOn = true

// sortedAgg streams the groups of a sorted input.
type sortedAgg struct {
	agg  aggIter // groups: the current batch's groups
	st   *consumeState
	kern *aggKernels
	src  batchIterator
	b    batch
	eof  bool
}

func newSortedAgg(c *evalCtx, in iterator, n *planner.Agg) *sortedAgg {
	s := &sortedAgg{agg: aggIter{c: c, in: in, n: n}}
	// Memory holds one batch's groups: never spill (spill_agg.go counts
	// the groups' bytes but cannot spill without canSpill).
	s.agg.spill = &aggSpill{}
	s.st = &consumeState{index: map[string]*group{}, gtypes: make([]*types.T, len(n.GroupBy))}
	for i, e := range n.GroupBy {
		s.st.gtypes[i] = e.Type()
	}
	s.st.scratch = make([]types.Datum, len(n.GroupBy))
	s.st.args = make([]types.Datum, 4)
	s.kern = s.agg.compileAggKernels()
	s.src = batchesOf(in)
	return s
}

// step aggregates the next batch and appends the groups it completed to
// out; at the end of the input it appends the last group and reports
// io.EOF.
func (s *sortedAgg) step(out []*group) ([]*group, error) {
	it := &s.agg
	if s.eof {
		return out, io.EOF
	}
	if s.kern != nil {
		s.b.askCols(true, s.kern.datumColumns())
	}
	if err := s.src.nextBatch(&s.b); err == io.EOF {
		s.eof = true
		out = append(out, it.groups...)
		it.groups = it.groups[:0]
		return out, io.EOF
	} else if err != nil {
		return out, err
	}
	if err := it.c.ctx.Err(); err != nil {
		return out, err
	}
	done := false
	if s.kern != nil {
		var err error
		if done, err = s.kern.run(it, s.st, &s.b); err != nil {
			return out, err
		}
	}
	if !done {
		if err := s.b.materialize(); err != nil {
			return out, err
		}
		for _, row := range s.b.rows {
			if err := it.consumeRow(s.st, row); err != nil {
				return out, err
			}
		}
	}
	k := len(it.groups)
	if k <= 1 {
		return out, nil
	}
	// Every group but the last is complete.
	out = append(out, it.groups[:k-1]...)
	last := it.groups[k-1]
	clear(it.groups[:k-1])
	it.groups = append(it.groups[:0], last)
	clear(s.st.index)
	s.st.keybuf = rowKey(s.st.keybuf[:0], s.st.gtypes, last.key)
	s.st.index[string(s.st.keybuf)] = last
	return out, nil
}

// groupAggIter is the GroupAggregate operator.
type groupAggIter struct {
	s    *sortedAgg
	n    *planner.Agg
	out  []*group
	i    int
	done bool
}

func (c *evalCtx) buildGroupAgg(in iterator, n *planner.Agg) *groupAggIter {
	return &groupAggIter{s: newSortedAgg(c, in, n), n: n}
}

func (it *groupAggIter) next() ([]types.Datum, error) {
	for it.i >= len(it.out) {
		if it.done {
			return nil, io.EOF
		}
		clear(it.out)
		it.out, it.i = it.out[:0], 0
		var err error
		it.out, err = it.s.step(it.out)
		if err == io.EOF {
			it.done = true
			it.s.agg.in.close()
		} else if err != nil {
			return nil, err
		}
	}
	g := it.out[it.i]
	it.out[it.i] = nil
	it.i++
	return groupRow(it.n, g)
}

func (it *groupAggIter) close() {
	it.s.agg.in.close()
	it.done, it.out, it.i = true, nil, 0
	it.s.agg.groups = nil
}

// consumeSorted is consume for a Sorted aggregate's partial aggregation
// in a parallel worker: all groups end up in it.groups as consume leaves
// them, but the group index never grows past a batch's groups.
func (it *aggIter) consumeSorted() error {
	s := newSortedAgg(it.c, it.in, it.n)
	var all []*group
	for {
		var err error
		all, err = s.step(all)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	// As consume leaves them: the kernels' running sums in apd (the
	// leader merges them with mergeAggState).
	for _, g := range all {
		for k := range g.states {
			if err := g.states[k].flushDec(); err != nil {
				return err
			}
		}
	}
	it.groups = all
	return nil
}
