package eval

import (
	"context"
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Materialized CTEs (planner/ctematerialize.go): a WorkTable with a Plan
// is a WITH query that runs at most once per execution, however many
// CTE Scans read it. As in PostgreSQL's CteScan over a shared
// tuplestore, the query runs lazily: a reader that needs a row not
// produced yet pulls it from the query's iterator and keeps it for the
// others, so a `LIMIT 1` above reads one row and errors in rows nobody
// reads are not raised.
//
// The state lives in a cteStore that Run puts in the execution's
// context (every nested evalCtx, for subqueries and LATERAL, shares
// the context) and closes with the execution's rows. A statement run
// without Run's store (DML, a plan whose CTE was not registered with its
// Query) gets a store at its first CTE Scan, and its CTEs run to their
// end at the first read, since nothing would close a half-read one.
//
// A CTE Scan is parallel-restricted: the shared state is not locked, so
// it must not run below a Gather's workers.

type cteStoreKey struct{}

// cteStore is the materialized CTEs of one execution.
type cteStore struct {
	m map[*planner.WorkTable]*cteState
	// eager: nothing closes the store, so each CTE runs to its end at
	// its first read.
	eager bool
}

// cteState is one materialized CTE: the rows produced so far and the
// running query (nil before the first read and once done).
type cteState struct {
	rows [][]types.Datum
	it   iterator
	done bool
	err  error
}

// buildRoot builds q's root with a store for its materialized CTEs
// when it has any; closing the returned iterator closes the CTEs' queries
// too.
func (c *evalCtx) buildRoot(q *planner.Query) (iterator, error) {
	if len(q.CTEs) == 0 {
		return c.build(q.Root)
	}
	s := &cteStore{m: make(map[*planner.WorkTable]*cteState, len(q.CTEs))}
	c.ctx = context.WithValue(c.ctx, cteStoreKey{}, s)
	it, err := c.build(q.Root)
	if err != nil {
		s.close()
		return nil, err
	}
	return &cteCloser{iterator: it, s: s}, nil
}

func (s *cteStore) close() {
	for _, st := range s.m {
		if st.it != nil {
			st.it.close()
			st.it = nil
		}
	}
}

// cteCloser is the root iterator of an execution with materialized CTEs.
type cteCloser struct {
	iterator
	s *cteStore
}

func (r *cteCloser) close() {
	r.iterator.close()
	r.s.close()
}

// newCTEScan is a CTE Scan of the materialized CTE w.
func (c *evalCtx) newCTEScan(w *planner.WorkTable) iterator {
	s, ok := c.ctx.Value(cteStoreKey{}).(*cteStore)
	if !ok {
		s = &cteStore{m: map[*planner.WorkTable]*cteState{}, eager: true}
		c.ctx = context.WithValue(c.ctx, cteStoreKey{}, s)
	}
	st := s.m[w]
	if st == nil {
		st = &cteState{}
		s.m[w] = st
	}
	return &cteScanIter{c: c, w: w, s: s, st: st}
}

// cteScanIter reads a materialized CTE from the start.
type cteScanIter struct {
	c  *evalCtx
	w  *planner.WorkTable
	s  *cteStore
	st *cteState
	i  int
}

// fill makes the CTE produce at least one more row than its readers have
// seen (all of them when eager); false when it has no more.
func (it *cteScanIter) fill() (bool, error) {
	st := it.st
	if st.err != nil {
		return false, st.err
	}
	if st.done {
		return false, nil
	}
	if st.it == nil {
		// The query reads nothing from the reader's rows (the planner
		// materializes only uncorrelated CTEs): run it in a context of
		// its own that shares the execution's.
		c := it.c
		sub := &evalCtx{ctx: c.ctx, env: c.env, opts: c.opts, params: c.params, work: c.work, mem: c.mem}
		q, err := sub.build(it.w.Plan)
		if err != nil {
			st.err = err
			return false, err
		}
		st.it = q
	}
	n := len(st.rows)
	for {
		row, err := st.it.next()
		if err == io.EOF {
			st.done = true
			st.it.close()
			st.it = nil
			return len(st.rows) > n, nil
		}
		if err != nil {
			st.err = err
			st.it.close()
			st.it = nil
			return false, err
		}
		st.rows = append(st.rows, row)
		if !it.s.eager {
			return true, nil
		}
	}
}

func (it *cteScanIter) next() ([]types.Datum, error) {
	if it.i >= len(it.st.rows) {
		more, err := it.fill()
		if err != nil {
			return nil, err
		}
		if !more && it.i >= len(it.st.rows) {
			return nil, io.EOF
		}
	}
	it.i++
	return it.st.rows[it.i-1], nil
}

// nextBatch serves up to batchSize of the rows produced so far, making
// the CTE produce more only when there are none left.
func (it *cteScanIter) nextBatch(b *batch) error {
	if it.i >= len(it.st.rows) {
		return fillBatch(b, it.next)
	}
	end := min(it.i+batchSize, len(it.st.rows))
	b.rows = append(b.rows[:0], it.st.rows[it.i:end]...)
	it.i = end
	return nil
}

// close ends this reader; the CTE's query stays open for the others
// until the execution ends.
func (it *cteScanIter) close() { it.i = len(it.st.rows) }
