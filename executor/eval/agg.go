package eval

import (
	"io"
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// aggState accumulates one aggregate for one group.
type aggState struct {
	count int64
	isum  int64        // sum of int2/int4 (as int8)
	nsum  *apd.Decimal // sum of int8/numeric
	fsum  float64
	isum2 types.IntervalVal
	val   types.Datum // min/max/bool_and/bool_or
	any   bool        // saw a non-NULL input
	buf   []byte      // string_agg
	elems []any       // array_agg
	seen  map[string]struct{}
}

type group struct {
	key    []types.Datum
	states []aggState
}

// aggIter reads all of its input, then returns one row per group in the
// order groups were first seen.
type aggIter struct {
	c      *evalCtx
	in     iterator
	n      *planner.Agg
	groups []*group
	done   bool
	i      int
}

func (it *aggIter) next() ([]types.Datum, error) {
	if !it.done {
		it.done = true
		err := it.consume()
		// All input is in the groups now (or an error ends the run).
		it.in.close()
		if err != nil {
			return nil, err
		}
	}
	if it.i >= len(it.groups) {
		return nil, io.EOF
	}
	g := it.groups[it.i]
	it.i++
	row := make([]types.Datum, 0, len(g.key)+len(g.states))
	row = append(row, g.key...)
	for k := range it.n.Aggs {
		v, err := finalAgg(&it.n.Aggs[k], &g.states[k])
		if err != nil {
			return nil, err
		}
		row = append(row, v)
	}
	return row, nil
}

func (it *aggIter) consume() error {
	index := map[string]*group{}
	gtypes := make([]*types.T, len(it.n.GroupBy))
	for i, e := range it.n.GroupBy {
		gtypes[i] = e.Type()
	}
	var keybuf []byte
	args := make([]types.Datum, 4)
	rows := 0
	for {
		row, err := it.in.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if rows++; rows%4096 == 0 {
			if err := it.c.ctx.Err(); err != nil {
				return err
			}
		}
		saved := it.c.row
		it.c.row = row
		key := make([]types.Datum, len(it.n.GroupBy))
		for i, e := range it.n.GroupBy {
			if key[i], err = it.c.eval(e); err != nil {
				it.c.row = saved
				return err
			}
		}
		keybuf = rowKey(keybuf[:0], gtypes, key)
		g := index[string(keybuf)]
		if g == nil {
			g = &group{key: key, states: make([]aggState, len(it.n.Aggs))}
			index[string(keybuf)] = g
			it.groups = append(it.groups, g)
		}
		for k := range it.n.Aggs {
			a := &it.n.Aggs[k]
			args = args[:0]
			for _, e := range a.Args {
				v, err := it.c.eval(e)
				if err != nil {
					it.c.row = saved
					return err
				}
				args = append(args, v)
			}
			if err := stepAgg(a, &g.states[k], args); err != nil {
				it.c.row = saved
				return err
			}
		}
		it.c.row = saved
	}
	if len(it.n.GroupBy) == 0 && len(it.groups) == 0 {
		it.groups = append(it.groups, &group{states: make([]aggState, len(it.n.Aggs))})
	}
	return nil
}

func (it *aggIter) close() {
	it.in.close()
	it.done, it.groups, it.i = true, nil, 0
}

// stepAgg adds one input row to an aggregate's state.
func stepAgg(a *planner.AggCall, s *aggState, args []types.Datum) error {
	if a.Kind == planner.AggCountStar {
		s.count++
		return nil
	}
	if args[0] == nil && a.Kind != planner.AggArrayAgg {
		return nil
	}
	if a.Distinct {
		if s.seen == nil {
			s.seen = map[string]struct{}{}
		}
		ts := make([]*types.T, len(args))
		for i, e := range a.Args {
			ts[i] = e.Type()
		}
		k := string(rowKey(nil, ts, args))
		if _, dup := s.seen[k]; dup {
			return nil
		}
		s.seen[k] = struct{}{}
	}
	v := args[0]
	s.count++
	s.any = true
	switch a.Kind {
	case planner.AggSum, planner.AggAvg:
		switch x := v.(type) {
		case int64:
			if a.Args[0].Type().OID == types.OidInt8 {
				if s.nsum == nil {
					s.nsum = new(apd.Decimal)
				}
				_, err := numCtx.Add(s.nsum, s.nsum, apd.New(x, 0))
				return err
			}
			r := s.isum + x
			if (s.isum >= 0) == (x >= 0) && (r >= 0) != (x >= 0) {
				return cp(errInt8Range)
			}
			s.isum = r
		case float64:
			s.fsum += x
		case *apd.Decimal:
			if s.nsum == nil {
				s.nsum = new(apd.Decimal)
				s.nsum.Set(x)
				return nil
			}
			r, err := numAdd(s.nsum, x, false)
			if err != nil {
				return err
			}
			s.nsum = r.(*apd.Decimal)
		case types.IntervalVal:
			r, err := addInterval(s.isum2, x)
			if err != nil {
				return err
			}
			s.isum2 = r.(types.IntervalVal)
		}
	case planner.AggMin, planner.AggMax:
		if s.val == nil {
			s.val = v
			return nil
		}
		r := compare(a.T, v, s.val)
		if (a.Kind == planner.AggMin && r < 0) || (a.Kind == planner.AggMax && r > 0) {
			s.val = v
		}
	case planner.AggBoolAnd:
		s.val = (s.val == nil || s.val.(bool)) && v.(bool)
	case planner.AggBoolOr:
		s.val = (s.val != nil && s.val.(bool)) || v.(bool)
	case planner.AggStringAgg:
		if s.count > 1 && args[1] != nil {
			s.buf = append(s.buf, args[1].(string)...)
		}
		s.buf = append(s.buf, v.(string)...)
	case planner.AggArrayAgg:
		s.elems = append(s.elems, v)
	}
	return nil
}

// finalAgg computes an aggregate's result from its state.
func finalAgg(a *planner.AggCall, s *aggState) (types.Datum, error) {
	switch a.Kind {
	case planner.AggCountStar, planner.AggCount:
		return s.count, nil
	}
	if !s.any {
		return nil, nil
	}
	switch a.Kind {
	case planner.AggSum:
		switch a.T.OID {
		case types.OidInt8:
			return s.isum, nil
		case types.OidNumeric:
			if s.nsum == nil {
				return apd.New(0, 0), nil
			}
			return s.nsum, nil
		case types.OidFloat4:
			return floatResult(s.fsum, a.T, true, true)
		case types.OidFloat8:
			return s.fsum, nil
		case types.OidInterval:
			return s.isum2, nil
		}
	case planner.AggAvg:
		switch a.T.OID {
		case types.OidFloat8:
			return s.fsum / float64(s.count), nil
		case types.OidInterval:
			return intervalMul(s.isum2, 1/float64(s.count))
		case types.OidNumeric:
			sum := s.nsum
			if sum == nil {
				sum = apd.New(s.isum, 0)
			}
			return numDiv(sum, apd.New(s.count, 0))
		}
	case planner.AggMin, planner.AggMax, planner.AggBoolAnd, planner.AggBoolOr:
		return s.val, nil
	case planner.AggStringAgg:
		return string(s.buf), nil
	case planner.AggArrayAgg:
		return &types.Array{Elem: a.T.Elem, Elems: s.elems}, nil
	}
	return nil, pgerror.New(pgerror.InternalError, "aggregate %s has no final function", a.Name)
}

var _ = math.MaxInt64
