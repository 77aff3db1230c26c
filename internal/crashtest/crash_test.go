package crashtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Shape of the crash workload: small enough that transactions collide on
// tellers and branches (row locks, READ COMMITTED re-checks), big enough
// that accounts spread over many leaf pages.
const (
	nBranches = 4
	nTellers  = 40
	nAccounts = 5000
	nWorkers  = 6
)

// killMode is what is going on when the server is killed.
type killMode int

const (
	killAfterCommits killMode = iota // after a random number of acknowledged commits
	killCheckpoint                   // while one session loops CHECKPOINT and TRUNCATE (which checkpoints)
	killCopy                         // while one session loops bulk COPY
	nKillModes
)

func (m killMode) String() string {
	return [...]string{"after-commits", "checkpoint", "copy"}[m]
}

// txnState is what the client knows about one transaction.
type txnState uint8

const (
	txnOpen     txnState = iota // statements sent, COMMIT not yet
	txnFailed                   // failed before COMMIT was sent: must not be there
	txnInDoubt                  // COMMIT sent, no answer: may or may not be there
	txnAcked                    // COMMIT acknowledged
	txnResolved                 // after a restart: known committed
	txnLost                     // after a restart: known not committed
)

type txnRec struct {
	aid, tid, bid int32
	delta         int64
	async         bool // synchronous_commit=off session
	state         txnState
}

// ledger is the client's record of every transaction it attempted.
type ledger struct {
	mu     sync.Mutex
	txns   map[int64]*txnRec
	nextID atomic.Int64
	acks   atomic.Int64 // acknowledged commits, all rounds
	errs   atomic.Int64 // statement errors other than the kill's
	errMsg atomic.Pointer[string]
	// checkpoints completed, summed over the server processes
	checkpoints atomic.Int64

	batchMu sync.Mutex
	batches map[int64]*batchRec
}

type batchRec struct {
	rows  int
	state txnState
}

func newLedger() *ledger {
	return &ledger{txns: map[int64]*txnRec{}, batches: map[int64]*batchRec{}}
}

func (l *ledger) begin(r *txnRec) int64 {
	id := l.nextID.Add(1)
	l.mu.Lock()
	l.txns[id] = r
	l.mu.Unlock()
	return id
}

func (l *ledger) set(id int64, s txnState) {
	l.mu.Lock()
	l.txns[id].state = s
	l.mu.Unlock()
	if s == txnAcked {
		l.acks.Add(1)
	}
}

