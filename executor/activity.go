package executor

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
)

// Sessions as pg_stat_activity and pg_stat_database show them, and the
// signals pg_cancel_backend / pg_terminate_backend send. The engine keeps
// one backendState per open session that asked to be listed (the server's
// client sessions, via Session.SetClient); the session updates it when a
// statement starts and ends.

// BackendSignals are how another session reaches a backend: cancel its
// running statement, or end its connection.
type BackendSignals struct {
	Cancel    func()
	Terminate func()
}

// backendState is one session's row of pg_stat_activity.
type backendState struct {
	mu                                         sync.Mutex
	pid                                        int32
	user, db, app, clientAddr                  string
	clientPort                                 int32
	backendStart, xactStart, queryStart, stime time.Time
	state, query                               string
	sig                                        BackendSignals
	// txn is the id of the session's open storage transaction, 0 when
	// none: pg_locks' pid for the transaction's locks.
	txn atomic.Uint64
}

// backends is the engine's registry and its database-wide counters.
type backends struct {
	mu     sync.Mutex
	byPID  map[int32]*backendState
	commit atomic.Int64
	abort  atomic.Int64
}

// SetClient lists the session in pg_stat_activity with its client's
// address and the signals that reach it; the listing ends at Close.
func (s *Session) SetClient(addr string, port int32, sig BackendSignals) {
	now := time.Now()
	b := &backendState{pid: s.cfg.BackendPID, user: s.cfg.User, db: s.cfg.Database, app: s.vals["application_name"],
		clientAddr: addr, clientPort: port, backendStart: now, stime: now, state: "idle", sig: sig}
	r := &s.engine.backends
	r.mu.Lock()
	if r.byPID == nil {
		r.byPID = map[int32]*backendState{}
	}
	r.byPID[b.pid] = b
	r.mu.Unlock()
	s.backend = b
}

// StatementStarted marks the session active running query, the text the
// client sent (a whole Query message, or a Parse's statement).
func (s *Session) StatementStarted(query string) {
	s.sourceText = query
	b := s.backend
	if b == nil {
		return
	}
	now := time.Now()
	b.mu.Lock()
	if b.xactStart.IsZero() {
		b.xactStart = now
	}
	b.state, b.query, b.queryStart, b.stime = "active", query, now, now
	b.app = s.vals["application_name"]
	b.mu.Unlock()
}

// StatementEnded marks the session idle (in a transaction or not).
func (s *Session) StatementEnded() {
	b := s.backend
	if b == nil {
		return
	}
	b.mu.Lock()
	switch s.Status() {
	case TxnIdle:
		b.state, b.xactStart = "idle", time.Time{}
	case TxnFailed:
		b.state = "idle in transaction (aborted)"
	default:
		b.state = "idle in transaction"
	}
	b.stime = time.Now()
	b.mu.Unlock()
}

// unlistBackend removes the session from pg_stat_activity (Close).
func (s *Session) unlistBackend() {
	if s.backend == nil {
		return
	}
	r := &s.engine.backends
	r.mu.Lock()
	if r.byPID[s.backend.pid] == s.backend {
		delete(r.byPID, s.backend.pid)
	}
	r.mu.Unlock()
	s.backend = nil
}

// countTransaction adds a finished transaction to pg_stat_database.
func (e *Engine) countTransaction(commit bool) {
	if commit {
		e.backends.commit.Add(1)
	} else {
		e.backends.abort.Add(1)
	}
}

// Backends implements pgcatalog.ActivitySource.
func (c catalogSource) Backends() []pgcatalog.Backend {
	r := &c.s.engine.backends
	r.mu.Lock()
	list := make([]*backendState, 0, len(r.byPID))
	for _, b := range r.byPID {
		list = append(list, b)
	}
	r.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].pid < list[j].pid })
	out := make([]pgcatalog.Backend, len(list))
	for i, b := range list {
		b.mu.Lock()
		out[i] = pgcatalog.Backend{PID: b.pid, User: b.user, Database: b.db, Application: b.app,
			ClientAddr: b.clientAddr, ClientPort: b.clientPort, BackendStart: b.backendStart, XactStart: b.xactStart,
			QueryStart: b.queryStart, StateChange: b.stime, State: b.state, Query: b.query}
		b.mu.Unlock()
	}
	return out
}

// DatabaseStats implements pgcatalog.ActivitySource.
func (c catalogSource) DatabaseStats() pgcatalog.DatabaseStats {
	r := &c.s.engine.backends
	r.mu.Lock()
	n := len(r.byPID)
	r.mu.Unlock()
	return pgcatalog.DatabaseStats{Backends: n, Commits: r.commit.Load(), Rollbacks: r.abort.Load()}
}

// SignalBackend is pg_cancel_backend (terminate false) and
// pg_terminate_backend: false when pid is no session of this server
// (PostgreSQL also warns; nqdb has no channel for notices from inside a
// query yet).
func (s *Session) SignalBackend(pid int32, terminate bool) bool {
	r := &s.engine.backends
	r.mu.Lock()
	b := r.byPID[pid]
	r.mu.Unlock()
	if b == nil {
		return false
	}
	f := b.sig.Cancel
	if terminate {
		f = b.sig.Terminate
	}
	if f != nil {
		f()
	}
	return true
}
