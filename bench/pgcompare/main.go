// Command pgcompare runs the same pgbench and sysbench workloads against
// nqdb and a throwaway PostgreSQL 15, alternating between the two, and
// prints one table: TPS, average and p99 latency, the nqdb/PostgreSQL TPS
// ratio and each server's peak memory. `make bench-pg` runs it.
//
// Both servers are durable: PostgreSQL runs with fsync, synchronous_commit
// and full_page_writes on, as nqdb always does. Both get the same memory
// budget (BENCH_MEMORY: nqdb's --buffer-pool, PostgreSQL's shared_buffers).
//
// Settings come from the environment, so that a quick run is one line:
//
//	BENCH_SECONDS=10      seconds per run
//	BENCH_SCALE=10        pgbench -i scale factor
//	BENCH_CLIENTS=1,8,32  client counts
//	BENCH_MODES=simple,extended,prepared
//	BENCH_WORKLOADS=select-only,simple-update,tpcb-like
//	BENCH_SYSBENCH=oltp_point_select,oltp_read_only,oltp_read_write,oltp_write_only ("none" skips)
//	BENCH_SYSBENCH_ROWS=100000  rows of sysbench's table
//	BENCH_MEMORY=128MiB   buffer pool of each server
//	NQDB_BIN=bin/nqdb     the server binary to measure
//
// Alternating (nqdb first in one case, PostgreSQL first in the next) and
// running each case on both servers back to back keeps slow drift of the
// machine (other load, page cache, thermal) from favouring one side.
//
// Memory: nqdb's peak is VmHWM of its process, reset before each run by
// writing 5 to /proc/PID/clear_refs. PostgreSQL is a process per
// connection sharing one buffer cache, so summing each process's RSS would
// count shared_buffers once per backend; its peak is the largest sum of
// Pss (proportional set size: shared pages divided among their users)
// over the postmaster and its children, sampled every 100 ms.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/crashtest"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

// config is the run's settings (see the package comment).
type config struct {
	seconds      int
	scale        int
	clients      []int
	modes        []string
	workloads    []string
	sysbench     []string
	sysbenchRows int
	memory       string
	nqdbBin      string
	outDir       string
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f != "none" {
			out = append(out, f)
		}
	}
	return out
}

func loadConfig() (*config, error) {
	c := &config{
		modes:     list(env("BENCH_MODES", "simple,extended,prepared")),
		workloads: list(env("BENCH_WORKLOADS", "select-only,simple-update,tpcb-like")),
		sysbench:  list(env("BENCH_SYSBENCH", "oltp_point_select,oltp_read_only,oltp_read_write,oltp_write_only")),
		memory:    env("BENCH_MEMORY", "128MiB"),
		nqdbBin:   env("NQDB_BIN", "bin/nqdb"),
		outDir:    env("BENCH_OUT", filepath.Join("bench", "results")),
	}
	ints := []struct {
		name, def string
		dst       *int
	}{{"BENCH_SECONDS", "10", &c.seconds}, {"BENCH_SCALE", "10", &c.scale}, {"BENCH_SYSBENCH_ROWS", "100000", &c.sysbenchRows}}
	for _, x := range ints {
		n, err := strconv.Atoi(env(x.name, x.def))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s: want a positive integer, got %q", x.name, os.Getenv(x.name))
		}
		*x.dst = n
	}
	for _, s := range list(env("BENCH_CLIENTS", "1,8,32")) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("BENCH_CLIENTS: %q is not a positive integer", s)
		}
		c.clients = append(c.clients, n)
	}
	return c, nil
}

