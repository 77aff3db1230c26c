package server_test

// Client tests: real client libraries and tools (pgx v5 in every
// QueryExecMode, lib/pq, psql, pgbench) drive a real nqdb server over a
// loopback socket, and wherever the answer is not fixed by the issue text
// the same input goes to a real PostgreSQL 15 and the two answers must be
// identical.

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testcert"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/server/auth"
)

// execModes are pgx's five ways of sending a query.
var execModes = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"cache_statement", pgx.QueryExecModeCacheStatement},
	{"cache_describe", pgx.QueryExecModeCacheDescribe},
	{"describe_exec", pgx.QueryExecModeDescribeExec},
	{"exec", pgx.QueryExecModeExec},
	{"simple_protocol", pgx.QueryExecModeSimpleProtocol},
}

func testCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// connectPgx opens a pgx connection that uses mode for every query.
func connectPgx(t testing.TB, dsn string, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	cfg.ConnectTimeout = 10 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// servers is one nqdb and the shared PostgreSQL oracle.
type servers struct {
	nq *testServer
	pg *pgoracle.Server
}

func bothServers(t *testing.T) servers {
	pg := pgoracle.Shared(t)
	return servers{nq: startServer(t, server.Config{}), pg: pg}
}

// pgxCase is one differential query: SQL and Go arguments.
type pgxCase struct {
	name string
	sql  string
	args []any
}

func mustNumeric(s string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		panic(err)
	}
	return n
}

var (
	tsUTC   = time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	tsOther = time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("X", 5*3600+30*60))
	aUUID   = [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}
)

// pgxCases run in every exec mode against both servers. Keep them
// table-free (tables arrive with the storage issue) and deterministic.
var pgxCases = []pgxCase{
	// constants and result types
	{"select1", "select 1", nil},
	{"named_columns", "select 1 as a, 'x' as b, null as c, true as d", nil},
	{"int_kinds", "select 1::int2, 2::int4, 3::int8, 4::oid", nil},
	{"float_kinds", "select 1.5::float4, 2.25::float8, 'NaN'::float8, '-Infinity'::float8, 0.1::float8", nil},
	{"numeric", "select 1.50::numeric, 12.345::numeric(10,2), -0.001::numeric, 'NaN'::numeric", nil},
	{"text_kinds", "select 'a'::text, 'b'::varchar(5), 'c'::char(3), 'd'::name, 'e'::bpchar", nil},
	{"bool", "select true, false, null::bool, not true", nil},
	{"bytea", `select '\x00ff10'::bytea, ''::bytea`, nil},
	{"dates", "select '2024-02-29'::date, '12:34:56.789'::time, '2024-01-02 03:04:05.678901'::timestamp", nil},
	{"timestamptz", "select '2024-01-02 03:04:05+02'::timestamptz", nil},
	{"interval", "select interval '1 day 02:03:04', interval '-1 year 2 mons'", nil},
	// pgx reads records only in binary (record_send)
	{"record", "select row(1, 'a b'::text, null::int, row(2.5::float8, true)), row(null::int)", nil},
	{"uuid", "select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", nil},
	{"json", `select '{"a": [1, 2]}'::json, '{"b": null, "a": 1}'::jsonb`, nil},
	{"arrays", "select array[1,2,3], array['a','b'], '{1,NULL,3}'::int4[], array[]::text[]", nil},
	{"expressions", "select 1 + 2 * 3, 7 / 2, 7 % 3, 2 ^ 10, -5 / 2, 7.0 / 2", nil},
	{"string_funcs", "select 'a' || 'b', length('héllo'), upper('abc'), lower('ABC'), substr('hello', 2, 3)", nil},
	{"conditionals", "select coalesce(null, 2), nullif(1, 1), greatest(1, 5, 3), least(4, 2), case when 1 > 2 then 'yes' else 'no' end", nil},
	{"comparisons", "select 1 < 2, 'a' = 'a', null = null, null is null, 1 between 0 and 2, 3 in (1, 2)", nil},
	{"current_setting", "select current_setting('server_version_num'), current_setting('DateStyle'), current_setting('TimeZone')", nil},
	{"version_shape", "select version() like 'PostgreSQL 15.%'", nil},
	{"pg_sleep_zero", "select pg_sleep(0)", nil},
	{"empty_result", "select 1 where false", nil},

	// parameters of many Go types
	{"param_int32", "select $1::int4 + 1", []any{int32(41)}},
	{"param_int64", "select $1::int8 * 2", []any{int64(1) << 40}},
	{"param_int_inferred", "select $1 + 1", []any{int64(5)}},
	{"param_float64", "select $1::float8 / 2", []any{3.5}},
	{"param_string", "select $1::text || 'x'", []any{"abc"}},
	{"param_string_inferred", "select $1", []any{"héllo wörld"}},
	{"param_concat_inferred", "select 'x' || $1", []any{"y"}},
	{"param_upper_inferred", "select upper($1)", []any{"abc"}},
	{"param_bool", "select $1::bool and true", []any{true}},
	{"param_bytes", "select $1::bytea", []any{[]byte{0, 1, 2, 255}}},
	{"param_timestamptz", "select $1::timestamptz", []any{tsUTC}},
	{"param_timestamptz_zone", "select $1::timestamptz", []any{tsOther}},
	{"param_timestamp", "select $1::timestamp", []any{tsUTC}},
	{"param_date", "select $1::date", []any{time.Date(2020, 1, 31, 0, 0, 0, 0, time.UTC)}},
	{"param_numeric", "select $1::numeric + 1", []any{mustNumeric("12.345")}},
	{"param_numeric_big", "select $1::numeric * 2", []any{pgtype.Numeric{Int: new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil), Exp: -3, Valid: true}}},
	{"param_uuid", "select $1::uuid", []any{aUUID}},
	{"param_null", "select $1::text is null, $2::int4", []any{nil, nil}},
	{"param_many", "select $1::int4, $2::text, $3::bool, $4::float8", []any{int32(1), "two", false, 4.5}},
	{"param_reuse", "select $1::int4 + $1::int4", []any{int32(21)}},
	{"param_case", "select case when $1::int > 0 then 'pos' else 'neg' end", []any{-3}},
	{"param_compare", "select $1::int8 = $2::int8, $1::int8 < $2::int8", []any{int64(1), int64(2)}},
	{"param_int_array", "select $1::int4[]", []any{[]int32{1, 2, 3}}},
	{"param_text_array", "select $1::text[]", []any{[]string{"a", "b c", "", `q"uote`}}},
	{"param_int8_array", "select $1::int8[]", []any{[]int64{-1, 1 << 40}}},
	{"param_length", "select length($1::text)", []any{"héllo"}},

	// errors: code, message and position must match PostgreSQL
	{"err_div_zero", "select 1/0", nil},
	{"err_syntax_end", "select 1 +", nil},
	{"err_syntax_word", "selec 1", nil},
	{"err_undefined_column", "select nosuch", nil},
	{"err_undefined_column_line2", "select 1,\n  nosuch_col", nil},
	{"err_invalid_int", "select 'abc'::int4", nil},
	{"err_int_overflow", "select 2147483647::int4 + 1", nil},
	{"err_undefined_function", "select nosuchfunc(1)", nil},
	{"err_operator", "select 'a'::text + 1", nil},
	{"err_param_invalid_int", "select $1::int4", []any{"abc"}},
	{"err_param_div_zero", "select 10 / $1::int4", []any{int32(0)}},
	{"err_numeric_overflow", "select 12345.678::numeric(5,2)", nil},
	{"err_bad_timestamp", "select 'not a date'::timestamp", nil},
	{"err_unknown_setting", "select current_setting('no.such_setting_x')", nil},
}

