package eval

import (
	"math"
	"sort"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Aggregates whose input is sorted first: ORDER BY inside the call and
// the ordered-set aggregates of WITHIN GROUP (percentile_cont,
// percentile_disc, mode). Their rows are kept per group and aggregated
// when the group is complete, as PostgreSQL's nodeAgg sorts them.

func isOrderedSet(k planner.AggKind) bool {
	return k == planner.AggPercentileCont || k == planner.AggPercentileDisc || k == planner.AggMode
}

// keepSorted stores one input row of an aggregate with ORDER BY: for
// ordered-set aggregates the sorted value (NULLs are ignored) and the
// fraction, otherwise the arguments followed by the sort keys.
func (it *aggIter) keepSorted(a *planner.AggCall, s *aggState, args []types.Datum) error {
	s.opts = it.c.opts
	if isOrderedSet(a.Kind) {
		if s.frac == nil && len(args) > 1 {
			s.frac = args[1]
		}
		if args[0] != nil {
			s.sorted = append(s.sorted, []types.Datum{args[0]})
		}
		return nil
	}
	row := make([]types.Datum, len(args), len(args)+len(a.Order))
	copy(row, args)
	for _, o := range a.Order {
		v, err := it.c.eval(o.Expr)
		if err != nil {
			return err
		}
		row = append(row, v)
	}
	s.sorted = append(s.sorted, row)
	return nil
}

// sortRows orders rows by the keys starting at column off.
func sortRows(rows [][]types.Datum, off int, order []planner.AggOrder) {
	sort.SliceStable(rows, func(i, j int) bool {
		for k, o := range order {
			x, y := rows[i][off+k], rows[j][off+k]
			var r int
			switch {
			case x == nil && y == nil:
				continue
			case x == nil:
				return o.NullsFirst
			case y == nil:
				return !o.NullsFirst
			}
			r = compare(o.Expr.Type(), x, y)
			if o.Desc {
				r = -r
			}
			if r != 0 {
				return r < 0
			}
		}
		return false
	})
}

// finalSorted sorts a group's kept rows and computes the aggregate.
func finalSorted(a *planner.AggCall, s *aggState) (types.Datum, error) {
	if isOrderedSet(a.Kind) {
		return finalOrderedSet(a, s)
	}
	sortRows(s.sorted, len(a.Args), a.Order)
	var fresh aggState
	for _, row := range s.sorted {
		if err := stepAgg(a, &fresh, row[:len(a.Args)], s.opts); err != nil {
			return nil, err
		}
	}
	plain := *a
	plain.Order = nil
	return finalAgg(&plain, &fresh)
}

// finalOrderedSet is percentile_cont, percentile_disc and mode over the
// group's sorted non-NULL values.
func finalOrderedSet(a *planner.AggCall, s *aggState) (types.Datum, error) {
	vals := s.sorted
	if len(vals) == 0 {
		return nil, nil
	}
	sortRows(vals, 0, a.Order)
	if a.Kind == planner.AggMode {
		// The most frequent value; among equally frequent ones the first
		// in sort order.
		var best types.Datum
		bestN, n := 0, 0
		t := a.Args[0].Type()
		for i, row := range vals {
			if i > 0 && compare(t, row[0], vals[i-1][0]) == 0 {
				n++
			} else {
				n = 1
			}
			if n > bestN {
				best, bestN = row[0], n
			}
		}
		return best, nil
	}
	if s.frac == nil {
		return nil, nil
	}
	p := s.frac.(float64)
	if p < 0 || p > 1 || math.IsNaN(p) {
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "percentile value %s is not between 0 and 1",
			string(types.AppendText(nil, types.Float8, p, nil)))
	}
	n := len(vals)
	if a.Kind == planner.AggPercentileDisc {
		// The first value whose position reaches p of the rows.
		row := int(math.Ceil(p * float64(n)))
		if row < 1 {
			row = 1
		}
		return vals[row-1][0], nil
	}
	first := math.Floor(p * float64(n-1))
	second := math.Ceil(p * float64(n-1))
	lo, hi := vals[int(first)][0], vals[int(second)][0]
	if first == second {
		return lo, nil
	}
	frac := p*float64(n-1) - first
	if a.T.OID == types.OidInterval {
		// interval_lerp: lo + (hi - lo) * frac
		l, h := lo.(types.IntervalVal), hi.(types.IntervalVal)
		d, err := addInterval(h, types.IntervalVal{Months: -l.Months, Days: -l.Days, Micros: -l.Micros})
		if err != nil {
			return nil, err
		}
		m, err := intervalMul(d.(types.IntervalVal), frac)
		if err != nil {
			return nil, err
		}
		return addInterval(l, m.(types.IntervalVal))
	}
	l, h := lo.(float64), hi.(float64)
	return l + frac*(h-l), nil
}
