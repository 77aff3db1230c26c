package server_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/server"
)

// longQueries run for minutes unless stopped, each spending its time in
// one kind of operator, in little memory (LIMIT under the sort, spilling
// past a small work_mem for the hash join, few groups for DISTINCT).
var longQueries = []struct{ name, sql string }{
	{"sort", "SELECT g FROM generate_series(1, 1000000000000) g ORDER BY g DESC LIMIT 1"},
	{"hash_join", "SELECT count(*) FROM generate_series(1, 1000000000000) a JOIN generate_series(1, 1000000000000) b ON a = b + 1"},
	{"nested_loop", "SELECT count(*) FROM generate_series(1, 1000000) a, generate_series(1, 1000000) b WHERE a + b < 0"},
	{"window", "SELECT count(*) FROM (SELECT row_number() OVER () FROM generate_series(1, 1000000000000) g) s"},
	{"recursive_cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"},
	{"generate_series", "SELECT count(*) FROM generate_series(1, 1000000000000)"},
	{"distinct", "SELECT count(*) FROM (SELECT DISTINCT g % 1000 FROM generate_series(1, 1000000000000) g) s"},
	{"except", "SELECT count(*) FROM (SELECT g % 10 FROM generate_series(1, 1000000000000) g EXCEPT ALL SELECT 1) s"},
}

// cancelBound is the longest a running statement may take to stop after
// it is asked to (generous: the machine is shared).
const cancelBound = 3 * time.Second

// TestCancelEveryOperator checks that a statement busy in each kind of
// operator stops with 57014 within cancelBound of a CancelRequest and of
// its statement_timeout: the operator wrapper checks for cancellation in
// every operator, not only in scans.
func TestCancelEveryOperator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a long query per operator")
	}
	nq := startServer(t, server.Config{})
	conn := connectPgx(t, nq.DSN(), pgx.QueryExecModeSimpleProtocol)
	ctx := testCtx(t, 2*time.Minute)
	if _, err := conn.Exec(ctx, "SET work_mem = '1MB'"); err != nil {
		t.Fatal(err)
	}
	for _, q := range longQueries {
		t.Run(q.name+"/cancel_request", func(t *testing.T) {
			errc := make(chan error, 1)
			go func() {
				_, err := conn.Exec(ctx, q.sql)
				errc <- err
			}()
			// Let the statement get going, then cancel; a cancel that
			// comes before it starts is ignored, so keep asking.
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			var err error
		wait:
			for {
				if cerr := conn.PgConn().CancelRequest(ctx); cerr != nil {
					t.Fatalf("CancelRequest: %v", cerr)
				}
				select {
				case err = <-errc:
					break wait
				case <-tick.C:
				}
			}
			checkCancelled(t, err, "canceling statement due to user request", time.Since(start))
		})
		t.Run(q.name+"/statement_timeout", func(t *testing.T) {
			if _, err := conn.Exec(ctx, "SET statement_timeout = '300ms'"); err != nil {
				t.Fatal(err)
			}
			defer conn.Exec(ctx, "RESET statement_timeout")
			start := time.Now()
			_, err := conn.Exec(ctx, q.sql)
			checkCancelled(t, err, "canceling statement due to statement timeout", time.Since(start)-300*time.Millisecond)
		})
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT 7").Scan(&n); err != nil || n != 7 {
		t.Fatalf("connection unusable after the cancellations: %v", err)
	}
}

func checkCancelled(t *testing.T, err error, msg string, delay time.Duration) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" || pe.Message != msg {
		t.Fatalf("got %v, want 57014 %s", err, msg)
	}
	if delay > cancelBound {
		t.Fatalf("stopped %v after it was asked to, want at most %v", delay, cancelBound)
	}
	t.Logf("stopped %v after it was asked to", delay.Round(time.Millisecond))
}
