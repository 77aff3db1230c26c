package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/neuroquantumdb/nqdb/storage"
)

// storageCollector exports the storage engine's counters, read at each
// scrape: buffer pool hits, misses and evictions, WAL appends and fsyncs
// (their ratio is group commit at work), commits, checkpoints, lock waits
// and deadlocks, and the old versions kept for snapshots.
type storageCollector struct {
	st    *storage.Engine
	descs map[string]*prometheus.Desc
}

var storageMetrics = []struct {
	name, help string
	counter    bool
	get        func(s *storage.Stats) float64
}{
	{"nqdb_buffer_pool_hits_total", "Page requests served from the buffer pool.", true, func(s *storage.Stats) float64 { return float64(s.Pool.Hits) }},
	{"nqdb_buffer_pool_misses_total", "Page requests that read the data file.", true, func(s *storage.Stats) float64 { return float64(s.Pool.Misses) }},
	{"nqdb_buffer_pool_hit_ratio", "Share of page requests served from the buffer pool since start (hits / (hits + misses); 1 before any request).", false, func(s *storage.Stats) float64 {
		if n := s.Pool.Hits + s.Pool.Misses; n > 0 {
			return float64(s.Pool.Hits) / float64(n)
		}
		return 1
	}},
	{"nqdb_buffer_pool_evictions_total", "Pages evicted from the buffer pool.", true, func(s *storage.Stats) float64 { return float64(s.Pool.Evictions) }},
	{"nqdb_buffer_pool_writes_total", "Pages written to the data file.", true, func(s *storage.Stats) float64 { return float64(s.Pool.Writes) }},
	{"nqdb_buffer_pool_frames", "Frames in the buffer pool.", false, func(s *storage.Stats) float64 { return float64(s.Pool.Frames) }},
	{"nqdb_buffer_pool_dirty_frames", "Frames with unwritten changes.", false, func(s *storage.Stats) float64 { return float64(s.Pool.Dirty) }},
	{"nqdb_wal_records_total", "Records appended to the write-ahead log.", true, func(s *storage.Stats) float64 { return float64(s.WAL.Appends) }},
	{"nqdb_wal_fsyncs_total", "fsync calls on the write-ahead log.", true, func(s *storage.Stats) float64 { return float64(s.WAL.Syncs) }},
	{"nqdb_wal_bytes_written_total", "Bytes written to the write-ahead log.", true, func(s *storage.Stats) float64 { return float64(s.WAL.BytesWritten) }},
	{"nqdb_wal_flush_seconds_total", "Time spent writing and fsyncing write-ahead log batches (divide by nqdb_wal_flushes_total for the mean).", true, func(s *storage.Stats) float64 { return float64(s.WAL.FlushNanos) / 1e9 }},
	{"nqdb_wal_flushes_total", "Group flushes of the write-ahead log (each one write and fsync).", true, func(s *storage.Stats) float64 { return float64(s.WAL.Flushes) }},
	{"nqdb_commits_total", "Transactions committed with changes.", true, func(s *storage.Stats) float64 { return float64(s.Commits) }},
	{"nqdb_checkpoints_total", "Checkpoints completed.", true, func(s *storage.Stats) float64 { return float64(s.Checkpoints) }},
	{"nqdb_lock_waits_total", "Lock requests that had to wait.", true, func(s *storage.Stats) float64 { return float64(s.Locks.Waited) }},
	{"nqdb_deadlocks_total", "Deadlocks detected.", true, func(s *storage.Stats) float64 { return float64(s.Locks.Deadlocks) }},
	{"nqdb_mvcc_versions", "Old row versions kept in memory for running snapshots.", false, func(s *storage.Stats) float64 { return float64(s.Versions) }},
}

func newStorageCollector(st *storage.Engine) *storageCollector {
	c := &storageCollector{st: st, descs: map[string]*prometheus.Desc{}}
	for _, m := range storageMetrics {
		c.descs[m.name] = prometheus.NewDesc(m.name, m.help, nil, nil)
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *storageCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *storageCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	for _, m := range storageMetrics {
		kind := prometheus.GaugeValue
		if m.counter {
			kind = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[m.name], kind, m.get(&s))
	}
}
