package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// keyArray evaluates a key lookup's `col = ANY (array)`
// (planner.KeyLookup.InArray) into r.In: the array's non-NULL elements,
// each one key range. empty reports that no row can match: a NULL or
// empty array, or one of NULLs only (`col = ANY ('{NULL}')` is never
// true).
func (c *evalCtx) keyArray(e planner.Expr, r *KeyRange) (empty bool, err error) {
	v, err := c.eval(e)
	if err != nil || v == nil {
		return v == nil, err
	}
	a, ok := v.(*types.Array)
	if !ok || a == nil {
		return true, nil
	}
	in := make([]types.Datum, 0, len(a.Elems))
	for _, el := range a.Elems {
		if el != nil {
			in = append(in, el)
		}
	}
	if len(in) == 0 {
		return true, nil
	}
	r.In = in
	return false, nil
}
