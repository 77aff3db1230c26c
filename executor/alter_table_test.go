package executor_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestAlterRebuildsKeysAndIndexes runs the ALTER TABLE actions that move
// rows to new keys or change indexed values (TYPE of key and indexed
// columns, DROP COLUMN of a key column, DROP CONSTRAINT of a primary
// key, a failing TYPE rolled back) over a table with indexes. After each
// step every index must hold exactly the entries its rows call for
// (Engine.Check), and lookups through the indexes must agree with scans.
func TestAlterRebuildsKeysAndIndexes(t *testing.T) {
	_, addr, engine := testserver.StartEngine(t, server.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string, wantErr bool) {
		t.Helper()
		_, err := conn.Exec(ctx, q)
		if (err != nil) != wantErr {
			t.Fatalf("%s: error %v, want error %v", q, err, wantErr)
		}
		if err := engine.Check(ctx); err != nil {
			t.Fatalf("after %s: index check: %v", q, err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	exec("create table a (id int primary key, k int, v text)", false)
	exec("create index a_k on a (k)", false)
	exec("create unique index a_v on a (v)", false)
	exec("insert into a select g, g % 7, 'v' || g from generate_series(1, 500) g", false)
	steps := []struct {
		q       string
		wantErr bool
	}{
		{"alter table a alter column k type bigint", false},
		{"alter table a alter column id type text using 'x' || (1000 - id)", false},
		{"alter table a alter column k type numeric using k / 2", false},
		{"alter table a alter column v type int using 1", true},  // unique index a_v
		{"alter table a alter column id type int using 1", true}, // primary key
		{"alter table a drop constraint a_pkey", false},
		{"insert into a values ('new', 3, 'vnew')", false},
		{"alter table a add primary key (v)", false},
		{"alter table a drop column v", false},
		{"alter table a rename column k to kk", false},
		{"alter table a alter kk set not null, alter kk type int using kk::int", false},
	}
	for _, st := range steps {
		exec(st.q, st.wantErr)
	}
	if n := count("select count(*) from a"); n != 501 {
		t.Fatalf("%d rows, want 501", n)
	}
	for k := 0; k < 4; k++ {
		idx := count(fmt.Sprintf("select count(*) from a where kk = %d", k))
		scan := count(fmt.Sprintf("select count(*) from a where kk + 0 = %d", k))
		if idx != scan {
			t.Fatalf("kk = %d: %d rows through the index, %d by a scan", k, idx, scan)
		}
	}
}
