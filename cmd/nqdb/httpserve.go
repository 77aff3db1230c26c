package main

import (
	"net/http"
	"net/http/pprof"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/server"
)

// httpHandler is serve's HTTP listener: the server's /health and /metrics,
// /ready, and with --pprof Go's profiler under /debug/pprof/.
//
// /health answers whether the process is alive (503 only while shutting
// down); /ready whether it should get traffic: 200 once the PostgreSQL
// listener is serving, 503 before that and from the start of a shutdown, so
// that a load balancer stops sending new clients before the connections
// are closed.
//
// The profiler is off by default: a CPU or trace profile costs the server
// throughput while it runs and a heap profile shows query texts, so it is
// opened only on purpose (the bench/ scripts pass --pprof).
func httpHandler(srv *server.Server, ready *atomic.Bool, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", srv.HTTPHandler())
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, allocs, goroutine, mutex, block, ...
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}
