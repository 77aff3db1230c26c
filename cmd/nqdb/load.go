//go:build !nqdb_small

package main

// nqdb load: a staged load tester modelled on k6's ramping-VUs executor.
//
// Virtual users (VUs) each hold one PostgreSQL connection (pgx) and run
// iterations back to back, with a think time between them. One iteration
// is the scenario mix: a GET of the server's /health (when --http is set),
// --queries point queries by primary key, and one transaction (insert a
// history row, update an account, commit). A controller ramps the number
// of VUs linearly through the stages, as k6 does: "30s:10,1m:50" means
// from 0 to 10 VUs over 30 s, then to 50 over a minute. A VU told to stop
// finishes its iteration first; at the end, iterations still running after
// --graceful-stop are interrupted.
//
// Every request's duration goes into a histogram with ~1.6% resolution
// (fixed memory however long the run), by kind: req_duration (all),
// health_duration, query_duration, txn_duration, and iteration_duration.
// Thresholds are k6's pass/fail criteria over those metrics; any failing
// threshold makes the exit status 1, so a CI job fails on a regression.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultStages is the profile: 0 -> 10 -> 50 -> 100 -> 50 -> 0
// VUs over five minutes.
const defaultStages = "30s:10,1m:50,2m:100,1m:50,30s:0"

// defaultThresholds are used when no --threshold is given.
var defaultThresholds = []string{"req_duration:p(95)<500ms", "errors:rate<0.05", "query_duration:p(99)<1s"}

// stage is one step of the ramp: reach target VUs over dur.
type stage struct {
	dur    time.Duration
	target int
}

// maxVUs bounds a stage's target (each VU is a connection).
const maxVUs = 10000

// parseStages reads k6's stage list: "DURATION:TARGET,..." with Go
// durations (30s, 1m, 1m30s, 500ms).
func parseStages(s string) ([]stage, error) {
	var out []stage
	var total time.Duration
	for _, part := range strings.Split(s, ",") {
		d, n, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("stage %q: want DURATION:TARGET, e.g. 30s:10", part)
		}
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || dur < 0 {
			return nil, fmt.Errorf("stage %q: bad duration %q", part, d)
		}
		target, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil || target < 0 || target > maxVUs {
			return nil, fmt.Errorf("stage %q: target must be a number of VUs from 0 to %d", part, maxVUs)
		}
		if total += dur; total < 0 || total > 100*24*time.Hour {
			return nil, fmt.Errorf("stages last too long")
		}
		out = append(out, stage{dur, target})
	}
	if total == 0 {
		return nil, fmt.Errorf("stages %q last no time", s)
	}
	return out, nil
}

// formatStages writes stages back in parseStages's syntax.
func formatStages(st []stage) string {
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = s.dur.String() + ":" + strconv.Itoa(s.target)
	}
	return strings.Join(parts, ",")
}

// stagesDuration is the sum of the stages' durations.
func stagesDuration(st []stage) time.Duration {
	var d time.Duration
	for _, s := range st {
		d += s.dur
	}
	return d
}

// targetVUs is the number of VUs the ramp wants at elapsed time t: linear
// from the previous stage's target (start for the first) to this one's.
func targetVUs(st []stage, start int, t time.Duration) int {
	prev := start
	for _, s := range st {
		if t < s.dur {
			frac := float64(t) / float64(s.dur)
			return prev + int(math.Round(float64(s.target-prev)*frac))
		}
		t -= s.dur
		prev = s.target
	}
	return prev
}

// metric kinds, for thresholds.
const (
	kindTrend   = iota // durations: avg, min, med, max, p(N) in milliseconds
	kindRate           // a fraction: rate
	kindCounter        // count, rate (per second)
)

var metricKinds = map[string]int{
	"req_duration": kindTrend, "iteration_duration": kindTrend, "query_duration": kindTrend,
	"txn_duration": kindTrend, "health_duration": kindTrend,
	"errors":     kindRate,
	"iterations": kindCounter, "requests": kindCounter, "failed_requests": kindCounter,
}

