package executor

import (
	"hash/fnv"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Statement statistics, PostgreSQL's pg_stat_statements: calls, execution
// times and rows per statement, keyed by the text with its constants made
// placeholders (parser.Normalize), kept in memory since the engine
// opened, at most maxStatements entries (the least called goes first).
// The server records every statement it runs (Session.RecordStatement).

const maxStatements = 5000

// statementStats are the engine's statement counters.
type statementStats struct {
	mu sync.Mutex
	m  map[string]*stmtStat
}

type stmtStat struct {
	user          string
	query         string
	calls, rows   int64
	total, sq     float64 // milliseconds, and their squares for stddev
	minMs, maxMs  float64
	queryID       int64
	lastRecording time.Time
}

// RecordStatement adds one run of p, which took d and returned or
// affected rows, to pg_stat_statements.
func (s *Session) RecordStatement(p *Prepared, d time.Duration, rows int64) {
	if p == nil || p.Stmt == nil {
		return
	}
	if p.normalized == "" {
		p.normalized = parser.Normalize(p.Stmt.Text)
	}
	ms := float64(d) / float64(time.Millisecond)
	st := &s.engine.statements
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.m == nil {
		st.m = map[string]*stmtStat{}
	}
	key := s.cfg.User + "\x00" + p.normalized
	e := st.m[key]
	if e == nil {
		if len(st.m) >= maxStatements {
			st.evict()
		}
		h := fnv.New64a()
		h.Write([]byte(key))
		e = &stmtStat{user: s.cfg.User, query: p.normalized, queryID: int64(h.Sum64()), minMs: ms, maxMs: ms}
		st.m[key] = e
	}
	e.calls++
	e.rows += rows
	e.total += ms
	e.sq += ms * ms
	e.minMs, e.maxMs = math.Min(e.minMs, ms), math.Max(e.maxMs, ms)
	e.lastRecording = time.Now()
}

// evict drops the least-called entry (st.mu held).
func (st *statementStats) evict() {
	var victim string
	var least int64 = math.MaxInt64
	for k, e := range st.m {
		if e.calls < least {
			victim, least = k, e.calls
		}
	}
	delete(st.m, victim)
}

// ResetStatements implements eval.ViewEnv: pg_stat_statements_reset().
func (s *Session) ResetStatements() {
	st := &s.engine.statements
	st.mu.Lock()
	st.m = nil
	st.mu.Unlock()
}

// Statements implements pgcatalog.Source.
func (c catalogSource) Statements() []pgcatalog.StatementInfo {
	st := &c.s.engine.statements
	st.mu.Lock()
	out := make([]pgcatalog.StatementInfo, 0, len(st.m))
	for _, e := range st.m {
		mean := e.total / float64(e.calls)
		variance := math.Max(e.sq/float64(e.calls)-mean*mean, 0)
		out = append(out, pgcatalog.StatementInfo{User: e.user, QueryID: e.queryID, Query: e.query, Calls: e.calls,
			Rows: e.rows, TotalMs: e.total, MinMs: e.minMs, MaxMs: e.maxMs, MeanMs: mean, StddevMs: math.Sqrt(variance)})
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].QueryID < out[j].QueryID })
	return out
}

// SlowStatementThreshold is log_min_duration_statement: statements that
// take at least this long are logged; ok is false when disabled (-1).
func (s *Session) SlowStatementThreshold() (time.Duration, bool) {
	v := s.vals["log_min_duration_statement"]
	if v == "-1" || v == "" {
		return 0, false
	}
	d, ok := ParseDurationSetting(v)
	return d, ok
}

// checkLogDuration accepts -1 (disabled) or a duration.
func checkLogDuration(v string) (string, error) {
	if strings.TrimSpace(v) == "-1" {
		return "-1", nil
	}
	d, ok := ParseDurationSetting(v)
	if !ok || d < 0 {
		return "", pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"log_min_duration_statement\": \"%s\"", v)
	}
	return formatDurationSetting(d), nil
}
