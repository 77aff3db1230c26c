package main

import (
	"bufio"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// pgbenchLatencies reads pgbench's per-transaction log (-l): lines of
// "client_id transaction_no time script_no time_epoch time_us [schedule_lag]"
// where time is the transaction's latency in microseconds. It appends the
// latencies in milliseconds; lines it cannot read (a failed transaction is
// logged with "failed" or "skipped" instead of a time) are skipped.
func pgbenchLatencies(r io.Reader, into []float64) []float64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			continue
		}
		us, err := strconv.ParseFloat(f[2], 64)
		if err != nil || us < 0 || math.IsNaN(us) || math.IsInf(us, 0) {
			continue
		}
		into = append(into, us/1000)
	}
	return into
}

// percentile of sorted values (nearest rank); NaN when empty.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// latencySummary sorts lat in place and returns p50, p90, p95, p99, max.
func latencySummary(lat []float64) [5]float64 {
	sort.Float64s(lat)
	return [5]float64{percentile(lat, 50), percentile(lat, 90), percentile(lat, 95), percentile(lat, 99), percentile(lat, 100)}
}

// pgbenchTPS finds "tps = N" in pgbench's summary.
func pgbenchTPS(out string) (float64, bool) {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "tps = "); ok {
			num, _, _ := strings.Cut(rest, " ")
			v, err := strconv.ParseFloat(num, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// goBench is one line of `go test -bench -benchmem` output.
type goBench struct {
	pkg, name                  string
	nsPerOp, bytesOp, allocsOp float64
	hasMem                     bool
}

// parseGoBench reads `go test -bench` output: "pkg: ..." lines set the
// package of the benchmark lines after them.
func parseGoBench(r io.Reader) []goBench {
	var out []goBench
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		g := goBench{pkg: pkg, name: f[0], nsPerOp: math.NaN()}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				g.nsPerOp = v
			case "B/op":
				g.bytesOp, g.hasMem = v, true
			case "allocs/op":
				g.allocsOp = v
			}
		}
		if !math.IsNaN(g.nsPerOp) {
			out = append(out, g)
		}
	}
	return out
}

// metricValue finds an unlabelled sample in a Prometheus text exposition.
func metricValue(text, name string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

// statusKB reads a "Name:   123 kB" field of /proc/PID/status.
func statusKB(text, field string) (int64, bool) {
	for _, line := range strings.Split(text, "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		num, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		n, err := strconv.ParseInt(num, 10, 64)
		return n, err == nil
	}
	return 0, false
}
