package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Parallel query: planner.Gather at run time.
//
// A Gather starts its workers (goroutines) at its first row. The table
// scan the planner divided (Gather.Scan) is cut into key ranges, several
// per worker, all opened by the leader before any worker starts
// (RangeScanner; a transaction's iterators may be advanced concurrently
// but not opened); each worker builds the plan under the Gather on an
// evalCtx of its own whose Store hands out, for the divided table, a scan
// that takes ranges from the shared queue until it is empty (so a worker
// that finishes early takes over work instead of idling), and for other
// tables (a hash join's build side, built once for all, parallel_hash.go;
// an index nested loop's lookups, parallel_lookup.go) the accesses the
// leader opened. With parallel_leader_participation one more goroutine
// runs the plan as the leader's share (participants).
//
// Rows reach the leader in batches over a channel (Gather); a partial
// aggregate instead returns its groups, which the Agg above (Finalize)
// merges (parallel_agg.go). The first error of any worker cancels the
// others and is the statement's error; a panic in a worker becomes an
// internal error rather than a crash. close cancels every worker and
// waits for them: no goroutine outlives the operator, and so none
// outlives the statement, whose owner always closes its operators.

// RangeScanner is implemented by a TableAccess whose full scan can be
// divided into scans of contiguous key ranges of about equal size.
type RangeScanner interface {
	// ScanRanges returns at most n scans that together return the rows
	// of Scan, all opened on the caller's goroutine; each may then be
	// read on a goroutine of its own.
	ScanRanges(ctx context.Context, n int) ([]KeyedRows, error)
}

// rangesPerWorker is how many key ranges each worker gets on average:
// ranges are taken from a shared queue, so a worker slowed down (by
// another query on the same cores, or by a range with more rows passing
// its filter) leaves the remaining ones to the others.
const rangesPerWorker = 4

// parallelRun is one start of a Gather's workers.
type parallelRun struct {
	c       *evalCtx // the leader's
	g       *planner.Gather
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
	failed  atomic.Bool
	// ranges is the queue of the divided table's scans.
	ranges chan KeyedRows
	// access holds the leader's accesses of the tables under the
	// Gather (the divided one's too, for key lookups in it), mu
	// serialises what the transaction does not allow concurrently
	// (parallel_lookup.go).
	access map[planner.Table]TableAccess
	mu     sync.Mutex
	// hashes are the hash tables the workers share (parallel_hash.go).
	hmu      sync.Mutex
	hashes   map[*planner.Join]*sharedHash
	launched int
	started  time.Time
}

// fail records err as the run's error when it is the first, and stops
// the other workers.
func (p *parallelRun) fail(err error) {
	p.errOnce.Do(func() {
		p.err = err
		p.failed.Store(true)
	})
	p.cancel()
}

// start opens the ranges and the other tables' accesses and starts the
// workers, each running work on its own evalCtx.
func (p *parallelRun) start(work func(w int, wc *evalCtx) error) error {
	c, g := p.c, p.g
	st, ok := c.env.(Store)
	if !ok {
		return pgerror.New(pgerror.FeatureNotSupported, "parallel scan of \"%s\" needs a stored table", g.Scan.Table.Name())
	}
	acc, ok, err := st.Access(c.ctx, g.Scan.Table, false)
	if err != nil {
		return err
	}
	rs, isRS := acc.(RangeScanner)
	if !ok || !isRS {
		return pgerror.New(pgerror.FeatureNotSupported, "table \"%s\" cannot be scanned in parallel", g.Scan.Table.Name())
	}
	// The other tables under the Gather, opened here (locks, the
	// statement's snapshot) so that workers only open scans.
	p.access = map[planner.Table]TableAccess{g.Scan.Table: acc}
	var accErr error
	walkPlan(g.Input, func(n planner.Node) {
		s, ok := n.(*planner.Scan)
		if !ok || s == g.Scan || accErr != nil {
			return
		}
		if _, done := p.access[s.Table]; done {
			return
		}
		if _, ok := s.Table.(Scannable); ok {
			return
		}
		a, ok, err := st.Access(c.ctx, s.Table, false)
		if err != nil {
			accErr = err
		} else if ok {
			p.access[s.Table] = a
		}
	})
	if accErr != nil {
		return accErr
	}
	scans, err := rs.ScanRanges(c.ctx, participants(g)*rangesPerWorker)
	if err != nil {
		return err
	}
	p.ranges = make(chan KeyedRows, len(scans))
	for _, s := range scans {
		p.ranges <- s
	}
	close(p.ranges)

	p.ctx, p.cancel = context.WithCancel(c.ctx)
	p.started = time.Now()
	for w := 0; w < participants(g); w++ {
		// Workers measure into the leader's EXPLAIN ANALYZE record
		// (instrument.go's is safe from any goroutine): nodes run by n
		// participants count n loops, as PostgreSQL's do.
		wc := &evalCtx{ctx: p.ctx, env: &workerEnv{Env: c.env, p: p}, opts: c.opts, params: c.params,
			mem: &memAccount{}, frozen: c.frozen}
		leader := w == g.Workers
		if !leader {
			p.launched++
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer func() {
				if r := recover(); r != nil {
					p.fail(pgerror.New(pgerror.InternalError, "parallel worker panic: %v\n%s", r, debug.Stack()))
				}
			}()
			if err := work(w, wc); err != nil && err != io.EOF {
				if !leader {
					err = workerError(err)
				}
				p.fail(err)
			}
		}()
	}
	return nil
}

