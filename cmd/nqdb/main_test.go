package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestParseSize(t *testing.T) {
	cases := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"1", 1, false},
		{"512", 512, false},
		{"32MiB", 32 << 20, false},
		{"1GiB", 1 << 30, false},
		{"4KiB", 4 << 10, false},
		{"512kB", 512 << 10, false},
		{"512KB", 512 << 10, false},
		{"16MB", 16 << 20, false},
		{"2GB", 2 << 30, false},
		{"8K", 8 << 10, false},
		{"8M", 8 << 20, false},
		{"1G", 1 << 30, false},
		{"100B", 100, false},
		{" 64 MiB ", 64 << 20, false},
		{"", 0, true},
		{"MiB", 0, true},
		{"0", 0, true},
		{"-1MiB", 0, true},
		{"1.5GiB", 0, true},
		{"12XB", 0, true},
		{"abc", 0, true},
	}
	for _, c := range cases {
		got, err := parseSize(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseSize(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if got != c.want {
			t.Errorf("parseSize(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	defaults := options{
		listen: "127.0.0.1:5432", dataDir: "./nqdb-data", httpAddr: "127.0.0.1:9090", logLevel: "info",
		maxConnections: 100, bufferPool: "32MiB", shutdownWait: 30 * time.Second, memoryLimit: "auto",
	}
	with := func(f func(o *options)) options {
		o := defaults
		f(&o)
		return o
	}
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		want    options
		wantErr string
	}{
		{name: "defaults", want: defaults},
		{name: "flags", args: []string{"--listen", "0.0.0.0:6543", "--data-dir", "/d", "--http", "", "--log-level", "debug",
			"--auth", "md5", "--password", "pw", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--max-connections", "7",
			"--buffer-pool", "1GiB", "--shutdown-timeout", "5s", "--memory-limit", "2GiB", "--pprof"},
			want: options{listen: "0.0.0.0:6543", dataDir: "/d", httpAddr: "", logLevel: "debug", authMethod: "md5",
				password: "pw", tlsCert: "c.pem", tlsKey: "k.pem", maxConnections: 7, bufferPool: "1GiB", shutdownWait: 5 * time.Second,
				memoryLimit: "2GiB", pprof: true}},
		{name: "single dash and equals", args: []string{"-listen=127.0.0.1:1", "-max-connections=3"},
			want: with(func(o *options) { o.listen, o.maxConnections = "127.0.0.1:1", 3 })},
		{name: "env", env: map[string]string{"NQDB_LISTEN": "127.0.0.1:7000", "NQDB_DATA_DIR": "/env", "NQDB_PASSWORD": "secret",
			"NQDB_MAX_CONNECTIONS": "9", "NQDB_BUFFER_POOL": "64MiB", "NQDB_AUTH": "scram-sha-256", "NQDB_SHUTDOWN_TIMEOUT": "1m"},
			want: with(func(o *options) {
				o.listen, o.dataDir, o.password, o.maxConnections, o.bufferPool = "127.0.0.1:7000", "/env", "secret", 9, "64MiB"
				o.authMethod, o.shutdownWait = "scram-sha-256", time.Minute
			})},
		{name: "flag beats env", args: []string{"--listen", "127.0.0.1:1"}, env: map[string]string{"NQDB_LISTEN": "127.0.0.1:2"},
			want: with(func(o *options) { o.listen = "127.0.0.1:1" })},
		{name: "bad env int", env: map[string]string{"NQDB_MAX_CONNECTIONS": "many"}, wantErr: "NQDB_MAX_CONNECTIONS"},
		{name: "bad buffer pool", args: []string{"--buffer-pool", "lots"}, wantErr: "--buffer-pool"},
		{name: "bad env buffer pool", env: map[string]string{"NQDB_BUFFER_POOL": "0"}, wantErr: "--buffer-pool"},
		{name: "unknown flag", args: []string{"--nosuch"}, wantErr: "flag provided but not defined"},
		{name: "extra argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{name: "bad duration", args: []string{"--shutdown-timeout", "soon"}, wantErr: "invalid value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string { return c.env[k] }
			fsOut := os.Stderr
			// The flag package prints usage on errors; keep test output quiet.
			devnull, _ := os.Open(os.DevNull)
			os.Stderr = devnull
			o, err := parseFlags(c.args, getenv)
			os.Stderr = fsOut
			devnull.Close()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("parseFlags(%q) error = %v, want containing %q", c.args, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFlags(%q): %v", c.args, err)
			}
			if *o != c.want {
				t.Errorf("parseFlags(%q) =\n %+v\nwant\n %+v", c.args, *o, c.want)
			}
		})
	}
}

// FuzzParseSize checks that parseSize never panics and that what it
// accepts is positive.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "32MiB", "1GiB", "512kB", "", "-1", "9223372036854775807", "9223372036854775807GiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && n <= 0 {
			t.Errorf("parseSize(%q) = %d without error", s, n)
		}
	})
}

// ------------------------------------------------------------ the binary

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// nqdbBinary builds the command once per test run.
func nqdbBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nqdb-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nqdb")
		// -pgo=off: the tests check behaviour, and a PGO build (default.pgo
		// here) would compile every dependency a second time.
		out, err := exec.Command("go", "build", "-pgo=off", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is a running nqdb serve.
type proc struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error
}

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

