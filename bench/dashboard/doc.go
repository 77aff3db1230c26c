// Package dashboard holds only a test: every metric that
// docs/grafana-dashboard.json queries must be one a running nqdb exports
// on /metrics, so that renaming a metric in server/ without updating the
// dashboard fails `make test`.
package dashboard