// TestCrashRecovery kills the server with SIGKILL under load, restarts it
// on the same data directory and checks that acknowledged commits stayed,
// nothing else appeared and the balances add up (see doc.go).
func TestCrashRecovery(t *testing.T) {
	rounds := envInt(t, "NQDB_CRASH_ROUNDS", 5)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("NQDB_CRASH_SEED"); v != "" {
		seed = uint64(envInt(t, "NQDB_CRASH_SEED", 0))
	}
	t.Logf("NQDB_CRASH_SEED=%d NQDB_CRASH_ROUNDS=%d", seed, rounds)
	rng := rand.New(rand.NewPCG(seed, 0x6e716462))

	bin := serverBinary(t)
	tmp := t.TempDir()
	dataDir := filepath.Join(tmp, "data")
	srv, err := Start(bin, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Kill() }()
	ctx := context.Background()
	setupSchema(t, ctx, srv)

	l := newLedger()
	var (
		survived  int
		restarts  []time.Duration
		lostAsync int
		inDoubt   int
		byMode    [nKillModes]int
		checked   = true
	)
	for round := 0; round < rounds; round++ {
		mode := killMode(round % int(nKillModes))
		// Vary the moment: a delay for the background modes, an ack count
		// for the commit mode.
		delay := time.Duration(30+rng.IntN(1200)) * time.Millisecond
		ackTarget := int64(5 + rng.IntN(300))
		runLoadAndKill(t, srv, l, mode, delay, ackTarget, rng.Uint64())
		if t.Failed() {
			return
		}

		// Check a copy of the directory as the kill left it, so that the
		// restarted server below recovers the very same image.
		if checked {
			snap := filepath.Join(tmp, fmt.Sprintf("check-%d", round))
			if err := CopyDir(dataDir, snap); err != nil {
				t.Fatal(err)
			}
			switch err := Check(bin, snap); {
			case errors.Is(err, ErrNoCheck):
				t.Log("nqdb has no check subcommand: skipping the consistency check")
				checked = false
			case err != nil:
				// Keep the image for a post-mortem: t.TempDir goes away.
				keep, kerr := os.MkdirTemp("", "nqdb-crash-")
				if kerr == nil {
					kerr = CopyDir(snap, filepath.Join(keep, "data"))
				}
				t.Fatalf("round %d (%v): %v (data directory as the kill left it: %s, %v)", round, mode, err, keep, kerr)
			}
			os.RemoveAll(snap)
		}

		srv, err = Start(bin, dataDir)
		if err != nil {
			t.Fatalf("round %d (%v): restart after kill: %v", round, mode, err)
		}
		restarts = append(restarts, srv.Started)
		lost, doubt := verify(t, ctx, srv, l, round, mode)
		if t.Failed() {
			return
		}
		lostAsync += lost
		inDoubt += doubt
		survived++
		byMode[mode]++
	}
	if err := srv.Stop(30 * time.Second); err != nil {
		t.Errorf("clean shutdown after the crash rounds: %v\n%s", err, srv.Output())
	}
	if checked {
		if err := Check(bin, dataDir); err != nil {
			t.Errorf("after clean shutdown: %v", err)
		}
	}
	sort.Slice(restarts, func(i, j int) bool { return restarts[i] < restarts[j] })
	var med, max time.Duration
	if len(restarts) > 0 {
		med, max = restarts[len(restarts)/2], restarts[len(restarts)-1]
	}
	t.Logf("survived %d/%d crashes (after-commits %d, checkpoint %d, copy %d); %d commits acknowledged, "+
		"%d in doubt at the kill, %d acknowledged synchronous_commit=off commits lost; "+
		"restart to first connection: median %v, max %v; %d checkpoints completed; %d unexpected statement errors",
		survived, rounds, byMode[killAfterCommits], byMode[killCheckpoint], byMode[killCopy],
		l.acks.Load(), inDoubt, lostAsync, med.Round(time.Millisecond), max.Round(time.Millisecond), l.checkpoints.Load(), l.errs.Load())
	if p := l.errMsg.Load(); p != nil {
		t.Logf("first unexpected statement error: %s", *p)
	}
}

func setupSchema(t *testing.T, ctx context.Context, srv *Server) {
	t.Helper()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	stmts := []string{
		"CREATE TABLE ct_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL)",
		"CREATE TABLE ct_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance bigint NOT NULL)",
		"CREATE TABLE ct_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance bigint NOT NULL, filler char(84))",
		// No primary key, as pgbench_history: the ids' uniqueness is checked.
		"CREATE TABLE ct_history (id bigint NOT NULL, tid int NOT NULL, bid int NOT NULL, aid int NOT NULL, delta bigint NOT NULL, mtime timestamp)",
		"CREATE TABLE ct_bulk (batch bigint NOT NULL, seq int NOT NULL, payload text)",
		"CREATE TABLE ct_scratch (x int)",
		// Indexes, so that recovery and nqdb check cover them: a unique
		// one under concurrent inserts, one under COPY and TRUNCATE.
		"CREATE UNIQUE INDEX ct_history_id ON ct_history (id)",
		"CREATE INDEX ct_bulk_batch ON ct_bulk (batch, seq)",
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO ct_branches VALUES ")
	for i := 1; i <= nBranches; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d, 0)", i)
	}
	mustExec(t, ctx, conn, b.String())
	b.Reset()
	b.WriteString("INSERT INTO ct_tellers VALUES ")
	for i := 1; i <= nTellers; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d, %d, 0)", i, (i-1)*nBranches/nTellers+1)
	}
	mustExec(t, ctx, conn, b.String())
	b.Reset()
	for i := 1; i <= nAccounts; i++ {
		fmt.Fprintf(&b, "%d\t%d\t0\t\n", i, (i-1)*nBranches/nAccounts+1)
	}
	if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(b.String()), "COPY ct_accounts FROM STDIN"); err != nil {
		t.Fatalf("COPY ct_accounts: %v", err)
	}
}

func mustExec(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%.80s: %v", sql, err)
	}
}

