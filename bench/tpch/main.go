// Command tpch runs the 22 TPC-H queries on nqdb and on a throwaway
// PostgreSQL 15 in the same run and prints each query's time on both, the
// ratio and the geometric mean of the ratios. `make bench-tpch` runs it.
//
// Data: go-tpc's dbgen (github.com/pingcap/go-tpc/tpch/dbgen, a Go port of
// TPC's dbgen) used as a library, with loaders of our own that write
// '|'-separated files, loaded into both servers with COPY ... FROM STDIN
// WITH (FORMAT csv, DELIMITER '|'). Schema, indexes and queries are the
// shared corpus's (../shared/corpus/tpch beside the repository; see
// internal/tpch), so this is the same workload `go test ./internal/tpch`
// checks at scale factor 0.01.
//
// Each query runs on both servers back to back, alternating which goes
// first, under statement_timeout; nqdb's result is compared with
// PostgreSQL's (rendered as PostgreSQL's COPY csv, byte for byte), so a
// fast wrong answer shows. PostgreSQL gets VACUUM ANALYZE after the load
// (what any user does; without statistics its plans are poor); nqdb gets
// ANALYZE too (its selectivities then come from pg_stats' figures).
//
// Settings come from the environment:
//
//	SF=1                     scale factor: whole numbers, or a fraction below 1 for a quick run (see parseScale)
//	BENCH_TPCH_TIMEOUT=60s   statement_timeout per query and server
//	BENCH_TPCH_QUERIES=      e.g. 1,6,14 (default all 22)
//	BENCH_TPCH_RUNS=1        runs per query and server; the median counts
//	BENCH_TPCH_INDEXES=1     0 loads without indexes.sql
//	BENCH_TPCH_DATA=         a directory of NAME.tbl files to load instead of generating (the corpus's data/ is SF 0.01)
//	BENCH_TPCH_SAVE=         generate into this directory and keep the files (for BENCH_TPCH_DATA next time)
//	BENCH_TPCH_LOAD=1        0 skips the load: NQDB_DSN and PG_DSN name servers already loaded (re-measuring
//	                         the queries at SF 1 without a load of half an hour)
//	BENCH_MEMORY=1GiB        nqdb's --buffer-pool and PostgreSQL's shared_buffers
//	NQDB_BIN=bin/nqdb        the server binary to measure
//	NQDB_DSN=, PG_DSN=       measure servers already running instead of starting them
//	BENCH_OUT=bench/results  where the table is saved (tpch-<date>.txt)
//
// The ratio is PostgreSQL's time divided by nqdb's, so above 1 nqdb is
// faster, as in bench-pg's TPS ratios. The geometric mean is over the
// queries both servers answered; a second one counts nqdb's timeouts at
// the timeout, which flatters nqdb (an upper bound on its speed).
package main

import (
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
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/tpch"
)

// config is the run's settings (see the package comment).
type config struct {
	sf      float64
	timeout time.Duration
	queries []int
	runs    int
	indexes bool
	load    bool // BENCH_TPCH_LOAD: 0 measures servers loaded earlier
	data    string
	memory  string
	nqdbBin string
	save    string // BENCH_TPCH_SAVE: where generated data is kept
	nqdbDSN string
	pgDSN   string
	outDir  string
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func loadConfig(getenv func(string, string) string) (*config, error) {
	c := &config{
		indexes: getenv("BENCH_TPCH_INDEXES", "1") != "0",
		load:    getenv("BENCH_TPCH_LOAD", "1") != "0",
		data:    getenv("BENCH_TPCH_DATA", ""),
		save:    getenv("BENCH_TPCH_SAVE", ""),
		memory:  getenv("BENCH_MEMORY", "1GiB"),
		nqdbBin: getenv("NQDB_BIN", "bin/nqdb"),
		nqdbDSN: getenv("NQDB_DSN", ""),
		pgDSN:   getenv("PG_DSN", ""),
		outDir:  getenv("BENCH_OUT", filepath.Join("bench", "results")),
	}
	var err error
	if c.sf, err = parseScale(getenv("SF", "1")); err != nil {
		return nil, err
	}
	if c.timeout, err = time.ParseDuration(getenv("BENCH_TPCH_TIMEOUT", "60s")); err != nil || c.timeout <= 0 {
		return nil, fmt.Errorf("BENCH_TPCH_TIMEOUT: want a positive duration such as 60s")
	}
	if c.runs, err = strconv.Atoi(getenv("BENCH_TPCH_RUNS", "1")); err != nil || c.runs <= 0 {
		return nil, fmt.Errorf("BENCH_TPCH_RUNS: want a positive integer")
	}
	if c.queries, err = parseQueries(getenv("BENCH_TPCH_QUERIES", "")); err != nil {
		return nil, err
	}
	if !c.load && (c.nqdbDSN == "" || c.pgDSN == "") {
		return nil, fmt.Errorf("BENCH_TPCH_LOAD=0 needs NQDB_DSN and PG_DSN: servers where the data is already loaded")
	}
	return c, nil
}

// parseQueries reads a list such as "1,6,q14"; empty means all 22.
func parseQueries(s string) ([]int, error) {
	var qs []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(strings.TrimPrefix(f, "q"))
		if err != nil || n < 1 || n > tpch.NumQueries {
			return nil, fmt.Errorf("BENCH_TPCH_QUERIES: %q is not a query number 1..22", f)
		}
		if !slices.Contains(qs, n) {
			qs = append(qs, n)
		}
	}
	if len(qs) == 0 {
		for n := 1; n <= tpch.NumQueries; n++ {
			qs = append(qs, n)
		}
	}
	return qs, nil
}

