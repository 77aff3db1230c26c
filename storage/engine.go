package storage

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neuroquantumdb/nqdb/storage/btree"
	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/lock"
	"github.com/neuroquantumdb/nqdb/storage/pager"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
	"github.com/neuroquantumdb/nqdb/storage/wal"
)

// TreeID names a B+tree of the engine (PostgreSQL's relfilenode): a table
// or an index. IDs are never reused while a tree exists.
type TreeID uint32

// CatalogTree is the tree the SQL layer keeps its catalog in. It exists
// from the first start.
const CatalogTree TreeID = 1

// Options configure an Engine.
type Options struct {
	// FS is the file system (vfs.OS when nil; tests pass a vfs.MemFS or an
	// error-injecting wrapper).
	FS vfs.FS
	// Dir is the data directory.
	Dir string
	// BufferPool is the page cache budget in bytes (32 MiB when 0).
	BufferPool int64
	// WALSegmentSize is the size of each log segment (16 MiB when 0).
	WALSegmentSize int64
	// CheckpointWAL starts a checkpoint after this many bytes of log
	// (256 MiB when 0); CheckpointInterval after this much time (1 min
	// when 0). Both bound recovery time.
	CheckpointWAL      int64
	CheckpointInterval time.Duration
}

// Stats are the engine's counters (for /metrics and benchmarks).
type Stats struct {
	Pool        bufpool.Stats
	WAL         wal.Stats
	Locks       lock.Stats
	Commits     uint64
	Checkpoints uint64
	Versions    int // in-memory old versions kept for snapshots
}

// Engine is nqdb's storage engine: B+trees in one page file behind a
// buffer pool, a logical write-ahead log, MVCC transactions and row locks.
// See doc.go for the design.
type Engine struct {
	opts  Options
	fs    vfs.FS
	pager *pager.Pager
	pool  *bufpool.Pool
	log   *wal.Log
	locks *lock.Manager

	// mu is the tree latch: held for reading while B+trees and histories
	// are read, for writing while a commit applies its changes, direct
	// writes happen, GC runs or a checkpoint cuts.
	mu       sync.RWMutex
	trees    map[TreeID]*treeState
	nextTree TreeID
	replayed int // log records applied by recovery
	gcq      []gcItem
	// batched are the trees with insert batches (history GC visits them).
	batched map[TreeID]*treeState

	// commitMu orders commits: timestamp assignment, log append and apply.
	commitMu sync.Mutex
	lastTS   uint64

	// Visibility: snapshots see commits with ts <= visible. Commits are
	// published in timestamp order after their log records are durable.
	visible atomic.Uint64
	pubMu   sync.Mutex
	pubCond *sync.Cond
	pubDone map[uint64]bool

	snapMu sync.Mutex
	snaps  map[uint64]uint64 // txn id -> snapshot

	txnSeq atomic.Uint64

	ckptMu      sync.Mutex
	ckptLSN     atomic.Uint64
	ckptRunning atomic.Bool
	ckptCount   atomic.Uint64
	commits     atomic.Uint64

	broken atomic.Pointer[error]
	stop   chan struct{}
	wg     sync.WaitGroup
	closed atomic.Bool
}

// ErrBroken wraps the error that stopped the engine from accepting writes
// (a failed log write or fsync: the log's state on disk is unknown, as
// after a PostgreSQL PANIC; a restart recovers from the log).
var ErrBroken = errors.New("storage: engine stopped accepting writes after an I/O failure")

const (
	dataFile = "nqdb.data"
	walDir   = "wal"
)

// Open opens (or creates) the database in opts.Dir and recovers it: it
// loads the last checkpoint and replays the log written after it.
func Open(opts Options) (*Engine, error) {
	if opts.FS == nil {
		opts.FS = vfs.OS
	}
	if opts.BufferPool <= 0 {
		opts.BufferPool = 32 << 20
	}
	if opts.CheckpointWAL <= 0 {
		opts.CheckpointWAL = 256 << 20
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = time.Minute
	}
	e := &Engine{
		opts: opts, fs: opts.FS, locks: lock.NewManager(),
		trees: map[TreeID]*treeState{}, pubDone: map[uint64]bool{},
		snaps: map[uint64]uint64{}, stop: make(chan struct{}),
	}
	e.pubCond = sync.NewCond(&e.pubMu)
	if err := e.fs.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, err
	}
	pg, payload, err := pager.Open(e.fs, filepath.Join(opts.Dir, dataFile))
	if err != nil {
		return nil, err
	}
	e.pager = pg
	e.pool = bufpool.New(pg, opts.BufferPool)
	fresh := payload == nil
	p := &ckptPayload{nextTree: CatalogTree + 1}
	if !fresh {
		if p, err = decodePayload(payload); err != nil {
			pg.Close()
			return nil, fmt.Errorf("%s: %w", pg.Path(), err)
		}
	}
	e.lastTS, e.nextTree = p.lastTS, p.nextTree
	for _, t := range p.trees {
		ts := newTreeState(t.id, btree.Open(e.pool, pager.PageNo(t.root)))
		if t.pending {
			ts.pending = 1 // its creator died with the crash
		}
		e.trees[t.id] = ts
	}
	if fresh {
		bt, err := btree.Create(e.pool)
		if err != nil {
			pg.Close()
			return nil, err
		}
		e.trees[CatalogTree] = newTreeState(CatalogTree, bt)
	}
	e.log, err = wal.Open(e.fs, filepath.Join(opts.Dir, walDir), wal.LSN(p.walLSN), wal.Options{SegmentSize: opts.WALSegmentSize}, e.replay)
	if err != nil {
		pg.Close()
		return nil, err
	}
	// Trees a crashed transaction was loading never became live.
	recovered := fresh || e.replayed > 0
	for id, ts := range e.trees {
		if ts.pending != 0 {
			recovered = true
			if err := ts.bt.Drop(); err != nil {
				e.closeFiles()
				return nil, err
			}
			delete(e.trees, id)
		}
	}
	e.visible.Store(e.lastTS)
	e.ckptLSN.Store(p.walLSN)
	// Make what recovery did durable, so the next start replays nothing;
	// a clean start has nothing to write.
	if recovered {
		if err := e.Checkpoint(); err != nil {
			e.closeFiles()
			return nil, err
		}
	}
	e.wg.Add(1)
	go e.background()
	return e, nil
}

