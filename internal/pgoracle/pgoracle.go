// Package pgoracle starts a throwaway PostgreSQL 15 server for tests: the
// oracle that differential tests compare nqdb against.
//
// The server lives in a temporary directory, listens on a free loopback port,
// trusts every connection and is stopped by the returned function. When the
// test process runs as root, initdb and postgres (which refuse root) run as
// the "postgres" system user.
package pgoracle

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Server is a running PostgreSQL instance.
type Server struct {
	Host string
	Port int
	dir  string
	cred *syscall.Credential
	bin  string
}

// DSN returns a libpq connection URL for database postgres as user postgres.
func (s *Server) DSN() string {
	return fmt.Sprintf("postgres://postgres@%s:%d/postgres?sslmode=disable", s.Host, s.Port)
}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// binDir finds PostgreSQL's server binaries: $PG_BINDIR, pg_config, then the
// Debian location of version 15.
func binDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	for _, d := range []string{"/usr/lib/postgresql/15/bin"} {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pgoracle: PostgreSQL server binaries (initdb) not found; set PG_BINDIR")
}

// FreePort asks the kernel for an unused loopback TCP port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start initialises and starts a new server. extraConf lines are appended
// to postgresql.conf.
func Start(extraConf ...string) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgoracle-")
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("pgoracle: running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		return nil, fmt.Errorf("pgoracle: initdb: %v\n%s", err, out)
	}
	conf := []string{"fsync = off", "synchronous_commit = off", "full_page_writes = off",
		"listen_addresses = '127.0.0.1'", "unix_socket_directories = '" + dir + "'",
		"max_connections = 100", "timezone = 'UTC'", "log_timezone = 'UTC'"}
	conf = append(conf, extraConf...)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	_, _ = f.WriteString(strings.Join(conf, "\n") + "\n")
	f.Close()
	for attempt := 0; attempt < 5; attempt++ {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		s.Port = port
		out, err := s.run("pg_ctl", "-D", data, "-w", "-t", "60", "-l", filepath.Join(dir, "log"),
			"-o", "-p "+strconv.Itoa(port), "start")
		if err == nil {
			return s, nil
		}
		if attempt == 4 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			return nil, fmt.Errorf("pgoracle: pg_ctl start: %v\n%s\n%s", err, out, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s, nil
}

func (s *Server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

// Stop shuts the server down and removes its directory.
func (s *Server) Stop() {
	_, _ = s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns one server per test binary, started on first use. Tests
// that need it call it; TestMain should call StopShared after m.Run. When
// PostgreSQL is not installed the test is skipped unless NQDB_REQUIRE_PG is
// set (CI sets it, so a missing oracle fails there).
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		if os.Getenv("NQDB_REQUIRE_PG") == "" {
			tb.Skipf("PostgreSQL oracle unavailable: %v", sharedErr)
		}
		tb.Fatalf("PostgreSQL oracle unavailable: %v", sharedErr)
	}
	return shared
}

// StopShared stops the server Shared started, if any.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Connect opens a pgconn connection to the Shared server as postgres and
// closes it when the test ends.
func Connect(tb testing.TB) *pgconn.PgConn {
	tb.Helper()
	srv := Shared(tb)
	conn, err := pgconn.Connect(context.Background(), srv.DSN())
	if err != nil {
		tb.Fatalf("connecting to the PostgreSQL oracle: %v", err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}
