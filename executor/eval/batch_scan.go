package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// RawRows is implemented by scans of stored rows that can hand out each
// row's encoding (rowcodec) instead of decoding it, so that a batched
// scan decodes rows itself: first only the columns its filter reads,
// into memory it reuses, and everything else only for the rows that pass.
type RawRows interface {
	Rows
	// NextRaw returns the next row's encoding, valid until the next call,
	// or io.EOF after the last row.
	NextRaw() ([]byte, error)
	// ColumnTypes are the table's stored column types.
	ColumnTypes() []*types.T
}

// scanBatchIter is a stored table's scan with its filter (a planner
// Filter over a Scan, fused), producing batches. Per batch it reads up to
// batchSize encoded rows, decodes the filter's columns into a scratch
// slab reused for every batch, runs the filter's kernels over them, and
// decodes the rows that pass into a slab of their own: a row the filter
// rejects costs no allocation, and kept rows share their memory only
// with other kept rows.
//
// Scans whose rows do not come as RawRows (a secondary index lookup,
// tables computed on the fly) are filtered the same way after decoding.
type scanBatchIter struct {
	c    *evalCtx
	src  storedScan
	cond planner.Expr // nil: no filter
	pred *batchPred
	// scanSt counts the rows read for the Scan node under EXPLAIN
	// ANALYZE (the Filter node is measured by build).
	scanSt *planner.NodeStats

	rows Rows
	raw  RawRows
	fdec *rowcodec.Decoder // the filter's columns (nil: no filter)
	dec  *rowcodec.Decoder // the needed columns

	scratch rowcodec.Slab  // filter columns, reset every batch
	keep    *rowcodec.Slab // rows handed out; a new one when charged full
	kept    int64          // keep's bytes already charged
	rawBuf  []byte         // the batch's encoded rows, back to back
	rawEnd  []int32        // where each ends in rawBuf
	cand    [][]types.Datum
	sel     []int32
	cur     batchCursor
	ramp    int // rows to read for the next batch in row mode
	// Column mode (colvec.go): colMode is set while a fill answers a
	// consumer that reads column vectors; ocd decodes the needed columns
	// of the rows that pass (outSel) into cb.
	colMode   bool
	datumCols []int
	ocd       *rowcodec.ColumnDecoder
	ocdSpecs  []rowcodec.ColumnSpec
	cb        colBatch
	outSel    []int32
	// vf is the filter's part that runs on column vectors (colvec_filter.go).
	vf     *vecFilter
	opened bool
	closed bool
}

func newScanBatch(c *evalCtx, src storedScan, cond planner.Expr, scanSt *planner.NodeStats) *scanBatchIter {
	it := &scanBatchIter{c: c, src: src, cond: cond, scanSt: scanSt, ramp: 16}
	if cond != nil {
		it.pred = c.compilePred(cond)
	}
	return it
}

// filterColumns marks the columns cond reads, false when it cannot tell
// (then the filter decodes every needed column).
func filterColumns(cond planner.Expr, cols []bool) bool {
	switch x := cond.(type) {
	case *planner.ColumnRef:
		if x.Idx >= len(cols) {
			return false
		}
		cols[x.Idx] = true
		return true
	case *planner.Const, *planner.Param, *planner.ArrayElem:
		return true
	case *planner.Call:
		for _, a := range x.Args {
			if !filterColumns(a, cols) {
				return false
			}
		}
		return true
	case *planner.Cast:
		return filterColumns(x.X, cols)
	case *planner.BoolExpr:
		for _, a := range x.Args {
			if !filterColumns(a, cols) {
				return false
			}
		}
		return true
	case *planner.NullTest:
		return filterColumns(x.X, cols)
	case *planner.TruthTest:
		return filterColumns(x.X, cols)
	case *planner.ScalarArrayOp:
		return filterColumns(x.Op, cols) && filterColumns(x.R, cols)
	case *planner.NotDistinct:
		return filterColumns(x.L, cols) && filterColumns(x.R, cols)
	}
	return false
}

