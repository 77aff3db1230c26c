package server

// Parse + plan cost of pgbench's statements in simple mode (-M simple:
// every value inlined into the text), with and without the connection's
// plan cache (plancache.go), and, with NQDB_BENCH=1 (make bench-parse),
// beside PostgreSQL's whole round trip for the same statements.
//
// This file is in package server (not server_test) to use planCache as a
// connection does; so it cannot import internal/testserver (which imports
// this package) and builds its engine and server itself.

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/storage"
)

// pgbenchScale sizes the random values as pgbench -s 10 would (the scale
// of make bench-pg): aid up to 1,000,000, tid up to 100, bid up to 10.
const pgbenchScale = 10

// pgbenchStatement is one statement of pgbench's built-in scripts, with
// its variables drawn as pgbench draws them.
type pgbenchStatement struct {
	name string
	text func(r *rand.Rand) string
}

// pgbenchStatements are the five statements of tpcb-like between BEGIN
// and END, and select-only's one (the same text as tpcb-like's SELECT;
// listed because it is a workload of its own). pgbench sends each with
// its terminating semicolon.
var pgbenchStatements = []pgbenchStatement{
	{"tpcb-update-accounts", func(r *rand.Rand) string {
		return fmt.Sprintf("UPDATE pgbench_accounts SET abalance = abalance + %d WHERE aid = %d;", delta(r), aid(r))
	}},
	{"tpcb-select-accounts", func(r *rand.Rand) string {
		return fmt.Sprintf("SELECT abalance FROM pgbench_accounts WHERE aid = %d;", aid(r))
	}},
	{"tpcb-update-tellers", func(r *rand.Rand) string {
		return fmt.Sprintf("UPDATE pgbench_tellers SET tbalance = tbalance + %d WHERE tid = %d;", delta(r), tid(r))
	}},
	{"tpcb-update-branches", func(r *rand.Rand) string {
		return fmt.Sprintf("UPDATE pgbench_branches SET bbalance = bbalance + %d WHERE bid = %d;", delta(r), bid(r))
	}},
	{"tpcb-insert-history", func(r *rand.Rand) string {
		return fmt.Sprintf("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%d, %d, %d, %d, CURRENT_TIMESTAMP);",
			tid(r), bid(r), aid(r), delta(r))
	}},
	{"select-only", func(r *rand.Rand) string {
		return fmt.Sprintf("SELECT abalance FROM pgbench_accounts WHERE aid = %d;", aid(r))
	}},
}

func aid(r *rand.Rand) int   { return 1 + r.IntN(100000*pgbenchScale) }
func bid(r *rand.Rand) int   { return 1 + r.IntN(pgbenchScale) }
func tid(r *rand.Rand) int   { return 1 + r.IntN(10*pgbenchScale) }
func delta(r *rand.Rand) int { return r.IntN(10001) - 5000 }

// pgbenchDDL is what pgbench -i creates (tables and primary keys), enough
// for binding; the benchmarks never execute.
const pgbenchDDL = `create table pgbench_history(tid int,bid int,aid int,delta int,mtime timestamp,filler char(22));
create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84));
create table pgbench_accounts(aid int not null,bid int,abalance int,filler char(84));
create table pgbench_branches(bid int not null,bbalance int,filler char(88));
alter table pgbench_branches add primary key (bid);
alter table pgbench_tellers add primary key (tid);
alter table pgbench_accounts add primary key (aid)`

// openBenchEngine opens an engine in a temporary directory, closed when
// the test ends.
func openBenchEngine(tb testing.TB) *executor.Engine {
	tb.Helper()
	engine, err := executor.OpenEngine(storage.Options{Dir: tb.TempDir(), BufferPool: 32 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := engine.Close(); err != nil {
			tb.Errorf("closing the engine: %v", err)
		}
	})
	return engine
}

