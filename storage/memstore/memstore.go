// Package memstore is the in-memory stand-in for the storage engine: a
// storage.Relation kept in a slice, so that COPY, INSERT and SELECT have
// tables to work on before the B+tree lands. It is not durable and not
// transactional (a ROLLBACK does not undo its changes); the storage issue
// replaces it.
package memstore

import (
	"context"
	"sync"

	"github.com/neuroquantumdb/nqdb/storage"
)

// Table is an in-memory relation, safe for concurrent use.
type Table struct {
	mu   sync.RWMutex
	rows []storage.Row
}

var _ storage.Relation = (*Table)(nil)

// New returns an empty table.
func New() *Table { return &Table{} }

// Scan implements storage.Relation. The iterator sees a snapshot of the
// row slice header: rows appended later are not visited.
func (t *Table) Scan(ctx context.Context) (storage.Iterator, error) {
	t.mu.RLock()
	rows := t.rows[:len(t.rows):len(t.rows)]
	t.mu.RUnlock()
	return &iter{ctx: ctx, rows: rows}, nil
}

// Insert implements storage.Relation.
func (t *Table) Insert(ctx context.Context, rows ...storage.Row) error {
	t.mu.Lock()
	t.rows = append(t.rows, rows...)
	t.mu.Unlock()
	return nil
}

// Truncate implements storage.Relation.
func (t *Table) Truncate(ctx context.Context) error {
	t.mu.Lock()
	t.rows = nil
	t.mu.Unlock()
	return nil
}

// Count implements storage.Relation.
func (t *Table) Count() int64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return int64(len(t.rows))
}

type iter struct {
	ctx  context.Context
	rows []storage.Row
	i    int
	err  error
}

func (it *iter) Next() (storage.Row, bool) {
	if it.i >= len(it.rows) {
		return nil, false
	}
	// Check for cancellation every 1024 rows: cheap, and long scans stop
	// promptly on a CancelRequest.
	if it.i&1023 == 0 {
		if err := it.ctx.Err(); err != nil {
			it.err = err
			return nil, false
		}
	}
	it.i++
	return it.rows[it.i-1], true
}

func (it *iter) Err() error { return it.err }
func (it *iter) Close()     {}
