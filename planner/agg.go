package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// AggKind identifies an aggregate function.
type AggKind uint8

// Aggregate functions.
const (
	AggCountStar AggKind = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
	AggBoolAnd
	AggBoolOr
	AggStringAgg
	AggArrayAgg
	AggStddevSamp
	AggStddevPop
	AggVarSamp
	AggVarPop
	AggJSONAgg
	AggJSONBAgg
	AggJSONObjectAgg
	AggJSONBObjectAgg
	// Ordered-set aggregates (WITHIN GROUP): Args[0] is the sorted value,
	// Args[1] the fraction of the percentiles; Order[0] the direction.
	AggPercentileCont
	AggPercentileDisc
	AggMode
)

// AggCall is one aggregate computed by an Agg node.
type AggCall struct {
	Kind     AggKind
	Name     string
	Args     []Expr // over the Agg's input row
	Distinct bool
	T        *types.T // result type
	// Filter, when set, admits only the rows for which it is true
	// (FILTER (WHERE ...)).
	Filter Expr
	// Order sorts the rows before they are aggregated (ORDER BY inside
	// the call); for ordered-set aggregates it is the WITHIN GROUP key.
	Order []AggOrder
}

// AggOrder is one ORDER BY item of an aggregate call.
type AggOrder struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Agg groups the rows of Input by GroupBy and computes Aggs per group. Its
// output is the GroupBy values followed by the aggregate results. Without
// GroupBy it produces exactly one row, even for no input.
type Agg struct {
	Input   Node
	GroupBy []Expr
	Aggs    []AggCall
	// Sets, when set, are the grouping sets (indexes into GroupBy): the
	// rows of each set in turn, with NULL for the expressions not in it,
	// and an int4 column after the aggregates whose bit k is set when
	// GroupBy[k] is not in the row's set (GROUPING reads it).
	Sets [][]int
	// Sorted says the input delivers equal grouping keys adjacently, so
	// the groups are aggregated one at a time as they stream past
	// (GroupAggregate; groupagg.go sets it).
	Sorted bool
}

// Output implements Node.
func (n *Agg) Output() []*types.T {
	ts := exprTypes(n.GroupBy)
	for _, a := range n.Aggs {
		ts = append(ts, a.T)
	}
	if n.Sets != nil {
		ts = append(ts, types.Int4)
	}
	return ts
}

// aggRef is a placeholder for aggregate k while the select list is bound;
// rewriteAgg turns it into a ColumnRef over the Agg's output.
type aggRef struct {
	k int
	t *types.T
}

func (e *aggRef) Type() *types.T { return e.t }

var aggNames = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true, "string_agg": true, "array_agg": true,
	"json_agg": true, "jsonb_agg": true, "json_object_agg": true, "jsonb_object_agg": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true,
	"percentile_cont": true, "percentile_disc": true, "mode": true,
}

// orderedSetAggs are the aggregates that need WITHIN GROUP.
var orderedSetAggs = map[string]bool{"percentile_cont": true, "percentile_disc": true, "mode": true}

// spelledAggName is the aggregate's name as the user wrote it: the TiDB
// grammar folds stddev and variance into stddev_pop and var_pop (MySQL's
// meaning), while PostgreSQL's stddev and variance are the sample ones.
// The node's F is set to it so that the column is named as written.
func (b *binder) spelledAggName(name string, at ast.Node) string {
	x, ok := at.(*ast.AggregateFuncExpr)
	if !ok {
		return name
	}
	off := at.OriginTextPosition()
	end := off
	for end < len(b.sql) && isIdentByte(b.sql[end]) {
		end++
	}
	if off < 0 || end > len(b.sql) {
		return name
	}
	if w := strings.ToLower(b.sql[off:end]); w != name && aggNames[w] {
		x.F = w
		return w
	}
	return name
}

