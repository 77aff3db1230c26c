package lock

import "sort"

// Entry is one holder of a key, or one request waiting for it, as List
// reports it.
type Entry struct {
	Key  string
	Txn  TxnID
	Mode Mode
	// Granted is false for a waiting request.
	Granted bool
	// Blockers are, for a waiting request, the transactions holding key
	// in a mode that conflicts with it (pg_blocking_pids).
	Blockers []TxnID
}

// List returns every held lock and every waiting request, ordered by key
// then holders before waiters (pg_locks). Each shard is read under its
// mutex in turn, so the list is consistent per key, not across keys: as
// PostgreSQL's pg_locks is when it reads the fast-path slots.
func (m *Manager) List() []Entry {
	var out []Entry
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for key, e := range sh.locks {
			for _, h := range e.holders {
				out = append(out, Entry{Key: key, Txn: h.txn, Mode: h.mode, Granted: true})
			}
			for _, w := range e.waiters {
				var blockers []TxnID
				for _, h := range e.holders {
					if h.txn != w.txn && conflicts(h.mode, w.mode) {
						blockers = append(blockers, h.txn)
					}
				}
				out = append(out, Entry{Key: key, Txn: w.txn, Mode: w.mode, Blockers: blockers})
			}
		}
		sh.mu.Unlock()
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Granted && !out[j].Granted
	})
	return out
}
