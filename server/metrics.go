package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics, in a registry of their own so
// that tests can run several servers in one process.
type Metrics struct {
	Registry     *prometheus.Registry
	connections  prometheus.Gauge
	connAttempts prometheus.Counter
	authFailures prometheus.Counter
	queries      prometheus.Histogram
	byKind       *prometheus.HistogramVec
	slow         prometheus.Counter
	errors       *prometheus.CounterVec
}

// NewMetrics creates the metrics and their registry (with Go runtime and
// process collectors).
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nqdb_connections", Help: "Client connections currently open.",
		}),
		connAttempts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nqdb_connection_attempts_total", Help: "TCP connections accepted.",
		}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nqdb_auth_failures_total", Help: "Failed authentication attempts.",
		}),
		queries: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nqdb_query_duration_seconds", Help: "Duration of statements, simple and extended protocol.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
		}),
		byKind: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nqdb_statement_duration_seconds", Help: "Duration of statements by kind (select, insert, update, delete, ddl, utility, ...).",
			Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
		}, []string{"kind"}),
		slow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nqdb_slow_statements_total", Help: "Statements that ran at least log_min_duration_statement (and were logged).",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nqdb_errors_total", Help: "Errors sent to clients, by SQLSTATE class.",
		}, []string{"class"}),
	}
	m.Registry.MustRegister(m.connections, m.connAttempts, m.authFailures, m.queries, m.byKind, m.slow, m.errors,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observeStatement counts one statement of the given kind.
func (m *Metrics) observeStatement(kind string, d time.Duration) {
	m.queries.Observe(d.Seconds())
	m.byKind.WithLabelValues(kind).Observe(d.Seconds())
}

func (m *Metrics) countError(code string) {
	class := "XX"
	if len(code) >= 2 {
		class = code[:2]
	}
	m.errors.WithLabelValues(class).Inc()
}

// HTTPHandler serves /health (200 "ok" while accepting connections, 503
// during shutdown) and /metrics. Go's /debug/pprof/ profiles are added by
// the command behind its --pprof flag (cmd/nqdb).
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.shutdown:
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ok\n"))
		}
	})
	mux.Handle("/metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
	return mux
}