func main() {
	cfg, err := loadConfig(env)
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = run(ctx, cfg, os.Stdout, os.Stderr)
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-tpch:", err)
		os.Exit(1)
	}
}

// target is one server under measurement.
type target struct {
	name string
	dsn  string
	conn *pgconn.PgConn
}

// run does the whole benchmark: data, servers, load, queries, table. The
// table goes to out (and to a file under cfg.outDir), progress to log.
func run(ctx context.Context, cfg *config, out, log io.Writer) error {
	corpus, err := tpch.FindCorpus()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nqdb-bench-tpch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	data := cfg.data
	scale := fmt.Sprintf("SF %g (go-tpc dbgen)", cfg.sf)
	switch {
	case !cfg.load:
		scale = "data loaded earlier"
	case data == "":
		data = filepath.Join(tmp, "data")
		if cfg.save != "" {
			data = cfg.save
		}
		if err := os.MkdirAll(data, 0o755); err != nil {
			return err
		}
		start := time.Now()
		// dbgen prints its own progress lines on stdout; keep stdout for
		// the table.
		stdout := os.Stdout
		os.Stdout = os.Stderr
		err := generate(data, cfg.sf, func(s string) { fmt.Fprintln(log, s) })
		os.Stdout = stdout
		if err != nil {
			return fmt.Errorf("generating data: %w", err)
		}
		fmt.Fprintf(log, "generated in %.1f s\n", time.Since(start).Seconds())
	default:
		scale = "data from " + data
	}

	nq := &target{name: "nqdb", dsn: cfg.nqdbDSN}
	if nq.dsn == "" {
		var stop func()
		if nq.dsn, stop, err = startNqdb(ctx, cfg, tmp); err != nil {
			return err
		}
		defer stop()
	}
	pg := &target{name: "postgres", dsn: cfg.pgDSN}
	if pg.dsn == "" {
		mem, err := pgMemory(cfg.memory)
		if err != nil {
			return err
		}
		srv, err := pgoracle.Start("fsync = on", "synchronous_commit = on", "full_page_writes = on",
			"shared_buffers = '"+mem+"'", "work_mem = '64MB'")
		if err != nil {
			return err
		}
		defer srv.Stop()
		pg.dsn = srv.DSN()
	}
	targets := []*target{pg, nq}
	for _, t := range targets {
		if t.conn, err = pgconn.Connect(ctx, t.dsn); err != nil {
			return fmt.Errorf("connecting to %s: %w", t.name, err)
		}
		defer func(c *pgconn.PgConn) { _ = c.Close(context.Background()) }(t.conn)
	}

	var header strings.Builder
	fmt.Fprintf(&header, "bench-tpch %s: %s; %d CPUs; %s; memory %s each; timeout %v per query; %d run(s), median\n",
		time.Now().Format("2006-01-02 15:04"), versions(ctx, targets), runtime.NumCPU(), scale, cfg.memory, cfg.timeout, cfg.runs)
	fmt.Fprint(log, header.String())

	var loads []string
	for _, t := range targets {
		if !cfg.load {
			loads = append(loads, t.name+" skipped")
			continue
		}
		d, err := load(ctx, corpus, data, t, cfg.indexes, log)
		if err != nil {
			return fmt.Errorf("loading %s: %w", t.name, err)
		}
		loads = append(loads, fmt.Sprintf("%s %.1f s", t.name, d.Seconds()))
	}
	fmt.Fprintf(&header, "load (COPY, indexes %v, ANALYZE): %s\n", cfg.indexes, strings.Join(loads, ", "))

	var rows []row
	for i, n := range cfg.queries {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		query, err := corpus.Query(n)
		if err != nil {
			return err
		}
		order := targets
		if i%2 == 1 {
			order = []*target{nq, pg}
		}
		r := row{name: tpch.QueryName(n)}
		for _, t := range order {
			m, err := measure(ctx, t, query, cfg)
			if err != nil {
				return err
			}
			if t == pg {
				r.pg = m
			} else {
				r.nq = m
			}
		}
		r.check()
		fmt.Fprintln(log, r.progress())
		rows = append(rows, r)
	}

	var table strings.Builder
	table.WriteString(header.String())
	writeTable(&table, rows, cfg.timeout)
	fmt.Fprint(out, table.String())
	if cfg.outDir != "" {
		if err := os.MkdirAll(cfg.outDir, 0o755); err != nil {
			return err
		}
		name := filepath.Join(cfg.outDir, "tpch-"+time.Now().Format("2006-01-02T150405")+".txt")
		if err := os.WriteFile(name, []byte(table.String()), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(log, "written to %s\n", name)
	}
	return nil
}

func versions(ctx context.Context, targets []*target) string {
	var vs []string
	for _, t := range targets {
		v := "?"
		if out, _, err := tpch.QueryCSV(ctx, t.conn, nil, "SHOW server_version"); err == nil {
			if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) == 2 {
				v = lines[1]
			}
		}
		vs = append(vs, t.name+" "+v)
	}
	return strings.Join(vs, ", ")
}

