package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	gbtree "github.com/google/btree"

	"github.com/neuroquantumdb/nqdb/storage/btree"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// Isolation is a transaction isolation level.
type Isolation uint8

// The isolation levels, as PostgreSQL implements them (READ UNCOMMITTED
// behaves as READ COMMITTED).
const (
	ReadCommitted Isolation = iota
	RepeatableRead
	Serializable
)

// Errors a transaction reports; the SQL layer maps them to SQLSTATEs.
var (
	// ErrDuplicateKey: Insert of a key that exists (23505).
	ErrDuplicateKey = errors.New("storage: duplicate key")
	// ErrConcurrentUpdate / ErrConcurrentDelete: a REPEATABLE READ or
	// SERIALIZABLE transaction tried to lock or change a row another
	// transaction changed after its snapshot (40001).
	ErrConcurrentUpdate = errors.New("could not serialize access due to concurrent update")
	ErrConcurrentDelete = errors.New("could not serialize access due to concurrent delete")
	// ErrSerialization: a SERIALIZABLE transaction read data a concurrent
	// transaction changed and committed first (40001).
	ErrSerialization = errors.New("could not serialize access due to read/write dependencies among transactions")
	// ErrNoTree: the tree does not exist (dropped).
	ErrNoTree = errors.New("storage: no such tree")
	// ErrTxnDone: the transaction already committed or rolled back.
	ErrTxnDone = errors.New("storage: transaction has ended")
	// ErrSavepointDirect: ROLLBACK TO a savepoint taken before rows were
	// bulk-loaded into a table created or truncated in the transaction.
	ErrSavepointDirect = errors.New("cannot roll back to a savepoint taken before rows were loaded into a table created or truncated in this transaction")
)

// Lock modes and wait policies, re-exported from storage/lock for callers.
const (
	LockShare     = lock.Shared
	LockExclusive = lock.Exclusive
	WaitBlock     = lock.Block
	WaitNoWait    = lock.NoWait
	WaitSkip      = lock.SkipLocked
)

// wentry is a transaction's own uncommitted write of one key.
type wentry struct {
	key string
	val []byte
	del bool
}

func lessW(a, b *wentry) bool { return a.key < b.key }

// undo restores a write-set entry on ROLLBACK TO SAVEPOINT.
type undo struct {
	tree TreeID
	key  string
	prev *wentry // nil: the key was not in the write set
}

// Txn is one transaction. It is used by one goroutine at a time.
//
// Reads see the transaction's snapshot (for READ COMMITTED, refreshed by
// NewSnapshot before each statement) plus its own writes. Writes are
// buffered in the transaction and applied to the B+trees at commit, in one
// log record, so the trees hold only committed data; old versions that
// running snapshots still need are kept in memory (see mvcc.go).
type Txn struct {
	e    *Engine
	id   uint64
	iso  Isolation
	snap uint64
	// SyncCommit false is synchronous_commit=off: Commit returns before
	// its log record is durable (a crash may lose it, never corrupt).
	SyncCommit bool

	writes  map[TreeID]*gbtree.BTreeG[*wentry]
	nwrites int
	undo    []undo
	created []TreeID
	dropped []TreeID
	reads   map[TreeID]bool // SERIALIZABLE read set (tree granularity)
	// directMark is the undo position when direct writes last happened.
	directMark int
	done       bool
	// scratch receives values read only to test whether a key exists.
	scratch []byte
}

// Begin starts a transaction.
func (e *Engine) Begin(iso Isolation) *Txn {
	t := &Txn{e: e, id: e.txnSeq.Add(1), iso: iso, SyncCommit: true, directMark: -1}
	t.snap = e.snapshot(t.id)
	return t
}

// ID is the transaction's number (txid_current()).
func (t *Txn) ID() uint64 { return t.id }

// Isolation reports the transaction's level.
func (t *Txn) Isolation() Isolation { return t.iso }

// NewSnapshot takes a fresh snapshot; READ COMMITTED calls it before each
// statement. Other levels keep their first snapshot.
func (t *Txn) NewSnapshot() {
	if t.iso == ReadCommitted && !t.done {
		t.snap = t.e.snapshot(t.id)
	}
}

