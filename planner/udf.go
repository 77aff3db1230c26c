package planner

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// User-defined SQL functions (CREATE FUNCTION ... LANGUAGE sql). The
// catalog hands the binder each routine's signature and body text
// (FunctionCatalog); a call is resolved together with the built-in
// overloads of its name, as PostgreSQL's func_get_detail does over
// pg_proc. Then, like PostgreSQL's inline_function, a function whose body
// is a single `SELECT expr` (no FROM, not STRICT, not SETOF) is inlined:
// the body expression is bound with the arguments in place of its
// parameters, so the planner folds and indexes through it. Any other
// call is a Call to FnUserFunc (FnUserFuncSet when it returns a set),
// whose UserCall plans the body on its first execution and runs it per
// call with the arguments as the body's $n (executor/eval/udf.go).
// Planning at execution rather than here keeps recursive functions
// finite: each level is planned only when the recursion reaches it.

// UserFunc is a user-defined function or procedure as the catalog stores
// it.
type UserFunc struct {
	OID    uint32
	Schema string
	Name   string
	// Kind is 'f' for a function, 'p' for a procedure.
	Kind byte
	// Args are the input parameters' types; ArgNames their names (""
	// when unnamed); Defaults their DEFAULT expressions as written (""
	// when none; only trailing parameters have them).
	Args     []*types.T
	ArgNames []string
	Defaults []string
	// Ret is the result type (types.Void for none); RetSet is RETURNS
	// SETOF / TABLE.
	Ret    *types.T
	RetSet bool
	Strict bool
	// Volatility is the declared IMMUTABLE / STABLE / VOLATILE.
	Volatility Volatility
	// Body is the function's SQL: one or more statements separated by
	// ';' (the SQL-standard RETURN expr is stored as SELECT expr).
	Body string
}

// FunctionCatalog is implemented by catalogs that hold user-defined
// functions.
type FunctionCatalog interface {
	// UserFunctions returns the routines called name: in schema when it
	// is not "", else in the schemas of the search path.
	UserFunctions(schema, name string) []*UserFunc
}

// UserCall is one call site of a user function that runs its body: the
// body is planned on first use and the plan kept for later calls.
type UserCall struct {
	Func  *UserFunc
	once  sync.Once
	plans []*Query
	err   error
}

// Plans returns the body's plans, made with cat on the first call.
func (u *UserCall) Plans(cat Catalog, fo *types.FormatOpts) ([]*Query, error) {
	u.once.Do(func() {
		u.plans, u.err = PlanFunctionBody(u.Func, cat, fo)
		for _, q := range u.plans {
			if u.err == nil {
				u.err = Fold(q)
			}
		}
	})
	return u.plans, u.err
}

// funcScope names the parameters of the function whose body is being
// bound (parameter names resolve after column names, as in PostgreSQL's
// SQL functions); parent is the function whose inlining started this one.
type funcScope struct {
	uf     *UserFunc
	parent *funcScope
}

// userFuncScope returns the function scope b's expressions see.
func (b *binder) userFuncScope() *funcScope {
	for o := b; o != nil; {
		if o.fn != nil {
			return o.fn
		}
		switch {
		case o.outer != nil:
			o = o.outer
		default:
			o = o.derivedOf
		}
	}
	return nil
}

// funcParamRef resolves a column name that no FROM item has as a
// parameter of the function being bound: name or fname.name.
func (b *binder) funcParamRef(name, tbl string) Expr {
	fs := b.userFuncScope()
	if fs == nil || (tbl != "" && tbl != fs.uf.Name) {
		return nil
	}
	for i, n := range fs.uf.ArgNames {
		if n != "" && n == name {
			return &Param{Idx: i, T: types.BaseType(fs.uf.Args[i])}
		}
	}
	return nil
}

