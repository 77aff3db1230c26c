package server_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// testServer is a real nqdb server on a loopback port, stopped at the end
// of the test.
type testServer struct {
	*server.Server
	Host string
	Port int
}

// DSN returns a libpq URL for the server (sslmode=disable unless TLS is
// configured and the caller changes it).
func (s *testServer) DSN() string {
	return fmt.Sprintf("postgres://postgres@%s:%d/postgres?sslmode=disable", s.Host, s.Port)
}

// Addr returns host:port.
func (s *testServer) HostPort() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// startServer starts nqdb with cfg (Listen defaults to 127.0.0.1:0).
func startServer(tb testing.TB, cfg server.Config) *testServer {
	tb.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		if t, ok := tb.(*testing.T); ok && os.Getenv("NQDB_TEST_LOG") != "" {
			cfg.Logger = zaptest.NewLogger(t)
		} else {
			cfg.Logger = zap.NewNop()
		}
	}
	engine, err := executor.OpenEngine(storage.Options{Dir: tb.TempDir(), BufferPool: 8 << 20})
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
	ta := addr.(*net.TCPAddr)
	return &testServer{Server: srv, Host: ta.IP.String(), Port: ta.Port}
}