// load creates the schema in t, copies every table in, creates the
// indexes and runs ANALYZE (VACUUM ANALYZE on PostgreSQL), and returns the
// time it all took.
func load(ctx context.Context, corpus tpch.Corpus, data string, t *target, indexes bool, log io.Writer) (time.Duration, error) {
	schema, err := corpus.Schema()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := tpch.Exec(ctx, t.conn, schema); err != nil {
		return 0, fmt.Errorf("schema.sql: %w", err)
	}
	for _, table := range tpch.Tables {
		f, err := os.Open(filepath.Join(data, table+".tbl"))
		if err != nil {
			return 0, err
		}
		tstart := time.Now()
		n, err := tpch.CopyTable(ctx, t.conn, table, f)
		f.Close()
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(log, "%-8s COPY %-8s %9d rows %7.1f s\n", t.name, table, n, time.Since(tstart).Seconds())
	}
	if indexes {
		idx, err := corpus.Indexes()
		if err != nil {
			return 0, err
		}
		if err := tpch.Exec(ctx, t.conn, idx); err != nil {
			return 0, fmt.Errorf("indexes.sql: %w", err)
		}
	}
	analyze := "ANALYZE"
	if t.name == "postgres" {
		analyze = "VACUUM ANALYZE"
	}
	if err := tpch.Exec(ctx, t.conn, analyze); err != nil {
		// A failed ANALYZE is reported, not fatal: the queries still run.
		fmt.Fprintf(log, "%s: %s: %v\n", t.name, analyze, err)
	}
	d := time.Since(start)
	fmt.Fprintf(log, "%-8s loaded in %.1f s\n", t.name, d.Seconds())
	return d, nil
}

// measurement is one server's outcome for one query.
type measurement struct {
	status tpch.Status
	time   time.Duration // median of the runs
	rows   int
	output []byte
	err    string
}

// measure runs query cfg.runs times on t (stopping at the first failure)
// and returns the median time and the last result.
func measure(ctx context.Context, t *target, query string, cfg *config) (measurement, error) {
	var times []time.Duration
	var m measurement
	for i := 0; i < cfg.runs; i++ {
		r := tpch.RunQuery(ctx, t.conn, query, cfg.timeout)
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
		m = measurement{status: r.Status, rows: r.Rows, output: r.Output, time: r.Elapsed}
		if r.Err != nil {
			m.err = tpch.ErrText(r.Err)
			if tpch.ConnBroken(t.conn, r.Err) {
				// The server did not stop at statement_timeout and the
				// client gave up: carry on with a new connection.
				c, err := pgconn.Connect(ctx, t.dsn)
				if err != nil {
					return m, fmt.Errorf("reconnecting to %s: %w", t.name, err)
				}
				t.conn = c
			}
			return m, nil
		}
		times = append(times, r.Elapsed)
	}
	slices.Sort(times)
	m.time = times[len(times)/2]
	return m, nil
}

