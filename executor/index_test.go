package executor_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestIndexesUnderConcurrentDML runs random inserts, updates (of indexed
// columns and of the primary key) and deletes from several connections,
// in transactions that commit or roll back, over a table with a unique
// and two non-unique indexes. Afterwards every index must hold exactly
// the entries its rows call for (Engine.Check), and lookups through each
// index must agree with full scans.
func TestIndexesUnderConcurrentDML(t *testing.T) {
	seed := time.Now().UnixNano()
	if s := os.Getenv("NQDB_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("NQDB_SEED=%d", seed)
	_, addr, engine := testserver.StartEngine(t, server.Config{})
	dsn := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr)
	ctx := context.Background()
	setup, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close(ctx)
	for _, q := range []string{
		"create table u (id int primary key, k int, email text unique, v int)",
		"create index u_k on u (k)",
		"create index u_kv on u (k, v)",
	} {
		if _, err := setup.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const workers, txns = 4, 400
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed + int64(w)))
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				errc <- err
				return
			}
			defer conn.Close(ctx)
			for i := 0; i < txns; i++ {
				if err := randomTxn(ctx, conn, rng); err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if err := engine.Check(ctx); err != nil {
		t.Fatalf("index check: %v", err)
	}
	var rows int
	if err := setup.QueryRow(ctx, "select count(*) from u").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows at the end", rows)
	for k := 0; k < 10; k++ {
		compareCounts(t, setup, "select count(*) from u where k = $1", "select count(*) from u where k + 0 = $1", k)
		compareCounts(t, setup, "select count(*) from u where k = $1 and v = 1", "select count(*) from u where k + 0 = $1 and v + 0 = 1", k)
	}
	for e := 0; e < 40; e++ {
		compareCounts(t, setup, "select count(*) from u where email = $1", "select count(*) from u where email || '' = $1", "e"+strconv.Itoa(e))
	}
}

func compareCounts(t *testing.T, conn *pgx.Conn, indexed, scan string, arg any) {
	t.Helper()
	var a, b int
	if err := conn.QueryRow(context.Background(), indexed, arg).Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(context.Background(), scan, arg).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("%s [%v]: %d rows through the index, %d by a scan", indexed, arg, a, b)
	}
}

// randomTxn runs one to three random statements, then commits or rolls
// back. Unique violations and deadlocks are expected outcomes.
func randomTxn(ctx context.Context, conn *pgx.Conn, rng *rand.Rand) error {
	email := func() any {
		if rng.Intn(5) == 0 {
			return nil
		}
		return "e" + strconv.Itoa(rng.Intn(40))
	}
	if _, err := conn.Exec(ctx, "begin"); err != nil {
		return err
	}
	n := 1 + rng.Intn(3)
	for i := 0; i < n; i++ {
		var err error
		switch rng.Intn(9) {
		case 0, 1, 7, 8:
			_, err = conn.Exec(ctx, "insert into u values ($1, $2, $3, $4)", rng.Intn(200), rng.Intn(10), email(), rng.Intn(3))
		case 2:
			_, err = conn.Exec(ctx, "update u set k = $1, v = $2 where id = $3", rng.Intn(10), rng.Intn(3), rng.Intn(200))
		case 3:
			_, err = conn.Exec(ctx, "update u set email = $1 where k = $2 and v = $3", email(), rng.Intn(10), rng.Intn(3))
		case 4:
			_, err = conn.Exec(ctx, "update u set id = id + 200 where email = $1", email())
		case 5:
			_, err = conn.Exec(ctx, "delete from u where id = $1", rng.Intn(400))
		case 6:
			_, err = conn.Exec(ctx, "delete from u where k = $1 and v = $2", rng.Intn(10), rng.Intn(3))
		}
		if err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "40P01") {
				_, err = conn.Exec(ctx, "rollback")
				return err
			}
			return err
		}
	}
	q := "commit"
	if rng.Intn(4) == 0 {
		q = "rollback"
	}
	_, err := conn.Exec(ctx, q)
	return err
}