// userCandidates lists the user functions that may be called as name
// with n arguments, as Funcs resolve can choose among: one per function,
// with as many parameters as given (trailing defaults fill the rest).
func userCandidates(ufs []*UserFunc, n int) []*Func {
	var out []*Func
	for _, uf := range ufs {
		nd := 0
		for _, d := range uf.Defaults {
			if d != "" {
				nd++
			}
		}
		if n > len(uf.Args) || n < len(uf.Args)-nd {
			continue
		}
		out = append(out, userFuncDesc(uf, bodyParamTypes(uf)[:n]))
	}
	return out
}

// userFuncDesc describes uf as a Func with the given parameters.
func userFuncDesc(uf *UserFunc, args []*types.T) *Func {
	id := FnUserFunc
	if uf.RetSet {
		id = FnUserFuncSet
	}
	// Never folded at plan time: running the body needs the session.
	vol := Stable
	if uf.Volatility == Volatile {
		vol = Volatile
	}
	return &Func{ID: id, Name: uf.Name, Args: args, Ret: types.BaseType(uf.Ret), Strict: uf.Strict, Volatility: vol,
		User: &UserCall{Func: uf}}
}

// sameArgs reports whether two parameter lists are identical.
func sameArgs(a, b []*types.T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].OID != b[i].OID {
			return false
		}
	}
	return true
}

// callUser resolves a call of name (in schema, "" = search path) among the
// user functions and the built-in overloads. ok is false when no user
// function is chosen: the caller goes on with the built-ins alone.
func (b *binder) callUser(schema, name string, args []Expr, nodes []ast.Node, at ast.Node) (Expr, bool, error) {
	fc, ok := b.cat.(FunctionCatalog)
	if !ok {
		return nil, false, nil
	}
	ufs := fc.UserFunctions(schema, name)
	if len(ufs) == 0 {
		return nil, false, nil
	}
	var cands []*Func
	builtins := functions[name]
	if schema != "" && schema != "pg_catalog" {
		builtins = nil
	}
	cands = append(cands, builtins...)
	for _, c := range userCandidates(ufs, len(args)) {
		// pg_catalog comes first in the search path: a built-in with the
		// same parameters hides the user's function.
		hidden := false
		for _, f := range builtins {
			hidden = hidden || (f.Variadic == nil && sameArgs(f.Args, c.Args))
		}
		if !hidden {
			cands = append(cands, c)
		}
	}
	f, amb := resolve(cands, args, false)
	if f == nil || f.User == nil {
		if amb && f == nil {
			sig := make([]string, len(args))
			for i, a := range args {
				sig[i] = a.Type().SQLName
			}
			return nil, true, pgerror.New(pgerror.AmbiguousFunction, "function %s(%s) is not unique", name, strings.Join(sig, ", ")).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.").WithPosition(pos(at))
		}
		return nil, false, nil
	}
	e, err := b.bindUserCall(f, args, nodes, at)
	return e, true, err
}

// bindUserCall finishes a call of the user function f describes: the
// arguments coerced to its parameters, defaults added, then inlined when
// the body allows.
func (b *binder) bindUserCall(f *Func, args []Expr, nodes []ast.Node, at ast.Node) (Expr, error) {
	uf := f.User.Func
	if uf.Kind == 'p' && !b.inCall {
		sig := make([]string, len(args))
		for i, a := range args {
			sig[i] = a.Type().SQLName
		}
		return nil, pgerror.New(pgerror.WrongObjectType, "%s(%s) is a procedure", uf.Name, strings.Join(sig, ", ")).
			WithHint("To call a procedure, use CALL.").WithPosition(pos(at))
	}
	e, err := b.finishCall(f, args, nodes)
	if err != nil {
		return nil, err
	}
	call := e.(*Call)
	call.T = types.BaseType(uf.Ret)
	for i := len(call.Args); i < len(uf.Args); i++ {
		d, err := b.bindParamDefault(uf, i)
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, d)
	}
	full := *f
	full.Args = bodyParamTypes(uf)
	call.Fn = &full
	if x, ok := b.inline(uf, call.Args); ok {
		return x, nil
	}
	return call, nil
}

