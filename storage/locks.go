package storage

import (
	"encoding/binary"

	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// objectLockPrefix starts the lock keys of named objects (LockObject);
// row lock keys start with their tree's id (rowLockKey).
const objectLockPrefix = "\xff\xff\xff\xff"

// LockInfo is one held or awaited lock as pg_locks shows it.
type LockInfo struct {
	// Object names a LockObject lock; empty for a row lock.
	Object string
	// Tree and Key name a row lock's row.
	Tree TreeID
	Key  []byte
	// Txn is the holder or waiter (Txn.ID).
	Txn     uint64
	Mode    lock.Mode
	Granted bool
	// Blockers are, for a waiter, the transactions whose locks it waits
	// for.
	Blockers []uint64
}

// Locks lists every lock held and awaited in the engine (pg_locks,
// pg_blocking_pids).
func (e *Engine) Locks() []LockInfo {
	list := e.locks.List()
	out := make([]LockInfo, 0, len(list))
	for _, l := range list {
		li := LockInfo{Txn: uint64(l.Txn), Mode: l.Mode, Granted: l.Granted}
		for _, b := range l.Blockers {
			li.Blockers = append(li.Blockers, uint64(b))
		}
		switch {
		case len(l.Key) >= 4 && l.Key[:4] == objectLockPrefix:
			li.Object = l.Key[4:]
		case len(l.Key) >= 4:
			li.Tree = TreeID(binary.BigEndian.Uint32([]byte(l.Key[:4])))
			li.Key = []byte(l.Key[4:])
		default:
			continue
		}
		out = append(out, li)
	}
	return out
}
