package executor

import (
	"math"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// The settings of parallel query (planner/parallel.go reads them through
// the session's Setting), with PostgreSQL 15's names, defaults, ranges
// and descriptions.
func init() {
	def(&settingDef{name: "max_parallel_workers_per_gather", def: "2", check: checkIntRange("max_parallel_workers_per_gather", 0, 1024), desc: "Sets the maximum number of parallel processes per executor node."})
	def(&settingDef{name: "max_parallel_workers", def: "8", check: checkIntRange("max_parallel_workers", 0, 1024), desc: "Sets the maximum number of parallel workers that can be active at one time."})
	def(&settingDef{name: "max_parallel_maintenance_workers", def: "2", check: checkIntRange("max_parallel_maintenance_workers", 0, 1024), desc: "Sets the maximum number of parallel processes per maintenance operation."})
	def(&settingDef{name: "max_worker_processes", def: "8", readOnly: true, desc: "Maximum number of concurrent worker processes."})
	def(&settingDef{name: "parallel_setup_cost", def: "1000", check: checkRealRange("parallel_setup_cost", 0, math.MaxFloat64), desc: "Sets the planner's estimate of the cost of starting up worker processes for parallel query."})
	def(&settingDef{name: "parallel_tuple_cost", def: "0.1", check: checkRealRange("parallel_tuple_cost", 0, math.MaxFloat64), desc: "Sets the planner's estimate of the cost of passing each tuple (row) from worker to leader backend."})
	def(&settingDef{name: "min_parallel_table_scan_size", def: "8MB", check: checkBlocks("min_parallel_table_scan_size"), desc: "Sets the minimum amount of table data for a parallel scan."})
	def(&settingDef{name: "min_parallel_index_scan_size", def: "512kB", check: checkBlocks("min_parallel_index_scan_size"), desc: "Sets the minimum amount of index data for a parallel scan."})
	def(&settingDef{name: "parallel_leader_participation", def: "on", check: checkBool, desc: "Controls whether Gather and Gather Merge also run subplans."})
	def(&settingDef{name: "force_parallel_mode", def: "off", check: checkOneOf("force_parallel_mode", "off", "on", "regress"), desc: "Forces use of parallel query facilities."})
	def(&settingDef{name: "enable_parallel_append", def: "on", check: checkBool, desc: "Enables the planner's use of parallel append plans."})
	def(&settingDef{name: "enable_parallel_hash", def: "on", check: checkBool, desc: "Enables the planner's use of parallel hash plans."})
}

// checkBlocks validates a size setting kept in 8 kB blocks
// (min_parallel_table_scan_size): a bare number counts blocks, a unit is
// converted and rounded to whole blocks, and SHOW prints the size.
func checkBlocks(name string) func(string) (string, error) {
	const maxBlocks = 715827882
	return func(v string) (string, error) {
		f, err := parseMemoryKB(name, v, 8)
		if err != nil {
			return "", err
		}
		blocks := math.RoundToEven(f / 8)
		if blocks > math.MaxInt32 || blocks < math.MinInt32 {
			return "", invalidValue(name, v).WithHint("Value exceeds integer range.")
		}
		if blocks < 0 || blocks > maxBlocks {
			return "", pgerror.New(pgerror.InvalidParameterValue,
				"%d 8kB is outside the valid range for parameter \"%s\" (0 .. %d)", int64(blocks), name, maxBlocks)
		}
		return formatMemoryKB(int64(blocks) * 8), nil
	}
}
