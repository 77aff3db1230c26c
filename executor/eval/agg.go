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
	// dacc is a numeric sum added to by the batch kernels (batch_agg.go)
	// as a scaled 128-bit integer; the sum is nsum + dacc until finalAgg
	// moves it into nsum.
	dacc  decAcc
	isum2 types.IntervalVal
	val   types.Datum // min/max/bool_and/bool_or
	any   bool        // saw a non-NULL input
	buf   []byte      // string_agg
	elems []any       // array_agg
	seen  map[string]struct{}
	// Variance family: Youngs-Cramer running values for floats (as
	// PostgreSQL's float8_accum), exact sums for integers and numerics.
	fN, fSx, fSxx float64
	nsum2         *apd.Decimal
	// sorted holds the rows of an aggregate with ORDER BY (its arguments
	// followed by its sort keys), or the values of an ordered-set
	// aggregate; they are aggregated when the group is complete.
	sorted [][]types.Datum
	frac   types.Datum // percentile fraction (first row's)
	opts   *types.FormatOpts
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
	// spill is the state of a hash aggregation past work_mem, level
	// its depth of recursion and parent the level above's (spill_agg.go).
	spill  *aggSpill
	level  int
	parent *aggSpill
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
		it.finishStats()
	}
	if it.i >= len(it.groups) {
		return it.nextSpilled()
	}
	g := it.groups[it.i]
	it.i++
	return groupRow(it.n, g)
}

// groupRow is a group's output row: its key, then each aggregate's final
// value.
func groupRow(n *planner.Agg, g *group) ([]types.Datum, error) {
	row := make([]types.Datum, 0, len(g.key)+len(g.states))
	row = append(row, g.key...)
	for k := range n.Aggs {
		v, err := finalAgg(&n.Aggs[k], &g.states[k])
		if err != nil {
			return nil, err
		}
		row = append(row, v)
	}
	return row, nil
}

