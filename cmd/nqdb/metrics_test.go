package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsExposition scrapes a running nqdb's /metrics after some work
// and parses it with Prometheus' own text parser, so that a malformed
// exposition (a bad label, a histogram without +Inf, a type clash) fails
// here rather than in a Prometheus server. It also checks /ready and that
// the profiler answers only with --pprof.
func TestMetricsExposition(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port, httpPort := freePort(t), freePort(t)
	startNqdb(t, port, nil, "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--http", fmt.Sprintf("127.0.0.1:%d", httpPort), "--data-dir", filepath.Join(t.TempDir(), "d"),
		"--log-level", "warn", "--pprof")
	web := fmt.Sprintf("http://127.0.0.1:%d", httpPort)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"create table m (k int primary key, v text)",
		"insert into m select g, 'v' || g from generate_series(1, 500) g",
		"select count(*) from m",
		"select v from m where k = 7",
		"select 1/0", // an error, counted by class
	} {
		_, _ = conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol)
	}

	code, body := httpGet(t, web+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("Prometheus' text parser rejects /metrics: %v\n%.3000s", err, body)
	}
	want := []struct {
		name string
		typ  dto.MetricType
		// check looks at the family's first metric; nil accepts any value.
		check func(m *dto.Metric) string
	}{
		{"nqdb_connections", dto.MetricType_GAUGE, func(m *dto.Metric) string {
			if v := m.GetGauge().GetValue(); v != 1 {
				return fmt.Sprintf("= %v, want 1 (one client connected)", v)
			}
			return ""
		}},
		{"nqdb_query_duration_seconds", dto.MetricType_HISTOGRAM, func(m *dto.Metric) string {
			if n := m.GetHistogram().GetSampleCount(); n < 4 {
				return fmt.Sprintf("count %d, want at least the 4 successful queries", n)
			}
			return ""
		}},
		{"nqdb_errors_total", dto.MetricType_COUNTER, func(m *dto.Metric) string {
			for _, l := range m.GetLabel() {
				if l.GetName() == "class" && l.GetValue() == "22" && m.GetCounter().GetValue() >= 1 {
					return ""
				}
			}
			return fmt.Sprintf("want class 22 (division_by_zero) counted, got %v", m)
		}},
		{"nqdb_buffer_pool_hit_ratio", dto.MetricType_GAUGE, func(m *dto.Metric) string {
			if v := m.GetGauge().GetValue(); v <= 0 || v > 1 {
				return fmt.Sprintf("= %v, want in (0, 1]", v)
			}
			return ""
		}},
		{"nqdb_buffer_pool_hits_total", dto.MetricType_COUNTER, func(m *dto.Metric) string {
			if m.GetCounter().GetValue() == 0 {
				return "no hits after 500 inserts and two scans"
			}
			return ""
		}},
		{"nqdb_buffer_pool_evictions_total", dto.MetricType_COUNTER, nil},
		{"nqdb_wal_bytes_written_total", dto.MetricType_COUNTER, func(m *dto.Metric) string {
			if m.GetCounter().GetValue() == 0 {
				return "no WAL bytes after a committed insert"
			}
			return ""
		}},
		{"nqdb_wal_fsyncs_total", dto.MetricType_COUNTER, nil},
		{"nqdb_wal_flush_seconds_total", dto.MetricType_COUNTER, func(m *dto.Metric) string {
			if m.GetCounter().GetValue() <= 0 {
				return "no flush time after a committed insert"
			}
			return ""
		}},
		{"nqdb_statement_duration_seconds", dto.MetricType_HISTOGRAM, func(m *dto.Metric) string {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "select" && m.GetHistogram().GetSampleCount() > 0 {
					return ""
				}
			}
			return fmt.Sprintf("want select statements counted, got %v", m)
		}},
		{"nqdb_slow_statements_total", dto.MetricType_COUNTER, nil},
		{"nqdb_commits_total", dto.MetricType_COUNTER, nil},
		{"nqdb_lock_waits_total", dto.MetricType_COUNTER, nil},
		{"go_memstats_heap_inuse_bytes", dto.MetricType_GAUGE, nil},
		{"process_resident_memory_bytes", dto.MetricType_GAUGE, nil},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER, nil},
	}
	for _, w := range want {
		f := fams[w.name]
		if f == nil {
			t.Errorf("/metrics lacks %s", w.name)
			continue
		}
		if f.GetType() != w.typ {
			t.Errorf("%s is a %v, want %v", w.name, f.GetType(), w.typ)
			continue
		}
		if w.check != nil && len(f.GetMetric()) > 0 {
			// errors_total has one series per class: try each.
			msg := ""
			for _, m := range f.GetMetric() {
				if msg = w.check(m); msg == "" {
					break
				}
			}
			if msg != "" {
				t.Errorf("%s: %s", w.name, msg)
			}
		}
	}
	for name := range fams {
		if !strings.HasPrefix(name, "nqdb_") && !strings.HasPrefix(name, "go_") &&
			!strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
			t.Errorf("metric %s outside the nqdb_, go_ and process_ namespaces", name)
		}
	}

	for _, c := range []struct {
		path string
		code int
	}{
		{"/health", 200}, {"/ready", 200}, {"/debug/pprof/heap?debug=1", 200}, {"/debug/pprof/", 200},
	} {
		if got, body := httpGet(t, web+c.path); got != c.code {
			t.Errorf("GET %s = %d, want %d: %.200s", c.path, got, c.code, body)
		}
	}
}

// TestPprofOffByDefault: without --pprof the profiler is not served.
func TestPprofOffByDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port, httpPort := freePort(t), freePort(t)
	startNqdb(t, port, nil, "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--http", fmt.Sprintf("127.0.0.1:%d", httpPort), "--data-dir", filepath.Join(t.TempDir(), "d"),
		"--log-level", "warn")
	for _, c := range []struct {
		path string
		code int
	}{{"/ready", 200}, {"/debug/pprof/heap", 404}, {"/debug/pprof/profile?seconds=1", 404}} {
		if got, _ := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d%s", httpPort, c.path)); got != c.code {
			t.Errorf("GET %s = %d, want %d", c.path, got, c.code)
		}
	}
}
