package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Domain checks (planner/domain.go): the value passes through when it
// satisfies the domain's NOT NULL and every CHECK, whose VALUE is the
// evaluation context's current element.
func init() {
	impls[planner.FnDomainCheck] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		d, v := x.Fn.Domain, a[0]
		if len(d.Checks) == 0 && !d.NotNull {
			return v, nil
		}
		if v == nil && d.NotNull {
			return nil, pgerror.New(pgerror.NotNullViolation, "domain %s does not allow null values", d.Domain)
		}
		saved := c.elem
		c.elem = v
		defer func() { c.elem = saved }()
		for _, ch := range d.Checks {
			ok, err := c.eval(ch.Expr)
			if err != nil {
				return nil, err
			}
			if ok == false {
				return nil, pgerror.New(pgerror.CheckViolation, "value for domain %s violates check constraint \"%s\"", d.Domain, ch.Name)
			}
		}
		return v, nil
	}
}

func init() {
	labels := func(x *planner.Call) []types.EnumLabel { return x.Args[0].Type().Enum.Labels() }
	impls[planner.FnEnumFirst] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ls := labels(x); len(ls) > 0 {
			return ls[0].Label, nil
		}
		return nil, nil
	}
	impls[planner.FnEnumLast] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ls := labels(x); len(ls) > 0 {
			return ls[len(ls)-1].Label, nil
		}
		return nil, nil
	}
	// enum_range(e) lists every label; enum_range(lo, hi) those between
	// the bounds, a NULL bound leaving that end open.
	impls[planner.FnEnumRange] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		t := x.Args[0].Type()
		out := &types.Array{Elem: t, Elems: []any{}}
		var lo, hi float32
		var hasLo, hasHi bool
		if len(a) == 2 {
			if a[0] != nil {
				lo, hasLo = t.Enum.SortOrder(a[0].(string))
			}
			if a[1] != nil {
				hi, hasHi = t.Enum.SortOrder(a[1].(string))
			}
		}
		for _, l := range t.Enum.Labels() {
			if hasLo && l.Sort < lo || hasHi && l.Sort > hi {
				continue
			}
			out.Elems = append(out.Elems, l.Label)
		}
		return out, nil
	}
}