// replay applies one logged commit during recovery.
func (e *Engine) replay(lsn wal.LSN, rec []byte) error {
	c, err := decodeCommit(rec)
	if err != nil {
		return fmt.Errorf("%s: record at %d: %w", walDir, lsn, err)
	}
	for _, id := range c.created {
		if ts := e.trees[id]; ts != nil {
			ts.pending = 0
			continue
		}
		bt, err := btree.Create(e.pool)
		if err != nil {
			return err
		}
		e.trees[id] = newTreeState(id, bt)
		if id >= e.nextTree {
			e.nextTree = id + 1
		}
	}
	for _, w := range c.writes {
		ts := e.trees[w.tree]
		if ts == nil {
			return fmt.Errorf("%s: record at %d writes tree %d, which does not exist: %w", walDir, lsn, w.tree, errBadRecord)
		}
		if w.del {
			if _, err := ts.bt.Delete(w.key); err != nil {
				return err
			}
		} else if err := ts.bt.Put(w.key, w.val); err != nil {
			return err
		}
	}
	for _, id := range c.dropped {
		if ts := e.trees[id]; ts != nil {
			if err := ts.bt.Drop(); err != nil {
				return err
			}
			delete(e.trees, id)
		}
	}
	if c.ts > e.lastTS {
		e.lastTS = c.ts
	}
	e.replayed++
	return nil
}

// background runs checkpoints on time.
func (e *Engine) background() {
	defer e.wg.Done()
	t := time.NewTicker(e.opts.CheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			_ = e.Checkpoint()
		}
	}
}

// maybeCheckpoint starts a checkpoint in the background when enough log
// has been written since the last one.
func (e *Engine) maybeCheckpoint() {
	if uint64(e.log.EndLSN())-e.ckptLSN.Load() < uint64(e.opts.CheckpointWAL) {
		return
	}
	if !e.ckptRunning.CompareAndSwap(false, true) {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer e.ckptRunning.Store(false)
		_ = e.Checkpoint()
	}()
}

// Checkpoint makes the data file hold every commit so far, so that
// recovery replays only the log after it, and recycles older log.
func (e *Engine) Checkpoint() error {
	e.ckptMu.Lock()
	defer e.ckptMu.Unlock()
	// Checked under ckptMu: a checkpoint that failed before it finished
	// broke the engine and left the pager's checkpoint open, so none may
	// start after it (one waiting for the lock meanwhile included).
	if err := e.brokenErr(); err != nil {
		return err
	}
	// The cut: no commit applies and no tree changes while it is taken.
	e.commitMu.Lock()
	e.mu.Lock()
	lsn := e.log.EndLSN()
	cp := e.pager.BeginCheckpoint()
	p := &ckptPayload{lastTS: e.lastTS, nextTree: e.nextTree, walLSN: uint64(lsn)}
	for id, ts := range e.trees {
		p.trees = append(p.trees, ckptTree{id: id, root: uint64(ts.bt.Root()), pending: ts.pending != 0})
	}
	// Commits run GC only while they hold the latch, so history that the
	// last snapshots to end were pinning would otherwise stay until the
	// next commit.
	e.gc(e.oldestSnapshot())
	e.mu.Unlock()
	e.commitMu.Unlock()
	sort.Slice(p.trees, func(i, j int) bool { return p.trees[i].id < p.trees[j].id })

	// Pages of the cut's epoch are immutable now (writers copy them), so
	// they are flushed while commits go on.
	if err := e.pool.FlushUpTo(cp.Epoch()); err != nil {
		return e.fail(err)
	}
	// The log up to the cut must be durable before a checkpoint says
	// "replay from here": appends after a crash continue at the log's end.
	if err := e.log.Flush(lsn); err != nil {
		return e.fail(err)
	}
	if err := e.pager.FinishCheckpoint(cp, p.encode()); err != nil {
		return e.fail(err)
	}
	e.ckptLSN.Store(uint64(lsn))
	e.ckptCount.Add(1)
	return e.log.Recycle(lsn)
}

