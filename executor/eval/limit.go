package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// limitIter runs a planner.Limit as PostgreSQL's nodeLimit.c does: OFFSET
// and then LIMIT are evaluated once, before the first row (NULL = offset 0 /
// no limit; negative values are 2201X / 2201W); the input is closed as soon
// as the count is reached, so a LIMIT over a big scan reads no further.
// WITH TIES keeps passing rows while they equal the last counted row on the
// ORDER BY keys, which is why that row is kept.
type limitIter struct {
	c       *evalCtx
	in      iterator
	n       *planner.Limit
	started bool
	count   int64 // rows still allowed, -1 = unlimited
	// last is the last counted row (WITH TIES); done is set once the
	// ties are over.
	last []types.Datum
	done bool
}

func newLimitIter(c *evalCtx, in iterator, n *planner.Limit) *limitIter {
	return &limitIter{c: c, in: in, n: n, count: -1}
}

// start evaluates OFFSET and LIMIT and skips the offset rows.
func (it *limitIter) start() error {
	var off int64
	if it.n.Offset != nil {
		v, err := it.c.eval(it.n.Offset)
		if err != nil {
			return err
		}
		if v != nil {
			if off = v.(int64); off < 0 {
				return pgerror.New("2201X", "OFFSET must not be negative")
			}
		}
	}
	if it.n.Count != nil {
		v, err := it.c.eval(it.n.Count)
		if err != nil {
			return err
		}
		if v != nil {
			if v.(int64) < 0 {
				return pgerror.New("2201W", "LIMIT must not be negative")
			}
			it.count = v.(int64)
		}
	}
	if it.count == 0 {
		it.done = true
		it.in.close()
		return nil
	}
	if it.count > 0 && !it.n.WithTies {
		// A Sort below needs to keep only this many rows (extsort.go).
		setBound(it.in, off+it.count)
	}
	for ; off > 0; off-- {
		if _, err := it.in.next(); err != nil {
			return err
		}
	}
	return nil
}

func (it *limitIter) next() ([]types.Datum, error) {
	if !it.started {
		it.started = true
		if err := it.start(); err != nil {
			return nil, err
		}
	}
	if it.done {
		return nil, io.EOF
	}
	if it.count == 0 {
		// WITH TIES past the count: only peers of the last row.
		row, err := it.in.next()
		if err != nil {
			return nil, err
		}
		if !it.peers(it.last, row) {
			it.done = true
			it.in.close()
			return nil, io.EOF
		}
		return row, nil
	}
	row, err := it.in.next()
	if err != nil {
		return nil, err
	}
	if it.count > 0 {
		if it.count--; it.count == 0 {
			if it.n.WithTies {
				it.last = append(it.last[:0], row...)
				return row, nil
			}
			// The row is the caller's (Rows.Next's contract), so the
			// input can go before the consumer asks for the end.
			it.done = true
			it.in.close()
		}
	}
	return row, nil
}

// peers reports whether rows a and b are equal on the tie keys (NULLs
// equal each other, as in ORDER BY).
func (it *limitIter) peers(a, b []types.Datum) bool {
	out := it.n.Input.Output()
	for _, k := range it.n.TieKeys {
		x, y := a[k.Col], b[k.Col]
		if x == nil || y == nil {
			if x != nil || y != nil {
				return false
			}
			continue
		}
		if compare(out[k.Col], x, y) != 0 {
			return false
		}
	}
	return true
}

func (it *limitIter) close() {
	it.count, it.done = 0, true
	it.in.close()
}
