package sqltest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestWritableCTEExtended runs data-modifying WITH statements through the
// extended protocol (pgx's default: Parse/Bind/Describe/Execute with
// parameters) on PostgreSQL and on nqdb, and compares rows and command
// tags, which psql's simple protocol in writable_cte.sql does not cover.
func TestWritableCTEExtended(t *testing.T) {
	pg := pgoracle.Shared(t)
	adminConn(t, pg.DSN(), "DROP DATABASE IF EXISTS sqltest_wcte_ext", "CREATE DATABASE sqltest_wcte_ext")
	_, addr := testserver.Start(t, server.Config{})
	steps := []struct {
		sql  string
		args []any
	}{
		{"create table t (a int primary key, b text)", nil},
		{"create table arch (a int, b text)", nil},
		{"insert into t select g, 'v' || g from generate_series(1, 6) g", nil},
		{"with d as (delete from t where a = $1 returning *) select * from d", []any{3}},
		{"with d as (delete from t where a > $1 returning a, b) insert into arch select * from d", []any{4}},
		{"with d as (update t set b = $2 where a = $1 returning *) select b, a from d", []any{1, "one"}},
		{"with i as (insert into arch values ($1, $2)) update t set b = b || '+' where a <= $1 returning *", []any{2, "x"}},
		{"with d as (delete from arch where a = $1 returning a) delete from t where a in (select a from d) returning b", []any{2}},
		{"with x as (insert into arch values (99, 'z')) select count(*) from arch", nil},
		{"select * from t order by a", nil},
		{"select * from arch order by a", nil},
	}
	run := func(dsn string) string {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var out strings.Builder
		for _, s := range steps {
			rows, err := conn.Query(ctx, s.sql, s.args...)
			if err != nil {
				fmt.Fprintf(&out, "%s: error %v\n", s.sql, err)
				continue
			}
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&out, "%v\n", vals)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				fmt.Fprintf(&out, "%s: error %v\n", s.sql, err)
				continue
			}
			fmt.Fprintf(&out, "%s: %s\n", s.sql, rows.CommandTag())
		}
		return out.String()
	}
	want := run(fmt.Sprintf("postgres://postgres@%s/sqltest_wcte_ext?sslmode=disable", pg.Addr()))
	got := run(fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if got != want {
		t.Errorf("extended protocol results differ (-postgres +nqdb):\n%s", diff(want, got))
	}
}
