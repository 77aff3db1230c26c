package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// batchPred is a filter condition prepared for whole batches: its
// conjuncts of the common shapes (column <op> constant, column IN
// (constants); BETWEEN arrives as two comparisons) become kernels, tight
// loops over a batch that cannot fail and have no side effects, and the
// others are evaluated row by row (rest).
type batchPred struct {
	kernels []predKernel
	rest    []planner.Expr
}

// predKernel is one kernel conjunct: column col compared with k by op
// (k first when constLeft), or with any of in (op =, in set).
type predKernel struct {
	col       int
	op        planner.FuncID
	t         *types.T // the comparison's type (its first argument's)
	k         types.Datum
	constLeft bool
	in        []types.Datum // IN list (non-NULL elements), used when isIn
	isIn      bool
	never     bool // a NULL constant: no row passes
}

// pure reports whether evaluating p can neither fail nor have side
// effects, so that it may run ahead of what a consumer asked for.
func (p *batchPred) pure() bool { return len(p.rest) == 0 }

// compilePred prepares cond (nil: none) for this run; parameters are
// resolved now, since they are constant for the run.
func (c *evalCtx) compilePred(cond planner.Expr) *batchPred {
	p := &batchPred{}
	var add func(e planner.Expr)
	add = func(e planner.Expr) {
		if b, ok := e.(*planner.BoolExpr); ok && b.Op == planner.And {
			for _, a := range b.Args {
				add(a)
			}
			return
		}
		if k, ok := c.kernelOf(e); ok {
			p.kernels = append(p.kernels, k)
			return
		}
		p.rest = append(p.rest, e)
	}
	if cond != nil {
		add(cond)
	}
	return p
}

// constValue reports e's value when it is the same for every row of the
// run: a constant or a parameter.
func (c *evalCtx) constValue(e planner.Expr) (types.Datum, bool) {
	switch x := e.(type) {
	case *planner.Const:
		return x.Val, true
	case *planner.Param:
		if x.Idx < len(c.params) {
			return c.params[x.Idx], true
		}
	}
	return nil, false
}

// isCmp reports the comparison operators, whose implementations are all
// compare(Args[0].Type(), a, b) against 0 (ops.go).
func isCmp(id planner.FuncID) bool {
	switch id {
	case planner.FnEq, planner.FnNe, planner.FnLt, planner.FnLe, planner.FnGt, planner.FnGe:
		return true
	}
	return false
}

// kernelOf recognises the conjunct shapes that have kernels.
func (c *evalCtx) kernelOf(e planner.Expr) (predKernel, bool) {
	switch x := e.(type) {
	case *planner.Call:
		if !isCmp(x.Fn.ID) || len(x.Args) != 2 || !x.Fn.Strict || impls[x.Fn.ID] == nil {
			return predKernel{}, false
		}
		k := predKernel{op: x.Fn.ID, t: x.Args[0].Type()}
		col, ok := x.Args[0].(*planner.ColumnRef)
		other := x.Args[1]
		if !ok {
			if col, ok = x.Args[1].(*planner.ColumnRef); !ok {
				return predKernel{}, false
			}
			other, k.constLeft = x.Args[0], true
		}
		v, ok := c.constValue(other)
		if !ok {
			return predKernel{}, false
		}
		k.col, k.k, k.never = col.Idx, v, v == nil
		return k, true
	case *planner.ScalarArrayOp:
		// col = ANY (constant array): IN (...).
		op := x.Op
		if !x.Any || op == nil || op.Fn.ID != planner.FnEq || len(op.Args) != 2 || !op.Fn.Strict {
			return predKernel{}, false
		}
		col, ok := op.Args[0].(*planner.ColumnRef)
		if _, isElem := op.Args[1].(*planner.ArrayElem); !ok || !isElem {
			return predKernel{}, false
		}
		v, ok := c.constValue(x.R)
		if !ok {
			return predKernel{}, false
		}
		k := predKernel{col: col.Idx, op: planner.FnEq, t: op.Args[0].Type(), isIn: true, never: v == nil}
		if v != nil {
			arr, ok := v.(*types.Array)
			if !ok {
				return predKernel{}, false
			}
			for _, el := range arr.Elems {
				if el != nil {
					// A NULL element makes a non-match NULL, which a
					// filter treats as false anyway.
					k.in = append(k.in, el)
				}
			}
		}
		return k, true
	}
	return predKernel{}, false
}