// bindAggregate binds an aggregate call appearing in an expression.
func (b *binder) bindAggregate(name string, argNodes []ast.ExprNode, distinct bool, star bool, at ast.Node) (Expr, error) {
	if b.aggCtx == "" {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in %s", b.clause).WithPosition(pos(at))
	}
	if b.inAgg {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate function calls cannot be nested").WithPosition(pos(at))
	}
	b.inAgg = true
	defer func() { b.inAgg = false }()
	name = b.spelledAggName(name, at)
	argNodes, mods, err := splitAggMods(argNodes, at)
	if err != nil {
		return nil, err
	}
	if mods.distinct {
		distinct = true
	}
	if orderedSetAggs[name] != mods.within {
		// PostgreSQL looks such a call up as a plain function of all
		// its arguments, and finds none.
		args, err := b.bindArgs(argNodes)
		if err != nil {
			return nil, err
		}
		for _, o := range mods.order {
			e, err := b.bindExpr(o.expr)
			if err != nil {
				return nil, err
			}
			args = append(args, e)
		}
		s := make([]string, len(args))
		for i, a := range args {
			s[i] = a.Type().SQLName
		}
		return nil, pgerror.New(pgerror.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(s, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(at))
	}
	if mods.within {
		return b.bindOrderedSetAgg(name, argNodes, distinct, mods, at)
	}
	args, err := b.bindArgs(argNodes)
	if err != nil {
		return nil, err
	}
	sig := func() error {
		s := make([]string, len(args))
		for i, a := range args {
			s[i] = a.Type().SQLName
		}
		return pgerror.New(pgerror.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(s, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(at))
	}
	call := AggCall{Name: name, Args: args, Distinct: distinct}
	one := func() (*types.T, error) {
		if len(args) != 1 {
			return nil, sig()
		}
		t := args[0].Type()
		if t.OID == types.OidUnknown {
			var err error
			if args[0], err = b.coerce(args[0], types.Text, -1, false, argNodes[0]); err != nil {
				return nil, err
			}
			t = types.Text
		}
		return t, nil
	}
	switch name {
	case "count":
		if star {
			call.Kind, call.Args, call.T = AggCountStar, nil, types.Int8
			break
		}
		if _, err := one(); err != nil {
			return nil, err
		}
		call.Kind, call.T = AggCount, types.Int8
	case "sum", "avg":
		if len(args) == 1 && args[0].Type().OID == types.OidUnknown {
			return nil, pgerror.New(pgerror.AmbiguousFunction, "function %s(unknown) is not unique", name).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.").WithPosition(pos(at))
		}
		t, err := one()
		if err != nil {
			return nil, err
		}
		call.Kind = AggSum
		if name == "avg" {
			call.Kind = AggAvg
		}
		switch t.OID {
		case types.OidInt2, types.OidInt4:
			call.T = types.Int8
			if name == "avg" {
				call.T = types.Numeric
			}
		case types.OidInt8, types.OidNumeric:
			call.T = types.Numeric
		case types.OidFloat4:
			call.T = types.Float4
			if name == "avg" {
				call.T = types.Float8
			}
		case types.OidFloat8:
			call.T = types.Float8
		case types.OidInterval:
			call.T = types.Interval
		default:
			return nil, sig()
		}
	case "min", "max":
		t, err := one()
		if err != nil {
			return nil, err
		}
		f, _ := resolve(operators["<"], []Expr{&Const{T: t}, &Const{T: t}}, true)
		switch {
		case t.Enum != nil:
			// Enums order by their labels' sort order (enum_smaller).
		case f == nil:
			return nil, sig()
		case f.Args[0].OID == t.OID || f.Args[0].OID == types.OidAnyArray:
		case isTextKey(t) && isTextKey(f.Args[0]):
			// max(varchar) is max(text), as PostgreSQL resolves it.
			t = f.Args[0]
		default:
			return nil, sig()
		}
		call.Kind, call.T = AggMin, t
		if name == "max" {
			call.Kind = AggMax
		}
	case "bool_and", "bool_or", "every":
		if len(args) != 1 {
			return nil, sig()
		}
		if args[0], err = b.coerceBool(args[0], name, argNodes[0]); err != nil {
			return nil, sig()
		}
		call.Kind, call.T = AggBoolAnd, types.Bool
		if name == "bool_or" {
			call.Kind = AggBoolOr
		}
	case "string_agg":
		if len(args) != 2 {
			return nil, sig()
		}
		for i := range args {
			if args[i], err = b.coerce(args[i], types.Text, -1, false, argNodes[i]); err != nil {
				return nil, err
			}
		}
		call.Kind, call.T = AggStringAgg, types.Text
	case "array_agg":
		t, err := one()
		if err != nil {
			return nil, err
		}
		if t.Array == nil {
			return nil, pgerror.New(pgerror.UndefinedObject, "could not find array type for data type %s", t.SQLName).WithPosition(pos(at))
		}
		call.Kind, call.T = AggArrayAgg, t.Array
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		// An unknown argument resolves to the preferred float8 overload.
		if len(args) == 1 && args[0].Type().OID == types.OidUnknown {
			if args[0], err = b.coerce(args[0], types.Float8, -1, false, argNodes[0]); err != nil {
				return nil, err
			}
		}
		t, err := one()
		if err != nil {
			return nil, err
		}
		switch t.OID {
		case types.OidInt2, types.OidInt4, types.OidInt8, types.OidNumeric:
			call.T = types.Numeric
		case types.OidFloat4, types.OidFloat8:
			call.T = types.Float8
		default:
			return nil, sig()
		}
		call.Kind = map[string]AggKind{"stddev": AggStddevSamp, "stddev_samp": AggStddevSamp, "stddev_pop": AggStddevPop,
			"variance": AggVarSamp, "var_samp": AggVarSamp, "var_pop": AggVarPop}[name]
	case "json_agg", "jsonb_agg":
		if _, err := one(); err != nil {
			return nil, err
		}
		call.Kind, call.T = AggJSONAgg, types.JSON
		if name == "jsonb_agg" {
			call.Kind, call.T = AggJSONBAgg, types.JSONB
		}
	case "json_object_agg", "jsonb_object_agg":
		if len(args) != 2 {
			return nil, sig()
		}
		for i := range args {
			if args[i].Type().OID == types.OidUnknown {
				if args[i], err = b.coerce(args[i], types.Text, -1, false, argNodes[i]); err != nil {
					return nil, err
				}
			}
		}
		call.Kind, call.T = AggJSONObjectAgg, types.JSON
		if name == "jsonb_object_agg" {
			call.Kind, call.T = AggJSONBObjectAgg, types.JSONB
		}
	}
	if err := b.bindAggMods(&call, mods, argNodes); err != nil {
		return nil, err
	}
	b.aggs = append(b.aggs, call)
	return &aggRef{k: len(b.aggs) - 1, t: call.T}, nil
}

// isCountStar tells count(*) (TiDB passes a constant 1 argument... and
// marks nothing) from count(1): only the text can.
func (b *binder) isCountStar(x *ast.AggregateFuncExpr) bool {
	args := x.Args
	if n := len(args); n > 0 && isAggMods(args[n-1]) {
		args = args[:n-1]
	}
	if len(args) != 1 {
		return false
	}
	v, ok := args[0].(*test_driver.ValueExpr)
	if !ok {
		return false
	}
	off := v.OriginTextPosition()
	// count(*) has no text for its argument: TiDB makes the constant up
	// and leaves its offset at 0 (or pointing at the star).
	return off == 0 || off < len(b.sql) && b.sql[off] == '*'
}

// rewriteAgg maps an expression bound over the input rows to one over the
// Agg node's output: subexpressions equal to a GROUP BY expression become
// references to it, aggregates references to their results; any other
// column reference is an error.
func (b *binder) rewriteAgg(e Expr, groups []Expr) (Expr, error) {
	for i, g := range groups {
		if exprEqual(e, g) {
			return &ColumnRef{Idx: i, T: g.Type()}, nil
		}
	}
	switch x := e.(type) {
	case *aggRef:
		return &ColumnRef{Idx: len(groups) + x.k, T: x.t}, nil
	case *groupingRef:
		return rewriteGrouping(x, groups, b.groupingCol)
	case *ColumnRef:
		c := b.scope.cols[x.Idx]
		name := c.name
		if c.table != "" {
			name = c.table + "." + c.name
		}
		return nil, pgerror.New(pgerror.GroupingError, "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", name)
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return b.rewriteAgg(c, groups) })
}

// mapChildren returns e with f applied to each direct subexpression.
func mapChildren(e Expr, f func(Expr) (Expr, error)) (Expr, error) {
	var err error
	list := func(es []Expr) []Expr {
		out := make([]Expr, len(es))
		for i, c := range es {
			if err == nil {
				out[i], err = f(c)
			}
		}
		return out
	}
	one := func(c Expr) Expr {
		if err != nil || c == nil {
			return c
		}
		var r Expr
		r, err = f(c)
		return r
	}
	switch x := e.(type) {
	case *Call:
		n := *x
		n.Args = list(x.Args)
		return &n, err
	case *Cast:
		n := *x
		n.X = one(x.X)
		return &n, err
	case *BoolExpr:
		n := *x
		n.Args = list(x.Args)
		return &n, err
	case *NullTest:
		n := *x
		n.X = one(x.X)
		return &n, err
	case *TruthTest:
		n := *x
		n.X = one(x.X)
		return &n, err
	case *NotDistinct:
		n := *x
		n.L, n.R = one(x.L), one(x.R)
		return &n, err
	case *Case:
		n := *x
		n.Whens = make([]When, len(x.Whens))
		for i, w := range x.Whens {
			n.Whens[i] = When{Cond: one(w.Cond), Result: one(w.Result)}
		}
		n.Else = one(x.Else)
		return &n, err
	case *Coalesce:
		n := *x
		n.Args = list(x.Args)
		return &n, err
	case *NullIf:
		n := *x
		n.Args = [2]Expr{one(x.Args[0]), one(x.Args[1])}
		return &n, err
	case *MinMax:
		n := *x
		n.Args = list(x.Args)
		return &n, err
	case *ArrayExpr:
		n := *x
		n.Elems = list(x.Elems)
		return &n, err
	case *ScalarArrayOp:
		n := *x
		op := *x.Op
		op.Args = []Expr{one(x.Op.Args[0]), x.Op.Args[1]}
		n.Op, n.R = &op, one(x.R)
		return &n, err
	case *SubPlan:
		if x.Op == nil {
			return e, nil
		}
		n := *x
		op := *x.Op
		op.Args = []Expr{one(x.Op.Args[0]), x.Op.Args[1]}
		n.Op = &op
		return &n, err
	case *Subscript:
		n := *x
		n.Array, n.Index = one(x.Array), one(x.Index)
		return &n, err
	}
	return e, nil
}

// exprEqual reports whether two bound expressions are the same
// computation (for matching GROUP BY expressions).
func exprEqual(a, b Expr) bool {
	switch x := a.(type) {
	case *ColumnRef:
		y, ok := b.(*ColumnRef)
		return ok && x.Idx == y.Idx
	case *Param:
		y, ok := b.(*Param)
		return ok && x.Idx == y.Idx
	case *Const:
		y, ok := b.(*Const)
		if !ok || x.T.OID != y.T.OID || (x.Val == nil) != (y.Val == nil) {
			return false
		}
		return x.Val == nil || string(types.AppendText(nil, x.T, x.Val, nil)) == string(types.AppendText(nil, y.T, y.Val, nil))
	case *Cast:
		y, ok := b.(*Cast)
		return ok && x.To.OID == y.To.OID && x.Typmod == y.Typmod && exprEqual(x.X, y.X)
	case *Call:
		y, ok := b.(*Call)
		return ok && x.Fn == y.Fn && exprsEqual(x.Args, y.Args)
	case *BoolExpr:
		y, ok := b.(*BoolExpr)
		return ok && x.Op == y.Op && exprsEqual(x.Args, y.Args)
	case *Coalesce:
		y, ok := b.(*Coalesce)
		return ok && exprsEqual(x.Args, y.Args)
	case *NullTest:
		y, ok := b.(*NullTest)
		return ok && x.Not == y.Not && exprEqual(x.X, y.X)
	case *TruthTest:
		y, ok := b.(*TruthTest)
		return ok && x.Val == y.Val && x.Unknown == y.Unknown && x.Not == y.Not && exprEqual(x.X, y.X)
	case *NotDistinct:
		y, ok := b.(*NotDistinct)
		return ok && x.Not == y.Not && exprEqual(x.L, y.L) && exprEqual(x.R, y.R)
	case *NullIf:
		y, ok := b.(*NullIf)
		return ok && exprEqual(x.Args[0], y.Args[0]) && exprEqual(x.Args[1], y.Args[1])
	case *MinMax:
		y, ok := b.(*MinMax)
		return ok && x.Greatest == y.Greatest && exprsEqual(x.Args, y.Args)
	case *Case:
		y, ok := b.(*Case)
		if !ok || len(x.Whens) != len(y.Whens) || !exprEqual(x.Else, y.Else) {
			return false
		}
		for i := range x.Whens {
			if !exprEqual(x.Whens[i].Cond, y.Whens[i].Cond) || !exprEqual(x.Whens[i].Result, y.Whens[i].Result) {
				return false
			}
		}
		return true
	case *OuterRef:
		y, ok := b.(*OuterRef)
		return ok && x.Level == y.Level && x.Idx == y.Idx
	case *ScalarArrayOp:
		// `expr IN (list)` (inlistany.go).
		y, ok := b.(*ScalarArrayOp)
		return ok && x.Any == y.Any && exprEqual(x.Op, y.Op) && exprEqual(x.R, y.R)
	case *ArrayExpr:
		y, ok := b.(*ArrayExpr)
		return ok && x.T.OID == y.T.OID && exprsEqual(x.Elems, y.Elems)
	case *ArrayElem:
		y, ok := b.(*ArrayElem)
		return ok && x.T.OID == y.T.OID
	}
	return false
}

func exprsEqual(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !exprEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}