// bindParamDefault binds parameter i's DEFAULT expression, converted to its
// type.
func (b *binder) bindParamDefault(uf *UserFunc, i int) (Expr, error) {
	x, err := parser.ParseExpr(uf.Defaults[i])
	if err != nil {
		return nil, err
	}
	sub := &binder{cat: b.cat, fo: b.fo, scope: &scope{}}
	e, err := sub.bindExpr(x)
	if err != nil {
		return nil, stripPosition(err)
	}
	return sub.assign(e, Column{Name: uf.ArgNames[i], Type: uf.Args[i], Typmod: -1}, nil)
}

// inlineBody returns the body's only select-list expression when the body
// is a plain `SELECT expr`.
func inlineBody(uf *UserFunc) (*parser.Statement, ast.ExprNode, bool) {
	if uf.RetSet || uf.Strict || uf.Kind != 'f' || uf.Ret.OID == types.OidVoid {
		return nil, nil, false
	}
	stmts, err := parser.Parse(uf.Body)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil || stmts[0].With != nil {
		return nil, nil, false
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.From != nil || sel.Where != nil || sel.GroupBy != nil || sel.Having != nil || sel.OrderBy != nil ||
		sel.Limit != nil || sel.Distinct || sel.WindowSpecs != nil || sel.With != nil || sel.Fields == nil ||
		len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].WildCard != nil {
		return nil, nil, false
	}
	return stmts[0], sel.Fields.Fields[0].Expr, true
}

// inline returns the call of uf over args as its body's expression, when
// PostgreSQL's inline_function would: a plain SELECT expr, no subquery, and
// no argument that is volatile or costly used more than once.
func (b *binder) inline(uf *UserFunc, args []Expr) (Expr, bool) {
	if b.inCall {
		return nil, false // CALL checks what it calls
	}
	for fs := b.userFuncScope(); fs != nil; fs = fs.parent {
		if fs.uf == uf {
			return nil, false // recursion: run it instead
		}
	}
	st, x, ok := inlineBody(uf)
	if !ok {
		return nil, false
	}
	sub := &binder{cat: b.cat, sql: st.Rewritten, fo: b.fo, scope: &scope{}, fn: &funcScope{uf: uf, parent: b.userFuncScope()}}
	sub.params = bodyParamTypes(uf)
	body, err := sub.bindExpr(x)
	if err != nil || len(sub.aggs) > 0 || len(sub.windows) > 0 || hasSubPlan(body) || containsSRF(body) {
		return nil, false
	}
	if body.Type().OID == types.OidUnknown {
		if body, err = sub.coerce(body, types.Text, -1, false, nil); err != nil {
			return nil, false
		}
	}
	if body, err = sub.assign(body, Column{Type: types.BaseType(uf.Ret), Typmod: -1}, nil); err != nil {
		return nil, false
	}
	if uf.Volatility != Volatile && hasVolatileCall(body) {
		return nil, false
	}
	uses := make([]int, len(args))
	walkExprs(body, func(e Expr) {
		if p, ok := e.(*Param); ok && p.Idx < len(uses) {
			uses[p.Idx]++
		}
	})
	for i, a := range args {
		if uses[i] > 1 && !simpleArg(a) {
			return nil, false
		}
		if uses[i] == 0 && hasVolatileCall(a) {
			return nil, false // PostgreSQL still evaluates it
		}
	}
	out, err := substParams(body, args)
	if err != nil {
		return nil, false
	}
	return out, true
}

// simpleArg reports whether an argument is cheap and stable enough to be
// evaluated more than once when inlined.
func simpleArg(e Expr) bool {
	switch e.(type) {
	case *Const, *Param, *ColumnRef, *OuterRef:
		return true
	}
	return false
}

