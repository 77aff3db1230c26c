package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// bindArray binds ARRAY[...] (sql/parser's nqdb_array(...)). want, when
// set, is the array type a surrounding cast asks for (which also types an
// empty ARRAY[]).
func (b *binder) bindArray(x *ast.FuncCallExpr, want *types.T) (Expr, error) {
	elems := make([]Expr, len(x.Args))
	for i, n := range x.Args {
		if fc, ok := n.(*ast.FuncCallExpr); ok && fc.FnName.L == "nqdb_array" {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "multidimensional arrays are not supported").WithPosition(pos(n))
		}
		var err error
		if elems[i], err = b.bindExpr(n); err != nil {
			return nil, err
		}
	}
	var elem *types.T
	if want != nil && want.IsArray() {
		elem = want.Elem
	} else {
		if len(elems) == 0 {
			return nil, pgerror.New(pgerror.IndeterminateDatatype, "cannot determine type of empty array").
				WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].").WithPosition(pos(x))
		}
		nodes := make([]ast.ExprNode, len(x.Args))
		copy(nodes, x.Args)
		t, err := b.commonType(elems, nodes, "ARRAY")
		if err != nil {
			return nil, err
		}
		if t.OID == types.OidUnknown {
			t = types.Text
		}
		elem = t
	}
	if elem.Array == nil {
		return nil, pgerror.New(pgerror.UndefinedObject, "could not find array type for data type %s", elem.SQLName).WithPosition(pos(x))
	}
	for i := range elems {
		var err error
		if elems[i], err = b.coerce(elems[i], elem, -1, want != nil, x.Args[i]); err != nil {
			return nil, err
		}
	}
	return &ArrayExpr{Elems: elems, T: elem.Array}, nil
}

func (b *binder) bindSubscript(x *ast.FuncCallExpr) (Expr, error) {
	if len(x.Args) != 2 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "array slices are not supported").WithPosition(pos(x))
	}
	a, err := b.bindExpr(x.Args[0])
	if err != nil {
		return nil, err
	}
	if !a.Type().IsArray() {
		return nil, pgerror.New(pgerror.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", a.Type().SQLName).WithPosition(pos(x.Args[0]))
	}
	i, err := b.bindExpr(x.Args[1])
	if err != nil {
		return nil, err
	}
	if i, err = b.coerce(i, types.Int4, -1, false, x.Args[1]); err != nil {
		return nil, pgerror.New(pgerror.DatatypeMismatch, "array subscript must have type integer").WithPosition(pos(x.Args[1]))
	}
	return &Subscript{Array: a, Index: i, T: a.Type().Elem}, nil
}