// tree returns the state of a tree the transaction may see; e.mu must be
// held.
func (t *Txn) tree(id TreeID) (*treeState, error) {
	ts := t.e.trees[id]
	if ts == nil || (ts.pending != 0 && ts.pending != t.id) {
		return nil, fmt.Errorf("%w: %d", ErrNoTree, id)
	}
	return ts, nil
}

// CreateTree makes a new, empty tree. Until commit only this transaction
// sees it, and writes to it go straight into the tree (no log, no MVCC);
// Commit checkpoints first if any were made, so the tree is durable before
// the commit record names it.
func (t *Txn) CreateTree() (TreeID, error) {
	if t.done {
		return 0, ErrTxnDone
	}
	if err := t.e.brokenErr(); err != nil {
		return 0, err
	}
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	bt, err := btree.Create(t.e.pool)
	if err != nil {
		return 0, err
	}
	id := t.e.nextTree
	t.e.nextTree++
	ts := newTreeState(id, bt)
	ts.pending = t.id
	t.e.trees[id] = ts
	t.created = append(t.created, id)
	return id, nil
}

// BuildTree makes a new tree bottom-up from entries in strictly
// increasing key order (btree.Build), for CREATE INDEX and ALTER TABLE
// ADD PRIMARY KEY over existing rows: each page is written once, full,
// instead of by splits. Like CreateTree's, the tree is the transaction's
// alone until commit, and later writes go straight into it.
func (t *Txn) BuildTree(next func() (key, val []byte, ok bool, err error)) (TreeID, error) {
	if t.done {
		return 0, ErrTxnDone
	}
	if err := t.e.brokenErr(); err != nil {
		return 0, err
	}
	// Build outside e.mu: it reads nothing shared, and holding the engine
	// lock across a long build would stall every commit.
	bt, err := btree.Build(t.e.pool, next)
	if err != nil {
		return 0, err
	}
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	id := t.e.nextTree
	t.e.nextTree++
	ts := newTreeState(id, bt)
	ts.pending = t.id
	ts.direct = true
	t.e.trees[id] = ts
	t.created = append(t.created, id)
	return id, nil
}

// ChangedSince reports whether a commit after the transaction's snapshot
// changed tree id (CREATE INDEX under REPEATABLE READ must not build from
// a snapshot that misses rows).
func (t *Txn) ChangedSince(id TreeID) bool {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	ts := t.e.trees[id]
	return ts != nil && ts.lastWrite > t.snap
}

// DropTree drops a tree at commit. The caller holds an exclusive object
// lock that keeps every other transaction away from it.
func (t *Txn) DropTree(id TreeID) {
	t.dropped = append(t.dropped, id)
}

// IsDirect reports whether writes to id go straight into the tree (it was
// created by this transaction).
func (t *Txn) IsDirect(id TreeID) bool {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	ts := t.e.trees[id]
	return ts != nil && ts.pending == t.id
}

func (t *Txn) own(id TreeID, key []byte) (*wentry, bool) {
	w := t.writes[id]
	if w == nil {
		return nil, false
	}
	// The probe borrows key's bytes (no copy per lookup: COPY probes once
	// per row); the write set keeps its own entries, never the probe. A
	// local probe, not one in Txn: parallel workers read through one Txn.
	probe := wentry{key: unsafe.String(unsafe.SliceData(key), len(key))}
	return w.Get(&probe)
}

// Get reads key as the transaction sees it. The returned value is the
// caller's.
func (t *Txn) Get(id TreeID, key []byte) ([]byte, bool, error) {
	return t.get(id, key, nil, false)
}

// GetAppend is Get that appends the value to dst (which may be nil) and
// returns the extended slice, so that a caller reading many keys (an
// index scan's row fetches, a key lookup per outer row) reuses one
// buffer. The value is always a copy in dst's memory, never the
// engine's.
func (t *Txn) GetAppend(id TreeID, key, dst []byte) ([]byte, bool, error) {
	return t.get(id, key, dst, true)
}

