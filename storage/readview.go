package storage

import gbtree "github.com/google/btree"

// ReadView returns a read-only view of the transaction as it is now: reads
// through it (Get, Scan, ScanReverse, LastKey) see the transaction's
// snapshot and the writes it has made so far, but not the writes it makes
// afterwards. PostgreSQL's data-modifying WITH items need it: the whole
// statement reads the state from before any of its writes (its command
// id), so the main query does not see what its WITH items changed.
//
// The write sets are cloned lazily (copy-on-write), so a view costs little
// until the transaction writes again. Writing through the view, or using
// it after the transaction has ended, is not allowed. Rows that the
// transaction loaded directly into a table it created or truncated are in
// the tree itself and so visible through the view regardless.
func (t *Txn) ReadView() *Txn {
	v := &Txn{e: t.e, id: t.id, iso: t.iso, snap: t.snap, SyncCommit: t.SyncCommit,
		reads: t.reads, created: t.created, dropped: t.dropped, directMark: t.directMark, done: t.done}
	if len(t.writes) > 0 {
		v.writes = make(map[TreeID]*gbtree.BTreeG[*wentry], len(t.writes))
		for id, w := range t.writes {
			v.writes[id] = w.Clone()
		}
	}
	return v
}
