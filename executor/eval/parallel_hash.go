package eval

import (
	"sync"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// One hash table for all the workers.
//
// A hash join under a Gather probes with the worker's share of the
// left rows, but its build side is the same for every worker. Building
// it in each worker (PostgreSQL's Hash Join over a non-parallel Hash)
// multiplies the build's CPU and memory by the number of workers: TPC-H
// Q09's, Q13's, Q18's and Q21's builds at scale factor 1. Here the first
// worker to need the table builds it with the serial code and the others
// wait for it and probe the same table (read only: an inner, left, semi
// or anti join never writes to its table while probing; the FULL and
// RIGHT joins' matched flags would be per worker, so they keep their own
// copies). The wait costs no more wall time than building a copy would.
// A build that spilled to disk (its grace partitions are the builder's
// to read) is not shared: the others then build their own.

// sharedHash is one hash join's table for the workers of a run.
type sharedHash struct {
	once    sync.Once
	builder atomic.Pointer[hashJoinIter]
	err     error
	ok      bool // the table is shareable (built without spilling)
	rows    [][]types.Datum
	table   map[string][]int32
	itable  map[int64][]int32
}

// sharedHash returns the run's table of join n, making it on first use.
func (p *parallelRun) sharedHash(n *planner.Join) *sharedHash {
	p.hmu.Lock()
	defer p.hmu.Unlock()
	if p.hashes == nil {
		p.hashes = map[*planner.Join]*sharedHash{}
	}
	sh := p.hashes[n]
	if sh == nil {
		sh = &sharedHash{}
		p.hashes[n] = sh
	}
	return sh
}

// loadShared is hashJoinIter.load in a parallel worker: done reports
// that the table is loaded (built by this worker, or the one another
// built) or that the build failed (err); not done, the caller builds
// its own.
func (it *hashJoinIter) loadShared() (done bool, err error) {
	we, ok := it.c.env.(*workerEnv)
	if k := it.n.Kind; !ok || k == planner.FullJoin || k == planner.RightJoin {
		return false, nil
	}
	sh := we.p.sharedHash(it.n)
	if sh.builder.Load() == it {
		return false, nil // the builder's own load, called from below
	}
	sh.once.Do(func() {
		sh.builder.Store(it)
		sh.err = it.load()
		if sh.err == nil && it.grace == nil {
			sh.rows, sh.table, sh.itable, sh.ok = it.rows, it.table, it.itable, true
		}
	})
	switch {
	case sh.builder.Load() == it:
		return true, sh.err
	case sh.err != nil:
		it.loaded = true
		return true, sh.err
	case !sh.ok:
		return false, nil
	}
	it.loaded = true
	it.rows, it.table, it.itable = sh.rows, sh.table, sh.itable
	it.right.close()
	return true, nil
}
