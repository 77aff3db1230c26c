package eval

import (
	"context"
	"sync"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Key lookups in parallel workers.
//
// An index nested loop under a Gather (PostgreSQL's Nested Loop -> Index
// Scan inside the workers, TPC-H Q03's, Q04's, Q12's) looks a key up for
// every row of the worker's share of the outer side. Each worker builds
// its own join, and so its own lookupCache (lookup_reuse.go): the
// relooked rows, their storage iterator and buffers are the worker's.
// What the workers share is the leader's TableAccess of the table, which
// hands out lookups against the statement's transaction.
//
// A transaction's reads may run on several goroutines at once when the
// access says so (ConcurrentReader): then a worker's lookups go straight
// to the leader's access, without a lock. Otherwise (SERIALIZABLE, whose
// reads record the trees they touch in the transaction's read set) every
// call that may reach the transaction, including reading the rows of a
// lookup, runs under the run's mutex.

// ConcurrentReader is implemented by a TableAccess whose Lookup, Relookup
// and Scan, and the reading of the rows they return, may run on several
// goroutines at once (each reading rows of its own) while the statement
// writes nothing.
type ConcurrentReader interface {
	ConcurrentReads() bool
}

// workerAccess is a table the leader opened as a worker sees it.
type workerAccess struct {
	TableAccess // the leader's
	mu          *sync.Mutex
	// concurrent: the leader's access reads safely from any goroutine.
	concurrent bool
}

// newWorkerAccess wraps the leader's access a for a worker of p.
func (p *parallelRun) newWorkerAccess(a TableAccess) *workerAccess {
	cr, ok := a.(ConcurrentReader)
	return &workerAccess{TableAccess: a, mu: &p.mu, concurrent: ok && cr.ConcurrentReads()}
}

// Scan implements TableAccess (a hash join's build side, run whole in
// each worker): opened under the lock either way.
func (a *workerAccess) Scan(ctx context.Context) (KeyedRows, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	rows, err := a.TableAccess.Scan(ctx)
	if err != nil || a.concurrent {
		return rows, err
	}
	return &lockedRows{KeyedRows: rows, mu: a.mu}, nil
}

// Lookup implements TableAccess.
func (a *workerAccess) Lookup(ctx context.Context, index int, r *KeyRange) (KeyedRows, error) {
	if a.concurrent {
		return a.TableAccess.Lookup(ctx, index, r)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	rows, err := a.TableAccess.Lookup(ctx, index, r)
	if err != nil {
		return nil, err
	}
	return &lockedRows{KeyedRows: rows, mu: a.mu}, nil
}

// Relookup implements Relooker: the worker's previous rows (prev is from
// this worker's lookupCache) reused by the leader's access when its
// reads are concurrent, else a locked Lookup.
func (a *workerAccess) Relookup(ctx context.Context, index int, r *KeyRange, prev KeyedRows) (KeyedRows, error) {
	if rl, ok := a.TableAccess.(Relooker); ok && a.concurrent {
		return rl.Relookup(ctx, index, r, prev)
	}
	return a.Lookup(ctx, index, r)
}

// lockedRows reads rows of a transaction whose reads are not safe for
// concurrent use one worker at a time.
type lockedRows struct {
	KeyedRows
	mu *sync.Mutex
}

func (r *lockedRows) Next() ([]types.Datum, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.KeyedRows.Next()
}

func (r *lockedRows) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.KeyedRows.Close()
}

// Want implements ColumnPruner.
func (r *lockedRows) Want(cols []bool) {
	if p, ok := r.KeyedRows.(ColumnPruner); ok {
		p.Want(cols)
	}
}

// workerTable returns the worker's access of t, which the leader opened
// (start).
func (p *parallelRun) workerTable(t planner.Table) (*workerAccess, bool) {
	a, ok := p.access[t]
	if !ok {
		return nil, false
	}
	return p.newWorkerAccess(a), true
}