func (it *scanBatchIter) open() error {
	it.opened = true
	rows, err := it.src.Scan(it.c.ctx)
	if err != nil {
		it.closed = true
		return err
	}
	it.rows = rows
	raw, ok := rows.(RawRows)
	if !ok {
		return nil
	}
	ts := raw.ColumnTypes()
	need := it.src.need
	if need != nil && len(need) != len(ts) {
		return nil // not the shape we decode: take the rows decoded
	}
	it.raw = raw
	it.dec = rowcodec.NewDecoder(ts, need)
	if it.pred != nil {
		fcols := make([]bool, len(ts))
		if !filterColumns(it.cond, fcols) {
			fcols = need
		}
		it.fdec = rowcodec.NewDecoder(ts, fcols)
	}
	it.keep = &rowcodec.Slab{}
	it.cb.mat = it.materializeRows
	if it.pred != nil {
		it.vf = newVecFilter(it.pred, ts)
	}
	return nil
}

// fill reads up to n rows of the table and leaves those that pass the
// filter in it.cur, at least one unless the table is exhausted (io.EOF).
func (it *scanBatchIter) fill(n int) error {
	if it.closed {
		return io.EOF
	}
	if !it.opened {
		if err := it.open(); err != nil {
			return err
		}
	}
	it.cur.reset()
	it.cur.b.cols = nil
	for len(it.cur.b.rows) == 0 {
		if err := it.c.ctx.Err(); err != nil {
			it.close()
			return err
		}
		var err error
		if it.raw != nil {
			err = it.fillRaw(n)
		} else {
			err = it.fillRows(n)
		}
		if err != nil {
			if err == io.EOF && len(it.cur.b.rows) > 0 {
				return nil
			}
			it.close()
			return err
		}
	}
	return nil
}

// fillRaw is fill for RawRows; io.EOF means the table ended (rows may
// have been produced before it).
func (it *scanBatchIter) fillRaw(n int) error {
	it.rawBuf, it.rawEnd = it.rawBuf[:0], it.rawEnd[:0]
	var end error
	for len(it.rawEnd) < n {
		b, err := it.raw.NextRaw()
		if err != nil {
			end = err
			break
		}
		if it.pred == nil && !it.colMode {
			// No filter: every row is kept, decode it now.
			row, err := it.dec.DecodeSlab(b, it.keep)
			if err != nil {
				return err
			}
			it.cur.b.rows = append(it.cur.b.rows, row)
			it.rawEnd = append(it.rawEnd, 0)
			continue
		}
		it.rawBuf = append(it.rawBuf, b...)
		it.rawEnd = append(it.rawEnd, int32(len(it.rawBuf)))
	}
	if it.scanSt != nil {
		it.scanSt.Rows += int64(len(it.rawEnd))
	}
	if (it.pred != nil || it.colMode) && len(it.rawEnd) > 0 {
		it.sel = it.sel[:0]
		for i := range it.rawEnd {
			it.sel = append(it.sel, int32(i))
		}
		if it.pred != nil {
			k, err := it.filterRaw()
			if err != nil {
				return err
			}
			it.sel = it.sel[:k]
		}
		if it.colMode {
			if err := it.emitCols(); err != nil {
				return err
			}
			it.charge()
			return end
		}
		for _, i := range it.sel {
			start := int32(0)
			if i > 0 {
				start = it.rawEnd[i-1]
			}
			row, err := it.dec.DecodeSlab(it.rawBuf[start:it.rawEnd[i]], it.keep)
			if err != nil {
				return err
			}
			it.cur.b.rows = append(it.cur.b.rows, row)
		}
	}
	it.charge()
	return end
}

