package storage

import (
	"bytes"
	"context"
)

// ScanReverse starts a descending scan of [lo, hi); nil bounds are open.
// It sees what Scan sees, in the opposite order, under the same contract.
func (t *Txn) ScanReverse(ctx context.Context, id TreeID, lo, hi []byte) (*Iter, error) {
	it, err := t.Scan(ctx, id, lo, hi)
	if err != nil {
		return nil, err
	}
	it.rev, it.upto = true, hi
	return it, nil
}

// fillReverse reads the next batch of a descending scan. It walks the
// tree back from it.upto over up to scanBatch keys to find a window
// [wlo, upto), reads that window with an ascending scan (which resolves
// versions, keys deleted since the snapshot and the transaction's own
// writes exactly as Scan does) and hands it out backwards. Keys below the
// window's first tree key (deleted history, own writes) fall into the
// next window, whose upper end is wlo.
func (it *Iter) fillReverse() {
	it.buf, it.i = it.buf[:0], 0
	e := it.t.e
	e.mu.RLock()
	ts, err := it.t.tree(it.id)
	if err != nil {
		e.mu.RUnlock()
		it.err = err
		return
	}
	c := ts.bt.Cursor()
	var ok bool
	if it.upto == nil {
		ok = c.Last()
	} else if ok = c.SeekLE(it.upto); ok && bytes.Equal(c.Key(), it.upto) {
		ok = c.Prev()
	}
	var wlo []byte
	n := 0
	for ok {
		k := c.Key()
		if it.lo != nil && bytes.Compare(k, it.lo) < 0 {
			break
		}
		wlo, n = k, n+1
		if n == scanBatch {
			break
		}
		ok = c.Prev()
	}
	wlo = bytes.Clone(wlo)
	err = c.Err()
	c.Close()
	e.mu.RUnlock()
	if err != nil {
		it.err = err
		return
	}
	exhausted := n < scanBatch
	if exhausted {
		wlo = it.lo
	}
	sub := &Iter{t: it.t, ctx: it.ctx, id: it.id, lo: wlo, hi: it.upto, from: wlo}
	for sub.Next() {
		// The sub-scan's entries are its own copies (or the write set's
		// values, which no one modifies), so they can be kept.
		it.buf = append(it.buf, kv{k: sub.k, v: sub.v})
	}
	if sub.err != nil {
		it.err = sub.err
		return
	}
	for i, j := 0, len(it.buf)-1; i < j; i, j = i+1, j-1 {
		it.buf[i], it.buf[j] = it.buf[j], it.buf[i]
	}
	if exhausted {
		it.done = true
	} else {
		it.upto = wlo
	}
}
