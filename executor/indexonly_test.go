package executor_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestIndexOnlyUnderConcurrentWriters checks that index-only scans see
// exactly the snapshot's rows while other transactions write: writers
// move amounts between rows (k of one row down, of another up), move
// rows to new primary keys (delete and insert) and roll back some of
// their transactions, so the sum and count of k never change in any
// committed state. Each writer keeps to its own rows (ids of one
// parity): the test is about what readers see, not about concurrent
// updates of one row. Readers sum k through index-only scans (a key range
// and a whole index read for count(*)) and must always find the
// invariant, and inside their own transaction they must see their own
// uncommitted change.
func TestIndexOnlyUnderConcurrentWriters(t *testing.T) {
	_, addr := testserver.Start(t, server.Config{})
	dsn := fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr)
	ctx := context.Background()
	setup, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close(ctx)
	const rows = 200
	for _, q := range []string{
		"create table acc (id int primary key, k int, pad text)",
		fmt.Sprintf("insert into acc select g, 1000, repeat('p', 80) from generate_series(1, %d) g", rows),
		"create index acc_k on acc (k)",
	} {
		if _, err := setup.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const total = rows * 1000
	queries := []string{
		"select count(*), coalesce(sum(k), 0) from acc where k between -1000000 and 1000000",
		"select count(*), coalesce(sum(k), 0) from acc where k > -1000000",
	}
	for _, q := range append(queries, "select count(*) from acc") {
		var plan strings.Builder
		rs, err := setup.Query(ctx, "explain (costs off) "+q)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var line string
			if err := rs.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan.String(), "Index Only Scan using acc_k") {
			t.Fatalf("%s: not an index-only scan:\n%s", q, plan.String())
		}
	}

	deadline := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	var nextID atomic.Int64
	nextID.Store(rows + 1)
	errc := make(chan error, 8)
	writer := func(w int) {
		defer wg.Done()
		rng := rand.New(rand.NewSource(int64(w)))
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			errc <- err
			return
		}
		defer conn.Close(ctx)
		for time.Now().Before(deadline) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				errc <- err
				return
			}
			var ids []int64
			r, err := tx.Query(ctx, "select id from acc where id % 2 = $1 order by random() limit 2", w)
			if err == nil {
				for r.Next() {
					var id int64
					_ = r.Scan(&id)
					ids = append(ids, id)
				}
				err = r.Err()
			}
			if err == nil && len(ids) == 2 {
				d := rng.Intn(50) + 1
				_, err = tx.Exec(ctx, "update acc set k = k - $1 where id = $2", d, ids[0])
				if err == nil {
					_, err = tx.Exec(ctx, "update acc set k = k + $1 where id = $2", d, ids[1])
				}
				if err == nil && rng.Intn(3) == 0 {
					// Move a row to a new primary key.
					_, err = tx.Exec(ctx, "with d as (delete from acc where id = $1 returning k, pad) insert into acc select $2::int, k, pad from d", ids[0], 2*nextID.Add(1)+int64(w))
				}
			}
			if err != nil || rng.Intn(4) == 0 {
				_ = tx.Rollback(ctx)
				if err != nil && !isRetryable(err) {
					errc <- err
					return
				}
				continue
			}
			if err := tx.Commit(ctx); err != nil && !isRetryable(err) {
				errc <- err
				return
			}
		}
	}
	reader := func(r int) {
		defer wg.Done()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			errc <- err
			return
		}
		defer conn.Close(ctx)
		for i := 0; time.Now().Before(deadline); i++ {
			q := queries[(i+r)%len(queries)]
			var n, sum int64
			if err := conn.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
				errc <- err
				return
			}
			if n != rows || sum != total {
				errc <- fmt.Errorf("%s: count %d sum %d, want %d and %d", q, n, sum, rows, total)
				return
			}
			var c int64
			if err := conn.QueryRow(ctx, "select count(*) from acc").Scan(&c); err != nil || c != rows {
				errc <- fmt.Errorf("count(*) = %d (%v), want %d", c, err, rows)
				return
			}
			// The transaction's own write is visible to its scans.
			tx, err := conn.Begin(ctx)
			if err != nil {
				errc <- err
				return
			}
			_, err = tx.Exec(ctx, "insert into acc values ($1, 7, 'own')", -1-r)
			if err == nil {
				err = tx.QueryRow(ctx, q).Scan(&n, &sum)
			}
			_ = tx.Rollback(ctx)
			if err != nil {
				errc <- err
				return
			}
			if n != rows+1 || sum != total+7 {
				errc <- fmt.Errorf("own write: %s: count %d sum %d, want %d and %d", q, n, sum, rows+1, total+7)
				return
			}
		}
	}
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go writer(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go reader(r)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

// isRetryable: a serialization failure or deadlock a writer may meet.
func isRetryable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "40001") || strings.Contains(s, "40P01") || strings.Contains(s, "could not serialize")
}

// BenchmarkIndexOnlyScan compares index-only scans with the plans they
// replace (enable_indexonlyscan = off) over 20,000 rows with a wide
// column the index does not hold: count(*), a key range's sum and an
// ORDER BY the index satisfies.
func BenchmarkIndexOnlyScan(b *testing.B) {
	_, addr := testserver.Start(b, server.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"create table mb (id int primary key, k int, pad text)",
		"insert into mb select g, (g * 7919) % 20011, repeat('x', 100) from generate_series(1, 20000) g",
		"create index mb_k on mb (k)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{
		"select count(*) from mb",
		"select sum(k) from mb where k between 1000 and 15000",
		"select max(x) from (select k + 0 as x from mb order by k) s",
	} {
		for _, mode := range []string{"on", "off"} {
			b.Run(q+"/indexonly="+mode, func(b *testing.B) {
				if _, err := conn.Exec(ctx, "set enable_indexonlyscan = "+mode); err != nil {
					b.Fatal(err)
				}
				for i := 0; i < b.N; i++ {
					var v any
					if err := conn.QueryRow(ctx, q).Scan(&v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