// runLoadAndKill starts the workers (and the mode's extra session), kills
// the server at the mode's moment and waits until every client has seen
// the connection die.
func runLoadAndKill(t *testing.T, srv *Server, l *ledger, mode killMode, delay time.Duration, ackTarget int64, seed uint64) {
	ctx := context.Background()
	var wg sync.WaitGroup
	ready := make(chan error, nWorkers+1)
	for w := 0; w < nWorkers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			// Half the sessions use the simple protocol (values inlined,
			// as pgbench -M simple), the others pgx's prepared statements;
			// every third runs with synchronous_commit=off.
			async := w%3 == 2
			cfg, err := pgx.ParseConfig(srv.DSN())
			if err != nil {
				ready <- err
				return
			}
			if w%2 == 1 {
				cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
			}
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err == nil && async {
				_, err = conn.Exec(ctx, "SET synchronous_commit = off")
			}
			ready <- err
			if err != nil {
				return
			}
			defer conn.Close(ctx)
			tpcbLoop(ctx, conn, l, rng, async)
		}(w)
	}
	extra := func(f func(context.Context, *pgx.Conn)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pgx.Connect(ctx, srv.DSN())
			ready <- err
			if err != nil {
				return
			}
			defer conn.Close(ctx)
			f(ctx, conn)
		}()
	}
	switch mode {
	case killCheckpoint:
		extra(func(ctx context.Context, conn *pgx.Conn) { checkpointLoop(ctx, conn, l) })
	case killCopy:
		extra(func(ctx context.Context, conn *pgx.Conn) { copyLoop(ctx, conn, l, rand.New(rand.NewPCG(seed, 99))) })
	default:
		ready <- nil
	}
	for i := 0; i < nWorkers+1; i++ {
		if err := <-ready; err != nil {
			_ = srv.Kill()
			wg.Wait()
			t.Fatalf("connecting: %v", err)
		}
	}

	start := l.acks.Load()
	deadline := time.Now().Add(20 * time.Second)
	if mode == killAfterCommits {
		for l.acks.Load()-start < ackTarget && time.Now().Before(deadline) && !srv.Exited() {
			time.Sleep(200 * time.Microsecond)
		}
	} else {
		time.Sleep(delay)
	}
	if srv.Exited() {
		wg.Wait()
		t.Fatalf("nqdb died on its own under load (%v):\n%s", mode, srv.Output())
	}
	// Checkpoints since this start: shows that the checkpoint rounds do
	// kill while checkpoints happen.
	if n, err := srv.Metric("nqdb_checkpoints_total"); err == nil {
		l.checkpoints.Add(int64(n))
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

// tpcbLoop runs pgbench's tpcb-like transaction until the connection dies:
// update an account, read it back, update a teller and a branch, insert a
// history row with a client-made unique id.
func tpcbLoop(ctx context.Context, conn *pgx.Conn, l *ledger, rng *rand.Rand, async bool) {
	for {
		r := &txnRec{
			aid:   int32(1 + rng.IntN(nAccounts)),
			tid:   int32(1 + rng.IntN(nTellers)),
			bid:   int32(1 + rng.IntN(nBranches)),
			delta: int64(rng.IntN(10001) - 5000),
			async: async,
		}
		id := l.begin(r)
		err := func() error {
			if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
				return err
			}
			if _, err := conn.Exec(ctx, "UPDATE ct_accounts SET abalance = abalance + $1 WHERE aid = $2", r.delta, r.aid); err != nil {
				return err
			}
			var bal int64
			if err := conn.QueryRow(ctx, "SELECT abalance FROM ct_accounts WHERE aid = $1", r.aid).Scan(&bal); err != nil {
				return err
			}
			if _, err := conn.Exec(ctx, "UPDATE ct_tellers SET tbalance = tbalance + $1 WHERE tid = $2", r.delta, r.tid); err != nil {
				return err
			}
			if _, err := conn.Exec(ctx, "UPDATE ct_branches SET bbalance = bbalance + $1 WHERE bid = $2", r.delta, r.bid); err != nil {
				return err
			}
			_, err := conn.Exec(ctx, "INSERT INTO ct_history (id, tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, $5, CURRENT_TIMESTAMP)",
				id, r.tid, r.bid, r.aid, r.delta)
			return err
		}()
		if err != nil {
			l.set(id, txnFailed)
			if conn.IsClosed() {
				return
			}
			l.noteErr(err)
			if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
				return
			}
			continue
		}
		tag, err := conn.Exec(ctx, "COMMIT")
		switch {
		case err == nil && tag.String() == "COMMIT":
			l.set(id, txnAcked)
		case err == nil:
			// PostgreSQL answers COMMIT of a failed transaction with
			// ROLLBACK and no error.
			l.set(id, txnFailed)
			l.noteErr(fmt.Errorf("COMMIT answered %q", tag.String()))
		default:
			l.set(id, txnInDoubt)
			if conn.IsClosed() {
				return
			}
			l.noteErr(err)
		}
	}
}