// target is one server under measurement.
type target struct {
	name string
	host string
	port int
	pid  int  // nqdb's process, or PostgreSQL's postmaster
	tree bool // memory is the Pss sum over pid and its children
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-pg:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tmp, err := os.MkdirTemp("", "nqdb-bench-pg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	nq, stopNqdb, err := startNqdb(ctx, cfg, tmp)
	if err != nil {
		return err
	}
	defer stopNqdb()
	pg, stopPG, err := startPostgres(ctx, cfg)
	if err != nil {
		return err
	}
	defer stopPG()

	b := &bencher{cfg: cfg, tmp: tmp, targets: []*target{nq, pg}}
	return b.all(ctx)
}

// startNqdb starts the nqdb binary on a fresh data directory and waits
// until it accepts connections.
func startNqdb(ctx context.Context, cfg *config, tmp string) (*target, func(), error) {
	port, err := pgoracle.FreePort()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(cfg.nqdbBin, "serve", "--listen", "127.0.0.1:"+strconv.Itoa(port),
		"--data-dir", filepath.Join(tmp, "nqdb-data"), "--http", "", "--log-level", "warn",
		"--max-connections", "200", "--buffer-pool", cfg.memory)
	logf, err := os.Create(filepath.Join(tmp, "nqdb.log"))
	if err != nil {
		return nil, nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, nil, fmt.Errorf("starting %s (run `make build` first): %w", cfg.nqdbBin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logf.Close()
	}
	t := &target{name: "nqdb", host: "127.0.0.1", port: port, pid: cmd.Process.Pid}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, dsn(t))
		if err == nil {
			conn.Close(ctx)
			return t, stop, nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logf.Name())
			return nil, nil, fmt.Errorf("nqdb exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			return nil, nil, fmt.Errorf("nqdb did not accept connections: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startPostgres starts a durable throwaway PostgreSQL 15 and finds its
// postmaster's pid (the parent of a backend).
func startPostgres(ctx context.Context, cfg *config) (*target, func(), error) {
	mem, err := pgMemory(cfg.memory)
	if err != nil {
		return nil, nil, err
	}
	srv, err := pgoracle.Start("fsync = on", "synchronous_commit = on", "full_page_writes = on",
		"shared_buffers = '"+mem+"'", "max_connections = 200")
	if err != nil {
		return nil, nil, err
	}
	t := &target{name: "postgres", host: srv.Host, port: srv.Port, tree: true}
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		srv.Stop()
		return nil, nil, err
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "select pg_backend_pid()").Scan(&backend); err != nil {
		srv.Stop()
		return nil, nil, err
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err == nil {
		t.pid, _ = parentPID(string(stat))
	}
	return t, srv.Stop, nil
}

// pgMemory turns nqdb's size syntax (128MiB, 1GiB) into PostgreSQL's
// (128MB, 1GB: PostgreSQL's units are binary).
func pgMemory(s string) (string, error) {
	for _, u := range []struct{ ours, theirs string }{{"KiB", "kB"}, {"MiB", "MB"}, {"GiB", "GB"}, {"kB", "kB"}, {"MB", "MB"}, {"GB", "GB"}} {
		if n, ok := strings.CutSuffix(s, u.ours); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return n + u.theirs, nil
			}
		}
	}
	return "", fmt.Errorf("BENCH_MEMORY %q: want a size such as 128MiB or 1GiB", s)
}

func dsn(t *target) string {
	return fmt.Sprintf("postgres://postgres@%s:%d/postgres?sslmode=disable", t.host, t.port)
}

// measurement is one server's numbers for one case.
type measurement struct {
	tps, avgMS, p99MS float64
	peakKB            int64
	err               string // the run failed: no numbers
	warn              string // the run finished with something to note (failed transactions)
	quiet             bool   // err is already in the notes
}

// row is one case measured on every target, in target order.
type row struct {
	workload, mode string
	clients        int
	m              []measurement
}

type bencher struct {
	cfg     *config
	tmp     string
	targets []*target
	rows    []row
	notes   []string
	runs    int
	raw     bytes.Buffer // every client's command line and output, for the .log file
}

func (b *bencher) all(ctx context.Context) error {
	header := b.header(ctx)
	fmt.Fprint(os.Stderr, header)

	// pgbench -i on both, timed.
	var init []string
	for _, t := range b.targets {
		start := time.Now()
		out, err := b.command(ctx, "pgbench", append([]string{"-i", "-q", "-s", strconv.Itoa(b.cfg.scale)}, connArgs(t)...)...)
		if err != nil {
			return fmt.Errorf("pgbench -i on %s: %v\n%s", t.name, err, out)
		}
		init = append(init, fmt.Sprintf("%s %.1f s", t.name, time.Since(start).Seconds()))
	}
	initLine := fmt.Sprintf("pgbench -i -s %d: %s\n", b.cfg.scale, strings.Join(init, ", "))
	fmt.Fprint(os.Stderr, initLine)

	for _, w := range b.cfg.workloads {
		for _, mode := range b.cfg.modes {
			for _, c := range b.cfg.clients {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				b.measure(ctx, w, mode, c, func(t *target) measurement { return b.pgbench(ctx, t, w, mode, c) })
			}
		}
	}
	b.sysbenchAll(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	var out bytes.Buffer
	out.WriteString(header)
	out.WriteString(initLine)
	b.table(&out)
	os.Stdout.Write(out.Bytes())
	if err := os.MkdirAll(b.cfg.outDir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(b.cfg.outDir, "pg-"+time.Now().Format("2006-01-02T150405"))
	if err := os.WriteFile(name+".txt", out.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(name+".log", b.raw.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "written to %s.txt (clients' output in %s.log)\n", name, name)
	return nil
}

func (b *bencher) header(ctx context.Context) string {
	var versions []string
	for _, t := range b.targets {
		v := "?"
		if conn, err := pgx.Connect(ctx, dsn(t)); err == nil {
			_ = conn.QueryRow(ctx, "show server_version").Scan(&v)
			conn.Close(ctx)
		}
		versions = append(versions, t.name+" "+v)
	}
	return fmt.Sprintf("bench-pg %s: %s; %d CPUs; %d s per run; scale %d; memory %s each; durable (fsync on)\n",
		time.Now().Format("2006-01-02 15:04"), strings.Join(versions, ", "), runtime.NumCPU(),
		b.cfg.seconds, b.cfg.scale, b.cfg.memory)
}

// measure runs one case on every target, alternating which goes first.
func (b *bencher) measure(ctx context.Context, workload, mode string, clients int, fn func(*target) measurement) {
	r := row{workload: workload, mode: mode, clients: clients, m: make([]measurement, len(b.targets))}
	order := make([]int, len(b.targets))
	for i := range order {
		order[i] = (i + b.runs) % len(b.targets)
	}
	b.runs++
	for _, i := range order {
		t := b.targets[i]
		fmt.Fprintf(os.Stderr, "%-18s %-9s %3d clients  %-8s ", workload, mode, clients, t.name)
		s := startSampler(t)
		m := fn(t)
		m.peakKB = s.stop()
		if m.err != "" {
			if !m.quiet {
				b.notes = append(b.notes, fmt.Sprintf("%s %s %d clients on %s: %s", workload, mode, clients, t.name, m.err))
			}
			fmt.Fprintln(os.Stderr, "error:", m.err)
		} else {
			fmt.Fprintf(os.Stderr, "%8.0f tps  avg %.3f ms  p99 %.3f ms\n", m.tps, m.avgMS, m.p99MS)
			if m.warn != "" {
				fmt.Fprintln(os.Stderr, "  note:", m.warn)
				b.notes = append(b.notes, fmt.Sprintf("%s %s %d clients on %s: %s", workload, mode, clients, t.name, m.warn))
			}
		}
		r.m[i] = m
	}
	b.rows = append(b.rows, r)
}

func connArgs(t *target) []string {
	return []string{"-h", t.host, "-p", strconv.Itoa(t.port), "-U", "postgres", "postgres"}
}

// command runs a client program in the temporary directory and returns
// its combined output.
func (b *bencher) command(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = b.tmp
	cmd.Env = append(os.Environ(), "PGPASSWORD=")
	out, err := cmd.CombinedOutput()
	fmt.Fprintf(&b.raw, "$ %s %s\n%s(%v)\n\n", name, strings.Join(args, " "), out, err)
	return out, err
}

// pgbench runs one builtin script and reads TPS and the average from its
// summary and p99 from its per-transaction log.
func (b *bencher) pgbench(ctx context.Context, t *target, workload, mode string, clients int) measurement {
	prefix := filepath.Join(b.tmp, fmt.Sprintf("log-%d", b.runs))
	defer func() {
		files, _ := filepath.Glob(prefix + ".*")
		for _, f := range files {
			os.Remove(f)
		}
	}()
	threads := min(clients, runtime.NumCPU())
	args := []string{"-b", workload, "-M", mode, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(b.cfg.seconds), "-l", "--log-prefix", prefix}
	out, err := b.command(ctx, "pgbench", append(args, connArgs(t)...)...)
	res, perr := crashtest.ParsePgbench(string(out))
	if err != nil || perr != nil {
		return measurement{err: fmt.Sprintf("pgbench: %v: %s", errors.Join(err, perr), lastLine(out))}
	}
	m := measurement{tps: res.TPS, avgMS: res.LatencyMS}
	if res.Failed > 0 {
		m.warn = fmt.Sprintf("%d failed transactions", res.Failed)
	}
	lat, err := pgbenchLogs(prefix)
	if err != nil {
		m.warn, m.p99MS = "no p99: "+err.Error(), math.NaN()
		return m
	}
	m.p99MS = percentile(lat, 99) / 1000
	return m
}

// sysbenchAll prepares sysbench's table on each server, runs every test
// with every client count, and drops the table again.
func (b *bencher) sysbenchAll(ctx context.Context) {
	if len(b.cfg.sysbench) == 0 {
		return
	}
	if _, err := exec.LookPath("sysbench"); err != nil {
		line := "sysbench: not installed, skipped (apt-get install sysbench)"
		fmt.Fprintln(os.Stderr, line)
		b.notes = append(b.notes, line)
		return
	}
	prepared := make([]string, len(b.targets)) // error text per target
	for i, t := range b.targets {
		out, err := b.command(ctx, "sysbench", append(b.sysbenchArgs(t, "oltp_common", 1), "prepare")...)
		if err != nil {
			prepared[i] = fmt.Sprintf("sysbench prepare: %v: %s", err, firstError(out))
			b.notes = append(b.notes, fmt.Sprintf("sysbench on %s: %s", t.name, prepared[i]))
			fmt.Fprintf(os.Stderr, "sysbench prepare on %s failed: %s\n", t.name, firstError(out))
		}
	}
	for _, test := range b.cfg.sysbench {
		for _, c := range b.cfg.clients {
			if ctx.Err() != nil {
				return
			}
			b.measure(ctx, test, "prepared", c, func(t *target) measurement {
				for i := range b.targets {
					if b.targets[i] == t && prepared[i] != "" {
						return measurement{err: "not prepared", quiet: true}
					}
				}
				out, err := b.command(ctx, "sysbench", append(b.sysbenchArgs(t, test, c), "run")...)
				res, perr := parseSysbench(string(out))
				if err != nil || perr != nil {
					return measurement{err: fmt.Sprintf("sysbench: %v: %s", errors.Join(err, perr), firstError(out))}
				}
				m := measurement{tps: res.TPS, avgMS: res.AvgMS, p99MS: res.P99MS}
				if res.Errors > 0 {
					m.warn = fmt.Sprintf("%d ignored errors (sysbench retries deadlocks and serialization failures)", res.Errors)
				}
				return m
			})
		}
	}
	for i, t := range b.targets {
		if prepared[i] == "" {
			_, _ = b.command(ctx, "sysbench", append(b.sysbenchArgs(t, "oltp_common", 1), "cleanup")...)
		}
	}
}

func (b *bencher) sysbenchArgs(t *target, test string, threads int) []string {
	return []string{test, "--db-driver=pgsql", "--pgsql-host=" + t.host, "--pgsql-port=" + strconv.Itoa(t.port),
		"--pgsql-user=postgres", "--pgsql-password=", "--pgsql-db=postgres", "--tables=1",
		"--table-size=" + strconv.Itoa(b.cfg.sysbenchRows), "--threads=" + strconv.Itoa(threads),
		"--time=" + strconv.Itoa(b.cfg.seconds), "--percentile=99", "--report-interval=0"}
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// firstError picks the first line of a client's output that reports an
// error (sysbench prints its FATAL lines before a Lua traceback).
func firstError(out []byte) string {
	for _, line := range strings.Split(string(out), "\n") {
		l := strings.ToLower(line)
		if strings.Contains(l, "fatal") || strings.Contains(l, "error") {
			return strings.TrimSpace(line)
		}
	}
	return lastLine(out)
}

// table writes the results with one column group per target and the
// ratio of the first target's TPS to the second's.
func (b *bencher) table(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	n0, n1 := b.targets[0].name, b.targets[1].name
	fmt.Fprintf(tw, "workload\tmode\tclients\t%s tps\t%s tps\t%s/%s\t%s avg ms\t%s avg ms\t%s p99 ms\t%s p99 ms\t%s peak MiB\t%s peak MiB\t\n",
		n0, n1, n0, n1, n0, n1, n0, n1, n0, n1)
	num := func(m measurement, v float64, prec int) string {
		if m.err != "" {
			return "error"
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	for _, r := range b.rows {
		a, c := r.m[0], r.m[1]
		ratio := "-"
		if a.err == "" && c.err == "" && c.tps > 0 {
			ratio = strconv.FormatFloat(a.tps/c.tps, 'f', 2, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t\n", r.workload, r.mode, r.clients,
			num(a, a.tps, 0), num(c, c.tps, 0), ratio, num(a, a.avgMS, 3), num(c, c.avgMS, 3),
			num(a, a.p99MS, 3), num(c, c.p99MS, 3), float64(a.peakKB)/1024, float64(c.peakKB)/1024)
	}
	tw.Flush()
	fmt.Fprintf(w, "peak MiB: %s = VmHWM (reset per run); %s = largest sampled sum of Pss over the postmaster and its children\n", n0, n1)
	for _, n := range b.notes {
		fmt.Fprintln(w, "note:", n)
	}
}

// sampler tracks a target's peak memory while a run goes on.
type sampler struct {
	t    *target
	done chan struct{}
	wg   sync.WaitGroup
	peak int64
}

func startSampler(t *target) *sampler {
	s := &sampler{t: t, done: make(chan struct{})}
	if !t.tree {
		// VmHWM is exact for one process; clearing it makes it this run's.
		_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", t.pid), []byte("5"), 0)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			s.peak = max(s.peak, memoryKB(t))
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() int64 {
	close(s.done)
	s.wg.Wait()
	if !s.t.tree {
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.t.pid)); err == nil {
			if kb, ok := statusKB(string(st), "VmHWM"); ok {
				s.peak = max(s.peak, kb)
			}
		}
	}
	return s.peak
}

// memoryKB is a target's current memory: VmRSS of one process, or the
// Pss sum over a process and its children.
func memoryKB(t *target) int64 {
	if t.pid <= 0 {
		return 0
	}
	if !t.tree {
		st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", t.pid))
		kb, _ := statusKB(string(st), "VmRSS")
		return kb
	}
	pss := func(pid int) int64 {
		st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		kb, _ := statusKB(string(st), "Pss")
		return kb
	}
	total := pss(t.pid)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		if ppid, ok := parentPID(string(stat)); ok && ppid == t.pid {
			total += pss(pid)
		}
	}
	return total
}