// outcome is what a client saw for one query, in a form that diffs well.
type outcome struct {
	Fields []string
	Rows   []string
	Tag    string
	Err    string
	Status string
}

func (o outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fields: %s\n", strings.Join(o.Fields, " | "))
	for _, r := range o.Rows {
		fmt.Fprintf(&b, "row: %s\n", r)
	}
	fmt.Fprintf(&b, "tag: %s\nerr: %s\nstatus: %s\n", o.Tag, o.Err, o.Status)
	return b.String()
}

// describeValue renders a decoded value with its Go type so that, say, an
// int32 and an int64 of the same number differ.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case pgtype.Numeric:
		dv, err := x.Value()
		return fmt.Sprintf("Numeric(%v,%v)", dv, err)
	case time.Time:
		return "time(" + x.Format(time.RFC3339Nano) + ")"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = describeValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + describeValue(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// describeErr renders the fields of a server error that clients rely on.
func describeErr(err error) string {
	if err == nil {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s %s %q pos=%d detail=%q hint=%q", pe.Severity, pe.Code, pe.Message, pe.Position, pe.Detail, pe.Hint)
	}
	return "client: " + err.Error()
}

func runPgx(ctx context.Context, conn *pgx.Conn, query string, args ...any) outcome {
	var o outcome
	rows, err := conn.Query(ctx, query, args...)
	if err == nil {
		for _, f := range rows.FieldDescriptions() {
			o.Fields = append(o.Fields, fmt.Sprintf("%s oid=%d size=%d mod=%d fmt=%d",
				f.Name, f.DataTypeOID, f.DataTypeSize, f.TypeModifier, f.Format))
		}
		for rows.Next() {
			vals, verr := rows.Values()
			if verr != nil {
				o.Rows = append(o.Rows, "values error: "+verr.Error())
				continue
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = describeValue(v)
			}
			o.Rows = append(o.Rows, strings.Join(parts, ", "))
		}
		rows.Close()
		err = rows.Err()
		o.Tag = rows.CommandTag().String()
	}
	o.Err = describeErr(err)
	if err != nil {
		// PostgreSQL folds constants while planning, at Bind, so "select
		// 1/0" fails before any RowDescription; nqdb fails at Execute.
		// Clients see the same error either way, so the row shape of a
		// failed query is not compared.
		o.Fields, o.Rows = nil, nil
	}
	o.Status = string(conn.PgConn().TxStatus())
	return o
}

// describeStatement is what Describe (statement) returns for query.
func describeStatement(ctx context.Context, conn *pgx.Conn, query string) string {
	sd, err := conn.PgConn().Prepare(ctx, "", query, nil)
	if err != nil {
		return describeErr(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "params %v;", sd.ParamOIDs)
	for _, f := range sd.Fields {
		fmt.Fprintf(&b, " %s oid=%d size=%d mod=%d;", f.Name, f.DataTypeOID, f.DataTypeSize, f.TypeModifier)
	}
	return b.String()
}

func TestPgxDifferential(t *testing.T) {
	s := bothServers(t)
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			ctx := testCtx(t, 60*time.Second)
			nq := connectPgx(t, s.nq.DSN(), m.mode)
			pg := connectPgx(t, s.pg.DSN(), m.mode)
			for _, c := range pgxCases {
				want := runPgx(ctx, pg, c.sql, c.args...)
				got := runPgx(ctx, nq, c.sql, c.args...)
				if got.String() != want.String() {
					t.Errorf("%s: %q args %v\n--- nqdb\n%s--- postgres\n%s", c.name, c.sql, c.args, got, want)
				}
				// Whatever happened, the connection must stay usable.
				var one int
				if err := nq.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
					t.Fatalf("%s: connection unusable afterwards: %v", c.name, err)
				}
			}
		})
	}
	// Describe of every case: parameter OIDs and row shape as PostgreSQL
	// infers them.
	t.Run("describe", func(t *testing.T) {
		ctx := testCtx(t, 30*time.Second)
		nq := connectPgx(t, s.nq.DSN(), pgx.QueryExecModeCacheStatement)
		pg := connectPgx(t, s.pg.DSN(), pgx.QueryExecModeCacheStatement)
		for _, c := range pgxCases {
			want := describeStatement(ctx, pg, c.sql)
			got := describeStatement(ctx, nq, c.sql)
			if got != want {
				t.Errorf("%s: describe %q\n nqdb:     %s\n postgres: %s", c.name, c.sql, got, want)
			}
		}
	})
}

