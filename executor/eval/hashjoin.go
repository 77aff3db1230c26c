package eval

import (
	"encoding/binary"
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// hashJoinIter is a hash join (planner.Join with keys): the right input
// is read once into a hash table on its key values, then each left row
// looks up its own key values and is paired with the right rows found,
// which Cond then checks. Keys are hashed by their canonical text form
// (rowKey), which the planner only allows for types where equal values
// have one such form. A LEFT or FULL JOIN emits an unmatched left row
// with NULLs; a FULL or RIGHT JOIN then emits the right rows no left row
// matched (PostgreSQL's Hash Right Join: the planner builds on the
// preserved side when it is the smaller one, planner/hashright.go).
type hashJoinIter struct {
	c           *evalCtx
	n           *planner.Join
	left, right iterator
	nl, nr      int
	rtypes      []*types.T // right key types, for rowKey
	ltypes      []*types.T
	rows        [][]types.Datum // the right rows
	table       map[string][]int32
	loaded      bool
	cur         []types.Datum
	matches     []int32
	pos         int
	// rmatched marks the right rows some left row matched (FULL JOIN),
	// and tail is the next right row to check once the left side ends.
	rmatched []bool
	tail     int
	leftDone bool
	matched  bool
	keyBuf   []byte
	keyVals  []types.Datum
	intKeys  []bool // key i is an integer on both sides (key)
	// itable replaces table when the join has one key, an integer on
	// both sides (most joins: on keys): no key bytes to build, hash or
	// keep.
	itable map[int64][]int32
	single bool
	steps  int
	// probe, in batch mode, reads the left side a batch at a time
	// (batch_hashjoin.go).
	probe *batchCursor
	lsrc  batchIterator
	// spill accounts the right rows' memory; grace runs the join in
	// partitions on disk once they pass hash_mem (spill_hashjoin.go).
	spill joinSpill
	grace *graceJoin
	// pending are the rows of the last build batch not read when the
	// build side went over hash_mem (buildRest).
	pending [][]types.Datum
}

func newHashJoin(c *evalCtx, n *planner.Join, l, r iterator) *hashJoinIter {
	it := &hashJoinIter{c: c, n: n, left: l, right: r, nl: len(n.Left.Output()), nr: len(n.Right.Output())}
	for i := range n.RightKeys {
		it.rtypes = append(it.rtypes, n.RightKeys[i].Type())
		it.ltypes = append(it.ltypes, n.LeftKeys[i].Type())
	}
	it.keyVals = make([]types.Datum, len(n.RightKeys))
	it.intKeys = make([]bool, len(n.RightKeys))
	for i := range it.intKeys {
		it.intKeys[i] = isIntType(it.ltypes[i]) && isIntType(it.rtypes[i])
	}
	it.single = len(it.intKeys) == 1 && it.intKeys[0]
	return it
}

// ikey is key for a single integer key: its value, ok false when NULL.
func (it *hashJoinIter) ikey(k planner.Expr, row []types.Datum) (int64, bool, error) {
	saved := it.c.row
	it.c.row = row
	v, err := it.c.eval(k)
	it.c.row = saved
	if err != nil || v == nil {
		return 0, false, err
	}
	n, ok := v.(int64)
	if !ok {
		return 0, false, pgerror.New(pgerror.InternalError, "hash join: integer key of Go type %T", v)
	}
	return n, true, nil
}

// size is the number of distinct keys loaded.
func (it *hashJoinIter) size() int {
	if it.single {
		return len(it.itable)
	}
	return len(it.table)
}

// isIntType reports the integer types, whose datums are all int64.
func isIntType(t *types.T) bool {
	switch t.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8:
		return true
	}
	return false
}

// key evaluates keys over row into it.keyBuf; ok is false when a key is
// NULL (such a row matches nothing).
//
// Integer keys (both sides of an integer type) are their 8 bytes rather
// than their text, the common case of joins on keys: no formatting, and
// shorter map keys to hash. Both sides of a key column take the same
// form, so equal values still give equal keys.
func (it *hashJoinIter) key(keys []planner.Expr, ts []*types.T, row []types.Datum) (bool, error) {
	saved := it.c.row
	it.c.row = row
	buf := it.keyBuf[:0]
	for i, k := range keys {
		v, err := it.c.eval(k)
		if err != nil || v == nil {
			it.c.row = saved
			return false, err
		}
		if n, ok := v.(int64); ok && it.intKeys[i] {
			buf = binary.LittleEndian.AppendUint64(append(buf, 2), uint64(n))
			continue
		}
		it.keyVals[0] = v
		buf = rowKeyText(buf, ts[i:i+1], it.keyVals[:1])
	}
	it.c.row = saved
	it.keyBuf = buf
	return true, nil
}