// substParams replaces the body's parameters by the call's arguments.
func substParams(e Expr, args []Expr) (Expr, error) {
	if p, ok := e.(*Param); ok {
		if p.Idx < len(args) {
			return args[p.Idx], nil
		}
		return nil, pgerror.New(pgerror.UndefinedParameter, "there is no parameter $%d", p.Idx+1)
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return substParams(c, args) })
}

// PlanFunctionBody plans each statement of uf's body with the function's
// parameters as $1..$n (and by name). The last statement's single column
// is converted to the result type (a void function's may be anything).
func PlanFunctionBody(uf *UserFunc, cat Catalog, fo *types.FormatOpts) ([]*Query, error) {
	stmts, err := parser.Parse(uf.Body)
	if err != nil {
		return nil, err
	}
	out := make([]*Query, 0, len(stmts))
	for i, st := range stmts {
		if st.Utility != nil || st.AST == nil {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed in a SQL function", strings.ToUpper(firstWordOf(st.Text)))
		}
		if st.NumParams > len(uf.Args) {
			e := pgerror.New(pgerror.UndefinedParameter, "there is no parameter $%d", st.NumParams)
			if k := strings.Index(st.Text, "$"+strconv.Itoa(st.NumParams)); k >= 0 {
				e = e.WithPosition(utf8.RuneCountInString(uf.Body[:st.Offset+k]) + 1)
			}
			return nil, e
		}
		b := &binder{cat: cat, sql: st.AST.Text(), fo: fo, fn: &funcScope{uf: uf}}
		b.params = bodyParamTypes(uf)
		opts := OptionsOf(st)
		if err := b.bindParserWith(opts.With); err != nil {
			return nil, err
		}
		root, cols, err := b.buildStatement(st.AST, opts)
		if err != nil {
			return nil, userPositionIn(err, st, uf.Body)
		}
		for _, p := range b.unresolved {
			p.T = b.params[p.Idx]
		}
		for j := range cols {
			if cols[j].Type == nil || cols[j].Type.OID == types.OidUnknown {
				cols[j].Type = outputType(root, j)
			}
		}
		if i == len(stmts)-1 && uf.Ret.OID != types.OidVoid {
			if root, err = b.finalResult(uf, root, cols); err != nil {
				return nil, err
			}
		}
		useKeys(root)
		pruneColumns(root)
		finishWrites(b.writes)
		out = append(out, &Query{Columns: cols, ParamTypes: b.params, Root: root, Writes: b.writes})
	}
	if len(out) == 0 && uf.Ret.OID != types.OidVoid {
		return nil, retMismatch(uf, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
	}
	return out, nil
}

// userPositionIn maps a planner error's position into the body text.
func userPositionIn(err error, st *parser.Statement, body string) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Position == 0 {
		return err
	}
	c := *pe
	c.Position = st.Position(pe.Position - 1)
	if c.Position > 0 && st.Offset <= len(body) {
		c.Position += utf8.RuneCountInString(body[:st.Offset])
	}
	return &c
}

func firstWordOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n\r("); i > 0 {
		return s[:i]
	}
	return s
}

func retMismatch(uf *UserFunc, detail string) *pgerror.Error {
	e := pgerror.New(pgerror.InvalidFunctionDefinition, "return type mismatch in function declared to return %s", uf.Ret.SQLName).
		WithDetail("%s", detail)
	e.Where = "SQL function \"" + uf.Name + "\""
	return e
}

