package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// recursiveIter is planner.RecursiveUnion: the base rows, then rounds of
// the recursive term, each reading the rows the previous round produced
// (the work table), until a round produces none.
type recursiveIter struct {
	c       *evalCtx
	n       *planner.RecursiveUnion
	cur     iterator // the running term
	base    bool     // cur is the base term
	round   [][]types.Datum
	seen    map[string]struct{} // UNION without ALL: rows produced so far
	buf     []byte
	started bool
	done    bool
	steps   int
}

func (it *recursiveIter) next() ([]types.Datum, error) {
	if it.done {
		return nil, io.EOF
	}
	if !it.started {
		it.started = true
		if !it.n.All {
			it.seen = map[string]struct{}{}
		}
		cur, err := it.c.build(it.n.Base)
		if err != nil {
			return nil, err
		}
		it.cur, it.base = cur, true
	}
	for {
		row, err := it.cur.next()
		if err == io.EOF {
			it.cur.close()
			if len(it.round) == 0 {
				it.done, it.cur = true, nil
				return nil, io.EOF
			}
			// The next round reads what this one produced.
			if it.c.work == nil {
				it.c.work = map[*planner.WorkTable][][]types.Datum{}
			}
			it.c.work[it.n.Work], it.round = it.round, nil
			cur, err := it.c.build(it.n.Recursive)
			if err != nil {
				return nil, err
			}
			it.cur, it.base = cur, false
			continue
		}
		if err != nil {
			return nil, err
		}
		if it.steps++; it.steps%1024 == 0 {
			if err := it.c.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if it.seen != nil {
			it.buf = rowKey(it.buf[:0], it.n.Work.Types, row)
			if _, dup := it.seen[string(it.buf)]; dup {
				continue
			}
			it.seen[string(it.buf)] = struct{}{}
		}
		it.round = append(it.round, row)
		return row, nil
	}
}

func (it *recursiveIter) close() {
	if it.cur != nil {
		it.cur.close()
		it.cur = nil
	}
	it.done, it.round, it.seen = true, nil, nil
}

// workIter reads a RecursiveUnion's previous round.
type workIter struct {
	rows [][]types.Datum
	i    int
}

func (it *workIter) next() ([]types.Datum, error) {
	if it.i >= len(it.rows) {
		return nil, io.EOF
	}
	it.i++
	return it.rows[it.i-1], nil
}

func (it *workIter) close() { it.i = len(it.rows) }