// scalarArrayOp binds `l name ANY/ALL (array)`.
func (b *binder) scalarArrayOp(name string, l Expr, arrNode ast.ExprNode, ln ast.Node, any bool, at int) (Expr, error) {
	var arr Expr
	var err error
	if fc, ok := arrNode.(*ast.FuncCallExpr); ok && fc.FnName.L == "nqdb_array" {
		arr, err = b.bindArray(fc, nil)
	} else {
		arr, err = b.bindExpr(arrNode)
	}
	if err != nil {
		return nil, err
	}
	at0 := arr.Type()
	elem := types.Unknown
	switch {
	case at0.IsArray():
		elem = at0.Elem
	case at0.OID == types.OidUnknown:
	default:
		return nil, pgerror.New(pgerror.WrongObjectType, "op ANY/ALL (array) requires array on right side").WithPosition(at)
	}
	if lt := l.Type(); lt.Enum != nil && lt.Array != nil && (elem.OID == lt.OID || elem.OID == types.OidUnknown) {
		if id, ok := cmpOps[name]; ok {
			// enum op ANY (enum[]): the enum's own comparison (domain.go).
			if arr, err = b.coerce(arr, lt.Array, -1, false, arrNode); err != nil {
				return nil, err
			}
			f := &Func{ID: id, Name: name, Args: []*types.T{lt, lt}, Ret: types.Bool, Strict: true, Volatility: Immutable}
			return &ScalarArrayOp{Op: &Call{Fn: f, Args: []Expr{l, &ArrayElem{T: lt}}, T: types.Bool}, R: arr, Any: any}, nil
		}
	}
	args := []Expr{l, &ArrayElem{T: elem}}
	f, amb := resolve(operators[name], args, true)
	if f == nil {
		msg := "operator does not exist: %s %s %s"
		code, hint := pgerror.UndefinedFunction, "No operator matches the given name and argument types. You might need to add explicit type casts."
		if amb {
			msg, code, hint = "operator is not unique: %s %s %s", pgerror.AmbiguousFunction, "Could not choose a best candidate operator. You might need to add explicit type casts."
		}
		return nil, pgerror.New(code, msg, l.Type().SQLName, name, elem.SQLName).WithHint("%s", hint).WithPosition(at)
	}
	if f.Ret.OID != types.OidBool {
		return nil, pgerror.New(pgerror.WrongObjectType, "op ANY/ALL (array) requires operator to yield boolean").WithPosition(at)
	}
	if l, err = b.coerce(l, f.Args[0], -1, false, ln); err != nil {
		return nil, err
	}
	want := f.Args[1].Array
	if want == nil {
		return nil, pgerror.New(pgerror.UndefinedObject, "could not find array type for data type %s", f.Args[1].SQLName).WithPosition(at)
	}
	if arr, err = b.coerce(arr, want, -1, false, arrNode); err != nil {
		return nil, err
	}
	op := &Call{Fn: f, Args: []Expr{l, &ArrayElem{T: f.Args[1]}}, T: types.Bool}
	return &ScalarArrayOp{Op: op, R: arr, Any: any}, nil
}

// arrayCat binds || with an array operand: array || array of the same
// type, array || element, element || array.
func (b *binder) arrayCat(l, r Expr, ln, rn ast.Node, at int) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var t *types.T
	var err error
	switch {
	case lt.IsArray() && (rt.IsArray() || rt.OID == types.OidUnknown):
		t = lt
		if rt.IsArray() && rt.OID != lt.OID {
			if canCoerceImplicit(rt, lt) {
				r, err = b.coerce(r, lt, -1, false, rn)
			} else if canCoerceImplicit(lt, rt) {
				t = rt
				l, err = b.coerce(l, rt, -1, false, ln)
			} else {
				err = pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s || %s", lt.SQLName, rt.SQLName).WithPosition(at)
			}
		} else if rt.OID == types.OidUnknown {
			r, err = b.coerce(r, lt, -1, false, rn)
		}
	case lt.IsArray():
		t = lt
		r, err = b.coerce(r, lt.Elem, -1, false, rn)
	case rt.IsArray():
		t = rt
		if lt.OID == types.OidUnknown {
			l, err = b.coerce(l, rt, -1, false, ln)
		} else {
			l, err = b.coerce(l, rt.Elem, -1, false, ln)
		}
	}
	if err != nil {
		return nil, err
	}
	return &Call{Fn: arrayCatFunc, Args: []Expr{l, r}, T: t}, nil
}

var arrayCatFunc = &Func{ID: FnArrayCat, Name: "||", Ret: nil, Strict: false}

// emptyArrayCast recognises nqdb_cast(nqdb_array(...), 'type[]'): the
// cast types the array constructor, as in PostgreSQL.
func (b *binder) arrayUnderCast(x *ast.FuncCallExpr, t *types.T, typmod int32) (Expr, bool, error) {
	fc, ok := x.Args[0].(*ast.FuncCallExpr)
	if !ok || fc.FnName.L != "nqdb_array" || !t.IsArray() {
		return nil, false, nil
	}
	e, err := b.bindArray(fc, t)
	return e, true, err
}

var _ = test_driver.KindNull
