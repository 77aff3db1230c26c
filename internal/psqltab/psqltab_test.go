package psqltab

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// term is one interactive psql on a pseudo-terminal.
type term struct {
	cmd *exec.Cmd
	f   *os.File
	mu  sync.Mutex
	buf []byte
}

func startPsql(t *testing.T, psql, dsn string) *term {
	t.Helper()
	cmd := exec.Command(psql, "-X", dsn)
	cmd.Env = append(os.Environ(), "TERM=xterm", "PSQLRC=/dev/null", "PSQL_HISTORY=/dev/null", "INPUTRC=/dev/null",
		"PAGER=", "COLUMNS=100", "LINES=40")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		t.Fatalf("starting psql on a pty: %v", err)
	}
	tm := &term{cmd: cmd, f: f}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			tm.mu.Lock()
			tm.buf = append(tm.buf, b[:n]...)
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		f.Write([]byte("\x03\\q\n"))
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		f.Close()
	})
	tm.prompt(10 * time.Second)
	tm.take()
	return tm
}

// take returns and clears what was read.
func (tm *term) take() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	s := string(tm.buf)
	tm.buf = nil
	return s
}

// noise is terminal control output that says nothing about completions:
// bracketed-paste toggles and the bell readline rings when it lists.
var noise = regexp.MustCompile(`\x1b\[\?2004[hl]|\x07`)

// clearScreen is what readline prints for Ctrl-L. It is typed after the
// TABs, and readline handles keys in order, so once it shows up the
// completion before it is complete, however long the server took.
const clearScreen = "\x1b[H\x1b[2J"

// complete types input and two TABs, returns what psql printed, and
// clears the line.
func (tm *term) complete(input string) string {
	tm.f.Write([]byte(input + "\t\t\x0c"))
	out := "(no answer from psql)"
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		tm.mu.Lock()
		s := string(tm.buf)
		tm.mu.Unlock()
		if i := strings.Index(s, clearScreen); i >= 0 {
			out = noise.ReplaceAllString(s[:i], "")
			break
		}
	}
	tm.f.Write([]byte("\x03"))
	tm.prompt(5 * time.Second)
	tm.take()
	return out
}

// prompt waits until the output ends with an empty psql prompt.
func (tm *term) prompt(max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		tm.mu.Lock()
		s := noise.ReplaceAllString(string(tm.buf), "")
		tm.mu.Unlock()
		if strings.HasSuffix(s, "=# ") {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func readInputs(t *testing.T) []string {
	f, err := os.Open(filepath.Join("testdata", "completions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "# ") && l != "#" {
			out = append(out, l)
		}
	}
	return out
}

func loadSchema(t *testing.T, dsn string) {
	t.Helper()
	sql, err := os.ReadFile(filepath.Join("testdata", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, string(sql)); err != nil {
		t.Fatalf("schema: %v", err)
	}
}

func TestTabCompletion(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal("psql not found")
		}
		t.Skip("psql not found")
	}
	pg := pgoracle.Shared(t)
	admin, err := pgx.Connect(context.Background(), pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"drop database if exists psqltab", "create database psqltab"} {
		if _, err := admin.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	admin.Close(context.Background())
	pgDSN := fmt.Sprintf("postgres://postgres@%s/psqltab?sslmode=disable", pg.Addr())
	_, addr := testserver.Start(t, server.Config{})
	nqDSN := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr)
	loadSchema(t, pgDSN)
	loadSchema(t, nqDSN)
	// nqdb's database is called postgres, PostgreSQL's here psqltab:
	// prompts differ only in that.
	want, got := startPsql(t, psql, pgDSN), startPsql(t, psql, nqDSN)
	for _, in := range readInputs(t) {
		// Both terminals at once: each waits on its server.
		var w, g string
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); w = strings.ReplaceAll(want.complete(in), "psqltab=", "postgres=") }()
		g = got.complete(in)
		wg.Wait()
		if w != g {
			t.Errorf("completing %q:\n postgres: %q\n nqdb:     %q", in, w, g)
		}
	}
}
