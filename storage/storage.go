// Package storage holds nqdb's tables. This is the interface the executor
// reads and writes through; the buffer-pooled B+tree with its WAL and MVCC
// (the storage issue) implements it. Until then the in-memory stand-in in
// storage/memstore does, without durability or transactional isolation.
//
// Storage sees rows as slices of opaque Go values: it never interprets a
// datum, so it does not depend on the SQL layer. (The B+tree will encode
// them through codec/.)
package storage

import (
	"context"
	"errors"
)

// Row is one stored row, a value per column in attribute order; nil is NULL.
type Row = []any

// RowID identifies a stored row within its relation, as PostgreSQL's ctid
// does: an UPDATE or DELETE finds its rows by a scan and then names them by
// ID. 0 is never a valid ID. An ID stays valid until its row is deleted or
// updated (Update may give the new version another ID, as a heap or an
// MVCC B+tree does) or the relation is truncated; after that it may name
// another row, so callers must not keep IDs beyond one statement.
type RowID uint64

// ErrRowNotFound is returned by Update and Delete when the ID names no live
// row (deleted or truncated since it was read).
var ErrRowNotFound = errors.New("storage: row not found")

// Relation is the stored data of one table. Implementations are safe for
// concurrent use by several sessions.
//
// Contract:
//
//   - Scan returns rows in an unspecified order (insertion order for the
//     stand-in). An Iterator reads a snapshot: exactly the rows that were
//     live when Scan returned, with the values they had then. Inserts,
//     updates, deletes and truncations made afterwards, through this or any
//     other goroutine, do not change what an open Iterator yields, so a
//     statement may modify the rows it is scanning (no Halloween problem).
//     An Iterator must be closed; it is used by one goroutine.
//   - Rows yielded by an Iterator are shared with storage: callers must not
//     modify them (copy first).
//   - Insert, Update and Delete take ownership of the row slices they are
//     given; the caller must not modify them afterwards.
//   - Each call is atomic on its own (a concurrent Scan sees all of an
//     Insert's rows or none), but nothing groups several calls: there are
//     no transactions yet. The storage issue adds them (and row locks) to
//     this interface.
type Relation interface {
	// Scan starts a full scan.
	Scan(ctx context.Context) (Iterator, error)
	// Insert appends rows.
	Insert(ctx context.Context, rows ...Row) error
	// Update replaces the row id names (ErrRowNotFound if none).
	Update(ctx context.Context, id RowID, row Row) error
	// Delete removes the row id names (ErrRowNotFound if none).
	Delete(ctx context.Context, id RowID) error
	// Truncate removes every row.
	Truncate(ctx context.Context) error
	// Count returns the number of live rows (for statistics and tests).
	Count() int64
}

// Iterator walks rows. Next returns (nil, false) after the last row; Err
// then reports whether the scan stopped early because of an error (such
// as ctx's cancellation).
type Iterator interface {
	Next() (Row, bool)
	// ID returns the identity of the row the last Next returned.
	ID() RowID
	Err() error
	Close()
}
