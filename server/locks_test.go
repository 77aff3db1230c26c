package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// blockingQuery is the wiki's "who blocks whom" query over pg_locks: it
// pairs each waiting lock with the granted locks on the same object.
const blockingQuery = `SELECT blocked_locks.pid AS blocked_pid, blocking_locks.pid AS blocking_pid
FROM pg_catalog.pg_locks blocked_locks
JOIN pg_catalog.pg_locks blocking_locks ON blocking_locks.locktype = blocked_locks.locktype
 AND blocking_locks.database IS NOT DISTINCT FROM blocked_locks.database
 AND blocking_locks.relation IS NOT DISTINCT FROM blocked_locks.relation
 AND blocking_locks.page IS NOT DISTINCT FROM blocked_locks.page
 AND blocking_locks.tuple IS NOT DISTINCT FROM blocked_locks.tuple
 AND blocking_locks.virtualxid IS NOT DISTINCT FROM blocked_locks.virtualxid
 AND blocking_locks.transactionid IS NOT DISTINCT FROM blocked_locks.transactionid
 AND blocking_locks.classid IS NOT DISTINCT FROM blocked_locks.classid
 AND blocking_locks.objid IS NOT DISTINCT FROM blocked_locks.objid
 AND blocking_locks.objsubid IS NOT DISTINCT FROM blocked_locks.objsubid
 AND blocking_locks.pid != blocked_locks.pid
WHERE NOT blocked_locks.granted AND blocking_locks.granted
ORDER BY 1, 2`

// TestLocksView runs two lock conflicts on nqdb and on PostgreSQL (a row
// updated by two transactions; DROP TABLE against an open reader) and
// compares what an observer sees: the holder's locks on the table, the
// pairs the blocking query finds, pg_blocking_pids, and the observer's own
// virtualxid lock. Backends are named A (holder) and B (waiter).
func TestLocksView(t *testing.T) {
	s := bothServers(t)
	run := func(dsn string) []string {
		ctx := testCtx(t, 60*time.Second)
		setup := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		a := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		b := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		obs := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		mustExec(t, setup, "drop table if exists lk", "create table lk (id int primary key, v int)",
			"insert into lk values (1, 0), (2, 0)")
		role := map[int32]string{int32(a.PgConn().PID()): "A", int32(b.PgConn().PID()): "B",
			int32(obs.PgConn().PID()): "O"}
		var trace []string
		log := func(f string, args ...any) { trace = append(trace, fmt.Sprintf(f, args...)) }
		observe := func(step string) {
			rows, err := obs.Query(ctx, `select locktype, mode, granted from pg_locks
				where pid = $1 and relation = 'lk'::regclass order by 1, 2`, int32(a.PgConn().PID()))
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var lt, mode string
				var granted bool
				rows.Scan(&lt, &mode, &granted)
				log("%s: A holds %s %s %v", step, lt, mode, granted)
			}
			rows.Close()
			rows, err = obs.Query(ctx, blockingQuery)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for rows.Next() {
				var blocked, blocking int32
				rows.Scan(&blocked, &blocking)
				pair := role[blocked] + " waits for " + role[blocking]
				if !seen[pair] {
					seen[pair] = true
					log("%s: %s", step, pair)
				}
			}
			rows.Close()
			var pids []int32
			if err := obs.QueryRow(ctx, "select pg_blocking_pids($1)", int32(b.PgConn().PID())).Scan(&pids); err != nil {
				t.Fatal(err)
			}
			for _, p := range pids {
				log("%s: pg_blocking_pids(B) has %s", step, role[p])
			}
			var own int
			obs.QueryRow(ctx, "select count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'virtualxid' and granted").Scan(&own)
			log("%s: observer's virtualxid locks %d", step, own)
		}
		waitBlocked := func() {
			for i := 0; i < 250; i++ {
				var n int
				obs.QueryRow(ctx, "select cardinality(pg_blocking_pids($1))", int32(b.PgConn().PID())).Scan(&n)
				if n > 0 {
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Fatal("B never waits")
		}

		mustExec(t, a, "begin", "update lk set v = 1 where id = 1")
		observe("row")
		done := make(chan error, 1)
		go func() { _, err := b.Exec(ctx, "update lk set v = 2 where id = 1"); done <- err }()
		waitBlocked()
		observe("row conflict")
		mustExec(t, a, "commit")
		log("B's update: %v", <-done)

		mustExec(t, a, "begin", "select count(*) from lk")
		observe("reader")
		go func() { _, err := b.Exec(ctx, "drop table lk"); done <- err }()
		waitBlocked()
		observe("drop conflict")
		mustExec(t, a, "rollback")
		log("B's drop: %v", <-done)
		return trace
	}
	got, want := run(s.nq.DSN()), run(s.pg.DSN())
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("step %d:\n nqdb:     %v\n postgres: %s", i, at(got, i), want[i])
		}
	}
	if len(got) > len(want) {
		t.Errorf("nqdb has %d more lines: %v", len(got)-len(want), got[len(want):])
	}
}

func mustExec(t *testing.T, c *pgx.Conn, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
