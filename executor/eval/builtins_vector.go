package eval

import "github.com/neuroquantumdb/nqdb/sql/types"

// arrayNoDims reports whether arr has no dimension at all, which is how
// PostgreSQL stores an empty array ('{}': array_lower, array_dims and
// array_ndims are NULL). An empty int2vector or oidvector still has its
// one dimension with bounds [0:-1]; its datum is told apart by its lower
// bound (types.Array.LowerOff), which only vectors and arrays read with
// explicit bounds have.
func arrayNoDims(arr *types.Array) bool {
	return len(arr.Elems) == 0 && arr.LowerOff == 0
}
