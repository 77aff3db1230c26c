package lock

import (
	"fmt"
	"slices"
)

// checkInvariants verifies the manager's internal consistency. It takes the
// shard mutexes one at a time, so it is exact only when the manager is
// quiescent (no Lock or ReleaseAll running).
func (m *Manager) checkInvariants() error {
	holdersOf := map[*entry][]holder{}
	for si := range m.shards {
		sh := &m.shards[si]
		sh.mu.Lock()
		for key, e := range sh.locks {
			if err := checkEntry(uint8(si), key, e); err != nil {
				sh.mu.Unlock()
				return err
			}
			holdersOf[e] = slices.Clone(e.holders)
		}
		sh.mu.Unlock()
	}
	// Every held lock is recorded on both sides.
	held := map[*entry][]TxnID{}
	for i := range m.txns {
		ts := &m.txns[i]
		ts.mu.Lock()
		for txn, st := range ts.m {
			if uint64(txn)%numShards != uint64(i) {
				ts.mu.Unlock()
				return fmt.Errorf("txn %d in txn shard %d", txn, i)
			}
			for _, h := range st.held {
				held[h.e] = append(held[h.e], txn)
			}
		}
		ts.mu.Unlock()
	}
	for e, hs := range holdersOf {
		var want []TxnID
		for _, h := range hs {
			want = append(want, h.txn)
		}
		got := held[e]
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("key %q: holders %v but txn lists say %v", e.key, want, got)
		}
		delete(held, e)
	}
	for e, txns := range held {
		return fmt.Errorf("txns %v list entry %p (key %q) that is not registered", txns, e, e.key)
	}
	return nil
}

func checkEntry(si uint8, key string, e *entry) error {
	if e.key != key {
		return fmt.Errorf("entry for %q has key %q", key, e.key)
	}
	if len(e.holders) == 0 && len(e.waiters) == 0 {
		return fmt.Errorf("key %q: empty entry still registered", key)
	}
	for i, a := range e.holders {
		if a.mode != Shared && a.mode != Exclusive {
			return fmt.Errorf("key %q: holder %d has mode %d", key, a.txn, a.mode)
		}
		for _, b := range e.holders[i+1:] {
			if a.txn == b.txn {
				return fmt.Errorf("key %q: txn %d holds twice", key, a.txn)
			}
			if conflicts(a.mode, b.mode) {
				return fmt.Errorf("key %q: %d (%v) and %d (%v) hold conflicting modes", key, a.txn, a.mode, b.txn, b.mode)
			}
		}
	}
	var ahead Mode
	seenPlain := false
	for _, w := range e.waiters {
		if w.state != waiting || w.e != e || w.shard != si {
			return fmt.Errorf("key %q: queued waiter %d in state %d", key, w.txn, w.state)
		}
		if w.upgrade != (e.holderIndex(w.txn) >= 0) {
			return fmt.Errorf("key %q: waiter %d upgrade flag %v is wrong", key, w.txn, w.upgrade)
		}
		if w.upgrade && seenPlain {
			return fmt.Errorf("key %q: upgrade %d queued behind a plain request", key, w.txn)
		}
		seenPlain = seenPlain || !w.upgrade
		if !conflicts(ahead, w.mode) && e.compatibleHolders(w.txn, w.mode) {
			return fmt.Errorf("key %q: waiter %d could be granted", key, w.txn)
		}
		ahead = max(ahead, w.mode)
	}
	return nil
}

// isEmpty reports whether the manager holds no lock and knows no txn.
func (m *Manager) isEmpty() error {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n := len(sh.locks)
		sh.mu.Unlock()
		if n != 0 {
			return fmt.Errorf("shard %d still has %d keys", i, n)
		}
	}
	for i := range m.txns {
		ts := &m.txns[i]
		ts.mu.Lock()
		n := len(ts.m)
		ts.mu.Unlock()
		if n != 0 {
			return fmt.Errorf("txn shard %d still has %d txns", i, n)
		}
	}
	return nil
}

// verifyCycle checks, with every shard locked (so nothing can change), that
// each edge of a cycle about to be reported exists: the waiter is queued for
// the key, and the blocker holds it in a conflicting mode or is queued ahead
// with a conflicting request. A real deadlock is stable, so it must pass; a
// cycle assembled from edges that never coexisted would not. The check is
// skipped when the victim has already left its queue (then nothing is
// reported). Called under detMu, which keeps out cancellations.
func (m *Manager) verifyCycle(cycle []WaitEdge) error {
	for i := range m.shards {
		m.shards[i].mu.Lock()
	}
	defer func() {
		for i := range m.shards {
			m.shards[i].mu.Unlock()
		}
	}()
	for i, ed := range cycle {
		next := cycle[(i+1)%len(cycle)]
		if ed.Blocker != next.Waiter {
			return fmt.Errorf("edge %d does not chain", i)
		}
		e := m.shards[m.shardOf(ed.Key)].locks[ed.Key]
		if e == nil {
			if i == 0 {
				return nil
			}
			return fmt.Errorf("edge %d: key %q unlocked", i, ed.Key)
		}
		wi := -1
		for j, w := range e.waiters {
			if w.txn == ed.Waiter {
				wi = j
				break
			}
		}
		if wi < 0 {
			if i == 0 {
				return nil // victim got its lock: nothing will be reported
			}
			return fmt.Errorf("edge %d: txn %d not waiting for %q", i, ed.Waiter, ed.Key)
		}
		w := e.waiters[wi]
		ok := false
		if hi := e.holderIndex(ed.Blocker); hi >= 0 && conflicts(e.holders[hi].mode, w.mode) {
			ok = true
		}
		for _, v := range e.waiters[:wi] {
			if v.txn == ed.Blocker && conflicts(v.mode, w.mode) {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("edge %d: txn %d does not block %d on %q", i, ed.Blocker, ed.Waiter, ed.Key)
		}
	}
	return nil
}