// sessionScript runs a scripted conversation on one connection and returns
// a trace of what the client saw; run on both servers, traces must match.
type sessionScript func(ctx context.Context, conn *pgx.Conn, trace func(format string, args ...any))

func compareSessions(t *testing.T, s servers, script sessionScript) {
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			ctx := testCtx(t, 30*time.Second)
			run := func(dsn string) []string {
				conn := connectPgx(t, dsn, m.mode)
				var lines []string
				script(ctx, conn, func(format string, args ...any) {
					lines = append(lines, fmt.Sprintf(format, args...))
				})
				// The connection must still work after the script.
				var one int
				if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil {
					lines = append(lines, "final select 1 failed: "+err.Error())
				}
				return lines
			}
			want := run(s.pg.DSN())
			got := run(s.nq.DSN())
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("traces differ (- postgres, + nqdb):\n%s", lineDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
			}
		})
	}
}

func TestPgxTransactions(t *testing.T) {
	s := bothServers(t)
	compareSessions(t, s, func(ctx context.Context, conn *pgx.Conn, trace func(string, ...any)) {
		st := func(what string) { trace("%s: status %c", what, conn.PgConn().TxStatus()) }
		q := func(sql string, args ...any) { trace("%s => %s", sql, runPgx(ctx, conn, sql, args...)) }
		st("start")
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{})
		trace("begin: %v", describeErr(err))
		st("after begin")
		q("select 1")
		q("select 1/0")
		st("after error")
		q("select 2")
		trace("rollback: %s", describeErr(tx.Rollback(ctx)))
		st("after rollback")

		tx, err = conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable, AccessMode: pgx.ReadOnly})
		trace("begin serializable read only: %v", describeErr(err))
		q("show transaction_isolation")
		q("show transaction_read_only")
		trace("commit: %s", describeErr(tx.Commit(ctx)))
		st("after commit")
		q("show transaction_isolation")

		tx, _ = conn.Begin(ctx)
		q("select 'in tx'")
		trace("commit: %s", describeErr(tx.Commit(ctx)))
		st("after commit 2")

		// Explicit statements through the query path.
		q("begin")
		q("begin") // WARNING, still in the block
		q("savepoint s1")
		q("select 'x'::int")
		st("failed block")
		q("rollback to savepoint s1")
		st("after rollback to")
		q("select 'recovered'")
		q("commit")
		q("commit") // WARNING: no transaction in progress
		q("savepoint outside")
		q("rollback")
		st("end")
	})
}

