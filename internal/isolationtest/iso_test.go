package isolationtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// startNQDB starts an in-process nqdb on a loopback port with a fresh data
// directory and returns its DSN; it stops at the end of the test.
func startNQDB(tb testing.TB) string {
	tb.Helper()
	_, ta := testserver.Start(tb, server.Config{})
	return fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", net.JoinHostPort(ta.IP.String(), fmt.Sprint(ta.Port)))
}

var dbSeq atomic.Int64

// pgDatabase creates a fresh PostgreSQL database for one spec and level,
// so that specs may run in parallel, and returns its DSN.
func pgDatabase(t *testing.T) string {
	t.Helper()
	srv := pgoracle.Shared(t)
	ctx := context.Background()
	admin, err := pgconn.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("iso_%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name).ReadAll(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgconn.Connect(context.Background(), srv.DSN())
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)").ReadAll()
	})
	return strings.Replace(srv.DSN(), "/postgres?", "/"+name+"?", 1)
}

// TestIsolation runs every testdata/*.spec at each of its levels against
// PostgreSQL and nqdb and compares the records.
func TestIsolation(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.spec"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	pgoracle.Shared(t) // start it once, before the parallel subtests
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := parseSpec(string(text))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		base := strings.TrimSuffix(filepath.Base(file), ".spec")
		for _, level := range sp.levels {
			t.Run(base+"/"+strings.ReplaceAll(level, " ", "_"), func(t *testing.T) {
				t.Parallel()
				runSpec(t, sp, level)
			})
		}
	}
}

func runSpec(t *testing.T, sp *spec, level string) {
	pg := target{name: "postgres", dsn: pgDatabase(t), pg: true}
	ours := target{name: "nqdb", dsn: startNQDB(t)}
	ctx := context.Background()
	for _, p := range sp.permutations {
		perm := p.steps
		pname := strings.Join(perm, " ")
		// The two servers run the permutation at the same time: the
		// records do not depend on each other and the waits for blocked
		// steps dominate the runtime.
		var want []stepRec
		var pgErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			want, pgErr = runPermutation(ctx, pg, sp, level, perm)
		}()
		got, err := runPermutation(ctx, ours, sp, level, perm)
		<-done
		if pgErr != nil {
			t.Fatalf("permutation %s: %v", pname, pgErr)
		}
		d := ""
		if err != nil {
			d = err.Error()
		} else {
			d = compare(level, want, got)
		}
		switch {
		case p.known != "" && d != "":
			t.Logf("permutation %s: known difference (%s): %s\n%s", pname, p.known, d, render(want, got))
		case p.known != "":
			t.Errorf("permutation %s now matches PostgreSQL: remove its known line (%s)\n%s", pname, p.known, render(want, got))
		case d != "":
			t.Errorf("permutation %s: %s\n%s", pname, d, render(want, got))
		case extra40001(want, got):
			t.Logf("permutation %s: nqdb raised 40001 where PostgreSQL did not (allowed at SERIALIZABLE)\n%s", pname, render(want, got))
		case testing.Verbose():
			t.Logf("permutation %s\n%s", pname, render(want, got))
		}
	}
}
