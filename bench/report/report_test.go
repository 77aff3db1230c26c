package main

import (
	"encoding/xml"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

func TestPgbenchLatencies(t *testing.T) {
	// pgbench -l lines: client_id transaction_no time script_no time_epoch time_us;
	// failed and skipped transactions have a word in place of the time.
	log := "0 1 1500 0 1700000000 123\n0 2 500 0 1700000000 200\n1 1 failed 0 1700000000 300\n" +
		"1 2 2500 0 1700000000 400 17\nbad line\n1 3 1000 0 1700000000 500\n"
	got := pgbenchLatencies(strings.NewReader(log), nil)
	want := []float64{1.5, 0.5, 2.5, 1}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	s := latencySummary(got)
	// Nearest rank over 0.5, 1, 1.5, 2.5: p50 = 2nd, p90 = p95 = p99 = max = 4th.
	if s != [5]float64{1, 2.5, 2.5, 2.5, 2.5} {
		t.Errorf("summary %v", s)
	}
	if !math.IsNaN(percentile(nil, 50)) {
		t.Error("percentile of nothing should be NaN")
	}
}

func TestPercentile(t *testing.T) {
	var v []float64
	for i := 1; i <= 100; i++ {
		v = append(v, float64(i))
	}
	for _, c := range []struct{ p, want float64 }{{50, 50}, {99, 99}, {100, 100}, {0, 1}, {1, 1}, {99.5, 100}} {
		if got := percentile(v, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestPgbenchTPS(t *testing.T) {
	out := "number of failed transactions: 0 (0.000%)\nlatency average = 0.612 ms\ntps = 13058.118576 (without initial connection time)\n"
	if v, ok := pgbenchTPS(out); !ok || v != 13058.118576 {
		t.Errorf("tps = %v %v", v, ok)
	}
	if _, ok := pgbenchTPS("pgbench: error: connection refused\n"); ok {
		t.Error("tps found in an error")
	}
}

func TestParseGoBench(t *testing.T) {
	f, err := os.Open("testdata/gobench.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := parseGoBench(f)
	if len(got) != 3 {
		t.Fatalf("got %d benchmarks: %+v", len(got), got)
	}
	if g := got[0]; g.pkg != "github.com/neuroquantumdb/nqdb/storage/btree" || g.name != "BenchmarkTreeInsert-2" ||
		g.nsPerOp != 1093 || g.bytesOp != 112 || g.allocsOp != 2 || !g.hasMem {
		t.Errorf("first: %+v", g)
	}
	if g := got[1]; g.nsPerOp != 412.5 || g.hasMem {
		t.Errorf("second (no -benchmem columns): %+v", g)
	}
	if g := got[2]; g.pkg != "github.com/neuroquantumdb/nqdb/codec" || g.name != "BenchmarkEncode/int-2" || g.nsPerOp != 23.1 {
		t.Errorf("third: %+v", g)
	}
}

func TestMetricValue(t *testing.T) {
	text := "# HELP nqdb_buffer_pool_hits_total x\n# TYPE nqdb_buffer_pool_hits_total counter\nnqdb_buffer_pool_hits_total 1234\n" +
		"nqdb_buffer_pool_hits_total_other 9\nnqdb_errors_total{class=\"22\"} 1\n"
	if v, ok := metricValue(text, "nqdb_buffer_pool_hits_total"); !ok || v != 1234 {
		t.Errorf("hits = %v %v", v, ok)
	}
	if _, ok := metricValue(text, "nqdb_buffer_pool_misses_total"); ok {
		t.Error("found a metric that is not there")
	}
}

func TestStatusKB(t *testing.T) {
	st := "Name:\tnqdb\nVmHWM:\t   24576 kB\nVmRSS:\t   20480 kB\n"
	if v, ok := statusKB(st, "VmRSS"); !ok || v != 20480 {
		t.Errorf("VmRSS = %v %v", v, ok)
	}
	if v, ok := statusKB(st, "VmHWM"); !ok || v != 24576 {
		t.Errorf("VmHWM = %v %v", v, ok)
	}
}

// wellFormed checks that an SVG is XML a browser will parse.
func wellFormed(t *testing.T, name, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	elems := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v\n%s", name, err, svg)
		}
		if _, ok := tok.(xml.StartElement); ok {
			elems++
		}
	}
	if !strings.HasPrefix(svg, "<svg ") || elems < 10 {
		t.Errorf("%s: %d elements", name, elems)
	}
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Errorf("%s: NaN or Inf in coordinates:\n%s", name, svg)
	}
}

func TestCharts(t *testing.T) {
	tp := []series{
		{"nqdb <select-only>", []point{{1, 13000}, {8, 28000}, {32, 26000}}},
		{"PostgreSQL & co", []point{{1, 12000}, {8, 17000}, {32, 16000}}},
	}
	svg := lineChart("Throughput", "clients", "TPS", tp, true, 0)
	wellFormed(t, "line", svg)
	// Categorical: 1, 8 and 32 are evenly spaced, so the x of 8 is halfway.
	if !strings.Contains(svg, ">32<") || !strings.Contains(svg, "&lt;select-only&gt;") {
		t.Errorf("ticks or escaped legend missing:\n%s", svg)
	}
	wellFormed(t, "bar", barChart("Latency", "ms", []string{"p50", "p99"},
		[]series{{"nqdb", []point{{0, 0.1}, {0, 0.9}}}, {"PostgreSQL", []point{{0, 0.2}, {0, 1.5}}}}))
	wellFormed(t, "time", lineChart("Hit ratio", "s", "%", []series{{"hit", []point{{0.5, 10}, {1, 99}, {1.5, 100}}}}, false, 100))
	// Degenerate input must still be valid SVG without NaN coordinates.
	wellFormed(t, "empty", lineChart("Nothing", "x", "y", []series{{"a", nil}}, false, 0))
	wellFormed(t, "one", lineChart("One", "x", "y", []series{{"a", []point{{3, 0}}}}, false, 0))
}

func TestNiceMax(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0, 1}, {0.7, 1}, {1.2, 2}, {3, 5}, {7, 10}, {28000, 50000}, {100, 100}} {
		if got := niceMax(c.in); got != c.want {
			t.Errorf("niceMax(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// FuzzParsers feeds arbitrary text to the readers of pgbench logs, go test
// output and /metrics: no panic, and latencies are finite and not negative.
func FuzzParsers(f *testing.F) {
	f.Add("0 1 1500 0 1700000000 123\n1 1 failed 0 1 2\n")
	f.Add("pkg: x\nBenchmarkA-2 10 5 ns/op 3 B/op 1 allocs/op\nBenchmarkB 1 NaN ns/op\n")
	f.Add("nqdb_buffer_pool_hits_total 12\nVmRSS:\t 1 kB\n")
	f.Add("0 0 -1 0 0 0\n0 0 1e400 0 0 0\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range pgbenchLatencies(strings.NewReader(s), nil) {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("latency %v from %q", v, s)
			}
		}
		_ = parseGoBench(strings.NewReader(s))
		_, _ = metricValue(s, "nqdb_buffer_pool_hits_total")
		_, _ = pgbenchTPS(s)
		_, _ = statusKB(s, "VmRSS")
		lat := pgbenchLatencies(strings.NewReader(s), nil)
		_ = latencySummary(lat)
	})
}
