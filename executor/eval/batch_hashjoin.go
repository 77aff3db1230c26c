package eval

import "github.com/neuroquantumdb/nqdb/sql/types"

// leftRow is the hash join's next probe row: from the left input's
// batches in batch mode, else from its next.
func (it *hashJoinIter) leftRow() ([]types.Datum, error) {
	if it.probe == nil {
		return it.left.next()
	}
	for {
		if row, ok := it.probe.pop(); ok {
			return row, nil
		}
		it.probe.reset()
		if err := it.lsrc.nextBatch(&it.probe.b); err != nil {
			return nil, err
		}
	}
}

// nextBatch is the hash join asked for batches: its consumer reads all
// of it, so the probe side is read in batches too, and the joined rows
// of a batch are produced in one go.
func (it *hashJoinIter) nextBatch(b *batch) error {
	if it.probe == nil {
		it.probe, it.lsrc = &batchCursor{}, batchesOf(it.left)
	}
	return fillBatch(b, it.next)
}
