package server_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestNamedStatementsKeepOwnPlanCounters: two protocol-level prepared
// statements with the same text are separate plan sources, as in
// PostgreSQL: executing one six times (five custom plans, then the generic
// one) leaves the other's pg_prepared_statements counters at zero, and
// the unnamed statements of the same text count for neither.
func TestNamedStatementsKeepOwnPlanCounters(t *testing.T) {
	ctx := context.Background()
	nq := startServer(t, server.Config{})
	pg := pgoracle.Shared(t)
	var got [2][][]string
	for i, dsn := range []string{pg.DSN(), nq.DSN()} {
		conn, err := pgconn.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		exec := func(sql string) [][]string {
			t.Helper()
			res, err := conn.Exec(ctx, sql).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			var rows [][]string
			for _, r := range res[len(res)-1].Rows {
				var row []string
				for _, v := range r {
					row = append(row, string(v))
				}
				rows = append(rows, row)
			}
			return rows
		}
		exec("DROP TABLE IF EXISTS pcn; CREATE TABLE pcn (id int PRIMARY KEY, v int); INSERT INTO pcn SELECT g, g FROM generate_series(1, 100) g; ANALYZE pcn")
		const text = "SELECT v FROM pcn WHERE id = $1"
		for _, name := range []string{"a", "b"} {
			if _, err := conn.Prepare(ctx, name, text, nil); err != nil {
				t.Fatal(err)
			}
		}
		run := func(name string, n int) {
			for k := 1; k <= n; k++ {
				if _, err := conn.ExecPrepared(ctx, name, [][]byte{[]byte(fmt.Sprint(k))}, nil, nil).Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
		run("a", 6)
		// Unnamed statements of the same text.
		for k := 1; k <= 3; k++ {
			if _, err := conn.ExecParams(ctx, text, [][]byte{[]byte(fmt.Sprint(k))}, nil, nil, nil).Close(); err != nil {
				t.Fatal(err)
			}
		}
		run("b", 2)
		got[i] = exec("SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name")
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatalf("pg_prepared_statements differ\npostgres: %v\nnqdb:     %v", got[0], got[1])
	}
	if len(got[1]) != 2 {
		t.Fatalf("want two statements, got %v", got[1])
	}
}
