package executor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// parallelLookupSetup is parallelSetup with a second table to look keys
// up in (primary key and a secondary index) and statistics, so that the
// joins below are index nested loops.
func parallelLookupSetup(t *testing.T) *Session {
	t.Helper()
	s := parallelSetup(t)
	if _, err := run(s, `create table pl (k int primary key, g int, v text);
		insert into pl select i, i % 11, 'w' || (i % 13) from generate_series(1, 60000, 2) i;
		create index pl_g on pl (g);
		analyze pt; analyze pl`); err != nil {
		t.Fatal(err)
	}
	return s
}

// gatherOverLoop reports whether plan has an index nested loop (a
// Nested Loop whose inner side is an Index Scan) under a Gather, over a
// Parallel Seq Scan.
func gatherOverLoop(plan string) bool {
	g := strings.Index(plan, "Gather")
	nl := strings.Index(plan, "Nested Loop")
	return g >= 0 && nl > g && strings.Contains(plan[nl:], "Parallel Seq Scan") && strings.Contains(plan[nl:], "Index Scan")
}

// TestParallelLookups checks that index nested loops run in the workers
// (each looking up its own share of the outer rows, parallel_lookup.go)
// and materialized CTEs with a Gather of their own answer as the serial
// plans do, under READ COMMITTED (lookups straight through the leader's
// access) and SERIALIZABLE (every read under the run's lock).
func TestParallelLookups(t *testing.T) {
	s := parallelLookupSetup(t)
	type query struct {
		sql  string
		loop bool // an index nested loop under the Gather
	}
	queries := []query{
		{"select pt.g, count(*), sum(pl.k) from pt join pl on pl.k = pt.id where pt.id % 301 = 1 group by pt.g order by pt.g", true},
		{"select pt.id, pl.v from pt join pl on pl.k = pt.id where pt.id % 997 = 1 order by pt.id", true},
		{"select count(*) from pt where pt.s = 'v7' and exists (select 1 from pl where pl.k = pt.id and pl.v <> 'w3')", true},
		{"select count(*) from pt where pt.s = 'v7' and not exists (select 1 from pl where pl.k = pt.id and pl.g = 4)", true},
		{"select count(*), count(pl.k), sum(length(pl.v)) from (select * from pt where s = 'v7') pt left join pl on pl.k = pt.id and pl.v <> 'w3'", false},
		// A lookup into the divided table itself (TPC-H Q21's shape).
		{"select count(*), sum(b.id), max(b.s) from pt a join pt b on b.id = a.id where a.s = 'v7' and b.g < 5", true},
		// A CTE read twice: materialized, its aggregate with a Gather.
		{"with c as (select g, count(*) n, sum(n) s from pt where id % 2 = 0 group by g) select a.g, a.n, b.s from c a join c b on a.g = b.g order by a.g", false},
	}
	for _, iso := range []string{"read committed", "serializable"} {
		for _, q := range queries {
			if _, err := run(s, "set max_parallel_workers_per_gather = 0"); err != nil {
				t.Fatal(err)
			}
			want, err := run(s, q.sql)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := run(s, "set max_parallel_workers_per_gather = 2; set default_transaction_isolation = '"+iso+"'"); err != nil {
				t.Fatal(err)
			}
			plan, err := run(s, "explain (costs off) "+q.sql)
			if err != nil {
				t.Fatal(err)
			}
			p := flat(plan)
			if !strings.Contains(p, "Parallel Seq Scan") || (q.loop && !gatherOverLoop(p)) {
				t.Errorf("%s: not the parallel plan:\n%s", q.sql, p)
			}
			got, err := run(s, q.sql)
			if _, rerr := run(s, "reset default_transaction_isolation"); rerr != nil {
				t.Fatal(rerr)
			}
			if err != nil {
				t.Fatalf("%s (%s): %v", q.sql, iso, err)
			}
			if flat(got) != flat(want) {
				t.Errorf("%s (%s): parallel %v, serial %v", q.sql, iso, got, want)
			}
		}
	}
	if n := workerGoroutines(); n != 0 {
		t.Errorf("%d worker goroutines left:\n%s", n, lastStack)
	}
}

