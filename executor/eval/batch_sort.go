package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Batch forms of the operators that read their whole input before they
// return a row: sort and window. Both read their input in batches
// (sortIter.load, windowIter.compute), and hand out what they computed a
// batch at a time when their consumer asks for batches.

// nextBatch returns the next rows of the sort's output: a slice of the
// sorted rows when they are in memory, else up to batchSize rows of the
// merge.
func (it *sortIter) nextBatch(b *batch) error {
	if !it.sorted {
		it.sorted = true
		if err := it.load(); err != nil {
			b.rows = b.rows[:0]
			return err
		}
	}
	if it.merge != nil {
		return fillBatch(b, it.merge.next)
	}
	return takeRows(b, it.rows, &it.pos)
}

// takeRows moves up to batchSize rows of rows from *pos on into b (the
// consumer owns them; rows lets go of them).
func takeRows(b *batch, rows [][]types.Datum, pos *int) error {
	b.rows = b.rows[:0]
	if *pos >= len(rows) {
		return io.EOF
	}
	end := min(*pos+batchSize, len(rows))
	b.rows = append(b.rows, rows[*pos:end]...)
	clear(rows[*pos:end])
	*pos = end
	return nil
}

// nextBatch returns the window's rows, each with its functions' values,
// a batch at a time.
func (it *windowIter) nextBatch(b *batch) error {
	if !it.done {
		it.done = true
		if err := it.compute(); err != nil {
			b.rows = b.rows[:0]
			return err
		}
	}
	return takeRows(b, it.rows, &it.i)
}
