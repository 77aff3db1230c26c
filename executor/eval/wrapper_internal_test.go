package eval

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// constIter returns the same row n times.
type constIter struct {
	row []types.Datum
	n   int
}

func (it *constIter) next() ([]types.Datum, error) {
	if it.n == 0 {
		return nil, io.EOF
	}
	it.n--
	return it.row, nil
}

func (it *constIter) close() { it.n = 0 }

// BenchmarkWrapperPerRow is the wrapper's own cost per row in row mode:
// a million rows through next, bare and wrapped (cancellable context,
// no EXPLAIN ANALYZE; and with it, rows only and with timing).
func BenchmarkWrapperPerRow(b *testing.B) {
	const n = 1_000_000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	row := []types.Datum{int64(1), "x"}
	node := &planner.Values{}
	for _, mode := range []string{"bare", "wrapped", "analyze_rows", "analyze_timing"} {
		b.Run(mode, func(b *testing.B) {
			c0 := processCPU()
			for b.Loop() {
				c := &evalCtx{ctx: ctx}
				switch mode {
				case "analyze_rows":
					c.ctx = WithActualRows(ctx, planner.Actuals{})
				case "analyze_timing":
					c.ctx = WithActuals(ctx, planner.Actuals{})
				}
				var it iterator = &constIter{row: row, n: n}
				if mode != "bare" {
					it = c.wrap(it, node)
				}
				for {
					if _, err := it.next(); err != nil {
						break
					}
				}
				it.close()
			}
			// CPU time, not wall time: the machine is shared.
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N)/n, "cpu-ns/row")
		})
	}
}

// TestWrapperCancels checks that a wrapped operator stops within
// cancelEvery rows of its context's cancellation, in row and batch mode,
// and that EXPLAIN ANALYZE counts rows and loops through it.
func TestWrapperCancels(t *testing.T) {
	for _, batched := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		act := planner.Actuals{}
		c := &evalCtx{ctx: WithActualRows(ctx, act)}
		node := &planner.Values{}
		it := c.wrap(&constIter{row: []types.Datum{int64(1)}, n: 1 << 30}, node)
		var src batchIterator = batchesOf(it)
		var b batch
		rows := 0
		for {
			var err error
			if batched {
				err = src.nextBatch(&b)
				rows += len(b.rows)
			} else {
				_, err = it.next()
				if err == nil {
					rows++
				}
			}
			if rows >= 5000 && ctx.Err() == nil {
				cancel()
				rows = 0 // count the rows after the cancel
			}
			if err == context.Canceled {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if ctx.Err() != nil && rows > cancelEvery+batchSize {
				t.Fatalf("batched %v: %d rows after the cancel", batched, rows)
			}
		}
		it.close()
		st := act[node]
		if st == nil || st.Loops != 1 || st.Rows < 5000 {
			t.Fatalf("batched %v: stats %+v", batched, st)
		}
	}
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
