package eval

import (
	"context"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

type actualsKey struct{}

// WithActuals makes the plans run under ctx record, per node, the rows
// produced, the number of starts and the time to the first and the last
// row into act: EXPLAIN ANALYZE. Every operator is built through build,
// so every one is measured, subqueries included.
func WithActuals(ctx context.Context, act planner.Actuals) context.Context {
	return context.WithValue(ctx, actualsKey{}, act)
}

// build makes the iterator of plan node n (buildIter), measured when the
// statement runs under EXPLAIN ANALYZE.
func (c *evalCtx) build(n planner.Node) (iterator, error) {
	it, err := c.buildIter(n)
	if err != nil {
		return nil, err
	}
	if act, ok := c.ctx.Value(actualsKey{}).(planner.Actuals); ok && act != nil {
		st := act[n]
		if st == nil {
			st = &planner.NodeStats{}
			act[n] = st
		}
		st.Loops++
		if b, ok := it.(batchIterator); ok {
			return &measuredBatch{measured: measured{in: it, st: st}, bin: b}, nil
		}
		return &measured{in: it, st: st}, nil
	}
	return it, nil
}

// measured times and counts the rows of one operator. Times include the
// operators below, as PostgreSQL's do.
type measured struct {
	in      iterator
	st      *planner.NodeStats
	elapsed time.Duration
	first   bool
}

func (m *measured) next() ([]types.Datum, error) {
	t0 := time.Now()
	row, err := m.in.next()
	d := time.Since(t0)
	m.elapsed += d
	m.st.Total += d
	if !m.first {
		m.first = true
		m.st.First += m.elapsed
	}
	if err == nil {
		m.st.Rows++
	}
	return row, err
}

func (m *measured) close() { m.in.close() }

// measuredBatch is measured for an operator that also produces batches:
// a batch counts as its rows (EXPLAIN ANALYZE's rows are PostgreSQL's,
// per row), its time as one interval.
type measuredBatch struct {
	measured
	bin batchIterator
}

func (m *measuredBatch) nextBatch(b *batch) error {
	t0 := time.Now()
	err := m.bin.nextBatch(b)
	d := time.Since(t0)
	m.elapsed += d
	m.st.Total += d
	if !m.first {
		m.first = true
		m.st.First += m.elapsed
	}
	if err == nil {
		m.st.Rows += int64(len(b.rows))
	}
	return err
}
