package executor_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

// TestSequenceSurvivesRestart: values handed out before a restart are
// never handed out again, serial defaults included, and currval is per
// session.
func TestSequenceSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var last int64
	t.Run("before", func(t *testing.T) {
		_, addr, _ := testserver.StartWith(t, server.Config{}, storage.Options{Dir: dir})
		conn := connect(t, addr.String())
		for _, q := range []string{
			"create sequence s increment by 5",
			"create table t (id bigserial primary key, v text)",
			"insert into t (v) values ('a'), ('b'), ('c')",
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for i := 0; i < 40; i++ {
			if err := conn.QueryRow(ctx, "select nextval('s')").Scan(&last); err != nil {
				t.Fatal(err)
			}
		}
		if last != 1+39*5 {
			t.Fatalf("40th nextval = %d, want %d", last, 1+39*5)
		}
	})
	t.Run("after", func(t *testing.T) {
		_, addr, _ := testserver.StartWith(t, server.Config{}, storage.Options{Dir: dir})
		conn := connect(t, addr.String())
		var next int64
		if err := conn.QueryRow(ctx, "select nextval('s')").Scan(&next); err != nil {
			t.Fatal(err)
		}
		if next <= last || (next-1)%5 != 0 {
			t.Fatalf("after restart nextval = %d, last before = %d", next, last)
		}
		if _, err := conn.Exec(ctx, "insert into t (v) values ('d')"); err != nil {
			t.Fatal(err)
		}
		var n, distinct, maxID int64
		if err := conn.QueryRow(ctx, "select count(*), count(distinct id), max(id) from t").Scan(&n, &distinct, &maxID); err != nil {
			t.Fatal(err)
		}
		if n != 4 || distinct != 4 || maxID <= 3 {
			t.Fatalf("serial ids after restart: %d rows, %d distinct, max %d", n, distinct, maxID)
		}
		other := connect(t, addr.String())
		if err := other.QueryRow(ctx, "select currval('s')").Scan(&next); err == nil {
			t.Fatal("currval defined in a session that never called nextval")
		}
	})
}

func connect(t *testing.T, addr string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