func TestPgxSettings(t *testing.T) {
	s := bothServers(t)
	compareSessions(t, s, func(ctx context.Context, conn *pgx.Conn, trace func(string, ...any)) {
		ps := func(name string) { trace("ParameterStatus(%s) = %q", name, conn.PgConn().ParameterStatus(name)) }
		exec := func(sql string) {
			_, err := conn.Exec(ctx, sql)
			trace("%s => %s", sql, describeErr(err))
		}
		q := func(sql string, args ...any) { trace("%s => %s", sql, runPgx(ctx, conn, sql, args...)) }
		for _, name := range []string{"TimeZone", "DateStyle", "IntervalStyle", "client_encoding", "server_encoding",
			"standard_conforming_strings", "integer_datetimes", "is_superuser", "session_authorization",
			"default_transaction_read_only", "in_hot_standby"} {
			ps(name)
		}
		exec("SET TIME ZONE 'America/New_York'")
		ps("TimeZone")
		q("SHOW TimeZone")
		q("select current_setting('TimeZone')")
		q("select '2024-07-01 12:00:00+00'::timestamptz::text")
		exec("RESET TIME ZONE")
		ps("TimeZone")
		exec("SET timezone = 'Europe/Berlin'")
		ps("TimeZone")
		exec("RESET timezone")
		ps("TimeZone")
		exec("SET application_name = 'nqdb-test'")
		ps("application_name")
		exec("SET DateStyle = 'ISO, DMY'")
		ps("DateStyle")
		exec("RESET ALL")
		ps("DateStyle")
		ps("application_name")
		exec("SET TIME ZONE 'No/Such_Zone'")
		exec("SET nosuch_parameter = 1")
		exec("SET extra_float_digits = 99")
		exec("SET server_version = '1'")
		q("SHOW nosuch_parameter")
		q("SHOW extra_float_digits")
		exec("SET my.custom = 'v1'")
		q("SHOW my.custom")
		q("select current_setting('my.custom')")
		// SET inside a rolled back block is undone; SET LOCAL ends with
		// the block.
		exec("BEGIN")
		exec("SET extra_float_digits = 3")
		exec("ROLLBACK")
		q("SHOW extra_float_digits")
		exec("BEGIN")
		exec("SET LOCAL extra_float_digits = 2")
		q("SHOW extra_float_digits")
		exec("COMMIT")
		q("SHOW extra_float_digits")
		exec("SET LOCAL extra_float_digits = 2") // WARNING outside a block
		q("SHOW extra_float_digits")
		exec("SET statement_timeout = '1min'")
		q("SHOW statement_timeout")
		exec("SET statement_timeout = 1500")
		q("SHOW statement_timeout")
		exec("RESET statement_timeout")
		q("SHOW statement_timeout")
	})
}

// timeoutScript checks statement_timeout; the error is fixed by the issue.
func TestPgxStatementTimeout(t *testing.T) {
	s := bothServers(t)
	for _, srv := range []struct{ name, dsn string }{{"nqdb", s.nq.DSN()}, {"postgres", s.pg.DSN()}} {
		for _, m := range execModes {
			t.Run(srv.name+"/"+m.name, func(t *testing.T) {
				ctx := testCtx(t, 20*time.Second)
				conn := connectPgx(t, srv.dsn, m.mode)
				if _, err := conn.Exec(ctx, "SET statement_timeout = '100ms'"); err != nil {
					t.Fatal(err)
				}
				// The 57014 below proves the timeout fired: pg_sleep(5)
				// itself would have returned a row.
				_, err := conn.Exec(ctx, "SELECT pg_sleep(5)")
				var pe *pgconn.PgError
				if !errors.As(err, &pe) || pe.Code != "57014" || pe.Message != "canceling statement due to statement timeout" {
					t.Fatalf("got %v, want 57014 canceling statement due to statement timeout", err)
				}
				var n int
				if err := conn.QueryRow(ctx, "select 42").Scan(&n); err != nil || n != 42 {
					t.Fatalf("connection unusable after timeout: %v", err)
				}
				if _, err := conn.Exec(ctx, "RESET statement_timeout"); err != nil {
					t.Fatal(err)
				}
				if err := conn.QueryRow(ctx, "select 1 from pg_sleep(0.2)").Scan(&n); err != nil {
					t.Fatalf("after RESET: %v", err)
				}
			})
		}
	}
}

func TestPgxCancelRequest(t *testing.T) {
	s := bothServers(t)
	for _, srv := range []struct{ name, dsn string }{{"nqdb", s.nq.DSN()}, {"postgres", s.pg.DSN()}} {
		for _, m := range execModes {
			t.Run(srv.name+"/"+m.name, func(t *testing.T) {
				ctx := testCtx(t, 20*time.Second)
				victim := connectPgx(t, srv.dsn, m.mode)
				other := connectPgx(t, srv.dsn, m.mode)
				var wg sync.WaitGroup
				var otherErr error
				var otherVal string
				wg.Add(1)
				go func() {
					defer wg.Done()
					otherErr = other.QueryRow(ctx, "select 'unaffected' from pg_sleep(0.6)").Scan(&otherVal)
				}()
				errc := make(chan error, 1)
				go func() {
					_, err := victim.Exec(ctx, "select pg_sleep(10)")
					errc <- err
				}()
				// A cancel that arrives before the statement starts is
				// ignored (by both servers), so keep asking until it ends
				// rather than guessing when it has started.
				var err error
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
			wait:
				for {
					select {
					case err = <-errc:
						break wait
					case <-tick.C:
						if cerr := victim.PgConn().CancelRequest(ctx); cerr != nil {
							t.Fatalf("CancelRequest: %v", cerr)
						}
					case <-ctx.Done():
						t.Fatal("statement not cancelled")
					}
				}
				var pe *pgconn.PgError
				if !errors.As(err, &pe) || pe.Code != "57014" || pe.Message != "canceling statement due to user request" {
					t.Fatalf("got %v, want 57014 canceling statement due to user request", err)
				}
				wg.Wait()
				if otherErr != nil || otherVal != "unaffected" {
					t.Fatalf("concurrent connection affected: %q %v", otherVal, otherErr)
				}
				var n int
				if err := victim.QueryRow(ctx, "select 7").Scan(&n); err != nil || n != 7 {
					t.Fatalf("connection unusable after cancel: %v", err)
				}
			})
		}
	}
}

