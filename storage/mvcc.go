package storage

import (
	gbtree "github.com/google/btree"

	"github.com/neuroquantumdb/nqdb/storage/btree"
)

// version is one committed state of a key. The newest (the head of a
// chain) is what the B+tree holds; older ones live only here, in memory,
// for as long as some snapshot may still need them. They never need to
// survive a crash: the snapshots that read them die with the process.
type version struct {
	ts   uint64 // commit timestamp; 0 = older than every snapshot
	val  []byte
	del  bool // the key did not exist in this state
	prev *version
}

// treeState is one B+tree of the engine with its in-memory MVCC history.
// All fields are guarded by Engine.mu.
type treeState struct {
	id TreeID
	bt *btree.Tree
	// pending is the transaction that created the tree and has not yet
	// committed (0 once live). Only that transaction can see it, so its
	// writes go straight into the tree ("direct" mode, PostgreSQL's
	// skip-WAL optimisation for tables created or truncated in the same
	// transaction); its commit forces a checkpoint first.
	pending uint64
	direct  bool
	// vers holds the recent history of keys changed by commits that some
	// active snapshot may not see; deleted indexes the keys whose newest
	// state is "deleted" (absent from the B+tree) so that scans can find
	// their older versions.
	vers    map[string]*version
	deleted *gbtree.BTreeG[string]
	// batches are the write sets of recent commits, in commit order, as
	// the history of the keys they created (see insBatch).
	batches []insBatch
	// lastWrite is the commit timestamp of the last commit that changed
	// the tree (serializable validation).
	lastWrite uint64
}

func newTreeState(id TreeID, bt *btree.Tree) *treeState {
	return &treeState{id: id, bt: bt, vers: map[string]*version{}, deleted: gbtree.NewG(16, func(a, b string) bool { return a < b })}
}

// insBatch is the history of the keys one commit created, kept as that
// commit's write set instead of a version per key: a bulk load (COPY of
// a million rows) then costs the history nothing per row. A key of keys
// that has no entry in vers did not exist before cts and has not changed
// since (any later change records a chain in vers, whose base is cts),
// or is a delete of a key that did not exist: either way a snapshot
// older than cts sees it absent. Keys the commit changed or deleted that
// existed before have their chain in vers as usual, and vers is always
// consulted first.
type insBatch struct {
	cts  uint64
	keys *gbtree.BTreeG[*wentry]
	n    int // keys created (for Stats)
}

// hasHistory reports whether some snapshot may see a state of a key
// other than the B+tree's.
func (ts *treeState) hasHistory() bool { return len(ts.vers) > 0 || len(ts.batches) > 0 }

// batchTS is the commit timestamp of the newest batch whose write set
// holds key (0: none).
func (ts *treeState) batchTS(key string) uint64 {
	if len(ts.batches) == 0 {
		return 0
	}
	probe := wentry{key: key}
	for i := len(ts.batches) - 1; i >= 0; i-- {
		if ts.batches[i].keys.Has(&probe) {
			return ts.batches[i].cts
		}
	}
	return 0
}

// visible resolves what a snapshot sees of key, given what the B+tree
// holds now (tv, found).
func (ts *treeState) visible(key string, tv []byte, found bool, snap uint64) ([]byte, bool) {
	if v, vfound, ok := ts.older(key, snap); ok {
		return v, vfound
	}
	return tv, found
}

// older returns the state of key that snap sees when the history holds
// it, that is when a commit after snap changed key; ok false means the
// B+tree's state is the one snap sees.
func (ts *treeState) older(key string, snap uint64) (val []byte, found, ok bool) {
	v := ts.vers[key]
	if v == nil {
		if b := ts.batchTS(key); b > snap {
			return nil, false, true // created after snap
		}
		return nil, false, false
	}
	if v.ts <= snap {
		return nil, false, false
	}
	for v != nil && v.ts > snap {
		v = v.prev
	}
	if v == nil {
		// Trimmed by GC: nothing older than the oldest snapshot is kept,
		// so this cannot happen for a registered snapshot.
		return nil, false, false
	}
	return v.val, !v.del, true
}

// headTS is the commit timestamp of key's newest state as far as the
// history knows (0 when it is older than every active snapshot).
func (ts *treeState) headTS(key string) uint64 {
	if v := ts.vers[key]; v != nil {
		return v.ts
	}
	return ts.batchTS(key)
}

// record adds a new head for key committed at cts; old is the state the
// tree held before (oldFound false = absent).
func (ts *treeState) record(key string, cts uint64, val []byte, del bool, old []byte, oldFound bool) {
	prev := ts.vers[key]
	var head *version
	switch {
	case prev != nil:
		head = &version{}
	case len(ts.batches) > 0 && ts.batchTS(key) != 0:
		// The key's current state came with a batch: older snapshots
		// than that batch must still see it absent.
		pair := &[2]version{}
		pair[1] = version{ts: ts.batchTS(key), val: old, del: !oldFound, prev: absentBase}
		prev, head = &pair[1], &pair[0]
	case !oldFound:
		// A new key: the shared base state saves an allocation.
		prev, head = absentBase, &version{}
	default:
		// The head and its base in one allocation.
		pair := &[2]version{}
		pair[1] = version{ts: 0, val: old}
		prev, head = &pair[1], &pair[0]
	}
	*head = version{ts: cts, val: val, del: del, prev: prev}
	ts.vers[key] = head
	if del {
		ts.deleted.ReplaceOrInsert(key)
	} else if prev.del {
		ts.deleted.Delete(key)
	}
}

// absentBase is the shared oldest state of every key a commit created:
// absent, older than every snapshot. It is never modified (gc only cuts
// chains below it, where it has nothing).
var absentBase = &version{ts: 0, del: true}

// gcItem names a key changed at ts, queued in commit order so that GC can
// drop history as the oldest snapshot advances.
type gcItem struct {
	tree TreeID
	key  string
	ts   uint64
}

// gc drops history no active snapshot can need: oldest is the oldest
// active snapshot (or the visible timestamp when there is none). Called
// with e.mu held for writing.
func (e *Engine) gc(oldest uint64) {
	n := 0
	for n < len(e.gcq) && e.gcq[n].ts <= oldest {
		it := e.gcq[n]
		n++
		ts := e.trees[it.tree]
		if ts == nil {
			continue
		}
		v := ts.vers[it.key]
		if v == nil {
			continue
		}
		if v.ts <= oldest {
			delete(ts.vers, it.key)
			if v.del {
				ts.deleted.Delete(it.key)
			}
			continue
		}
		// Keep the newest version the oldest snapshot sees; cut below it.
		for v.prev != nil && v.prev.ts > oldest {
			v = v.prev
		}
		if v.prev != nil && v.prev.prev != nil {
			v.prev.prev = nil
		}
	}
	if n > 0 {
		copy(e.gcq, e.gcq[n:])
		e.gcq = e.gcq[:len(e.gcq)-n]
	}
	for _, ts := range e.batched {
		k := 0
		for k < len(ts.batches) && ts.batches[k].cts <= oldest {
			ts.batches[k] = insBatch{}
			k++
		}
		if k > 0 {
			ts.batches = append(ts.batches[:0], ts.batches[k:]...)
		}
		if len(ts.batches) == 0 {
			delete(e.batched, ts.id)
		}
	}
}
