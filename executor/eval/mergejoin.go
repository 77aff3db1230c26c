package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// mergeJoinIter is a merge join (planner.Join with Merge set): both
// inputs arrive sorted ascending, NULLs last, on their key expressions
// (the planner puts a Sort under a side that does not already come in
// key order), and the two streams are walked in step.
//
// The right side is read one group of equal keys at a time. The group is
// kept while left rows carry the same key, which is PostgreSQL's mark and
// restore: duplicates on both sides pair up without re-reading the right
// input. A NULL key never matches (NULLs sort last on both sides, so they
// only ever meet unmatched), as `=` would not. Cond, the rest of the join
// condition, is checked on each pair of equal keys.
//
// Kinds: inner, LEFT and FULL joins emit pairs (an unmatched left row
// with NULLs on the right; FULL also emits every right row no left row
// matched, with NULLs on the left); semi and anti joins emit a left row
// once when some / no right row matches it.
//
// Each left row's output goes to a small queue (pending), which keeps
// the state machine one step per left row.
type mergeJoinIter struct {
	c           *evalCtx
	n           *planner.Join
	left, right iterator
	nl, nr      int
	ktypes      []*types.T // comparison type per key (the left key's)
	full        bool

	// group holds the right rows whose keys equal groupKey; gmatched
	// marks the ones some left row matched (FULL JOIN).
	group    [][]types.Datum
	gmatched []bool
	groupKey []types.Datum
	// ahead is the first right row after the group, read but not yet
	// placed (nil: none read); aheadKey its key values.
	ahead    []types.Datum
	aheadKey []types.Datum
	rightEOF bool

	leftKey  []types.Datum
	pending  [][]types.Datum
	pos      int
	leftDone bool
	done     bool
	steps    int
}

func newMergeJoin(c *evalCtx, n *planner.Join, l, r iterator) *mergeJoinIter {
	it := &mergeJoinIter{c: c, n: n, left: l, right: r, nl: len(n.Left.Output()), nr: len(n.Right.Output()),
		full: n.Kind == planner.FullJoin}
	it.ktypes = make([]*types.T, len(n.LeftKeys))
	for i, k := range n.LeftKeys {
		it.ktypes[i] = k.Type()
	}
	it.leftKey = make([]types.Datum, len(n.LeftKeys))
	return it
}

// keys evaluates ks over row into out; ok is false when one is NULL.
func (it *mergeJoinIter) keys(ks []planner.Expr, row, out []types.Datum) (bool, error) {
	saved := it.c.row
	it.c.row = row
	defer func() { it.c.row = saved }()
	ok := true
	for i, k := range ks {
		v, err := it.c.eval(k)
		if err != nil {
			return false, err
		}
		out[i] = v
		if v == nil {
			ok = false
		}
	}
	return ok, nil
}

// cmpKeys compares two key tuples without NULLs.
func (it *mergeJoinIter) cmpKeys(a, b []types.Datum) int {
	for i, t := range it.ktypes {
		if r := compare(t, a[i], b[i]); r != 0 {
			return r
		}
	}
	return 0
}

func (it *mergeJoinIter) tick() error {
	if it.steps++; it.steps%4096 == 0 {
		return it.c.ctx.Err()
	}
	return nil
}