// participants is the number of goroutines that run g's plan: its
// workers, and with parallel_leader_participation one more for the
// leader. (PostgreSQL's leader runs the plan itself whenever no worker
// has a row for it; here the leader's goroutine waits on the workers'
// channel and a goroutine of its own does the leader's share, which on
// Go's scheduler is the same use of the cores.) Its errors are the
// leader's: no "parallel worker" context.
func participants(g *planner.Gather) int {
	if g.Leader {
		return g.Workers + 1
	}
	return g.Workers
}

// stop cancels the workers, waits for them, releases the ranges nobody
// took and merges the workers' measurements into the leader's.
func (p *parallelRun) stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.wg.Wait()
	for s := range p.ranges {
		s.Close()
	}
	if a := actualsOf(p.c.ctx); a != nil {
		st := a.start(p.g.Launched, false)
		a.mu.Lock()
		st.Loops += int64(p.launched)
		a.mu.Unlock()
	}
	p.cancel = nil
}

// walkPlan calls f on n and the nodes below it (not into subqueries).
func walkPlan(n planner.Node, f func(planner.Node)) {
	if n == nil {
		return
	}
	f(n)
	switch x := n.(type) {
	case *planner.Filter:
		walkPlan(x.Input, f)
	case *planner.Project:
		walkPlan(x.Input, f)
	case *planner.Agg:
		walkPlan(x.Input, f)
	case *planner.Join:
		walkPlan(x.Left, f)
		walkPlan(x.Right, f)
	case *planner.Gather:
		walkPlan(x.Input, f)
	}
}

// workerEnv is a worker's Env and Store: the session's settings and
// formats (read only), the divided table as the shared queue of ranges,
// other tables through the leader's accesses.
type workerEnv struct {
	Env
	p *parallelRun
}

// Access implements Store.
func (w *workerEnv) Access(ctx context.Context, t planner.Table, write bool) (TableAccess, bool, error) {
	if write {
		return nil, false, pgerror.New(pgerror.InternalError, "cannot write in a parallel worker")
	}
	a, ok := w.p.workerTable(t)
	if !ok {
		return nil, false, pgerror.New(pgerror.InternalError, "table \"%s\" was not opened for the parallel workers", t.Name())
	}
	if t == w.p.g.Scan.Table {
		return &rangeAccess{workerAccess: a, p: w.p}, true, nil
	}
	return a, true, nil
}

// rangeAccess is the divided table as a worker sees it: its Scan reads
// ranges from the queue; its key lookups (an index nested loop into the
// same table, TPC-H Q21's) are the leader's access's.
type rangeAccess struct {
	*workerAccess
	p *parallelRun
}

func (a *rangeAccess) Scan(ctx context.Context) (KeyedRows, error) {
	return &rangeRows{p: a.p, ctx: ctx}, nil
}

// rangeRows reads the queue's ranges one after the other. It is RawRows
// and a ColumnPruner when the ranges' scans are, so the batched scan
// decodes as it would serially.
type rangeRows struct {
	p    *parallelRun
	ctx  context.Context
	cur  KeyedRows
	want []bool
	done bool
}

// advance closes the current range and takes the next; false at the end.
func (r *rangeRows) advance() bool {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	if r.done || r.ctx.Err() != nil {
		r.done = true
		return false
	}
	s, ok := <-r.p.ranges
	if !ok {
		r.done = true
		return false
	}
	if r.want != nil {
		if p, ok := s.(ColumnPruner); ok {
			p.Want(r.want)
		}
	}
	r.cur = s
	return true
}

func (r *rangeRows) Next() ([]types.Datum, error) {
	for {
		if r.cur == nil && !r.advance() {
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		row, err := r.cur.Next()
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			continue
		}
		return row, err
	}
}

