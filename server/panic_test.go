package server_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/server"
)

// TestStatementPanicIsAnError: a bug that panics while a statement runs
// costs that statement (ERROR XX000, its transaction failed), not the
// connection nor anything committed, in the simple and the extended
// protocol alike.
func TestStatementPanicIsAnError(t *testing.T) {
	srv := startServer(t, server.Config{})
	ctx := context.Background()
	var panicExecute atomic.Bool
	server.SetStatementHook(func(m pgproto3.FrontendMessage) {
		switch m := m.(type) {
		case *pgproto3.Query:
			if strings.Contains(m.String, "/*panic*/") {
				panic("test panic in a Query")
			}
		case *pgproto3.Parse:
			if strings.Contains(m.Query, "/*panic*/") {
				panic("test panic in a Parse")
			}
		case *pgproto3.Execute:
			if panicExecute.Load() {
				panic("test panic in an Execute")
			}
		}
	})
	defer server.SetStatementHook(nil)

	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	mustExec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	wantInternal := func(what string, err error) {
		t.Helper()
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "XX000" || !strings.Contains(pe.Message, "test panic") {
			t.Fatalf("%s: want ERROR XX000 internal error, got %v", what, err)
		}
	}
	mustExec("CREATE TABLE kept (id int PRIMARY KEY)")
	mustExec("INSERT INTO kept VALUES (1)")

	// Simple protocol, outside a block: the statement fails, the
	// connection goes on.
	_, err = conn.Exec(ctx, "SELECT 1 /*panic*/", pgx.QueryExecModeSimpleProtocol)
	wantInternal("simple query", err)
	mustExec("INSERT INTO kept VALUES (2)")

	// Inside a block the transaction is failed until ROLLBACK.
	mustExec("BEGIN")
	mustExec("INSERT INTO kept VALUES (3)")
	_, err = conn.Exec(ctx, "SELECT 2 /*panic*/", pgx.QueryExecModeSimpleProtocol)
	wantInternal("simple query in a block", err)
	_, err = conn.Exec(ctx, "SELECT 3", pgx.QueryExecModeSimpleProtocol)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25P02" {
		t.Fatalf("after the panic the block must be failed (25P02), got %v", err)
	}
	mustExec("ROLLBACK")

	// Extended protocol: a panic in Parse, then one in Execute.
	_, err = conn.Exec(ctx, "SELECT $1::int /*panic*/", 1)
	wantInternal("parse", err)
	panicExecute.Store(true)
	_, err = conn.Exec(ctx, "SELECT $1::int + 1", 1)
	panicExecute.Store(false)
	wantInternal("execute", err)

	var n, sum int
	if err := conn.QueryRow(ctx, "SELECT count(*), sum(id) FROM kept WHERE id > $1", 0).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 2 || sum != 3 {
		t.Fatalf("rows after the panics: count %d sum %d, want 2 and 3 (1 and 2 committed, 3 rolled back)", n, sum)
	}
}
