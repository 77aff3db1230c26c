package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Window functions. A select list (or ORDER BY) with `f(...) OVER (...)`
// gets a Window node above the FROM/WHERE (or the grouping) and below the
// final Project: it passes each input row through with one more column
// per window function, and the select list refers to those columns.

// WinKind is a window function.
type WinKind uint8

// Window functions; WinAgg is an aggregate used as a window function.
const (
	WinRowNumber WinKind = iota
	WinRank
	WinDenseRank
	WinPercentRank
	WinCumeDist
	WinNtile
	WinLag
	WinLead
	WinFirstValue
	WinLastValue
	WinNthValue
	WinAgg
)

var winKinds = map[string]WinKind{
	"row_number": WinRowNumber, "rank": WinRank, "dense_rank": WinDenseRank, "percent_rank": WinPercentRank,
	"cume_dist": WinCumeDist, "ntile": WinNtile, "lag": WinLag, "lead": WinLead, "first_value": WinFirstValue,
	"last_value": WinLastValue, "nth_value": WinNthValue,
}

// FrameBoundKind is one end of a window frame.
type FrameBoundKind uint8

// Frame bounds.
const (
	UnboundedPreceding FrameBoundKind = iota
	OffsetPreceding
	CurrentRow
	OffsetFollowing
	UnboundedFollowing
)

// FrameBound is one end of a frame; Offset (rows) for the offset kinds.
type FrameBound struct {
	Kind   FrameBoundKind
	Offset Expr
}

// WinOrder is one ORDER BY item of a window.
type WinOrder struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// WindowFunc is one window function call over its window.
type WindowFunc struct {
	Kind      WinKind
	Agg       *AggCall // WinAgg
	Args      []Expr
	Partition []Expr
	Order     []WinOrder
	// Rows is a ROWS frame; otherwise RANGE, where the current row's
	// peers (equal ORDER BY values) are in the frame with it.
	Rows       bool
	Start, End FrameBound
	// Groups is a GROUPS frame (offsets count peer groups); Exclude is
	// its EXCLUDE clause. See frame.go.
	Groups  bool
	Exclude FrameExclude
	T       *types.T
}

// Window adds one column per function to each row of Input.
type Window struct {
	Input Node
	Funcs []*WindowFunc
}

// Output implements Node.
func (n *Window) Output() []*types.T {
	out := append([]*types.T(nil), n.Input.Output()...)
	for _, f := range n.Funcs {
		out = append(out, f.T)
	}
	return out
}

// winRef stands for window function k's result while the select list is
// bound.
type winRef struct {
	k int
	t *types.T
}

// Type implements Expr.
func (e *winRef) Type() *types.T { return e.t }

// bindWindowFunc binds f(...) OVER (...).
func (b *binder) bindWindowFunc(x *ast.WindowFuncExpr, named map[string]*ast.WindowSpec) (Expr, error) {
	if !b.winAllowed {
		return nil, pgerror.New(pgerror.WindowingError, "window functions are not allowed in %s", strings.ToUpper(b.clauseOr("WHERE"))).WithPosition(pos(x))
	}
	if b.inAgg {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate function calls cannot contain window function calls").WithPosition(pos(x))
	}
	spec := x.Spec
	if spec.Name.O != "" || spec.Ref.O != "" {
		name := spec.Name.O
		if name == "" {
			name = spec.Ref.O
		}
		ref := named[name]
		if ref == nil {
			return nil, pgerror.New(pgerror.UndefinedObject, "window \"%s\" does not exist", name).WithPosition(pos(x))
		}
		merged := *ref
		if spec.OrderBy != nil {
			merged.OrderBy = spec.OrderBy
		}
		if spec.Frame != nil {
			merged.Frame = spec.Frame
		}
		spec = merged
	}
	name := strings.ToLower(x.Name)
	wf := &WindowFunc{Start: FrameBound{Kind: UnboundedPreceding}, End: FrameBound{Kind: CurrentRow}}
	if kind, ok := winKinds[name]; ok {
		wf.Kind = kind
		args, err := b.bindArgs(x.Args)
		if err != nil {
			return nil, err
		}
		if err := b.typeWindowArgs(wf, name, args, x); err != nil {
			return nil, err
		}
	} else if aggNames[name] {
		// The aggregate is bound as usual, then taken back out of the
		// query's aggregates: it runs over the window, not the group.
		n := len(b.aggs)
		star := name == "count" && b.isCountStar(&ast.AggregateFuncExpr{F: name, Args: x.Args})
		if _, err := b.bindAggregate(name, x.Args, x.Distinct, star, x); err != nil {
			return nil, err
		}
		call := b.aggs[n]
		b.aggs = b.aggs[:n]
		if call.Distinct || len(call.Order) > 0 || call.Filter != nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "DISTINCT, ORDER BY and FILTER in window aggregates are not supported yet").WithPosition(pos(x))
		}
		wf.Kind, wf.Agg, wf.T = WinAgg, &call, call.T
	} else {
		return nil, pgerror.New(pgerror.UndefinedFunction, "function %s does not exist", name).WithPosition(pos(x))
	}
	if spec.PartitionBy != nil {
		for _, it := range spec.PartitionBy.Items {
			e, err := b.bindExpr(it.Expr)
			if err != nil {
				return nil, err
			}
			wf.Partition = append(wf.Partition, e)
		}
	}
	if spec.OrderBy != nil {
		for _, it := range spec.OrderBy.Items {
			e, nullsFirst := orderItem(it)
			v, err := b.bindExpr(e)
			if err != nil {
				return nil, err
			}
			wf.Order = append(wf.Order, WinOrder{Expr: v, Desc: it.Desc, NullsFirst: nullsFirst})
		}
	}
	if len(wf.Order) == 0 {
		wf.End = FrameBound{Kind: UnboundedFollowing}
	}
	if f := spec.Frame; f != nil {
		if err := b.bindFrame(wf, f, x); err != nil {
			return nil, err
		}
	}
	b.windows = append(b.windows, wf)
	return &winRef{k: len(b.windows) - 1, t: wf.T}, nil
}

