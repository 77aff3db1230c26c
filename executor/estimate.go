package executor

import (
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/storage"
)

// sizeTTL is how long a table's estimated row count is reused before the
// tree is measured again. Estimates only order joins, so they may lag.
const sizeTTL = 2 * time.Second

// sizeCache keeps the row estimates of tables' trees.
type sizeCache struct {
	mu sync.Mutex
	m  map[storage.TreeID]sizeEntry
}

type sizeEntry struct {
	rows float64
	at   time.Time
}

// EstimateRows implements planner.RowEstimator: the approximate row count
// of a table from the shape of its B+tree (storage.Engine.EstimateRows),
// measured at most every sizeTTL. Views and catalog relations are unknown
// (-1).
func (s *Session) EstimateRows(t planner.Table) float64 {
	def, ok := t.(*tableDef)
	if !ok || def.seq != nil || def.view != nil {
		return -1
	}
	c := &s.engine.sizes
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[def.tree]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < sizeTTL {
		return e.rows
	}
	n, err := s.engine.store.EstimateRows(def.tree)
	if err != nil {
		return -1
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[storage.TreeID]sizeEntry{}
	}
	c.m[def.tree] = sizeEntry{rows: float64(n), at: now}
	c.mu.Unlock()
	return float64(n)
}
