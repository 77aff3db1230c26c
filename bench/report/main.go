// Command report measures nqdb and writes the performance report: a
// markdown file with SVG charts beside it. scripts/performance-report.sh
// (make report) runs it after the Go benchmarks; every number in the
// report comes from this run.
//
// What it measures, in order:
//
//  1. Start-up: the time from starting `nqdb serve` on an empty data
//     directory to the first completed PostgreSQL connection (startup
//     message to ReadyForQuery), REPORT_STARTS times (5); the median
//     counts. Idle memory: VmRSS of the server 2 s after that first
//     connection closed.
//  2. Memory under load: nqdb with --buffer-pool REPORT_POOL (32MiB),
//     pgbench -i -s REPORT_SCALE, then REPORT_LOAD_CLIENTS (50) pgbench
//     clients, select-only and then tpcb-like, REPORT_SECONDS each. The
//     peak is VmHWM, reset after pgbench -i. /metrics is sampled every
//     500 ms from the start of pgbench -i for the buffer pool hit ratio
//     over time (hits and misses between two samples).
//  3. Side by side with a throwaway PostgreSQL 15 (durable, fsync on;
//     shared_buffers = nqdb's buffer pool = REPORT_MEMORY, 128MiB):
//     pgbench select-only and tpcb-like, -M prepared, REPORT_CLIENTS
//     (1,8,32) clients, REPORT_SECONDS per run, each case on both servers
//     back to back with the order alternating; every transaction's latency
//     from pgbench's log (-l) gives the percentiles.
//  4. Binary sizes (NQDB_BIN; NQDB_SMALL_BIN when built) and the Go
//     benchmark results in REPORT_GOBENCH (a `go test -bench` output).
//
// The report goes to REPORT_DIR (bench/results/report-<date>), as
// report.md with throughput.svg, latency.svg and hit-ratio.svg.
//
// The measurements use the tools a user would use (pgbench, /proc,
// /metrics), not in-process hooks, so that the report measures the shipped
// binary. The SVG charts are written by hand (svg.go) to keep the report
// free of plotting dependencies. Targets without an implementation yet (DNA
// compression, backup) are listed as n/a rather than left out, so that the
// table keeps the seed's shape.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

type config struct {
	bin, smallBin, dir, goBench    string
	seconds, scale, starts, loadCl int
	clients                        []int
	pool, memory                   string
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) (int, error) {
	v, err := strconv.Atoi(env(name, strconv.Itoa(def)))
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%s: want a positive integer, got %q", name, os.Getenv(name))
	}
	return v, nil
}

func loadConfig() (*config, error) {
	c := &config{
		bin: env("NQDB_BIN", "bin/nqdb"), smallBin: env("NQDB_SMALL_BIN", "bin/nqdb-small"),
		dir:     env("REPORT_DIR", filepath.Join("bench", "results", "report-"+time.Now().Format("2006-01-02T150405"))),
		goBench: os.Getenv("REPORT_GOBENCH"), pool: env("REPORT_POOL", "32MiB"), memory: env("REPORT_MEMORY", "128MiB"),
	}
	var err error
	for _, f := range []struct {
		p    *int
		name string
		def  int
	}{{&c.seconds, "REPORT_SECONDS", 10}, {&c.scale, "REPORT_SCALE", 10}, {&c.starts, "REPORT_STARTS", 5}, {&c.loadCl, "REPORT_LOAD_CLIENTS", 50}} {
		if *f.p, err = envInt(f.name, f.def); err != nil {
			return nil, err
		}
	}
	for _, s := range strings.Split(env("REPORT_CLIENTS", "1,8,32"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("REPORT_CLIENTS: bad client count %q", s)
		}
		c.clients = append(c.clients, n)
	}
	return c, nil
}

