package executor

import (
	"encoding/binary"
	"sort"
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// pg_locks and pg_blocking_pids, from the engine's lock manager.
//
// nqdb has two kinds of locks where PostgreSQL has many: a table lock
// (shared by every statement that reads or writes the table, exclusive
// for DDL) and a row lock per written or FOR UPDATE/SHARE row. They are
// shown the way PostgreSQL shows the same situations:
//   - each backend with an open transaction holds its virtualxid lock;
//   - a table lock is a relation lock, AccessShareLock for a reader,
//     RowExclusiveLock once the transaction wrote rows of the table,
//     AccessExclusiveLock for DDL;
//   - a transaction that wrote or locked rows for update holds its
//     transactionid lock, and a transaction waiting for such a row waits
//     for a ShareLock on the holder's transactionid, which is what the
//     usual "who blocks whom" queries join on.
// Named-object locks (DDL's name reservations) have no PostgreSQL
// counterpart in pg_locks and are left out.

// lockOwner is a backend's identity in pg_locks.
type lockOwner struct {
	pid int32
	vt  string
}

// txnOwners maps open storage transactions to their backends.
func (e *Engine) txnOwners() map[uint64]lockOwner {
	r := &e.backends
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[uint64]lockOwner, len(r.byPID))
	for pid, b := range r.byPID {
		if id := b.txn.Load(); id != 0 {
			out[id] = lockOwner{pid: pid, vt: strconv.Itoa(int(pid)) + "/" + strconv.FormatUint(id, 10)}
		}
	}
	return out
}

// Locks implements pgcatalog.LockSource.
func (c catalogSource) Locks() []pgcatalog.Lock {
	s := c.s
	owners := s.engine.txnOwners()
	// The tables of row locks' trees, for telling readers from writers.
	treeTable := map[storage.TreeID]uint32{}
	for _, t := range s.visibleRelations() {
		if t.seq == nil && t.view == nil {
			treeTable[t.tree] = t.oid
		}
		for _, ix := range t.indexes {
			treeTable[ix.tree] = t.oid
		}
	}
	type txnTable struct {
		txn uint64
		oid uint32
	}
	wrote := map[txnTable]bool{}
	writers := map[uint64]bool{}
	list := s.engine.store.Locks()
	for _, l := range list {
		if l.Object == "" && l.Granted && l.Mode == lock.Exclusive {
			wrote[txnTable{l.Txn, treeTable[l.Tree]}] = true
			writers[l.Txn] = true
		}
	}
	owner := func(txn uint64) lockOwner {
		if o, ok := owners[txn]; ok {
			return o
		}
		return lockOwner{vt: "-1/" + strconv.FormatUint(txn, 10)}
	}
	var out []pgcatalog.Lock
	txns := make([]uint64, 0, len(owners))
	for id := range owners {
		txns = append(txns, id)
	}
	sort.Slice(txns, func(i, j int) bool { return txns[i] < txns[j] })
	for _, id := range txns {
		o := owners[id]
		out = append(out, pgcatalog.Lock{LockType: "virtualxid", VirtualXID: o.vt, VirtualTransaction: o.vt,
			PID: o.pid, Mode: "ExclusiveLock", Granted: true, FastPath: true})
	}
	for _, l := range list {
		o := owner(l.Txn)
		switch {
		case strings.HasPrefix(l.Object, "rel:") && len(l.Object) == 8:
			oid := binary.BigEndian.Uint32([]byte(l.Object[4:]))
			mode := "AccessExclusiveLock"
			if l.Mode == lock.Shared {
				mode = "AccessShareLock"
				if wrote[txnTable{l.Txn, oid}] {
					mode = "RowExclusiveLock"
				}
			}
			out = append(out, pgcatalog.Lock{LockType: "relation", Relation: oid, VirtualTransaction: o.vt,
				PID: o.pid, Mode: mode, Granted: l.Granted, FastPath: l.Granted && l.Mode == lock.Shared})
		case l.Object == "" && !l.Granted:
			for _, b := range l.Blockers {
				out = append(out, pgcatalog.Lock{LockType: "transactionid", TransactionID: b,
					VirtualTransaction: o.vt, PID: o.pid, Mode: "ShareLock"})
			}
		}
	}
	for _, id := range sortedKeys(writers) {
		o := owner(id)
		out = append(out, pgcatalog.Lock{LockType: "transactionid", TransactionID: id, VirtualTransaction: o.vt,
			PID: o.pid, Mode: "ExclusiveLock", Granted: true})
	}
	return out
}

// BlockingPIDs is pg_blocking_pids(pid): the backends holding locks the
// backend pid waits for (empty when it waits for nothing).
func (s *Session) BlockingPIDs(pid int32) []int32 {
	owners := s.engine.txnOwners()
	var mine uint64
	for id, o := range owners {
		if o.pid == pid {
			mine = id
		}
	}
	out := []int32{}
	if mine == 0 {
		return out
	}
	seen := map[int32]bool{}
	for _, l := range s.engine.store.Locks() {
		if l.Txn != mine || l.Granted {
			continue
		}
		for _, b := range l.Blockers {
			if o, ok := owners[b]; ok && !seen[o.pid] {
				seen[o.pid] = true
				out = append(out, o.pid)
			}
		}
	}
	return out
}

func sortedKeys(m map[uint64]bool) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