// startNqdb runs `nqdb serve args...` with env added and waits until port
// accepts connections.
func startNqdb(t *testing.T, port int, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(nqdbBinary(t), append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, out: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("nqdb exited early: %v\n%s", p.err, p.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nqdb not listening on %d: %v\n%s", port, err, p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func psqlSelect1(t *testing.T, port int) {
	t.Helper()
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Log("psql not installed; checking with pgx only")
		return
	}
	cmd := exec.Command(psql, "-X", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres", "-tA", "-c", "select 1")
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10", "PGPASSWORD=", "PGOPTIONS=")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "1\n" {
		t.Fatalf("psql -c 'select 1': %v %q", err, out)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port, httpPort := freePort(t), freePort(t)
	data := filepath.Join(t.TempDir(), "data")
	p := startNqdb(t, port, nil, "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--http", fmt.Sprintf("127.0.0.1:%d", httpPort), "--data-dir", data, "--log-level", "warn")

	psqlSelect1(t, port)
	if st, err := os.Stat(data); err != nil || !st.IsDir() {
		t.Errorf("data directory not created: %v", err)
	}
	code, body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/health", httpPort))
	if code != http.StatusOK {
		t.Errorf("/health = %d %q", code, body)
	}

	// A connection held open shows up in nqdb_connections.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	code, body = httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", httpPort))
	if code != http.StatusOK || !strings.Contains(body, "nqdb_connections 1") {
		t.Errorf("/metrics = %d, want nqdb_connections 1 in:\n%.2000s", code, body)
	}

	// Graceful shutdown: a running statement finishes, then the process
	// exits with status 0.
	type result struct {
		v   int
		err error
	}
	resc := make(chan result, 1)
	go func() {
		var r result
		r.err = conn.QueryRow(ctx, "select 5 from pg_sleep(1)").Scan(&r.v)
		resc <- r
	}()
	// Signal only once the statement runs: busy for a while, not just the
	// short Parse/Describe/Sync that pgx sends first.
	var busySince time.Time
	for {
		if ctx.Err() != nil {
			t.Fatal("the statement never started")
		}
		_, m := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", httpPort))
		if !strings.Contains(m, "nqdb_busy_connections 1") {
			busySince = time.Time{}
		} else if busySince.IsZero() {
			busySince = time.Now()
		} else if time.Since(busySince) > 50*time.Millisecond {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-resc
	if r.err != nil || r.v != 5 {
		t.Errorf("statement running at SIGTERM: %v %v (want it to finish)", r.v, r.err)
	}
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatalf("nqdb still running 5s after SIGTERM\n%s", p.out)
	}
	if p.err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", p.err, p.out)
	}
	// The next statement on the connection finds it closed.
	if _, err := conn.Exec(ctx, "select 1"); err == nil {
		t.Error("connection still usable after shutdown")
	}
	// New connections are refused.
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
		c.Close()
		t.Error("port still accepting after shutdown")
	}
}

func TestServeEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	port := freePort(t)
	p := startNqdb(t, port, []string{
		fmt.Sprintf("NQDB_LISTEN=127.0.0.1:%d", port),
		"NQDB_DATA_DIR=" + filepath.Join(t.TempDir(), "d"),
		"NQDB_HTTP=127.0.0.1:0",
		"NQDB_LOG_LEVEL=error",
		"NQDB_PASSWORD=envpw",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// NQDB_PASSWORD enables scram-sha-256.
	_, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres:wrong@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err == nil || !strings.Contains(err.Error(), `password authentication failed for user "postgres"`) {
		t.Errorf("wrong password: %v", err)
	}
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres:envpw@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		t.Fatalf("NQDB_PASSWORD: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("select 1: %v", err)
	}
	_ = conn.Close(ctx)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("nqdb still running 5s after SIGINT")
	}
	if p.err != nil {
		t.Errorf("exit after SIGINT: %v\n%s", p.err, p.out)
	}
}

func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := nqdbBinary(t)
	cases := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"version"}, 0, "nqdb "},
		{[]string{"--version"}, 0, "PostgreSQL 15"},
		{nil, 2, "usage: nqdb"},
		{[]string{"nosuch"}, 2, `unknown command "nosuch"`},
		{[]string{"serve", "--nosuch"}, 1, "flag provided but not defined"},
		{[]string{"serve", "--auth", "kerberos", "--http", ""}, 1, `invalid authentication method "kerberos"`},
		{[]string{"serve", "--auth", "md5", "--http", ""}, 1, "needs a password"},
		{[]string{"serve", "--tls-cert", "x.pem", "--http", ""}, 1, "--tls-cert and --tls-key must be given together"},
		{[]string{"serve", "--listen", "256.0.0.1:1", "--http", ""}, 1, "nqdb:"},
		{[]string{"serve", "-h"}, 0, "-listen"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.wantCode || !strings.Contains(string(out), c.wantOut) {
			t.Errorf("nqdb %q: exit %d, output %q; want exit %d and %q", c.args, code, out, c.wantCode, c.wantOut)
		}
	}
}