// NextRaw implements RawRows.
func (r *rangeRows) NextRaw() ([]byte, error) {
	for {
		if r.cur == nil && !r.advance() {
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		raw, ok := r.cur.(RawRows)
		if !ok {
			return nil, pgerror.New(pgerror.InternalError, "parallel scan ranges are not raw rows")
		}
		b, err := raw.NextRaw()
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			continue
		}
		return b, err
	}
}

// ColumnTypes implements RawRows: the first range's (every range is the
// same table's). Asked before the first row, it takes that range.
func (r *rangeRows) ColumnTypes() []*types.T {
	if r.cur == nil && !r.advance() {
		return nil
	}
	if raw, ok := r.cur.(RawRows); ok {
		return raw.ColumnTypes()
	}
	return nil
}

// Want implements ColumnPruner.
func (r *rangeRows) Want(cols []bool) {
	r.want = cols
	if p, ok := r.cur.(ColumnPruner); ok && r.cur != nil {
		p.Want(cols)
	}
}

// Key implements KeyedRows.
func (r *rangeRows) Key() string {
	if r.cur == nil {
		return ""
	}
	return r.cur.Key()
}

func (r *rangeRows) Close() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	r.done = true
}

// gatherIter is a Gather without a partial aggregate: the workers' rows
// in batches over a channel, in no particular order.
type gatherIter struct {
	c       *evalCtx
	g       *planner.Gather
	p       *parallelRun
	out     chan [][]types.Datum
	cur     [][]types.Datum
	i       int
	started bool
	closed  bool
}

func (c *evalCtx) buildGather(g *planner.Gather) (iterator, error) {
	if g.Partial != nil {
		return nil, pgerror.New(pgerror.InternalError, "partial Gather without its Finalize aggregate")
	}
	return &gatherIter{c: c, g: g}, nil
}

func (it *gatherIter) startWorkers() error {
	it.started = true
	it.p = &parallelRun{c: it.c, g: it.g}
	it.out = make(chan [][]types.Datum, 2*participants(it.g))
	err := it.p.start(func(_ int, wc *evalCtx) error {
		in, err := wc.build(it.g.Input)
		if err != nil {
			return err
		}
		defer in.close()
		src := batchesOf(in)
		var b batch
		for {
			if err := src.nextBatch(&b); err != nil {
				return err
			}
			rows := append([][]types.Datum(nil), b.rows...)
			select {
			case it.out <- rows:
			case <-it.p.ctx.Done():
				return it.p.ctx.Err()
			}
		}
	})
	if err != nil {
		return err
	}
	go func(p *parallelRun, out chan [][]types.Datum) {
		p.wg.Wait()
		close(out)
	}(it.p, it.out)
	return nil
}

func (it *gatherIter) next() ([]types.Datum, error) {
	if it.closed {
		return nil, io.EOF
	}
	if !it.started {
		if err := it.startWorkers(); err != nil {
			it.close()
			return nil, err
		}
	}
	for it.i >= len(it.cur) {
		rows, ok := <-it.out
		if it.p.failed.Load() {
			err := it.p.err
			it.close()
			return nil, err
		}
		if !ok {
			if err := it.c.ctx.Err(); err != nil {
				it.close()
				return nil, err
			}
			it.close()
			return nil, io.EOF
		}
		it.cur, it.i = rows, 0
	}
	row := it.cur[it.i]
	it.cur[it.i] = nil
	it.i++
	return row, nil
}

// nextBatch hands over what a worker sent (rows left from next first).
func (it *gatherIter) nextBatch(b *batch) error {
	if it.i < len(it.cur) {
		b.rows = append(b.rows[:0], it.cur[it.i:]...)
		it.cur, it.i = nil, 0
		return nil
	}
	row, err := it.next()
	if err != nil {
		b.rows = b.rows[:0]
		return err
	}
	// next took a new batch and returned its first row.
	b.rows = append(append(b.rows[:0], row), it.cur[it.i:]...)
	it.cur, it.i = nil, 0
	return nil
}

func (it *gatherIter) close() {
	it.closed = true
	it.cur = nil
	if it.p != nil {
		it.p.stop()
		// The closer goroutine ends once the workers have: drain what
		// they sent so it does not wait on a full channel (it never
		// sends, it only closes; this just frees the batches).
		for range it.out {
		}
	}
}

// String describes the run for debugging.
func (p *parallelRun) String() string {
	return fmt.Sprintf("parallel run of %d workers over %s", p.launched, p.g.Scan.Table.Name())
}

// workerError marks an error raised in a worker as PostgreSQL does, with
// the context line "parallel worker" (cancellations stay as they are).
func workerError(err error) error {
	var pe *pgerror.Error
	if !errors.As(err, &pe) {
		return err
	}
	cp := *pe
	if cp.Where == "" {
		cp.Where = "parallel worker"
	} else {
		cp.Where += "\nparallel worker"
	}
	return &cp
}
