// Package testserver starts an in-process nqdb for tests: a fresh data
// directory, a loopback port, and a shutdown (server, then engine) when
// the test ends.
package testserver

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Start serves cfg (Listen defaults to 127.0.0.1:0, Logger to none) over a
// new database in tb.TempDir() and returns the server and its address.
func Start(tb testing.TB, cfg server.Config) (*server.Server, *net.TCPAddr) {
	tb.Helper()
	srv, addr, _ := StartEngine(tb, cfg)
	return srv, addr
}

// StartEngine is Start that also returns the engine, for tests that check
// the database behind the server's back (executor.Engine.Check).
func StartEngine(tb testing.TB, cfg server.Config) (*server.Server, *net.TCPAddr, *executor.Engine) {
	tb.Helper()
	return StartWith(tb, cfg, storage.Options{})
}

// StartWith is StartEngine with storage options: Dir defaults to a new
// tb.TempDir(), BufferPool to 8 MiB (small, so tests exercise eviction).
func StartWith(tb testing.TB, cfg server.Config, opts storage.Options) (*server.Server, *net.TCPAddr, *executor.Engine) {
	tb.Helper()
	if opts.Dir == "" {
		opts.Dir = tb.TempDir()
	}
	if opts.BufferPool == 0 {
		opts.BufferPool = 8 << 20
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	engine, err := executor.OpenEngine(opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(cfg, engine)
	if err != nil {
		tb.Fatal(err)
	}
	addr, err := srv.Listen()
	if err != nil {
		tb.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-errc; err != nil {
			tb.Errorf("Serve: %v", err)
		}
		if err := engine.Close(); err != nil {
			tb.Errorf("closing the engine: %v", err)
		}
	})
	return srv, addr.(*net.TCPAddr), engine
}
