package lock

import (
	"context"
	"errors"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
)

// Mode is a lock mode.
type Mode uint8

// The lock modes. Shared is compatible with Shared only; Exclusive with
// nothing. Exclusive > Shared, so a held mode >= the requested one satisfies
// the request.
const (
	// Shared is taken by SELECT ... FOR SHARE.
	Shared Mode = 1
	// Exclusive is taken by writes and SELECT ... FOR UPDATE.
	Exclusive Mode = 2
)

// String returns "Shared" or "Exclusive".
func (m Mode) String() string {
	switch m {
	case Shared:
		return "Shared"
	case Exclusive:
		return "Exclusive"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// conflicts reports whether a and b cannot be held together by two
// transactions. A zero mode (nothing) conflicts with nothing.
func conflicts(a, b Mode) bool {
	return a != 0 && b != 0 && (a == Exclusive || b == Exclusive)
}

// Wait says what Lock does when the lock cannot be granted at once.
type Wait uint8

// The wait policies.
const (
	// Block waits until the lock is granted, the context ends or the wait
	// would deadlock.
	Block Wait = iota
	// NoWait fails with ErrNotAvailable (SELECT ... NOWAIT).
	NoWait
	// SkipLocked fails with ErrSkip (SELECT ... SKIP LOCKED): the caller
	// skips the row.
	SkipLocked
)

// TxnID identifies a transaction to the lock manager.
type TxnID uint64

// Errors returned by Lock. The engine maps them to SQLSTATEs.
var (
	// ErrDeadlock is matched (errors.Is) by every *DeadlockError (40P01).
	ErrDeadlock = errors.New("deadlock detected")
	// ErrNotAvailable is returned for a NoWait request that would wait
	// (55P03).
	ErrNotAvailable = errors.New("could not obtain lock on row")
	// ErrSkip is returned for a SkipLocked request that would wait.
	ErrSkip = errors.New("row locked: skipped")
)

// numShards is the number of key shards and transaction shards. 64 keeps
// the chance that two of a handful of busy sessions share a mutex small.
const numShards = 64

// Manager is a lock manager. It is safe for concurrent use. The zero value
// is not usable; call NewManager.
type Manager struct {
	shards [numShards]shard
	txns   [numShards]txnShard
	seed   maphash.Seed

	// detMu serialises deadlock searches and every end of a wait other than
	// a plain grant (see the package doc).
	detMu sync.Mutex
	// Search buffers, guarded by detMu.
	visited map[TxnID]bool
	pathBuf []WaitEdge
	edgeBuf []WaitEdge

	waited    atomic.Uint64
	deadlocks atomic.Uint64

	// testHookWait, if set, is called when a request has passed deadlock
	// detection and starts to sleep (tests use it to know a request blocks).
	testHookWait func(TxnID)
	// testHookCycle, if set, is called with a cycle about to be reported,
	// under the detector mutex and no other.
	testHookCycle func([]WaitEdge)
}

// shard is one slice of the key space.
type shard struct {
	mu       sync.Mutex
	locks    map[string]*entry
	free     []*entry // recycled entries, so the hot path does not allocate
	acquired uint64   // grants made in this shard (under mu)
	_        [64]byte // keep neighbouring shards' mutexes off this cache line
}

// maxFree bounds each shard's free list of entries.
const maxFree = 256

// entry is the lock state of one key.
type entry struct {
	key     string
	holders []holder  // at most one per transaction
	waiters []*waiter // FIFO, upgrades first
	inline  [2]holder // backing store for holders in the common case
}

type holder struct {
	txn  TxnID
	mode Mode
}

// waiter states.
const (
	waiting = iota
	granted
	removed // cancelled or deadlock victim
)

// waiter is a request waiting in an entry's queue.
type waiter struct {
	txn     TxnID
	mode    Mode
	upgrade bool // the transaction already holds the key in Shared
	shard   uint8
	e       *entry // valid while state == waiting (guarded by the shard's mu)
	state   uint8  // guarded by the shard's mu
	ready   chan struct{}
}

// txnShard maps transactions to their held locks.
type txnShard struct {
	mu   sync.Mutex
	m    map[TxnID]*txnState
	free []*txnState
	_    [64]byte
}

// txnState is what one transaction holds and waits for.
type txnState struct {
	held    []heldLock
	waiting *waiter // guarded by the txnShard's mu; read by the detector
}

// heldLock names one held entry; the pointer stays valid while the
// transaction is among its holders.
type heldLock struct {
	e     *entry
	shard uint8
}

// NewManager returns an empty lock manager.
func NewManager() *Manager {
	m := &Manager{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].locks = make(map[string]*entry)
	}
	for i := range m.txns {
		m.txns[i].m = make(map[TxnID]*txnState)
	}
	return m
}

func (m *Manager) shardOf(key string) uint8 {
	return uint8(maphash.String(m.seed, key) % numShards)
}

func (m *Manager) txnShardOf(txn TxnID) *txnShard {
	return &m.txns[uint64(txn)%numShards]
}

// Lock acquires key in mode for txn, waiting as w says.
//
// Locking a key txn already holds in the same or a stronger mode does
// nothing; Shared -> Exclusive is an upgrade that waits for the other
// holders (ahead of other waiters). A Block wait ends when the lock is
// granted (nil), when ctx ends (ctx.Err(); a grant that races with the
// cancellation wins and returns nil), or when the wait would close a cycle
// of waiting transactions: then txn is the victim and gets a
// *DeadlockError. A failed Lock leaves txn's other locks held. mode must be
// Shared or Exclusive.
func (m *Manager) Lock(ctx context.Context, txn TxnID, key string, mode Mode, w Wait) error {
	if mode != Shared && mode != Exclusive {
		panic("lock: invalid mode " + mode.String())
	}
	si := m.shardOf(key)
	sh := &m.shards[si]
	sh.mu.Lock()
	e := sh.locks[key]
	if e == nil {
		// Nobody holds the key: the hot path.
		e = sh.newEntry(key)
		e.holders = append(e.holders, holder{txn, mode})
		sh.acquired++
		sh.mu.Unlock()
		m.addHeld(txn, e, si)
		return nil
	}
	hi := e.holderIndex(txn)
	if hi >= 0 && e.holders[hi].mode >= mode {
		sh.mu.Unlock()
		return nil
	}
	upgrade := hi >= 0
	if e.compatibleHolders(txn, mode) && (upgrade || e.compatibleQueue(mode)) {
		if upgrade {
			e.holders[hi].mode = mode
		} else {
			e.holders = append(e.holders, holder{txn, mode})
		}
		sh.acquired++
		sh.mu.Unlock()
		if !upgrade {
			m.addHeld(txn, e, si)
		}
		return nil
	}
	switch w {
	case NoWait:
		sh.mu.Unlock()
		return ErrNotAvailable
	case SkipLocked:
		sh.mu.Unlock()
		return ErrSkip
	}
	if err := ctx.Err(); err != nil {
		sh.mu.Unlock()
		return err
	}
	wt := &waiter{txn: txn, mode: mode, upgrade: upgrade, shard: si, e: e, ready: make(chan struct{})}
	e.enqueue(wt)
	sh.mu.Unlock()
	return m.wait(ctx, wt)
}

// wait blocks wt (already queued) until it is granted, cancelled or found
// to close a deadlock.
func (m *Manager) wait(ctx context.Context, wt *waiter) error {
	m.waited.Add(1)
	ts := m.txnShardOf(wt.txn)
	ts.mu.Lock()
	st := ts.state(wt.txn) // may exist already: a grant can come first
	st.waiting = wt
	ts.mu.Unlock()

	m.detMu.Lock()
	err := m.detect(wt)
	m.detMu.Unlock()
	if err != nil {
		m.deadlocks.Add(1)
		m.clearWaiting(wt.txn)
		return err
	}
	if m.testHookWait != nil {
		m.testHookWait(wt.txn)
	}

	select {
	case <-wt.ready:
	case <-ctx.Done():
		// Cancellation ends the wait under the detector mutex, so that a
		// concurrent search cannot follow this waiter's vanished edges.
		sh := &m.shards[wt.shard]
		m.detMu.Lock()
		sh.mu.Lock()
		ok := wt.state == granted
		if !ok {
			m.dequeue(sh, wt)
		}
		sh.mu.Unlock()
		m.detMu.Unlock()
		if !ok {
			m.clearWaiting(wt.txn)
			return ctx.Err()
		}
	}
	// Granted; grant already put the key on txn's list.
	ts.mu.Lock()
	st.waiting = nil
	ts.mu.Unlock()
	return nil
}

func (m *Manager) clearWaiting(txn TxnID) {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	if st := ts.m[txn]; st != nil {
		st.waiting = nil
	}
	ts.mu.Unlock()
}

// dequeue removes a waiting wt from its queue, lets the requests behind it
// go if they now can, and frees the entry if it became unused. Caller holds
// sh.mu.
func (m *Manager) dequeue(sh *shard, wt *waiter) {
	e := wt.e
	e.removeWaiter(wt)
	wt.state = removed
	m.wake(sh, e)
	sh.maybeFree(e)
}

// addHeld records that txn holds e.
func (m *Manager) addHeld(txn TxnID, e *entry, si uint8) {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	st := ts.state(txn)
	st.held = append(st.held, heldLock{e, si})
	ts.mu.Unlock()
}

// state returns txn's state, creating it. Caller holds ts.mu.
func (ts *txnShard) state(txn TxnID) *txnState {
	st := ts.m[txn]
	if st == nil {
		if n := len(ts.free); n > 0 {
			st = ts.free[n-1]
			ts.free = ts.free[:n-1]
		} else {
			st = &txnState{held: make([]heldLock, 0, 8)}
		}
		ts.m[txn] = st
	}
	return st
}

// ReleaseAll releases every lock txn holds and grants what the waiters on
// those keys can now have, in queue order. It is a no-op for a transaction
// that holds nothing.
func (m *Manager) ReleaseAll(txn TxnID) {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	st := ts.m[txn]
	if st == nil {
		ts.mu.Unlock()
		return
	}
	delete(ts.m, txn)
	ts.mu.Unlock()

	for i, h := range st.held {
		sh := &m.shards[h.shard]
		sh.mu.Lock()
		e := h.e
		e.removeHolder(txn)
		if len(e.waiters) > 0 {
			m.wake(sh, e)
		}
		sh.maybeFree(e)
		sh.mu.Unlock()
		st.held[i] = heldLock{}
	}
	st.held = st.held[:0]
	st.waiting = nil
	if cap(st.held) > 64 {
		return // do not keep a huge list alive for the next transaction
	}
	ts.mu.Lock()
	if len(ts.free) < maxFree {
		ts.free = append(ts.free, st)
	}
	ts.mu.Unlock()
}

// Mark returns how many locks txn holds, for ReleaseAfter.
func (m *Manager) Mark(txn TxnID) int {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if st := ts.m[txn]; st != nil {
		return len(st.held)
	}
	return 0
}

// ReleaseAfter releases the locks txn acquired after Mark returned mark,
// as PostgreSQL releases a subtransaction's locks at ROLLBACK TO
// SAVEPOINT. A lock held before the mark and upgraded after it stays, in
// its stronger mode (it cannot be split back without a history of modes).
func (m *Manager) ReleaseAfter(txn TxnID, mark int) {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	st := ts.m[txn]
	if st == nil || mark >= len(st.held) {
		ts.mu.Unlock()
		return
	}
	tail := append([]heldLock(nil), st.held[mark:]...)
	for i := mark; i < len(st.held); i++ {
		st.held[i] = heldLock{}
	}
	st.held = st.held[:mark]
	ts.mu.Unlock()
	for _, h := range tail {
		sh := &m.shards[h.shard]
		sh.mu.Lock()
		h.e.removeHolder(txn)
		if len(h.e.waiters) > 0 {
			m.wake(sh, h.e)
		}
		sh.maybeFree(h.e)
		sh.mu.Unlock()
	}
}

// Holders returns the transactions holding key, in the order they got it.
func (m *Manager) Holders(key string) []TxnID {
	sh := &m.shards[m.shardOf(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.locks[key]
	if e == nil {
		return nil
	}
	out := make([]TxnID, len(e.holders))
	for i, h := range e.holders {
		out[i] = h.txn
	}
	return out
}

// HolderMode returns the mode in which txn holds key, or 0 if it does not.
func (m *Manager) HolderMode(txn TxnID, key string) Mode {
	sh := &m.shards[m.shardOf(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.locks[key]
	if e == nil {
		return 0
	}
	if i := e.holderIndex(txn); i >= 0 {
		return e.holders[i].mode
	}
	return 0
}

// Waiters returns the transactions waiting for key, in queue order (for
// tests and pg_locks).
func (m *Manager) Waiters(key string) []TxnID {
	sh := &m.shards[m.shardOf(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.locks[key]
	if e == nil || len(e.waiters) == 0 {
		return nil
	}
	out := make([]TxnID, len(e.waiters))
	for i, w := range e.waiters {
		out[i] = w.txn
	}
	return out
}

// Stats counts the manager's work since it was made.
type Stats struct {
	Acquired  uint64 // locks granted, at once or after a wait (upgrades included, re-locks not)
	Waited    uint64 // requests that had to wait
	Deadlocks uint64 // requests that were deadlock victims
}

// Stats returns the counters.
func (m *Manager) Stats() Stats {
	var s Stats
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		s.Acquired += sh.acquired
		sh.mu.Unlock()
	}
	s.Waited = m.waited.Load()
	s.Deadlocks = m.deadlocks.Load()
	return s
}

// newEntry returns an empty entry for key, registered in the shard. Caller
// holds sh.mu.
func (sh *shard) newEntry(key string) *entry {
	var e *entry
	if n := len(sh.free); n > 0 {
		e = sh.free[n-1]
		sh.free[n-1] = nil
		sh.free = sh.free[:n-1]
	} else {
		e = &entry{}
		e.holders = e.inline[:0]
	}
	e.key = key
	sh.locks[key] = e
	return e
}

// maybeFree unregisters e and recycles it if nobody holds or waits for it.
// Caller holds sh.mu.
func (sh *shard) maybeFree(e *entry) {
	if len(e.holders) != 0 || len(e.waiters) != 0 {
		return
	}
	delete(sh.locks, e.key)
	e.key = ""
	if cap(e.holders) > 16 {
		e.holders = e.inline[:0] // drop a big holder array a hot key grew
	}
	if cap(e.waiters) > 16 {
		e.waiters = nil
	}
	if len(sh.free) < maxFree {
		sh.free = append(sh.free, e)
	}
}

func (e *entry) holderIndex(txn TxnID) int {
	for i := range e.holders {
		if e.holders[i].txn == txn {
			return i
		}
	}
	return -1
}

// compatibleHolders reports whether txn may hold mode given the other
// holders.
func (e *entry) compatibleHolders(txn TxnID, mode Mode) bool {
	for _, h := range e.holders {
		if h.txn != txn && conflicts(h.mode, mode) {
			return false
		}
	}
	return true
}

// compatibleQueue reports whether a new request in mode may pass the queue:
// only if it conflicts with no waiting request (FIFO fairness).
func (e *entry) compatibleQueue(mode Mode) bool {
	for _, w := range e.waiters {
		if conflicts(w.mode, mode) {
			return false
		}
	}
	return true
}

func (e *entry) removeHolder(txn TxnID) {
	for i := range e.holders {
		if e.holders[i].txn == txn {
			last := len(e.holders) - 1
			copy(e.holders[i:], e.holders[i+1:])
			e.holders[last] = holder{}
			e.holders = e.holders[:last]
			return
		}
	}
}

// removeWaiter takes w out of the queue.
func (e *entry) removeWaiter(w *waiter) {
	for i, v := range e.waiters {
		if v == w {
			last := len(e.waiters) - 1
			copy(e.waiters[i:], e.waiters[i+1:])
			e.waiters[last] = nil
			e.waiters = e.waiters[:last]
			return
		}
	}
}

// enqueue adds wt to the queue: an upgrade after the upgrades already
// queued (ahead of ordinary requests), anything else at the end.
func (e *entry) enqueue(wt *waiter) {
	if !wt.upgrade {
		e.waiters = append(e.waiters, wt)
		return
	}
	i := 0
	for i < len(e.waiters) && e.waiters[i].upgrade {
		i++
	}
	e.waiters = append(e.waiters, nil)
	copy(e.waiters[i+1:], e.waiters[i:])
	e.waiters[i] = wt
}

// wake grants queued requests front to back while each is compatible with
// the holders and with the requests still waiting ahead of it. Caller holds
// sh.mu.
func (m *Manager) wake(sh *shard, e *entry) {
	var ahead Mode // strongest mode still waiting ahead
	kept := e.waiters[:0]
	for _, w := range e.waiters {
		if !conflicts(ahead, w.mode) && e.compatibleHolders(w.txn, w.mode) {
			m.grant(sh, e, w)
			continue
		}
		ahead = max(ahead, w.mode)
		kept = append(kept, w)
	}
	clear(e.waiters[len(kept):])
	e.waiters = kept
}

// grant makes w a holder, records the key on its transaction's list (so
// that the lock is released with the transaction even before the waiting
// goroutine runs) and wakes the goroutine. The caller removes w from the
// queue. Caller holds sh.mu; taking a transaction shard's mutex inside a
// key shard's is the one allowed nesting of the two.
func (m *Manager) grant(sh *shard, e *entry, w *waiter) {
	if i := e.holderIndex(w.txn); i >= 0 {
		e.holders[i].mode = max(e.holders[i].mode, w.mode)
	} else {
		e.holders = append(e.holders, holder{w.txn, w.mode})
		m.addHeld(w.txn, e, w.shard)
	}
	w.state = granted
	sh.acquired++
	close(w.ready)
}
