package executor

import (
	"context"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/storage"
)

var _ eval.RangeScanner = (*tableAccess)(nil)

// ScanRanges implements eval.RangeScanner: the table's full scan divided
// into at most n scans of contiguous key ranges of about equal size
// (storage.Txn.SplitRanges), all opened here, on the caller's goroutine,
// so that parallel workers only advance them (a transaction's iterators
// may be read concurrently; opening one touches the transaction's read
// set).
func (a *tableAccess) ScanRanges(ctx context.Context, n int) ([]eval.KeyedRows, error) {
	ranges, err := a.tx.SplitRanges(a.t.tree, nil, nil, n)
	if err != nil {
		return nil, storageError(err)
	}
	out := make([]eval.KeyedRows, 0, len(ranges))
	for _, r := range ranges {
		it, err := a.tx.Scan(ctx, a.t.tree, r[0], r[1])
		if err != nil {
			for _, o := range out {
				o.Close()
			}
			return nil, storageError(err)
		}
		out = append(out, &keyedRows{it: it, types: a.t.types})
	}
	return out, nil
}

var _ eval.ConcurrentReader = (*tableAccess)(nil)

// ConcurrentReads implements eval.ConcurrentReader: a read-only
// statement's lookups and scans may run on several goroutines at once
// (each iterator is its own, the engine latches its trees), except under
// SERIALIZABLE, where every read notes its tree in the transaction's
// read set (a map, not safe for concurrent writes).
func (a *tableAccess) ConcurrentReads() bool {
	return a.tx.Isolation() != storage.Serializable
}
