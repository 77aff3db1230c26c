package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// pg_partition_ancestors(regclass) is the set of a relation and the
// partitioned tables above it; without partitioning it is the relation
// itself. psql's \d runs it to list a table's "Referenced by" foreign
// keys.
func init() {
	f := addFn("pg_partition_ancestors", FnPgPartitionAncestors, types.Regclass, types.Regclass)
	f.Strict = true
	f.Volatility = Volatile
	retset[FnPgPartitionAncestors] = true
}
