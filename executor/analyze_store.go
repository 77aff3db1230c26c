package executor

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Where statistics live and how they change: each table's statistics are
// a catalog-tree record of their own (statsKey), written by ANALYZE in
// its transaction and published at commit, apart from the table's entry,
// so that ANALYZE never takes the table's DDL lock and never races DDL on
// the entry. Publishing bumps the catalog version: cached plans plan again
// with fresh statistics. The engine also counts each table's committed
// writes (pg_stat_user_tables) and, like PostgreSQL's autovacuum, analyzes
// a table again once its changes since the last ANALYZE pass
// autoAnalyzeThreshold + autoAnalyzeScale x its rows, checked every
// autoAnalyzeNaptime.

const (
	autoAnalyzeThreshold = 50
	autoAnalyzeScale     = 0.1
	autoAnalyzeNaptime   = time.Minute
)

// statsKey is where a table's statistics live in the catalog tree.
func statsKey(oid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0xfe, 's', 't', 'a'}, oid)
}

// engineStats are the committed statistics and the write counters.
type engineStats struct {
	mu    sync.Mutex
	byOID map[uint32]*tableStats
	act   map[uint32]*activity
	// busy marks tables being analyzed automatically.
	busy map[uint32]bool
	// comments are COMMENT ON's descriptions (comment.go).
	comments map[commentID]string
	stop     chan struct{}
	done     chan struct{}
}

// activity counts a table's committed writes since the engine opened.
type activity struct {
	ins, upd, del int64
	// modSince counts rows changed since the last ANALYZE, netSince the
	// inserted less the deleted ones.
	modSince, netSince     int64
	analyzed, autoAnalyzed int64
}

// modCount is one transaction's writes to one table.
type modCount struct{ ins, upd, del int64 }

func (es *engineStats) load(st *storage.Engine) error {
	es.byOID, es.act, es.busy = map[uint32]*tableStats{}, map[uint32]*activity{}, map[uint32]bool{}
	txn := st.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	it, err := txn.Scan(context.Background(), storage.CatalogTree, []byte{0xfe, 's', 't', 'a'}, []byte{0xfe, 's', 't', 'b'})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		var ts tableStats
		if err := json.Unmarshal(it.Value(), &ts); err != nil {
			return fmt.Errorf("catalog: statistics %x: %w", it.Key(), err)
		}
		es.byOID[binary.BigEndian.Uint32(it.Key()[4:])] = &ts
	}
	if err := it.Err(); err != nil {
		return err
	}
	return es.loadComments(txn)
}

// statsOf returns the statistics of table oid the session sees.
func (s *Session) statsOf(oid uint32) *tableStats {
	if st, ok := s.pendingStats[oid]; ok {
		return st
	}
	es := &s.engine.stats
	es.mu.Lock()
	defer es.mu.Unlock()
	return es.byOID[oid]
}

// putStats stores st as table oid's statistics in the transaction.
func (s *Session) putStats(oid uint32, st *tableStats) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.storageTxn().Put(storage.CatalogTree, statsKey(oid), b); err != nil {
		return storageError(err)
	}
	if s.pendingStats == nil {
		s.pendingStats = map[uint32]*tableStats{}
	}
	s.pendingStats[oid] = st
	s.catEpoch++
	return nil
}

// dropStats deletes a dropped table's statistics in the transaction.
func (s *Session) dropStats(oid uint32) error {
	if s.statsOf(oid) == nil {
		return nil
	}
	if err := s.storageTxn().Delete(storage.CatalogTree, statsKey(oid)); err != nil {
		return storageError(err)
	}
	if s.pendingStats == nil {
		s.pendingStats = map[uint32]*tableStats{}
	}
	s.pendingStats[oid] = nil
	return nil
}

// modsFor returns the transaction's write counter for table oid.
func (s *Session) modsFor(oid uint32) *modCount {
	if s.txnMods == nil {
		s.txnMods = map[uint32]*modCount{}
	}
	m := s.txnMods[oid]
	if m == nil {
		m = &modCount{}
		s.txnMods[oid] = m
	}
	return m
}