// TestGracefulShutdown checks that Shutdown lets a running statement
// finish and deliver its result in every exec mode (in the extended
// protocol the statement is between Execute and Sync when shutdown comes),
// then ends the connection with FATAL 57P01.
func TestGracefulShutdown(t *testing.T) {
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			ts := startServer(t, server.Config{})
			ctx := testCtx(t, 10*time.Second)
			conn := connectPgx(t, ts.DSN(), m.mode)
			idle := connectPgx(t, ts.DSN(), m.mode)
			resc := make(chan error, 1)
			var v int
			go func() { resc <- conn.QueryRow(ctx, "select 5 from pg_sleep(0.4)").Scan(&v) }()
			// Shut down only once the statement is running: busy for a
			// while, not just the sub-millisecond Parse/Describe/Sync that
			// extended modes send first.
			var busySince time.Time
			for {
				if ctx.Err() != nil {
					t.Fatal("the statement never started")
				}
				if ts.BusyConnections() == 0 {
					busySince = time.Time{}
				} else if busySince.IsZero() {
					busySince = time.Now()
				} else if time.Since(busySince) > 50*time.Millisecond {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := ts.Shutdown(sctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if err := <-resc; err != nil || v != 5 {
				t.Fatalf("running statement: %d %v, want 5 and no error", v, err)
			}
			for name, c := range map[string]*pgx.Conn{"busy": conn, "idle": idle} {
				_, err := c.Exec(ctx, "select 1")
				if err == nil {
					t.Errorf("%s connection still usable after shutdown", name)
				}
			}
			if _, err := pgx.Connect(ctx, ts.DSN()); err == nil {
				t.Error("new connection accepted after shutdown")
			}
		})
	}
}

// TestPgxCancelWrongKey checks that a CancelRequest with another key does
// nothing (PostgreSQL silently ignores it).
func TestPgxCancelWrongKey(t *testing.T) {
	ts := startServer(t, server.Config{})
	ctx := testCtx(t, 10*time.Second)
	conn := connectPgx(t, ts.DSN(), pgx.QueryExecModeSimpleProtocol)
	pid := conn.PgConn().PID()
	done := make(chan error, 1)
	go func() {
		_, err := conn.Exec(ctx, "select pg_sleep(1)")
		done <- err
	}()
	// Forge CancelRequests with the right pid and a wrong key for as long
	// as the statement runs, so that some surely arrive while it does.
	msg := []byte{0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, byte(pid >> 24), byte(pid >> 16), byte(pid >> 8), byte(pid), 1, 2, 3, 4}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("statement was cancelled by a wrong key: %v", err)
			}
			return
		case <-tick.C:
			nc, err := net.DialTimeout("tcp", ts.HostPort(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = nc.Write(msg)
			_ = nc.Close()
		}
	}
}

// TestPgxCopyToStdout runs COPY (SELECT ...) TO STDOUT through pgconn and
// compares the bytes with PostgreSQL's.
func TestPgxCopyToStdout(t *testing.T) {
	s := bothServers(t)
	queries := []string{
		"COPY (SELECT 1 AS a, 'x' AS b, NULL::text AS c) TO STDOUT",
		"COPY (SELECT 1 AS a, E'tab\\there' AS b, 'back\\slash' AS c) TO STDOUT",
		"COPY (SELECT 1 AS a, 'q,\"x' AS b, NULL::int AS c) TO STDOUT WITH (FORMAT csv, HEADER)",
		"COPY (SELECT 1.5::numeric, true, '2024-01-02'::date) TO STDOUT (DELIMITER '|')",
		"COPY (SELECT 1/0) TO STDOUT",
		"COPY (SELECT 1) TO STDOUT (FORMAT nosuch)",
	}
	ctx := testCtx(t, 20*time.Second)
	nq := connectPgx(t, s.nq.DSN(), pgx.QueryExecModeSimpleProtocol)
	pg := connectPgx(t, s.pg.DSN(), pgx.QueryExecModeSimpleProtocol)
	run := func(conn *pgx.Conn, q string) string {
		var buf bytes.Buffer
		tag, err := conn.PgConn().CopyTo(ctx, &buf, q)
		return fmt.Sprintf("%q tag=%q err=%s status=%c", buf.String(), tag.String(), describeErr(err), conn.PgConn().TxStatus())
	}
	for _, q := range queries {
		if got, want := run(nq, q), run(pg, q); got != want {
			t.Errorf("%s\n nqdb:     %s\n postgres: %s", q, got, want)
		}
	}
}

// TestPgxPipelineError sends a batch in which a middle statement fails:
// the rest of the batch up to Sync is skipped and the implicit transaction
// is rolled back, as in PostgreSQL.
func TestPgxBatch(t *testing.T) {
	s := bothServers(t)
	run := func(dsn string) string {
		ctx := testCtx(t, 10*time.Second)
		conn := connectPgx(t, dsn, pgx.QueryExecModeCacheStatement)
		b := &pgx.Batch{}
		b.Queue("select $1::int4 + 1", int32(1))
		b.Queue("select 'two'")
		b.Queue("select 1/0")
		b.Queue("select 4")
		br := conn.SendBatch(ctx, b)
		var out []string
		for i := 0; i < 4; i++ {
			rows, err := br.Query()
			if err == nil {
				var vals []string
				for rows.Next() {
					v, _ := rows.Values()
					vals = append(vals, describeValue(v))
				}
				rows.Close()
				err = rows.Err()
				out = append(out, fmt.Sprintf("%d: %v %s", i, vals, describeErr(err)))
			} else {
				out = append(out, fmt.Sprintf("%d: %s", i, describeErr(err)))
			}
		}
		out = append(out, "close: "+describeErr(br.Close()))
		var n int
		err := conn.QueryRow(ctx, "select 5").Scan(&n)
		out = append(out, fmt.Sprintf("after: %d %s", n, describeErr(err)))
		return strings.Join(out, "\n")
	}
	if got, want := run(s.nq.DSN()), run(s.pg.DSN()); got != want {
		t.Errorf("batch differs\n--- nqdb\n%s\n--- postgres\n%s", got, want)
	}
}

