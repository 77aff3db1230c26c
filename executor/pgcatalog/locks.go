package pgcatalog

// pg_locks.

// Lock is one row of pg_locks. Zero Relation, TransactionID and PID print
// as NULL; VirtualXID is "" except for a virtualxid lock.
type Lock struct {
	LockType           string
	Relation           uint32
	VirtualXID         string
	TransactionID      uint64
	VirtualTransaction string
	PID                int32
	Mode               string
	Granted, FastPath  bool
}

// LockSource is a Source that knows the engine's locks.
type LockSource interface {
	Locks() []Lock
}

func buildLocks(b *builder, src Source) {
	ls, ok := src.(LockSource)
	if !ok {
		return
	}
	orNull := func(v uint64) any {
		if v == 0 {
			return nil
		}
		return int64(v)
	}
	for _, l := range ls.Locks() {
		var db, pid, vxid any
		if l.Relation != 0 {
			db = DatabaseOID
		}
		if l.PID != 0 {
			pid = l.PID
		}
		if l.VirtualXID != "" {
			vxid = l.VirtualXID
		}
		b.add("locktype", l.LockType, "database", db, "relation", orNull(uint64(l.Relation)), "virtualxid", vxid,
			"transactionid", orNull(l.TransactionID), "virtualtransaction", l.VirtualTransaction, "pid", pid,
			"mode", l.Mode, "granted", l.Granted, "fastpath", l.FastPath)
	}
}

func init() { builders["pg_locks"] = buildLocks }
