package tpch_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/internal/tpch"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// settings of a run, from the environment:
//
//	NQDB_TPCH_TIMEOUT  statement_timeout per query on nqdb (default 5s)
//	NQDB_TPCH_MUST_TIMEOUT  the same for must-pass queries (default 60s: they
//	                   are checked for their answer, not their speed)
//	NQDB_TPCH_QUERIES  which queries, e.g. "1,6,14" (default all 22)
//	NQDB_TPCH_INDEXES  0 loads without indexes.sql (default 1)
//	NQDB_TPCH_DIR      the corpus (default ../shared/corpus/tpch beside the repository)
type settings struct {
	timeout, mustTimeout time.Duration
	queries              []int
	indexes              bool
}

func loadSettings(t *testing.T) settings {
	s := settings{timeout: 5 * time.Second, mustTimeout: time.Minute, indexes: os.Getenv("NQDB_TPCH_INDEXES") != "0"}
	for _, x := range []struct {
		name string
		dst  *time.Duration
	}{{"NQDB_TPCH_TIMEOUT", &s.timeout}, {"NQDB_TPCH_MUST_TIMEOUT", &s.mustTimeout}} {
		if v := os.Getenv(x.name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				t.Fatalf("%s=%q: want a positive duration such as 30s", x.name, v)
			}
			*x.dst = d
		}
	}
	if v := os.Getenv("NQDB_TPCH_QUERIES"); v != "" {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(f), "q"))
			if err != nil || n < 1 || n > tpch.NumQueries {
				t.Fatalf("NQDB_TPCH_QUERIES: %q is not a query number 1..22", f)
			}
			s.queries = append(s.queries, n)
		}
	} else {
		for n := 1; n <= tpch.NumQueries; n++ {
			s.queries = append(s.queries, n)
		}
	}
	return s
}

func corpus(t *testing.T) tpch.Corpus {
	t.Helper()
	c, err := tpch.FindCorpus()
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return c
}

// mustPass reads testdata/must-pass.txt: query names (q06), one per line,
// '#' starts a comment.
func mustPass(t *testing.T) map[string]bool {
	f, err := os.Open("testdata/must-pass.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		name, _, _ := strings.Cut(sc.Text(), "#")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(name, "q"))
		if err != nil || n < 1 || n > tpch.NumQueries || tpch.QueryName(n) != name {
			t.Fatalf("testdata/must-pass.txt:%d: %q is not a query name q01..q22", line, name)
		}
		m[name] = true
	}
	return m
}

func connect(t *testing.T, dsn string) *pgconn.PgConn {
	t.Helper()
	conn, err := pgconn.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// outcome is one query's result, for the summary.
type outcome struct {
	name string
	res  tpch.Result
	why  string
	must bool
}

// TestQueries loads the corpus into a fresh nqdb, runs the queries and
// compares with the answer files. Only must-pass queries fail the test;
// the summary at the end lists every query (go test -v shows it; it is
// also printed when the test fails).
func TestQueries(t *testing.T) {
	c := corpus(t)
	s := loadSettings(t)
	must := mustPass(t)
	_, addr, _ := testserver.StartWith(t, server.Config{}, storage.Options{BufferPool: 64 << 20})
	dsn := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr)
	ctx := context.Background()
	conn := connect(t, dsn)
	start := time.Now()
	counts, err := c.Load(ctx, conn, s.indexes)
	if err != nil {
		t.Fatalf("loading TPC-H into nqdb: %v", err)
	}
	t.Logf("loaded in %v (indexes %v): %v", time.Since(start).Round(time.Millisecond), s.indexes, counts)

	var outs []outcome
	for _, n := range s.queries {
		name := tpch.QueryName(n)
		o := outcome{name: name, must: must[name]}
		t.Run(name, func(t *testing.T) {
			query, err := c.Query(n)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.Answer(n)
			if err != nil {
				t.Fatal(err)
			}
			timeout := s.timeout
			if o.must {
				timeout = s.mustTimeout
			}
			o.res = tpch.RunQuery(ctx, conn, query, timeout)
			switch {
			case o.res.Status == tpch.Pass:
				if d := tpch.Diff(want, o.res.Output); d != "" {
					o.res.Status = tpch.Fail
					o.why = "result differs from answers/" + name + ".csv at " + d
				}
			case o.res.Status == tpch.Timeout:
				o.why = fmt.Sprintf("no answer within statement_timeout %v (%s)", timeout, tpch.ErrText(o.res.Err))
			default:
				o.why = tpch.ErrText(o.res.Err)
			}
			if tpch.ConnBroken(conn, o.res.Err) {
				// The server ignored statement_timeout; the client gave up.
				conn = connect(t, dsn)
			}
			msg := fmt.Sprintf("%s %s in %v", name, o.res.Status, o.res.Elapsed.Round(time.Millisecond))
			if o.why != "" {
				msg += ": " + o.why
			}
			if o.must && o.res.Status != tpch.Pass {
				t.Errorf("must pass (testdata/must-pass.txt): %s", msg)
			} else {
				t.Log(msg)
			}
		})
		outs = append(outs, o)
	}
	t.Log("summary (nqdb, scale factor 0.01):\n" + summary(outs))
}

