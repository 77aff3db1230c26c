package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// KeyedTable is a Table clustered on a primary key: rows can be found by
// their key without a scan.
type KeyedTable interface {
	Table
	// PrimaryKey lists the key's attribute indexes (nil = none).
	PrimaryKey() []int
}

// useKeys is the point-lookup rule: a scan filtered by `pk = value` for
// every primary key column, where each value is a constant or parameter,
// reads just that key (Scan.Key), as PostgreSQL's index scan on the
// primary key does for pgbench's statements. The filter stays above the
// scan and re-checks the row. UPDATE and DELETE get the same from their
// WHERE clause.
func useKeys(n Node) {
	switch x := n.(type) {
	case *Filter:
		if s, ok := x.Input.(*Scan); ok {
			s.Key = keyValues(s.Table, x.Cond)
			return
		}
		useKeys(x.Input)
	case *Project:
		useKeys(x.Input)
	case *Limit:
		useKeys(x.Input)
	case *Sort:
		useKeys(x.Input)
	case *Distinct:
		useKeys(x.Input)
	case *Agg:
		useKeys(x.Input)
	case *Join:
		useKeys(x.Left)
		useKeys(x.Right)
	case *Append:
		for _, in := range x.Inputs {
			useKeys(in)
		}
	case *Insert:
		useKeys(x.Input)
	case *Update:
		x.Key = keyValues(x.Table, x.Where)
	case *Delete:
		x.Key = keyValues(x.Table, x.Where)
	}
}

// keyValues returns one expression per primary key column of t that cond
// (over t's columns) requires the column to equal, or nil.
func keyValues(t Table, cond Expr) []Expr {
	kt, ok := t.(KeyedTable)
	if !ok || cond == nil {
		return nil
	}
	pk := kt.PrimaryKey()
	if len(pk) == 0 {
		return nil
	}
	cols := t.Columns()
	eq := map[int]Expr{}
	var visit func(e Expr)
	visit = func(e Expr) {
		switch x := e.(type) {
		case *BoolExpr:
			if x.Op == And {
				for _, a := range x.Args {
					visit(a)
				}
			}
		case *Call:
			if x.Fn.ID != FnEq || len(x.Args) != 2 {
				return
			}
			for i := 0; i < 2; i++ {
				col, ok := keyColumn(x.Args[i])
				if !ok || col >= len(cols) {
					continue
				}
				if v := x.Args[1-i]; isRuntimeConstant(v) && sameKeyType(cols[col].Type, v.Type()) {
					eq[col] = v
				}
			}
		}
	}
	visit(cond)
	out := make([]Expr, len(pk))
	for i, c := range pk {
		if out[i] = eq[c]; out[i] == nil {
			return nil
		}
	}
	return out
}

// keyColumn sees through a widening integer cast of a column reference.
func keyColumn(e Expr) (int, bool) {
	switch x := e.(type) {
	case *ColumnRef:
		return x.Idx, true
	case *Cast:
		if c, ok := x.X.(*ColumnRef); ok && isInt(c.T) && isInt(x.To) {
			return c.Idx, true
		}
	}
	return 0, false
}

// isRuntimeConstant: a constant or parameter, possibly cast.
func isRuntimeConstant(e Expr) bool {
	switch x := e.(type) {
	case *Const, *Param:
		return true
	case *Cast:
		return isRuntimeConstant(x.X)
	}
	return false
}

func isInt(t *types.T) bool {
	return t == types.Int2 || t == types.Int4 || t == types.Int8
}

// sameKeyType reports whether a value of type v encodes to the key of a
// column of type c (integers share one key encoding).
func sameKeyType(c, v *types.T) bool {
	return c.OID == v.OID || (isInt(c) && isInt(v))
}
