package eval_test

import (
	"fmt"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
)

// groupAggSetup makes a lineitem-like table clustered on (ok, ln) with
// four rows per ok: GROUP BY ok streams (GroupAggregate).
func groupAggSetup(tb testing.TB, n int) func(sql string) []string {
	run := scanBenchSetup(tb, 10)
	run(`CREATE TABLE lk (ok int8, ln int4, qty numeric(15,2), price float8, flag text, PRIMARY KEY (ok, ln))`)
	run(`INSERT INTO lk SELECT g / 4, g % 4, (g * 7919) % 50 + 1, (g % 13) * 1.5, substr('RAN', g % 3 + 1, 1)
		FROM generate_series(0, ` + fmt.Sprint(n-1) + `) g`)
	run(`ANALYZE lk`)
	return func(sql string) []string {
		o := run(sql)
		out := make([]string, len(o.rows))
		for i, r := range o.rows {
			out[i] = fmt.Sprint(r)
		}
		return out
	}
}

// TestGroupAggMatchesHash runs aggregations the planner streams with
// the streaming operator and with hash aggregation of the same plan: the
// rows, in order, must be the same (internal/sqltest's
// group_aggregate.sql compares with PostgreSQL).
func TestGroupAggMatchesHash(t *testing.T) {
	run := groupAggSetup(t, 5000)
	for _, q := range []string{
		`SELECT ok, count(*), sum(qty), avg(qty), min(flag), max(price), sum(price) FROM lk GROUP BY ok`,
		`SELECT ok, sum(qty) FROM lk GROUP BY ok HAVING sum(qty) > 120`,
		`SELECT ln, ok, count(*) FILTER (WHERE qty > 20), count(DISTINCT flag) FROM lk GROUP BY ln, ok`,
		`SELECT ok, string_agg(flag, ',' ORDER BY ln DESC), percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM lk WHERE ok < 300 GROUP BY ok`,
		`SELECT ok, count(*) FROM lk WHERE ok < 0 GROUP BY ok`,
		`SELECT ok, sum(qty) FROM lk WHERE ok BETWEEN 250 AND 260 GROUP BY ok`,
	} {
		a := run(q)
		old := eval.SetGroupAgg(false)
		b := run(q)
		eval.SetGroupAgg(old)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s:\nstreaming %v\nhashed    %v", q, a, b)
		}
	}
	plan := fmt.Sprint(run(`EXPLAIN (COSTS OFF) SELECT ok, sum(qty) FROM lk GROUP BY ok`))
	if want := "GroupAggregate"; !contains(plan, want) {
		t.Errorf("plan %s lacks %s", plan, want)
	}
	plan = fmt.Sprint(run(`EXPLAIN (COSTS OFF) SELECT ok % 10, sum(qty) FROM lk GROUP BY 1`))
	if contains(plan, "GroupAggregate") {
		t.Errorf("GROUP BY an expression streams: %s", plan)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

const benchGroupAggQ = `SELECT count(*), sum(s) FROM (SELECT ok, sum(qty) s FROM lk GROUP BY ok HAVING sum(qty) > 30) x`

// BenchmarkGroupAgg aggregates 200000 rows into 50000 groups of four
// (TPC-H q18's subquery) with the streaming operator.
func BenchmarkGroupAgg(b *testing.B) { benchGroupAgg(b, true) }

// BenchmarkGroupAggHashed is BenchmarkGroupAgg with hash aggregation.
func BenchmarkGroupAggHashed(b *testing.B) { benchGroupAgg(b, false) }

func benchGroupAgg(b *testing.B, on bool) {
	run := groupAggSetup(b, 200000)
	defer eval.SetGroupAgg(eval.SetGroupAgg(on))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		run(benchGroupAggQ)
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