// threshold is one pass/fail criterion: "metric:agg OP value", e.g.
// "req_duration:p(95)<500ms" or "errors:rate<0.05".
type threshold struct {
	metric string
	agg    string  // avg, min, med, max, p(N), rate, count
	pct    float64 // N of p(N)
	op     string  // <, <=, >, >=, ==, !=
	value  float64 // milliseconds for durations
	src    string
}

// parseThreshold reads a threshold. Durations take a unit (500ms, 1s) or
// are milliseconds (k6's convention); rates take a fraction or a
// percentage (0.05, 5%).
func parseThreshold(s string) (threshold, error) {
	t := threshold{src: strings.TrimSpace(s)}
	metric, expr, ok := strings.Cut(t.src, ":")
	if !ok {
		return t, fmt.Errorf("threshold %q: want METRIC:AGG<VALUE, e.g. req_duration:p(95)<500ms", s)
	}
	t.metric = strings.TrimSpace(metric)
	kind, ok := metricKinds[t.metric]
	if !ok {
		names := make([]string, 0, len(metricKinds))
		for n := range metricKinds {
			names = append(names, n)
		}
		sort.Strings(names)
		return t, fmt.Errorf("threshold %q: unknown metric %q (one of %s)", s, t.metric, strings.Join(names, ", "))
	}
	i := strings.IndexAny(expr, "<>=!")
	if i < 0 {
		return t, fmt.Errorf("threshold %q: no comparison (<, <=, >, >=, ==, !=)", s)
	}
	t.agg, expr = strings.TrimSpace(expr[:i]), expr[i:]
	for _, op := range []string{"<=", ">=", "==", "!=", "<", ">"} {
		if strings.HasPrefix(expr, op) {
			t.op, expr = op, strings.TrimSpace(expr[len(op):])
			break
		}
	}
	if t.op == "" {
		return t, fmt.Errorf("threshold %q: bad comparison", s)
	}
	switch kind {
	case kindTrend:
		switch t.agg {
		case "avg", "min", "med", "max":
		default:
			n, ok := strings.CutPrefix(t.agg, "p(")
			n, ok2 := strings.CutSuffix(n, ")")
			p, err := strconv.ParseFloat(n, 64)
			if !ok || !ok2 || err != nil || !(p > 0 && p <= 100) {
				return t, fmt.Errorf("threshold %q: %s takes avg, min, med, max or p(N) with 0 < N <= 100", s, t.metric)
			}
			t.pct = p
		}
		if d, err := time.ParseDuration(expr); err == nil {
			t.value = float64(d) / float64(time.Millisecond)
		} else if v, err := strconv.ParseFloat(expr, 64); err == nil {
			t.value = v
		} else {
			return t, fmt.Errorf("threshold %q: %q is not a duration", s, expr)
		}
	case kindRate:
		if t.agg != "rate" {
			return t, fmt.Errorf("threshold %q: %s takes rate", s, t.metric)
		}
		pct, isPct := strings.CutSuffix(expr, "%")
		v, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			return t, fmt.Errorf("threshold %q: %q is not a fraction or percentage", s, expr)
		}
		if isPct {
			v /= 100
		}
		t.value = v
	case kindCounter:
		if t.agg != "count" && t.agg != "rate" {
			return t, fmt.Errorf("threshold %q: %s takes count or rate", s, t.metric)
		}
		v, err := strconv.ParseFloat(expr, 64)
		if err != nil {
			return t, fmt.Errorf("threshold %q: %q is not a number", s, expr)
		}
		t.value = v
	}
	if math.IsNaN(t.value) || math.IsInf(t.value, 0) {
		return t, fmt.Errorf("threshold %q: value must be finite", s)
	}
	return t, nil
}

// compare applies the threshold's operator.
func (t threshold) compare(v float64) bool {
	switch t.op {
	case "<":
		return v < t.value
	case "<=":
		return v <= t.value
	case ">":
		return v > t.value
	case ">=":
		return v >= t.value
	case "==":
		return v == t.value
	default:
		return v != t.value
	}
}

