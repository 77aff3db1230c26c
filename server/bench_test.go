package server_test

// Wire benchmarks: the same client work against nqdb and PostgreSQL in one
// run, so the ratio can be read directly. TestWireRatios (NQDB_BENCH=1)
// prints the table.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

// wireTarget is a server under benchmark.
type wireTarget struct {
	name string
	dsn  string
}

func wireTargets(tb testing.TB) []wireTarget {
	nq := startServer(tb, server.Config{})
	pg := pgoracle.Shared(tb)
	return []wireTarget{{"nqdb", nq.DSN()}, {"postgres", pg.DSN()}}
}

// benchConnect measures connection start-up and close (no TLS, trust).
func benchConnect(b *testing.B, dsn string) {
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := conn.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSelect1 measures one "select 1" round trip in the given mode.
func benchSelect1(b *testing.B, dsn string, mode pgx.QueryExecMode) {
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}

// wireBenchmarks are the benchmarks run against every target.
var wireBenchmarks = []struct {
	name string
	fn   func(b *testing.B, dsn string)
}{
	{"WireConnect", benchConnect},
	{"WireSelect1Simple", func(b *testing.B, dsn string) { benchSelect1(b, dsn, pgx.QueryExecModeSimpleProtocol) }},
	{"WireSelect1Extended", func(b *testing.B, dsn string) { benchSelect1(b, dsn, pgx.QueryExecModeCacheStatement) }},
}

func runWire(b *testing.B, name string) {
	for _, wb := range wireBenchmarks {
		if wb.name != name {
			continue
		}
		for _, tg := range wireTargets(b) {
			b.Run(tg.name, func(b *testing.B) { wb.fn(b, tg.dsn) })
		}
	}
}

func BenchmarkWireConnect(b *testing.B)         { runWire(b, "WireConnect") }
func BenchmarkWireSelect1Simple(b *testing.B)   { runWire(b, "WireSelect1Simple") }
func BenchmarkWireSelect1Extended(b *testing.B) { runWire(b, "WireSelect1Extended") }

// TestWireRatios runs every wire benchmark against both servers and
// prints ns/op and nqdb/postgres ratios. It only runs with NQDB_BENCH=1:
//
//	NQDB_BENCH=1 go test ./server -run TestWireRatios -v
func TestWireRatios(t *testing.T) {
	if os.Getenv("NQDB_BENCH") != "1" {
		t.Skip("set NQDB_BENCH=1 to run the wire benchmarks")
	}
	targets := wireTargets(t)
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "benchmark\tnqdb ns/op\tpostgres ns/op\tnqdb/postgres\tnqdb allocs/op\t")
	for _, wb := range wireBenchmarks {
		var ns [2]float64
		var allocs int64
		for i, tg := range targets {
			r := testing.Benchmark(func(b *testing.B) { wb.fn(b, tg.dsn) })
			if r.N == 0 {
				t.Fatalf("%s/%s did not run", wb.name, tg.name)
			}
			ns[i] = float64(r.T.Nanoseconds()) / float64(r.N)
			if i == 0 {
				allocs = r.AllocsPerOp()
			}
		}
		fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%.2f\t%d\t\n", wb.name, ns[0], ns[1], ns[0]/ns[1], allocs)
	}
	w.Flush()
}

