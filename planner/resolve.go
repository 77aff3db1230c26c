package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// binaryOp binds l <name> r: resolves the operator among its overloads
// and coerces the operands to the chosen signature. nodes are used for
// error positions; at is the operator's position.
func (b *binder) binaryOp(name string, l, r Expr, ln, rn ast.Node, at int) (Expr, error) {
	if name == "||" {
		return b.concatOp(l, r, ln, rn, at)
	}
	if e, ok, err := b.enumCompare(name, l, r, ln, rn); ok {
		return e, err
	}
	args := []Expr{l, r}
	f, amb := resolve(operators[name], args, true)
	if f == nil {
		lt, rt := l.Type().SQLName, r.Type().SQLName
		if amb {
			return nil, pgerror.New(pgerror.AmbiguousFunction, "operator is not unique: %s %s %s", lt, name, rt).
				WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.").WithPosition(at)
		}
		return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s %s %s", lt, name, rt).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.").WithPosition(at)
	}
	return b.finishCall(f, args, []ast.Node{ln, rn})
}

// concatOp binds ||: text || text, and text || anynonarray (the non-text
// side converted through its output function) as PostgreSQL's
// textanycat/anytextcat do.
func (b *binder) concatOp(l, r Expr, ln, rn ast.Node, at int) (Expr, error) {
	if e, ok, err := b.jsonbConcat(l, r, ln, rn); ok {
		return e, err
	}
	lt, rt := l.Type(), r.Type()
	if lt.IsArray() || rt.IsArray() {
		return b.arrayCat(l, r, ln, rn, at)
	}
	if (lt.OID == types.OidBytea || rt.OID == types.OidBytea) &&
		(lt.OID == types.OidBytea || lt.OID == types.OidUnknown) && (rt.OID == types.OidBytea || rt.OID == types.OidUnknown) {
		var err error
		if l, err = b.coerce(l, types.Bytea, -1, false, ln); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, types.Bytea, -1, false, rn); err != nil {
			return nil, err
		}
		return &Call{Fn: byteaCatFunc, Args: []Expr{l, r}, T: types.Bytea}, nil
	}
	isStr := func(t *types.T) bool { return t.Category == types.CatString || t.OID == types.OidUnknown }
	if !isStr(lt) && !isStr(rt) {
		return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s || %s", lt.SQLName, rt.SQLName).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.").WithPosition(at)
	}
	var err error
	if l, err = b.coerce(l, types.Text, -1, true, ln); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, types.Text, -1, true, rn); err != nil {
		return nil, err
	}
	f := operators["||"][0]
	return &Call{Fn: f, Args: []Expr{l, r}, T: types.Text}, nil
}

var byteaCatFunc = &Func{ID: FnByteaCat, Name: "||", Args: []*types.T{types.Bytea, types.Bytea}, Ret: types.Bytea, Strict: true}

func (b *binder) unaryOp(name string, e Expr, n ast.Node, at int) (Expr, error) {
	args := []Expr{e}
	f, amb := resolve(prefixOps[name], args, false)
	if f == nil {
		if amb {
			return nil, pgerror.New(pgerror.AmbiguousFunction, "operator is not unique: %s %s", name, e.Type().SQLName).
				WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.").WithPosition(at)
		}
		return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s %s", name, e.Type().SQLName).
			WithHint("No operator matches the given name and argument type. You might need to add an explicit type cast.").WithPosition(at)
	}
	return b.finishCall(f, args, []ast.Node{n})
}