// hist is a log-linear histogram of durations in nanoseconds: exact below
// 128 ns, then 64 buckets per power of two (relative error under 1.6%).
// Fixed size, so hours of load cost no more memory than seconds.
type hist struct {
	mu       sync.Mutex
	counts   [histBuckets]uint64
	n        uint64
	sum      float64
	min, max int64
}

const (
	histSubBits = 6
	histBuckets = (64 - histSubBits + 1) << histSubBits
)

func histIndex(v int64) int {
	if v < 1<<(histSubBits+1) {
		return int(max(v, 0))
	}
	e := bits.Len64(uint64(v)) // > histSubBits+1
	sub := int(uint64(v)>>(e-histSubBits-1)) & (1<<histSubBits - 1)
	return (e-histSubBits)<<histSubBits + sub
}

// histValue is the middle of bucket i's range.
func histValue(i int) float64 {
	if i < 1<<(histSubBits+1) {
		return float64(i)
	}
	e := i>>histSubBits + histSubBits
	sub := i & (1<<histSubBits - 1)
	lo := float64(uint64(1<<histSubBits+sub) << (e - histSubBits - 1))
	width := float64(uint64(1) << (e - histSubBits - 1))
	return lo + width/2
}

func (h *hist) add(d time.Duration) {
	v := int64(d)
	h.mu.Lock()
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
	h.counts[histIndex(v)]++
	h.mu.Unlock()
}

// trend is a histogram's summary in milliseconds.
type trend struct {
	n                            uint64
	avg, min, med, max, p90, p95 float64
	p99                          float64
	h                            *hist
}

// quantile returns the q-quantile (0 < q <= 1) in nanoseconds, clamped
// to the exact min and max; the caller holds h.mu.
func (h *hist) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	if rank == h.n {
		return float64(h.max)
	}
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			return min(max(histValue(i), float64(h.min)), float64(h.max))
		}
	}
	return float64(h.max)
}

func (h *hist) summary() trend {
	h.mu.Lock()
	defer h.mu.Unlock()
	ms := func(ns float64) float64 { return ns / 1e6 }
	t := trend{n: h.n, h: h}
	if h.n == 0 {
		return t
	}
	t.avg, t.min, t.max = ms(h.sum/float64(h.n)), ms(float64(h.min)), ms(float64(h.max))
	t.med, t.p90, t.p95, t.p99 = ms(h.quantile(0.5)), ms(h.quantile(0.9)), ms(h.quantile(0.95)), ms(h.quantile(0.99))
	return t
}

// percentileMS is any percentile of the histogram in milliseconds.
func (t trend) percentileMS(p float64) float64 {
	if t.h == nil {
		return 0
	}
	t.h.mu.Lock()
	defer t.h.mu.Unlock()
	return t.h.quantile(p/100) / 1e6
}

