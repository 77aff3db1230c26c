package slt

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

var update = flag.Bool("update", false, "rerun the corpus on PostgreSQL and rewrite testdata/postgres-fails.txt")

const failsFile = "testdata/postgres-fails.txt"

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// corpus returns the corpus directory and its files, filtered by
// $NQDB_SLT_FILES (a regexp over the relative names); it skips the test
// when the corpus is not there.
func corpus(t *testing.T) (string, []string) {
	t.Helper()
	dir, err := FindCorpus(".")
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	files, err := CorpusFiles(dir)
	if err != nil || len(files) == 0 {
		t.Fatalf("no .test files in %s: %v", dir, err)
	}
	if re := os.Getenv("NQDB_SLT_FILES"); re != "" {
		rx := regexp.MustCompile(re)
		var keep []string
		for _, f := range files {
			if rx.MatchString(f) {
				keep = append(keep, f)
			}
		}
		files = keep
	}
	return dir, files
}

// mustPass reports whether every record of file must pass (PostgreSQL
// passes all of select1-5); for the other files only those PostgreSQL
// passes must.
func mustPass(file string) bool { return strings.HasPrefix(file, "select") }

// readFails loads postgres-fails.txt: one "file:line" per line, anything
// after white space and lines starting with "#" being comments.
func readFails(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(failsFile)
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./internal/slt -run TestPostgres -args -update)", err)
	}
	defer f.Close()
	m := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.Fields(line)[0]] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPostgres runs the corpus on PostgreSQL 15, a fresh database per
// file. select1-5 must pass entirely; with -update the records PostgreSQL
// fails elsewhere are written to testdata/postgres-fails.txt, otherwise
// they must equal that list. It is off by default (it doubles the time of
// the package): NQDB_SLT_PG=1 or -update runs it.
func TestPostgres(t *testing.T) {
	if !*update && os.Getenv("NQDB_SLT_PG") == "" {
		t.Skip("NQDB_SLT_PG=1 or -update runs the corpus on PostgreSQL")
	}
	dir, files := corpus(t)
	if *update && os.Getenv("NQDB_SLT_FILES") != "" {
		t.Fatal("-update needs the whole corpus: unset NQDB_SLT_FILES")
	}
	pg := pgoracle.Shared(t)
	ctx := context.Background()
	var got []Failure
	for i, file := range files {
		conn, drop := postgresDB(t, pg, fmt.Sprintf("slt_%d", i))
		res, err := RunFile(ctx, conn, filepath.Join(dir, file), file,
			Options{Timeout: time.Minute, SlowAfter: 500 * time.Millisecond})
		drop()
		if err != nil {
			t.Fatal(err)
		}
		t.Log(res.Summary())
		for _, s := range res.Slow {
			t.Logf("slow: %s took %v: %.120s", s.Key, s.Elapsed.Round(time.Millisecond), s.SQL)
		}
		if mustPass(file) {
			for _, f := range res.Failures {
				t.Errorf("PostgreSQL fails %s", f)
			}
			continue
		}
		got = append(got, res.Failures...)
	}
	if *update {
		writeFails(t, got)
		return
	}
	want := readFails(t)
	have := map[string]bool{}
	for _, f := range got {
		have[f.Key()] = true
		if !want[f.Key()] {
			t.Errorf("PostgreSQL fails a record not in %s: %s", failsFile, f)
		}
	}
	for k := range want {
		file := k[:strings.LastIndexByte(k, ':')]
		if !have[k] && containsFile(files, file) {
			t.Errorf("%s lists %s, which PostgreSQL passes", failsFile, k)
		}
	}
}

func containsFile(files []string, f string) bool {
	for _, x := range files {
		if x == f {
			return true
		}
	}
	return false
}

