package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPgbenchLogLatencies(t *testing.T) {
	cases := []struct {
		name, in string
		want     []float64
		wantErr  bool
	}{
		// Lines in the format of pgbench 15's documentation ("Per-Transaction Logging").
		{"plain", "0 199 2241 0 1175850568 995598\n0 200 2465 0 1175850568 998079\n", []float64{2241, 2465}, false},
		{"schedule lag and retries", "1 0 3051 0 1700000000 1234 12 0\n", []float64{3051}, false},
		{"failed and skipped are not latencies", "0 1 failed 0 1700000000 1\n0 2 skipped 0 1700000000 2\n0 3 7 0 1700000000 3\n", []float64{7}, false},
		{"empty", "", nil, false},
		{"short line", "0 1 2\n", nil, true},
		{"not a number", "0 1 x 0 1700000000 1\n", nil, true},
		{"NaN", "0 1 NaN 0 1700000000 1\n", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pgbenchLogLatencies(nil, strings.NewReader(c.in))
			if (err != nil) != c.wantErr {
				t.Fatalf("error = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestPgbenchLogsAllThreads(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "log")
	// pgbench -j 2 writes prefix.PID and prefix.PID.1.
	files := map[string]string{"log.123": "0 0 10 0 1 1\n", "log.123.1": "1 0 30 0 1 1\n1 1 20 0 1 2\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lat, err := pgbenchLogs(prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(lat) != 3 || percentile(lat, 100) != 30 || percentile(lat, 1) != 10 {
		t.Fatalf("latencies %v", lat)
	}
	if _, err := pgbenchLogs(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("no log files: want an error")
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[99-i] = float64(i + 1) // unsorted on purpose
	}
	cases := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{hundred, 99, 99}, {hundred, 50, 50}, {hundred, 100, 100}, {hundred, 0.5, 1},
		{[]float64{5}, 99, 5}, {[]float64{1, 2}, 50, 1}, {[]float64{1, 2}, 51, 2},
	}
	for _, c := range cases {
		if got := percentile(append([]float64(nil), c.xs...), c.p); got != c.want {
			t.Errorf("percentile(%d values, %v) = %v, want %v", len(c.xs), c.p, got, c.want)
		}
	}
	if !math.IsNaN(percentile(nil, 99)) {
		t.Error("percentile of nothing: want NaN")
	}
}

func TestParseSysbench(t *testing.T) {
	// Captured from sysbench 1.0.20 oltp_read_write against PostgreSQL 15.
	out, err := os.ReadFile(filepath.Join("testdata", "sysbench-oltp_read_write.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseSysbench(string(out))
	if err != nil {
		t.Fatal(err)
	}
	want := sysbenchResult{TPS: 176.52, Errors: 8, AvgMS: 11.30, P99MS: 25.28}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// A run that died in prepare or mid-run has no summary.
	if _, err := parseSysbench("FATAL: PQexec() failed: 7 null value in column \"id\"\n"); err != errNoSysbenchSummary {
		t.Fatalf("error = %v, want errNoSysbenchSummary", err)
	}
}

func TestProcFields(t *testing.T) {
	status := "Name:\tnqdb\nVmPeak:\t 1000 kB\nVmHWM:\t  163840 kB\nVmRSS:\t  120000 kB\n"
	if kb, ok := statusKB(status, "VmHWM"); !ok || kb != 163840 {
		t.Errorf("VmHWM = %d, %v", kb, ok)
	}
	if _, ok := statusKB(status, "Pss"); ok {
		t.Error("Pss is not in the text")
	}
	rollup := "55d0-7ffc ---p 00000000 00:00 0 [rollup]\nRss:  2048 kB\nPss:  1024 kB\nPss_Anon: 512 kB\n"
	if kb, ok := statusKB(rollup, "Pss"); !ok || kb != 1024 {
		t.Errorf("Pss = %d, %v", kb, ok)
	}
	for _, c := range []struct {
		stat string
		ppid int
		ok   bool
	}{
		{"4242 (postgres) S 4100 4100 4100 0 -1", 4100, true},
		{"4243 (postgres: a) b) S 4100 4100", 4100, true},
		{"garbage", 0, false},
	} {
		if ppid, ok := parentPID(c.stat); ppid != c.ppid || ok != c.ok {
			t.Errorf("parentPID(%q) = %d, %v; want %d, %v", c.stat, ppid, ok, c.ppid, c.ok)
		}
	}
}

func TestPgMemory(t *testing.T) {
	for in, want := range map[string]string{"128MiB": "128MB", "1GiB": "1GB", "512kB": "512kB", "64MB": "64MB", "x": "", "1.5GiB": ""} {
		got, err := pgMemory(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("pgMemory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzParseOutputs feeds arbitrary client output to the parsers: no
// panics, and a parsed latency is a number.
func FuzzParseOutputs(f *testing.F) {
	if out, err := os.ReadFile(filepath.Join("testdata", "sysbench-oltp_read_write.txt")); err == nil {
		f.Add(string(out))
	}
	f.Add("0 199 2241 0 1175850568 995598\n")
	f.Add("4243 (postgres: a) b) S 4100 4100")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseSysbench(s)
		lat, err := pgbenchLogLatencies(nil, strings.NewReader(s))
		if err == nil && len(lat) > 0 {
			if p := percentile(lat, 99); math.IsNaN(p) || p < lat[0] || p > lat[len(lat)-1] {
				t.Fatalf("p99 of %v is %v", lat, p)
			}
		}
		_, _ = parentPID(s)
		_, _ = statusKB(s, "VmHWM")
	})
}