func newBenchSession(tb testing.TB, engine *executor.Engine) *executor.Session {
	tb.Helper()
	sess, err := executor.NewSession(engine, executor.Config{User: "postgres", Database: "postgres"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(sess.Close)
	return sess
}

// sessExec runs each statement of script as a one-statement Query
// message would.
func sessExec(tb testing.TB, sess *executor.Session, script string) {
	tb.Helper()
	stmts, err := parser.Parse(script)
	if err != nil {
		tb.Fatal(err)
	}
	for _, st := range stmts {
		sess.BeginMessage(1)
		sess.BeginStatement()
		p, err := sess.Prepare(st, nil)
		if err == nil {
			err = sess.Plan(p)
		}
		var res *executor.Result
		if err == nil {
			res, err = sess.Execute(context.Background(), p, nil)
		}
		if err == nil && res.Rows != nil {
			res.Rows.Close()
		}
		if ferr := sess.FinishImplicit(err != nil); err == nil {
			err = ferr
		}
		if err != nil {
			tb.Fatalf("%s: %v", st.Text, err)
		}
	}
}

// parsePlan is what a simple Query message costs before execution
// without the cache: parse, bind (Prepare) and fold (Plan).
func parsePlan(sess *executor.Session, query string) (*executor.Prepared, error) {
	stmts, err := parser.Parse(query)
	if err != nil {
		return nil, err
	}
	p, err := sess.Prepare(stmts[0], nil)
	if err != nil {
		return nil, err
	}
	return p, sess.Plan(p)
}

// texts draws n pgbench-style texts of st.
func texts(st pgbenchStatement, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		out[i] = st.text(r)
	}
	return out
}

// parsePlanModes are the ways a statement reaches execution in simple
// mode, each a benchmark body over a session with pgbench's tables:
//
//	uncached  parse + bind + fold every time (no cache; what a first
//	          execution and every cache miss costs)
//	cached    the same text again: the plan cache lookup plus Plan on an
//	          already folded statement (simpleQuery's hit path)
//	pgbench   pgbench's own texts (fresh random values each time) through
//	          the cache as simpleQuery does: lookup, and on a miss parse,
//	          bind, fold and store; most texts miss, tellers and branches
//	          hit often
var parsePlanModes = []struct {
	name string
	fn   func(b *testing.B, sess *executor.Session, st pgbenchStatement)
}{
	{"uncached", func(b *testing.B, sess *executor.Session, st pgbenchStatement) {
		qs := texts(st, 1024)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := parsePlan(sess, qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
		}
	}},
	{"cached", func(b *testing.B, sess *executor.Session, st pgbenchStatement) {
		q := texts(st, 1)[0]
		var pc planCache
		epoch := sess.PlanEpoch()
		p, err := parsePlan(sess, q)
		if err != nil {
			b.Fatal(err)
		}
		pc.put(q, nil, epoch, p)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			p := pc.get(q, nil, sess.PlanEpoch())
			if p == nil {
				b.Fatal("cache miss")
			}
			if err := sess.Plan(p); err != nil {
				b.Fatal(err)
			}
		}
	}},
	{"pgbench", func(b *testing.B, sess *executor.Session, st pgbenchStatement) {
		qs := texts(st, 1<<16)
		var pc planCache
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			q := qs[i%len(qs)]
			epoch := sess.PlanEpoch()
			p := pc.get(q, nil, epoch)
			if p == nil {
				var err error
				if p, err = parsePlan(sess, q); err != nil {
					b.Fatal(err)
				}
				pc.put(q, nil, epoch, p)
			} else if err := sess.Plan(p); err != nil {
				b.Fatal(err)
			}
		}
	}},
}

// BenchmarkParsePlan: parse + plan time per pgbench statement in each
// mode of parsePlanModes.
func BenchmarkParsePlan(b *testing.B) {
	sess := newBenchSession(b, openBenchEngine(b))
	sessExec(b, sess, pgbenchDDL)
	for _, st := range pgbenchStatements {
		for _, m := range parsePlanModes {
			b.Run(st.name+"/"+m.name, func(b *testing.B) { m.fn(b, sess, st) })
		}
	}
}

