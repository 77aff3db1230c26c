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
			Name: "nqdb_query_duration_seconds", Help: "Duration of simple-protocol Query messages.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nqdb_errors_total", Help: "Errors sent to clients, by SQLSTATE class.",
		}, []string{"class"}),
	}
	m.Registry.MustRegister(m.connections, m.connAttempts, m.authFailures, m.queries, m.errors,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observeQuery(d time.Duration) { m.queries.Observe(d.Seconds()) }

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
