package eval

import (
	"context"
	"io"
	"regexp"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// evalCtx is the state of one Run.
type evalCtx struct {
	ctx    context.Context
	env    Env
	opts   *types.FormatOpts
	params []types.Datum
	row    []types.Datum // current input row for ColumnRef
	stack  []types.Datum // argument stack for calls
	// regexps caches compiled patterns for the run.
	regexps map[string]*regexp.Regexp
	// elem is the current element of a ScalarArrayOp or quantified
	// subquery.
	elem types.Datum
	// subResults caches the rows of uncorrelated subqueries for the run.
	subResults map[*planner.SubPlan][]types.Datum
	// inSets holds the value sets of hashed IN subqueries (subhash.go).
	inSets map[*planner.SubPlan]*intSet
	// outer holds the enclosing queries' current rows while a correlated
	// subquery runs: outer[0] is the row of the query it appears in.
	outer [][]types.Datum
	// written collects the rows a DML statement wrote, for RETURNING (nil
	// when not wanted).
	written [][]types.Datum
	// work holds each running WITH RECURSIVE's previous round, and the
	// RETURNING rows of data-modifying WITH items (wcte.go).
	work map[*planner.WorkTable][][]types.Datum
	// frozen: the statement's reads see the state from before its writes
	// (it has data-modifying WITH items; wcte.go).
	frozen bool
	// mem counts the memory the query's batches allocate (batch.go; nil
	// in contexts that do not account).
	mem *memAccount
	// lookups serves the keyed scans of a LATERAL join's inner side
	// from what the previous outer row's opened (lookup_reuse.go; nil
	// elsewhere).
	lookups *lookupCache
}

// implFn implements an operator or function. args are the evaluated
// arguments (already non-NULL for strict functions); call gives the
// result type.
type implFn func(c *evalCtx, call *planner.Call, args []types.Datum) (types.Datum, error)

// impls is indexed by planner.FuncID.
var impls [planner.NumFuncs]implFn

func (c *evalCtx) evalList(es []planner.Expr, row []types.Datum) ([]types.Datum, error) {
	saved := c.row
	c.row = row
	out := make([]types.Datum, len(es))
	for i, e := range es {
		v, err := c.eval(e)
		if err != nil {
			c.row = saved
			return nil, err
		}
		out[i] = v
	}
	c.row = saved
	return out, nil
}

// eval evaluates e; a nil result is NULL.
func (c *evalCtx) eval(e planner.Expr) (types.Datum, error) {
	switch x := e.(type) {
	case *planner.Const:
		return x.Val, nil
	case *planner.Param:
		return c.params[x.Idx], nil
	case *planner.ColumnRef:
		return c.row[x.Idx], nil
	case *planner.OuterRef:
		return c.outer[x.Level-1][x.Idx], nil
	case *planner.GroupingFunc:
		return groupingValue(x, c.row), nil
	case *planner.Call:
		return c.evalCall(x)
	case *planner.Cast:
		v, err := c.eval(x.X)
		if err != nil || v == nil {
			return nil, err
		}
		if x.To.OID == types.OidRegclass && isStringType(x.X.Type()) {
			// A relation name met at run time: regclassin's lookup.
			return c.regclassIn(v.(string))
		}
		v, err = castDatum(v, x.X.Type(), x.To, c.opts)
		if err != nil {
			return nil, err
		}
		if x.Typmod >= 0 {
			return applyTypmod(x.To, x.Typmod, v, x.Explicit)
		}
		return v, nil
	case *planner.BoolExpr:
		return c.evalBool(x)
	case *planner.SubPlan:
		return c.evalSubPlan(x)
	case *planner.ArrayElem:
		return c.elem, nil
	case *planner.ArrayExpr:
		a := &types.Array{Elem: x.T.Elem, Elems: make([]any, len(x.Elems))}
		for i, e := range x.Elems {
			v, err := c.eval(e)
			if err != nil {
				return nil, err
			}
			a.Elems[i] = v
		}
		return a, nil
	case *planner.ScalarArrayOp:
		return c.evalScalarArrayOp(x)
	case *planner.Subscript:
		a, err := c.eval(x.Array)
		if err != nil || a == nil {
			return nil, err
		}
		i, err := c.eval(x.Index)
		if err != nil || i == nil {
			return nil, err
		}
		arr := a.(*types.Array)
		// Subscripts count from the array's lower bound (0 for
		// int2vector/oidvector: indkey[0]).
		n := i.(int64) - arr.Lower()
		if n < 0 || n >= int64(len(arr.Elems)) {
			return nil, nil
		}
		return arr.Elems[n], nil
	case *planner.NotDistinct:
		l, err := c.eval(x.L)
		if err != nil {
			return nil, err
		}
		r, err := c.eval(x.R)
		if err != nil {
			return nil, err
		}
		var same bool
		switch {
		case l == nil || r == nil:
			same = l == nil && r == nil
		default:
			same = compare(x.L.Type(), l, r) == 0
		}
		return same != x.Not, nil
	case *planner.NullTest:
		v, err := c.eval(x.X)
		if err != nil {
			return nil, err
		}
		return (v == nil) != x.Not, nil
	case *planner.TruthTest:
		v, err := c.eval(x.X)
		if err != nil {
			return nil, err
		}
		var r bool
		if x.Unknown {
			r = v == nil
		} else {
			r = v != nil && v.(bool) == x.Val
		}
		return r != x.Not, nil
	case *planner.Case:
		for _, w := range x.Whens {
			v, err := c.eval(w.Cond)
			if err != nil {
				return nil, err
			}
			if v == true {
				return c.eval(w.Result)
			}
		}
		return c.eval(x.Else)
	case *planner.Coalesce:
		for _, a := range x.Args {
			v, err := c.eval(a)
			if err != nil || v != nil {
				return v, err
			}
		}
		return nil, nil
	case *planner.NullIf:
		a, err := c.eval(x.Args[0])
		if err != nil || a == nil {
			return a, err
		}
		b, err := c.eval(x.Args[1])
		if err != nil {
			return nil, err
		}
		if b == nil {
			return a, nil
		}
		ca, ct := a, x.Args[0].Type()
		if x.CmpType != nil {
			if ca, err = castDatum(a, ct, x.CmpType, c.opts); err != nil {
				return nil, err
			}
			ct = x.CmpType
		}
		if compare(ct, ca, b) == 0 {
			return nil, nil
		}
		return a, nil
	case *planner.MinMax:
		var best types.Datum
		for _, a := range x.Args {
			v, err := c.eval(a)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if best == nil {
				best = v
				continue
			}
			r := compare(x.T, v, best)
			if (x.Greatest && r > 0) || (!x.Greatest && r < 0) {
				best = v
			}
		}
		return best, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "expression %T is not supported", e)
}

func (c *evalCtx) evalCall(x *planner.Call) (types.Datum, error) {
	base := len(c.stack)
	for _, a := range x.Args {
		v, err := c.eval(a)
		if err != nil {
			c.stack = c.stack[:base]
			return nil, err
		}
		if v == nil && x.Fn.Strict {
			c.stack = c.stack[:base]
			return nil, nil
		}
		c.stack = append(c.stack, v)
	}
	args := c.stack[base:len(c.stack):len(c.stack)]
	f := impls[x.Fn.ID]
	if f == nil {
		c.stack = c.stack[:base]
		return nil, pgerror.New(pgerror.FeatureNotSupported, "function %s is not implemented", x.Fn.Name)
	}
	v, err := f(c, x, args)
	c.stack = c.stack[:base]
	return v, err
}

// evalBool implements AND/OR/NOT with SQL's three-valued logic. PostgreSQL
// evaluates operands left to right and stops at the first deciding value.
func (c *evalCtx) evalBool(x *planner.BoolExpr) (types.Datum, error) {
	switch x.Op {
	case planner.Not:
		v, err := c.eval(x.Args[0])
		if err != nil || v == nil {
			return nil, err
		}
		return !v.(bool), nil
	case planner.And:
		sawNull := false
		for _, a := range x.Args {
			v, err := c.eval(a)
			if err != nil {
				return nil, err
			}
			if v == nil {
				sawNull = true
			} else if !v.(bool) {
				return false, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return true, nil
	default:
		sawNull := false
		for _, a := range x.Args {
			v, err := c.eval(a)
			if err != nil {
				return nil, err
			}
			if v == nil {
				sawNull = true
			} else if v.(bool) {
				return true, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return false, nil
	}
}

// evalScalarArrayOp implements op ANY/ALL (array) with PostgreSQL's NULL
// rules: an empty array gives false (ANY) or true (ALL) whatever the left
// side; otherwise NULL comparisons make an undecided result NULL.
func (c *evalCtx) evalScalarArrayOp(x *planner.ScalarArrayOp) (types.Datum, error) {
	l, err := c.eval(x.Op.Args[0])
	if err != nil {
		return nil, err
	}
	r, err := c.eval(x.R)
	if err != nil || r == nil {
		return nil, err
	}
	arr := r.(*types.Array)
	if len(arr.Elems) == 0 {
		return !x.Any, nil
	}
	if l == nil && x.Op.Fn.Strict {
		return nil, nil
	}
	f := impls[x.Op.Fn.ID]
	sawNull := false
	saved := c.elem
	defer func() { c.elem = saved }()
	// One argument pair for all elements (implementations do not keep
	// their args, as evalCall's reused stack already requires).
	args := []types.Datum{l, nil}
	for _, e := range arr.Elems {
		if e == nil && x.Op.Fn.Strict {
			sawNull = true
			continue
		}
		c.elem = e
		args[0], args[1] = l, e
		v, err := f(c, x.Op, args)
		if err != nil {
			return nil, err
		}
		switch {
		case v == nil:
			sawNull = true
		case v.(bool) == x.Any:
			return x.Any, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return !x.Any, nil
}

// subRows runs a subquery and keeps the first column of its rows (all a
// SubPlan needs): an uncorrelated one once per Run, a correlated one for
// each row it is evaluated on. Scalar subqueries stop after
// the second row and exists ones after the first.
func (c *evalCtx) subRows(x *planner.SubPlan) ([]types.Datum, error) {
	if v, ok := c.subResults[x]; ok {
		return v, nil
	}
	sub := &evalCtx{ctx: c.ctx, env: c.env, opts: c.opts, params: c.params, outer: c.outer, work: c.work}
	if x.Correlated {
		// Run for the current row; nothing is cached.
		sub.outer = append([][]types.Datum{c.row}, c.outer...)
	}
	it, err := sub.build(x.Plan)
	if err != nil {
		return nil, err
	}
	// The subquery's value is taken once; its scans go as soon as the
	// rows needed are read, whether or not it ran to its end.
	defer it.close()
	limit := -1
	switch x.Kind {
	case planner.SubScalar:
		limit = 2
	case planner.SubExists:
		limit = 1
	}
	vals := []types.Datum{}
	for limit < 0 || len(vals) < limit {
		row, err := it.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		var v types.Datum
		if len(row) > 0 {
			v = row[0]
		}
		vals = append(vals, v)
	}
	if x.Correlated {
		return vals, nil
	}
	if c.subResults == nil {
		c.subResults = map[*planner.SubPlan][]types.Datum{}
	}
	c.subResults[x] = vals
	return vals, nil
}

func (c *evalCtx) evalSubPlan(x *planner.SubPlan) (types.Datum, error) {
	vals, err := c.subRows(x)
	if err != nil {
		return nil, err
	}
	switch x.Kind {
	case planner.SubScalar:
		if len(vals) > 1 {
			return nil, pgerror.New(pgerror.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		if len(vals) == 0 {
			return nil, nil
		}
		return vals[0], nil
	case planner.SubExists:
		return len(vals) > 0, nil
	case planner.SubArray:
		return &types.Array{Elem: x.T.Elem, Elems: vals}, nil
	}
	if hashableIn(x) {
		return c.evalHashedIn(x, vals)
	}
	any := x.Kind == planner.SubAny
	if len(vals) == 0 {
		return !any, nil
	}
	sawNull := false
	saved := c.elem
	defer func() { c.elem = saved }()
	for _, v := range vals {
		c.elem = v
		r, err := c.eval(x.Op)
		if err != nil {
			return nil, err
		}
		switch {
		case r == nil:
			sawNull = true
		case r.(bool) == any:
			return any, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return !any, nil
}
