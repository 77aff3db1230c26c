package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// VARIADIC in calls: `concat_ws(',', VARIADIC arr)` passes the array whole
// to the variadic parameter. sql/parser marks the argument with
// nqdb_variadic(arr). The functions whose variadic parameter is "any"
// (concat, concat_ws, format) get overloads here that take the array and
// spread its elements at run time, as PostgreSQL's funcvariadic calls do.

// variadicMarker is sql/parser.VariadicFunc.
const variadicMarker = "nqdb_variadic"

// variadicFuncs maps a function name to its overloads taking a VARIADIC
// array as the last argument. They are kept out of functions so that plain
// calls never resolve to them.
var variadicFuncs = map[string][]*Func{}

func init() {
	add := func(name string, id FuncID, args ...*types.T) {
		// Not strict: a NULL array means no variadic arguments to format
		// and a NULL result to concat, which the implementations decide.
		variadicFuncs[name] = append(variadicFuncs[name], &Func{ID: id, Name: name, Args: args, Ret: types.Text})
	}
	add("concat", FnConcatVariadic, AnyArrayType)
	add("concat_ws", FnConcatWSVariadic, types.Text, AnyArrayType)
	add("format", FnFormatVariadic, types.Text, AnyArrayType)
}

// isVariadicMarker reports whether n is an argument written VARIADIC.
func isVariadicMarker(n ast.ExprNode) bool {
	x, ok := n.(*ast.FuncCallExpr)
	return ok && x.FnName.L == variadicMarker && len(x.Args) == 1
}

// callVariadic binds a call whose last argument is VARIADIC arr.
func (b *binder) callVariadic(name string, argNodes []ast.ExprNode, at ast.Node) (Expr, error) {
	n := len(argNodes)
	nodes := make([]ast.Node, n)
	args := make([]Expr, n)
	for i, an := range argNodes {
		if i == n-1 {
			an = an.(*ast.FuncCallExpr).Args[0]
		}
		nodes[i] = an
		var err error
		if args[i], err = b.bindExpr(an); err != nil {
			return nil, err
		}
	}
	last := args[n-1].Type()
	cands := variadicFuncs[name]
	if len(cands) > 0 && !last.IsArray() {
		// The variadic parameter is "any": any array goes, anything else
		// (an untyped literal too) is PostgreSQL's parse_func.c error, at
		// the argument.
		return nil, pgerror.New(pgerror.DatatypeMismatch, "VARIADIC argument must be an array").WithPosition(pos(nodes[n-1]))
	}
	f, amb := resolve(cands, args, false)
	if f == nil {
		sig := make([]string, n)
		for i, a := range args {
			sig[i] = a.Type().SQLName
		}
		if amb {
			return nil, pgerror.New(pgerror.AmbiguousFunction, "function %s(%s) is not unique", name, strings.Join(sig, ", ")).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.").WithPosition(pos(at))
		}
		return nil, pgerror.New(pgerror.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(sig, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(at))
	}
	return b.finishCall(f, args, nodes)
}
