package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Expr is a bound, typed expression.
type Expr interface {
	// Type is the SQL type of the expression's value.
	Type() *types.T
}

// Const is a constant. T is types.Unknown for a string literal that no
// context has typed (its Val is then a string).
type Const struct {
	Val types.Datum
	T   *types.T
}

// Param is $n (Idx = n-1), of the declared or inferred type.
type Param struct {
	Idx int
	T   *types.T
}

// ColumnRef is column Idx of the input row.
type ColumnRef struct {
	Idx int
	T   *types.T
}

// Cast converts X to To and applies Typmod (-1 = none). Explicit tells
// ApplyTypmod whether the cast was written (varchar(n) truncates then) or
// implicit (it errors then).
type Cast struct {
	X        Expr
	To       *types.T
	Typmod   int32
	Explicit bool
}

// Call is an operator or function call resolved to one implementation.
type Call struct {
	Fn   *Func
	Args []Expr
	// T is the result type; usually Fn.Ret, but polymorphic functions
	// (greatest, pg_typeof...) and width-generic arithmetic fix it here.
	T *types.T
}

// BoolOp is the operator of a BoolExpr.
type BoolOp uint8

// Boolean connectives.
const (
	And BoolOp = iota
	Or
	Not
)

// BoolExpr is AND / OR over Args or NOT Args[0], with three-valued logic.
type BoolExpr struct {
	Op   BoolOp
	Args []Expr
}

// NotDistinct is L IS NOT DISTINCT FROM R (Not = false) or L IS DISTINCT
// FROM R (Not = true): equality under which NULL equals NULL. Eq is the
// resolved = operator for the (coerced) operands.
type NotDistinct struct {
	L, R Expr
	Eq   *Func
	Not  bool
}

// Type implements Expr.
func (e *NotDistinct) Type() *types.T { return types.Bool }

// NullTest is X IS [NOT] NULL.
type NullTest struct {
	X   Expr
	Not bool
}

// TruthTest is X IS [NOT] TRUE / FALSE (Val) or, with Unknown, IS [NOT]
// UNKNOWN. The result is never NULL.
type TruthTest struct {
	X       Expr
	Val     bool
	Unknown bool
	Not     bool
}

// When is one WHEN cond THEN result arm of a searched CASE.
type When struct {
	Cond   Expr
	Result Expr
}

// Case is a searched CASE (a simple CASE is bound as cond = x = value);
// Else is never nil (a NULL Const when absent).
type Case struct {
	Whens []When
	Else  Expr
	T     *types.T
}

// Coalesce returns its first non-NULL argument.
type Coalesce struct {
	Args []Expr
	T    *types.T
}

// NullIf is NULLIF(Args[0], Args[1]); Eq is the resolved = operator.
type NullIf struct {
	Args [2]Expr
	Eq   *Func
	T    *types.T
	// CmpType, when set, is the type the first argument is cast to for
	// the comparison: `=` coerced it, but the result keeps its own type
	// (NULLIF(int2col, 0) is int2, as in PostgreSQL).
	CmpType *types.T
}

// MinMax is GREATEST (Greatest) or LEAST over Args, ignoring NULLs.
type MinMax struct {
	Args     []Expr
	Greatest bool
	T        *types.T
}

// Type implements Expr.
func (e *Const) Type() *types.T { return e.T }

// Type implements Expr.
func (e *Param) Type() *types.T { return e.T }

// Type implements Expr.
func (e *ColumnRef) Type() *types.T { return e.T }

// Type implements Expr.
func (e *Cast) Type() *types.T { return e.To }

// Type implements Expr.
func (e *Call) Type() *types.T { return e.T }

// Type implements Expr.
func (e *BoolExpr) Type() *types.T { return types.Bool }

// Type implements Expr.
func (e *NullTest) Type() *types.T { return types.Bool }

// Type implements Expr.
func (e *TruthTest) Type() *types.T { return types.Bool }

// Type implements Expr.
func (e *Case) Type() *types.T { return e.T }

// Type implements Expr.
func (e *Coalesce) Type() *types.T { return e.T }

// Type implements Expr.
func (e *NullIf) Type() *types.T { return e.T }

// Type implements Expr.
func (e *MinMax) Type() *types.T { return e.T }

// ArrayExpr is ARRAY[elems...]; T is the array type.
type ArrayExpr struct {
	Elems []Expr
	T     *types.T
}

// Type implements Expr.
func (e *ArrayExpr) Type() *types.T { return e.T }

// ScalarArrayOp is `L op ANY (R)` (Any) or `L op ALL (R)` with R an array.
// Op is the resolved operator call; its Args are L and an ArrayElem
// standing for each element in turn.
type ScalarArrayOp struct {
	Op  *Call
	R   Expr
	Any bool
}

// Type implements Expr.
func (e *ScalarArrayOp) Type() *types.T { return types.Bool }

// ArrayElem stands for the current array element inside ScalarArrayOp.Op.
type ArrayElem struct {
	T *types.T
}

// Type implements Expr.
func (e *ArrayElem) Type() *types.T { return e.T }

// Subscript is Array[Index] (1-based; NULL when out of range).
type Subscript struct {
	Array, Index Expr
	T            *types.T
}

// Type implements Expr.
func (e *Subscript) Type() *types.T { return e.T }
