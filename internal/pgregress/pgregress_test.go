package pgregress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// scriptTimeout bounds one psql run; a hung statement must not stall the
// whole of go test ./...
const scriptTimeout = 90 * time.Second

func TestPgRegress(t *testing.T) {
	corpus := findCorpus(t)
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal("psql not found")
		}
		t.Skip("psql not found")
	}
	scripts, err := filepath.Glob(filepath.Join(corpus, "sql", "*.sql"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in %s: %v", corpus, err)
	}
	sort.Strings(scripts)
	basePath := filepath.Join("testdata", "baseline.txt")
	base := map[string]int{}
	if f, err := os.Open(basePath); err == nil {
		base, err = ParseBaseline(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	outDir := os.Getenv("NQDB_PGREGRESS_OUT")
	if outDir == "" {
		outDir = filepath.Join(os.TempDir(), "nqdb-pgregress")
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	showDiffs := testing.Verbose() && os.Getenv("NQDB_PGREGRESS_DIFFS") != "0"
	setup := filepath.Join(corpus, "sql", "setup.sql")

	var results []Result
	record := func(t *testing.T, name, got string) {
		want, err := os.ReadFile(filepath.Join(corpus, "expected", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		ops := Diff(SplitLines(string(want)), SplitLines(got))
		r := Result{Name: name, Matched: Matched(ops), Total: len(SplitLines(string(want)))}
		results = append(results, r)
		d := Unified(ops, 3)
		if d != "" {
			d = "--- expected/" + name + ".out\n+++ nqdb\n" + d
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".out"), []byte(got), 0o644); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".diff"), []byte(d), 0o644); err != nil {
			t.Error(err)
		}
		if showDiffs && d != "" {
			t.Logf("%s: %d/%d lines match; diff (-expected +nqdb):\n%s", name, r.Matched, r.Total, d)
		}
		if b, ok := base[name]; ok && r.Matched < b {
			t.Errorf("%s: %d of %d expected lines match, below the baseline %d (diff in %s)",
				name, r.Matched, r.Total, b, filepath.Join(outDir, name+".diff"))
		}
	}

	setupDone := false
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".sql")
		if name == "setup" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			// A fresh database per script, as pg_regress makes one: the
			// scripts change the tables setup.sql fills.
			_, addr := testserver.Start(t, server.Config{})
			dsn := fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", addr.IP, addr.Port)
			setupOut := runPsql(t, psql, dsn, setup)
			if !setupDone {
				// setup.out is compared once: it is the same every time.
				record(t, "setup", setupOut)
				setupDone = true
			}
			record(t, name, runPsql(t, psql, dsn, script))
		})
	}

	report := FormatReport(results, base)
	t.Logf("pg_regress scripts against nqdb (diffs in %s):\n%s", outDir, report)
	if err := os.WriteFile(filepath.Join(outDir, "report.txt"), []byte(report), 0o644); err != nil {
		t.Error(err)
	}
	if os.Getenv("NQDB_PGREGRESS_UPDATE") != "" {
		if err := os.MkdirAll(filepath.Dir(basePath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(basePath, []byte(FormatBaseline(results)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", basePath)
		return
	}
	for _, r := range results {
		if b, ok := base[r.Name]; ok && r.Matched > b {
			t.Logf("%s: %d lines match, above the baseline %d: raise it with NQDB_PGREGRESS_UPDATE=1", r.Name, r.Matched, b)
		}
	}
}

// runPsql feeds script to psql on standard input the way the corpus README
// (and pg_regress) runs it and returns stdout and stderr together.
func runPsql(t *testing.T, psql, dsn, script string) string {
	t.Helper()
	in, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, "-X", "-a", "-q", "-v", "ON_ERROR_STOP=0",
		"-v", "HIDE_TABLEAM=on", "-v", "HIDE_TOAST_COMPRESSION=on", "-d", dsn)
	cmd.Env = psqlEnv()
	cmd.Stdin = in
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		// psql exits 1 or 2 when the connection fails or dies; the output
		// then says why, and the comparison counts what is missing.
		t.Logf("psql %s: %v", filepath.Base(script), err)
		if ctx.Err() != nil {
			t.Errorf("psql %s: timed out after %v", filepath.Base(script), scriptTimeout)
		}
	}
	return out.String()
}

// psqlEnv is the caller's environment without libpq and locale variables,
// plus the corpus README's client settings.
func psqlEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" || k == "PSQLRC" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"LC_ALL=C",
		"PGTZ=PST8PDT",
		"PGDATESTYLE=Postgres, MDY",
		"PGOPTIONS=-c intervalstyle=postgres_verbose",
		"PGCLIENTENCODING=UTF8",
		"PGCONNECT_TIMEOUT=10",
	)
}

// findCorpus locates ../shared/corpus/pg_regress beside the repository
// root (the directory with go.mod), or $NQDB_PGREGRESS_CORPUS; it skips the
// test when the corpus is not there.
func findCorpus(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("NQDB_PGREGRESS_CORPUS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus", "pg_regress")
	if _, err := os.Stat(filepath.Join(c, "sql", "setup.sql")); err != nil {
		t.Skipf("pg_regress corpus not found at %s", c)
	}
	return c
}
