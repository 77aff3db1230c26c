package executor_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestRelationSizes checks pg_relation_size and friends against the
// B+trees they measure: sizes are whole pages, grow with the rows, add up
// (total = table + indexes), and follow PostgreSQL's NULL and error rules.
func TestRelationSizes(t *testing.T) {
	_, addr := testserver.Start(t, server.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string) {
		t.Helper()
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sizes := func() (rel, table, idx, total, vIdx int64) {
		t.Helper()
		err := conn.QueryRow(ctx, `select pg_relation_size('s'), pg_table_size('s'), pg_indexes_size('s'),
			pg_total_relation_size('s'), pg_relation_size('s_v')`).Scan(&rel, &table, &idx, &total, &vIdx)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	exec("create table s (id int primary key, v text)")
	exec("create index s_v on s (v)")
	if rel, _, idx, total, _ := sizes(); rel != 0 || idx != 0 || total != 0 {
		t.Fatalf("empty table: relation %d, indexes %d, total %d; want 0", rel, idx, total)
	}
	exec("insert into s select g, 'value ' || g from generate_series(1, 5000) g")
	rel, table, idx, total, vIdx := sizes()
	if rel <= 5000*10 || rel%8192 != 0 {
		t.Fatalf("relation size %d: want whole 8 kB pages holding 5000 rows", rel)
	}
	if table != rel || idx != vIdx || total != rel+idx || idx%8192 != 0 || idx == 0 {
		t.Fatalf("table %d, indexes %d (s_v %d), total %d for relation %d", table, idx, vIdx, total, rel)
	}
	exec("insert into s select g, 'value ' || g from generate_series(5001, 20000) g")
	if rel2, _, _, _, _ := sizes(); rel2 <= rel {
		t.Fatalf("relation size %d after 15000 more rows, was %d", rel2, rel)
	}
	var null *int64
	if err := conn.QueryRow(ctx, "select pg_relation_size(123456::oid::regclass)").Scan(&null); err != nil || null != nil {
		t.Fatalf("size of a missing relation: %v, %v; want NULL", null, err)
	}
	var db, fsm int64
	if err := conn.QueryRow(ctx, "select pg_database_size(current_database()), pg_relation_size('s', 'fsm')").Scan(&db, &fsm); err != nil {
		t.Fatal(err)
	}
	if db < total || fsm != 0 {
		t.Fatalf("database %d bytes (tables %d), fsm fork %d", db, total, fsm)
	}
	for q, code := range map[string]string{
		"select pg_relation_size('s', 'heap')": "22023",
		"select pg_database_size('nope')":      "3D000",
	} {
		_, err := conn.Exec(ctx, q)
		if pe, ok := err.(*pgconn.PgError); !ok || pe.Code != code {
			t.Errorf("%s: %v, want SQLSTATE %s", q, err, code)
		}
	}
}
