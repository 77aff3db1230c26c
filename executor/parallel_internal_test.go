package executor

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// parallelSetup makes a table big enough to be split into several key
// ranges and forces parallel plans on it (the costs zeroed as in
// internal/sqltest/testdata/parallel_query.sql).
func parallelSetup(t *testing.T) *Session {
	t.Helper()
	_, s := testSession(t, t.TempDir())
	if _, err := run(s, `create table pt (id int primary key, g int, n numeric, s text);
		insert into pt select i, i % 7, i * 1.5, 'v' || (i % 101) from generate_series(1, 60000) i;
		set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0`); err != nil {
		t.Fatal(err)
	}
	return s
}

// workerGoroutines counts the goroutines running parallel workers or
// started by them (a statement's goroutines must all end with it). A
// worker has done all its work once the Gather's wait for it returns,
// but its goroutine may not have exited yet: as goleak does, look again
// for a while before reporting any.
func workerGoroutines() int {
	n := 0
	for try := 0; try < 100; try++ {
		if n = countWorkers(); n == 0 {
			return 0
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

func countWorkers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "(*parallelRun).start.func") {
			n++
			lastStack = g
		}
	}
	return n
}

// lastStack is the last worker goroutine workerGoroutines saw.
var lastStack string

// runCtx runs one statement under ctx, reading all of its rows.
func runCtx(ctx context.Context, s *Session, sql string) (rows int, err error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return 0, err
	}
	s.BeginStatement()
	defer func() { s.FinishImplicit(err != nil) }()
	p, err := s.Prepare(stmts[0], nil)
	if err != nil {
		return 0, err
	}
	res, err := s.Execute(ctx, p, nil)
	if err != nil {
		return 0, err
	}
	defer res.Rows.Close()
	for {
		_, err := res.Rows.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows++
	}
}

// TestParallelResults checks that parallel plans answer as serial ones.
func TestParallelResults(t *testing.T) {
	s := parallelSetup(t)
	queries := []string{
		"select count(*), sum(id), sum(n), avg(n), min(s), max(s) from pt",
		"select g, count(*), sum(n), avg(id) from pt group by g order by g",
		"select id from pt where id % 997 = 1 order by id",
		"select count(*) from pt where s like 'v1%'",
	}
	for _, q := range queries {
		if _, err := run(s, "set max_parallel_workers_per_gather = 0"); err != nil {
			t.Fatal(err)
		}
		want, err := run(s, q)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run(s, "set max_parallel_workers_per_gather = 2"); err != nil {
			t.Fatal(err)
		}
		plan, err := run(s, "explain (costs off) "+q)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(flat(plan), "Parallel Seq Scan") {
			t.Errorf("%s: not parallel:\n%s", q, flat(plan))
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
		t.Errorf("%d worker goroutines left", n)
	}
}

func flat(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestParallelErrors checks that an error in one worker (a division by
// zero on one row), a cancellation and a statement timeout end the
// statement with PostgreSQL's error and leave no worker running, and
// that a statement abandoned after its first row stops its workers.
func TestParallelErrors(t *testing.T) {
	s := parallelSetup(t)
	if _, err := run(s, "set max_parallel_workers_per_gather = 2"); err != nil {
		t.Fatal(err)
	}
	// The slow condition makes every row cost a regular expression match.
	slow := "select count(*) from pt a where repeat(s, 200) ~ '(v1)+x$'"
	for _, tc := range append([]stopCase{
		{"division by zero", "select sum(10 / (id - 31234)) from pt", nil, pgerror.DivisionByZero, "division by zero"},
		{"division by zero, grouped", "select g, sum(1 / (id - 777)) from pt group by g", nil, pgerror.DivisionByZero, "division by zero"},
		{"division by zero, gather", "select id from pt where 1 / (id - 59999) = 1", nil, pgerror.DivisionByZero, "division by zero"},
	}, interrupts(slow)...) {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, s)
			// The session works on.
			if got, err := run(s, "select count(*) from pt where g = 0"); err != nil || flat(got) != "8571\n" {
				t.Errorf("after the error: %v %v", got, err)
			}
		})
	}
	// A gather whose consumer stops after one row.
	stmts, _ := parser.Parse("select id from pt where id % 2 = 0")
	s.BeginStatement()
	p, err := s.Prepare(stmts[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Execute(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Rows.Next(); err != nil {
		t.Fatal(err)
	}
	res.Rows.Close()
	s.FinishImplicit(false)
	if n := workerGoroutines(); n != 0 {
		t.Errorf("abandoned gather: %d worker goroutines left", n)
	}
}

// BenchmarkParallelAgg compares a scan-and-aggregate query run serially
// and with two workers (wall time: the workers trade CPU for it).
func BenchmarkParallelAgg(b *testing.B) {
	_, s := testSession(b, b.TempDir())
	if _, err := run(s, `create table pt (id int primary key, g int, n numeric, s text);
		insert into pt select i, i % 7, i * 1.5, 'v' || (i % 101) from generate_series(1, 100000) i;
		set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0`); err != nil {
		b.Fatal(err)
	}
	for _, w := range []string{"0", "2"} {
		b.Run("workers="+w, func(b *testing.B) {
			if _, err := run(s, "set max_parallel_workers_per_gather = "+w); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				if _, err := run(s, "select g, count(*), sum(n) from pt where id % 3 <> 0 group by g"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// stopCase is a statement that must end with PostgreSQL's error (code,
// msg) under the context ctx makes (nil: none), and leave no worker
// goroutine behind.
type stopCase struct {
	name, sql string
	ctx       func() (context.Context, context.CancelFunc)
	code, msg string
}

// interrupts are the cancellation and statement timeout cases for a
// statement slow enough to be interrupted.
func interrupts(slow string) []stopCase {
	return []stopCase{
		{"cancel", slow, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, pgerror.QueryCanceled, "canceling statement due to user request"},
		{"statement timeout", slow, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, pgerror.QueryCanceled, "canceling statement due to statement timeout"},
	}
}

// check runs tc on s and checks its error, that an interrupted statement
// stopped soon, and that no worker goroutine is left.
func (tc stopCase) check(t *testing.T, s *Session) {
	t.Helper()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if tc.ctx != nil {
		ctx, cancel = tc.ctx()
	}
	defer cancel()
	start := time.Now()
	_, err := runCtx(ctx, s, tc.sql)
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Code != tc.code || pe.Message != tc.msg {
		t.Fatalf("got %v, want %s %q", err, tc.code, tc.msg)
	}
	if tc.ctx != nil && time.Since(start) > 5*time.Second {
		t.Errorf("took %v to stop", time.Since(start))
	}
	if n := workerGoroutines(); n != 0 {
		t.Errorf("%d worker goroutines left:\n%s", n, lastStack)
	}
}
