package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Constant folding, after PostgreSQL's eval_const_expressions: once a
// statement is bound, every operator, function call and cast that is
// immutable and has only constant inputs is evaluated and replaced by its
// value. Besides saving the work per row, this is what makes PostgreSQL
// report `SELECT 1/0` or `SELECT 2147483647 + 1` when the statement is
// planned, before any row (or RowDescription) is sent, even if the
// expression would never be evaluated at run time (`... WHERE false AND
// 1/0 = 1` is spared, as in PostgreSQL, because AND is simplified left to
// right and stops at a constant false).
//
// The planner has no evaluator of its own (executor/eval has it, and eval
// imports planner); eval installs one with SetConstEvaluator. Without one
// nothing is folded.

// Volatility is pg_proc.provolatile: whether a function's result depends
// only on its arguments.
type Volatility uint8

// Volatility classes.
const (
	// Immutable functions depend only on their arguments; calls over
	// constants are folded at plan time.
	Immutable Volatility = iota
	// Stable functions depend on session state (settings, the
	// transaction's timestamp, the catalog) but not on when in the
	// statement they run: now(), current_setting(), timestamptz + interval.
	Stable
	// Volatile functions may return something else on every call:
	// random(), clock_timestamp(), pg_sleep().
	Volatile
)

// ConstEvaluator evaluates an expression whose inputs are all constants.
type ConstEvaluator func(Expr) (types.Datum, error)

var constEval ConstEvaluator

// SetConstEvaluator installs the evaluator constant folding uses;
// executor/eval calls it from its init.
func SetConstEvaluator(f ConstEvaluator) { constEval = f }

// foldNode folds the expressions of a plan tree in place.
func foldNode(n Node) error {
	if constEval == nil || n == nil {
		return nil
	}
	var err error
	fe := func(e Expr) Expr {
		if err != nil || e == nil {
			return e
		}
		// On error the expression stays as it was: a failed fold leaves
		// the plan intact, so it can be folded (and fail) again.
		r, ferr := fold(e)
		if ferr != nil {
			err = ferr
			return e
		}
		return r
	}
	fl := func(es []Expr) {
		for i := range es {
			es[i] = fe(es[i])
		}
	}
	switch x := n.(type) {
	case *Result:
		fl(x.Exprs)
		x.Where = fe(x.Where)
	case *Values:
		for _, r := range x.Rows {
			fl(r)
		}
	case *Scan:
	case *Append:
		for _, in := range x.Inputs {
			if err = foldNode(in); err != nil {
				return err
			}
		}
	case *Distinct:
		return foldNode(x.Input)
	case *Join:
		if err = foldNode(x.Left); err == nil {
			err = foldNode(x.Right)
		}
		x.Cond = fe(x.Cond)
		fl(x.LeftKeys)
		fl(x.RightKeys)
	case *Filter:
		err = foldNode(x.Input)
		x.Cond = fe(x.Cond)
	case *Project:
		err = foldNode(x.Input)
		fl(x.Exprs)
	case *ProjectSet:
		err = foldNode(x.Input)
		fl(x.Exprs)
	case *Limit:
		err = foldNode(x.Input)
		x.Offset, x.Count = fe(x.Offset), fe(x.Count)
	case *Sort:
		return foldNode(x.Input)
	case *Gather:
		return foldNode(x.Input)
	case *Window:
		err = foldNode(x.Input)
		for _, f := range x.Funcs {
			fl(f.Args)
			fl(f.Partition)
			for i := range f.Order {
				f.Order[i].Expr = fe(f.Order[i].Expr)
			}
			if f.Agg != nil {
				fl(f.Agg.Args)
			}
			f.Start.Offset, f.End.Offset = fe(f.Start.Offset), fe(f.End.Offset)
		}
	case *WorkTableScan:
		if x.Work.Plan != nil {
			// A materialized CTE's plan (ctematerialize.go); folding it
			// again from its other readers is harmless.
			err = foldNode(x.Work.Plan)
		}
	case *RecursiveUnion:
		if err = foldNode(x.Base); err == nil {
			err = foldNode(x.Recursive)
		}
	case *LockRows:
		err = foldNode(x.Input)
		x.Where = fe(x.Where)
		fl(x.Exprs)
	case *Agg:
		err = foldNode(x.Input)
		fl(x.GroupBy)
		for i := range x.Aggs {
			fl(x.Aggs[i].Args)
		}
	case *Insert:
		err = foldNode(x.Input)
		fl(x.Returning)
		if oc := x.OnConflict; oc != nil {
			fl(oc.Set)
			oc.Where = fe(oc.Where)
		}
	case *Update:
		// PostgreSQL folds the SET list and the WHERE clause alike, so
		// `SET c = 1/0` fails even when no row matches.
		fl(x.Set)
		x.Where = fe(x.Where)
		fl(x.Returning)
		if x.Source != nil && err == nil {
			err = foldNode(x.Source.Plan)
		}
	case *Delete:
		x.Where = fe(x.Where)
		fl(x.Returning)
		if x.Source != nil && err == nil {
			err = foldNode(x.Source.Plan)
		}
	}
	return err
}