// get is Get (app false: the value may be the write set's or the
// history's own slice) and GetAppend (app true: appended to dst).
func (t *Txn) get(id TreeID, key, dst []byte, app bool) ([]byte, bool, error) {
	if t.done {
		return nil, false, ErrTxnDone
	}
	if w, ok := t.own(id, key); ok {
		if w.del {
			return nil, false, nil
		}
		if app {
			return append(dst, w.val...), true, nil
		}
		return w.val, true, nil
	}
	if t.iso == Serializable {
		t.noteRead(id)
	}
	e := t.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	ts, err := t.tree(id)
	if err != nil {
		return nil, false, err
	}
	if ts.pending == 0 && ts.hasHistory() {
		// The history answers when the key changed after the snapshot
		// (with none, the tree holds what every snapshot sees).
		if hv, found, ok := ts.older(string(key), t.snap); ok {
			if !found {
				return nil, false, nil
			}
			if app {
				return append(dst, hv...), true, nil
			}
			return hv, true, nil
		}
	}
	if !app {
		dst = nil
	} else if dst == nil {
		dst = []byte{} // GetAppend's result is never nil when found
	}
	return ts.bt.GetAppend(key, dst)
}

func (t *Txn) noteRead(id TreeID) {
	if t.reads == nil {
		t.reads = map[TreeID]bool{}
	}
	t.reads[id] = true
}

// setWrite records key's new state in the write set (with undo).
func (t *Txn) setWrite(id TreeID, key []byte, val []byte, del bool) {
	if t.writes == nil {
		t.writes = map[TreeID]*gbtree.BTreeG[*wentry]{}
	}
	w := t.writes[id]
	if w == nil {
		w = gbtree.NewG(32, lessW)
		t.writes[id] = w
	}
	ne := &wentry{key: string(key), val: val, del: del}
	prev, had := w.ReplaceOrInsert(ne)
	if !had {
		prev = nil
		t.nwrites++
	}
	t.undo = append(t.undo, undo{tree: id, key: ne.key, prev: prev})
}

// direct writes into a tree this transaction created; ok false when id is
// not such a tree.
func (t *Txn) direct(id TreeID, key, val []byte, del bool, mustBeNew bool) (bool, error) {
	e := t.e
	e.mu.Lock()
	defer e.mu.Unlock()
	ts := e.trees[id]
	if ts == nil || ts.pending != t.id {
		return false, nil
	}
	if mustBeNew {
		if _, found, err := ts.bt.Get(key); err != nil {
			return true, err
		} else if found {
			return true, ErrDuplicateKey
		}
	}
	ts.direct = true
	t.directMark = len(t.undo)
	if del {
		_, err := ts.bt.Delete(key)
		return true, err
	}
	return true, ts.bt.Put(key, val)
}

// Put writes key without a uniqueness check (the caller holds the row
// lock, or the key is new by construction such as a hidden row id). val is
// the engine's from now on.
func (t *Txn) Put(id TreeID, key, val []byte) error {
	if t.done {
		return ErrTxnDone
	}
	if ok, err := t.direct(id, key, val, false, false); ok {
		return err
	}
	t.setWrite(id, key, val, false)
	return nil
}

// Delete removes key (the caller holds the row lock).
func (t *Txn) Delete(id TreeID, key []byte) error {
	if t.done {
		return ErrTxnDone
	}
	if ok, err := t.direct(id, key, nil, true, false); ok {
		return err
	}
	t.setWrite(id, key, nil, true)
	return nil
}

// Insert writes a key that must not exist yet: it takes the key's row
// lock (waiting for a transaction that is inserting or changing the same
// key, as PostgreSQL waits in a unique index) and returns ErrDuplicateKey
// when the key exists in the latest committed state or in the
// transaction's own writes.
func (t *Txn) Insert(ctx context.Context, id TreeID, key, val []byte) error {
	if t.done {
		return ErrTxnDone
	}
	if ok, err := t.direct(id, key, val, false, true); ok {
		return err
	}
	if w, ok := t.own(id, key); ok {
		if !w.del {
			return ErrDuplicateKey
		}
		t.setWrite(id, key, val, false)
		return nil
	}
	if err := t.checkReads(); err != nil {
		return err
	}
	if err := t.e.locks.Lock(ctx, lock.TxnID(t.id), rowLockKey(id, key), lock.Exclusive, lock.Block); err != nil {
		return err
	}
	exists, err := t.exists(id, key)
	if err != nil {
		return err
	}
	if exists {
		return ErrDuplicateKey
	}
	t.setWrite(id, key, val, false)
	return nil
}