func (l *ledger) noteErr(err error) {
	l.errs.Add(1)
	s := err.Error()
	l.errMsg.CompareAndSwap(nil, &s)
}

// checkpointLoop sends CHECKPOINT and, since a transaction that truncates a
// table checkpoints at its commit, TRUNCATE in a transaction, until the
// connection dies.
func checkpointLoop(ctx context.Context, conn *pgx.Conn, l *ledger) {
	for i := 0; ; i++ {
		if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
			if conn.IsClosed() {
				return
			}
			l.noteErr(err)
		}
		// Several statements in one string go as one simple Query.
		_, err := conn.Exec(ctx, fmt.Sprintf("BEGIN; TRUNCATE ct_scratch; INSERT INTO ct_scratch VALUES (%d); COMMIT", i))
		if err != nil {
			if conn.IsClosed() {
				return
			}
			l.noteErr(err)
			_, _ = conn.Exec(ctx, "ROLLBACK")
		}
	}
}

// copyLoop sends COPY ct_bulk FROM STDIN batches (a few hundred to several
// thousand rows each, one CopyData message per row as pgbench -i does)
// until the connection dies.
func copyLoop(ctx context.Context, conn *pgx.Conn, l *ledger, rng *rand.Rand) {
	for {
		batch := l.nextID.Add(1)
		rows := 200 + rng.IntN(8000)
		l.batchMu.Lock()
		rec := &batchRec{rows: rows, state: txnInDoubt}
		l.batches[batch] = rec
		l.batchMu.Unlock()
		_, err := conn.PgConn().CopyFrom(ctx, &copyRows{batch: batch, n: rows}, "COPY ct_bulk FROM STDIN")
		l.batchMu.Lock()
		if err == nil {
			rec.state = txnAcked
		}
		l.batchMu.Unlock()
		if err != nil {
			if conn.IsClosed() {
				return
			}
			l.noteErr(err)
			l.batchMu.Lock()
			rec.state = txnFailed
			l.batchMu.Unlock()
		}
	}
}

// copyRows is a COPY text stream of n rows for one batch, produced one row
// per Read.
type copyRows struct {
	batch int64
	n, i  int
}

func (c *copyRows) Read(p []byte) (int, error) {
	if c.i >= c.n {
		return 0, io.EOF
	}
	c.i++
	line := fmt.Sprintf("%d\t%d\tpayload of batch %d row %d, padded to spread over pages .............\n", c.batch, c.i, c.batch, c.i)
	if len(p) < len(line) {
		return 0, errors.New("copyRows: short buffer")
	}
	return copy(p, line), nil
}

