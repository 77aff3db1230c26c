// Package storage is nqdb's storage engine: what was committed stays,
// readers and writers don't block each other, and the data may be much
// larger than memory.
//
// Layers, bottom up, one package each:
//
//   - storage/vfs: all file I/O behind a small interface, so tests can
//     inject I/O errors and simulate a power loss that keeps only what was
//     synced.
//   - storage/pager: one data file of 8 KiB pages, each with a CRC-32C
//     checked on every read; free-space tracking; checkpoints written as
//     two alternating meta pages.
//   - storage/bufpool: a fixed page-cache budget with pin/unpin, dirty
//     tracking and 2Q eviction (a sequential scan cannot flush the hot set).
//   - storage/btree: B+trees with variable-length keys, overflow pages for
//     large values, bottom-up bulk build.
//   - storage/wal: the write-ahead log with group commit.
//   - storage/lock: row and object locks with deadlock detection.
//   - this package: transactions over all of it.
//
// # Durability: shadow paging plus a logical redo log
//
// The data file always holds a consistent set of trees: the last durable
// checkpoint's. A page that checkpoint references is never overwritten;
// a writer that changes it copies it first (copy-on-write once per
// checkpoint epoch, in place after that), so dirty pages may be evicted at
// any time without WAL ordering and a torn write can only hit a page no
// checkpoint references. A commit appends one log record holding its whole
// write set and (with synchronous_commit on) waits until the log is synced:
// many committers share one fsync (group commit). A checkpoint cuts at a
// log position while commits are paused for an instant, flushes the pages
// of the cut's epoch while commits go on, syncs, and writes the meta page
// that names the trees' roots and the log position to replay from; older
// log segments are then recycled. Recovery loads the last valid meta and
// replays the log after it, so after a kill -9 at any instant exactly the
// commits whose records reached the disk come back. Checksums turn a
// damaged page into an error naming the file and page, never a wrong answer.
//
// # Transactions: MVCC with buffered writes
//
// A transaction buffers its writes; at commit they are applied to the
// B+trees under a short exclusive latch, so the trees hold only committed
// data and recovery never undoes anything. Each commit gets a timestamp; a
// snapshot is the highest published timestamp. The B+tree holds each key's
// newest committed state; the states it replaced stay in memory (mvcc.go)
// while some active snapshot is older than the change, and are dropped as
// the oldest snapshot advances (that is our VACUUM: old versions never
// reach the disk, because only running transactions can need them and they
// do not survive a crash). The keys a commit creates are not given a
// version each: the commit's write set itself is their history (a bulk
// load's million rows cost it nothing per row), consulted only by
// snapshots older than the commit. Readers resolve each key against that history,
// so they never wait for writers, and writers never wait for readers.
//
// Writers take row locks (storage/lock) that are held to the end of the
// transaction. After the lock, LockRow reports whether the row changed
// after the snapshot: READ COMMITTED then re-checks the statement's
// condition on the newest version (PostgreSQL's EvalPlanQual), REPEATABLE
// READ and SERIALIZABLE fail with 40001. SERIALIZABLE additionally
// validates at commit that no transaction that committed after its
// snapshot wrote a tree it read (optimistic backward validation at tree
// granularity: it forbids write skew and every other anomaly, at the cost
// of more 40001s than PostgreSQL's predicate locks raise).
//
// Tables created or truncated in a transaction get a new tree that only
// that transaction sees; writes go straight into it without logging
// (PostgreSQL's wal_level=minimal optimisation), and its commit checkpoints
// first so the tree is durable before the commit record names it. That is
// what makes `pgbench -i` (TRUNCATE, COPY ... FREEZE in one transaction)
// write each row once.
package storage
