package eval

import (
	"io"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Batched execution.
//
// Operators pass rows to each other in batches of up to batchSize rows
// where both sides can (DuckDB's DataChunk, TiDB's chunk), so that the
// per-row work that is not the query's own (an interface call per
// operator, a context check, the allocations of decoding) is paid per
// batch, and filters and aggregates run as tight loops over a batch
// (batch_filter.go) that SIMD kernels can replace later.
//
// A batch is row-major: a slice of rows, each a []types.Datum as the row
// iterators pass. Measured on the lineitem-shaped benchmarks
// (batch_bench_test.go), the cost was the per-row allocations of decoding
// and the per-value interface dispatch of expression evaluation, not the
// memory layout: datums are interfaces either way, and per-column vectors
// of interfaces would not make a comparison loop tighter, while rows keep
// every unconverted operator (and the spilling and merge join operators
// written beside this) working unchanged. A filter compacts the rows
// slice in place instead of keeping a selection vector: a row is a slice
// header, so moving one costs what writing an index would.
//
// batchIterator is optional: an operator that implements it still
// implements next, and an operator that wants batches from an input that
// has only next wraps it (batchesOf). Batch mode is asked for only by
// operators that read their whole input anyway (aggregation, sort, a hash
// join's build side) and passed down from them (projection, filter, a
// hash join's probe side): nextBatch may work ahead of what a row
// consumer would have asked for, and a LIMIT above must not make the
// rows below it evaluate expressions PostgreSQL would never evaluate
// (errors, volatile functions). next never works ahead beyond pure
// work (decoding, the comparison kernels).

// batchSize is the most rows a batch holds.
const batchSize = 1024

// batch is a set of rows passed between operators at once.
type batch struct {
	// rows are the batch's rows. Each row is the receiver's to keep, as a
	// row from next is; the rows slice itself belongs to the batch and is
	// refilled by the next nextBatch.
	rows [][]types.Datum
	// cols, when not nil, holds the batch's values as typed column
	// vectors (colvec.go), and rows are nil until materialize fills them.
	// A producer sets it only when the consumer asked with wantCols; it
	// is valid until the next nextBatch.
	cols *colBatch
	// wantCols is set by a consumer that reads cols (the aggregation
	// kernels), datumCols the columns it wants as datums there.
	wantCols  bool
	datumCols []int
}

// eachBatch reads in to its end a batch at a time, calling f with each
// batch's rows (f may keep the rows, not the slice); cancellation is the
// operator wrapper's, once per batch.
func eachBatch(in iterator, f func(rows [][]types.Datum) error) error {
	src := batchesOf(in)
	var b batch
	for {
		if err := src.nextBatch(&b); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if err := f(b.rows); err != nil {
			return err
		}
	}
}

// batchIterator is an iterator that can also produce its rows a batch at
// a time.
type batchIterator interface {
	iterator
	// nextBatch replaces b.rows with the next 1 to batchSize rows, or
	// returns io.EOF when there are no more (b.rows empty). next and
	// nextBatch may be mixed.
	nextBatch(b *batch) error
}

// batchesOf returns it as a batchIterator: itself when it has nextBatch,
// else an adapter that calls next up to batchSize times per batch.
func batchesOf(it iterator) batchIterator {
	if b, ok := it.(batchIterator); ok {
		return b
	}
	return &rowBatcher{iterator: it}
}

// rowBatcher gives a row-only iterator nextBatch.
type rowBatcher struct {
	iterator
}

func (r *rowBatcher) nextBatch(b *batch) error { return fillBatch(b, r.next) }

// fillBatch fills b with up to batchSize rows from next: io.EOF only when
// there were none.
func fillBatch(b *batch, next func() ([]types.Datum, error)) error {
	b.rows = b.rows[:0]
	for len(b.rows) < batchSize {
		row, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b.rows = append(b.rows, row)
	}
	if len(b.rows) == 0 {
		return io.EOF
	}
	return nil
}

// batchCursor serves a batch's rows one at a time: what next is for an
// operator whose work is done in batches.
type batchCursor struct {
	b batch
	i int
}

// pop returns the next row of the current batch, ok false when it is used up.
func (bc *batchCursor) pop() (row []types.Datum, ok bool) {
	if bc.i >= len(bc.b.rows) {
		return nil, false
	}
	row = bc.b.rows[bc.i]
	bc.b.rows[bc.i] = nil // the consumer owns it now; let it go with them
	bc.i++
	return row, true
}

// reset empties the cursor.
func (bc *batchCursor) reset() { bc.b.rows, bc.i = bc.b.rows[:0], 0 }

// memAccount is a query's memory account: the bytes its operators hold
// now (batch slabs, sorted rows, hash tables, window partitions) and the
// most they held at once. Operators still check work_mem each on their
// own (PostgreSQL's limit is per operator); the account is the query's
// total, which a global limit or a report can read. It is updated with
// atomics, so operators in parallel workers charge the same account.
// Methods are nil-safe, so an evalCtx without one costs nothing.
type memAccount struct {
	used, peak atomic.Int64
}

// charge adds n bytes that are not given back explicitly (decode slabs,
// freed by the garbage collector once no row points into them).
func (m *memAccount) charge(n int64) { m.grow(n) }

// grow adds n bytes held.
func (m *memAccount) grow(n int64) {
	if m == nil || n == 0 {
		return
	}
	u := m.used.Add(n)
	for {
		p := m.peak.Load()
		if u <= p || m.peak.CompareAndSwap(p, u) {
			return
		}
	}
}

// shrink gives n bytes back.
func (m *memAccount) shrink(n int64) {
	if m != nil && n != 0 {
		m.used.Add(-n)
	}
}

// Bytes reports the bytes held now.
func (m *memAccount) Bytes() int64 {
	if m == nil {
		return 0
	}
	return m.used.Load()
}

// Peak reports the most bytes held at once.
func (m *memAccount) Peak() int64 {
	if m == nil {
		return 0
	}
	return m.peak.Load()
}
