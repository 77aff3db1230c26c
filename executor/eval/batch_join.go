package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Batches in the joins' build sides: a hash join and a nested loop read
// their inner input whole before the first row, so they read it a batch
// at a time, and a nested loop asked for batches reads its outer side in
// batches too (as the hash join's probe side does, batch_hashjoin.go).

// buildRest is the rest of the hash join's build side once it spilled:
// the rows of the batch being loaded that were not read, then the input.
func (it *hashJoinIter) buildRest() iterator {
	if len(it.pending) == 0 {
		return it.right
	}
	rest := &pendingIter{rows: it.pending, then: it.right}
	it.pending = nil
	return rest
}

// pendingIter returns rows, then the rows of then.
type pendingIter struct {
	rows [][]types.Datum
	then iterator
}

func (p *pendingIter) next() ([]types.Datum, error) {
	if len(p.rows) > 0 {
		row := p.rows[0]
		p.rows[0] = nil
		p.rows = p.rows[1:]
		return row, nil
	}
	return p.then.next()
}

func (p *pendingIter) close() {
	p.rows = nil
	p.then.close()
}

// loadInner reads a (non-LATERAL) nested loop's inner side into memory.
func (it *joinIter) loadInner() error {
	err := eachBatch(it.inner, func(rows [][]types.Datum) error {
		it.innerRows = append(it.innerRows, rows...)
		for _, row := range rows {
			it.mem += rowSize(row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	it.c.mem.grow(it.mem)
	it.inner.close()
	return nil
}

// outerRow is the nested loop's next outer row: from the outer input's
// batches in batch mode, else from its next.
func (it *joinIter) outerRow() ([]types.Datum, error) {
	if it.ocur == nil {
		return it.outer.next()
	}
	for {
		if row, ok := it.ocur.pop(); ok {
			return row, nil
		}
		it.ocur.reset()
		if err := it.osrc.nextBatch(&it.ocur.b); err != nil {
			return nil, err
		}
	}
}

// nextBatch is the nested loop asked for batches: its consumer reads all
// of it, so the outer side is read in batches too. A LATERAL join stays
// row by row on its outer side: each outer row runs the inner plan,
// whose work must not run ahead of what a row consumer asks for.
func (it *joinIter) nextBatch(b *batch) error {
	if it.ocur == nil && !it.n.Lateral && it.n.Kind != planner.RightJoin {
		it.ocur, it.osrc = &batchCursor{}, batchesOf(it.outer)
	}
	return fillBatch(b, it.next)
}

// reportInner adds the inner side's scans to the join's EXPLAIN ANALYZE
// record (PostgreSQL's Materialize over the inner side counts a loop per
// outer row and the rows each read); once, at close.
func (it *joinIter) reportInner() {
	if it.innerLoops == 0 || it.n.Lateral {
		return
	}
	if a := actualsOf(it.c.ctx); a != nil {
		st := a.start(it.n, false)
		a.mu.Lock()
		st.InnerLoops += it.innerLoops
		st.InnerRows += it.innerRead
		st.JoinRemoved += it.removed
		a.mu.Unlock()
	}
	it.innerLoops, it.innerRead, it.removed = 0, 0, 0
}