// row is one query on both servers.
type row struct {
	name    string
	pg, nq  measurement
	verdict string // nqdb's result against PostgreSQL's: "ok", "DIFFERS ...", ...
}

// check compares nqdb's result with PostgreSQL's.
func (r *row) check() {
	switch {
	case r.nq.status != tpch.Pass:
		r.verdict = string(r.nq.status) + ": " + r.nq.err
	case r.pg.status != tpch.Pass:
		r.verdict = "postgres " + string(r.pg.status) + ": " + r.pg.err
	default:
		if d := tpch.Diff(r.pg.output, r.nq.output); d != "" {
			r.verdict = "DIFFERS from postgres at " + strings.ReplaceAll(d, "\n", " ")
		} else {
			r.verdict = "ok"
		}
	}
}

// ratio is PostgreSQL's time over nqdb's (above 1: nqdb faster); ok is
// false unless both answered.
func (r *row) ratio() (float64, bool) {
	if r.pg.status != tpch.Pass || r.nq.status != tpch.Pass || r.nq.time <= 0 {
		return 0, false
	}
	return r.pg.time.Seconds() / r.nq.time.Seconds(), true
}

func (r *row) progress() string {
	s := fmt.Sprintf("%s  postgres %s  nqdb %s", r.name, fmtTime(r.pg), fmtTime(r.nq))
	if x, ok := r.ratio(); ok {
		s += fmt.Sprintf("  ratio %.3f", x)
	}
	return s + "  " + r.verdict
}

func fmtTime(m measurement) string {
	switch m.status {
	case tpch.Pass:
		return fmt.Sprintf("%.3f s", m.time.Seconds())
	case tpch.Timeout:
		return "timeout"
	default:
		return "error"
	}
}

// writeTable prints the result table and the geometric means.
func writeTable(w io.Writer, rows []row, timeout time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tpostgres\tnqdb\tpg/nqdb\trows\t nqdb result")
	var logs, bound []float64
	for i := range rows {
		r := &rows[i]
		ratio := "-"
		if x, ok := r.ratio(); ok {
			ratio = fmt.Sprintf("%.3f", x)
			logs = append(logs, math.Log(x))
			bound = append(bound, math.Log(x))
		} else if r.pg.status == tpch.Pass && r.nq.status == tpch.Timeout {
			bound = append(bound, math.Log(r.pg.time.Seconds()/timeout.Seconds()))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t %s\n", r.name, fmtTime(r.pg), fmtTime(r.nq), ratio, r.pg.rows, r.verdict)
	}
	tw.Flush()
	fmt.Fprintf(w, "geometric mean pg/nqdb over the %d of %d queries both answered: %s\n", len(logs), len(rows), geomean(logs))
	if len(bound) > len(logs) {
		fmt.Fprintf(w, "counting nqdb's timeouts at %v (an upper bound for nqdb): %s over %d queries\n", timeout, geomean(bound), len(bound))
	}
	bad := 0
	for _, r := range rows {
		if r.verdict != "ok" {
			bad++
		}
	}
	fmt.Fprintf(w, "nqdb answered %d of %d queries exactly as PostgreSQL did\n", len(rows)-bad, len(rows))
}

func geomean(logs []float64) string {
	if len(logs) == 0 {
		return "-"
	}
	s := 0.0
	for _, l := range logs {
		s += l
	}
	return fmt.Sprintf("%.3f", math.Exp(s/float64(len(logs))))
}

// startNqdb starts cfg.nqdbBin on a fresh data directory and waits until
// it accepts connections; it returns its DSN and a stop function.
func startNqdb(ctx context.Context, cfg *config, tmp string) (string, func(), error) {
	port, err := pgoracle.FreePort()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(cfg.nqdbBin, "serve", "--listen", "127.0.0.1:"+strconv.Itoa(port),
		"--data-dir", filepath.Join(tmp, "nqdb-data"), "--http", "", "--log-level", "warn",
		"--buffer-pool", cfg.memory)
	logf, err := os.Create(filepath.Join(tmp, "nqdb.log"))
	if err != nil {
		return "", nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", nil, fmt.Errorf("starting %s (run `make build` first): %w", cfg.nqdbBin, err)
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
	// work_mem as PostgreSQL gets it above (a startup parameter: nqdb
	// has no server-wide setting for it), so both spill at the same size.
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&work_mem=64MB", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgconn.Connect(ctx, dsn)
		if err == nil {
			_ = conn.Close(ctx)
			return dsn, stop, nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logf.Name())
			return "", nil, fmt.Errorf("nqdb exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			return "", nil, errors.Join(errors.New("nqdb did not accept connections"), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