// verify checks the restarted server against the ledger and resolves the
// transactions in doubt. It returns the lost acknowledged async commits and
// how many transactions were in doubt.
func verify(t *testing.T, ctx context.Context, srv *Server, l *ledger, round int, mode killMode) (lostAsync, inDoubt int) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Errorf("round %d (kill %v): %s", round, mode, fmt.Sprintf(format, args...))
	}
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatalf("round %d: connecting after restart: %v", round, err)
	}
	defer conn.Close(ctx)

	// History: every row a committed-or-in-doubt transaction with its delta.
	type hrow struct {
		tid, bid, aid int32
		delta         int64
	}
	present := map[int64]hrow{}
	rows, err := conn.Query(ctx, "SELECT id, tid, bid, aid, delta FROM ct_history")
	if err != nil {
		t.Fatalf("round %d: reading history: %v", round, err)
	}
	for rows.Next() {
		var id int64
		var h hrow
		if err := rows.Scan(&id, &h.tid, &h.bid, &h.aid, &h.delta); err != nil {
			t.Fatal(err)
		}
		if _, dup := present[id]; dup {
			fail("history id %d appears twice", id)
		}
		present[id] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("round %d: reading history: %v", round, err)
	}

	acct := map[int32]int64{}
	tell := map[int32]int64{}
	bran := map[int32]int64{}
	l.mu.Lock()
	for id, h := range present {
		r := l.txns[id]
		switch {
		case r == nil:
			fail("history id %d was never sent by a client", id)
			continue
		case r.state == txnFailed || r.state == txnLost:
			fail("history id %d belongs to a transaction that did not commit (state %d)", id, r.state)
		case r.aid != h.aid || r.tid != h.tid || r.bid != h.bid || r.delta != h.delta:
			fail("history id %d is %+v, the client inserted %+v", id, h, *r)
		}
		acct[h.aid] += h.delta
		tell[h.tid] += h.delta
		bran[h.bid] += h.delta
	}
	for id, r := range l.txns {
		_, ok := present[id]
		switch r.state {
		case txnAcked:
			if ok {
				r.state = txnResolved
			} else if r.async {
				r.state = txnLost
				lostAsync++
			} else {
				fail("acknowledged commit %d (delta %d) is missing", id, r.delta)
			}
		case txnResolved:
			if !ok {
				fail("commit %d, present after an earlier restart, is gone", id)
			}
		case txnInDoubt, txnOpen:
			inDoubt++
			if ok {
				r.state = txnResolved
			} else {
				r.state = txnLost
			}
		}
		// Failed and lost ones need no memory any more.
		if r.state == txnFailed || r.state == txnLost {
			delete(l.txns, id)
		}
	}
	l.mu.Unlock()

	// Balances: each row's equals the sum of its history deltas, which
	// implies sum(abalance) = sum(tbalance) = sum(bbalance) = sum(delta).
	check := func(table, key, col string, want map[int32]int64, n int) {
		rows, err := conn.Query(ctx, fmt.Sprintf("SELECT %s, %s FROM %s", key, col, table))
		if err != nil {
			t.Fatalf("round %d: reading %s: %v", round, table, err)
		}
		seen := 0
		var bad []string
		for rows.Next() {
			var k int32
			var v int64
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			seen++
			if v != want[k] {
				bad = append(bad, fmt.Sprintf("%s=%d: %d, history says %d", key, k, v, want[k]))
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("round %d: reading %s: %v", round, table, err)
		}
		if seen != n {
			fail("%s has %d rows, want %d", table, seen, n)
		}
		if len(bad) > 0 {
			if len(bad) > 5 {
				bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
			}
			fail("%s balances disagree with the history: %s", table, strings.Join(bad, "; "))
		}
	}
	check("ct_accounts", "aid", "abalance", acct, nAccounts)
	check("ct_tellers", "tid", "tbalance", tell, nTellers)
	check("ct_branches", "bid", "bbalance", bran, nBranches)

	// pgbench's own invariant through the server's aggregates too.
	var sa, st, sb, sd int64
	err = conn.QueryRow(ctx, `SELECT (SELECT coalesce(sum(abalance), 0) FROM ct_accounts)::bigint,
		(SELECT coalesce(sum(tbalance), 0) FROM ct_tellers)::bigint,
		(SELECT coalesce(sum(bbalance), 0) FROM ct_branches)::bigint,
		(SELECT coalesce(sum(delta), 0) FROM ct_history)::bigint`).Scan(&sa, &st, &sb, &sd)
	if err != nil {
		fail("invariant query: %v", err)
	} else if sa != st || st != sb || sb != sd {
		fail("sum(abalance)=%d sum(tbalance)=%d sum(bbalance)=%d sum(delta)=%d", sa, st, sb, sd)
	}

	// COPY batches: all rows or none; all when acknowledged.
	counts := map[int64]int{}
	rows, err = conn.Query(ctx, "SELECT batch, count(*) FROM ct_bulk GROUP BY batch")
	if err != nil {
		t.Fatalf("round %d: reading ct_bulk: %v", round, err)
	}
	for rows.Next() {
		var b, n int64
		if err := rows.Scan(&b, &n); err != nil {
			t.Fatal(err)
		}
		counts[b] = int(n)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("round %d: reading ct_bulk: %v", round, err)
	}
	l.batchMu.Lock()
	for b, n := range counts {
		rec := l.batches[b]
		switch {
		case rec == nil:
			fail("COPY batch %d was never sent", b)
		case rec.state == txnFailed:
			fail("COPY batch %d failed but %d rows are there", b, n)
		case n != rec.rows:
			fail("COPY batch %d has %d of its %d rows", b, n, rec.rows)
		}
	}
	for b, rec := range l.batches {
		if rec.state == txnAcked && counts[b] != rec.rows {
			fail("acknowledged COPY batch %d has %d of its %d rows", b, counts[b], rec.rows)
		}
	}
	l.batches = map[int64]*batchRec{}
	l.batchMu.Unlock()
	// Start the next round with an empty ct_bulk so it does not grow
	// with the rounds.
	if _, err := conn.Exec(ctx, "TRUNCATE ct_bulk"); err != nil {
		fail("TRUNCATE ct_bulk: %v", err)
	}
	return lostAsync, inDoubt
}