// ---------------------------------------------------------------- lib/pq

func openPq(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn+"&connect_timeout=10")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one session, so SET and BEGIN stick
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func describePqErr(err error) string {
	if err == nil {
		return "ok"
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("pq %s %s %q pos=%q", pe.Severity, pe.Code, pe.Message, pe.Position)
	}
	return "client: " + err.Error()
}

func TestLibPq(t *testing.T) {
	s := bothServers(t)
	run := func(dsn string) []string {
		ctx := testCtx(t, 20*time.Second)
		db := openPq(t, dsn)
		var out []string
		add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		query := func(q string, args ...any) {
			rows, err := db.QueryContext(ctx, q, args...)
			if err != nil {
				add("%s: %s", q, describePqErr(err))
				return
			}
			defer rows.Close()
			cols, _ := rows.ColumnTypes()
			var shape []string
			for _, c := range cols {
				shape = append(shape, c.Name()+":"+c.DatabaseTypeName())
			}
			var got []string
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					got = append(got, "scan: "+err.Error())
					continue
				}
				for _, v := range vals {
					if b, ok := v.([]byte); ok {
						v = string(b)
					}
					if tm, ok := v.(time.Time); ok {
						v = tm.UTC().Format(time.RFC3339Nano)
					}
					got = append(got, fmt.Sprintf("%T(%v)", v, v))
				}
			}
			add("%s %v: %v %v %s", q, args, shape, got, describePqErr(rows.Err()))
		}
		query("select 1")
		query("select $1::int4 + 1, $2::text, $3::float8, $4::bool", 41, "x", 2.5, true)
		query("select $1::bytea", []byte{1, 2, 3})
		query("select $1::timestamptz", tsUTC)
		query("select $1::text is null", nil)
		query("select 'a'::text, null::int, 1.5::numeric, '2024-01-02'::date")
		query("select 1/0")
		query("select nosuch")
		query("select $1::int4", "abc")
		query("select 'after errors'")

		// Prepared statements, run several times.
		st, err := db.PrepareContext(ctx, "select $1::int8 * $2::int8")
		add("prepare: %s", describePqErr(err))
		if err == nil {
			for _, p := range [][2]int64{{2, 3}, {-4, 5}, {1 << 31, 2}} {
				var n int64
				err := st.QueryRowContext(ctx, p[0], p[1]).Scan(&n)
				add("exec %v: %d %s", p, n, describePqErr(err))
			}
			var n int64
			err = st.QueryRowContext(ctx, int64(1)<<62, 4).Scan(&n)
			add("overflow: %s", describePqErr(err))
			_ = st.Close()
		}
		_, err = db.PrepareContext(ctx, "select nosuch_fn()")
		add("prepare bad: %s", describePqErr(err))

		// Transactions.
		tx, err := db.BeginTx(ctx, nil)
		add("begin: %s", describePqErr(err))
		if err == nil {
			_, err = tx.ExecContext(ctx, "select 1/0")
			add("in tx: %s", describePqErr(err))
			_, err = tx.ExecContext(ctx, "select 1")
			add("in failed tx: %s", describePqErr(err))
			add("rollback: %s", describePqErr(tx.Rollback()))
		}
		_, err = db.ExecContext(ctx, "SET TIME ZONE 'Asia/Tokyo'")
		add("set: %s", describePqErr(err))
		query("show timezone")
		query("select '2024-01-01 00:00:00+00'::timestamptz::text")
		return out
	}
	got, want := run(s.nq.DSN()), run(s.pg.DSN())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lib/pq differs\n--- nqdb\n%s\n--- postgres\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// ---------------------------------------------------------------- psql

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatalf("%s not found", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// clientEnv is a clean environment for libpq tools: no user settings that
// would change what is sent or printed.
func clientEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG") ||
			strings.HasPrefix(kv, "PSQL") || strings.HasPrefix(kv, "PAGER") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LC_ALL=C", "PGCONNECT_TIMEOUT=10", "PSQLRC=/dev/null", "PGAPPNAME=psql", "PAGER=")
	return append(env, extra...)
}