func (b *binder) clauseOr(def string) string {
	if b.clause != "" {
		return b.clause
	}
	return def
}

// typeWindowArgs checks a ranking/value function's arguments and sets its
// result type.
func (b *binder) typeWindowArgs(wf *WindowFunc, name string, args []Expr, x *ast.WindowFuncExpr) error {
	want := map[WinKind][2]int{WinRowNumber: {0, 0}, WinRank: {0, 0}, WinDenseRank: {0, 0}, WinPercentRank: {0, 0},
		WinCumeDist: {0, 0}, WinNtile: {1, 1}, WinLag: {1, 3}, WinLead: {1, 3}, WinFirstValue: {1, 1},
		WinLastValue: {1, 1}, WinNthValue: {2, 2}}[wf.Kind]
	if len(args) < want[0] || len(args) > want[1] {
		sig := make([]string, len(args))
		for i, a := range args {
			sig[i] = a.Type().SQLName
		}
		return pgerror.New(pgerror.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(sig, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(x))
	}
	var err error
	switch wf.Kind {
	case WinRowNumber, WinRank, WinDenseRank:
		wf.T = types.Int8
	case WinPercentRank, WinCumeDist:
		wf.T = types.Float8
	case WinNtile:
		wf.T = types.Int4
		args[0], err = b.coerce(args[0], types.Int4, -1, false, x.Args[0])
	case WinLag, WinLead, WinFirstValue, WinLastValue, WinNthValue:
		if args[0].Type().OID == types.OidUnknown {
			if args[0], err = b.coerce(args[0], types.Text, -1, false, x.Args[0]); err != nil {
				return err
			}
		}
		wf.T = args[0].Type()
		if len(args) > 1 {
			if args[1], err = b.coerce(args[1], types.Int4, -1, false, x.Args[1]); err != nil {
				return err
			}
		}
		if len(args) > 2 {
			args[2], err = b.assign(args[2], Column{Name: name, Type: wf.T, Typmod: -1}, x.Args[2])
		}
	}
	wf.Args = args
	return err
}

// windowNode puts the Window below the select list and points the
// select list's window references at its columns.
func (b *binder) windowNode(input Node, exprs []Expr) (Node, error) {
	base := len(input.Output())
	for i := range exprs {
		e, err := replaceWinRefs(exprs[i], base)
		if err != nil {
			return nil, err
		}
		exprs[i] = e
	}
	return &Window{Input: input, Funcs: b.windows}, nil
}

func replaceWinRefs(e Expr, base int) (Expr, error) {
	if w, ok := e.(*winRef); ok {
		return &ColumnRef{Idx: base + w.k, T: w.t}, nil
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return replaceWinRefs(c, base) })
}

// rewriteWindowAgg rewrites a window function's expressions over the
// grouped row (window functions run after GROUP BY).
func (b *binder) rewriteWindowAgg(groups []Expr) error {
	for _, wf := range b.windows {
		var err error
		for i := range wf.Args {
			if wf.Args[i], err = b.rewriteAgg(wf.Args[i], groups); err != nil {
				return err
			}
		}
		if wf.Agg != nil {
			for i := range wf.Agg.Args {
				if wf.Agg.Args[i], err = b.rewriteAgg(wf.Agg.Args[i], groups); err != nil {
					return err
				}
			}
		}
		for i := range wf.Partition {
			if wf.Partition[i], err = b.rewriteAgg(wf.Partition[i], groups); err != nil {
				return err
			}
		}
		for i := range wf.Order {
			if wf.Order[i].Expr, err = b.rewriteAgg(wf.Order[i].Expr, groups); err != nil {
				return err
			}
		}
	}
	return nil
}