// endTxnStats publishes a committed transaction's statistics and counts
// its writes; a rolled-back one leaves nothing.
func (s *Session) endTxnStats(commit bool) {
	s.publishComments(commit)
	if len(s.pendingStats) == 0 && len(s.txnMods) == 0 {
		return
	}
	es := &s.engine.stats
	if commit {
		es.mu.Lock()
		for oid, st := range s.pendingStats {
			if st == nil {
				delete(es.byOID, oid)
				delete(es.act, oid)
				continue
			}
			es.byOID[oid] = st
			a := es.activityOf(oid)
			a.modSince, a.netSince = 0, 0
			if st.Auto {
				a.autoAnalyzed++
			} else {
				a.analyzed++
			}
		}
		for oid, m := range s.txnMods {
			a := es.activityOf(oid)
			a.ins += m.ins
			a.upd += m.upd
			a.del += m.del
			a.modSince += m.ins + m.upd + m.del
			a.netSince += m.ins - m.del
		}
		es.mu.Unlock()
		if len(s.pendingStats) > 0 {
			s.engine.catalog.version.Add(1)
		}
	}
	s.pendingStats, s.txnMods = nil, nil
}

// activityOf returns oid's counters (es.mu held).
func (es *engineStats) activityOf(oid uint32) *activity {
	a := es.act[oid]
	if a == nil {
		a = &activity{}
		es.act[oid] = a
	}
	return a
}

// activityInfo is t's row of pg_stat_user_tables' counters.
func (s *Session) activityInfo(t *tableDef) pgcatalog.TableActivity {
	es := &s.engine.stats
	es.mu.Lock()
	var out pgcatalog.TableActivity
	var net int64
	if a := es.act[t.oid]; a != nil {
		out = pgcatalog.TableActivity{Inserted: a.ins, Updated: a.upd, Deleted: a.del, ModSinceAnalyze: a.modSince,
			AnalyzeCount: a.analyzed, AutoAnalyzeCount: a.autoAnalyzed}
		net = a.netSince
	}
	st := es.byOID[t.oid]
	es.mu.Unlock()
	// Live rows: as of the last ANALYZE plus the net inserts since, or
	// the tree's estimate before any ANALYZE.
	if st != nil {
		when := time.UnixMicro(st.When)
		if st.Auto {
			out.LastAutoAnalyze = when
		} else {
			out.LastAnalyze = when
		}
		out.Live = max(int64(st.Rows)+net, 0)
	} else if n := s.EstimateRows(t); n >= 0 {
		out.Live = int64(n)
	}
	return out
}

// startAutoAnalyze runs the background check every naptime until
// stopAutoAnalyze.
func (e *Engine) startAutoAnalyze(naptime time.Duration) {
	es := &e.stats
	es.stop, es.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(es.done)
		t := time.NewTicker(naptime)
		defer t.Stop()
		for {
			select {
			case <-es.stop:
				return
			case <-t.C:
				e.autoAnalyze()
			}
		}
	}()
}

func (e *Engine) stopAutoAnalyze() {
	es := &e.stats
	if es.stop == nil {
		return
	}
	close(es.stop)
	<-es.done
	es.stop = nil
}

// autoAnalyze analyzes the tables changed enough since their last
// ANALYZE, one at a time, each in a transaction of its own.
func (e *Engine) autoAnalyze() {
	s, err := NewSession(e, Config{User: "postgres", Database: "postgres"})
	if err != nil {
		return
	}
	defer s.Close()
	es := &e.stats
	var due []uint32
	es.mu.Lock()
	for oid, a := range es.act {
		rows := -1.0
		if st := es.byOID[oid]; st != nil {
			rows = st.Rows
		}
		if rows < 0 {
			if def := e.catalog.lookupOID(oid); def != nil {
				es.mu.Unlock()
				rows = max(s.EstimateRows(def), 0)
				es.mu.Lock()
			}
		}
		if float64(a.modSince) > autoAnalyzeThreshold+autoAnalyzeScale*rows {
			due = append(due, oid)
		}
	}
	es.mu.Unlock()
	for _, oid := range due {
		def := e.catalog.lookupOID(oid)
		if def == nil || def.checkTable() != nil {
			continue
		}
		s.beginTxn(true)
		s.autoStats = true
		err := s.analyzeTable(context.Background(), def)
		s.autoStats = false
		_ = s.endTxn(err == nil)
	}
}
