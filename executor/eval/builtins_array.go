package eval

import (
	"strconv"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnArrayAppend] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr, elem := a[0], a[1]
		out := &types.Array{Elem: x.T.Elem}
		if arr != nil {
			out.Elems = append(out.Elems, arr.(*types.Array).Elems...)
		}
		v, err := c.asElem(x.Args[1].Type(), out.Elem, elem)
		if err != nil {
			return nil, err
		}
		out.Elems = append(out.Elems, v)
		return out, nil
	}
	impls[planner.FnArrayRemove] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr, v, err := c.arrayElemArg(x, a, 1)
		if arr == nil || err != nil {
			return nil, err
		}
		out := &types.Array{Elem: arr.Elem, Elems: []any{}}
		for _, e := range arr.Elems {
			if !notDistinct(arr.Elem, e, v) {
				out.Elems = append(out.Elems, e)
			}
		}
		return out, nil
	}
	impls[planner.FnArrayReplace] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr, from, err := c.arrayElemArg(x, a, 1)
		if arr == nil || err != nil {
			return nil, err
		}
		to, err := c.asElem(x.Args[2].Type(), arr.Elem, a[2])
		if err != nil {
			return nil, err
		}
		out := &types.Array{Elem: arr.Elem, Elems: make([]any, len(arr.Elems))}
		for i, e := range arr.Elems {
			if notDistinct(arr.Elem, e, from) {
				e = to
			}
			out.Elems[i] = e
		}
		return out, nil
	}
	impls[planner.FnArrayPosition] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr, v, err := c.arrayElemArg(x, a, 1)
		if arr == nil || err != nil {
			return nil, err
		}
		lower := arr.Lower()
		start := lower
		if len(a) > 2 {
			if a[2] == nil {
				return nil, nullNotAllowed("initial position must not be null")
			}
			start = a[2].(int64)
		}
		for i := max(start-lower, 0); i < int64(len(arr.Elems)); i++ {
			if notDistinct(arr.Elem, arr.Elems[i], v) {
				return i + lower, nil
			}
		}
		return nil, nil
	}
	impls[planner.FnArrayPositions] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr, v, err := c.arrayElemArg(x, a, 1)
		if arr == nil || err != nil {
			return nil, err
		}
		out := &types.Array{Elem: types.Int4, Elems: []any{}}
		for i, e := range arr.Elems {
			if notDistinct(arr.Elem, e, v) {
				out.Elems = append(out.Elems, int64(i)+arr.Lower())
			}
		}
		return out, nil
	}
	impls[planner.FnArrayDims] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr := a[0].(*types.Array)
		if arrayNoDims(arr) {
			return nil, nil
		}
		return "[" + strconv.FormatInt(arr.Lower(), 10) + ":" + strconv.FormatInt(arr.Upper(), 10) + "]", nil
	}
	impls[planner.FnArrayNdims] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if arrayNoDims(a[0].(*types.Array)) {
			return nil, nil
		}
		return int64(1), nil
	}
}

// arrayElemArg returns the array argument a[0] and the element argument
// a[k] converted to the array's element type; the array is nil when the
// argument is NULL.
func (c *evalCtx) arrayElemArg(x *planner.Call, a []types.Datum, k int) (*types.Array, types.Datum, error) {
	if a[0] == nil {
		return nil, nil, nil
	}
	arr := a[0].(*types.Array)
	v, err := c.asElem(x.Args[k].Type(), arr.Elem, a[k])
	return arr, v, err
}

// asElem converts a value bound as "any" to the array's element type
// (PostgreSQL unifies anyelement with anyarray's element at bind time).
func (c *evalCtx) asElem(from, elem *types.T, v types.Datum) (types.Datum, error) {
	if v == nil || from.OID == elem.OID {
		return v, nil
	}
	if from.OID == types.OidUnknown {
		return types.ParseText(elem, v.(string), c.opts)
	}
	return types.Cast(v, from, elem, c.opts)
}

// notDistinct is IS NOT DISTINCT FROM on two elements.
func notDistinct(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return types.Compare(t, a, b) == 0
}

func nullNotAllowed(msg string) error {
	return pgerror.New(pgerror.NullValueNotAllowed, "%s", msg)
}
