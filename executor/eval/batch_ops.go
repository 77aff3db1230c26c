package eval

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Batch forms of the row operators of run.go. Each is asked for batches
// only by a consumer that reads everything (see batch.go), so each pulls
// batches from its own input in turn.

// nextBatch evaluates the projection over a whole input batch; the
// output rows are carved from one allocation per batch.
func (it *projectIter) nextBatch(b *batch) error {
	if it.src == nil {
		it.src = batchesOf(it.in)
	}
	if err := it.src.nextBatch(&it.inb); err != nil {
		b.rows = b.rows[:0]
		return err
	}
	n := len(it.exprs)
	slab := make([]types.Datum, n*len(it.inb.rows))
	it.c.mem.charge(int64(16 * len(slab)))
	b.rows = b.rows[:0]
	saved := it.c.row
	defer func() { it.c.row = saved }()
	for i, row := range it.inb.rows {
		out := slab[i*n : (i+1)*n : (i+1)*n]
		it.c.row = row
		for j, e := range it.exprs {
			v, err := it.c.eval(e)
			if err != nil {
				return err
			}
			out[j] = v
		}
		b.rows = append(b.rows, out)
	}
	clear(it.inb.rows)
	return nil
}

// nextBatch keeps the rows of an input batch that pass the condition,
// reading batches until one has some.
func (it *filterIter) nextBatch(b *batch) error {
	if it.src == nil {
		it.src = batchesOf(it.in)
		it.pred = it.c.compilePred(it.cond)
	}
	for {
		if err := it.src.nextBatch(b); err != nil {
			return err
		}
		it.sel = it.sel[:0]
		for i := range b.rows {
			it.sel = append(it.sel, int32(i))
		}
		k, err := it.c.selectRows(it.pred, b.rows, it.sel)
		if err != nil {
			return err
		}
		clear(b.rows[k:])
		b.rows = b.rows[:k]
		if k > 0 {
			return nil
		}
	}
}
