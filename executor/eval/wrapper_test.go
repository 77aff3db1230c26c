package eval_test

import (
	"context"
	"io"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// cheapTable is a Scannable of n rows (id int8, c int8 = id % 10) that
// costs as little as a row can, so that a benchmark over it measures the
// operators above it.
type cheapTable struct {
	oid uint32
	n   int
}

func (t *cheapTable) OID() uint32  { return t.oid }
func (t *cheapTable) Name() string { return "cheap" }
func (t *cheapTable) Columns() []planner.Column {
	return []planner.Column{
		{Name: "id", Type: types.Int8, Typmod: -1, TableOID: t.oid, AttNum: 1},
		{Name: "c", Type: types.Int8, Typmod: -1, TableOID: t.oid, AttNum: 2},
	}
}
func (t *cheapTable) Scan(ctx context.Context) (eval.Rows, error) {
	return &cheapRows{n: t.n, slab: make([]types.Datum, 0, 2*1024)}, nil
}

type cheapRows struct {
	i, n int
	slab []types.Datum
}

func (r *cheapRows) Next() ([]types.Datum, error) {
	if r.i >= r.n {
		return nil, io.EOF
	}
	r.i++
	if len(r.slab)+2 > cap(r.slab) {
		r.slab = make([]types.Datum, 0, 2*1024)
	}
	r.slab = append(r.slab, int64(r.i%200), int64(r.i%10))
	return r.slab[len(r.slab)-2 : len(r.slab) : len(r.slab)], nil
}

func (r *cheapRows) Close() { r.i = r.n }

// BenchmarkWrapper runs a scan, a filter, a projection and a hash
// aggregation over a million rows with the operator wrapper on and off:
// the wrapper's cost (cancellation checks every cancelEvery rows, one
// more call per row and operator) is the difference.
func BenchmarkWrapper(b *testing.B) {
	cat := closeCatalog{"cheap": &cheapTable{oid: 16420, n: 1_000_000}}
	for _, bq := range []struct{ name, sql string }{
		{"agg", "SELECT c, count(*), sum(id) FROM cheap GROUP BY c"},
		{"filters", "SELECT count(*) FROM (SELECT id + 1 AS x, c FROM cheap WHERE c <> 3) s WHERE x > 5"},
		{"sort", "SELECT id, c FROM cheap ORDER BY c, id"},
	} {
		sql := bq.sql
		stmts, err := parser.Parse(sql)
		if err != nil {
			b.Fatal(err)
		}
		q, err := planner.Build(stmts[0].AST, nil, cat)
		if err != nil {
			b.Fatal(err)
		}
		for _, on := range []bool{true, false} {
			name := bq.name + "/wrapper=on"
			if !on {
				name = bq.name + "/wrapper=off"
			}
			b.Run(name, func(b *testing.B) {
				eval.SetOperatorWrapper(on)
				defer eval.SetOperatorWrapper(true)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				c0 := cpuTime()
				for b.Loop() {
					rows, err := eval.Run(ctx, q, nil, newTestEnv())
					if err != nil {
						b.Fatal(err)
					}
					for {
						if _, err := rows.Next(); err != nil {
							if err != io.EOF {
								b.Fatal(err)
							}
							break
						}
					}
					rows.Close()
				}
				// CPU time is what matters on a shared machine.
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
