package eval

import (
	"context"
	"fmt"
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// User-defined SQL functions that the planner did not inline (see
// planner/udf.go): each call runs the body's statements in order with the
// arguments as their parameters; the last one's first row (or, for a
// set-returning function, all its rows) is the result, as PostgreSQL's
// functions.c runs them.

func init() {
	impls[planner.FnUserFunc] = callUserFunc
	srfImpls[planner.FnUserFuncSet] = genUserFunc
}

// maxUDFDepth bounds nested calls of user functions, which PostgreSQL
// bounds with max_stack_depth (54001).
const maxUDFDepth = 400

type udfDepthKey struct{}

func callUserFunc(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	vals, err := c.runUserBody(x, a, false)
	if err != nil || len(vals) == 0 {
		return nil, err
	}
	return vals[0], nil
}

func genUserFunc(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	vals, err := c.runUserBody(x, a, true)
	if err != nil {
		return nil, err
	}
	i := 0
	return func() (types.Datum, bool, error) {
		if i >= len(vals) {
			return nil, false, nil
		}
		i++
		return vals[i-1], true, nil
	}, nil
}

// runUserBody runs the body of the function x calls over args and returns
// the first column of the last statement's rows: all of them when all is
// set, else at most the first.
func (c *evalCtx) runUserBody(x *planner.Call, args []types.Datum, all bool) ([]types.Datum, error) {
	u := x.Fn.User
	if u == nil {
		return nil, pgerror.New(pgerror.InternalError, "function %s has no body", x.Fn.Name)
	}
	cat, ok := c.env.(planner.Catalog)
	if !ok {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "function %s cannot be evaluated here", x.Fn.Name)
	}
	depth, _ := c.ctx.Value(udfDepthKey{}).(int)
	if depth >= maxUDFDepth {
		return nil, pgerror.New("54001", "stack depth limit exceeded").
			WithHint("Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.")
	}
	plans, err := u.Plans(cat, c.opts)
	if err != nil {
		return nil, withWhere(err, fmt.Sprintf("SQL function \"%s\" during startup", u.Func.Name))
	}
	ctx := context.WithValue(c.ctx, udfDepthKey{}, depth+1)
	params := args
	if len(params) < len(u.Func.Args) {
		params = append(append([]types.Datum(nil), args...), make([]types.Datum, len(u.Func.Args)-len(args))...)
	}
	var vals []types.Datum
	for i, q := range plans {
		last := i == len(plans)-1
		if err := c.runBodyStatement(ctx, q, params, last, all, &vals); err != nil {
			return nil, withWhere(err, fmt.Sprintf("SQL function \"%s\" statement %d", u.Func.Name, i+1))
		}
	}
	return vals, nil
}

// runBodyStatement runs one statement of a function body; the last one's
// values go to vals.
func (c *evalCtx) runBodyStatement(ctx context.Context, q *planner.Query, params []types.Datum, last, all bool, vals *[]types.Datum) error {
	switch q.Root.(type) {
	case *planner.Insert, *planner.Update, *planner.Delete:
		_, out, err := execDML(ctx, q, params, c.env, last && len(q.Columns) > 0)
		if err != nil {
			return err
		}
		for _, r := range out {
			if len(r) > 0 {
				*vals = append(*vals, r[0])
			}
			if !all {
				break
			}
		}
		return nil
	}
	if last && len(q.Writes) == 0 {
		if v, ok, err := c.evalResultBody(ctx, q.Root, params); ok {
			if err == nil {
				*vals = append(*vals, v)
			}
			return err
		}
	}
	rows, err := Run(ctx, q, params, c.env)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !last {
			continue // earlier statements run to completion for their effects
		}
		var v types.Datum
		if len(row) > 0 {
			v = row[0]
		}
		*vals = append(*vals, v)
		if !all {
			return nil
		}
	}
}

// withWhere adds a CONTEXT line to a PostgreSQL error.
func withWhere(err error, where string) error {
	pe, ok := err.(*pgerror.Error)
	if !ok {
		return err
	}
	cp := *pe
	cp.Position = 0
	if cp.Where == "" {
		cp.Where = where
	} else {
		cp.Where += "\n" + where
	}
	return &cp
}

// evalResultBody evaluates a body that is one row of expressions (SELECT
// expr, perhaps under the Project converting it to the result type)
// without building iterators: the common shape of functions the planner
// could not inline (STRICT ones). ok is false for other plans.
func (c *evalCtx) evalResultBody(ctx context.Context, n planner.Node, params []types.Datum) (types.Datum, bool, error) {
	var conv planner.Expr
	if p, isProj := n.(*planner.Project); isProj && len(p.Exprs) == 1 {
		conv, n = p.Exprs[0], p.Input
	}
	r, isResult := n.(*planner.Result)
	if !isResult || r.Where != nil || len(r.Exprs) == 0 {
		return nil, false, nil
	}
	sub := &evalCtx{ctx: ctx, env: c.env, opts: c.opts, params: params, work: c.work}
	v, err := sub.eval(r.Exprs[0])
	if err != nil || conv == nil {
		return v, true, err
	}
	sub.row = []types.Datum{v}
	v, err = sub.eval(conv)
	return v, true, err
}