// isConst reports whether e is a constant (of a known type: an unknown
// literal is folded only once a context gives it a type).
func isConst(e Expr) (*Const, bool) {
	c, ok := e.(*Const)
	return c, ok && c.T.OID != types.OidUnknown
}

func allConst(es []Expr) bool {
	for _, e := range es {
		if _, ok := isConst(e); !ok {
			return false
		}
	}
	return true
}

// evalConst evaluates e (whose inputs are constants) into a Const of type t.
func evalConst(e Expr, t *types.T) (Expr, error) {
	v, err := constEval(e)
	if err != nil {
		return nil, err
	}
	return &Const{Val: v, T: t}, nil
}

// fold returns e with its constant subexpressions evaluated.
func fold(e Expr) (Expr, error) {
	switch x := e.(type) {
	case *Const, *Param, *ColumnRef, *OuterRef, *ArrayElem, *aggRef:
		return e, nil
	case *SubPlan:
		if err := foldNode(x.Plan); err != nil {
			return nil, err
		}
	case *BoolExpr:
		return foldBool(x)
	case *Case:
		return foldCase(x)
	case *Coalesce:
		return foldCoalesce(x)
	}
	e, err := mapChildren(e, fold)
	if err != nil {
		return nil, err
	}
	switch x := e.(type) {
	case *Call:
		// A strict call with a NULL constant argument is NULL whatever
		// its other arguments and volatility (evaluate_function), so
		// `col / 0 = NULL` never divides. Set-returning calls are left:
		// they return no rows, not NULL.
		if x.Fn.Strict && !retset[x.Fn.ID] {
			for _, a := range x.Args {
				if c, ok := a.(*Const); ok && c.Val == nil {
					return &Const{T: x.T}, nil
				}
			}
		}
		if x.Fn.Volatility != Immutable || !allConst(x.Args) {
			return e, nil
		}
		return evalConst(e, x.T)
	case *Cast:
		c, ok := x.X.(*Const)
		if !ok {
			return e, nil
		}
		if c.Val == nil {
			return &Const{T: x.To}, nil
		}
		if !castImmutable(x.X.Type(), x.To) {
			return e, nil
		}
		return evalConst(e, x.To)
	case *NullTest:
		if c, ok := x.X.(*Const); ok {
			return &Const{Val: (c.Val == nil) != x.Not, T: types.Bool}, nil
		}
	case *TruthTest, *NullIf, *Subscript:
		if allConst(children(e)) {
			return evalConst(e, e.Type())
		}
	case *NotDistinct:
		if x.Eq.Volatility == Immutable && allConst([]Expr{x.L, x.R}) {
			return evalConst(e, types.Bool)
		}
	case *ArrayExpr:
		if allConst(x.Elems) {
			return evalConst(e, x.T)
		}
	case *ScalarArrayOp:
		if x.Op.Fn.Volatility == Immutable && allConst([]Expr{x.Op.Args[0], x.R}) {
			return evalConst(e, types.Bool)
		}
	}
	return e, nil
}

// children lists the direct operands of the expressions fold evaluates
// as a whole.
func children(e Expr) []Expr {
	switch x := e.(type) {
	case *TruthTest:
		return []Expr{x.X}
	case *NullIf:
		return x.Args[:]
	case *Subscript:
		return []Expr{x.Array, x.Index}
	}
	return nil
}

