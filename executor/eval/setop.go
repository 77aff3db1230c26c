package eval

import (
	"io"

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
}

func (it *setOpIter) next() ([]types.Datum, error) {
	if it.counts == nil {
		it.counts = map[string]int{}
		for {
			row, err := it.right.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			it.buf = rowKey(it.buf[:0], it.types, row)
			it.counts[string(it.buf)]++
		}
		it.right.close()
	}
	for {
		row, err := it.left.next()
		if err != nil {
			return nil, err
		}
		it.buf = rowKey(it.buf[:0], it.types, row)
		n, seen := it.counts[string(it.buf)]
		switch {
		case it.op == planner.SetIntersect && it.all:
			if n > 0 {
				it.counts[string(it.buf)] = n - 1
				return row, nil
			}
		case it.op == planner.SetIntersect:
			if n > 0 {
				it.counts[string(it.buf)] = -1
				return row, nil
			}
		case it.all: // EXCEPT ALL: each right copy cancels one left copy
			if n > 0 {
				it.counts[string(it.buf)] = n - 1
				continue
			}
			return row, nil
		default: // EXCEPT
			if !seen {
				it.counts[string(it.buf)] = -1
				return row, nil
			}
		}
	}
}

func (it *setOpIter) close() {
	it.left.close()
	it.right.close()
	it.counts = nil
}
