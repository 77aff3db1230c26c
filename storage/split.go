package storage

import "bytes"

// splitFanout is how many candidate split keys per wanted range
// SplitRanges asks the tree for: more candidates give evener ranges for
// little extra reading (internal nodes only).
const splitFanout = 8

// SplitRanges divides the keys of tree id in [lo, hi) (nil bounds are
// open) into at most n contiguous ranges of roughly equal size, in key
// order, for a scan divided among parallel workers: the ranges cover
// [lo, hi) exactly, without overlap, each as [start, end) with nil for an
// open end. The sizes come from the committed B+tree's internal nodes
// (btree.Tree.SplitKeys); the transaction's own writes and old versions
// are not weighed but are scanned like any other key of their range. A
// small tree (a single leaf) yields one range.
//
// Under SERIALIZABLE the tree is noted as read here, so that the scans
// of the ranges can be opened from one goroutine (Scan notes too) and
// then read from several: Iter values of one transaction may be advanced
// concurrently as long as nothing writes through the transaction
// meanwhile.
func (t *Txn) SplitRanges(id TreeID, lo, hi []byte, n int) ([][2][]byte, error) {
	if t.done {
		return nil, ErrTxnDone
	}
	if t.iso == Serializable {
		t.noteRead(id)
	}
	whole := [][2][]byte{{lo, hi}}
	if n <= 1 {
		return whole, nil
	}
	t.e.mu.RLock()
	ts, err := t.tree(id)
	var keys [][]byte
	if err == nil {
		keys, err = ts.bt.SplitKeys(n * splitFanout)
	}
	t.e.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	// Keep the keys strictly inside (lo, hi).
	in := keys[:0]
	for _, k := range keys {
		if (lo == nil || bytes.Compare(k, lo) > 0) && (hi == nil || bytes.Compare(k, hi) < 0) {
			in = append(in, k)
		}
	}
	return splitEvenly(lo, hi, in, n), nil
}

// splitEvenly makes at most n ranges over [lo, hi) from the sorted
// candidate keys inside it, cutting at evenly spaced candidates.
func splitEvenly(lo, hi []byte, keys [][]byte, n int) [][2][]byte {
	parts := min(n, len(keys)+1)
	out := make([][2][]byte, 0, parts)
	start := lo
	for p := 1; p < parts; p++ {
		cut := keys[p*(len(keys)+1)/parts-1]
		out = append(out, [2][]byte{start, cut})
		start = cut
	}
	return append(out, [2][]byte{start, hi})
}