// TestParallelLookupErrors checks that an error raised on a lookup's
// rows in a worker, a cancellation and a statement timeout during the
// lookups stop every worker with PostgreSQL's error.
func TestParallelLookupErrors(t *testing.T) {
	s := parallelLookupSetup(t)
	if _, err := run(s, "set max_parallel_workers_per_gather = 2"); err != nil {
		t.Fatal(err)
	}
	slow := "select count(*) from pt join pl on pl.k = pt.id where pt.s = 'v7' and repeat(pl.v || pt.s, 30000) ~ '(w1)+x$'"
	if plan, err := run(s, "explain (costs off) "+slow); err != nil || !gatherOverLoop(flat(plan)) {
		t.Fatalf("not the parallel plan: %v\n%s", err, flat(plan))
	}
	for _, tc := range append([]stopCase{
		{"division by zero", "select sum(10 / (pl.k - 209)) from pt join pl on pl.k = pt.id where pt.s = 'v7'", nil, pgerror.DivisionByZero, "division by zero"},
	}, interrupts(slow)...) {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, s)
		})
	}
}

// TestParallelSharedHash checks that the workers of a Gather probe one
// hash table, built once, and answer as the serial plan. EXPLAIN ANALYZE
// shows the build side's rows per loop, as PostgreSQL's Parallel Hash:
// shared, the two loops together read the table's rows once; built in
// each worker, twice.
func TestParallelSharedHash(t *testing.T) {
	s := parallelLookupSetup(t)
	if _, err := run(s, `create table pdim (g int primary key, name text);
		insert into pdim select i, 'group ' || i from generate_series(0, 6) i; analyze pdim`); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		"select p.g, d.name, count(*), sum(p.n) from pt p join pdim d on d.g = p.g group by p.g, d.name order by p.g",
		"select count(*), sum(p.id) from pt p where exists (select 1 from pdim d where d.g = p.g and d.name like '%3')",
		"select count(*) from pt p where not exists (select 1 from pdim d where d.g = p.g and d.name like '%3')",
		"select count(*), count(d.name) from pt p left join pdim d on d.g = p.g + 3",
		"select d.name, count(*) from pt p join pl on pl.k = p.id * 2 + 1 join pdim d on d.g = p.g group by d.name order by d.name",
	}
	// scanRows reads the pdim scan's rows and loops from an EXPLAIN
	// ANALYZE.
	scanRows := func(plan string) (rows, loops int) {
		for _, line := range strings.Split(plan, "\n") {
			if i := strings.Index(line, "Seq Scan on pdim d (actual rows="); i >= 0 {
				fmt.Sscanf(line[i:], "Seq Scan on pdim d (actual rows=%d loops=%d)", &rows, &loops)
			}
		}
		return rows, loops
	}
	explain := "explain (analyze, costs off, timing off, summary off) "
	for _, q := range queries {
		if _, err := run(s, "set max_parallel_workers_per_gather = 0"); err != nil {
			t.Fatal(err)
		}
		want, err := run(s, q)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := run(s, explain+q)
		if err != nil {
			t.Fatal(err)
		}
		total, _ := scanRows(flat(plan))
		if _, err := run(s, "set max_parallel_workers_per_gather = 2"); err != nil {
			t.Fatal(err)
		}
		if plan, err = run(s, explain+q); err != nil {
			t.Fatal(err)
		}
		p := flat(plan)
		if !strings.Contains(p, "Workers Launched: 2") || !strings.Contains(p, "Hash") {
			t.Errorf("%s: not a hash join under a Gather:\n%s", q, p)
		}
		if rows, loops := scanRows(p); total >= 4 && rows*loops >= 2*total {
			t.Errorf("%s: the hash table was built in each worker (%d rows):\n%s", q, total, p)
		}
		got, err := run(s, q)
		if err != nil {
			t.Fatal(err)
		}
		if flat(got) != flat(want) {
			t.Errorf("%s: parallel %v, serial %v", q, got, want)
		}
	}
	if n := workerGoroutines(); n != 0 {
		t.Errorf("%d worker goroutines left:\n%s", n, lastStack)
	}
}
