package eval

import (
	"context"
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Relooker is implemented by a TableAccess that can run a lookup in the
// rows of an earlier one, reusing their storage iterator and buffers: an
// index nested loop (a LATERAL join's keyed inner scan) looks a key up
// per outer row, and opening a new lookup each time cost more than the
// read. prev is what an earlier Lookup or Relookup of the same access
// returned (nil for none); it is reused only once closed, so rows still
// being read are never disturbed. The result is as Lookup's.
type Relooker interface {
	Relookup(ctx context.Context, index int, r *KeyRange, prev KeyedRows) (KeyedRows, error)
}

// lookupCache keeps what the keyed scans of a LATERAL join's inner side
// opened for one outer row, for the next: the table access (taken once:
// its table lock is the statement's anyway) and the last lookup's rows.
// A joinIter owns one and hands it to the contexts it builds its inner
// side with; the scans consult it through evalCtx.lookups.
type lookupCache struct {
	entries []lookupEntry
}

type lookupEntry struct {
	key  *planner.KeyLookup // the scan's lookup: one entry per plan node
	acc  TableAccess
	rows KeyedRows
}

// open runs s's lookup through the cache. ok is false when the cache
// does not serve s (not a stored table, or an access that cannot
// relook), and the caller opens it as usual.
func (lc *lookupCache) open(ctx context.Context, s storedScan) (rows KeyedRows, ok bool, err error) {
	var e *lookupEntry
	for i := range lc.entries {
		if lc.entries[i].key == s.key {
			e = &lc.entries[i]
			break
		}
	}
	if e == nil {
		acc, ok, err := s.st.Access(ctx, s.t, false)
		if err != nil || !ok {
			return nil, ok, err
		}
		lc.entries = append(lc.entries, lookupEntry{key: s.key, acc: acc})
		e = &lc.entries[len(lc.entries)-1]
	}
	rl, ok := e.acc.(Relooker)
	if !ok {
		return nil, false, nil
	}
	r, empty, err := s.c.keyRange(s.key)
	if err != nil {
		return nil, true, err
	}
	if empty {
		return emptyRows{}, true, nil
	}
	rows, err = rl.Relookup(ctx, s.key.Index, r, e.rows)
	if err != nil {
		return nil, true, err
	}
	e.rows = rows
	return rows, true, nil
}

// lookupCache returns the join's cache for its LATERAL inner side,
// making it on first use.
func (it *joinIter) lookupCache() *lookupCache {
	if it.lookups == nil {
		it.lookups = &lookupCache{}
	}
	return it.lookups
}

// finish is the end of storedScan.Scan for rows the cache opened:
// column pruning and the row keys, as there.
func (s storedScan) finish(rows KeyedRows, err error) (Rows, error) {
	if err != nil {
		return nil, err
	}
	if s.need != nil {
		if p, ok := rows.(ColumnPruner); ok {
			p.Want(s.need)
		}
	}
	if s.withKey {
		return keyRows{rows}, nil
	}
	return rows, nil
}

// lookupIter is a keyed scan (with its fused filter) on a LATERAL join's
// inner side: it reads the few rows of one outer row's lookup through
// the join's lookupCache, decoded one at a time into memory of their own
// (the rows may outlive the lookup in the join's output). A batched scan
// (scanBatchIter) would set up a decoder, a compiled filter and slab
// chunks sized for batches on every outer row.
type lookupIter struct {
	c      *evalCtx
	src    storedScan
	cond   planner.Expr
	scanSt *planner.NodeStats // the Scan's counts under EXPLAIN ANALYZE when the filter is fused
	rows   Rows
	closed bool
}

// lookupScan returns the iterator for keyed scan s (with filter cond,
// nil for none) when c serves a LATERAL inner side, else nil.
func (c *evalCtx) lookupScan(s *planner.Scan, cond planner.Expr, scanSt *planner.NodeStats) iterator {
	if c.lookups == nil || s.Key == nil {
		return nil
	}
	st, ok := c.env.(Store)
	if !ok {
		return nil
	}
	if _, ok := s.Table.(Scannable); ok {
		return nil
	}
	return &lookupIter{c: c, src: storedScan{c: c, st: st, t: s.Table, key: s.Key, withKey: s.WithKey, need: s.Needed},
		cond: cond, scanSt: scanSt}
}

func (it *lookupIter) next() ([]types.Datum, error) {
	if it.closed {
		return nil, io.EOF
	}
	if it.rows == nil {
		rows, err := it.src.Scan(it.c.ctx)
		if err != nil {
			it.closed = true
			return nil, err
		}
		it.rows = rows
	}
	for {
		row, err := it.rows.Next()
		if err != nil {
			it.close()
			return nil, err
		}
		if it.scanSt != nil {
			it.scanSt.Rows++
		}
		if ok, err := it.c.holds(it.cond, row); err != nil || ok {
			return row, err
		}
	}
}

func (it *lookupIter) close() {
	it.closed = true
	if it.rows != nil {
		it.rows.Close()
		it.rows = nil
	}
}