// TestParsePlanStatements checks that every benchmarked text parses and
// plans on nqdb and on PostgreSQL's grammar's terms: one statement each,
// and a cache hit returns the very statement stored.
func TestParsePlanStatements(t *testing.T) {
	sess := newBenchSession(t, openBenchEngine(t))
	sessExec(t, sess, pgbenchDDL)
	for _, st := range pgbenchStatements {
		for _, q := range texts(st, 50) {
			stmts, err := parser.Parse(q)
			if err != nil || len(stmts) != 1 {
				t.Fatalf("%s: %d statements, %v", q, len(stmts), err)
			}
			p, err := parsePlan(sess, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var pc planCache
			pc.put(q, nil, sess.PlanEpoch(), p)
			if got := pc.get(q, nil, sess.PlanEpoch()); got != p {
				t.Fatalf("%s: the cache did not return the stored statement", q)
			}
		}
	}
}

// TestParsePlanVsPostgres (NQDB_BENCH=1, make bench-parse) prints, per
// statement, nqdb's parse + plan time in each mode beside the whole
// simple-protocol round trip of the same pgbench texts on nqdb and on
// PostgreSQL 15 (pgbench -i -s 10 data on both; the statements run inside
// one transaction that is rolled back, so that no commit is timed), and
// parse + plan as a share of PostgreSQL's round trip. Each figure is the
// fastest of NQDB_BENCH_REPEAT (3) runs of about a second: on a shared
// machine the other processes only ever add time.
func TestParsePlanVsPostgres(t *testing.T) {
	if os.Getenv("NQDB_BENCH") != "1" {
		t.Skip("set NQDB_BENCH=1 (make bench-parse) to compare with PostgreSQL")
	}
	if _, err := exec.LookPath("pgbench"); err != nil {
		t.Skip("pgbench not installed")
	}
	engine := openBenchEngine(t)
	nqAddr := serveEngine(t, engine)
	pg := pgoracle.Shared(t)
	pgbenchInit(t, pg.Host, strconv.Itoa(pg.Port))
	host, port, _ := splitHostPort(nqAddr)
	pgbenchInit(t, host, port)
	sess := newBenchSession(t, engine)
	repeat, err := strconv.Atoi(cmp.Or(os.Getenv("NQDB_BENCH_REPEAT"), "3"))
	if err != nil || repeat < 1 {
		t.Fatalf("NQDB_BENCH_REPEAT=%q: want a positive integer", os.Getenv("NQDB_BENCH_REPEAT"))
	}

	nqDSN := "postgres://postgres@" + nqAddr + "/postgres?sslmode=disable"
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "pgbench -M simple statement (scale %d)\tuncached µs\tcached µs\tpgbench µs\tallocs (uncached)\tnqdb round trip µs\tpostgres round trip µs\tuncached / pg round trip\t\n", pgbenchScale)
	for _, st := range pgbenchStatements {
		var us [3]float64
		var allocs int64
		for i, m := range parsePlanModes {
			us[i] = fastest(repeat, func() float64 {
				r := testing.Benchmark(func(b *testing.B) { m.fn(b, sess, st) })
				if r.N == 0 {
					t.Fatalf("%s/%s did not run", st.name, m.name)
				}
				if i == 0 {
					allocs = r.AllocsPerOp()
				}
				return float64(r.T.Nanoseconds()) / float64(r.N) / 1e3
			})
		}
		nqRT := fastest(repeat, func() float64 { return roundTrip(t, nqDSN, st) })
		pgRT := fastest(repeat, func() float64 { return roundTrip(t, pg.DSN(), st) })
		fmt.Fprintf(w, "%s\t%.2f\t%.3f\t%.2f\t%d\t%.1f\t%.1f\t%.0f%%\t\n", st.name, us[0], us[1], us[2], allocs, nqRT, pgRT, 100*us[0]/pgRT)
	}
	w.Flush()
}

// fastest returns the smallest of n results of f.
func fastest(n int, f func() float64) float64 {
	best := f()
	for i := 1; i < n; i++ {
		best = min(best, f())
	}
	return best
}

// serveEngine serves engine on a loopback port until the test ends.
func serveEngine(t *testing.T, engine *executor.Engine) string {
	srv, err := New(Config{Listen: "127.0.0.1:0", Logger: zap.NewNop()}, engine)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-errc
	})
	return addr.String()
}

func splitHostPort(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no port in %q", addr)
}

func pgbenchInit(t *testing.T, host, port string) {
	out, err := exec.Command("pgbench", "-i", "-q", "-s", strconv.Itoa(pgbenchScale), "-h", host, "-p", port,
		"-U", "postgres", "postgres").CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench -i on %s:%s: %v\n%s", host, port, err, out)
	}
}

// roundTrip times simple Query round trips of pgbench texts of st on the
// server at dsn inside one transaction (rolled back), in microseconds.
func roundTrip(t *testing.T, dsn string, st pgbenchStatement) float64 {
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	qs := texts(st, 1<<14)
	exec := func(q string) {
		if _, err := conn.Exec(ctx, q).ReadAll(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("BEGIN")
	defer exec("ROLLBACK")
	for _, q := range qs[:200] { // warm up
		exec(q)
	}
	r := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			exec(qs[i%len(qs)])
		}
	})
	return float64(r.T.Nanoseconds()) / float64(r.N) / 1e3
}
