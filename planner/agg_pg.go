package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// aggModsMarker is sql/parser.AggModsFunc: the last argument of an
// aggregate call that had DISTINCT (where the TiDB grammar cannot hold
// it), ORDER BY, WITHIN GROUP or FILTER.
const aggModsMarker = "nqdb_agg_mods"

// aggMods are the decoded modifiers of one aggregate call.
type aggMods struct {
	distinct, within bool
	filter           ast.ExprNode
	order            []aggModOrder
	at               ast.Node
}

type aggModOrder struct {
	expr             ast.ExprNode
	desc, nullsFirst bool
}

func isAggMods(n ast.ExprNode) bool {
	f, ok := n.(*ast.FuncCallExpr)
	return ok && f.FnName.L == aggModsMarker
}

// splitAggMods removes the modifiers marker from an aggregate's
// arguments and decodes it.
func splitAggMods(args []ast.ExprNode, at ast.Node) ([]ast.ExprNode, aggMods, error) {
	var m aggMods
	n := len(args)
	if n == 0 || !isAggMods(args[n-1]) {
		return args, m, nil
	}
	f := args[n-1].(*ast.FuncCallExpr)
	args = args[:n-1]
	m.at = f
	bad := pgerror.New(pgerror.SyntaxError, "malformed aggregate modifiers").WithPosition(pos(at))
	str := func(e ast.ExprNode) (string, bool) {
		v, ok := e.(*test_driver.ValueExpr)
		if !ok || v.Kind() != test_driver.KindString {
			return "", false
		}
		return v.GetString(), true
	}
	if len(f.Args) == 0 {
		return nil, m, bad
	}
	flags, ok := str(f.Args[0])
	if !ok {
		return nil, m, bad
	}
	rest := f.Args[1:]
	m.distinct = strings.Contains(flags, "d")
	m.within = strings.Contains(flags, "w")
	if strings.Contains(flags, "f") {
		if len(rest) == 0 {
			return nil, m, bad
		}
		m.filter, rest = rest[0], rest[1:]
	}
	if len(rest)%2 != 0 {
		return nil, m, bad
	}
	for i := 0; i < len(rest); i += 2 {
		dir, ok := str(rest[i+1])
		if !ok {
			return nil, m, bad
		}
		o := aggModOrder{expr: rest[i], desc: strings.HasPrefix(dir, "desc")}
		// PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
		o.nullsFirst = o.desc
		if strings.HasSuffix(dir, "nulls first") {
			o.nullsFirst = true
		} else if strings.HasSuffix(dir, "nulls last") {
			o.nullsFirst = false
		}
		m.order = append(m.order, o)
	}
	return args, m, nil
}

