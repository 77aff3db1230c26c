//go:build !nqdb_small

package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

func TestParseStages(t *testing.T) {
	cases := []struct {
		in      string
		want    []stage
		wantErr bool
	}{
		{defaultStages, []stage{{30 * time.Second, 10}, {time.Minute, 50}, {2 * time.Minute, 100}, {time.Minute, 50}, {30 * time.Second, 0}}, false},
		{"1m30s:20", []stage{{90 * time.Second, 20}}, false},
		{" 500ms : 3 , 0s:3, 1s:0", []stage{{500 * time.Millisecond, 3}, {0, 3}, {time.Second, 0}}, false},
		{"", nil, true},
		{"30s", nil, true},
		{"30:10", nil, true},      // no unit
		{"-1s:10", nil, true},     // negative
		{"1s:-1", nil, true},      // negative target
		{"1s:10001", nil, true},   // too many VUs
		{"0s:10", nil, true},      // no time at all
		{"1s:10,", nil, true},     // empty stage
		{"1s:ten", nil, true},     // not a number
		{"9000000h:1", nil, true}, // too long
	}
	for _, c := range cases {
		got, err := parseStages(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseStages(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if !c.wantErr && !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseStages(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTargetVUs(t *testing.T) {
	st, err := parseStages("10s:10,10s:10,20s:0")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		start int
		at    time.Duration
		want  int
	}{
		{0, 0, 0}, {0, 5 * time.Second, 5}, {0, 10 * time.Second, 10}, {0, 15 * time.Second, 10},
		{0, 30 * time.Second, 5}, {0, 40 * time.Second, 0}, {0, time.Hour, 0},
		{4, 0, 4}, {4, 5 * time.Second, 7},
	}
	for _, c := range cases {
		if got := targetVUs(st, c.start, c.at); got != c.want {
			t.Errorf("targetVUs(start %d, %v) = %d, want %d", c.start, c.at, got, c.want)
		}
	}
}

func TestParseThreshold(t *testing.T) {
	cases := []struct {
		in      string
		want    threshold
		wantErr bool
	}{
		{"req_duration:p(95)<500ms", threshold{metric: "req_duration", agg: "p(95)", pct: 95, op: "<", value: 500}, false},
		{"query_duration:p(99.9)<=1s", threshold{metric: "query_duration", agg: "p(99.9)", pct: 99.9, op: "<=", value: 1000}, false},
		{"txn_duration:avg<250", threshold{metric: "txn_duration", agg: "avg", op: "<", value: 250}, false},
		{"errors:rate<0.05", threshold{metric: "errors", agg: "rate", op: "<", value: 0.05}, false},
		{"errors:rate<5%", threshold{metric: "errors", agg: "rate", op: "<", value: 0.05}, false},
		{"iterations:count>0", threshold{metric: "iterations", agg: "count", op: ">", value: 0}, false},
		{"requests:rate>=100", threshold{metric: "requests", agg: "rate", op: ">=", value: 100}, false},
		{"failed_requests:count==0", threshold{metric: "failed_requests", agg: "count", op: "==", value: 0}, false},
		{"http_req_duration:p(95)<500", threshold{}, true}, // k6's name, not ours
		{"req_duration:p(0)<1", threshold{}, true},
		{"req_duration:p(101)<1", threshold{}, true},
		{"req_duration:rate<1", threshold{}, true},
		{"errors:p(95)<1", threshold{}, true},
		{"iterations:avg>1", threshold{}, true},
		{"req_duration:p(95)", threshold{}, true},
		{"req_duration:p(95)<", threshold{}, true},
		{"req_duration:p(95)<=>1", threshold{}, true},
		{"req_duration:max<NaN", threshold{}, true},
		{"errors:rate<abc", threshold{}, true},
		{"nothing", threshold{}, true},
	}
	for _, c := range cases {
		got, err := parseThreshold(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseThreshold(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if c.wantErr {
			continue
		}
		c.want.src = c.in
		if math.Abs(got.value-c.want.value) > 1e-12 {
			t.Errorf("parseThreshold(%q) value = %v, want %v", c.in, got.value, c.want.value)
		}
		got.value = c.want.value
		if got != c.want {
			t.Errorf("parseThreshold(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
	ops := []struct {
		op      string
		v       float64
		outcome bool
	}{{"<", 1, true}, {"<", 2, false}, {"<=", 2, true}, {">", 2, false}, {">=", 2, true}, {"==", 2, true}, {"!=", 2, false}, {"!=", 3, true}}
	for _, o := range ops {
		if got := (threshold{op: o.op, value: 2}).compare(o.v); got != o.outcome {
			t.Errorf("%v %s 2 = %v", o.v, o.op, got)
		}
	}
}

// TestHistogram compares the histogram's quantiles with exact ones over
// values spread across six orders of magnitude.
func TestHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h hist
	var exact []float64
	for i := 0; i < 100000; i++ {
		d := time.Duration(math.Exp(rng.NormFloat64()*2+12)) + time.Duration(rng.IntN(3))
		h.add(d)
		exact = append(exact, float64(d))
	}
	sort.Float64s(exact)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, q := range []float64{0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
		want := exact[int(math.Ceil(q*float64(len(exact))))-1]
		got := h.quantile(q)
		if math.Abs(got-want)/want > 0.016 {
			t.Errorf("quantile(%v) = %v, want %v within 1.6%%", q, got, want)
		}
	}
	if got, want := h.quantile(1), exact[len(exact)-1]; got != want {
		t.Errorf("max quantile = %v, want the exact max %v", got, want)
	}
	// Every bucket's middle maps back to the bucket, and buckets grow.
	prev := -1.0
	for i := 0; i < histBuckets; i++ {
		v := histValue(i)
		if v <= prev {
			t.Fatalf("bucket %d value %v not above bucket %d's %v", i, v, i-1, prev)
		}
		if v < math.MaxInt64/2 && histIndex(int64(v)) != i {
			t.Fatalf("histIndex(histValue(%d) = %v) = %d", i, v, histIndex(int64(v)))
		}
		prev = v
	}
	if histIndex(math.MaxInt64) >= histBuckets {
		t.Fatalf("histIndex(MaxInt64) = %d, out of %d buckets", histIndex(math.MaxInt64), histBuckets)
	}
}

func TestLoadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--stages", "30s"},
		{"--vus", "3"},
		{"--duration", "1s"},
		{"--time-scale", "0"},
		{"--threshold", "nope"},
		{"--dsn", "::not a dsn"},
		{"extra"},
	} {
		var out, errb bytes.Buffer
		if code := runLoad(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("nqdb load %v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}

// TestLoadAgainstServer runs compressed profiles against an in-process
// nqdb: one where every threshold passes (exit 0), and one whose health
// checks go to a closed port, so that the error-rate threshold must fail
// while the query latency threshold still passes (exit 1).
func TestLoadAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	srv, addr := testserver.Start(t, server.Config{MaxConnections: 50})
	web := httptest.NewServer(srv.HTTPHandler())
	defer web.Close()
	dsn := "postgres://postgres@" + addr.String() + "/postgres?sslmode=disable"
	base := []string{"--dsn", dsn, "--stages", "400ms:6,800ms:6,400ms:0", "--think", "10ms", "--rows", "300",
		"--progress", "300ms", "--graceful-stop", "5s"}

	var out, errb bytes.Buffer
	args := append(base, "--http", strings.TrimPrefix(web.URL, "http://"),
		"--threshold", "req_duration:p(95)<500ms", "--threshold", "errors:rate<0.05",
		"--threshold", "query_duration:p(99)<1s", "--threshold", "iterations:count>0")
	if code := runLoad(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	sum := out.String()
	for _, want := range []string{"✓ req_duration:p(95)<500ms", "✓ errors:rate<0.05", "✓ query_duration:p(99)<1s",
		"✓ iterations:count>0", "health_duration", "iteration_duration", "txn_duration", "vus_max.................: 6"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if strings.Contains(sum, "\n  ✗") || !strings.Contains(errb.String(), "running (") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", sum, errb.String())
	}
	checkLoadInvariant(t, dsn)

	// Health checks against a port nobody listens on: 1 request in 7 fails.
	closed := httptest.NewServer(nil)
	closedAddr := strings.TrimPrefix(closed.URL, "http://")
	closed.Close()
	out.Reset()
	errb.Reset()
	args = append(base, "--http", closedAddr, "--threshold", "errors:rate<0.05", "--threshold", "query_duration:p(99)<10s")
	if code := runLoad(context.Background(), args, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	sum = out.String()
	for _, want := range []string{"✗ errors:rate<0.05", "✓ query_duration:p(99)<10s", "errors seen"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if !strings.Contains(errb.String(), "thresholds crossed: errors:rate<0.05") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	checkLoadInvariant(t, dsn)
}

// checkLoadInvariant checks that every committed transaction applied both
// its writes: the accounts' sum equals the history's.
func checkLoadInvariant(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var accounts, history, n int64
	if err := conn.QueryRow(ctx, "SELECT coalesce(sum(v), 0) FROM nqdb_load").Scan(&accounts); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT coalesce(sum(delta), 0), count(*) FROM nqdb_load_history").Scan(&history, &n); err != nil {
		t.Fatal(err)
	}
	if accounts != history || n == 0 {
		t.Fatalf("sum(v) = %d, sum(delta) = %d over %d history rows", accounts, history, n)
	}
}

func FuzzParseStages(f *testing.F) {
	for _, s := range []string{defaultStages, "1m30s:20", " 500ms : 3 , 0s:3, 1s:0", "30s", "1s:-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := parseStages(s)
		if err != nil {
			return
		}
		again, err := parseStages(formatStages(st))
		if err != nil || !reflect.DeepEqual(st, again) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, st, formatStages(st), again, err)
		}
		total := stagesDuration(st)
		for _, at := range []time.Duration{0, total / 3, total / 2, total} {
			if n := targetVUs(st, 0, at); n < 0 || n > maxVUs {
				t.Fatalf("targetVUs(%v, %v) = %d", st, at, n)
			}
		}
	})
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range append(defaultThresholds, "errors:rate<5%", "iterations:count>0", "txn_duration:p(99.9)>=2s", "x:y") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := parseThreshold(s)
		if err != nil {
			return
		}
		// The parts put back together parse to the same threshold.
		value := strconv.FormatFloat(th.value, 'g', -1, 64)
		again, err := parseThreshold(th.metric + ":" + th.agg + th.op + value)
		if err != nil {
			t.Fatalf("%q: reassembled: %v", s, err)
		}
		again.src = th.src
		if again != th {
			t.Fatalf("%q -> %+v, reassembled %+v", s, th, again)
		}
	})
}