// loadOptions are nqdb load's flags.
type loadOptions struct {
	dsn          string
	httpAddr     string
	vus          int
	duration     time.Duration
	stages       []stage
	startVUs     int
	timeScale    float64
	think        time.Duration
	queries      int
	rows         int
	setup        bool
	timeout      time.Duration
	gracefulStop time.Duration
	progress     time.Duration
	thresholds   []threshold
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, " ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func parseLoadFlags(args []string, stderr io.Writer) (*loadOptions, error) {
	o := &loadOptions{}
	fs := flag.NewFlagSet("nqdb load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var stages string
	var ths stringList
	fs.StringVar(&o.dsn, "dsn", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "the server to load (a PostgreSQL connection string)")
	fs.StringVar(&o.httpAddr, "http", "127.0.0.1:9090", "the server's HTTP address: each iteration GETs /health (empty to skip)")
	fs.IntVar(&o.vus, "vus", 0, "a constant number of VUs for --duration instead of --stages")
	fs.DurationVar(&o.duration, "duration", 0, "how long --vus run")
	fs.StringVar(&stages, "stages", defaultStages, "ramp as DURATION:TARGET,... (k6's stages)")
	fs.Float64Var(&o.timeScale, "time-scale", 1, "multiply every stage and --graceful-stop by this (0.01 turns the default 5 minutes into 3 s)")
	fs.DurationVar(&o.think, "think", time.Second, "think time between a VU's iterations (uniform between half and 1.5 times this)")
	fs.IntVar(&o.queries, "queries", 5, "point queries per iteration")
	fs.IntVar(&o.rows, "rows", 10000, "rows in the table the point queries read")
	fs.BoolVar(&o.setup, "setup", true, "create and fill the tables nqdb_load and nqdb_load_history first (dropping old ones)")
	fs.DurationVar(&o.timeout, "request-timeout", 10*time.Second, "a request that takes longer fails")
	fs.DurationVar(&o.gracefulStop, "graceful-stop", 30*time.Second, "how long running iterations may finish at the end")
	fs.DurationVar(&o.progress, "progress", time.Second, "interval of the progress line on stderr (0: none)")
	fs.Var(&ths, "threshold", "pass/fail criterion METRIC:AGG<VALUE, repeatable; replaces the defaults "+strings.Join(defaultThresholds, ", "))
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if !(o.timeScale > 0) || math.IsInf(o.timeScale, 0) {
		return nil, fmt.Errorf("--time-scale must be positive")
	}
	if o.vus < 0 || o.vus > maxVUs || o.queries < 0 || o.rows < 1 || o.think < 0 || o.timeout <= 0 {
		return nil, fmt.Errorf("--vus, --queries, --rows, --think or --request-timeout out of range")
	}
	switch {
	case o.vus > 0 || o.duration > 0:
		if o.vus == 0 || o.duration <= 0 {
			return nil, fmt.Errorf("--vus and --duration go together")
		}
		o.startVUs, o.stages = o.vus, []stage{{o.duration, o.vus}}
	default:
		st, err := parseStages(stages)
		if err != nil {
			return nil, fmt.Errorf("--stages: %w", err)
		}
		o.stages = st
	}
	for i := range o.stages {
		o.stages[i].dur = time.Duration(float64(o.stages[i].dur) * o.timeScale)
	}
	o.gracefulStop = time.Duration(float64(o.gracefulStop) * o.timeScale)
	if len(ths) == 0 {
		ths = defaultThresholds
	}
	for _, s := range ths {
		t, err := parseThreshold(s)
		if err != nil {
			return nil, err
		}
		o.thresholds = append(o.thresholds, t)
	}
	return o, nil
}

// loadMetrics are the run's measurements, shared by all VUs.
type loadMetrics struct {
	req, iter, query, txn, health hist
	requests, failed              atomic.Int64
	iterations, interrupted       atomic.Int64
	vus, vusMax                   atomic.Int64
	errMu                         sync.Mutex
	errCounts                     map[string]int
}

// request records one request's outcome.
func (m *loadMetrics) request(h *hist, d time.Duration, err error) {
	m.req.add(d)
	if h != nil {
		h.add(d)
	}
	m.requests.Add(1)
	if err != nil {
		m.failed.Add(1)
		msg := err.Error()
		if len(msg) > 120 {
			msg = msg[:120]
		}
		m.errMu.Lock()
		if len(m.errCounts) < 20 || m.errCounts[msg] > 0 {
			m.errCounts[msg]++
		}
		m.errMu.Unlock()
	}
}

// loader runs one load test.
type loader struct {
	o      *loadOptions
	pgcfg  *pgx.ConnConfig
	client *http.Client
	m      loadMetrics
}

// vuHandle is a running VU: stop asks it to end after its iteration.
type vuHandle struct {
	stop chan struct{}
	done chan struct{}
}

func (l *loader) runVU(ctx context.Context, id int, h *vuHandle) {
	defer close(h.done)
	rng := rand.New(rand.NewPCG(uint64(id), uint64(time.Now().UnixNano())))
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(cctx)
			cancel()
		}
	}()
	for {
		select {
		case <-h.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		if conn == nil || conn.IsClosed() {
			start := time.Now()
			cctx, cancel := context.WithTimeout(ctx, l.o.timeout)
			c, err := pgx.ConnectConfig(cctx, l.pgcfg)
			cancel()
			if ctx.Err() != nil {
				return
			}
			l.m.request(nil, time.Since(start), err) // a failed connect is a failed request
			if err != nil {
				l.sleep(ctx, h, rng)
				continue
			}
			conn = c
		}
		start := time.Now()
		if l.iteration(ctx, conn, rng) {
			l.m.iter.add(time.Since(start))
			l.m.iterations.Add(1)
		} else {
			l.m.interrupted.Add(1)
			return
		}
		l.sleep(ctx, h, rng)
	}
}

