package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// KeyedTable is a Table clustered on a primary key, possibly with
// secondary indexes: rows can be found by key without a scan.
type KeyedTable interface {
	Table
	// PrimaryKey lists the key's attribute indexes (nil = none).
	PrimaryKey() []int
	// Indexes lists the secondary indexes.
	Indexes() []Index
}

// Index is a secondary index as the planner sees it.
type Index struct {
	Name string
	// Columns are the key's attribute indexes, in key order.
	Columns []int
	Unique  bool
}

// KeyLookup is an access path: the rows whose key (the primary key when
// Index is 0, else the secondary index Indexes()[Index-1]) has Values as
// its leading columns. Fewer values than key columns read a key range.
type KeyLookup struct {
	Index  int
	Values []Expr
}

// useKeys is the key-lookup rule: a scan filtered by `col = value` on the
// leading columns of the primary key or of a secondary index, where each
// value is a constant or parameter, reads just those keys (Scan.Key), as
// PostgreSQL's index scans do for pgbench's statements. The filter stays
// above the scan and re-checks each row. UPDATE and DELETE get the same
// from their WHERE clause. Range conditions and costs are the planner
// issue's; this rule prefers the access path that pins the most key
// columns, a full primary key first.
func useKeys(n Node) {
	switch x := n.(type) {
	case *Filter:
		if s, ok := x.Input.(*Scan); ok {
			s.Key = chooseKey(s.Table, x.Cond)
			return
		}
		useKeys(x.Input)
	case *Project:
		useKeys(x.Input)
	case *ProjectSet:
		useKeys(x.Input)
	case *Limit:
		useKeys(x.Input)
	case *Sort:
		useKeys(x.Input)
	case *LockRows:
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
		x.Key = chooseKey(x.Table, x.Where)
	case *Delete:
		x.Key = chooseKey(x.Table, x.Where)
	}
}

// chooseKey returns the best key lookup cond (over t's columns) allows,
// or nil.
func chooseKey(t Table, cond Expr) *KeyLookup {
	kt, ok := t.(KeyedTable)
	if !ok || cond == nil {
		return nil
	}
	eq := equalities(t, cond)
	if len(eq) == 0 {
		return nil
	}
	var best *KeyLookup
	bestScore := 0
	consider := func(index int, cols []int, unique bool) {
		vals := make([]Expr, 0, len(cols))
		for _, c := range cols {
			v := eq[c]
			if v == nil {
				break
			}
			vals = append(vals, v)
		}
		if len(vals) == 0 {
			return
		}
		// A whole unique key finds at most one row: better than any
		// prefix. Otherwise more pinned columns are better; the primary
		// key wins ties (no second lookup per row).
		score := 2 * len(vals)
		if len(vals) == len(cols) && unique {
			score += 1000
		}
		if index == 0 {
			score++
		}
		if score > bestScore {
			best, bestScore = &KeyLookup{Index: index, Values: vals}, score
		}
	}
	if pk := kt.PrimaryKey(); len(pk) > 0 {
		consider(0, pk, true)
	}
	for i, ix := range kt.Indexes() {
		consider(i+1, ix.Columns, ix.Unique)
	}
	return best
}

// equalities maps each column of t that cond requires to equal a
// constant or parameter (of the column's key type) to that value.
func equalities(t Table, cond Expr) map[int]Expr {
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
	return eq
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
	case *Const, *Param, *OuterRef:
		// An outer reference is fixed while a correlated subquery runs.
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