func (it *aggIter) consume() error {
	st := &consumeState{index: map[string]*group{}, gtypes: make([]*types.T, len(it.n.GroupBy))}
	for i, e := range it.n.GroupBy {
		st.gtypes[i] = e.Type()
	}
	st.scratch = make([]types.Datum, len(it.n.GroupBy))
	st.args = make([]types.Datum, 4)
	kern := it.compileAggKernels()
	// The input is read a batch at a time (batch.go): aggregation reads
	// all of it anyway.
	src := batchesOf(it.in)
	var b batch
	for {
		if kern != nil {
			b.askCols(true, kern.datumColumns())
		}
		if err := src.nextBatch(&b); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if err := it.c.ctx.Err(); err != nil {
			return err
		}
		if kern != nil {
			done, err := kern.run(it, st, &b)
			if err != nil {
				return err
			}
			if done {
				continue
			}
		}
		if err := b.materialize(); err != nil {
			return err
		}
		for _, row := range b.rows {
			if err := it.consumeRow(st, row); err != nil {
				return err
			}
		}
	}
	if len(it.n.GroupBy) == 0 && len(it.groups) == 0 {
		it.groups = append(it.groups, &group{states: make([]aggState, len(it.n.Aggs))})
	}
	if kern != nil {
		// The kernels' running sums go to apd here, so that a state
		// outside consume is always in its row-evaluator form (parallel
		// workers' states are merged by mergeAggState).
		for _, g := range it.groups {
			for k := range g.states {
				if err := g.states[k].flushDec(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// consumeRow aggregates one input row with the row evaluator.
func (it *aggIter) consumeRow(st *consumeState, row []types.Datum) error {
	var err error
	saved := it.c.row
	it.c.row = row
	defer func() { it.c.row = saved }()
	for i, e := range it.n.GroupBy {
		if st.scratch[i], err = it.c.eval(e); err != nil {
			return err
		}
	}
	st.keybuf = rowKey(st.keybuf[:0], st.gtypes, st.scratch)
	g := st.index[string(st.keybuf)]
	if g == nil && len(it.n.GroupBy) > 0 {
		// Past hash_mem the row of a new group goes to a partition.
		if spilled, err := it.spillRow(row, st.keybuf, st.scratch); spilled || err != nil {
			return err
		}
	}
	if g == nil {
		// Only a new group keeps its key values; the scratch row is
		// reused for every input row.
		key := append([]types.Datum(nil), st.scratch...)
		g = &group{key: key, states: make([]aggState, len(it.n.Aggs))}
		st.index[string(st.keybuf)] = g
		it.groups = append(it.groups, g)
	}
	for k := range it.n.Aggs {
		a := &it.n.Aggs[k]
		if a.Filter != nil {
			ok, err := it.c.eval(a.Filter)
			if err != nil {
				return err
			}
			if ok != true {
				continue
			}
		}
		args := st.args[:0]
		for _, e := range a.Args {
			v, err := it.c.eval(e)
			if err != nil {
				return err
			}
			args = append(args, v)
		}
		st.args = args
		if len(a.Order) > 0 {
			err = it.keepSorted(a, &g.states[k], args)
		} else {
			err = stepAgg(a, &g.states[k], args, it.c.opts)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (it *aggIter) close() {
	it.in.close()
	it.closeSpill()
	it.done, it.groups, it.i = true, nil, 0
}

// stepAgg adds one input row to an aggregate's state.
func stepAgg(a *planner.AggCall, s *aggState, args []types.Datum, opts *types.FormatOpts) error {
	if a.Kind == planner.AggCountStar {
		s.count++
		return nil
	}
	switch a.Kind {
	case planner.AggJSONObjectAgg, planner.AggJSONBObjectAgg:
		if args[0] == nil {
			return pgerror.New(pgerror.InvalidParameterValue, "field name must not be null")
		}
	case planner.AggArrayAgg, planner.AggJSONAgg, planner.AggJSONBAgg:
	default:
		if args[0] == nil {
			return nil
		}
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
			if fastAddInto(s.nsum, s.nsum, x, false) {
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
	case planner.AggStddevSamp, planner.AggStddevPop, planner.AggVarSamp, planner.AggVarPop:
		return stepVariance(s, v)
	case planner.AggJSONAgg, planner.AggJSONBAgg:
		if s.count > 1 {
			s.buf = append(s.buf, ", "...)
		}
		s.buf = appendJSONDatum(s.buf, a.Args[0].Type(), v, opts)
	case planner.AggJSONObjectAgg, planner.AggJSONBObjectAgg:
		if s.count > 1 {
			s.buf = append(s.buf, ", "...)
		}
		s.buf = types.AppendJSONString(s.buf, textOfOpts(a.Args[0].Type(), v, opts))
		s.buf = append(s.buf, " : "...)
		s.buf = appendJSONDatum(s.buf, a.Args[1].Type(), args[1], opts)
	}
	return nil
}

// stepVariance accumulates one value of stddev/variance.
func stepVariance(s *aggState, v types.Datum) error {
	switch x := v.(type) {
	case float64:
		// float8_accum, operation for operation, so that results agree to
		// the last bit.
		prevN := s.fN
		s.fN++
		s.fSx += x
		if prevN > 0 {
			tmp := x*s.fN - s.fSx
			s.fSxx += tmp * tmp / (s.fN * prevN)
			if math.IsInf(s.fSx, 0) || math.IsInf(s.fSxx, 0) {
				if !math.IsInf(s.fSx, 0) && !math.IsInf(x, 0) {
					return cp(errOverflow)
				}
				s.fSxx = math.NaN()
			}
		} else if math.IsNaN(x) || math.IsInf(x, 0) {
			s.fSxx = math.NaN()
		}
		return nil
	case int64:
		v = apd.New(x, 0)
	}
	d := v.(*apd.Decimal)
	if s.nsum == nil {
		s.nsum, s.nsum2 = new(apd.Decimal), new(apd.Decimal)
	}
	if d.Form != apd.Finite {
		// NaN or infinity poisons the result (NaN, as PostgreSQL gives).
		s.nsum.Form = apd.NaN
		return nil
	}
	if s.nsum.Form != apd.Finite {
		return nil
	}
	sq := new(apd.Decimal)
	if _, err := numCtx.Mul(sq, d, d); err != nil {
		return numErr(err)
	}
	if _, err := numCtx.Add(s.nsum, s.nsum, d); err != nil {
		return numErr(err)
	}
	if _, err := numCtx.Add(s.nsum2, s.nsum2, sq); err != nil {
		return numErr(err)
	}
	return nil
}

// finalVariance is float8_var_samp/pop, float8_stddev_samp/pop and
// numeric_stddev_internal.
func finalVariance(a *planner.AggCall, s *aggState) (types.Datum, error) {
	samp := a.Kind == planner.AggStddevSamp || a.Kind == planner.AggVarSamp
	sqrt := a.Kind == planner.AggStddevSamp || a.Kind == planner.AggStddevPop
	if a.T.OID == types.OidFloat8 {
		if samp && s.fN <= 1 {
			return nil, nil
		}
		n := s.fN
		if samp {
			n--
		}
		r := s.fSxx / n
		if sqrt {
			r = math.Sqrt(r)
		}
		return r, nil
	}
	if samp && s.count <= 1 {
		return nil, nil
	}
	if s.nsum.Form != apd.Finite {
		return &apd.Decimal{Form: apd.NaN}, nil
	}
	// (N * sumX2 - sumX^2) / (N * (N-1)) or / (N * N).
	n := apd.New(s.count, 0)
	num, t := new(apd.Decimal), new(apd.Decimal)
	numCtx.Mul(num, n, s.nsum2)
	numCtx.Mul(t, s.nsum, s.nsum)
	numCtx.Sub(num, num, t)
	if num.Sign() <= 0 {
		return apd.New(0, 0), nil
	}
	den := new(apd.Decimal)
	if samp {
		numCtx.Mul(den, n, apd.New(s.count-1, 0))
	} else {
		numCtx.Mul(den, n, n)
	}
	q, err := numDiv(num, den)
	if err != nil || !sqrt {
		return q, err
	}
	qd := q.(*apd.Decimal)
	rscale := dscale(qd)
	r := new(apd.Decimal)
	ctx := apd.BaseContext.WithPrecision(uint32(rscale + int(qd.NumDigits()) + 30))
	if _, err := ctx.Sqrt(r, qd); err != nil {
		return nil, numErr(err)
	}
	return numRound(r, int64(rscale), apd.RoundHalfUp)
}

// finalAgg computes an aggregate's result from its state.
func finalAgg(a *planner.AggCall, s *aggState) (types.Datum, error) {
	if len(a.Order) > 0 {
		return finalSorted(a, s)
	}
	if err := s.flushDec(); err != nil {
		return nil, err
	}
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
			// A copy: the running sum is added to in place, and a window
			// keeps stepping the same state after each row's result.
			return new(apd.Decimal).Set(s.nsum), nil
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
	case planner.AggStddevSamp, planner.AggStddevPop, planner.AggVarSamp, planner.AggVarPop:
		return finalVariance(a, s)
	case planner.AggJSONAgg:
		return types.JSONVal("[" + string(s.buf) + "]"), nil
	case planner.AggJSONBAgg:
		return types.ParseText(types.JSONB, "["+string(s.buf)+"]", nil)
	case planner.AggJSONObjectAgg:
		return types.JSONVal("{ " + string(s.buf) + " }"), nil
	case planner.AggJSONBObjectAgg:
		return types.ParseText(types.JSONB, "{"+string(s.buf)+"}", nil)
	}
	return nil, pgerror.New(pgerror.InternalError, "aggregate %s has no final function", a.Name)
}
