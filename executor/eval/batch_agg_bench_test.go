package eval_test

import (
	"fmt"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
)

// TestAggKernelsMatchRows runs aggregations over the lineitem-shaped
// table with the batch kernels and with the row evaluator: the answers
// must be the same (internal/sqltest's agg_kernels.sql compares the
// kernels with PostgreSQL itself).
func TestAggKernelsMatchRows(t *testing.T) {
	run := scanBenchSetup(t, 5000)
	for _, q := range []string{
		benchQ1, benchQ6,
		`SELECT sum(CASE WHEN l_shipmode LIKE 'TR%' THEN l_extendedprice * (1 - l_discount) ELSE 0 END), sum(l_extendedprice * (1 - l_discount)) FROM li`,
		`SELECT l_linenumber, sum(CASE WHEN l_returnflag = 'R' OR l_linestatus = 'F' THEN 1 ELSE 0 END), sum(l_partkey), avg(l_orderkey), sum(l_orderkey * 3) FROM li GROUP BY l_linenumber ORDER BY 1`,
		`SELECT l_returnflag, count(*) FILTER (WHERE l_quantity > 20), sum(l_tax) FILTER (WHERE l_discount < 0.05), max(l_extendedprice * l_tax), min(l_shipdate) FROM li GROUP BY 1 ORDER BY 1`,
		`SELECT sum(l_quantity * l_quantity * l_quantity * l_quantity * l_extendedprice * l_extendedprice) FROM li`,
		`SELECT sum(l_extendedprice / 3), avg(l_quantity::float8), sum(l_partkey::float8 / 7) FROM li`,
	} {
		a := run(q)
		old := eval.SetAggKernels(false)
		b := run(q)
		eval.SetAggKernels(old)
		if fmt.Sprint(a.rows) != fmt.Sprint(b.rows) {
			t.Errorf("%s:\nkernels %v\nrows    %v", q, a.rows, b.rows)
		}
	}
}

// BenchmarkScanQ1Rows is BenchmarkScanQ1 with the row evaluator instead
// of the aggregation kernels, for comparison.
func BenchmarkScanQ1Rows(b *testing.B) {
	defer eval.SetAggKernels(eval.SetAggKernels(false))
	benchScan(b, benchQ1)
}

// BenchmarkScanQ6Rows is BenchmarkScanQ6 with the row evaluator.
func BenchmarkScanQ6Rows(b *testing.B) {
	defer eval.SetAggKernels(eval.SetAggKernels(false))
	benchScan(b, benchQ6)
}
