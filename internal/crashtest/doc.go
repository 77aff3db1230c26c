// Package crashtest runs the real nqdb binary as a separate process and
// checks what survives a kill -9, and drives it with the real pgbench.
//
// The tests (TestCrashRecovery, TestPgbench) are end to end on purpose: a
// crash test inside one process cannot lose what the kernel had not yet
// been given, cannot stop goroutines between two instructions, and shares
// memory the crashed "process" would have lost. Here the server is killed
// with SIGKILL while clients are in the middle of transactions, COPY and
// checkpoints; the page cache survives (a process crash, not a power
// loss: storage/vfs simulates the latter in-process).
//
// What the crash test checks after each restart:
//
//   - every COMMIT the client saw succeed in a synchronous_commit=on session
//     is there (each transaction inserts a history row with a unique id the
//     client made up);
//   - nothing that was never committed is there: every history row belongs
//     to a transaction whose COMMIT was sent (acknowledged or in doubt when
//     the server died) and has that transaction's delta;
//   - every balance equals the sum of the deltas of its history rows (per
//     row, which implies pgbench's invariant sum(abalance) = sum(tbalance)
//     = sum(bbalance) = sum(delta));
//   - each COPY batch is there completely or not at all, completely when
//     acknowledged;
//   - `nqdb check` passes on a copy of the data directory as the kill left
//     it (the copy, so that the restarted server recovers the same image).
//
// Sessions with synchronous_commit=off are mixed in: their acknowledged
// commits may be lost, which is counted and logged, but every invariant
// above still holds.
//
// The helpers in this file's package (Build, Start, Server, Check,
// FindPgbench, ParsePgbench) are a small library the tests share; they
// contain no test assertions so that other end-to-end tests can use them.
//
// Environment:
//
//	NQDB_CRASH_ROUNDS   kill/restart rounds (default 5; `make crash-test` uses 200)
//	NQDB_CRASH_SEED     seed of the random choices (default: time), logged to reproduce
//	NQDB_REQUIRE_PG=1   fail instead of skip when pgbench is missing
package crashtest
