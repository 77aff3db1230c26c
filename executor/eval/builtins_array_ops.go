package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnArrayContains] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return arrayContains(a[0].(*types.Array), a[1].(*types.Array)), nil
	}
	impls[planner.FnArrayContained] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return arrayContains(a[1].(*types.Array), a[0].(*types.Array)), nil
	}
}

// arrayContains is PostgreSQL's array_contains: every non-NULL element of
// sub equals some element of super (a NULL element matches nothing, so an
// array with NULLs is contained only if the NULLs are absent from sub).
func arrayContains(super, sub *types.Array) bool {
	for _, e := range sub.Elems {
		if e == nil {
			return false
		}
		found := false
		for _, s := range super.Elems {
			if s != nil && types.Compare(super.Elem, s, e) == 0 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
