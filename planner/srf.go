package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Set-returning functions (generate_series, unnest, ...) in the select
// list, and so in FROM: sql/parser writes `FROM f(...) AS a` as the
// derived table (SELECT f(...) AS a). A select list with such calls
// becomes a ProjectSet, which emits one row per value the functions
// return, running several in lockstep as PostgreSQL 10+ does (the
// shorter padded with NULLs). Implementations: executor/eval/srf.go.

// ProjectSet evaluates Exprs over each input row like Project, except
// that the expressions at the SRF positions are set-returning calls:
// each input row yields as many output rows as the longest of them.
type ProjectSet struct {
	Input Node
	Exprs []Expr
	SRF   []bool
}

// Output implements Node.
func (n *ProjectSet) Output() []*types.T {
	out := make([]*types.T, len(n.Exprs))
	for i, e := range n.Exprs {
		out[i] = e.Type()
	}
	return out
}

// retset lists the set-returning FuncIDs.
var retset = map[FuncID]bool{}

// srfCall returns e as a set-returning call, if it is one.
func srfCall(e Expr) (*Call, bool) {
	c, ok := e.(*Call)
	return c, ok && retset[c.Fn.ID]
}

// containsSRF reports whether e has a set-returning call anywhere.
func containsSRF(e Expr) bool {
	found := false
	var walk func(Expr) (Expr, error)
	walk = func(x Expr) (Expr, error) {
		if _, ok := srfCall(x); ok {
			found = true
			return x, nil
		}
		if _, ok := x.(*SubPlan); ok {
			return x, nil // its own query
		}
		return mapChildren(x, walk)
	}
	_, _ = walk(e)
	return found
}

// projectSet builds the ProjectSet for a select list with set-returning
// calls at its top level (nil when there are none).
func (b *binder) projectSet(input Node, exprs []Expr, grouped bool) (*ProjectSet, error) {
	ps := &ProjectSet{Input: input, Exprs: exprs, SRF: make([]bool, len(exprs))}
	any := false
	for i, e := range exprs {
		if fieldOverSRF(e) {
			// (srf(...)).field runs as the function, one field per row.
			ps.SRF[i], any = true, true
			continue
		}
		if c, ok := srfCall(e); ok {
			for _, a := range c.Args {
				if containsSRF(a) {
					return nil, pgerror.New(pgerror.FeatureNotSupported, "set-returning functions as arguments of set-returning functions are not supported yet")
				}
			}
			ps.SRF[i], any = true, true
			continue
		}
		if containsSRF(e) {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "set-returning functions inside expressions are not supported yet")
		}
	}
	if !any {
		return nil, nil
	}
	if grouped {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "set-returning functions with GROUP BY or aggregates are not supported yet")
	}
	return ps, nil
}

func init() {
	I4, I8, T, TS, TZ, IV := types.Int4, types.Int8, types.Text, types.Timestamp, types.TimestampTZ, types.Interval
	srf := func(f *Func) { retset[f.ID] = true }
	srf(addFn("generate_series", FnGenerateSeries, I4, I4, I4))
	srf(addFn("generate_series", FnGenerateSeries, I4, I4, I4, I4))
	srf(addFn("generate_series", FnGenerateSeries, I8, I8, I8))
	srf(addFn("generate_series", FnGenerateSeries, I8, I8, I8, I8))
	srf(addFn("generate_series", FnGenerateSeriesTS, TS, TS, TS, IV))
	srf(addFn("generate_series", FnGenerateSeriesTS, TZ, TZ, TZ, IV))
	// unnest's result type is the array's element type (set at binding).
	srf(addFn("unnest", FnUnnest, AnyType, AnyArrayType))
	srf(addFn("generate_subscripts", FnGenerateSubscripts, I4, AnyArrayType, I4))
	srf(addFn("jsonb_array_elements", FnJSONArrayElements, types.JSONB, types.JSONB))
	srf(addFn("json_array_elements", FnJSONArrayElements, types.JSON, types.JSON))
	srf(addFn("jsonb_array_elements_text", FnJSONArrayElementsText, T, types.JSONB))
	srf(addFn("json_array_elements_text", FnJSONArrayElementsText, T, types.JSON))
	srf(addFn("string_to_table", FnStringToTable, T, T, T))
	for _, id := range []FuncID{FnGenerateSeries, FnGenerateSeriesTS, FnUnnest, FnGenerateSubscripts,
		FnJSONArrayElements, FnJSONArrayElementsText, FnStringToTable} {
		for _, f := range functionsByID(id) {
			// Never folded: a call over constants is still a set.
			f.Volatility = Volatile
		}
	}
}

// functionsByID returns the registered overloads implemented by id.
func functionsByID(id FuncID) []*Func {
	var out []*Func
	for _, fs := range functions {
		for _, f := range fs {
			if f.ID == id {
				out = append(out, f)
			}
		}
	}
	return out
}

// srfFinder finds the first call of a set-returning function's name in an
// AST, for error positions.
type srfFinder struct{ at ast.Node }

func (f *srfFinder) Enter(n ast.Node) (ast.Node, bool) {
	if f.at != nil {
		return n, true
	}
	if fc, ok := n.(*ast.FuncCallExpr); ok {
		for _, fn := range functions[funcName(fc)] {
			if retset[fn.ID] {
				f.at = fc
				return n, true
			}
		}
	}
	if _, ok := n.(*ast.SubqueryExpr); ok {
		return n, true // its own query
	}
	return n, false
}

func (f *srfFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// srfPosition is the position of the first set-returning call in n (0
// when none is found).
func srfPosition(n ast.Node) int {
	f := &srfFinder{}
	n.Accept(f)
	if f.at == nil {
		return 0
	}
	return pos(f.at)
}
