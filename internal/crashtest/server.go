package crashtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

// Package path of the server command, built with `go build`: a package path
// works from any directory inside the module, so no file path is needed.
const serverPkg = "github.com/neuroquantumdb/nqdb/cmd/nqdb"

// Build compiles the nqdb server into dir and returns the binary's path.
func Build(dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		// Test binaries started by `go test` may run with a PATH that lacks
		// go; GOROOT of the running toolchain has it.
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(dir, "nqdb")
	cmd := exec.Command(goBin, "build", "-pgo=off", "-o", out, serverPkg) // PGO would compile every dependency again
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", serverPkg, err, b)
	}
	return out, nil
}

// Server is one nqdb process.
type Server struct {
	Bin  string // the binary
	Dir  string // the data directory
	Host string
	Port int
	// HTTPPort serves /health and /metrics.
	HTTPPort int
	// Started is how long the process took from exec to accepting a
	// connection (recovery included).
	Started time.Duration

	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
}

// syncBuffer is the process's combined output; the process writes it from
// exec's copying goroutine while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Start runs `bin serve` on dataDir and a free loopback port and returns once
// it accepts connections. It retries with another port when the chosen one
// was taken in between.
func Start(bin, dataDir string) (*Server, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		s, err := start(bin, dataDir)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

func start(bin, dataDir string) (*Server, error) {
	port, err := pgoracle.FreePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := pgoracle.FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Bin: bin, Dir: dataDir, Host: "127.0.0.1", Port: port, HTTPPort: httpPort,
		out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--listen", net.JoinHostPort(s.Host, strconv.Itoa(port)),
		"--data-dir", dataDir, "--log-level", "warn", "--http", net.JoinHostPort(s.Host, strconv.Itoa(httpPort)))
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := pgconn.Connect(ctx, s.DSN())
		cancel()
		if err == nil {
			s.Started = time.Since(t0)
			_ = c.Close(context.Background())
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("nqdb exited during start-up (%v):\n%s", s.err, s.out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = s.Kill()
			return nil, fmt.Errorf("nqdb did not accept connections within 60 s: %v\n%s", err, s.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// DSN is a libpq URL for database postgres as user postgres.
func (s *Server) DSN() string {
	return fmt.Sprintf("postgres://postgres@%s:%d/postgres?sslmode=disable", s.Host, s.Port)
}

// Metric reads one unlabelled sample from the server's /metrics.
func (s *Server) Metric(name string) (float64, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://%s/metrics", net.JoinHostPort(s.Host, strconv.Itoa(s.HTTPPort))))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("metric %s not in /metrics", name)
}

// Output is what the process wrote to stdout and stderr so far.
func (s *Server) Output() string { return s.out.String() }

// Kill sends SIGKILL and waits until the process is gone.
func (s *Server) Kill() error {
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.done
	return nil
}

// Exited reports whether the process has ended (on its own: a crash).
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Stop asks the server to shut down (SIGTERM) and waits up to timeout; it
// kills the process when that runs out and reports the exit status.
func (s *Server) Stop(timeout time.Duration) error {
	if s.Exited() {
		return fmt.Errorf("nqdb had already exited: %v", s.err)
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
		return s.err
	case <-time.After(timeout):
		_ = s.Kill()
		return fmt.Errorf("nqdb did not stop within %v after SIGINT", timeout)
	}
}

// ErrNoCheck is returned by Check when the binary has no check subcommand.
var ErrNoCheck = errors.New("nqdb has no check subcommand")

// Check runs `bin check --data-dir dir`: recovery plus a structural and
// checksum verification of every tree.
func Check(bin, dir string) error {
	out, err := exec.Command(bin, "check", "--data-dir", dir).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "unknown command") {
			return ErrNoCheck
		}
		return fmt.Errorf("nqdb check: %v\n%s", err, out)
	}
	return nil
}

// CopyDir copies the regular files of directory tree src to dst (which
// must not exist): a snapshot of a data directory as a crash left it.
func CopyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// debianPgBin is where Debian and Ubuntu install PostgreSQL 15's programs
// (not on PATH there unless postgresql-client-common's wrappers are).
const debianPgBin = "/usr/lib/postgresql/15/bin"

// FindPgbench returns the path of pgbench: PATH first, then $PG_BINDIR,
// then Debian's location for version 15.
func FindPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	for _, d := range []string{os.Getenv("PG_BINDIR"), debianPgBin} {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "pgbench")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("pgbench not found on PATH, in $PG_BINDIR or in " + debianPgBin)
}