// runPsql runs psql against host:port and returns stdout and stderr
// together, in order.
func runPsql(t *testing.T, dir, host string, port int, env []string, args ...string) (string, error) {
	t.Helper()
	psql := needTool(t, "psql")
	full := append([]string{"-X", "-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, full...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

func TestPsqlScripts(t *testing.T) {
	s := bothServers(t)
	files, err := filepath.Glob(filepath.Join("testdata", "psql", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no psql scripts: %v", err)
	}
	dir := filepath.Join("testdata", "psql")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".sql"), func(t *testing.T) {
			args := []string{"-a", "-q", "-v", "ON_ERROR_STOP=0", "-f", name}
			want, werr := runPsql(t, dir, s.pg.Host, s.pg.Port, clientEnv(), args...)
			got, gerr := runPsql(t, dir, s.nq.Host, s.nq.Port, clientEnv(), args...)
			if werr != nil {
				t.Fatalf("psql against PostgreSQL failed: %v\n%s", werr, want)
			}
			if gerr != nil {
				t.Errorf("psql against nqdb failed: %v", gerr)
			}
			if got != want {
				t.Errorf("psql output differs:\n%s", lineDiff(want, got))
			}
		})
	}
}

// lineDiff is a small line-by-line diff (postgres = -, nqdb = +) that
// shows where the outputs part.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i++
			j++
			continue
		}
		// Find the next line where both agree again (small window).
		found := false
		for k := 1; k < 30 && !found; k++ {
			for a := 0; a <= k; a++ {
				bi, bj := i+a, j+(k-a)
				if bi < len(w) && bj < len(g) && w[bi] == g[bj] && w[bi] != "" {
					fmt.Fprintf(&b, "@@ postgres line %d, nqdb line %d\n", i+1, j+1)
					for ; i < bi; i++ {
						fmt.Fprintf(&b, "- %s\n", w[i])
					}
					for ; j < bj; j++ {
						fmt.Fprintf(&b, "+ %s\n", g[j])
					}
					found = true
					break
				}
			}
		}
		if !found {
			fmt.Fprintf(&b, "@@ postgres line %d, nqdb line %d (rest)\n", i+1, j+1)
			for ; i < len(w); i++ {
				fmt.Fprintf(&b, "- %s\n", w[i])
			}
			for ; j < len(g); j++ {
				fmt.Fprintf(&b, "+ %s\n", g[j])
			}
		}
	}
	return b.String()
}

func TestPsqlCommand(t *testing.T) {
	ts := startServer(t, server.Config{})
	out, err := runPsql(t, ".", "127.0.0.1", ts.Port, clientEnv(), "-c", "select 1")
	if err != nil {
		t.Fatalf("psql -c 'select 1': %v\n%s", err, out)
	}
	want := " ?column? \n----------\n        1\n(1 row)\n\n"
	if out != want {
		t.Errorf("psql -c 'select 1' printed %q, want %q", out, want)
	}
}

// TestPsqlQueryMessages sends whole strings with psql -c: unlike -f, psql
// then sends several statements in one Query message, which run in one
// implicit transaction and stop at the first error.
func TestPsqlQueryMessages(t *testing.T) {
	s := bothServers(t)
	commands := []string{
		"select 1; select 2",
		"select 1; select 1/0; select 3",
		"select 'a' as x; select nosuch; select 'b'",
		"set timezone = 'Asia/Tokyo'; select 1/0",                    // rolled back with the message
		"begin; select 1; commit; select 2",                          // explicit block inside
		"select 1; begin; select 2",                                  // block left open at the end
		"begin; select 1/0; rollback; select 'after'",                // the error stops the rest
		"set local statement_timeout = '1s'; show statement_timeout", // one implicit transaction
		"select 1;;; select 2;",
		";",
		"-- only a comment",
		"select 1 as a, 2 as b \\gx",
		"show timezone; set timezone = 'UTC'",
	}
	for _, c := range commands {
		want, _ := runPsql(t, ".", s.pg.Host, s.pg.Port, clientEnv(), "-v", "ON_ERROR_STOP=0", "-c", c, "-c", "show timezone")
		got, _ := runPsql(t, ".", s.nq.Host, s.nq.Port, clientEnv(), "-v", "ON_ERROR_STOP=0", "-c", c, "-c", "show timezone")
		if got != want {
			t.Errorf("psql -c %q differs:\n%s", c, lineDiff(want, got))
		}
	}
}

// ---------------------------------------------------------------- pgbench

var pgbenchProcessed = regexp.MustCompile(`number of transactions actually processed: (\d+)/(\d+)`)

func runPgbench(t *testing.T, host string, port int, script, mode string, transactions int) string {
	t.Helper()
	pgbench := needTool(t, "pgbench")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgbench, "-n", "-f", script, "-M", mode, "-c", "4", "-j", "2", "-t", strconv.Itoa(transactions),
		"-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "postgres")
	cmd.Env = clientEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench -f %s -M %s: %v\n%s", script, mode, err, out)
	}
	return string(out)
}

func checkPgbench(t *testing.T, out string, transactions int) {
	t.Helper()
	total := strconv.Itoa(4 * transactions)
	if !strings.Contains(out, "number of failed transactions: 0 (0.000%)") {
		t.Errorf("pgbench reported failures:\n%s", out)
	}
	m := pgbenchProcessed.FindStringSubmatch(out)
	if m == nil || m[1] != total || m[2] != total {
		t.Errorf("pgbench did not process %s/%s transactions:\n%s", total, total, out)
	}
}