func (l *loader) sleep(ctx context.Context, h *vuHandle, rng *rand.Rand) {
	if l.o.think <= 0 {
		return
	}
	d := l.o.think/2 + time.Duration(rng.Int64N(int64(l.o.think)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-h.stop:
	case <-ctx.Done():
	}
}

// iteration runs the scenario mix once; false when the run was cut short
// (ctx cancelled at the hard stop).
func (l *loader) iteration(ctx context.Context, conn *pgx.Conn, rng *rand.Rand) bool {
	timed := func(h *hist, fn func(ctx context.Context) error) bool {
		rctx, cancel := context.WithTimeout(ctx, l.o.timeout)
		start := time.Now()
		err := fn(rctx)
		cancel()
		if ctx.Err() != nil {
			return false
		}
		l.m.request(h, time.Since(start), err)
		return true
	}
	if l.o.httpAddr != "" {
		if !timed(&l.m.health, l.healthCheck) {
			return false
		}
	}
	for i := 0; i < l.o.queries; i++ {
		id := 1 + rng.IntN(l.o.rows)
		if !timed(&l.m.query, func(ctx context.Context) error {
			var v int64
			return conn.QueryRow(ctx, "SELECT v FROM nqdb_load WHERE id = $1", id).Scan(&v)
		}) {
			return false
		}
	}
	id, delta := 1+rng.IntN(l.o.rows), rng.IntN(10001)-5000
	return timed(&l.m.txn, func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO nqdb_load_history (account, delta) VALUES ($1, $2)", id, delta); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE nqdb_load SET v = v + $1 WHERE id = $2", delta, id)
			return err
		})
	})
}

func (l *loader) healthCheck(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+l.o.httpAddr+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /health: %s", resp.Status)
	}
	return nil
}

// setupTables creates the tables the scenario uses and fills nqdb_load.
func (l *loader) setupTables(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, l.pgcfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"DROP TABLE IF EXISTS nqdb_load",
		"DROP TABLE IF EXISTS nqdb_load_history",
		"CREATE TABLE nqdb_load (id int PRIMARY KEY, v bigint NOT NULL, pad text)",
		"CREATE TABLE nqdb_load_history (account int NOT NULL, delta int NOT NULL)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	pad := strings.Repeat("x", 80)
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"nqdb_load"}, []string{"id", "v", "pad"},
		pgx.CopyFromSlice(l.o.rows, func(i int) ([]any, error) { return []any{int32(i + 1), int64(0), pad}, nil }))
	return err
}

// runLoad is `nqdb load`: it returns the exit status (0 all thresholds
// passed, 1 a threshold failed or the run could not start, 2 bad usage).
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseLoadFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "nqdb load:", err)
		return 2
	}
	pgcfg, err := pgx.ParseConfig(o.dsn)
	if err != nil {
		fmt.Fprintln(stderr, "nqdb load: --dsn:", err)
		return 2
	}
	l := &loader{o: o, pgcfg: pgcfg, m: loadMetrics{errCounts: map[string]int{}}}
	l.client = &http.Client{Timeout: o.timeout, Transport: &http.Transport{MaxIdleConnsPerHost: maxVUs, MaxIdleConns: maxVUs}}
	defer l.client.CloseIdleConnections()
	if o.setup {
		if err := l.setupTables(ctx); err != nil {
			fmt.Fprintln(stderr, "nqdb load: setup:", err)
			return 1
		}
	}
	elapsed := l.run(ctx, stderr)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "nqdb load: interrupted")
	}
	if failed := l.summary(stdout, elapsed); len(failed) > 0 {
		fmt.Fprintf(stderr, "nqdb load: thresholds crossed: %s\n", strings.Join(failed, ", "))
		return 1
	}
	return 0
}

