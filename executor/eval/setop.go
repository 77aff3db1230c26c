package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// setOpIter runs INTERSECT [ALL] and EXCEPT [ALL] as PostgreSQL's
// HashSetOp does: the right input is counted by row key (rowKey: NULLs
// equal, as set operations compare rows), then the left input streams
// through the counts. A count of -1 marks a key already emitted by the
// distinct forms.
type setOpIter struct {
	left, right iterator
	op          planner.SetOpKind
	all         bool
	types       []*types.T
	counts      map[string]int
	buf         []byte
	lsrc        batchIterator // batch mode (batch_set.go)
}

func (it *setOpIter) next() ([]types.Datum, error) {
	if it.counts == nil {
		if err := it.loadRight(); err != nil {
			return nil, err
		}
	}
	for {
		row, err := it.left.next()
		if err != nil {
			return nil, err
		}
		if it.keep(row) {
			return row, nil
		}
	}
}

// loadRight counts the right input's rows by key, reading it in batches
// (all of it is needed first).
func (it *setOpIter) loadRight() error {
	it.counts = map[string]int{}
	err := eachBatch(it.right, func(rows [][]types.Datum) error {
		for _, row := range rows {
			it.buf = rowKey(it.buf[:0], it.types, row)
			it.counts[string(it.buf)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	it.right.close()
	return nil
}

// keep reports whether the set operation returns left row row, updating
// the counts.
func (it *setOpIter) keep(row []types.Datum) bool {
	it.buf = rowKey(it.buf[:0], it.types, row)
	n, seen := it.counts[string(it.buf)]
	switch {
	case it.op == planner.SetIntersect && it.all:
		if n > 0 {
			it.counts[string(it.buf)] = n - 1
			return true
		}
	case it.op == planner.SetIntersect:
		if n > 0 {
			it.counts[string(it.buf)] = -1
			return true
		}
	case it.all: // EXCEPT ALL: each right copy cancels one left copy
		if n > 0 {
			it.counts[string(it.buf)] = n - 1
			return false
		}
		return true
	default: // EXCEPT
		if !seen {
			it.counts[string(it.buf)] = -1
			return true
		}
	}
	return false
}

func (it *setOpIter) close() {
	it.left.close()
	it.right.close()
	it.counts = nil
}