// fail records an I/O failure that leaves on-disk state unknown: from now
// on every write is refused until a restart recovers from the log.
// Vacuum is VACUUM: it drops every old row version no running snapshot
// needs (each commit does this for what it can, but history that ending
// snapshots were pinning waits for the next commit) and checkpoints, so
// that pages freed since the last checkpoint can be reused. It returns the
// number of versions dropped.
func (e *Engine) Vacuum() (int, error) {
	before := e.Stats().Versions
	if err := e.Checkpoint(); err != nil {
		return 0, err
	}
	return before - e.Stats().Versions, nil
}

func (e *Engine) fail(err error) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("%w: %w", ErrBroken, err)
	e.broken.CompareAndSwap(nil, &wrapped)
	// Commits waiting to become visible behind the failed one give up.
	e.pubMu.Lock()
	e.pubCond.Broadcast()
	e.pubMu.Unlock()
	return wrapped
}

func (e *Engine) brokenErr() error {
	if p := e.broken.Load(); p != nil {
		return *p
	}
	return nil
}

// Close checkpoints and closes the files. Transactions must have ended.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(e.stop)
	e.wg.Wait()
	var err error
	if e.brokenErr() == nil {
		err = e.Checkpoint()
	}
	return errors.Join(err, e.closeFiles())
}

func (e *Engine) closeFiles() error {
	var errs []error
	if e.log != nil {
		errs = append(errs, e.log.Close())
	}
	errs = append(errs, e.pager.Close())
	return errors.Join(errs...)
}

// EstimateRows returns the approximate number of committed entries of
// tree id (btree.Tree.Estimate): the planner's row count for a table or
// index. It sees no uncommitted writes and no old versions.
func (e *Engine) EstimateRows(id TreeID) (int64, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ts := e.trees[id]
	if ts == nil {
		return 0, nil
	}
	return ts.bt.Estimate()
}

// TreeBytes returns the size of tree id's node pages in bytes
// (btree.Tree.Pages times the page size): pg_relation_size's answer for a
// table or index. Like EstimateRows it sees committed data only.
func (e *Engine) TreeBytes(id TreeID) (int64, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ts := e.trees[id]
	if ts == nil {
		return 0, nil
	}
	n, err := ts.bt.Pages()
	return n * pager.PageSize, err
}

// DataBytes returns the size of the data file in bytes (every page it
// holds, free ones included): pg_database_size's answer.
func (e *Engine) DataBytes() int64 {
	return int64(e.pager.NumPages()) * pager.PageSize
}

// Stats reports the engine's counters.
func (e *Engine) Stats() Stats {
	s := Stats{Pool: e.pool.Stats(), WAL: e.log.Stats(), Locks: e.locks.Stats(),
		Commits: e.commits.Load(), Checkpoints: e.ckptCount.Load()}
	e.mu.RLock()
	for _, ts := range e.trees {
		s.Versions += len(ts.vers)
		for _, b := range ts.batches {
			s.Versions += b.n
		}
	}
	e.mu.RUnlock()
	return s
}

// Check verifies every tree's structure and every page checksum it
// reaches (crash tests run it after recovery).
func (e *Engine) Check() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for id, ts := range e.trees {
		if err := ts.bt.Check(); err != nil {
			return fmt.Errorf("tree %d: %w", id, err)
		}
	}
	return nil
}

// snapshot registers a new snapshot for txn id.
func (e *Engine) snapshot(id uint64) uint64 {
	e.snapMu.Lock()
	s := e.visible.Load()
	e.snaps[id] = s
	e.snapMu.Unlock()
	return s
}

func (e *Engine) unregister(id uint64) {
	e.snapMu.Lock()
	delete(e.snaps, id)
	e.snapMu.Unlock()
}

// oldestSnapshot is the oldest snapshot any transaction holds.
func (e *Engine) oldestSnapshot() uint64 {
	e.snapMu.Lock()
	o := e.visible.Load()
	for _, s := range e.snaps {
		if s < o {
			o = s
		}
	}
	e.snapMu.Unlock()
	return o
}

// publish makes commit ts visible once every earlier commit is, and
// returns when it is (or when the engine broke: an earlier commit's log
// write failed, so this one may not be durable either).
func (e *Engine) publish(ts uint64) error {
	e.pubMu.Lock()
	e.pubDone[ts] = true
	advanced := false
	for v := e.visible.Load(); e.pubDone[v+1]; v++ {
		delete(e.pubDone, v+1)
		e.visible.Store(v + 1)
		advanced = true
	}
	if advanced {
		e.pubCond.Broadcast()
	}
	for e.visible.Load() < ts {
		if err := e.brokenErr(); err != nil {
			e.pubMu.Unlock()
			return err
		}
		e.pubCond.Wait()
	}
	e.pubMu.Unlock()
	return nil
}