// run ramps VUs through the stages and returns the elapsed time.
func (l *loader) run(ctx context.Context, stderr io.Writer) time.Duration {
	vctx, hardStop := context.WithCancel(ctx)
	defer hardStop()
	var running []*vuHandle
	nextID := 0
	start := time.Now()
	total := stagesDuration(l.o.stages)
	tick := time.NewTicker(max(min(total/100, 50*time.Millisecond), time.Millisecond))
	defer tick.Stop()
	var prog <-chan time.Time
	if l.o.progress > 0 {
		pt := time.NewTicker(l.o.progress)
		defer pt.Stop()
		prog = pt.C
	}
	tty := isTerminal(stderr)
	progress := func(final bool) {
		line := fmt.Sprintf("running (%s), %03d/%03d VUs, %d complete and %d interrupted iterations, %d requests, %d failed",
			fmtElapsed(time.Since(start)), l.m.vus.Load(), l.m.vusMax.Load(), l.m.iterations.Load(),
			l.m.interrupted.Load(), l.m.requests.Load(), l.m.failed.Load())
		switch {
		case tty && final:
			fmt.Fprintf(stderr, "\r%s\033[K\n", line)
		case tty:
			fmt.Fprintf(stderr, "\r%s\033[K", line)
		default:
			fmt.Fprintln(stderr, line)
		}
	}
	setVUs := func(n int) {
		for len(running) < n {
			h := &vuHandle{stop: make(chan struct{}), done: make(chan struct{})}
			nextID++
			go l.runVU(vctx, nextID, h)
			running = append(running, h)
		}
		for len(running) > n {
			// Like k6, the newest VUs leave first.
			close(running[len(running)-1].stop)
			running = running[:len(running)-1]
		}
		l.m.vus.Store(int64(n))
		if int64(n) > l.m.vusMax.Load() {
			l.m.vusMax.Store(int64(n))
		}
	}
	setVUs(targetVUs(l.o.stages, l.o.startVUs, 0))
	var stopping []*vuHandle
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-prog:
			progress(false)
		case <-tick.C:
			t := time.Since(start)
			if t >= total {
				break loop
			}
			before := append(stopping[:0:0], running...)
			setVUs(targetVUs(l.o.stages, l.o.startVUs, t))
			if len(running) < len(before) {
				stopping = append(stopping, before[len(running):]...)
			}
		}
	}
	// Graceful stop: every VU finishes its iteration, within gracefulStop.
	stopping = append(stopping, running...)
	setVUs(0)
	grace := time.NewTimer(l.o.gracefulStop)
	defer grace.Stop()
	for _, h := range stopping {
		select {
		case <-h.done:
		case <-grace.C:
			hardStop()
			<-h.done
		case <-ctx.Done():
			<-h.done
		}
	}
	elapsed := time.Since(start)
	if l.o.progress > 0 {
		progress(true)
	}
	return elapsed
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func fmtElapsed(d time.Duration) string {
	return fmt.Sprintf("%dm%04.1fs", int(d/time.Minute), (d % time.Minute).Seconds())
}

// fmtMS prints milliseconds the way k6 prints durations.
func fmtMS(ms float64) string {
	switch {
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	default:
		return strconv.FormatFloat(ms*1000, 'f', 2, 64) + "µs"
	}
}

// evaluate computes a threshold's metric value.
func (l *loader) evaluate(t threshold, elapsed time.Duration) float64 {
	var h *hist
	switch t.metric {
	case "errors":
		if n := l.m.requests.Load(); n > 0 {
			return float64(l.m.failed.Load()) / float64(n)
		}
		return 0
	case "iterations", "requests", "failed_requests":
		n := map[string]int64{"iterations": l.m.iterations.Load(), "requests": l.m.requests.Load(),
			"failed_requests": l.m.failed.Load()}[t.metric]
		if t.agg == "rate" {
			return float64(n) / max(elapsed.Seconds(), 1e-9)
		}
		return float64(n)
	case "req_duration":
		h = &l.m.req
	case "iteration_duration":
		h = &l.m.iter
	case "query_duration":
		h = &l.m.query
	case "txn_duration":
		h = &l.m.txn
	case "health_duration":
		h = &l.m.health
	}
	s := h.summary()
	switch t.agg {
	case "avg":
		return s.avg
	case "min":
		return s.min
	case "med":
		return s.med
	case "max":
		return s.max
	}
	return s.percentileMS(t.pct)
}

