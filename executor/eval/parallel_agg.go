package eval

import (
	"io"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Partial and finalize aggregation (PostgreSQL's Partial Aggregate under
// a Gather and Finalize Aggregate above it). Each worker aggregates its
// share of the rows with the serial aggregation's own code (aggIter's
// consume, on a copy of the Agg node without an input so that it never
// spills: a worker's groups go to the leader in memory), the leader
// merges the workers' states group by group (mergeAggState) and
// computes each group's result with finalAgg. Only aggregates whose
// merge gives exactly the serial result are planned this way
// (planner.partialCapable): counts, integer, numeric and interval sums
// and averages, min, max, bool_and, bool_or.

// finalizeIter is an Agg over a Gather whose input is a partial Agg.
type finalizeIter struct {
	c      *evalCtx
	n      *planner.Agg // the Finalize aggregate
	g      *planner.Gather
	p      *parallelRun
	groups []*group
	i      int
	done   bool
	closed bool
}

func (c *evalCtx) buildFinalize(a *planner.Agg, g *planner.Gather) (iterator, error) {
	return &finalizeIter{c: c, n: a, g: g}, nil
}

// run starts the workers, waits for their groups and merges them.
func (it *finalizeIter) run() error {
	it.p = &parallelRun{c: it.c, g: it.g}
	partial := *it.g.Partial
	partial.Input = nil // never spill in a worker (spill_agg.go needs the input's types)
	results := make([][]*group, participants(it.g))
	t0 := time.Now()
	err := it.p.start(func(w int, wc *evalCtx) error {
		in, err := wc.build(it.g.Partial.Input)
		if err != nil {
			return err
		}
		ai := &aggIter{c: wc, in: in, n: &partial}
		t1 := time.Now()
		if partial.Sorted {
			err = ai.consumeSorted() // groupagg.go
		} else {
			err = ai.consume()
		}
		in.close()
		if err != nil {
			return err
		}
		results[w] = ai.groups
		if a := actualsOf(wc.ctx); a != nil {
			d := time.Since(t1)
			st := a.start(it.g.Partial, true)
			a.mu.Lock()
			st.Rows += int64(len(ai.groups))
			st.First += d
			st.Total += d
			a.mu.Unlock()
		}
		return nil
	})
	if err != nil {
		it.p.stop()
		return err
	}
	it.p.wg.Wait()
	it.p.stop()
	if it.p.failed.Load() {
		return it.p.err
	}
	if err := it.c.ctx.Err(); err != nil {
		return err
	}
	// Merge in worker order.
	gtypes := make([]*types.T, len(it.n.GroupBy))
	for i, e := range it.n.GroupBy {
		gtypes[i] = e.Type()
	}
	index := map[string]*group{}
	var keybuf []byte
	received := 0
	for _, gs := range results {
		for _, g := range gs {
			received++
			keybuf = rowKey(keybuf[:0], gtypes, g.key)
			dst := index[string(keybuf)]
			if dst == nil {
				index[string(keybuf)] = g
				it.groups = append(it.groups, g)
				continue
			}
			for k := range it.n.Aggs {
				if err := mergeAggState(&it.n.Aggs[k], &dst.states[k], &g.states[k]); err != nil {
					return err
				}
			}
		}
	}
	if len(it.n.GroupBy) == 0 && len(it.groups) == 0 {
		it.groups = append(it.groups, &group{states: make([]aggState, len(it.n.Aggs))})
	}
	if a := actualsOf(it.c.ctx); a != nil {
		d := time.Since(t0)
		st := a.start(it.g, true)
		a.mu.Lock()
		st.Rows += int64(received)
		st.First += d
		st.Total += d
		a.mu.Unlock()
	}
	return nil
}

func (it *finalizeIter) next() ([]types.Datum, error) {
	if it.closed {
		return nil, io.EOF
	}
	if !it.done {
		it.done = true
		if err := it.run(); err != nil {
			it.close()
			return nil, err
		}
	}
	if it.i >= len(it.groups) {
		return nil, io.EOF
	}
	g := it.groups[it.i]
	it.groups[it.i] = nil
	it.i++
	return groupRow(it.n, g)
}

func (it *finalizeIter) close() {
	it.closed = true
	it.groups = nil
	if it.p != nil {
		it.p.stop()
	}
}

// mergeAggState adds the state src (another worker's, of the same
// aggregate and group) into dst: the combine functions of PostgreSQL's
// partial aggregation for the aggregates planner.partialCapable admits.
func mergeAggState(a *planner.AggCall, dst, src *aggState) error {
	dst.count += src.count
	if !src.any {
		return nil
	}
	first := !dst.any
	dst.any = true
	switch a.Kind {
	case planner.AggCountStar, planner.AggCount:
	case planner.AggSum, planner.AggAvg:
		// (consume leaves the batch kernels' running sums flushed; a
		// state that was not is flushed here.)
		if err := dst.flushDec(); err != nil {
			return err
		}
		if err := src.flushDec(); err != nil {
			return err
		}
		if src.nsum != nil {
			if dst.nsum == nil {
				dst.nsum = src.nsum
			} else {
				r, err := numAdd(dst.nsum, src.nsum, false)
				if err != nil {
					return err
				}
				dst.nsum = r.(*apd.Decimal)
			}
		}
		if src.isum != 0 {
			r := dst.isum + src.isum
			if (dst.isum >= 0) == (src.isum >= 0) && (r >= 0) != (src.isum >= 0) {
				return cp(errInt8Range)
			}
			dst.isum = r
		}
		if a.Args[0].Type().OID == types.OidInterval {
			if first {
				dst.isum2 = src.isum2
			} else {
				r, err := addInterval(dst.isum2, src.isum2)
				if err != nil {
					return err
				}
				dst.isum2 = r.(types.IntervalVal)
			}
		}
		dst.fsum += src.fsum
	case planner.AggMin, planner.AggMax:
		if dst.val == nil {
			dst.val = src.val
			return nil
		}
		if src.val == nil {
			return nil
		}
		r := compare(a.T, src.val, dst.val)
		if (a.Kind == planner.AggMin && r < 0) || (a.Kind == planner.AggMax && r > 0) {
			dst.val = src.val
		}
	case planner.AggBoolAnd:
		dst.val = (dst.val == nil || dst.val.(bool)) && (src.val == nil || src.val.(bool))
	case planner.AggBoolOr:
		dst.val = (dst.val != nil && dst.val.(bool)) || (src.val != nil && src.val.(bool))
	default:
		return pgerror.New(pgerror.InternalError, "aggregate %s cannot be combined", a.Name)
	}
	return nil
}
