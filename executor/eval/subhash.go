package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Hashed IN (subquery).
//
// An uncorrelated `x IN (SELECT ...)` keeps its subquery's values for the
// run (subRows), but evalSubPlan then compares x with each of them in
// turn: TPC-H Q20 made 80,000 rows times 190 values of comparisons. When
// the operator is integer equality, the values also go into a set once,
// as PostgreSQL's hashed SubPlan does, and each row is one lookup.

// intSet is the values of a hashed IN subquery.
type intSet struct {
	vals    map[int64]struct{}
	sawNull bool // some value is NULL: a miss is NULL, not false
}

// hashableIn reports whether x can be answered from an intSet: ANY with
// strict integer equality of an expression and the subquery's column.
func hashableIn(x *planner.SubPlan) bool {
	if x.Kind != planner.SubAny || x.Correlated || x.Op == nil || x.Op.Fn == nil ||
		x.Op.Fn.ID != planner.FnEq || !x.Op.Fn.Strict || len(x.Op.Args) != 2 {
		return false
	}
	if _, ok := x.Op.Args[1].(*planner.ArrayElem); !ok {
		return false
	}
	return isIntType(x.Op.Args[0].Type()) && isIntType(x.Op.Args[1].Type())
}

// evalHashedIn is evalSubPlan for a hashableIn x over its values vals,
// with the same result: false over no rows, NULL for a NULL x or a miss
// among NULLs, else whether x is among them.
func (c *evalCtx) evalHashedIn(x *planner.SubPlan, vals []types.Datum) (types.Datum, error) {
	if len(vals) == 0 {
		return false, nil
	}
	set := c.inSets[x]
	if set == nil {
		set = &intSet{vals: make(map[int64]struct{}, len(vals))}
		for _, v := range vals {
			n, ok := v.(int64)
			if !ok {
				set.sawNull = true
				continue
			}
			set.vals[n] = struct{}{}
		}
		if c.inSets == nil {
			c.inSets = map[*planner.SubPlan]*intSet{}
		}
		c.inSets[x] = set
	}
	l, err := c.eval(x.Op.Args[0])
	if err != nil || l == nil {
		return nil, err
	}
	if _, ok := set.vals[l.(int64)]; ok {
		return true, nil
	}
	if set.sawNull {
		return nil, nil
	}
	return false, nil
}
