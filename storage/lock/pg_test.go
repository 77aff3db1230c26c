package lock

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// TestDeadlockMatchesPostgres runs the same two- and three-party row-lock
// deadlocks on PostgreSQL and on the manager and compares the error: the
// message and the DETAIL, with PostgreSQL's process ids and transaction
// numbers replaced by the name of the session they belong to (ours use the
// TxnID for both).
func TestDeadlockMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	srv := pgoracle.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	setup, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close(ctx)
	if _, err := setup.Exec(ctx, `DROP TABLE IF EXISTS lock_dl; CREATE TABLE lock_dl (id int PRIMARY KEY, v int);
		INSERT INTO lock_dl SELECT g, 0 FROM generate_series(0, 9) g`); err != nil {
		t.Fatal(err)
	}
	for _, parties := range []int{2, 3} {
		t.Run(strconv.Itoa(parties), func(t *testing.T) {
			pgMsg, pgDetail := pgDeadlock(ctx, t, srv.DSN(), parties)
			t.Logf("PostgreSQL: %s\n%s", pgMsg, pgDetail)

			// Ours: session i is txn i+1; each holds row i and then wants
			// row i+1 (mod parties); the last request closes the cycle.
			m := NewManager()
			key := func(i int) string { return "lock_dl/" + strconv.Itoa(i%parties) }
			for i := range parties {
				if err := m.Lock(ctx, TxnID(i+1), key(i), Exclusive, Block); err != nil {
					t.Fatal(err)
				}
			}
			results := make(chan error, parties)
			for i := range parties - 1 {
				go func() { results <- m.Lock(ctx, TxnID(i+1), key(i+1), Exclusive, Block) }()
				waitFor(t, func() bool { return len(m.Waiters(key(i+1))) == 1 })
			}
			err := m.Lock(ctx, TxnID(parties), key(parties), Exclusive, Block)
			var de *DeadlockError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a deadlock", err)
			}
			names := map[string]string{}
			for i := range parties {
				names[strconv.Itoa(i+1)] = "S" + strconv.Itoa(i)
			}
			if got := de.Error(); got != pgMsg {
				t.Errorf("message %q, PostgreSQL %q", got, pgMsg)
			}
			if got := renumber(de.Detail(), names); got != pgDetail {
				t.Errorf("detail:\n%s\nPostgreSQL:\n%s", got, pgDetail)
			}
			m.ReleaseAll(TxnID(parties))
			for i := parties - 1; i >= 1; i-- {
				if err := <-results; err != nil {
					t.Error(err)
				}
				m.ReleaseAll(TxnID(i))
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("timed out")
		}
	}
}

// renumber replaces every number in s by its name.
func renumber(s string, names map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if n, ok := names[s[i:j]]; ok {
			b.WriteString(n)
		} else {
			b.WriteString("?" + s[i:j])
		}
		i = j
	}
	return b.String()
}

// pgDeadlock makes PostgreSQL sessions S0..S(n-1) deadlock the same way and
// returns the error's message and its DETAIL with pids and xids renamed.
func pgDeadlock(ctx context.Context, t *testing.T, dsn string, parties int) (string, string) {
	conns := make([]*pgx.Conn, parties)
	names := map[string]string{}
	for i := range conns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		conns[i] = c
		name := "S" + strconv.Itoa(i)
		var pid int
		var xid int64
		// deadlock_timeout is how long a waiter sleeps before it checks;
		// a short one keeps the test fast, and the last waiter, the one
		// that closes the cycle, is the victim only if the others waited
		// long enough to have checked already.
		if _, err := c.Exec(ctx, "SET deadlock_timeout = '100ms'"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "BEGIN"); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(ctx, "SELECT pg_backend_pid(), txid_current()").Scan(&pid, &xid); err != nil {
			t.Fatal(err)
		}
		names[strconv.Itoa(pid)] = name
		names[strconv.FormatInt(xid, 10)] = name
		if _, err := c.Exec(ctx, "UPDATE lock_dl SET v = v + 1 WHERE id = $1", i); err != nil {
			t.Fatal(err)
		}
	}
	results := make(chan error, parties)
	for i := range parties - 1 {
		go func() {
			_, err := conns[i].Exec(ctx, "UPDATE lock_dl SET v = v + 1 WHERE id = $1", i+1)
			results <- err
		}()
	}
	time.Sleep(500 * time.Millisecond) // let them block and pass their checks
	_, err := conns[parties-1].Exec(ctx, "UPDATE lock_dl SET v = v + 1 WHERE id = $1", 0)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "40P01" {
		t.Fatalf("PostgreSQL: got %v, want a deadlock", err)
	}
	if _, err := conns[parties-1].Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	for i := parties - 2; i >= 0; i-- {
		if err := <-results; err != nil {
			t.Fatalf("PostgreSQL session %d: %v", i, err)
		}
		if _, err := conns[i].Exec(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
	}
	return pe.Message, renumber(pe.Detail, names)
}
