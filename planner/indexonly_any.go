package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// `col = ANY (array)` as a key lookup. pgx and JDBC send an IN list as
// `col = ANY ($1)` with one array parameter, and people write `col = ANY
// ('{1,2,3}')` or `col = ANY (ARRAY[...])`: like an IN list
// (`col = a OR col = b`, see keylookup.go) it reads one key range per
// distinct non-NULL element, in key order (KeyLookup.InArray; the
// executor expands the array when the statement runs, so one generic
// plan serves every parameter value). The Filter above still re-checks
// each row, as for every key condition.

// anyArray recognizes `col = ANY (arr)` where col is a key column (as
// keyColumn sees through casts), the elements have the column's key type
// and arr is a constant, a parameter or an ARRAY[...] of those.
func anyArray(cols []Column, x *ScalarArrayOp) (int, Expr, bool) {
	if !x.Any || x.Op == nil || x.Op.Fn == nil || x.Op.Fn.ID != FnEq || len(x.Op.Args) != 2 {
		return 0, nil, false
	}
	elem, ok := x.Op.Args[1].(*ArrayElem)
	if !ok {
		return 0, nil, false
	}
	c, ok := keyColumn(x.Op.Args[0])
	if !ok || c >= len(cols) || !sameKeyType(cols[c].Type, elem.T) {
		return 0, nil, false
	}
	if !isRuntimeArray(x.R) {
		return 0, nil, false
	}
	return c, x.R, true
}

// isRuntimeArray: an array fixed while the statement runs.
func isRuntimeArray(e Expr) bool {
	if a, ok := e.(*ArrayExpr); ok {
		for _, el := range a.Elems {
			if !isRuntimeConstant(el) {
				return false
			}
		}
		return true
	}
	return isRuntimeConstant(e)
}

// anyArrayLen estimates the number of elements of an InArray: exact for
// ARRAY[...] and constants, PostgreSQL's guess of 10 for a parameter.
func anyArrayLen(e Expr) float64 {
	for {
		c, ok := e.(*Cast)
		if !ok {
			break
		}
		e = c.X
	}
	switch x := e.(type) {
	case *ArrayExpr:
		return float64(max(1, len(x.Elems)))
	case *Const:
		if a, ok := x.Val.(*types.Array); ok && a != nil {
			return float64(max(1, len(a.Elems)))
		}
	}
	return 10
}

// deparseArrayOp prints `l op ANY (r)` (or ALL) as EXPLAIN does:
// `(k = ANY ('{1,2}'::integer[]))`.
func (ex *explainer) deparseArrayOp(x *ScalarArrayOp, names []string) string {
	q := "ALL"
	if x.Any {
		q = "ANY"
	}
	l := "?"
	if len(x.Op.Args) > 0 {
		l = ex.deparse(x.Op.Args[0], names)
	}
	r := ex.deparse(x.R, names)
	if c, ok := x.R.(*Const); ok && c.Val != nil {
		// An array literal keeps its type even where constText prints
		// the element type's constants bare.
		r = constText(c)
	}
	return "(" + l + " " + x.Op.Fn.Name + " " + q + " (" + r + "))"
}