// finalResult checks that the last statement returns one column of a type
// that converts to the result type, and converts it.
func (b *binder) finalResult(uf *UserFunc, root Node, cols []Column) (Node, error) {
	switch root.(type) {
	case *Insert, *Update, *Delete:
		if len(cols) == 0 {
			return nil, retMismatch(uf, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
		}
	}
	if len(cols) != 1 {
		if len(cols) == 0 {
			return nil, retMismatch(uf, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
		}
		return nil, retMismatch(uf, "Final statement must return exactly one column.")
	}
	from, ret := cols[0].Type, types.BaseType(uf.Ret)
	if from.OID == uf.Ret.OID || from.OID == ret.OID {
		return root, nil
	}
	if from.OID != types.OidUnknown && !canCoerceAssignment(from, ret) {
		return nil, retMismatch(uf, "Actual return type is "+from.SQLName+".")
	}
	conv, err := b.assign(&ColumnRef{Idx: 0, T: from}, Column{Type: ret, Typmod: -1}, nil)
	if err != nil {
		return nil, err
	}
	switch x := root.(type) {
	case *Insert:
		x.Returning[0], _ = substCol0(conv, x.Returning[0])
		return root, nil
	case *Update:
		x.Returning[0], _ = substCol0(conv, x.Returning[0])
		return root, nil
	case *Delete:
		x.Returning[0], _ = substCol0(conv, x.Returning[0])
		return root, nil
	}
	return &Project{Input: root, Exprs: []Expr{conv}}, nil
}

// substCol0 puts e where conv reads column 0.
func substCol0(conv, e Expr) (Expr, error) {
	if r, ok := conv.(*ColumnRef); ok && r.Idx == 0 {
		return e, nil
	}
	return mapChildren(conv, func(c Expr) (Expr, error) { return substCol0(c, e) })
}

// BuildCall binds CALL's `name(args)` for procedure (or function) calls:
// expr is parsed as SELECT expr.
func BuildCall(expr ast.ExprNode, cat Catalog, fo *types.FormatOpts) (Expr, error) {
	b := &binder{cat: cat, fo: fo, scope: &scope{}, inCall: true}
	e, err := b.bindExpr(expr)
	if err != nil {
		return nil, err
	}
	for i, t := range b.params {
		if t == nil || t.OID == types.OidUnknown {
			return nil, pgerror.New(pgerror.IndeterminateDatatype, "could not determine data type of parameter $%d", i+1)
		}
	}
	for _, p := range b.unresolved {
		p.T = b.params[p.Idx]
	}
	return fold(e)
}

// callUserAST binds schema.name(args): only user functions live in
// schemas other than pg_catalog.
func (b *binder) callUserAST(schema, name string, x *ast.FuncCallExpr) (Expr, bool, error) {
	fc, ok := b.cat.(FunctionCatalog)
	if !ok {
		return nil, false, nil
	}
	if schema == "pg_catalog" {
		// Only built-ins live there: a user function of the name is
		// not a candidate.
		if len(functions[name]) > 0 || len(fc.UserFunctions("", name)) == 0 {
			return nil, false, nil
		}
	} else if len(fc.UserFunctions(schema, name)) == 0 {
		return nil, false, nil
	}
	args, err := b.bindArgs(x.Args)
	if err != nil {
		return nil, true, err
	}
	nodes := make([]ast.Node, len(x.Args))
	for i, n := range x.Args {
		nodes[i] = n
	}
	var e Expr
	if schema != "pg_catalog" {
		e, ok, err = b.callUser(schema, name, args, nodes, x)
	} else {
		ok = false
	}
	if !ok && err == nil {
		sig := make([]string, len(args))
		for i, a := range args {
			sig[i] = a.Type().SQLName
		}
		return nil, true, pgerror.New(pgerror.UndefinedFunction, "function %s.%s(%s) does not exist", schema, name, strings.Join(sig, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").WithPosition(pos(x))
	}
	return e, true, err
}

func init() {
	retset[FnUserFuncSet] = true
}

// bodyParamTypes are the types of the body's $n: a domain parameter is
// its base type inside the body (the call checked the domain), as the
// binder sees domain-typed columns.
func bodyParamTypes(uf *UserFunc) []*types.T {
	out := make([]*types.T, len(uf.Args))
	for i, t := range uf.Args {
		out[i] = types.BaseType(t)
	}
	return out
}