func writeFails(t *testing.T, fails []Failure) {
	t.Helper()
	sort.Slice(fails, func(i, j int) bool {
		if fails[i].File != fails[j].File {
			return fails[i].File < fails[j].File
		}
		return fails[i].Line < fails[j].Line
	})
	var b strings.Builder
	b.WriteString("# Records of the sqllogictest corpus (../shared/corpus/sqllogictest) that PostgreSQL 15 fails:\n")
	b.WriteString("# file:line of the record's first line, then why. Generated; do not edit. Regenerate with\n")
	b.WriteString("#   go test ./internal/slt -run TestPostgres -args -update\n")
	for _, f := range fails {
		msg := f.Msg
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if len(msg) > 100 {
			msg = msg[:100] + "..."
		}
		fmt.Fprintf(&b, "%s  # %s\n", f.Key(), msg)
	}
	if err := os.WriteFile(failsFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d records to %s", len(fails), failsFile)
}

// TestNqdb runs every corpus file on a fresh nqdb. A record must pass
// unless PostgreSQL fails it too (postgres-fails.txt); select1-5 must pass
// entirely. Counts per file and in total are logged (go test -v).
// NQDB_SLT_OUT=file writes every failure there, for triage.
func TestNqdb(t *testing.T) {
	dir, files := corpus(t)
	known := readFails(t)
	maxReport := 20
	if s := os.Getenv("NQDB_SLT_MAXREPORT"); s != "" {
		maxReport, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	var (
		mu                          sync.Mutex
		total                       FileResult
		knownFails, unexpectedFails int
		all                         []Failure
		slow                        []Slow
	)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			_, addr := testserver.Start(t, server.Config{})
			conn, err := Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			res, err := RunFile(ctx, conn, filepath.Join(dir, file), file,
				Options{Timeout: 30 * time.Second, SlowAfter: 500 * time.Millisecond, OnSlow: func(s Slow) {
					t.Logf("slow: %s took %v: %.120s", s.Key, s.Elapsed.Round(time.Millisecond), s.SQL)
				}})
			if err != nil {
				t.Fatal(err)
			}
			reported, unexpected := 0, 0
			for _, f := range res.Failures {
				if !mustPass(file) && known[f.Key()] {
					continue
				}
				unexpected++
				if reported < maxReport {
					t.Errorf("%s", f)
					reported++
				}
			}
			if unexpected > reported {
				t.Errorf("... and %d more failures", unexpected-reported)
			}
			t.Log(res.Summary())
			mu.Lock()
			defer mu.Unlock()
			total.Passed += res.Passed
			total.Failed += res.Failed
			total.Skipped += res.Skipped
			total.Elapsed += res.Elapsed
			knownFails += res.Failed - unexpected
			unexpectedFails += unexpected
			all = append(all, res.Failures...)
			slow = append(slow, res.Slow...)
		})
	}
	total.File = "total"
	t.Logf("%s; %d of the failures PostgreSQL shares, %d not", total.Summary(), knownFails, unexpectedFails)
	if out := os.Getenv("NQDB_SLT_OUT"); out != "" {
		var b strings.Builder
		for _, f := range all {
			fmt.Fprintf(&b, "%s\t%v\n", f, known[f.Key()])
		}
		for _, s := range slow {
			fmt.Fprintf(&b, "SLOW %s %v\n", s.Key, s.Elapsed)
		}
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// postgresDB makes a fresh database db on pg and connects to it with JIT
// off; drop closes the connection and drops the database.
func postgresDB(tb testing.TB, pg *pgoracle.Server, db string) (conn *pgconn.PgConn, drop func()) {
	tb.Helper()
	ctx := context.Background()
	admin, err := pgconn.Connect(ctx, pg.DSN())
	if err != nil {
		tb.Fatal(err)
	}
	for _, q := range []string{"DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db} {
		if _, err := admin.Exec(ctx, q).ReadAll(); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	conn, err = Connect(ctx, fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", pg.Addr(), db))
	if err != nil {
		tb.Fatal(err)
	}
	// Without statistics PostgreSQL estimates thousands of rows per
	// table, and the cross joins of random/select then cost enough to be
	// JIT-compiled: about 0.5 s each, minutes per file.
	if _, err := conn.Exec(ctx, "SET jit = off").ReadAll(); err != nil {
		tb.Fatal(err)
	}
	return conn, func() {
		conn.Close(ctx)
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db).ReadAll()
		admin.Close(ctx)
	}
}
