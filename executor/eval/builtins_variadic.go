package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Calls with a VARIADIC array argument (planner/funcs_variadic.go): the
// array's elements are the variadic arguments, printed through the element
// type's output function. A NULL array makes concat and concat_ws NULL
// (PostgreSQL's concat_internal) and gives format no arguments.

func init() {
	impls[planner.FnConcatVariadic] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		return concatElems(c, "", a[0].(*types.Array), false), nil
	}
	impls[planner.FnConcatWSVariadic] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		return concatElems(c, a[0].(string), a[1].(*types.Array), true), nil
	}
	impls[planner.FnFormatVariadic] = fnFormatVariadic
}

// concatElems joins the non-NULL elements of arr, with sep between them
// when withSep.
func concatElems(c *evalCtx, sep string, arr *types.Array, withSep bool) string {
	var buf []byte
	first := true
	for _, v := range arr.Elems {
		if v == nil {
			continue
		}
		if withSep && !first {
			buf = append(buf, sep...)
		}
		first = false
		buf = types.AppendText(buf, arr.Elem, v, c.opts)
	}
	return string(buf)
}

// fnFormatVariadic is format(f, VARIADIC arr).
func fnFormatVariadic(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	var elems []any
	var et *types.T
	if arr, ok := a[1].(*types.Array); ok {
		elems, et = arr.Elems, arr.Elem
	}
	out, err := AppendFormat(nil, a[0].(string), len(elems), func(buf []byte, i int, conv byte) ([]byte, bool, error) {
		v := elems[i]
		if v == nil {
			return buf, true, nil
		}
		s := textOf(c, et, v)
		switch conv {
		case 'I':
			return appendQuoteIdent(buf, s), false, nil
		case 'L':
			return appendQuoteLiteral(buf, s), false, nil
		}
		return append(buf, s...), false, nil
	}, func(i int) (int64, bool, error) {
		v := elems[i]
		if v == nil {
			return 0, true, nil
		}
		if n, ok := v.(int64); ok && et.Category == types.CatNumeric {
			return n, false, nil
		}
		return 0, false, pgerror.New(pgerror.InvalidParameterValue, "width argument must be an integer")
	})
	if err != nil {
		return nil, err
	}
	return string(out), nil
}