// summary prints k6's end-of-test summary and returns the failed
// thresholds.
func (l *loader) summary(w io.Writer, elapsed time.Duration) []string {
	var failed []string
	fmt.Fprintf(w, "\n  scenario: %s, up to %d VUs, %s (time scale %g); think %s; %d queries + 1 transaction per iteration\n",
		formatStages(l.o.stages), l.m.vusMax.Load(), fmtElapsed(elapsed), l.o.timeScale, l.o.think, l.o.queries)
	if l.o.httpAddr != "" {
		fmt.Fprintf(w, "            and GET http://%s/health\n", l.o.httpAddr)
	}
	fmt.Fprintln(w)
	for _, t := range l.o.thresholds {
		v := l.evaluate(t, elapsed)
		mark := "✓"
		if !t.compare(v) {
			mark = "✗"
			failed = append(failed, t.src)
		}
		shown := strconv.FormatFloat(v, 'f', -1, 64)
		if metricKinds[t.metric] == kindTrend {
			shown = fmtMS(v)
		}
		fmt.Fprintf(w, "  %s %-36s %s=%s\n", mark, t.src, t.agg, shown)
	}
	fmt.Fprintln(w)
	line := func(name, text string) {
		fmt.Fprintf(w, "     %s%s: %s\n", name, strings.Repeat(".", max(24-len(name), 1)), text)
	}
	trendLine := func(name string, h *hist) {
		s := h.summary()
		line(name, fmt.Sprintf("avg=%s min=%s med=%s max=%s p(90)=%s p(95)=%s p(99)=%s count=%d",
			fmtMS(s.avg), fmtMS(s.min), fmtMS(s.med), fmtMS(s.max), fmtMS(s.p90), fmtMS(s.p95), fmtMS(s.p99), s.n))
	}
	secs := max(elapsed.Seconds(), 1e-9)
	reqs, fails := l.m.requests.Load(), l.m.failed.Load()
	rate := 0.0
	if reqs > 0 {
		rate = float64(fails) / float64(reqs)
	}
	line("errors", fmt.Sprintf("%.2f%% ✓ %d ✗ %d", 100*rate, reqs-fails, fails))
	if l.o.httpAddr != "" {
		trendLine("health_duration", &l.m.health)
	}
	trendLine("iteration_duration", &l.m.iter)
	line("iterations", fmt.Sprintf("%d %.2f/s (%d interrupted)", l.m.iterations.Load(), float64(l.m.iterations.Load())/secs, l.m.interrupted.Load()))
	trendLine("query_duration", &l.m.query)
	trendLine("req_duration", &l.m.req)
	line("requests", fmt.Sprintf("%d %.2f/s", reqs, float64(reqs)/secs))
	trendLine("txn_duration", &l.m.txn)
	line("vus_max", strconv.FormatInt(l.m.vusMax.Load(), 10))
	l.m.errMu.Lock()
	msgs := make([]string, 0, len(l.m.errCounts))
	for msg := range l.m.errCounts {
		msgs = append(msgs, msg)
	}
	sort.Slice(msgs, func(i, j int) bool { return l.m.errCounts[msgs[i]] > l.m.errCounts[msgs[j]] })
	if len(msgs) > 0 {
		fmt.Fprintln(w, "\n  errors seen (most frequent first):")
		for _, msg := range msgs[:min(len(msgs), 5)] {
			fmt.Fprintf(w, "     %6d  %s\n", l.m.errCounts[msg], msg)
		}
	}
	l.m.errMu.Unlock()
	fmt.Fprintln(w)
	return failed
}
