package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// hashJoinIter is a hash join (planner.Join with keys): the right input
// is read once into a hash table on its key values, then each left row
// looks up its own key values and is paired with the right rows found,
// which Cond then checks. Keys are hashed by their canonical text form
// (rowKey), which the planner only allows for types where equal values
// have one such form. A LEFT or FULL JOIN emits an unmatched left row
// with NULLs; a FULL JOIN then emits the right rows no left row matched.
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
	steps    int
}

func newHashJoin(c *evalCtx, n *planner.Join, l, r iterator) *hashJoinIter {
	it := &hashJoinIter{c: c, n: n, left: l, right: r, nl: len(n.Left.Output()), nr: len(n.Right.Output())}
	for i := range n.RightKeys {
		it.rtypes = append(it.rtypes, n.RightKeys[i].Type())
		it.ltypes = append(it.ltypes, n.LeftKeys[i].Type())
	}
	it.keyVals = make([]types.Datum, len(n.RightKeys))
	return it
}

// key evaluates keys over row into it.keyBuf; ok is false when a key is
// NULL (such a row matches nothing).
func (it *hashJoinIter) key(keys []planner.Expr, ts []*types.T, row []types.Datum) (bool, error) {
	saved := it.c.row
	it.c.row = row
	defer func() { it.c.row = saved }()
	for i, k := range keys {
		v, err := it.c.eval(k)
		if err != nil {
			return false, err
		}
		if v == nil {
			return false, nil
		}
		it.keyVals[i] = v
	}
	it.keyBuf = rowKey(it.keyBuf[:0], ts, it.keyVals)
	return true, nil
}

func (it *hashJoinIter) load() error {
	it.loaded = true
	it.table = map[string][]int32{}
	full := it.n.Kind == planner.FullJoin
	for {
		row, err := it.right.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := it.tick(); err != nil {
			return err
		}
		ok, err := it.key(it.n.RightKeys, it.rtypes, row)
		if err != nil {
			return err
		}
		if !ok && !full {
			continue
		}
		it.rows = append(it.rows, row)
		if ok {
			it.table[string(it.keyBuf)] = append(it.table[string(it.keyBuf)], int32(len(it.rows)-1))
		}
	}
	it.right.close()
	if full {
		it.rmatched = make([]bool, len(it.rows))
	}
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
	for {
		if it.cur == nil {
			if it.leftDone {
				return it.unmatchedRight()
			}
			row, err := it.left.next()
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
			if len(it.table) > 0 {
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
		if !matched && it.n.Kind != planner.InnerJoin {
			row := make([]types.Datum, it.nl+it.nr)
			copy(row, cur)
			return row, nil
		}
	}
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
// NULLs for the left columns (the end of a FULL JOIN).
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
	it.loaded, it.table, it.rows, it.cur, it.matches = true, nil, nil, nil, nil
	it.rmatched, it.leftDone = nil, false
	it.left.close()
	it.right.close()
}