// exists reports whether key is in the newest committed state of tree id
// (Insert's uniqueness check), reading the value into the reused scratch
// buffer rather than a fresh copy.
func (t *Txn) exists(id TreeID, key []byte) (bool, error) {
	e := t.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	ts, err := t.tree(id)
	if err != nil {
		return false, err
	}
	v, found, err := ts.bt.GetAppend(key, t.scratch[:0])
	if cap(v) <= 4096 {
		t.scratch = v[:0] // an overflow value is not worth keeping
	}
	return found, err
}

// checkReads is SERIALIZABLE's early validation: a transaction about to
// write fails at once (as PostgreSQL fails the write) when a tree it read
// was changed by a commit after its snapshot, instead of at COMMIT.
func (t *Txn) checkReads() error {
	if t.iso != Serializable || len(t.reads) == 0 {
		return nil
	}
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	for id := range t.reads {
		if ts := t.e.trees[id]; ts != nil && ts.lastWrite > t.snap {
			return ErrSerialization
		}
	}
	return nil
}

// latest reads the newest committed state of key and the commit timestamp
// of that state (0 = older than every snapshot).
func (t *Txn) latest(id TreeID, key []byte) ([]byte, bool, uint64, error) {
	e := t.e
	e.mu.RLock()
	defer e.mu.RUnlock()
	ts, err := t.tree(id)
	if err != nil {
		return nil, false, 0, err
	}
	v, found, err := ts.bt.Get(key)
	if err != nil {
		return nil, false, 0, err
	}
	return v, found, ts.headTS(string(key)), nil
}