// finishCall coerces args to f's signature and builds the Call.
func (b *binder) finishCall(f *Func, args []Expr, nodes []ast.Node) (Expr, error) {
	// anyarray parameters must all receive the same array type; unknown
	// arguments there take it.
	var arrT *types.T
	for i := range args {
		if paramType(f, i).OID == types.OidAnyArray && args[i].Type().IsArray() {
			if arrT == nil {
				arrT = args[i].Type()
			} else if arrT.OID != args[i].Type().OID {
				return nil, pgerror.New(pgerror.UndefinedFunction, "function %s(%s, %s) does not exist", f.Name, arrT.SQLName, args[i].Type().SQLName).
					WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
			}
		}
	}
	for i := range args {
		if paramType(f, i).OID == types.OidAnyArray && args[i].Type().OID == types.OidUnknown {
			if arrT == nil {
				return nil, pgerror.New(pgerror.IndeterminateDatatype, "could not determine polymorphic type because input has type unknown")
			}
			var n ast.Node
			if i < len(nodes) {
				n = nodes[i]
			}
			var err error
			if args[i], err = b.coerce(args[i], arrT, -1, false, n); err != nil {
				return nil, err
			}
		}
	}
	for i := range args {
		want := paramType(f, i)
		if want.OID == types.OidAny || want.OID == types.OidAnyArray && args[i].Type().IsArray() {
			continue
		}
		var n ast.Node
		if i < len(nodes) {
			n = nodes[i]
		}
		var err error
		if args[i], err = b.coerce(args[i], want, -1, false, n); err != nil {
			return nil, err
		}
	}
	ret := f.Ret
	if ret == nil {
		ret = args[0].Type()
	}
	if f.ID == FnUnnest && args[0].Type().Elem != nil {
		ret = args[0].Type().Elem // anyarray -> anyelement
	}
	return &Call{Fn: f, Args: args, T: ret}, nil
}

func paramType(f *Func, i int) *types.T {
	if i < len(f.Args) {
		return f.Args[i]
	}
	return f.Variadic
}

func arity(f *Func, n int) bool {
	if f.Variadic != nil {
		// A VARIADIC parameter needs at least one actual argument.
		return n > len(f.Args)
	}
	return n == len(f.Args)
}

// resolve picks the overload for args with PostgreSQL's rules (func_select_
// candidate, "Operator Type Resolution" in the manual). It returns nil and
// ambiguous = true when several candidates survive every rule.
func resolve(cands []*Func, args []Expr, binary bool) (best *Func, ambiguous bool) {
	in := make([]*types.T, len(args))
	nUnknown := 0
	for i, a := range args {
		in[i] = a.Type()
		if in[i].OID == types.OidUnknown {
			nUnknown++
		}
	}
	// 1. Exact match; for a binary operator with one unknown side, assume
	// the unknown has the other side's type.
	for _, f := range cands {
		if !arity(f, len(in)) {
			continue
		}
		exact := true
		for i, t := range in {
			p := paramType(f, i)
			if t.OID == types.OidUnknown && binary && nUnknown == 1 {
				t = in[1-i]
			}
			if p.OID != t.OID && p.OID != types.OidAny && !(p.OID == types.OidAnyArray && t.IsArray()) {
				exact = false
				break
			}
		}
		if exact {
			return f, false
		}
	}
	// 2. Candidates every argument converts to implicitly.
	var live []*Func
	for _, f := range cands {
		if !arity(f, len(in)) {
			continue
		}
		ok := true
		for i, t := range in {
			if !canCoerceImplicit(t, paramType(f, i)) {
				ok = false
				break
			}
		}
		if ok {
			live = append(live, f)
		}
	}
	if len(live) <= 1 {
		if len(live) == 1 {
			return live[0], false
		}
		return nil, false
	}
	// 3. Most exact matches on known arguments.
	live = keepMax(live, func(f *Func) int {
		n := 0
		for i, t := range in {
			if t.OID != types.OidUnknown && paramType(f, i).OID == t.OID {
				n++
			}
		}
		return n
	})
	if len(live) == 1 {
		return live[0], false
	}
	// 4. Most preferred types where a conversion is needed.
	live = keepMax(live, func(f *Func) int {
		n := 0
		for i, t := range in {
			p := paramType(f, i)
			if t.OID != types.OidUnknown && p.OID != t.OID && p.Preferred && p.Category == t.Category {
				n++
			}
		}
		return n
	})
	if len(live) == 1 {
		return live[0], false
	}
	if nUnknown == 0 {
		return nil, true
	}
	// 5. Unknown arguments: at each unknown position choose the string
	// category if any candidate accepts it, else the one category all
	// candidates share; prefer the category's preferred type.
	for i, t := range in {
		if t.OID != types.OidUnknown {
			continue
		}
		var cat types.Category
		conflict, str, preferred := false, false, false
		for _, f := range live {
			p := paramType(f, i)
			if p.Category == types.CatString {
				str = true
			}
			if cat == 0 {
				cat = p.Category
			} else if cat != p.Category {
				conflict = true
			}
		}
		if str {
			cat = types.CatString
		} else if conflict {
			return nil, true
		}
		var kept []*Func
		for _, f := range live {
			if p := paramType(f, i); p.Category == cat {
				kept = append(kept, f)
				preferred = preferred || p.Preferred
			}
		}
		if preferred {
			var pk []*Func
			for _, f := range kept {
				if paramType(f, i).Preferred {
					pk = append(pk, f)
				}
			}
			kept = pk
		}
		live = kept
	}
	if len(live) == 1 {
		return live[0], false
	}
	// 6. Unknowns next to known arguments of one type take that type.
	var known *types.T
	for _, t := range in {
		if t.OID != types.OidUnknown {
			if known != nil && known.OID != t.OID {
				return nil, true
			}
			known = t
		}
	}
	if known != nil {
		var kept []*Func
		for _, f := range live {
			ok := true
			for i, t := range in {
				if t.OID == types.OidUnknown && !canCoerceImplicit(known, paramType(f, i)) {
					ok = false
				}
			}
			if ok {
				kept = append(kept, f)
			}
		}
		if len(kept) == 1 {
			return kept[0], false
		}
	}
	return nil, len(live) > 1
}

