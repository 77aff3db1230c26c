package executor

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/memstore"
)

// firstUserOID is where PostgreSQL starts OIDs for user objects.
const firstUserOID = 16384

// tableDef is one table of the catalog.
type tableDef struct {
	oid  uint32
	name string
	cols []planner.Column
	rel  storage.Relation
	// writeMu serialises UPDATE and DELETE (see eval.Writable.LockWrites).
	writeMu sync.Mutex
}

var (
	_ planner.Table  = (*tableDef)(nil)
	_ eval.Scannable = (*tableDef)(nil)
	_ eval.Writable  = (*tableDef)(nil)
)

// LockWrites implements eval.Writable.
func (t *tableDef) LockWrites() func() {
	t.writeMu.Lock()
	return t.writeMu.Unlock
}

func (t *tableDef) OID() uint32                { return t.oid }
func (t *tableDef) Name() string               { return t.name }
func (t *tableDef) Columns() []planner.Column  { return t.cols }
func (t *tableDef) Relation() storage.Relation { return t.rel }

// memCatalog is the catalog of the in-memory stand-in: tables in the
// public schema only, not transactional. The storage issue replaces it with
// a catalog stored in the engine itself.
type memCatalog struct {
	// version counts DDL; plans cached by text are valid for one version.
	version atomic.Uint64
	mu      sync.RWMutex
	tables  map[string]*tableDef
	nextOID uint32
}

func newMemCatalog() *memCatalog {
	return &memCatalog{tables: map[string]*tableDef{}, nextOID: firstUserOID}
}

// LookupTable implements planner.Catalog.
func (c *memCatalog) LookupTable(schema, name string) (planner.Table, error) {
	t, err := c.lookup(schema, name)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (c *memCatalog) lookup(schema, name string) (*tableDef, error) {
	if schema == "" || schema == "public" {
		c.mu.RLock()
		t := c.tables[name]
		c.mu.RUnlock()
		if t != nil {
			return t, nil
		}
	}
	if schema != "" {
		return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s.%s\" does not exist", schema, name)
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

// create adds a table; it reports 42P07 when the name is taken.
func (c *memCatalog) create(schema, name string, cols []planner.Column, ifNotExists bool) (*tableDef, bool, error) {
	if schema != "" && schema != "public" {
		return nil, false, pgerror.New(pgerror.InvalidSchemaName, "schema \"%s\" does not exist", schema)
	}
	seen := map[string]bool{}
	for _, col := range cols {
		if seen[col.Name] {
			return nil, false, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", col.Name)
		}
		seen[col.Name] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.tables[name]; t != nil {
		if ifNotExists {
			return t, false, nil
		}
		return nil, false, pgerror.New(pgerror.DuplicateTable, "relation \"%s\" already exists", name)
	}
	t := &tableDef{oid: c.nextOID, name: name, rel: memstore.New()}
	c.nextOID++
	t.cols = make([]planner.Column, len(cols))
	for i, col := range cols {
		col.TableOID = t.oid
		col.AttNum = int16(i + 1)
		t.cols[i] = col
	}
	c.tables[name] = t
	c.version.Add(1)
	return t, true, nil
}

// drop removes a table; missing tables are 42P01 unless ifExists.
func (c *memCatalog) drop(schema, name string, ifExists bool) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if (schema == "" || schema == "public") && c.tables[name] != nil {
		delete(c.tables, name)
		c.version.Add(1)
		return true, nil
	}
	if ifExists {
		return false, nil
	}
	if schema != "" {
		return false, pgerror.New(pgerror.UndefinedTable, "table \"%s.%s\" does not exist", schema, name)
	}
	return false, pgerror.New(pgerror.UndefinedTable, "table \"%s\" does not exist", name)
}

// columnIndexes maps COPY/INSERT column names to attribute positions; an
// empty list means all columns in order.
func columnIndexes(t *tableDef, names []string) ([]int, error) {
	if len(names) == 0 {
		idx := make([]int, len(t.cols))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	idx := make([]int, len(names))
	used := map[int]bool{}
	for i, n := range names {
		found := -1
		for j, col := range t.cols {
			if col.Name == n {
				found = j
				break
			}
		}
		if found < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", n, t.name)
		}
		if used[found] {
			return nil, pgerror.New(pgerror.DuplicateColumn, "column \"%s\" specified more than once", n)
		}
		used[found] = true
		idx[i] = found
	}
	return idx, nil
}

// Scan implements eval.Scannable: a full scan in attribute order. Rows are
// copied because eval's consumers may keep and modify them.
func (t *tableDef) Scan(ctx context.Context) (eval.Rows, error) {
	it, err := t.rel.Scan(ctx)
	if err != nil {
		return nil, err
	}
	return &scanRows{it: it}, nil
}

type scanRows struct{ it storage.Iterator }

func (r *scanRows) Next() ([]types.Datum, error) {
	row, ok := r.it.Next()
	if !ok {
		if err := r.it.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return append([]types.Datum(nil), row...), nil
}

func (r *scanRows) Close() { r.it.Close() }
