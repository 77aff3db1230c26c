package eval

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// valueGen yields a set-returning function's values one at a time, so
// generate_series(1, 1e9) under a LIMIT costs what it returns.
type valueGen func() (types.Datum, bool, error)

// srfImpl starts a set-returning function over its (non-NULL, for the
// strict ones) arguments.
type srfImpl func(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error)

var srfImpls = map[planner.FuncID]srfImpl{
	planner.FnGenerateSeries:        genSeries,
	planner.FnGenerateSeriesTS:      genSeriesTS,
	planner.FnUnnest:                genUnnest,
	planner.FnGenerateSubscripts:    genSubscripts,
	planner.FnJSONArrayElements:     genJSONElements(false),
	planner.FnJSONArrayElementsText: genJSONElements(true),
	planner.FnStringToTable:         genStringToTable,
}

func init() {
	// In a scalar position (WHERE, a function argument) the planner
	// already refuses them; this is the backstop.
	for id := range srfImpls {
		impls[id] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "set-valued function called in context that cannot accept a set")
		}
	}
}

func empty() (types.Datum, bool, error) { return nil, false, nil }

func genSeries(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	cur, stop, step := a[0].(int64), a[1].(int64), int64(1)
	if len(a) > 2 {
		step = a[2].(int64)
	}
	if step == 0 {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "step size cannot equal zero")
	}
	done := false
	return func() (types.Datum, bool, error) {
		if done || (step > 0 && cur > stop) || (step < 0 && cur < stop) {
			return nil, false, nil
		}
		v := cur
		// Stop instead of wrapping around at the type's end.
		next := cur + step
		if (step > 0 && next < cur) || (step < 0 && next > cur) {
			done = true
		}
		cur = next
		return v, true, nil
	}, nil
}

func genSeriesTS(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	step := a[2].(types.IntervalVal)
	if step.Months == 0 && step.Days == 0 && step.Micros == 0 {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "step size cannot equal zero")
	}
	// The direction of a mixed interval is that of its total span, as
	// PostgreSQL's interval_cmp_internal decides.
	span := (int64(step.Months)*30+int64(step.Days))*86400000000 + step.Micros
	cur, stop := a[0], a[1]
	return func() (types.Datum, bool, error) {
		c1, c2 := tsMicros(cur), tsMicros(stop)
		if (span > 0 && c1 > c2) || (span < 0 && c1 < c2) {
			return nil, false, nil
		}
		v := cur
		next, err := tsAddInterval(c, cur, step, 1)
		if err != nil {
			return nil, false, err
		}
		cur = next
		return v, true, nil
	}, nil
}

func genUnnest(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	arr := a[0].(*types.Array)
	i := 0
	return func() (types.Datum, bool, error) {
		if i >= len(arr.Elems) {
			return nil, false, nil
		}
		i++
		return arr.Elems[i-1], true, nil
	}, nil
}

func genSubscripts(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	arr := a[0].(*types.Array)
	if a[1].(int64) != 1 || len(arr.Elems) == 0 {
		return empty, nil
	}
	return genSeries(c, x, []types.Datum{arr.Lower(), arr.Upper()})
}

// genJSONElements is json(b)_array_elements[_text].
func genJSONElements(asText bool) srfImpl {
	return func(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
		in := x.Args[0].Type()
		n := parseJSONNode(textOfOpts(in, a[0], c.opts))
		switch n.kind {
		case 'o':
			return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot extract elements from an object")
		case 'a':
		default:
			return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot extract elements from a scalar")
		}
		i := 0
		return func() (types.Datum, bool, error) {
			if i >= len(n.vals) {
				return nil, false, nil
			}
			v := n.vals[i]
			i++
			if asText {
				switch v.kind {
				case 'z':
					return nil, true, nil
				case 's':
					return v.str, true, nil
				}
				if in.OID == types.OidJSONB {
					return string(v.appendJSONB(nil)), true, nil
				}
				return v.raw, true, nil
			}
			if in.OID == types.OidJSONB {
				d, err := jsonResult(types.JSONB, v.appendJSONB(nil))
				return d, true, err
			}
			d, err := jsonResult(types.JSON, []byte(v.raw))
			return d, true, err
		}, nil
	}
}

func genStringToTable(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	s, sep := a[0].(string), a[1].(string)
	var parts []string
	switch {
	case s == "":
	case sep == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, sep)
	}
	i := 0
	return func() (types.Datum, bool, error) {
		if i >= len(parts) {
			return nil, false, nil
		}
		i++
		return parts[i-1], true, nil
	}, nil
}

// projectSetIter is planner.ProjectSet.
type projectSetIter struct {
	c    *evalCtx
	in   iterator
	n    *planner.ProjectSet
	row  []types.Datum // the scalar values of the current input row
	gens []valueGen    // per column, nil for scalar columns
	live bool
}

func (it *projectSetIter) next() ([]types.Datum, error) {
	for {
		if !it.live {
			in, err := it.in.next()
			if err != nil {
				return nil, err
			}
			if err := it.start(in); err != nil {
				return nil, err
			}
			it.live = true
		}
		out := make([]types.Datum, len(it.n.Exprs))
		anyRow := false
		for i, g := range it.gens {
			if g == nil {
				out[i] = it.row[i]
				continue
			}
			v, ok, err := g()
			if err != nil {
				return nil, err
			}
			if ok {
				out[i], anyRow = v, true
			} else {
				it.gens[i] = empty
			}
		}
		if anyRow {
			return out, nil
		}
		it.live = false
	}
}

// start evaluates the scalar columns and starts the functions for one
// input row.
func (it *projectSetIter) start(in []types.Datum) error {
	c := it.c
	saved := c.row
	c.row = in
	defer func() { c.row = saved }()
	it.row = make([]types.Datum, len(it.n.Exprs))
	it.gens = make([]valueGen, len(it.n.Exprs))
	for i, e := range it.n.Exprs {
		if !it.n.SRF[i] {
			v, err := c.eval(e)
			if err != nil {
				return err
			}
			it.row[i] = v
			continue
		}
		call := e.(*planner.Call)
		// (srf(...)).field: run the function, keep the field (record.go).
		var fields []*planner.Call
		for call.Fn.ID == planner.FnFieldSelect {
			fields = append(fields, call)
			call = call.Args[0].(*planner.Call)
		}
		args := make([]types.Datum, len(call.Args))
		null := false
		for j, a := range call.Args {
			v, err := c.eval(a)
			if err != nil {
				return err
			}
			args[j] = v
			null = null || (v == nil && call.Fn.Strict)
		}
		if null {
			it.gens[i] = empty // a strict SRF over NULL returns no rows
			continue
		}
		if len(fields) == 1 && call.Fn.ID == planner.FnPgExpandArray {
			it.gens[i] = expandArrayField(args, planner.FieldSelectIndex(fields[0]))
			continue
		}
		g, err := srfImpls[call.Fn.ID](c, call, args)
		if err != nil {
			return err
		}
		if fields != nil {
			g = fieldGen(c, g, fields)
		}
		it.gens[i] = g
	}
	return nil
}

func (it *projectSetIter) close() { it.in.close() }