// foldBool simplifies AND / OR left to right as simplify_and_arguments
// does: a constant that decides the result ends the scan (later operands
// are not folded, so their errors do not surface), constants that do not
// are dropped, and a NULL constant is kept once.
func foldBool(x *BoolExpr) (Expr, error) {
	if x.Op == Not {
		a, err := fold(x.Args[0])
		if err != nil {
			return nil, err
		}
		if c, ok := a.(*Const); ok {
			if c.Val == nil {
				return &Const{T: types.Bool}, nil
			}
			return &Const{Val: !c.Val.(bool), T: types.Bool}, nil
		}
		return &BoolExpr{Op: Not, Args: []Expr{a}}, nil
	}
	decides := x.Op == Or // the value that decides: true for OR, false for AND
	var args []Expr
	haveNull := false
	for _, a := range x.Args {
		f, err := fold(a)
		if err != nil {
			return nil, err
		}
		if c, ok := f.(*Const); ok {
			if c.Val == nil {
				haveNull = true
				continue
			}
			if c.Val.(bool) == decides {
				return &Const{Val: decides, T: types.Bool}, nil
			}
			continue
		}
		args = append(args, f)
	}
	if haveNull {
		args = append(args, &Const{T: types.Bool})
	}
	switch len(args) {
	case 0:
		return &Const{Val: !decides, T: types.Bool}, nil
	case 1:
		return args[0], nil
	}
	return &BoolExpr{Op: x.Op, Args: args}, nil
}

// foldCase drops arms whose condition folds to false or NULL and stops at
// one that folds to true (its result becomes the ELSE), as PostgreSQL
// does; the remaining results are folded, which is why PostgreSQL fails
// `CASE WHEN x > 0 THEN 1/0 END` at plan time.
func foldCase(x *Case) (Expr, error) {
	out := &Case{T: x.T}
	for _, w := range x.Whens {
		cond, err := fold(w.Cond)
		if err != nil {
			return nil, err
		}
		if c, ok := cond.(*Const); ok {
			if c.Val != true {
				continue
			}
			// An always-true arm ends the CASE: it becomes the ELSE.
			return foldCaseEnd(out, w.Result)
		}
		r, err := fold(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: cond, Result: r})
	}
	return foldCaseEnd(out, x.Else)
}

// foldCaseEnd folds the ELSE of a CASE whose remaining arms are out.Whens;
// with no arms left the CASE is just its ELSE.
func foldCaseEnd(out *Case, els Expr) (Expr, error) {
	e, err := fold(els)
	if err != nil {
		return nil, err
	}
	if len(out.Whens) == 0 {
		return e, nil
	}
	out.Else = e
	return out, nil
}

// foldCoalesce drops NULL constants and everything after the first
// non-NULL constant (not folding it).
func foldCoalesce(x *Coalesce) (Expr, error) {
	var args []Expr
	for _, a := range x.Args {
		f, err := fold(a)
		if err != nil {
			return nil, err
		}
		if c, ok := f.(*Const); ok {
			if c.Val == nil {
				continue
			}
			if len(args) == 0 {
				return f, nil
			}
			args = append(args, f)
			break
		}
		args = append(args, f)
	}
	switch len(args) {
	case 0:
		return &Const{T: x.T}, nil
	case 1:
		return args[0], nil
	}
	return &Coalesce{Args: args, T: x.T}, nil
}

// castImmutable reports whether the cast from one type to another depends
// only on its input. Casts whose result depends on settings are stable in
// PostgreSQL and not folded: to and from timestamptz (TimeZone), between
// date/time types and strings (DateStyle, IntervalStyle), to and from the
// reg* types (the catalog), and float output (extra_float_digits).
func castImmutable(from, to *types.T) bool {
	if from.OID == to.OID {
		return true // a typmod coercion
	}
	if from.Elem != nil && to.Elem != nil {
		return castImmutable(from.Elem, to.Elem)
	}
	for _, t := range []*types.T{from, to} {
		switch t.OID {
		case types.OidTimestampTZ, types.OidRegclass, types.OidRegtype, types.OidRegproc:
			return false
		}
		if t.Category == types.CatPseudo {
			return false
		}
	}
	fromStr, toStr := isStringCat(from) || from.OID == types.OidUnknown, isStringCat(to)
	timey := func(t *types.T) bool { return t.Category == types.CatDatetime || t.Category == types.CatTimespan }
	if (fromStr && timey(to)) || (toStr && timey(from)) {
		return false
	}
	if toStr && (from.OID == types.OidFloat4 || from.OID == types.OidFloat8) {
		return false
	}
	return true
}
