package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// groupingSets expands a GROUP BY list into grouping sets, as PostgreSQL
// does: ROLLUP (a, b) is the sets (a, b), (a), (); CUBE (a, b) every
// subset; GROUPING SETS lists them (nesting allowed); () is the empty
// set; several items multiply (each set of one combined with each of the
// next). bind binds one grouping expression. It returns the distinct
// expressions in order of appearance and the sets as indexes into them;
// sets is nil when the list is plain (one set of every expression).
func (b *binder) groupingSets(items []*ast.ByItem, bind func(ast.ExprNode) (Expr, error)) ([]Expr, [][]int, error) {
	var groups []Expr
	index := func(e Expr) int {
		for i, g := range groups {
			if exprEqual(e, g) {
				return i
			}
		}
		groups = append(groups, e)
		return len(groups) - 1
	}
	// elems binds one element of ROLLUP / CUBE: an expression or a
	// parenthesised list of them.
	elems := func(n ast.ExprNode) ([]int, error) {
		var list []ast.ExprNode
		if row, ok := n.(*ast.RowExpr); ok {
			list = row.Values
		} else if fc, ok := n.(*ast.FuncCallExpr); ok && fc.FnName.L == parser.EmptySetFunc {
			list = nil
		} else {
			list = []ast.ExprNode{n}
		}
		out := make([]int, 0, len(list))
		for _, x := range list {
			e, err := bind(x)
			if err != nil {
				return nil, err
			}
			out = append(out, index(e))
		}
		return out, nil
	}
	var expand func(n ast.ExprNode, top bool) ([][]int, error)
	expand = func(n ast.ExprNode, top bool) ([][]int, error) {
		fc, ok := n.(*ast.FuncCallExpr)
		if !ok {
			one, err := elems(n)
			return [][]int{one}, err
		}
		switch fc.FnName.L {
		case parser.EmptySetFunc:
			return [][]int{{}}, nil
		case parser.RollupFunc, parser.CubeFunc:
			parts := make([][]int, len(fc.Args))
			for i, a := range fc.Args {
				var err error
				if parts[i], err = elems(a); err != nil {
					return nil, err
				}
			}
			var sets [][]int
			if fc.FnName.L == parser.RollupFunc {
				for k := len(parts); k >= 0; k-- {
					sets = append(sets, concatSets(parts[:k]))
				}
				return sets, nil
			}
			if len(parts) > 12 {
				return nil, pgerror.New(pgerror.ProgramLimitExceeded, "CUBE is limited to 12 elements")
			}
			for mask := (1 << len(parts)) - 1; mask >= 0; mask-- {
				var pick [][]int
				for i := range parts {
					if mask&(1<<(len(parts)-1-i)) != 0 {
						pick = append(pick, parts[i])
					}
				}
				sets = append(sets, concatSets(pick))
			}
			return sets, nil
		case parser.GroupingSetsFunc:
			var sets [][]int
			for _, a := range fc.Args {
				s, err := expand(a, false)
				if err != nil {
					return nil, err
				}
				sets = append(sets, s...)
			}
			return sets, nil
		}
		one, err := elems(n)
		return [][]int{one}, err
	}
	sets := [][]int{{}}
	plain := true
	for _, item := range items {
		if fc, ok := item.Expr.(*ast.FuncCallExpr); ok {
			switch fc.FnName.L {
			case parser.RollupFunc, parser.CubeFunc, parser.GroupingSetsFunc, parser.EmptySetFunc:
				plain = false
			}
		}
		is, err := expand(item.Expr, true)
		if err != nil {
			return nil, nil, err
		}
		var next [][]int
		for _, s := range sets {
			for _, t := range is {
				next = append(next, append(append([]int{}, s...), t...))
			}
		}
		sets = next
	}
	if plain {
		return groups, nil, nil
	}
	if len(sets) > 4096 {
		return nil, nil, pgerror.New(pgerror.StatementTooComplex, "too many grouping sets present (maximum 4096)")
	}
	return groups, sets, nil
}

func concatSets(parts [][]int) []int {
	out := []int{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// groupingRef is GROUPING(args) while the select list is bound: args are
// the grouping expressions it asks about; rewriteAgg turns it into a
// GroupingFunc over the Agg's output.
type groupingRef struct {
	args []Expr
	pos  []int // each argument's position, for errors
}

// Type implements Expr.
func (e *groupingRef) Type() *types.T { return types.Int4 }

// GroupingFunc is GROUPING(args) over an Agg's output row: bit
// len(Bits)-1-i of the result is set when grouping expression Bits[i] is
// not in the row's grouping set, which the Agg reports as a bitmask in
// column Col (bit k set: expression k not grouped).
type GroupingFunc struct {
	Col  int
	Bits []int
}

// Type implements Expr.
func (e *GroupingFunc) Type() *types.T { return types.Int4 }

// bindGrouping binds GROUPING(args).
func (b *binder) bindGrouping(x *ast.FuncCallExpr) (Expr, error) {
	if b.aggCtx == "" && b.clause != "" {
		return nil, pgerror.New(pgerror.GroupingError, "grouping operations are not allowed in %s", b.clause).WithPosition(pos(x))
	}
	if len(x.Args) > 31 {
		return nil, pgerror.New(pgerror.TooManyArguments, "GROUPING must have fewer than 32 arguments").WithPosition(pos(x))
	}
	ref := &groupingRef{}
	for _, a := range x.Args {
		e, err := b.bindExpr(a)
		if err != nil {
			return nil, err
		}
		ref.args = append(ref.args, e)
		ref.pos = append(ref.pos, pos(a))
	}
	b.hasGrouping = true
	return ref, nil
}

// rewriteGrouping resolves GROUPING's arguments against the GROUP BY
// expressions.
func rewriteGrouping(x *groupingRef, groups []Expr, col int) (Expr, error) {
	g := &GroupingFunc{Col: col}
	for k, a := range x.args {
		found := -1
		for i, e := range groups {
			if exprEqual(a, e) {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, pgerror.New(pgerror.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level").WithPosition(x.pos[k])
		}
		g.Bits = append(g.Bits, found)
	}
	return g, nil
}
