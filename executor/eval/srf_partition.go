package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// pg_partition_ancestors(rel): without partitioned tables, rel itself.
func init() {
	srfImpls[planner.FnPgPartitionAncestors] = func(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
		done := false
		return func() (types.Datum, bool, error) {
			if done {
				return nil, false, nil
			}
			done = true
			return a[0], true, nil
		}, nil
	}
	impls[planner.FnPgPartitionAncestors] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "set-valued function called in context that cannot accept a set")
	}
}