func keepMax(fs []*Func, score func(*Func) int) []*Func {
	best := -1
	var out []*Func
	for _, f := range fs {
		s := score(f)
		switch {
		case s > best:
			best, out = s, append(out[:0], f)
		case s == best:
			out = append(out, f)
		}
	}
	return out
}

// bindFunc binds a function call, including the SQL-syntax functions the
// TiDB grammar turns into calls (CAST via nqdb_cast, POSITION, TRIM,
// SUBSTRING, COALESCE...).
func (b *binder) bindFunc(x *ast.FuncCallExpr) (Expr, error) {
	name := funcName(x)
	if x.Schema.L == "information_schema" && name == "_pg_expandarray" {
		return b.bindExpandArray(x)
	}
	if x.Schema.L == "pg_catalog" {
		if e, ok, err := b.callUserAST(x.Schema.O, name, x); ok {
			return e, err
		}
	}
	if x.Schema.L != "" && x.Schema.L != "pg_catalog" {
		if e, ok, err := b.callUserAST(x.Schema.O, name, x); ok {
			return e, err
		}
		return nil, pgerror.New(pgerror.UndefinedSchema, "schema \"%s\" does not exist", x.Schema.O).WithPosition(pos(x))
	}
	if isConcatOp(x) {
		l, r, err := b.bindPair(x.Args[0], x.Args[1])
		if err != nil {
			return nil, err
		}
		return b.concatOp(l, r, x.Args[0], x.Args[1], b.opPos(x.Args[1], "||", x))
	}
	if aggNames[name] {
		return b.bindAggregate(name, x.Args, false, false, x)
	}
	switch name {
	case "nqdb_cast":
		return b.bindCast(x)
	case opMarker:
		return b.bindOpMarker(x)
	case "nqdb_array":
		return b.bindArray(x, nil)
	case "nqdb_subscript":
		return b.bindSubscript(x)
	case "nqdb_field":
		return b.bindField(x)
	case "nqdb_from_func":
		if len(x.Args) == 1 {
			return b.bindExpr(x.Args[0])
		}
	case "nqdb_array_subquery":
		return b.bindArraySubquery(x)
	case "nqdb_any", "nqdb_all":
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", strings.ToUpper(name[5:])).WithPosition(pos(x))
	case "coalesce", "greatest", "least":
		return b.bindVariadicCommon(x, name)
	case "extract":
		return b.bindExtract(x)
	case "nextval", "currval", "setval":
		if err := b.checkSequenceArg(x); err != nil {
			return nil, err
		}
	case "nullif":
		return b.bindNullIf(x)
	case "trim":
		return b.bindTrim(x)
	case "position":
		// POSITION(a IN b) is strpos(b, a).
		if len(x.Args) == 2 {
			return b.callAST("strpos", []ast.ExprNode{x.Args[1], x.Args[0]}, x)
		}
	}
	return b.callAST(name, x.Args, x)
}

