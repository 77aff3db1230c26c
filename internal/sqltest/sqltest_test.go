// Package sqltest runs SQL scripts through psql against PostgreSQL 15 and
// against nqdb and requires the same output: result tables, command tags,
// errors with their DETAIL and HINT, and notices, as a user sees them.
// Each file in testdata/ gets a fresh nqdb and a fresh PostgreSQL
// database, so scripts create what they need. Scripts order their
// results (ORDER BY) wherever the order is not defined.
//
// go test ./internal/sqltest -run TestScripts/NAME -v shows the diff of
// one script.
package sqltest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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

func TestScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal("psql not found")
		}
		t.Skip("psql not found")
	}
	pg := pgoracle.Shared(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			db := "sqltest_" + name
			adminConn(t, pg.DSN(), fmt.Sprintf("DROP DATABASE IF EXISTS %s", db), fmt.Sprintf("CREATE DATABASE %s", db))
			want := runPsql(t, psql, fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", pg.Addr(), db), f)
			_, addr := testserver.Start(t, server.Config{})
			got := runPsql(t, psql, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr), f)
			if got != want {
				t.Errorf("%s: output differs from PostgreSQL's (-postgres +nqdb):\n%s", f, diff(want, got))
			}
		})
	}
}

func adminConn(t *testing.T, dsn string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// psqlNoise are lines that differ between servers for reasons that are
// not the script's: none yet besides the file name prefix psql gives
// errors, which names the same file on both sides.
var psqlNoise = regexp.MustCompile(`(?m)^psql:[^:]*:(\d+): `)

// runPsql runs file with psql echoing every statement (-a), stderr merged
// into stdout in order, and returns the output.
// Extra arguments (such as -v name=value) go to psql before the file.
func runPsql(t *testing.T, psql, dsn, file string, extra ...string) string {
	t.Helper()
	args := append([]string{"-X", "-a", "-v", "VERBOSITY=default", "-v", "ON_ERROR_STOP=0",
		"-P", "pager=off", "-d", dsn}, extra...)
	cmd := exec.Command(psql, append(args, "-f", file)...)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10", "PGTZ=UTC", "PGDATESTYLE=ISO, MDY")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	return psqlNoise.ReplaceAllString(string(out), "psql:$1: ")
}

// diff is `diff -u` of the two outputs.
func diff(want, got string) string {
	dir, err := os.MkdirTemp("", "sqltest")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	a, b := filepath.Join(dir, "postgres"), filepath.Join(dir, "nqdb")
	if err := os.WriteFile(a, []byte(want), 0o600); err != nil {
		return err.Error()
	}
	if err := os.WriteFile(b, []byte(got), 0o600); err != nil {
		return err.Error()
	}
	out, _ := exec.Command("diff", "-u", a, b).CombinedOutput()
	return string(out)
}