func rowLockKey(id TreeID, key []byte) string {
	// One allocation: the lock table keeps the string, and b is never
	// touched again after the conversion.
	b := make([]byte, 4, 4+len(key))
	binary.BigEndian.PutUint32(b, uint32(id))
	b = append(b, key...)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// LockRow takes key's row lock in mode (waiting as wait says) and reports
// the row's newest state: its value (nil, false when deleted) and whether
// it changed after the transaction's snapshot. Under REPEATABLE READ and
// SERIALIZABLE a change is ErrConcurrentUpdate / ErrConcurrentDelete;
// under READ COMMITTED the caller re-checks its condition on the newest
// value, as PostgreSQL does. Errors from storage/lock (deadlock, NOWAIT,
// SKIP LOCKED) come through unchanged.
func (t *Txn) LockRow(ctx context.Context, id TreeID, key []byte, mode lock.Mode, wait lock.Wait) (val []byte, exists, changed bool, err error) {
	if t.done {
		return nil, false, false, ErrTxnDone
	}
	if w, ok := t.own(id, key); ok {
		return w.val, !w.del, false, nil
	}
	if t.IsDirect(id) {
		v, found, err := t.Get(id, key)
		return v, found, false, err
	}
	if mode == lock.Exclusive {
		if err := t.checkReads(); err != nil {
			return nil, false, false, err
		}
	}
	if err := t.e.locks.Lock(ctx, lock.TxnID(t.id), rowLockKey(id, key), mode, wait); err != nil {
		return nil, false, false, err
	}
	v, found, head, err := t.latest(id, key)
	if err != nil {
		return nil, false, false, err
	}
	if head > t.snap {
		if t.iso != ReadCommitted {
			if found {
				return nil, false, false, ErrConcurrentUpdate
			}
			return nil, false, false, ErrConcurrentDelete
		}
		return v, found, true, nil
	}
	return v, found, false, nil
}

// LockKey takes key's row lock in mode, waiting, until the transaction
// ends; unlike LockRow it reads nothing (a unique index entry about to be
// deleted is locked so that inserters of the same value wait).
func (t *Txn) LockKey(ctx context.Context, id TreeID, key []byte, mode lock.Mode) error {
	if t.done {
		return ErrTxnDone
	}
	if t.IsDirect(id) {
		return nil
	}
	return t.e.locks.Lock(ctx, lock.TxnID(t.id), rowLockKey(id, key), mode, lock.Block)
}

// LockObject takes a lock on a named object (a table: DML shares it, DDL
// takes it exclusively) until the transaction ends.
func (t *Txn) LockObject(ctx context.Context, name string, mode lock.Mode) error {
	if t.done {
		return ErrTxnDone
	}
	return t.e.locks.Lock(ctx, lock.TxnID(t.id), objectLockPrefix+name, mode, lock.Block)
}

// Mark is a savepoint's position in a transaction: its writes and locks.
type Mark struct{ undo, locks int }

// Writes is the number of writes made before the mark.
func (m Mark) Writes() int { return m.undo }

// Savepoint returns a mark for RollbackTo.
func (t *Txn) Savepoint() Mark {
	return Mark{undo: len(t.undo), locks: t.e.locks.Mark(lock.TxnID(t.id))}
}

// RollbackTo undoes the writes made after m and releases the locks taken
// after it (trees created after it are dropped at the end of the
// transaction unless it commits them).
func (t *Txn) RollbackTo(m Mark) error {
	if t.done {
		return ErrTxnDone
	}
	mark := m.undo
	if mark < 0 || mark > len(t.undo) {
		return fmt.Errorf("storage: bad savepoint mark %d", mark)
	}
	if t.directMark >= mark {
		return ErrSavepointDirect
	}
	for i := len(t.undo) - 1; i >= mark; i-- {
		u := t.undo[i]
		w := t.writes[u.tree]
		if u.prev == nil {
			w.Delete(&wentry{key: u.key})
			t.nwrites--
		} else {
			w.ReplaceOrInsert(u.prev)
		}
	}
	t.undo = t.undo[:mark]
	t.e.locks.ReleaseAfter(lock.TxnID(t.id), m.locks)
	return nil
}

// Rollback ends the transaction discarding its writes.
func (t *Txn) Rollback() {
	if t.done {
		return
	}
	t.finish()
	e := t.e
	if len(t.created) > 0 {
		e.mu.Lock()
		for _, id := range t.created {
			if ts := e.trees[id]; ts != nil && ts.pending == t.id {
				_ = ts.bt.Drop()
				delete(e.trees, id)
			}
		}
		e.mu.Unlock()
	}
}

func (t *Txn) finish() {
	t.done = true
	t.e.locks.ReleaseAll(lock.TxnID(t.id))
	t.e.unregister(t.id)
	t.writes = nil
	t.undo = nil
}

// Commit makes the transaction's writes durable (unless SyncCommit is off)
// and visible. On error the transaction is rolled back.
func (t *Txn) Commit(ctx context.Context) error {
	if t.done {
		return ErrTxnDone
	}
	e := t.e
	if t.nwrites == 0 && len(t.created) == 0 && len(t.dropped) == 0 {
		t.finish()
		return nil
	}
	if err := e.brokenErr(); err != nil {
		t.Rollback()
		return err
	}
	// A tree loaded directly must be in a checkpoint before the commit
	// record makes it live.
	needCkpt := false
	e.mu.RLock()
	for _, id := range t.created {
		if ts := e.trees[id]; ts != nil && ts.direct {
			needCkpt = true
		}
	}
	e.mu.RUnlock()
	if needCkpt {
		if err := e.Checkpoint(); err != nil {
			t.Rollback()
			return err
		}
	}
	rec := t.encode()

	e.commitMu.Lock()
	if t.iso == Serializable {
		e.mu.RLock()
		for id := range t.reads {
			if ts := e.trees[id]; ts != nil && ts.lastWrite > t.snap {
				e.mu.RUnlock()
				e.commitMu.Unlock()
				t.Rollback()
				return ErrSerialization
			}
		}
		e.mu.RUnlock()
	}
	cts := e.lastTS + 1
	binary.LittleEndian.PutUint64(rec[1:9], cts)
	end, err := e.log.Append(rec)
	if err != nil {
		e.commitMu.Unlock()
		t.Rollback()
		return e.fail(err)
	}
	e.mu.Lock()
	err = t.apply(cts)
	if err == nil {
		e.gc(e.oldestSnapshot())
	}
	e.mu.Unlock()
	e.lastTS = cts
	e.commitMu.Unlock()
	if err != nil {
		// The record is in the log but the trees could not take it (an
		// I/O error reading a page): recovery will apply it.
		t.finish()
		return e.fail(err)
	}
	if t.SyncCommit {
		err = e.log.Flush(end)
	}
	if err != nil {
		t.finish()
		return e.fail(err)
	}
	err = e.publish(cts)
	t.finish()
	// This commit's own history was pinned by its own snapshot during
	// apply; when no other snapshot needs it, drop it now rather than at
	// the next commit (a bulk load would otherwise keep a copy of every
	// row in memory until then).
	if err == nil && e.oldestSnapshot() >= cts {
		e.mu.Lock()
		e.gc(e.oldestSnapshot())
		e.mu.Unlock()
	}
	e.commits.Add(1)
	e.maybeCheckpoint()
	return err
}

// encode builds the commit record (timestamp patched in later).
func (t *Txn) encode() []byte {
	size := 16
	for _, w := range t.writes {
		w.Ascend(func(x *wentry) bool {
			size += len(x.key) + len(x.val) + 12
			return true
		})
	}
	b := make([]byte, 9, size)
	b[0] = recCommit
	b = appendTrees(b, t.created)
	b = appendTrees(b, t.dropped)
	b = binary.AppendUvarint(b, uint64(t.nwrites))
	for id, w := range t.writes {
		w.Ascend(func(x *wentry) bool {
			b = binary.AppendUvarint(b, uint64(id))
			b = binary.AppendUvarint(b, uint64(len(x.key)))
			b = append(b, x.key...)
			if x.del {
				b = append(b, opDelete)
			} else {
				b = append(b, opPut)
				b = binary.AppendUvarint(b, uint64(len(x.val)))
				b = append(b, x.val...)
			}
			return true
		})
	}
	return b
}

// apply puts the write set into the trees at commit timestamp cts,
// recording each key's previous state for older snapshots. e.mu is held.
func (t *Txn) apply(cts uint64) error {
	e := t.e
	for _, id := range t.created {
		if ts := e.trees[id]; ts != nil {
			ts.pending = 0
		}
	}
	for id, w := range t.writes {
		ts := e.trees[id]
		if ts == nil {
			continue // dropped by a transaction that held its lock: cannot happen
		}
		ts.lastWrite = cts
		var err error
		created := 0
		w.Ascend(func(x *wentry) bool {
			// The trees copy keys into pages; no copy of the string needed.
			key := unsafe.Slice(unsafe.StringData(x.key), len(x.key))
			var old []byte
			var found bool
			if old, found, err = ts.bt.Get(key); err != nil {
				return false
			}
			if x.del {
				if !found {
					return true
				}
				_, err = ts.bt.Delete(key)
			} else {
				err = ts.bt.Put(key, x.val)
			}
			if err != nil {
				return false
			}
			if !x.del && !found && (len(ts.vers) == 0 || ts.vers[x.key] == nil) {
				// A created key: its history is the batch below.
				created++
				return true
			}
			ts.record(x.key, cts, x.val, x.del, old, found)
			e.gcq = append(e.gcq, gcItem{tree: id, key: x.key, ts: cts})
			return true
		})
		if created > 0 {
			// Even after an error: the keys put so far need their history.
			ts.batches = append(ts.batches, insBatch{cts: cts, keys: w, n: created})
			if e.batched == nil {
				e.batched = map[TreeID]*treeState{}
			}
			e.batched[id] = ts
		}
		if err != nil {
			return err
		}
	}
	for _, id := range t.dropped {
		if ts := e.trees[id]; ts != nil {
			if err := ts.bt.Drop(); err != nil {
				return err
			}
			delete(e.trees, id)
			delete(e.batched, id)
		}
	}
	return nil
}
