package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// pgbenchLogLatencies reads pgbench 15's per-transaction log (--log): one
// line per transaction, "client_id transaction_no time script_no
// time_epoch time_us [schedule_lag] [retries]", where time is the
// transaction's latency in microseconds, or the words "failed" or
// "skipped" instead of a number. It appends the latencies in microseconds.
func pgbenchLogLatencies(dst []float64, r io.Reader) ([]float64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			return dst, fmt.Errorf("pgbench log line %q: want at least 6 fields", sc.Text())
		}
		if f[2] == "failed" || f[2] == "skipped" {
			continue
		}
		us, err := strconv.ParseFloat(f[2], 64)
		if err != nil || math.IsNaN(us) || math.IsInf(us, 0) || us < 0 {
			return dst, fmt.Errorf("pgbench log line %q: latency is not a number of microseconds", sc.Text())
		}
		dst = append(dst, us)
	}
	return dst, sc.Err()
}

// pgbenchLogs reads every log file pgbench wrote with the given prefix
// (one per thread: prefix.PID and prefix.PID.N).
func pgbenchLogs(prefix string) ([]float64, error) {
	files, err := filepath.Glob(prefix + ".*")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no pgbench log files %s.*", prefix)
	}
	var lat []float64
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		lat, err = pgbenchLogLatencies(lat, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return lat, nil
}

// percentile returns the p-th percentile (0 < p <= 100) of xs by the
// nearest-rank method, sorting xs in place; NaN for no values.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	rank := int(math.Ceil(p / 100 * float64(len(xs))))
	if rank < 1 {
		rank = 1
	}
	return xs[rank-1]
}

// sysbenchResult is what a sysbench 1.0 run reports.
type sysbenchResult struct {
	TPS    float64 // "transactions: N (X per sec.)"
	Errors int64   // "ignored errors: N (X per sec.)"
	AvgMS  float64 // "Latency (ms): ... avg: X"
	P99MS  float64 // "99th percentile: X" (with --percentile=99)
}

var errNoSysbenchSummary = errors.New("sysbench output has no summary (transactions, avg and percentile lines)")

// parseSysbench reads the summary of a sysbench 1.0 OLTP run:
//
//	transactions:                        1234   (123.40 per sec.)
//	ignored errors:                      0      (0.00 per sec.)
//	Latency (ms):
//	         avg:                                    8.10
//	         99th percentile:                       20.00
func parseSysbench(out string) (sysbenchResult, error) {
	var r sysbenchResult
	seen := 0
	perSec := func(v string) (float64, bool) {
		_, rest, ok := strings.Cut(v, "(")
		if !ok {
			return 0, false
		}
		num, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		f, err := strconv.ParseFloat(num, 64)
		return f, err == nil
	}
	for _, line := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "transactions":
			if f, ok := perSec(val); ok {
				r.TPS, seen = f, seen|1
			}
		case "ignored errors":
			n, _, _ := strings.Cut(val, " ")
			r.Errors, _ = strconv.ParseInt(n, 10, 64)
		case "avg":
			if f, err := strconv.ParseFloat(val, 64); err == nil {
				r.AvgMS, seen = f, seen|2
			}
		case "99th percentile":
			if f, err := strconv.ParseFloat(val, 64); err == nil {
				r.P99MS, seen = f, seen|4
			}
		}
	}
	if seen != 7 {
		return r, errNoSysbenchSummary
	}
	return r, nil
}

// statusKB reads one "Name:   N kB" field of /proc/PID/status (VmHWM,
// VmRSS) or /proc/PID/smaps_rollup (Pss), in kB.
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

// parentPID reads the parent's pid from the text of /proc/PID/stat
// ("pid (comm) state ppid ..."; comm may contain spaces and parentheses,
// so the fields are counted after the last ')').
func parentPID(stat string) (int, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	return n, err == nil
}
