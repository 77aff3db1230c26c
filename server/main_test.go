package server_test

import (
	"fmt"
	"net"
	"os"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
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

// startServer starts nqdb with cfg (Listen defaults to 127.0.0.1:0);
// NQDB_TEST_LOG=1 shows its log.
func startServer(tb testing.TB, cfg server.Config) *testServer {
	tb.Helper()
	if cfg.Logger == nil {
		if t, ok := tb.(*testing.T); ok && os.Getenv("NQDB_TEST_LOG") != "" {
			cfg.Logger = zaptest.NewLogger(t)
		}
	}
	srv, ta := testserver.Start(tb, cfg)
	return &testServer{Server: srv, Host: ta.IP.String(), Port: ta.Port}
}