// bindAggMods binds FILTER and ORDER BY of a plain aggregate call into
// call (in the aggregate's argument context).
func (b *binder) bindAggMods(call *AggCall, m aggMods, argNodes []ast.ExprNode) error {
	if m.filter != nil {
		// Aggregates inside FILTER are PostgreSQL's "not allowed in
		// FILTER", not a nesting error.
		inAgg, aggCtx, clause := b.inAgg, b.aggCtx, b.clause
		b.inAgg, b.aggCtx, b.clause = false, "", "FILTER"
		e, err := b.bindExpr(m.filter)
		b.inAgg, b.aggCtx, b.clause = inAgg, aggCtx, clause
		if err != nil {
			return err
		}
		if e, err = b.coerceBool(e, "FILTER", m.filter); err != nil {
			return err
		}
		call.Filter = e
	}
	if call.Kind == AggCountStar && len(m.order) > 0 {
		// count(* ORDER BY x) is a syntax error in PostgreSQL too.
		return pgerror.New(pgerror.SyntaxError, "syntax error at or near \"ORDER\"").WithPosition(pos(m.at))
	}
	for _, o := range m.order {
		e, err := b.bindExpr(o.expr)
		if err != nil {
			return err
		}
		if e.Type().OID == types.OidUnknown {
			if e, err = b.coerce(e, types.Text, -1, false, o.expr); err != nil {
				return err
			}
		}
		if call.Distinct {
			found := false
			for _, a := range call.Args {
				if exprEqual(a, e) {
					found = true
					break
				}
			}
			if !found {
				return pgerror.New(pgerror.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list").
					WithPosition(pos(o.expr))
			}
		}
		call.Order = append(call.Order, AggOrder{Expr: e, Desc: o.desc, NullsFirst: o.nullsFirst})
	}
	if call.Distinct && len(call.Order) == 0 {
		switch call.Kind {
		case AggStringAgg, AggArrayAgg, AggJSONAgg, AggJSONBAgg, AggJSONObjectAgg, AggJSONBObjectAgg:
			// PostgreSQL removes duplicates by sorting, so the result
			// comes in the arguments' order.
			for _, a := range call.Args {
				call.Order = append(call.Order, AggOrder{Expr: a})
			}
		}
	}
	return nil
}

// bindOrderedSetAgg binds percentile_cont, percentile_disc and mode with
// their WITHIN GROUP (ORDER BY x): Args become [x, fraction...].
func (b *binder) bindOrderedSetAgg(name string, direct []ast.ExprNode, distinct bool, m aggMods, at ast.Node) (Expr, error) {
	if distinct {
		return nil, pgerror.New(pgerror.SyntaxError, "cannot use DISTINCT with WITHIN GROUP").WithPosition(pos(at))
	}
	args, err := b.bindArgs(direct)
	if err != nil {
		return nil, err
	}
	if len(m.order) != 1 {
		return nil, b.orderedSetSig(name, args, at)
	}
	o := m.order[0]
	x, err := b.bindExpr(o.expr)
	if err != nil {
		return nil, err
	}
	call := AggCall{Name: name, Order: []AggOrder{{Expr: x, Desc: o.desc, NullsFirst: o.nullsFirst}}}
	switch name {
	case "mode":
		if len(args) != 0 {
			return nil, b.orderedSetSig(name, append(args, x), at)
		}
		if x.Type().OID == types.OidUnknown {
			if x, err = b.coerce(x, types.Text, -1, false, o.expr); err != nil {
				return nil, err
			}
		}
		call.Kind, call.T, call.Args = AggMode, x.Type(), []Expr{x}
	case "percentile_cont", "percentile_disc":
		if len(args) != 1 {
			return nil, b.orderedSetSig(name, append(args, x), at)
		}
		if args[0].Type().IsArray() {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "%s with an array of fractions is not supported", name).WithPosition(pos(at))
		}
		frac, err := b.coerce(args[0], types.Float8, -1, false, direct[0])
		if err != nil {
			return nil, b.orderedSetSig(name, append(args, x), at)
		}
		if name == "percentile_disc" {
			if x.Type().OID == types.OidUnknown {
				if x, err = b.coerce(x, types.Text, -1, false, o.expr); err != nil {
					return nil, err
				}
			}
			call.Kind, call.T = AggPercentileDisc, x.Type()
		} else {
			call.Kind = AggPercentileCont
			if x.Type().OID == types.OidInterval {
				call.T = types.Interval
			} else {
				fx, err := b.coerce(x, types.Float8, -1, false, o.expr)
				if err != nil {
					return nil, b.orderedSetSig(name, append(args, x), at)
				}
				x, call.T = fx, types.Float8
			}
		}
		call.Args = []Expr{x, frac}
	}
	call.Order[0].Expr = x
	if m.filter != nil {
		if err := b.bindAggMods(&call, aggMods{filter: m.filter}, nil); err != nil {
			return nil, err
		}
	}
	b.aggs = append(b.aggs, call)
	return &aggRef{k: len(b.aggs) - 1, t: call.T}, nil
}

// orderedSetSig is the "does not exist" error of an ordered-set
// aggregate, with the direct and WITHIN GROUP argument types together as
// PostgreSQL prints them.
func (b *binder) orderedSetSig(name string, args []Expr, at ast.Node) error {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.Type().SQLName
	}
	return pgerror.New(pgerror.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(s, ", ")).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(at))
}
