package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neuroquantumdb/nqdb/server"
)

// TestStatementStatistics: pg_stat_statements counts calls and rows per
// normalized statement over both protocols, leaves failed statements
// out, resets; log_min_duration_statement logs PostgreSQL's line.
func TestStatementStatistics(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	ts := startServer(t, server.Config{Logger: zap.New(core)})
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
		conn := connectPgx(t, ts.DSN(), mode)
		for _, q := range []string{
			"select pg_stat_statements_reset()",
			"create table ss (a int primary key, b text)",
			"insert into ss values (1, 'x'), (2, 'y'), (3, 'z')",
			"select * from ss where a = 1",
			"select * from ss where a = 2",
			"update ss set b = 'w' where a > 1",
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%v: %s: %v", mode, q, err)
			}
		}
		if _, err := conn.Exec(ctx, "select 1/0 from ss"); err == nil {
			t.Fatal("1/0 succeeded")
		}
		want := map[string]string{
			"select * from ss where a = $1":                      "2 2",
			"update ss set b = $1 where a > $2":                  "1 2",
			"insert into ss values ($1, $2), ($3, $4), ($5, $6)": "1 3",
		}
		rows, err := conn.Query(ctx, "select query, calls || ' ' || rows, total_exec_time >= 0 and mean_exec_time >= 0 from pg_stat_statements")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for rows.Next() {
			var q, cr string
			var ok bool
			if err := rows.Scan(&q, &cr, &ok); err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Errorf("%v: %s: negative times", mode, q)
			}
			got[q] = cr
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for q, w := range want {
			if got[q] != w {
				t.Errorf("%v: %q: calls, rows = %q, want %q (all: %v)", mode, q, got[q], w, got)
			}
		}
		for q := range got {
			if strings.Contains(q, "1/0") || strings.Contains(q, "$1/$2") {
				t.Errorf("%v: failed statement recorded: %q", mode, q)
			}
		}
		if _, err := conn.Exec(ctx, "drop table ss"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}

	conn := connectPgx(t, ts.DSN(), pgx.QueryExecModeSimpleProtocol)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "set log_min_duration_statement = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "select 42 as slow_marker"); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range logs.All() {
		if strings.HasPrefix(e.Message, "duration: ") && strings.HasSuffix(e.Message, " ms  statement: select 42 as slow_marker") {
			found = true
		}
	}
	if !found {
		t.Errorf("no slow-statement log line; logged: %v", logs.All())
	}
	if _, err := conn.Exec(ctx, "set log_min_duration_statement = 'x'"); err == nil {
		t.Error("log_min_duration_statement accepted 'x'")
	}
}