// TestPgbenchRatios runs pgbench with a SELECT 1 script against both
// servers in each protocol mode (8 clients, 2 threads) and prints tps and
// the nqdb/postgres ratio. It only runs with NQDB_BENCH=1; NQDB_BENCH_SECS
// sets the duration of each run (default 10).
func TestPgbenchRatios(t *testing.T) {
	if os.Getenv("NQDB_BENCH") != "1" {
		t.Skip("set NQDB_BENCH=1 to run the pgbench comparison")
	}
	if _, err := exec.LookPath("pgbench"); err != nil {
		t.Skip("pgbench not installed")
	}
	secs := os.Getenv("NQDB_BENCH_SECS")
	if secs == "" {
		secs = "10"
	}
	nq := startServer(t, server.Config{MaxConnections: 200})
	pg := pgoracle.Shared(t)
	script := filepath.Join(t.TempDir(), "select1.sql")
	if err := os.WriteFile(script, []byte("SELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tpsRe := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	run := func(host string, port int, mode string) float64 {
		out, err := exec.Command("pgbench", "-n", "-f", script, "-M", mode, "-c", "8", "-j", "2", "-T", secs,
			"-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "postgres").CombinedOutput()
		if err != nil {
			t.Fatalf("pgbench -M %s on %s:%d: %v\n%s", mode, host, port, err, out)
		}
		m := tpsRe.FindSubmatch(out)
		if m == nil {
			t.Fatalf("no tps in pgbench output:\n%s", out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "pgbench SELECT 1, -c 8 -j 2\tnqdb tps\tpostgres tps\tnqdb/postgres\t")
	for _, mode := range []string{"simple", "extended", "prepared"} {
		a := run(nq.Host, nq.Port, mode)
		b := run(pg.Host, pg.Port, mode)
		fmt.Fprintf(w, "-M %s\t%.0f\t%.0f\t%.2f\t\n", mode, a, b, a/b)
	}
	w.Flush()
}

// TestPgbenchStorage is the storage scoreboard: `pgbench -i -s N`, then
// tpcb-like and select-only (-M prepared and simple, -c 8 -j 2) against
// nqdb and a durable PostgreSQL 15 (fsync, synchronous_commit and
// full_page_writes on: the same durability as nqdb) in one run, printing
// ratios. NQDB_BENCH=1 runs it (make bench-pgbench); NQDB_BENCH_SCALE
// (default 10) and NQDB_BENCH_SECS (default 10) size it.
func TestPgbenchStorage(t *testing.T) {
	if os.Getenv("NQDB_BENCH") != "1" {
		t.Skip("set NQDB_BENCH=1 to run the pgbench comparison")
	}
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		t.Skip("pgbench not installed")
	}
	secs := envOr("NQDB_BENCH_SECS", "10")
	scale := envOr("NQDB_BENCH_SCALE", "10")
	// The same memory budget on both sides: PostgreSQL's default
	// shared_buffers as nqdb's buffer pool.
	srv, ta, _ := testserver.StartWith(t, server.Config{MaxConnections: 200}, storage.Options{BufferPool: 128 << 20})
	nq := &testServer{Server: srv, Host: ta.IP.String(), Port: ta.Port}
	pg, err := pgoracle.Start("fsync = on", "synchronous_commit = on", "full_page_writes = on", "shared_buffers = 128MB")
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	tpsRe := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	failRe := regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
	bench := func(host string, port int, args ...string) ([]byte, time.Duration) {
		args = append(args, "-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "postgres")
		start := time.Now()
		out, err := exec.Command(pgbench, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("pgbench %v on %s:%d: %v\n%s", args, host, port, err, out)
		}
		return out, time.Since(start)
	}
	tps := func(out []byte) float64 {
		if m := failRe.FindSubmatch(out); m == nil || string(m[1]) != "0" {
			t.Errorf("failed transactions:\n%s", out)
		}
		m := tpsRe.FindSubmatch(out)
		if m == nil {
			t.Fatalf("no tps in pgbench output:\n%s", out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "pgbench scale %s, -c 8 -j 2, %ss\tnqdb\tpostgres\tnqdb/postgres\t\n", scale, secs)
	_, a := bench(nq.Host, nq.Port, "-i", "-q", "-s", scale)
	_, b := bench(pg.Host, pg.Port, "-i", "-q", "-s", scale)
	fmt.Fprintf(w, "pgbench -i (seconds, lower is better)\t%.2f\t%.2f\t%.2f\t\n", a.Seconds(), b.Seconds(), a.Seconds()/b.Seconds())
	for _, c := range []struct{ name, mode, builtin string }{
		{"tpcb-like -M prepared", "prepared", "tpcb-like"},
		{"select-only -M prepared", "prepared", "select-only"},
		{"select-only -M simple", "simple", "select-only"},
	} {
		x := tps(first(bench(nq.Host, nq.Port, "-b", c.builtin, "-M", c.mode, "-c", "8", "-j", "2", "-T", secs)))
		y := tps(first(bench(pg.Host, pg.Port, "-b", c.builtin, "-M", c.mode, "-c", "8", "-j", "2", "-T", secs)))
		fmt.Fprintf(w, "%s (tps)\t%.0f\t%.0f\t%.2f\t\n", c.name, x, y, x/y)
	}
	w.Flush()
}

func first[A, B any](a A, _ B) A { return a }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
