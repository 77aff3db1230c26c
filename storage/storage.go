// Package storage holds nqdb's tables. This is the interface the executor
// reads and writes through; the buffer-pooled B+tree with its WAL and MVCC
// (the storage issue) implements it. Until then the in-memory stand-in in
// storage/memstore does, without durability or transactional isolation.
//
// Storage sees rows as slices of opaque Go values: it never interprets a
// datum, so it does not depend on the SQL layer. (The B+tree will encode
// them through codec/.)
package storage

import "context"

// Row is one stored row, a value per column in attribute order; nil is NULL.
type Row = []any

// Relation is the stored data of one table.
//
// Contract: Scan returns rows in an unspecified order (insertion order for
// the stand-in). An Iterator must be closed; it sees the rows present when
// Scan was called. Insert takes ownership of the row slice.
type Relation interface {
	// Scan starts a full scan.
	Scan(ctx context.Context) (Iterator, error)
	// Insert appends rows.
	Insert(ctx context.Context, rows ...Row) error
	// Truncate removes every row.
	Truncate(ctx context.Context) error
	// Count returns the number of rows (for statistics and tests).
	Count() int64
}

// Iterator walks rows. Next returns (nil, false) after the last row; Err
// then reports whether the scan stopped early because of an error.
type Iterator interface {
	Next() (Row, bool)
	Err() error
	Close()
}
