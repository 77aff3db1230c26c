package pgcatalog

import "github.com/cockroachdb/apd/v3"

// pg_stat_statements: the executor's statement counters. Planning is
// not timed separately (plans = 0) and block, WAL and JIT counters are
// not kept: they read 0.
func init() { builders["pg_stat_statements"] = buildStatements }

func buildStatements(b *builder, src Source) {
	for _, s := range src.Statements() {
		b.add("userid", RoleOID(s.User), "dbid", DatabaseOID, "toplevel", true, "queryid", s.QueryID, "query", s.Query,
			"plans", 0, "total_plan_time", 0.0, "min_plan_time", 0.0, "max_plan_time", 0.0, "mean_plan_time", 0.0,
			"stddev_plan_time", 0.0, "calls", s.Calls, "total_exec_time", s.TotalMs, "min_exec_time", s.MinMs,
			"max_exec_time", s.MaxMs, "mean_exec_time", s.MeanMs, "stddev_exec_time", s.StddevMs, "rows", s.Rows,
			"shared_blks_hit", 0, "shared_blks_read", 0, "shared_blks_dirtied", 0, "shared_blks_written", 0,
			"local_blks_hit", 0, "local_blks_read", 0, "local_blks_dirtied", 0, "local_blks_written", 0,
			"temp_blks_read", 0, "temp_blks_written", 0, "blk_read_time", 0.0, "blk_write_time", 0.0,
			"temp_blk_read_time", 0.0, "temp_blk_write_time", 0.0, "wal_records", 0, "wal_fpi", 0,
			"wal_bytes", apd.New(0, 0), "jit_functions", 0, "jit_generation_time", 0.0, "jit_inlining_count", 0,
			"jit_inlining_time", 0.0, "jit_optimization_count", 0, "jit_optimization_time", 0.0,
			"jit_emission_count", 0, "jit_emission_time", 0.0)
	}
}
