package server_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestBackendActivityAndSignals runs the same scenario on nqdb and on
// PostgreSQL: one session sleeps, another finds it in pg_stat_activity,
// cancels its statement with pg_cancel_backend, then ends its connection
// with pg_terminate_backend. Each step's observable result must agree.
func TestBackendActivityAndSignals(t *testing.T) {
	s := bothServers(t)
	run := func(dsn string) []string {
		ctx := testCtx(t, 60*time.Second)
		victim := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		admin := connectPgx(t, dsn, pgx.QueryExecModeSimpleProtocol)
		var trace []string
		log := func(f string, a ...any) { trace = append(trace, fmt.Sprintf(f, a...)) }
		pid := victim.PgConn().PID()

		var state, query, user, btype string
		var appSet, startSet bool
		err := admin.QueryRow(ctx, `select state, query, usename, backend_type, application_name is not null,
			backend_start <= now() from pg_stat_activity where pid = $1`, int32(pid)).Scan(&state, &query, &user, &btype, &appSet, &startSet)
		log("idle victim: %s %q %s %s %v %v %v", state, query, user, btype, appSet, startSet, err)

		done := make(chan error, 1)
		go func() {
			_, err := victim.Exec(ctx, "select pg_sleep(30)")
			done <- err
		}()
		// Wait until the sleep shows up as active.
		for i := 0; i < 200; i++ {
			admin.QueryRow(ctx, `select state, query from pg_stat_activity where pid = $1`, int32(pid)).Scan(&state, &query)
			if state == "active" {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		log("running victim: %s %q", state, query)
		var ok bool
		err = admin.QueryRow(ctx, "select pg_cancel_backend($1)", int32(pid)).Scan(&ok)
		log("cancel: %v %v", ok, err)
		log("victim got: %s", sqlstate(<-done))
		var n int
		err = victim.QueryRow(ctx, "select 1").Scan(&n)
		log("victim after cancel: %d %v", n, err)

		err = admin.QueryRow(ctx, "select pg_terminate_backend($1)", int32(pid)).Scan(&ok)
		log("terminate: %v %v", ok, err)
		time.Sleep(200 * time.Millisecond)
		err = victim.QueryRow(ctx, "select 1").Scan(&n)
		log("victim after terminate fails: %v", err != nil)
		var left int
		admin.QueryRow(ctx, "select count(*) from pg_stat_activity where pid = $1", int32(pid)).Scan(&left)
		log("victim listed after terminate: %d", left)
		err = admin.QueryRow(ctx, "select pg_cancel_backend(0)").Scan(&ok)
		log("cancel of no backend: %v %v", ok, err)
		return trace
	}
	got, want := run(s.nq.DSN()), run(s.pg.DSN())
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("step %d:\n nqdb:     %v\n postgres: %s", i, at(got, i), want[i])
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(missing)"
}

// sqlstate is an error's SQLSTATE, "" for none.
func sqlstate(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	if err == nil || errors.Is(err, context.Canceled) {
		return fmt.Sprint(err)
	}
	return "non-SQL error"
}