// readRight reads the next right row into ahead (with its key); it
// reports false at the end of the right input. A row with a NULL key has
// aheadKey nil: it sorts after every key and never matches.
func (it *mergeJoinIter) readRight() (bool, error) {
	if it.ahead != nil {
		return true, nil
	}
	if it.rightEOF {
		return false, nil
	}
	row, err := it.right.next()
	if err == io.EOF {
		it.rightEOF = true
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := it.tick(); err != nil {
		return false, err
	}
	key := make([]types.Datum, len(it.n.RightKeys))
	ok, err := it.keys(it.n.RightKeys, row, key)
	if err != nil {
		return false, err
	}
	if !ok {
		key = nil
	}
	it.ahead, it.aheadKey = row, key
	return true, nil
}

// dropGroup forgets the current group, queueing its unmatched rows
// first in a FULL JOIN.
func (it *mergeJoinIter) dropGroup() {
	if it.full {
		for i, r := range it.group {
			if !it.gmatched[i] {
				it.pending = append(it.pending, it.nullLeft(r))
			}
		}
	}
	it.group, it.gmatched, it.groupKey = it.group[:0], it.gmatched[:0], nil
}

func (it *mergeJoinIter) nullLeft(r []types.Datum) []types.Datum {
	row := make([]types.Datum, it.nl+it.nr)
	copy(row[it.nl:], r)
	return row
}

// seek makes group the right rows whose key equals key (possibly none),
// skipping (and, in a FULL JOIN, queueing) the smaller ones.
func (it *mergeJoinIter) seek(key []types.Datum) error {
	if it.groupKey != nil && it.cmpKeys(it.groupKey, key) == 0 {
		return nil
	}
	it.dropGroup()
	for {
		ok, err := it.readRight()
		if err != nil || !ok {
			return err
		}
		if it.aheadKey == nil {
			return nil // NULL keys: all the rest are NULL too
		}
		c := it.cmpKeys(it.aheadKey, key)
		if c > 0 {
			return nil
		}
		if c < 0 {
			if it.full {
				it.pending = append(it.pending, it.nullLeft(it.ahead))
			}
			it.ahead, it.aheadKey = nil, nil
			continue
		}
		// Equal: collect the group.
		it.groupKey = it.aheadKey
		for {
			it.group = append(it.group, it.ahead)
			it.gmatched = append(it.gmatched, false)
			it.ahead, it.aheadKey = nil, nil
			ok, err := it.readRight()
			if err != nil || !ok {
				return err
			}
			if it.aheadKey == nil || it.cmpKeys(it.aheadKey, key) != 0 {
				return nil
			}
		}
	}
}

// step reads one left row and queues what it produces; at the end of
// the left input it queues a FULL JOIN's remaining right rows.
func (it *mergeJoinIter) step() error {
	row, err := it.left.next()
	if err == io.EOF {
		it.leftDone = true
		it.left.close()
		if !it.full {
			it.right.close()
			return nil
		}
		it.dropGroup()
		for {
			ok, err := it.readRight()
			if err != nil || !ok {
				it.right.close()
				return err
			}
			it.pending = append(it.pending, it.nullLeft(it.ahead))
			it.ahead, it.aheadKey = nil, nil
		}
	}
	if err != nil {
		return err
	}
	if err := it.tick(); err != nil {
		return err
	}
	ok, err := it.keys(it.n.LeftKeys, row, it.leftKey)
	if err != nil {
		return err
	}
	var group [][]types.Datum
	if ok {
		if err := it.seek(it.leftKey); err != nil {
			return err
		}
		group = it.group
	}
	kind := it.n.Kind
	if kind == planner.SemiJoin || kind == planner.AntiJoin {
		found, err := it.anyMatch(row, group)
		if err != nil {
			return err
		}
		if found == (kind == planner.SemiJoin) {
			it.pending = append(it.pending, row)
		}
		return nil
	}
	matched := false
	for i, r := range group {
		out := make([]types.Datum, it.nl+it.nr)
		copy(out, row)
		copy(out[it.nl:], r)
		if ok, err := it.c.holds(it.n.Cond, out); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		matched = true
		if it.full {
			it.gmatched[i] = true
		}
		it.pending = append(it.pending, out)
	}
	if !matched && kind != planner.InnerJoin {
		out := make([]types.Datum, it.nl+it.nr)
		copy(out, row)
		it.pending = append(it.pending, out)
	}
	return nil
}

// anyMatch reports whether a row of group satisfies Cond with left.
func (it *mergeJoinIter) anyMatch(left []types.Datum, group [][]types.Datum) (bool, error) {
	if len(group) == 0 || it.n.Cond == nil {
		return len(group) > 0, nil
	}
	row := make([]types.Datum, it.nl+it.nr)
	copy(row, left)
	for _, r := range group {
		copy(row[it.nl:], r)
		if ok, err := it.c.holds(it.n.Cond, row); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (it *mergeJoinIter) next() ([]types.Datum, error) {
	for {
		if it.pos < len(it.pending) {
			row := it.pending[it.pos]
			it.pending[it.pos] = nil
			it.pos++
			return row, nil
		}
		it.pending, it.pos = it.pending[:0], 0
		if it.leftDone || it.done {
			return nil, io.EOF
		}
		if err := it.step(); err != nil {
			return nil, err
		}
	}
}

func (it *mergeJoinIter) close() {
	it.done, it.group, it.gmatched, it.pending, it.pos, it.ahead = true, nil, nil, nil, 0, nil
	it.left.close()
	it.right.close()
}