// cmpHolds is op applied to compare's result r.
func cmpHolds(op planner.FuncID, r int) bool {
	switch op {
	case planner.FnEq:
		return r == 0
	case planner.FnNe:
		return r != 0
	case planner.FnLt:
		return r < 0
	case planner.FnLe:
		return r <= 0
	case planner.FnGt:
		return r > 0
	}
	return r >= 0
}

// cmpInt compares two integers as compare does.
func cmpInt[T int64 | types.DateVal](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// applyInt is apply's tight loop for a fixed-width constant kv of the
// column's Go type T; keep records a passing row and applyInt returns the
// count kept.
func applyInt[T int64 | types.DateVal](k *predKernel, rows [][]types.Datum, kv T, keep func(int)) int {
	n := 0
	for i, row := range rows {
		v, ok := row[k.col].(T)
		if !ok {
			if row[k.col] != nil && k.holdsSlow(row[k.col]) {
				keep(i)
				n++
			}
			continue
		}
		r := cmpInt(v, kv)
		if k.constLeft {
			r = -r
		}
		if cmpHolds(k.op, r) {
			keep(i)
			n++
		}
	}
	return n
}

// apply keeps the rows of rows[:n] (and the matching entries of sel)
// that pass k, in order, and returns how many there are.
func (k *predKernel) apply(rows [][]types.Datum, sel []int32) int {
	if k.never {
		return 0
	}
	out := 0
	keep := func(i int) {
		rows[out], sel[out] = rows[i], sel[i]
		out++
	}
	col := k.col
	if k.isIn {
		for i, row := range rows {
			v := row[col]
			if v == nil {
				continue
			}
			for _, el := range k.in {
				if compare(k.t, v, el) == 0 {
					keep(i)
					break
				}
			}
		}
		return out
	}
	// Tight loops for the fixed-width types, compare for the rest. The
	// constant's Go type decides: a column value of another type (never
	// expected) takes compare like any other.
	switch kv := k.k.(type) {
	case int64:
		if isIntType(k.t) {
			return applyInt(k, rows, kv, keep)
		}
	case types.DateVal:
		return applyInt(k, rows, kv, keep)
	}
	for i, row := range rows {
		if v := row[col]; v != nil && k.holdsSlow(v) {
			keep(i)
		}
	}
	return out
}

// holdsSlow is the kernel's test through compare, exactly as the
// operator's implementation computes it.
func (k *predKernel) holdsSlow(v types.Datum) bool {
	if k.constLeft {
		return cmpHolds(k.op, compare(k.t, k.k, v))
	}
	return cmpHolds(k.op, compare(k.t, v, k.k))
}

// selectRows keeps the rows that satisfy p, compacting rows and sel (sel
// carries each row's index in the caller's numbering) in place, and
// returns how many are left.
func (c *evalCtx) selectRows(p *batchPred, rows [][]types.Datum, sel []int32) (int, error) {
	n := len(rows)
	for i := range p.kernels {
		if n == 0 {
			return 0, nil
		}
		n = p.kernels[i].apply(rows[:n], sel[:n])
	}
	if len(p.rest) == 0 {
		return n, nil
	}
	saved := c.row
	defer func() { c.row = saved }()
	out := 0
rows:
	for i := 0; i < n; i++ {
		c.row = rows[i]
		for _, e := range p.rest {
			v, err := c.eval(e)
			if err != nil {
				return 0, err
			}
			if v != true {
				continue rows
			}
		}
		rows[out], sel[out] = rows[i], sel[i]
		out++
	}
	return out, nil
}