func summary(outs []outcome) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "query\tresult\ttime\tmust-pass\tnote")
	counts := map[tpch.Status]int{}
	var newPasses []string
	for _, o := range outs {
		counts[o.res.Status]++
		mark := ""
		if o.must {
			mark = "yes"
		} else if o.res.Status == tpch.Pass {
			newPasses = append(newPasses, o.name)
		}
		why := o.why
		if i := strings.IndexByte(why, '\n'); i >= 0 {
			why = why[:i] + " ..."
		}
		fmt.Fprintf(w, "%s\t%s\t%.3f s\t%s\t%s\n", o.name, o.res.Status, o.res.Elapsed.Seconds(), mark, why)
	}
	w.Flush()
	fmt.Fprintf(&b, "%d pass, %d fail, %d timeout\n", counts[tpch.Pass], counts[tpch.Fail], counts[tpch.Timeout])
	if len(newPasses) > 0 {
		fmt.Fprintf(&b, "passing but not in testdata/must-pass.txt: %s\n", strings.Join(newPasses, " "))
	}
	return b.String()
}

// TestHarnessOnPostgres loads the corpus into PostgreSQL 15 and requires
// every answer file back through tpch.QueryCSV: the renderer and the
// loader are right, so a difference on nqdb is nqdb's.
func TestHarnessOnPostgres(t *testing.T) {
	c := corpus(t)
	s := loadSettings(t)
	pg := pgoracle.Shared(t)
	admin := connect(t, pg.DSN())
	ctx := context.Background()
	if err := tpch.Exec(ctx, admin, "DROP DATABASE IF EXISTS tpch"); err != nil {
		t.Fatal(err)
	}
	if err := tpch.Exec(ctx, admin, "CREATE DATABASE tpch"); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, fmt.Sprintf("postgres://postgres@%s/tpch?sslmode=disable", pg.Addr()))
	if _, err := c.Load(ctx, conn, s.indexes); err != nil {
		t.Fatalf("loading TPC-H into PostgreSQL: %v", err)
	}
	for _, n := range s.queries {
		query, err := c.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.Answer(n)
		if err != nil {
			t.Fatal(err)
		}
		r := tpch.RunQuery(ctx, conn, query, time.Minute)
		if r.Err != nil {
			t.Errorf("%s on PostgreSQL: %v", tpch.QueryName(n), r.Err)
			continue
		}
		if d := tpch.Diff(want, r.Output); d != "" {
			t.Errorf("%s on PostgreSQL differs from the answer file at %s", tpch.QueryName(n), d)
		}
	}
}