// charge accounts the kept rows' new slab memory to the query.
func (it *scanBatchIter) charge() {
	if a := it.keep.Allocated(); a > it.kept {
		it.c.mem.charge(a - it.kept)
		it.kept = a
	}
}

// fillRows is fill for rows that come decoded.
func (it *scanBatchIter) fillRows(n int) error {
	start := len(it.cur.b.rows)
	var end error
	for len(it.cur.b.rows)-start < n {
		row, err := it.rows.Next()
		if err != nil {
			end = err
			break
		}
		it.cur.b.rows = append(it.cur.b.rows, row)
	}
	got := it.cur.b.rows[start:]
	if it.scanSt != nil {
		it.scanSt.Rows += int64(len(got))
	}
	if it.pred != nil && len(got) > 0 {
		it.sel = it.sel[:0]
		for i := range got {
			it.sel = append(it.sel, int32(i))
		}
		k, err := it.c.selectRows(it.pred, got, it.sel)
		if err != nil {
			return err
		}
		clear(got[k:])
		it.cur.b.rows = it.cur.b.rows[:start+k]
	}
	return end
}

func (it *scanBatchIter) next() ([]types.Datum, error) {
	for {
		if row, ok := it.cur.pop(); ok {
			return row, nil
		}
		// Row mode reads ahead only as far as is pure, and little at
		// first (an EXISTS or a LIMIT may want one row), then more.
		n := 1
		if it.pred == nil || it.pred.pure() {
			n = it.ramp
			it.ramp = min(2*it.ramp, batchSize)
		}
		if err := it.fill(n); err != nil {
			return nil, err
		}
	}
}

func (it *scanBatchIter) nextBatch(b *batch) error {
	b.cols = nil
	if it.cur.i < len(it.cur.b.rows) {
		// Rows left from row mode first.
		b.rows = append(b.rows[:0], it.cur.b.rows[it.cur.i:]...)
		it.cur.reset()
		return nil
	}
	// Column mode only under a filter: without one, rows are decoded as
	// they are read, which saves copying their bytes (measured: q18's
	// unfiltered lineitem aggregation was slower in column mode).
	want := b.wantCols && it.pred != nil
	it.colMode, it.datumCols = want && it.opened && it.raw != nil, b.datumCols
	if !it.opened && want {
		if err := it.open(); err != nil {
			it.closed = true
			b.rows = b.rows[:0]
			return err
		}
		it.colMode = it.raw != nil
	}
	err := it.fill(batchSize)
	it.colMode = false
	if err != nil {
		b.rows = b.rows[:0]
		return err
	}
	// Hand the batch over by swapping slices: no copy.
	b.rows, it.cur.b.rows = it.cur.b.rows, b.rows[:0]
	b.cols, it.cur.b.cols = it.cur.b.cols, nil
	it.cur.i = 0
	return nil
}

func (it *scanBatchIter) close() {
	it.closed = true
	it.cur.reset()
	if it.rows != nil {
		it.rows.Close()
		it.rows, it.raw = nil, nil
	}
}

// scanFilter fuses a Filter over a stored table's Scan into one
// scanBatchIter (nil when f is not that).
func (c *evalCtx) scanFilter(f *planner.Filter) iterator {
	s, ok := f.Input.(*planner.Scan)
	if !ok || s.WithKey {
		return nil
	}
	if _, ok := s.Table.(Scannable); ok {
		return nil
	}
	st, ok := c.env.(Store)
	if !ok {
		return nil
	}
	var scanSt *planner.NodeStats
	if a := actualsOf(c.ctx); a != nil {
		// The Scan is not built through build: count it here.
		scanSt = a.start(s, true)
	}
	if it := c.lookupScan(s, f.Cond, scanSt); it != nil {
		return it // a LATERAL inner side's key lookup (lookup_reuse.go)
	}
	return newScanBatch(c, storedScan{c: c, st: st, t: s.Table, key: s.Key, need: s.Needed}, f.Cond, scanSt)
}