func TestPgbench(t *testing.T) {
	ts := startServer(t, server.Config{})
	pg := pgoracle.Shared(t)
	scripts, err := filepath.Glob(filepath.Join("testdata", "pgbench", "*.sql"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no pgbench scripts: %v", err)
	}
	for _, script := range scripts {
		for _, mode := range []string{"simple", "extended", "prepared"} {
			t.Run(strings.TrimSuffix(filepath.Base(script), ".sql")+"/"+mode, func(t *testing.T) {
				// The script must be valid for PostgreSQL first, or the
				// test would prove nothing (a short run is enough).
				checkPgbench(t, runPgbench(t, pg.Host, pg.Port, script, mode, 10), 10)
				checkPgbench(t, runPgbench(t, ts.Host, ts.Port, script, mode, 200), 200)
			})
		}
	}
}

// ---------------------------------------------------------------- auth, TLS

func TestAuthPsql(t *testing.T) {
	ts := startServer(t, server.Config{Auth: auth.SCRAMSHA256, Password: "s3cret"})
	out, err := runPsql(t, ".", "127.0.0.1", ts.Port, clientEnv("PGPASSWORD=s3cret"), "-tAc", "select 1")
	if err != nil || out != "1\n" {
		t.Fatalf("psql with the right password: %v %q", err, out)
	}
	out, err = runPsql(t, ".", "127.0.0.1", ts.Port, clientEnv("PGPASSWORD=wrong"), "-tAc", "select 1")
	if err == nil || !strings.Contains(out, `FATAL:  password authentication failed for user "postgres"`) {
		t.Fatalf("psql with a wrong password: %v %q", err, out)
	}
	out, err = runPsql(t, ".", "127.0.0.1", ts.Port, clientEnv(), "-w", "-tAc", "select 1")
	if err == nil || !strings.Contains(out, "fe_sendauth: no password supplied") {
		t.Fatalf("psql without a password: %v %q", err, out)
	}
}

func TestAuthPgx(t *testing.T) {
	for _, m := range []auth.Method{auth.SCRAMSHA256, auth.MD5, auth.Password} {
		t.Run(string(m), func(t *testing.T) {
			ts := startServer(t, server.Config{Auth: m, Password: "s3cret"})
			dsn := func(pw string) string {
				return fmt.Sprintf("postgres://postgres:%s@%s/postgres?sslmode=disable&connect_timeout=10", pw, ts.HostPort())
			}
			ctx := testCtx(t, 10*time.Second)
			conn, err := pgx.Connect(ctx, dsn("s3cret"))
			if err != nil {
				t.Fatalf("right password: %v", err)
			}
			var n int
			if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
				t.Fatalf("select 1: %v", err)
			}
			_ = conn.Close(ctx)
			_, err = pgx.Connect(ctx, dsn("wrong"))
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "28P01" || pe.Message != `password authentication failed for user "postgres"` {
				t.Fatalf("wrong password: got %v", err)
			}
			// lib/pq as well.
			db, err := sql.Open("postgres", dsn("s3cret"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.QueryRowContext(ctx, "select 2").Scan(&n); err != nil || n != 2 {
				t.Fatalf("lib/pq: %v", err)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, err := testcert.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, server.Config{TLSCert: certFile, TLSKey: keyFile})
	conninfo := fmt.Sprintf("sslmode=require host=127.0.0.1 port=%d user=postgres dbname=postgres", ts.Port)
	psql := needTool(t, "psql")
	cmd := exec.Command(psql, "-X", conninfo, "-c", "select 1 as one", "-c", `\conninfo`)
	cmd.Env = clientEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql sslmode=require: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "(1 row)") || !strings.Contains(string(out), "SSL connection (protocol: TLSv1.") {
		t.Errorf("psql over TLS printed:\n%s", out)
	}

	ctx := testCtx(t, 10*time.Second)
	for _, m := range execModes {
		conn := connectPgx(t, strings.Replace(ts.DSN(), "sslmode=disable", "sslmode=require", 1), m.mode)
		var n int
		if err := conn.QueryRow(ctx, "select $1::int4 + 1", int32(1)).Scan(&n); err != nil || n != 2 {
			t.Fatalf("pgx over TLS (%s): %v", m.name, err)
		}
		if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
			t.Errorf("pgx sslmode=require (%s): connection is %T, not TLS", m.name, conn.PgConn().Conn())
		}
	}

	// Without a certificate, sslmode=require fails as against PostgreSQL
	// without ssl.
	plain := startServer(t, server.Config{})
	cmd = exec.Command(psql, "-X", fmt.Sprintf("sslmode=require host=127.0.0.1 port=%d user=postgres dbname=postgres", plain.Port), "-c", "select 1")
	cmd.Env = clientEnv()
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "server does not support SSL, but SSL was required") {
		t.Errorf("psql sslmode=require against a server without TLS: %v\n%s", err, out)
	}
	_, err = pgx.Connect(ctx, strings.Replace(plain.DSN(), "sslmode=disable", "sslmode=require", 1))
	if err == nil || !strings.Contains(err.Error(), "server refused TLS connection") {
		t.Errorf("pgx sslmode=require against a server without TLS: %v", err)
	}
	// sslmode=prefer falls back to plain text.
	conn := connectPgx(t, strings.Replace(plain.DSN(), "sslmode=disable", "sslmode=prefer", 1), pgx.QueryExecModeSimpleProtocol)
	var n int
	if err := conn.QueryRow(ctx, "select 3").Scan(&n); err != nil || n != 3 {
		t.Fatalf("sslmode=prefer: %v", err)
	}
}
