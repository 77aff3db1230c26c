package eval_test

import (
	"syscall"
	"testing"
	"time"
)

// scanBenchSetup makes a lineitem-shaped table of n rows for the scan
// benchmarks: the column types and value ranges of TPC-H's lineitem, so
// that filters select about as many rows as Q1 and Q6 do.
func scanBenchSetup(tb testing.TB, n int) func(sql string) dmlOutcome {
	s := newTestSession(tb)
	run := func(sql string) dmlOutcome {
		o := runSession(s, sql, nil)
		if o.code != "" {
			tb.Fatalf("%s: %s %s", sql, o.code, o.msg)
		}
		return o
	}
	run(`CREATE TABLE li (l_orderkey int8, l_partkey int4, l_suppkey int4, l_linenumber int4,
		l_quantity numeric(15,2), l_extendedprice numeric(15,2), l_discount numeric(15,2), l_tax numeric(15,2),
		l_returnflag char(1), l_linestatus char(1), l_shipdate date, l_commitdate date, l_receiptdate date,
		l_shipinstruct char(25), l_shipmode char(10), l_comment varchar(44))`)
	run(`INSERT INTO li SELECT g / 4, g % 20000, g % 1000, g % 7,
		(g::int8 * 7919) % 50 + 1, ((g::int8 * 104729) % 9000000) / 100.0 + 900, ((g * 31) % 11) / 100.0, ((g * 17) % 9) / 100.0,
		substr('RAN', g % 3 + 1, 1), substr('OF', g % 2 + 1, 1),
		date '1992-01-02' + (g * 7) % 2526, date '1992-01-31' + (g * 13) % 2466, date '1992-01-03' + (g * 11) % 2526,
		'DELIVER IN PERSON', 'TRUCK', 'carefully final deposits ' || g
		FROM generate_series(1, ` + itoa(n) + `) g`)
	return run
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

const (
	benchQ6 = `SELECT sum(l_extendedprice * l_discount) AS revenue FROM li
		WHERE l_shipdate >= date '1994-01-01' AND l_shipdate < date '1994-01-01' + interval '1' year
		AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND l_quantity < 24`
	benchQ1 = `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
		sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
		sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
		avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order
		FROM li WHERE l_shipdate <= date '1998-12-01' - interval '90' day
		GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`
	benchCount = `SELECT count(*) FROM li WHERE l_quantity < 24 AND l_shipmode = 'TRUCK'`
)

// BenchmarkScanQ6 is TPC-H Q6's shape over 50,000 rows: scan, a
// conjunction of range filters, one sum.
func BenchmarkScanQ6(b *testing.B) { benchScan(b, benchQ6) }

// BenchmarkScanQ1 is TPC-H Q1's shape: scan, one filter, hash
// aggregation of eight aggregates into four groups.
func BenchmarkScanQ1(b *testing.B) { benchScan(b, benchQ1) }

// BenchmarkScanCount is a filtered count(*).
func BenchmarkScanCount(b *testing.B) { benchScan(b, benchCount) }

func benchScan(b *testing.B, q string) {
	run := scanBenchSetup(b, 50000)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		run(q)
	}
	// The process's CPU time (GC included) per query: wall time means
	// little on a machine shared with other work.
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
