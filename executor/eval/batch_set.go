package eval

import (
	"io"
)

// Batch forms of UNION's Append, hashed DISTINCT and INTERSECT / EXCEPT:
// each filters or passes its input's batches, keeping the rows the row
// form would return, in the same order.

// nextBatch passes the current input's batches on, moving to the next
// input at the end of one.
func (it *appendIter) nextBatch(b *batch) error {
	if it.srcs == nil {
		it.srcs = make([]batchIterator, len(it.its))
	}
	for it.i < len(it.its) {
		if it.srcs[it.i] == nil {
			it.srcs[it.i] = batchesOf(it.its[it.i])
		}
		err := it.srcs[it.i].nextBatch(b)
		if err == io.EOF {
			it.its[it.i].close()
			it.srcs[it.i] = nil
			it.i++
			continue
		}
		return err
	}
	b.rows = b.rows[:0]
	return io.EOF
}

// nextBatch keeps the rows of each input batch not seen before.
func (it *distinctIter) nextBatch(b *batch) error {
	if it.src == nil {
		it.src = batchesOf(it.in)
	}
	for {
		if err := it.src.nextBatch(b); err != nil {
			return err
		}
		k := 0
		for _, row := range b.rows {
			it.buf = rowKey(it.buf[:0], it.types, row)
			if _, dup := it.seen[string(it.buf)]; dup {
				continue
			}
			if err := it.remember(row); err != nil {
				return err
			}
			b.rows[k] = row
			k++
		}
		clear(b.rows[k:])
		b.rows = b.rows[:k]
		if k > 0 {
			return nil
		}
	}
}

// nextBatch keeps the rows of each left batch that the set operation
// returns.
func (it *setOpIter) nextBatch(b *batch) error {
	if it.counts == nil {
		if err := it.loadRight(); err != nil {
			b.rows = b.rows[:0]
			return err
		}
	}
	if it.lsrc == nil {
		it.lsrc = batchesOf(it.left)
	}
	for {
		if err := it.lsrc.nextBatch(b); err != nil {
			return err
		}
		k := 0
		for _, row := range b.rows {
			if it.keep(row) {
				b.rows[k] = row
				k++
			}
		}
		clear(b.rows[k:])
		b.rows = b.rows[:k]
		if k > 0 {
			return nil
		}
	}
}

// nextBatch keeps DISTINCT ON's row form (its input is sorted; the first
// row of each run is kept), so that the distinctIter's batch form it
// embeds is not used for it.
func (it *distinctOnIter) nextBatch(b *batch) error { return fillBatch(b, it.next) }
