// Package memstore is the in-memory stand-in for the storage engine: a
// storage.Relation kept in memory, so that COPY, INSERT, UPDATE, DELETE
// and SELECT have tables to work on before the B+tree lands. It is not
// durable and not transactional (a ROLLBACK does not undo its changes, and
// a failed statement's earlier calls stay done); the storage issue
// replaces it.
//
// Rows live in fixed-size chunks of slots; a RowID is a slot number + 1 and
// a deleted row leaves an empty slot (nothing is compacted until
// Truncate). Scans read a snapshot without holding a lock: Scan copies the
// list of chunk pointers and the slot count, and a writer that must change
// a slot in a chunk some snapshot may still see copies the chunk first
// (copy-on-write, tracked with a generation number that each Scan bumps).
// Appends go to slots beyond every snapshot's count and need no copy. So
// readers never block writers and see exactly the rows of the moment they
// started, as the storage contract asks.
package memstore

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/storage"
)

// chunkSize is the number of row slots per chunk: big enough that the
// chunk list stays short, small enough that a copy-on-write is cheap.
const chunkSize = 1024

type chunk struct {
	slots [chunkSize]storage.Row
	// gen is the table generation the chunk was made in; a snapshot taken
	// at or after that generation may reference it.
	gen uint64
}

// Table is an in-memory relation, safe for concurrent use.
type Table struct {
	mu     sync.RWMutex
	chunks []*chunk
	n      int   // slots used, live or deleted
	live   int64 // live rows
	// gen counts scans; a chunk with gen < the current value may be
	// shared with a snapshot. Scans bump it under the read lock (hence
	// atomic); writers read it under the write lock.
	gen atomic.Uint64
}

var _ storage.Relation = (*Table)(nil)

// New returns an empty table.
func New() *Table { return &Table{} }

// Scan implements storage.Relation.
func (t *Table) Scan(ctx context.Context) (storage.Iterator, error) {
	t.mu.RLock()
	it := &iter{ctx: ctx, n: t.n}
	if t.n > 0 {
		it.chunks = append(make([]*chunk, 0, len(t.chunks)), t.chunks...)
		// Chunks made from now on are not in this snapshot; the ones it
		// holds must be copied before any of their used slots change.
		t.gen.Add(1)
	}
	t.mu.RUnlock()
	return it, nil
}

// Insert implements storage.Relation.
func (t *Table) Insert(ctx context.Context, rows ...storage.Row) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range rows {
		if r == nil {
			r = storage.Row{} // nil marks an empty slot
		}
		i := t.n
		if i/chunkSize == len(t.chunks) {
			t.chunks = append(t.chunks, &chunk{gen: t.gen.Load()})
		}
		// Slot i is past every snapshot's count: no copy needed.
		t.chunks[i/chunkSize].slots[i%chunkSize] = r
		t.n++
	}
	t.live += int64(len(rows))
	return nil
}

// writable returns the chunk holding slot i, copied first if a snapshot
// may share it. It reports false when id is out of range or the slot is
// empty. The write lock must be held.
func (t *Table) writable(id storage.RowID) (*chunk, int, bool) {
	if id == 0 || id > storage.RowID(t.n) {
		return nil, 0, false
	}
	i := int(id - 1)
	c := t.chunks[i/chunkSize]
	if c.slots[i%chunkSize] == nil {
		return nil, 0, false
	}
	if g := t.gen.Load(); c.gen < g {
		cp := &chunk{gen: g}
		cp.slots = c.slots
		t.chunks[i/chunkSize] = cp
		c = cp
	}
	return c, i % chunkSize, true
}

// Update implements storage.Relation. The row keeps its ID.
func (t *Table) Update(ctx context.Context, id storage.RowID, row storage.Row) error {
	if row == nil {
		row = storage.Row{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, j, ok := t.writable(id)
	if !ok {
		return storage.ErrRowNotFound
	}
	c.slots[j] = row
	return nil
}

// Delete implements storage.Relation.
func (t *Table) Delete(ctx context.Context, id storage.RowID) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, j, ok := t.writable(id)
	if !ok {
		return storage.ErrRowNotFound
	}
	c.slots[j] = nil
	t.live--
	return nil
}

// Truncate implements storage.Relation. Open iterators keep their
// snapshot; IDs start again from 1.
func (t *Table) Truncate(ctx context.Context) error {
	t.mu.Lock()
	t.chunks, t.n, t.live = nil, 0, 0
	t.mu.Unlock()
	return nil
}

// Count implements storage.Relation.
func (t *Table) Count() int64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.live
}

type iter struct {
	ctx    context.Context
	chunks []*chunk
	n      int // slots in the snapshot
	i      int // next slot
	err    error
}

func (it *iter) Next() (storage.Row, bool) {
	for it.i < it.n {
		// Check for cancellation every 1024 slots: cheap, and long scans
		// stop promptly on a CancelRequest.
		if it.i&1023 == 0 {
			if err := it.ctx.Err(); err != nil {
				it.err = err
				it.i = it.n
				return nil, false
			}
		}
		r := it.chunks[it.i/chunkSize].slots[it.i%chunkSize]
		it.i++
		if r != nil {
			return r, true
		}
	}
	return nil, false
}

func (it *iter) ID() storage.RowID { return storage.RowID(it.i) }
func (it *iter) Err() error        { return it.err }
func (it *iter) Close()            { it.chunks = nil; it.n = 0 }