func (it *hashJoinIter) load() error {
	if done, err := it.loadShared(); done { // parallel workers: parallel_hash.go
		return err
	}
	it.loaded = true
	it.initSpill()
	if it.single {
		it.itable = map[int64][]int32{}
	} else {
		it.table = map[string][]int32{}
	}
	full := it.keepsRight()
	// The build side is read in batches: the join reads all of it
	// before its first row, and cancellation is the wrapper's, per
	// batch.
	src := batchesOf(it.right)
	var b batch
	for {
		if err := src.nextBatch(&b); err != nil {
			if err == io.EOF {
				break
			}
			return err
		}
		for bi, row := range b.rows {
			var ok bool
			var ik int64
			var err error
			if it.single {
				ik, ok, err = it.ikey(it.n.RightKeys[0], row)
			} else {
				ok, err = it.key(it.n.RightKeys, it.rtypes, row)
			}
			if err != nil {
				return err
			}
			if !ok && !full {
				continue
			}
			it.rows = append(it.rows, row)
			if it.overMemory(row) {
				// The rows of the batch not yet read go to the
				// partitions with the rest of the input.
				it.pending = append(it.pending[:0], b.rows[bi+1:]...)
				return it.startGrace()
			}
			switch {
			case !ok:
			case it.single:
				it.itable[ik] = append(it.itable[ik], int32(len(it.rows)-1))
			default:
				it.table[string(it.keyBuf)] = append(it.table[string(it.keyBuf)], int32(len(it.rows)-1))
			}
		}
	}
	it.right.close()
	if full {
		it.rmatched = make([]bool, len(it.rows))
	}
	it.loadStats()
	return nil
}

func (it *hashJoinIter) tick() error {
	if it.steps++; it.steps%4096 == 0 {
		return it.c.ctx.Err()
	}
	return nil
}

func (it *hashJoinIter) next() ([]types.Datum, error) {
	if !it.loaded {
		if err := it.load(); err != nil {
			return nil, err
		}
	}
	if it.grace != nil {
		return it.grace.nextRow()
	}
	for {
		if it.cur == nil {
			if it.leftDone {
				return it.unmatchedRight()
			}
			row, err := it.leftRow()
			if err == io.EOF && it.rmatched != nil {
				it.leftDone = true
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := it.tick(); err != nil {
				return nil, err
			}
			it.cur, it.pos, it.matched, it.matches = row, 0, false, nil
			if it.single && len(it.itable) > 0 {
				ik, ok, err := it.ikey(it.n.LeftKeys[0], row)
				if err != nil {
					return nil, err
				}
				if ok {
					it.matches = it.itable[ik]
				}
			} else if it.size() > 0 {
				ok, err := it.key(it.n.LeftKeys, it.ltypes, row)
				if err != nil {
					return nil, err
				}
				if ok {
					it.matches = it.table[string(it.keyBuf)]
				}
			}
		}
		if k := it.n.Kind; k == planner.SemiJoin || k == planner.AntiJoin {
			cur := it.cur
			it.cur = nil
			found, err := it.anyMatch(cur)
			if err != nil {
				return nil, err
			}
			if found == (k == planner.SemiJoin) {
				return cur, nil
			}
			continue
		}
		for it.pos < len(it.matches) {
			ri := it.matches[it.pos]
			in := it.rows[ri]
			it.pos++
			row := make([]types.Datum, it.nl+it.nr)
			copy(row, it.cur)
			copy(row[it.nl:], in)
			if ok, err := it.c.holds(it.n.Cond, row); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			it.matched = true
			if it.rmatched != nil {
				it.rmatched[ri] = true
			}
			return row, nil
		}
		cur, matched := it.cur, it.matched
		it.cur = nil
		if !matched && it.n.Kind != planner.InnerJoin && it.n.Kind != planner.RightJoin {
			row := make([]types.Datum, it.nl+it.nr)
			copy(row, cur)
			return row, nil
		}
	}
}

// keepsRight reports whether the join outputs the right rows no left
// row matched (FULL and RIGHT joins).
func (it *hashJoinIter) keepsRight() bool {
	return it.n.Kind == planner.FullJoin || it.n.Kind == planner.RightJoin
}

// anyMatch reports whether a right row among the left row's matches
// satisfies Cond (semi and anti joins).
func (it *hashJoinIter) anyMatch(left []types.Datum) (bool, error) {
	if len(it.matches) == 0 {
		return false, nil
	}
	if it.n.Cond == nil {
		return true, nil
	}
	row := make([]types.Datum, it.nl+it.nr)
	copy(row, left)
	for _, ri := range it.matches {
		copy(row[it.nl:], it.rows[ri])
		if ok, err := it.c.holds(it.n.Cond, row); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// unmatchedRight returns the next right row no left row matched, with
// NULLs for the left columns (the end of a FULL or RIGHT JOIN).
func (it *hashJoinIter) unmatchedRight() ([]types.Datum, error) {
	for it.tail < len(it.rows) {
		i := it.tail
		it.tail++
		if !it.rmatched[i] {
			row := make([]types.Datum, it.nl+it.nr)
			copy(row[it.nl:], it.rows[i])
			return row, nil
		}
	}
	return nil, io.EOF
}

func (it *hashJoinIter) close() {
	it.loaded, it.table, it.itable, it.rows, it.cur, it.matches = true, nil, nil, nil, nil, nil
	it.rmatched, it.leftDone = nil, false
	it.left.close()
	it.right.close()
	if it.grace != nil {
		it.grace.close()
	}
}
