package eval_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/storage"
)

// lookupBenchSetup makes the tables of the key-lookup benchmarks: an
// outer table o of 2,000 rows whose k points into big (100,000 rows, a
// primary key k and an index on g, four rows per g), the shape of TPC-H's
// orders -> lineitem and supplier -> lineitem lookups.
func lookupBenchSetup(tb testing.TB) func(sql string) dmlOutcome {
	// A buffer pool that holds the tables (the shared test engine's 4 MiB
	// would make this measure page reads).
	e, err := executor.OpenEngine(storage.Options{Dir: tb.TempDir(), BufferPool: 64 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	s, err := executor.NewSession(e, executor.Config{User: "postgres", Database: "postgres",
		Params: map[string]string{"TimeZone": "UTC"}})
	if err != nil {
		tb.Fatal(err)
	}
	run := func(sql string) dmlOutcome {
		o := runSession(s, sql, nil)
		if o.code != "" {
			tb.Fatalf("%s: %s %s", sql, o.code, o.msg)
		}
		return o
	}
	run("CREATE TABLE big (k int4 PRIMARY KEY, g int4, v numeric(15,2), d date, t text, u text)")
	run("CREATE INDEX big_g ON big (g)")
	run("INSERT INTO big SELECT g, g / 4, g / 100.0, date '1995-01-01' + g % 1000, 'comment ' || g, repeat('x', 40) FROM generate_series(1, 100000) g")
	run("CREATE TABLE o (k int4, g int4, name text)")
	run("INSERT INTO o SELECT (g * 7919) % 100000 + 1, (g * 7919) % 25000 + 1, 'o' || g FROM generate_series(1, 2000) g")
	run("ANALYZE")
	return run
}

// lookupQueries are the benchmarked joins: one primary-key row per outer
// row, and four rows by a secondary index per outer row. Each has a twin
// that hides the key behind an expression (a hash join on text, or a
// plain nested loop over few outer rows), so that it cannot look keys up:
// the answer to compare with.
var lookupQueries = []struct{ name, sql, noKey string }{
	{"pk", "SELECT count(*), sum(big.v), max(big.t) FROM o JOIN big ON big.k = o.k",
		"SELECT count(*), sum(big.v), max(big.t) FROM o JOIN big ON big.k::text = o.k::text"},
	{"index", "SELECT count(*), sum(big.v), min(big.d) FROM o JOIN big ON big.g = o.g",
		"SELECT count(*), sum(big.v), min(big.d) FROM o JOIN big ON big.g::text = o.g::text"},
	{"range", "SELECT count(*), sum(big.v) FROM o JOIN big ON big.k BETWEEN o.k AND o.k + 2 WHERE o.g % 200 = 0",
		"SELECT count(*), sum(big.v) FROM o JOIN big ON big.k - o.k BETWEEN 0 AND 2 WHERE o.g % 200 = 0"},
	{"left", "SELECT count(*), count(big.k), sum(big.v) FROM o LEFT JOIN big ON big.g = o.k",
		"SELECT count(*), count(big.k), sum(big.v) FROM o LEFT JOIN big ON big.g::text = o.k::text"},
}

// TestLookupJoinPlans pins the benchmarks' plans to key lookups per
// outer row (else they would measure something else) and checks their
// answers against the same joins without key lookups.
func TestLookupJoinPlans(t *testing.T) {
	run := lookupBenchSetup(t)
	for _, q := range lookupQueries {
		plan := fmt.Sprint(run("EXPLAIN " + q.sql).rows)
		if !strings.Contains(plan, "Index") && q.name != "range" && q.name != "left" {
			t.Errorf("%s: not a key lookup plan:\n%s", q.name, plan)
		}
		got, want := run(q.sql), run(q.noKey)
		if len(got.rows) != 1 || fmt.Sprint(got.rows) != fmt.Sprint(want.rows) {
			t.Errorf("%s: %v, want %v", q.name, got.rows, want.rows)
		}
	}
}

// BenchmarkLookupJoin measures index nested loops: the CPU time per
// outer row of the whole statement.
func BenchmarkLookupJoin(b *testing.B) {
	run := lookupBenchSetup(b)
	for _, q := range lookupQueries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			var ru0, ru1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			for b.Loop() {
				run(q.sql)
			}
			// CPU time, not wall time: the machine is shared.
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
			b.ReportMetric(float64(cpu)/float64(b.N)/2000, "cpu-ns/outer")
		})
	}
}
