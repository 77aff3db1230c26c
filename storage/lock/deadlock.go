package lock

import (
	"slices"
	"strconv"
	"strings"
)

// WaitEdge is one step of a waits-for cycle: Waiter waits for Key in Mode
// and is blocked by Blocker.
type WaitEdge struct {
	Waiter  TxnID
	Blocker TxnID
	Key     string
	Mode    Mode // the mode Waiter asked for
	// Queued is set when Blocker does not hold Key but waits ahead of
	// Waiter in Key's queue with a conflicting request.
	Queued bool
}

// DeadlockError is returned to the victim of a deadlock. It matches
// ErrDeadlock with errors.Is.
type DeadlockError struct {
	// Cycle starts with the victim's own wait and follows the blockers back
	// to it; Cycle[i].Blocker == Cycle[i+1].Waiter.
	Cycle []WaitEdge
}

// Error returns "deadlock detected", PostgreSQL's message.
func (e *DeadlockError) Error() string { return ErrDeadlock.Error() }

// Is makes errors.Is(err, ErrDeadlock) true.
func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// Detail describes the cycle the way PostgreSQL's DETAIL does for row
// locks, one line per waiter starting with the victim:
//
//	Process 12 waits for ShareLock on transaction 34; blocked by process 34.
//
// Transaction ids stand in for both process ids and transaction numbers
// (PostgreSQL waits for a row by waiting on its locker's transaction); the
// engine may rewrite them from Cycle.
func (e *DeadlockError) Detail() string {
	var b strings.Builder
	for i, ed := range e.Cycle {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("Process ")
		b.WriteString(strconv.FormatUint(uint64(ed.Waiter), 10))
		b.WriteString(" waits for ShareLock on transaction ")
		b.WriteString(strconv.FormatUint(uint64(ed.Blocker), 10))
		b.WriteString("; blocked by process ")
		b.WriteString(strconv.FormatUint(uint64(ed.Blocker), 10))
		b.WriteByte('.')
	}
	return b.String()
}

// maxJumps bounds the queue jumps one search may make before it gives up
// and declares a deadlock. Every jump grants a request, so the loop ends
// anyway; the bound only keeps one search from running for long.
const maxJumps = 64

// detect looks for a cycle through r, which is queued. It resolves cycles
// that a queue jump breaks and otherwise makes r the victim: r leaves the
// queue and the returned error describes the cycle. It returns nil when
// there is no cycle (or r got the lock meanwhile). Caller holds m.detMu.
func (m *Manager) detect(r *waiter) error {
	var cycle []WaitEdge
	for jumps := 0; ; jumps++ {
		cycle = m.findCycle(r)
		if cycle == nil {
			return nil
		}
		if jumps == maxJumps || !m.jumpQueue(cycle) {
			break
		}
	}
	if m.testHookCycle != nil {
		m.testHookCycle(cycle)
	}
	sh := &m.shards[r.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if r.state != waiting {
		return nil // granted while we searched: the cycle is gone
	}
	m.dequeue(sh, r)
	return &DeadlockError{Cycle: cycle}
}

// search is one depth-first search of the waits-for graph. Its buffers
// live in the Manager and are reused (searches are serialised by detMu), so
// a wait does not allocate for them in the steady state.
type search struct {
	m       *Manager
	root    TxnID
	visited map[TxnID]bool
	path    []WaitEdge
	edges   []WaitEdge // stack of the out-edges of the waiters on the path
}

// findCycle returns a path of waits from r back to r's transaction, or nil.
// Only cycles through r need looking for: the graph had none before r
// started to wait. The result is the caller's to keep.
func (m *Manager) findCycle(r *waiter) []WaitEdge {
	if m.visited == nil {
		m.visited = make(map[TxnID]bool)
	}
	s := search{m: m, root: r.txn, visited: m.visited, path: m.pathBuf[:0], edges: m.edgeBuf[:0]}
	s.visited[r.txn] = true
	found := s.visit(r)
	var cycle []WaitEdge
	if found {
		cycle = slices.Clone(s.path)
	}
	clear(m.visited)
	// Keep the grown buffers, minus the key strings they point to.
	clear(s.path[:cap(s.path)])
	clear(s.edges[:cap(s.edges)])
	m.pathBuf, m.edgeBuf = s.path[:0], s.edges[:0]
	return cycle
}

func (s *search) visit(w *waiter) bool {
	start := len(s.edges)
	s.edges = s.m.appendEdges(s.edges, w)
	end := len(s.edges)
	for i := start; i < end; i++ {
		// Index s.edges afresh: deeper levels may have grown (moved) it,
		// but they only write beyond end.
		ed := s.edges[i]
		s.path = append(s.path, ed)
		if ed.Blocker == s.root {
			return true
		}
		if !s.visited[ed.Blocker] {
			s.visited[ed.Blocker] = true
			if bw := s.m.waitingOf(ed.Blocker); bw != nil && s.visit(bw) {
				return true
			}
		}
		s.path = s.path[:len(s.path)-1]
		s.edges = s.edges[:end]
	}
	s.edges = s.edges[:start]
	return false
}

// waitingOf returns the request txn is waiting with, or nil.
func (m *Manager) waitingOf(txn TxnID) *waiter {
	ts := m.txnShardOf(txn)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if st := ts.m[txn]; st != nil {
		return st.waiting
	}
	return nil
}

// appendEdges appends w's out-edges if it is still waiting: hard edges to
// the conflicting holders first (they are what a real deadlock is made
// of), then soft edges to conflicting requests queued ahead of it.
func (m *Manager) appendEdges(out []WaitEdge, w *waiter) []WaitEdge {
	sh := &m.shards[w.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if w.state != waiting {
		return out
	}
	e := w.e
	base := len(out)
	for _, h := range e.holders {
		if h.txn != w.txn && conflicts(h.mode, w.mode) {
			out = append(out, WaitEdge{Waiter: w.txn, Blocker: h.txn, Key: e.key, Mode: w.mode})
		}
	}
	nHard := len(out)
	for _, v := range e.waiters {
		if v == w {
			break
		}
		if v.txn == w.txn || !conflicts(v.mode, w.mode) {
			continue
		}
		dup := false
		for _, ed := range out[base:nHard] {
			if ed.Blocker == v.txn {
				dup = true // an upgrader both holds and waits: keep the hard edge
				break
			}
		}
		if !dup {
			out = append(out, WaitEdge{Waiter: w.txn, Blocker: v.txn, Key: e.key, Mode: w.mode, Queued: true})
		}
	}
	return out
}

// jumpQueue breaks a cycle that runs through a soft edge A->B when A's
// request is compatible with the holders: A is granted ahead of B, as
// PostgreSQL's queue rearrangement would do. It reports whether it granted
// anything.
func (m *Manager) jumpQueue(cycle []WaitEdge) bool {
	for _, ed := range cycle {
		if !ed.Queued {
			continue
		}
		w := m.waitingOf(ed.Waiter)
		if w == nil {
			continue
		}
		sh := &m.shards[w.shard]
		sh.mu.Lock()
		ok := w.state == waiting && w.e.compatibleHolders(w.txn, w.mode)
		if ok {
			e := w.e
			e.removeWaiter(w)
			m.grant(sh, e, w)
		}
		sh.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}
