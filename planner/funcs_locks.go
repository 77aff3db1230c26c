package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

func init() {
	// pg_blocking_pids(pid): the backends whose locks pid waits for.
	addFn("pg_blocking_pids", FnPgBlockingPids, types.Int4Array, types.Int4).Volatility = Volatile
	// pg_tablespace_location(oid): nqdb has only pg_default and
	// pg_global, which live in the data directory (location '').
	addFn("pg_tablespace_location", FnPgTablespaceLocation, types.Text, types.Oid).Volatility = Stable
	// xid has only equality (xideq, xidneq, xideqint4, xidneqint4):
	// transaction ids wrap around, so they have no order. pg_locks
	// queries join on transactionid.
	for _, r := range []*types.T{types.Xid, types.Int4} {
		addOp("=", FnEq, types.Bool, types.Xid, r)
		addOp("<>", FnNe, types.Bool, types.Xid, r)
	}
}
