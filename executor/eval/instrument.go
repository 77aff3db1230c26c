package eval

import (
	"context"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The operator wrapper.
//
// Every operator the executor builds goes through evalCtx.build, which
// wraps it in one opIter (opBatch when the operator also produces
// batches). The wrapper is always there, so what every operator needs
// from its caller is in one place rather than in each operator:
//
//   - cancellation and statement_timeout: the wrapper checks the query's
//     context once per batch, or once every cancelEvery rows in row mode,
//     with a non-blocking receive from ctx.Done() (no lock, no
//     allocation): a query stops within cancelEvery rows of any operator
//     wherever it is (sort input, hash build, nested loop, window input,
//     recursive CTE, set-returning functions), without each operator
//     counting on its own;
//   - EXPLAIN ANALYZE statistics (rows, loops, time to the first and the
//     last row): only when the statement runs under WithActuals, and the
//     clock is read only when TIMING is on. Counts are kept in the
//     wrapper and added to the node's planner.NodeStats under a mutex
//     when the operator ends (EOF, error or close), so an operator run by
//     another goroutine (a parallel worker) reports its counts the same
//     way, merged per node with the others';
//   - memory accounting: operators that keep rows (sort, hash tables,
//     window, distinct, set operations) charge them to an opMem, which
//     checks them against their own work_mem and adds them to the query's
//     memAccount (batch.go), whose peak is the query's.
//
// Without EXPLAIN ANALYZE the per-row cost is one more indirect call and
// a counter decrement (BenchmarkWrapper measures it).

// cancelEvery is how many rows an operator in row mode produces between
// two cancellation checks.
const cancelEvery = 256

// noWrapper leaves operators unwrapped: only for BenchmarkWrapper's
// comparison (no cancellation, no statistics).
var noWrapper bool

type actualsKey struct{}

// actualsRun is the EXPLAIN ANALYZE record of one statement: the caller's
// Actuals, and the mutex that guards it (and the NodeStats in it) against
// operators running in other goroutines.
type actualsRun struct {
	mu     sync.Mutex
	act    planner.Actuals
	timing bool
}

// WithActuals makes the plans run under ctx record, per node, the rows
// produced, the number of starts and the time to the first and the last
// row into act: EXPLAIN ANALYZE. Every operator is built through build,
// so every one is measured, subqueries included.
func WithActuals(ctx context.Context, act planner.Actuals) context.Context {
	return context.WithValue(ctx, actualsKey{}, &actualsRun{act: act, timing: true})
}

// WithActualRows is WithActuals without the times (EXPLAIN (ANALYZE,
// TIMING OFF)): the clock is never read per row.
func WithActualRows(ctx context.Context, act planner.Actuals) context.Context {
	return context.WithValue(ctx, actualsKey{}, &actualsRun{act: act})
}

// actualsOf returns the statement's EXPLAIN ANALYZE record, nil when it
// is not being measured.
func actualsOf(ctx context.Context) *actualsRun {
	a, _ := ctx.Value(actualsKey{}).(*actualsRun)
	if a == nil || a.act == nil {
		return nil
	}
	return a
}

// start returns n's record, made when missing, counting one more loop
// when loop is set. Safe from any goroutine.
func (a *actualsRun) start(n planner.Node, loop bool) *planner.NodeStats {
	a.mu.Lock()
	st := a.act[n]
	if st == nil {
		st = &planner.NodeStats{}
		a.act[n] = st
	}
	if loop {
		st.Loops++
	}
	a.mu.Unlock()
	return st
}

// lookup returns n's record, nil when n has none (not a node of the plan).
func (a *actualsRun) lookup(n planner.Node) *planner.NodeStats {
	a.mu.Lock()
	st := a.act[n]
	a.mu.Unlock()
	return st
}

// set replaces n's record (an operator measured outside the iterators).
func (a *actualsRun) set(n planner.Node, st *planner.NodeStats) {
	a.mu.Lock()
	a.act[n] = st
	a.mu.Unlock()
}

// build makes the iterator of plan node n (buildIter) inside the
// operator wrapper.
func (c *evalCtx) build(n planner.Node) (iterator, error) {
	it, err := c.buildIter(n)
	if err != nil {
		return nil, err
	}
	return c.wrap(it, n), nil
}

// wrap puts it, the operator of node n, in the operator wrapper. An
// operator built outside build (a parallel worker's copy of a plan
// fragment) is wrapped with it too, so that it is cancelled and counted
// like the others.
func (c *evalCtx) wrap(it iterator, n planner.Node) iterator {
	if noWrapper {
		return it
	}
	w := opIter{in: it, ctx: c.ctx, done: c.ctx.Done(), left: cancelEvery}
	if a := actualsOf(c.ctx); a != nil {
		w.run, w.st, w.timing = a, a.start(n, true), a.timing
	}
	if b, ok := it.(batchIterator); ok {
		return &opBatch{opIter: w, bin: b}
	}
	return &w
}

// opIter is the operator wrapper (see above).
type opIter struct {
	in   iterator
	ctx  context.Context
	done <-chan struct{} // nil: the context cannot be cancelled
	left int             // rows until the next cancellation check

	// EXPLAIN ANALYZE only (st != nil): the counts of this loop, added to
	// st under run.mu by flush.
	run       *actualsRun
	st        *planner.NodeStats
	timing    bool
	rows      int64
	first     time.Duration // time to the first row (once firstSeen)
	elapsed   time.Duration
	firstSeen bool
	firstDone bool // first was added to st
}

// cancelled reports the context's error once it is done.
func (w *opIter) cancelled() error {
	select {
	case <-w.done:
		return w.ctx.Err()
	default:
		return nil
	}
}

func (w *opIter) next() ([]types.Datum, error) {
	if w.left--; w.left <= 0 {
		w.left = cancelEvery
		if w.done != nil {
			if err := w.cancelled(); err != nil {
				return nil, err
			}
		}
	}
	if w.st == nil {
		return w.in.next()
	}
	var t0 time.Time
	if w.timing {
		t0 = time.Now()
	}
	row, err := w.in.next()
	w.account(t0, err == nil, 1)
	if err != nil {
		w.flush()
	}
	return row, err
}

// account adds one call's time and rows (EXPLAIN ANALYZE).
func (w *opIter) account(t0 time.Time, ok bool, rows int) {
	if w.timing {
		w.elapsed += time.Since(t0)
		if !w.firstSeen {
			w.firstSeen, w.first = true, w.elapsed
		}
	}
	if ok {
		w.rows += int64(rows)
	}
}

// flush adds this loop's counts so far to the node's record: at the
// operator's end, an error, and its close. Time spent in close is not
// counted (PostgreSQL's is not either).
func (w *opIter) flush() {
	if w.st == nil || w.rows == 0 && w.elapsed == 0 && (w.firstDone || !w.firstSeen) {
		return
	}
	w.run.mu.Lock()
	w.st.Rows += w.rows
	w.st.Total += w.elapsed
	if w.firstSeen && !w.firstDone {
		w.st.First += w.first
		w.firstDone = true
	}
	w.run.mu.Unlock()
	w.rows, w.elapsed = 0, 0
}

func (w *opIter) close() {
	w.flush()
	w.in.close()
}

// setBound passes a LIMIT's bound through the wrapper.
func (w *opIter) setBound(n int64) { setBound(w.in, n) }

// opBatch is opIter for an operator that also produces batches: a batch
// is one cancellation check, and counts as its rows.
type opBatch struct {
	opIter
	bin batchIterator
}

func (w *opBatch) nextBatch(b *batch) error {
	if w.done != nil {
		if err := w.cancelled(); err != nil {
			b.rows = b.rows[:0]
			return err
		}
	}
	if w.st == nil {
		return w.bin.nextBatch(b)
	}
	var t0 time.Time
	if w.timing {
		t0 = time.Now()
	}
	err := w.bin.nextBatch(b)
	w.account(t0, err == nil, len(b.rows))
	if err != nil {
		w.flush()
	}
	return err
}

// unwrap returns the operator inside the wrapper (it itself when it is
// not wrapped), for code that needs the operator's own type.
func unwrap(it iterator) iterator {
	switch w := it.(type) {
	case *opIter:
		return w.in
	case *opBatch:
		return w.in
	}
	return it
}