func (b *binder) callAST(name string, argNodes []ast.ExprNode, at ast.Node) (Expr, error) {
	if n := len(argNodes); n > 0 && isVariadicMarker(argNodes[n-1]) {
		return b.callVariadic(name, argNodes, at)
	}
	args := make([]Expr, len(argNodes))
	for i, n := range argNodes {
		var err error
		if args[i], err = b.bindExpr(n); err != nil {
			return nil, err
		}
	}
	nodes := make([]ast.Node, len(argNodes))
	for i, n := range argNodes {
		nodes[i] = n
	}
	return b.callFuncArgs(name, args, nodes, at)
}

// callFunc binds a call with already-bound arguments (or none).
func (b *binder) callFunc(name string, args []Expr, at ast.Node) (Expr, error) {
	return b.callFuncArgs(name, args, nil, at)
}

func (b *binder) callFuncArgs(name string, args []Expr, nodes []ast.Node, at ast.Node) (Expr, error) {
	if e, ok, err := b.callUser("", name, args, nodes, at); ok {
		return e, err
	}
	if e, ok, err := b.enumFunc(name, args); ok {
		return e, err
	}
	f, amb := resolve(functions[name], args, false)
	if f == nil && !amb && len(args) == 1 {
		// A function-style cast, float8(x): PostgreSQL's func_get_detail
		// falls back to a coercion when the name is a type's.
		if t := types.ByName(name); t != nil && t.OID != types.OidUnknown {
			var n ast.Node
			if len(nodes) > 0 {
				n = nodes[0]
			}
			if e, err := b.coerce(args[0], t, -1, true, n); err == nil {
				return e, nil
			}
		}
	}
	if f == nil {
		sig := make([]string, len(args))
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
	// Variadic "any" literals of unknown type become text (concat('a'));
	// parameters stay unknown, which PostgreSQL reports as 42P18.
	for i := len(f.Args); i < len(args); i++ {
		if _, isConst := args[i].(*Const); isConst && args[i].Type().OID == types.OidUnknown {
			var n ast.Node
			if i < len(nodes) {
				n = nodes[i]
			}
			var err error
			if args[i], err = b.coerce(args[i], types.Text, -1, false, n); err != nil {
				return nil, err
			}
		}
	}
	return b.finishCall(f, args, nodes)
}

// bindCast binds nqdb_cast(x, 'typename'), sql/parser's spelling of
// x::type, CAST(x AS type) and typed literals (type 'literal').
func (b *binder) bindCast(x *ast.FuncCallExpr) (Expr, error) {
	if len(x.Args) != 2 {
		return nil, pgerror.New(pgerror.SyntaxError, "malformed cast").WithPosition(pos(x))
	}
	tn, ok := x.Args[1].(*test_driver.ValueExpr)
	if !ok || tn.Kind() != test_driver.KindString {
		return nil, pgerror.New(pgerror.SyntaxError, "malformed cast").WithPosition(pos(x))
	}
	t, typmod, err := b.parseTypeName(tn.GetString())
	if err != nil {
		return nil, errAt(err, x.Args[1])
	}
	if t.Domain != nil {
		e, err := b.bindExpr(x.Args[0])
		if err != nil {
			return nil, err
		}
		return b.castToDomain(e, t, x.Args[0])
	}
	if e, ok, err := b.arrayUnderCast(x, t, typmod); ok || err != nil {
		return e, err
	}
	e, err := b.bindExpr(x.Args[0])
	if err != nil {
		return nil, err
	}
	if p, ok := e.(*Param); ok && p.T.OID == types.OidUnknown {
		return b.coerce(e, t, typmod, true, x.Args[0])
	}
	if e.Type().OID == t.OID && typmod < 0 {
		return e, nil
	}
	if e.Type().OID == types.OidUnknown {
		return b.coerce(e, t, typmod, true, x.Args[0])
	}
	return b.coerce(e, t, typmod, true, x.Args[0])
}

func (b *binder) bindArgs(ns []ast.ExprNode) ([]Expr, error) {
	out := make([]Expr, len(ns))
	for i, n := range ns {
		var err error
		if out[i], err = b.bindExpr(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bindVariadicCommon binds COALESCE, GREATEST and LEAST: all arguments
// converted to their common type.
func (b *binder) bindVariadicCommon(x *ast.FuncCallExpr, name string) (Expr, error) {
	args, err := b.bindArgs(x.Args)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \")\"").WithPosition(pos(x))
	}
	nodes := make([]ast.ExprNode, len(x.Args))
	copy(nodes, x.Args)
	t, err := b.commonType(args, nodes, strings.ToUpper(name))
	if err != nil {
		return nil, err
	}
	if t.OID == types.OidUnknown {
		t = types.Text
	}
	for i := range args {
		if args[i], err = b.coerce(args[i], t, -1, false, x.Args[i]); err != nil {
			return nil, err
		}
	}
	if name == "coalesce" {
		return &Coalesce{Args: args, T: t}, nil
	}
	if f, _ := resolve(operators["<"], []Expr{&Const{T: t}, &Const{T: t}}, true); t.Enum == nil && (f == nil || (f.Args[0].OID != t.OID && !(isTextKey(t) && isTextKey(f.Args[0])))) {
		return nil, pgerror.New(pgerror.UndefinedFunction, "could not identify a comparison function for type %s", t.SQLName).WithPosition(pos(x))
	}
	return &MinMax{Args: args, Greatest: name == "greatest", T: t}, nil
}

func (b *binder) bindNullIf(x *ast.FuncCallExpr) (Expr, error) {
	if len(x.Args) != 2 {
		return b.callAST("nullif", x.Args, x)
	}
	args, err := b.bindArgs(x.Args)
	if err != nil {
		return nil, err
	}
	eq, err := b.binaryOp("=", args[0], args[1], x.Args[0], x.Args[1], pos(x))
	if err != nil {
		return nil, err
	}
	call := eq.(*Call)
	if call.Fn.ID != FnEq {
		return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist").WithPosition(pos(x))
	}
	// NULLIF's type is that of the = operator's left operand. PostgreSQL
	// has cross-type = between integer widths and between float4 and
	// float8, which leave the first argument as it is; ours coerce, so its
	// own type is restored. Other coercions (int to numeric, varchar to
	// text) PostgreSQL makes too.
	if c, ok := call.Args[0].(*Cast); ok && c.X == args[0] &&
		((isInt(args[0].Type()) && isInt(c.To)) || (args[0].Type().OID == types.OidFloat4 && c.To.OID == types.OidFloat8)) {
		return &NullIf{Args: [2]Expr{args[0], call.Args[1]}, Eq: call.Fn, T: args[0].Type(), CmpType: c.To}, nil
	}
	return &NullIf{Args: [2]Expr{call.Args[0], call.Args[1]}, Eq: call.Fn, T: call.Args[0].Type()}, nil
}

// bindTrim binds TiDB's trim(str [, chars, direction]) as btrim/ltrim/rtrim.
func (b *binder) bindTrim(x *ast.FuncCallExpr) (Expr, error) {
	fn := "btrim"
	var argNodes []ast.ExprNode
	switch len(x.Args) {
	case 1:
		argNodes = x.Args
	case 2:
		argNodes = x.Args
	case 3:
		if d, ok := x.Args[2].(*ast.TrimDirectionExpr); ok {
			switch d.Direction {
			case ast.TrimLeading:
				fn = "ltrim"
			case ast.TrimTrailing:
				fn = "rtrim"
			}
		}
		argNodes = x.Args[:1]
		if v, ok := x.Args[1].(*test_driver.ValueExpr); !ok || v.Kind() != test_driver.KindNull {
			argNodes = x.Args[:2]
		}
	default:
		return b.callAST("trim", x.Args, x)
	}
	return b.callAST(fn, argNodes, x)
}