func main() {
	cfg, err := loadConfig()
	if err == nil {
		err = run(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// server is a running nqdb or PostgreSQL.
type server struct {
	name      string
	port, pid int
	http      string // nqdb's /metrics address
	stop      func()
}

func (s *server) connArgs() []string {
	return []string{"-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "postgres", "postgres"}
}

// startNqdb starts bin on a fresh directory and returns once a
// connection completes, with the time that took.
func startNqdb(cfg *config, dir string, extra ...string) (*server, time.Duration, error) {
	port, err := pgoracle.FreePort()
	if err != nil {
		return nil, 0, err
	}
	hport, err := pgoracle.FreePort()
	if err != nil {
		return nil, 0, err
	}
	args := append([]string{"serve", "--listen", "127.0.0.1:" + strconv.Itoa(port),
		"--http", "127.0.0.1:" + strconv.Itoa(hport), "--data-dir", dir, "--log-level", "warn",
		"--max-connections", "200"}, extra...)
	cmd := exec.Command(cfg.bin, args...)
	logf, err := os.Create(dir + ".log")
	if err != nil {
		return nil, 0, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("starting %s (make build first): %w", cfg.bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited); logf.Close() }()
	s := &server{name: "nqdb", port: port, pid: cmd.Process.Pid, http: "127.0.0.1:" + strconv.Itoa(hport)}
	s.stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", port)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := pgconn.Connect(ctx, dsn)
		cancel()
		if err == nil {
			took := time.Since(begin)
			_ = c.Close(context.Background())
			return s, took, nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(dir + ".log")
			return nil, 0, fmt.Errorf("nqdb exited at start: %s", log)
		default:
		}
		if time.Since(begin) > 30*time.Second {
			s.stop()
			return nil, 0, fmt.Errorf("nqdb did not accept connections in 30 s: %w", err)
		}
		time.Sleep(time.Millisecond)
	}
}

func startPostgres(cfg *config) (*server, error) {
	mem := strings.NewReplacer("KiB", "kB", "MiB", "MB", "GiB", "GB").Replace(cfg.memory)
	srv, err := pgoracle.Start("fsync = on", "synchronous_commit = on", "full_page_writes = on",
		"shared_buffers = '"+mem+"'", "max_connections = 200")
	if err != nil {
		return nil, err
	}
	return &server{name: "PostgreSQL", port: srv.Port, stop: srv.Stop}, nil
}

func procKB(pid int, field string) int64 {
	st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	kb, _ := statusKB(string(st), field)
	return kb
}

func pgbench(dir string, s *server, args ...string) (string, error) {
	cmd := exec.Command("pgbench", append(args, s.connArgs()...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("pgbench %s on %s: %v\n%s", strings.Join(args, " "), s.name, err, out)
	}
	return string(out), nil
}

// report collects the measurements.
type report struct {
	cfg                 *config
	startups            []time.Duration
	idleKB              int64
	loadPeakKB          map[string]int64 // workload -> VmHWM
	loadTPS             map[string]float64
	hitTimes, hitRatios []float64
	initSeconds         float64
	cases               []benchCase
	bins                map[string]int64
	notes               []string
}

// benchCase is one workload and client count on both servers.
type benchCase struct {
	workload string
	clients  int
	tps      map[string]float64
	lat      map[string][5]float64 // p50 p90 p95 p99 max in ms
}

func run(cfg *config) error {
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nqdb-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := &report{cfg: cfg, loadPeakKB: map[string]int64{}, loadTPS: map[string]float64{}, bins: map[string]int64{}}

	// 1. Start-up time and idle memory.
	for i := 0; i < cfg.starts; i++ {
		s, took, err := startNqdb(cfg, filepath.Join(tmp, fmt.Sprintf("start%d", i)))
		if err != nil {
			return err
		}
		r.startups = append(r.startups, took)
		if i == 0 {
			time.Sleep(2 * time.Second)
			r.idleKB = procKB(s.pid, "VmRSS")
		}
		s.stop()
	}
	fmt.Printf("start-up: %v; idle RSS %d KiB\n", r.startups, r.idleKB)

	// 2. Memory under load and the hit ratio over time.
	if err := r.footprint(tmp); err != nil {
		return err
	}

	// 3. Side by side with PostgreSQL.
	if err := r.sideBySide(tmp); err != nil {
		return err
	}

	// 4. Binary sizes.
	for _, b := range []string{cfg.bin, cfg.smallBin} {
		if st, err := os.Stat(b); err == nil {
			r.bins[b] = st.Size()
		}
	}
	return r.write()
}

func (r *report) footprint(tmp string) error {
	cfg := r.cfg
	s, _, err := startNqdb(cfg, filepath.Join(tmp, "load"), "--buffer-pool", cfg.pool)
	if err != nil {
		return err
	}
	defer s.stop()
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		var lastHits, lastMisses float64
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			if text, err := scrape(s.http); err == nil {
				h, _ := metricValue(text, "nqdb_buffer_pool_hits_total")
				m, _ := metricValue(text, "nqdb_buffer_pool_misses_total")
				if dh, dm := h-lastHits, m-lastMisses; dh+dm > 0 {
					mu.Lock()
					r.hitTimes = append(r.hitTimes, time.Since(start).Seconds())
					r.hitRatios = append(r.hitRatios, 100*dh/(dh+dm))
					mu.Unlock()
				}
				lastHits, lastMisses = h, m
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	defer func() { close(done); wg.Wait() }()
	t0 := time.Now()
	if _, err := pgbench(tmp, s, "-i", "-q", "-s", strconv.Itoa(cfg.scale)); err != nil {
		return err
	}
	r.initSeconds = time.Since(t0).Seconds()
	for _, w := range []string{"select-only", "tpcb-like"} {
		_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.pid), []byte("5"), 0)
		out, err := pgbench(tmp, s, "-b", w, "-M", "prepared", "-c", strconv.Itoa(cfg.loadCl), "-j", "2",
			"-T", strconv.Itoa(cfg.seconds))
		if err != nil {
			return err
		}
		r.loadTPS[w], _ = pgbenchTPS(out)
		r.loadPeakKB[w] = procKB(s.pid, "VmHWM")
		fmt.Printf("%d clients %s: %.0f tps, peak RSS %d KiB\n", cfg.loadCl, w, r.loadTPS[w], r.loadPeakKB[w])
	}
	return nil
}

func scrape(addr string) (string, error) {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String(), nil
}

func (r *report) sideBySide(tmp string) error {
	cfg := r.cfg
	nq, _, err := startNqdb(cfg, filepath.Join(tmp, "cmp"), "--buffer-pool", cfg.memory)
	if err != nil {
		return err
	}
	defer nq.stop()
	pg, err := startPostgres(cfg)
	if err != nil {
		return err
	}
	defer pg.stop()
	servers := []*server{nq, pg}
	for _, s := range servers {
		if _, err := pgbench(tmp, s, "-i", "-q", "-s", strconv.Itoa(cfg.scale)); err != nil {
			return err
		}
	}
	n := 0
	for _, w := range []string{"select-only", "tpcb-like"} {
		for _, c := range cfg.clients {
			bc := benchCase{workload: w, clients: c, tps: map[string]float64{}, lat: map[string][5]float64{}}
			order := servers
			if n%2 == 1 {
				order = []*server{pg, nq}
			}
			n++
			for _, s := range order {
				logDir, err := os.MkdirTemp(tmp, "log-")
				if err != nil {
					return err
				}
				out, err := pgbench(logDir, s, "-b", w, "-M", "prepared", "-c", strconv.Itoa(c),
					"-j", strconv.Itoa(min(c, 2)), "-T", strconv.Itoa(cfg.seconds), "-l", "--log-prefix", "lat")
				if err != nil {
					return err
				}
				bc.tps[s.name], _ = pgbenchTPS(out)
				var lat []float64
				files, _ := filepath.Glob(filepath.Join(logDir, "lat*"))
				for _, f := range files {
					if fh, err := os.Open(f); err == nil {
						lat = pgbenchLatencies(fh, lat)
						fh.Close()
					}
				}
				os.RemoveAll(logDir)
				bc.lat[s.name] = latencySummary(lat)
				fmt.Printf("%s %s %d clients: %.0f tps, p50 %.3f ms p99 %.3f ms\n", s.name, w, c, bc.tps[s.name], bc.lat[s.name][0], bc.lat[s.name][3])
			}
			r.cases = append(r.cases, bc)
		}
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func (r *report) find(w string, c int) *benchCase {
	for i := range r.cases {
		if r.cases[i].workload == w && r.cases[i].clients == c {
			return &r.cases[i]
		}
	}
	return nil
}

func (r *report) write() error {
	cfg := r.cfg
	var b strings.Builder
	host, _ := os.Hostname()
	ver, _ := exec.Command(cfg.bin, "version").Output()
	fmt.Fprintf(&b, "# nqdb performance report\n\n%s, on %s (%s); %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"),
		host, cpuInfo(), strings.TrimSpace(string(ver)))
	fmt.Fprintf(&b, "Settings: %d s per pgbench run, scale %d, clients %v side by side, %d clients for memory under load, "+
		"buffer pool %s there and %s (= PostgreSQL's shared_buffers) side by side. Everything below was measured in this run "+
		"by `make report` (scripts/performance-report.sh, bench/report).\n\n",
		cfg.seconds, cfg.scale, cfg.clients, cfg.loadCl, cfg.pool, cfg.memory)

	b.WriteString("## Targets\n\n| measure | target | measured | result |\n|---|---|---|---|\n")
	st := median(r.startups)
	fmt.Fprintf(&b, "| start-up to accepting connections (empty data directory, median of %d) | < 200 ms | %.1f ms (all: %s) | %s |\n",
		len(r.startups), ms(st), durList(r.startups), passFail(st < 200*time.Millisecond))
	fmt.Fprintf(&b, "| idle memory (VmRSS, 2 s after start-up) | < 30 MB | %.1f MiB | %s |\n", kib(r.idleKB), passFail(r.idleKB*1024 < 30e6))
	peak := max(r.loadPeakKB["select-only"], r.loadPeakKB["tpcb-like"])
	fmt.Fprintf(&b, "| memory under load (peak VmRSS, %d pgbench clients, --buffer-pool %s) | < 100 MB | %.1f MiB (select-only %.1f, tpcb-like %.1f) | %s |\n",
		cfg.loadCl, cfg.pool, kib(peak), kib(r.loadPeakKB["select-only"]), kib(r.loadPeakKB["tpcb-like"]), passFail(peak*1024 < 100e6))
	if c := r.find("select-only", cfg.clients[0]); c != nil {
		a, p := c.lat["nqdb"], c.lat["PostgreSQL"]
		fmt.Fprintf(&b, "| query latency (point select, %d client, prepared): p50 / p99 | p99 ≤ PostgreSQL's | %.3f / %.3f ms (PostgreSQL %.3f / %.3f ms) | %s |\n",
			c.clients, a[0], a[3], p[0], p[3], passFail(a[3] <= p[3]))
	}
	for _, w := range []string{"select-only", "tpcb-like"} {
		if c := r.find(w, cfg.clients[len(cfg.clients)-1]); c != nil {
			fmt.Fprintf(&b, "| throughput (pgbench %s, %d clients, prepared) | ≥ PostgreSQL's | %.0f TPS (PostgreSQL %.0f, ratio %.2f) | %s |\n",
				w, c.clients, c.tps["nqdb"], c.tps["PostgreSQL"], c.tps["nqdb"]/c.tps["PostgreSQL"], passFail(c.tps["nqdb"] >= c.tps["PostgreSQL"]))
		}
	}
	b.WriteString("| DNA compression speed | – | n/a: the DNA codec issue has not landed | n/a |\n")
	b.WriteString("| backup speed | – | n/a: there is no backup command yet | n/a |\n")
	for _, name := range []string{cfg.bin, cfg.smallBin} {
		if sz, ok := r.bins[name]; ok {
			target, res := "–", "info"
			if name == cfg.smallBin {
				target, res = "< 15 MB", passFail(sz < 15e6)
			}
			fmt.Fprintf(&b, "| binary size (%s) | %s | %.1f MiB (%d bytes) | %s |\n", filepath.Base(name), target, float64(sz)/(1<<20), sz, res)
		}
	}
	if _, ok := r.bins[cfg.smallBin]; !ok {
		fmt.Fprintf(&b, "| binary size (nqdb-small) | < 15 MB | not built (make optimize-size) | n/a |\n")
	}

	b.WriteString("\n## Throughput against clients\n\n![throughput](throughput.svg)\n\n")
	b.WriteString("| workload | clients | nqdb TPS | PostgreSQL TPS | nqdb/PostgreSQL | nqdb p50 / p95 / p99 / max ms | PostgreSQL p50 / p95 / p99 / max ms |\n|---|---|---|---|---|---|---|\n")
	for _, c := range r.cases {
		a, p := c.lat["nqdb"], c.lat["PostgreSQL"]
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.2f | %.3f / %.3f / %.3f / %.1f | %.3f / %.3f / %.3f / %.1f |\n", c.workload, c.clients,
			c.tps["nqdb"], c.tps["PostgreSQL"], c.tps["nqdb"]/c.tps["PostgreSQL"], a[0], a[2], a[3], a[4], p[0], p[2], p[3], p[4])
	}
	b.WriteString("\nLatencies are every transaction's time from pgbench's log (-l); both servers durable (fsync on).\n")
	b.WriteString("\n## Latency percentiles\n\n![latency](latency.svg)\n")
	fmt.Fprintf(&b, "\n## Buffer pool hit ratio over time\n\n![hit ratio](hit-ratio.svg)\n\nnqdb with --buffer-pool %s: pgbench -i -s %d (%.1f s), then %d clients of select-only and of tpcb-like, %d s each (%.0f and %.0f TPS); the ratio is hits / (hits + misses) between two samples of /metrics, 500 ms apart.\n",
		cfg.pool, cfg.scale, r.initSeconds, cfg.loadCl, cfg.seconds, r.loadTPS["select-only"], r.loadTPS["tpcb-like"])

	if cfg.goBench != "" {
		if f, err := os.Open(cfg.goBench); err == nil {
			benches := parseGoBench(f)
			f.Close()
			fmt.Fprintf(&b, "\n## Go benchmarks\n\n%d benchmarks (`%s`; `make benchmark` runs them with 6 samples for benchstat).\n\n| package | benchmark | ns/op | B/op | allocs/op |\n|---|---|---|---|---|\n",
				len(benches), filepath.Base(cfg.goBench))
			for _, g := range benches {
				mem := "| – | –"
				if g.hasMem {
					mem = fmt.Sprintf("| %.0f | %.0f", g.bytesOp, g.allocsOp)
				}
				fmt.Fprintf(&b, "| %s | %s | %s %s |\n", strings.TrimPrefix(g.pkg, "github.com/neuroquantumdb/nqdb/"), g.name, strconv.FormatFloat(g.nsPerOp, 'g', 4, 64), mem)
			}
		}
	}
	for _, n := range r.notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n)
	}

	// Charts.
	var tp []series
	for _, w := range []string{"select-only", "tpcb-like"} {
		for _, name := range []string{"nqdb", "PostgreSQL"} {
			s := series{name: name + " " + w}
			for _, c := range r.cases {
				if c.workload == w {
					s.points = append(s.points, point{float64(c.clients), c.tps[name]})
				}
			}
			tp = append(tp, s)
		}
	}
	var cats []string
	var lat []series
	for _, name := range []string{"nqdb", "PostgreSQL"} {
		s := series{name: name}
		for _, c := range r.cases {
			if c.clients != cfg.clients[0] && c.clients != cfg.clients[len(cfg.clients)-1] {
				continue
			}
			for i, q := range []string{"p50", "p95", "p99"} {
				if name == "nqdb" {
					cats = append(cats, fmt.Sprintf("%s %d %s", shortW(c.workload), c.clients, q))
				}
				s.points = append(s.points, point{0, c.lat[name][[]int{0, 2, 3}[i]]})
			}
		}
		lat = append(lat, s)
	}
	hr := series{name: "nqdb hit ratio %"}
	for i := range r.hitTimes {
		hr.points = append(hr.points, point{r.hitTimes[i], r.hitRatios[i]})
	}
	files := map[string]string{
		"report.md":      b.String(),
		"throughput.svg": lineChart("Throughput against clients (pgbench, prepared)", "clients", "transactions per second", tp, true, 0),
		"latency.svg":    barChart("Latency percentiles (ms; sel = select-only, tpcb = tpcb-like, clients)", "milliseconds", cats, lat),
		"hit-ratio.svg":  lineChart("Buffer pool hit ratio ("+cfg.pool+", pgbench -i then load)", "seconds", "hit ratio (%)", []series{hr}, false, 100),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(cfg.dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("\nreport: %s\n\n", filepath.Join(cfg.dir, "report.md"))
	fmt.Print(b.String()[:strings.Index(b.String(), "\n## Throughput")])
	return nil
}

func shortW(w string) string {
	if w == "select-only" {
		return "sel"
	}
	return "tpcb"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func kib(kb int64) float64       { return float64(kb) / 1024 }

func durList(d []time.Duration) string {
	var s []string
	for _, x := range d {
		s = append(s, strconv.FormatFloat(ms(x), 'f', 1, 64))
	}
	return strings.Join(s, ", ")
}

func cpuInfo() string {
	text, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, line := range strings.Split(string(text), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			model = strings.TrimSpace(v)
			break
		}
	}
	n := strings.Count(string(text), "processor\t:")
	if model == "" {
		return fmt.Sprintf("%d CPUs", n)
	}
	return fmt.Sprintf("%d × %s", n, model)
}
