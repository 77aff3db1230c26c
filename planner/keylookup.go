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
// its leading columns. Fewer values than key columns read a key range,
// which conditions on the next key column (the one after Values) narrow
// further: Lower and Upper bound it, In lists the values it may take (a
// union of lookups), Like bounds it by the literal prefix of patterns.
// All of them must hold; the executor reads the tightest range they
// allow, in key order (NULLS LAST), or backwards with Reverse. Bounds may
// be loose, never too tight: the Filter above re-checks every row.
type KeyLookup struct {
	Index  int
	Values []Expr
	Lower  []KeyBound
	Upper  []KeyBound
	In     []Expr
	Like   []KeyLike
	// Reverse reads the keys in descending order (NULLs first), for an
	// ORDER BY ... DESC that the key satisfies.
	Reverse bool
	// InArray, when set, is an array (a constant or parameter: `col =
	// ANY ($1)`) whose non-NULL elements are an In list evaluated at run
	// time; In is then nil (see indexonly_any.go).
	InArray Expr
	// IndexOnly reads the secondary index alone, without fetching rows:
	// every column the query reads from the table is in the index entry
	// (see indexonly.go).
	IndexOnly bool
	// wholeIndex marks a key the index-only rule chose to read a whole
	// index instead of the table (no condition, no order).
	wholeIndex bool
}

// KeyBound is one bound of a key range: Value is a constant or parameter
// of the key column's key type; a NULL value matches nothing.
type KeyBound struct {
	Value     Expr
	Inclusive bool
}

// KeyLike is `col LIKE Pattern ESCAPE Escape` on a text key column: the
// pattern's literal prefix (evaluated at run time) bounds the column.
type KeyLike struct {
	Pattern, Escape Expr
}

// useKeys is the key-lookup rule: a scan filtered by conditions on the
// leading columns of the primary key or of a secondary index (`col =
// value` on a prefix, then a range, IN list or LIKE prefix on the next
// column), where each value is a constant or parameter, reads just those
// keys (Scan.Key), as PostgreSQL's index scans do. The filter stays
// above the scan and re-checks each row. UPDATE and DELETE get the same
// from their WHERE clause. Below a LIMIT, an ORDER BY the key's order
// satisfies drops its Sort (see keyorder.go). There are no costs: the
// rule prefers the access path that pins the most key columns (see
// pathScore).
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
	case *Window:
		useKeys(x.Input)
	case *RecursiveUnion:
		useKeys(x.Base)
		useKeys(x.Recursive)
	case *Limit:
		useKeys(x.Input)
		x.Input = dropSort(x.Input)
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
		if x.Source != nil {
			useKeys(x.Source.Plan)
			return
		}
		x.Key = chooseKey(x.Table, x.Where)
	case *Delete:
		if x.Source != nil {
			useKeys(x.Source.Plan)
			return
		}
		x.Key = chooseKey(x.Table, x.Where)
	}
}

// pathScore ranks an access path: a whole unique key first (at most one
// row), then the number of key columns pinned by equality, then an IN
// list over a range (LIKE counts as a range) over nothing on the next
// column, then a unique key over a non-unique one, and the primary key
// over a secondary index (no second lookup per row).
func pathScore(eq, next, keyLen int, unique, primary bool) int {
	s := eq * 1000
	if unique && eq == keyLen {
		s += 1_000_000
	}
	s += next * 100
	if unique {
		s += 10
	}
	if primary {
		s++
	}
	return s
}

// Kinds of condition on the key column after the equality prefix, in
// pathScore's order.
const (
	nextNone = iota
	nextRange
	nextIn
)

// chooseKey returns the best key lookup cond (over t's columns) allows,
// or nil.
func chooseKey(t Table, cond Expr) *KeyLookup {
	kt, ok := t.(KeyedTable)
	if !ok || cond == nil {
		return nil
	}
	cc := conditions(t, cond)
	if len(cc) == 0 {
		return nil
	}
	var best *KeyLookup
	bestScore := 0
	consider := func(index int, cols []int, unique bool) {
		vals := make([]Expr, 0, len(cols))
		for _, c := range cols {
			cs := cc[c]
			if cs == nil || cs.eq == nil {
				break
			}
			vals = append(vals, cs.eq)
		}
		k := &KeyLookup{Index: index, Values: vals}
		next := nextNone
		if len(vals) < len(cols) {
			if cs := cc[cols[len(vals)]]; cs != nil {
				switch {
				case cs.in != nil:
					k.In, next = cs.in, nextIn
				case cs.inArray != nil:
					k.InArray, next = cs.inArray, nextIn
				case len(cs.lower)+len(cs.upper)+len(cs.like) > 0:
					k.Lower, k.Upper, k.Like, next = cs.lower, cs.upper, cs.like, nextRange
				}
			}
		}
		if len(vals) == 0 && next == nextNone {
			return
		}
		if score := pathScore(len(vals), next, len(cols), unique, index == 0); score > bestScore {
			best, bestScore = k, score
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

// colConds are the conditions a filter puts on one column that a key
// lookup can use.
type colConds struct {
	eq           Expr
	lower, upper []KeyBound
	in           []Expr
	like         []KeyLike
	// inArray is `col = ANY (array)` (indexonly_any.go).
	inArray Expr
}

// equalities maps each column of t that cond requires to equal a
// constant or parameter (of the column's key type) to that value.
func equalities(t Table, cond Expr) map[int]Expr {
	eq := map[int]Expr{}
	for c, cs := range conditions(t, cond) {
		if cs.eq != nil {
			eq[c] = cs.eq
		}
	}
	return eq
}

// conditions collects, for each column of t, the conjuncts of cond that
// compare it with a constant or parameter of the column's key type:
// `=`, `<`, `<=`, `>`, `>=` (BETWEEN is bound as two of those), an OR of
// `=` over one column (IN lists), and LIKE on text columns.
func conditions(t Table, cond Expr) map[int]*colConds {
	cols := t.Columns()
	out := map[int]*colConds{}
	get := func(c int) *colConds {
		cs := out[c]
		if cs == nil {
			cs = &colConds{}
			out[c] = cs
		}
		return cs
	}
	var visit func(e Expr)
	visit = func(e Expr) {
		switch x := e.(type) {
		case *BoolExpr:
			switch x.Op {
			case And:
				for _, a := range x.Args {
					visit(a)
				}
			case Or:
				if col, vals, ok := inList(cols, x.Args); ok {
					if cs := get(col); cs.in == nil || len(vals) < len(cs.in) {
						cs.in = vals
					}
				}
			}
		case *ScalarArrayOp:
			if col, arr, ok := anyArray(cols, x); ok {
				get(col).inArray = arr
			}
		case *Call:
			if x.Fn.ID == FnLike && len(x.Args) == 3 {
				col, ok := keyColumn(x.Args[0])
				if ok && col < len(cols) && isLikeKeyType(cols[col].Type) &&
					isRuntimeConstant(x.Args[1]) && isRuntimeConstant(x.Args[2]) {
					cs := get(col)
					cs.like = append(cs.like, KeyLike{Pattern: x.Args[1], Escape: x.Args[2]})
				}
				return
			}
			col, v, op, ok := comparison(cols, x)
			if !ok {
				return
			}
			cs := get(col)
			switch op {
			case FnEq:
				cs.eq = v
			case FnLt, FnLe:
				cs.upper = append(cs.upper, KeyBound{Value: v, Inclusive: op == FnLe})
			case FnGt, FnGe:
				cs.lower = append(cs.lower, KeyBound{Value: v, Inclusive: op == FnGe})
			}
		}
	}
	visit(cond)
	return out
}

// comparison recognizes `col op value` and `value op col` for op one of
// = < <= > >=, with value a constant or parameter of the column's key
// type; op is returned as if the column were on the left.
func comparison(cols []Column, x *Call) (col int, v Expr, op FuncID, ok bool) {
	op = x.Fn.ID
	switch op {
	case FnEq, FnLt, FnLe, FnGt, FnGe:
	default:
		return 0, nil, 0, false
	}
	if len(x.Args) != 2 {
		return 0, nil, 0, false
	}
	for i := 0; i < 2; i++ {
		c, isCol := keyColumn(x.Args[i])
		if !isCol || c >= len(cols) {
			continue
		}
		v := x.Args[1-i]
		if !isRuntimeConstant(v) || !sameKeyType(cols[c].Type, v.Type()) {
			continue
		}
		if op != FnEq && !isRangeKeyType(cols[c].Type) {
			continue
		}
		if i == 1 {
			op = commute(op)
		}
		return c, v, op, true
	}
	return 0, nil, 0, false
}

// commute turns `value op col` into `col op' value`.
func commute(op FuncID) FuncID {
	switch op {
	case FnLt:
		return FnGt
	case FnLe:
		return FnGe
	case FnGt:
		return FnLt
	case FnGe:
		return FnLe
	}
	return op
}

// inList recognizes an IN list as the binder writes it: an OR of `col =
// value` over one column.
func inList(cols []Column, args []Expr) (int, []Expr, bool) {
	col := -1
	vals := make([]Expr, 0, len(args))
	for _, a := range args {
		c, ok := a.(*Call)
		if !ok {
			return 0, nil, false
		}
		k, v, op, ok := comparison(cols, c)
		if !ok || op != FnEq || (col >= 0 && k != col) {
			return 0, nil, false
		}
		col = k
		vals = append(vals, v)
	}
	return col, vals, col >= 0
}

// keyColumn sees through a cast of a column reference that changes
// neither the value nor its key encoding: a widening integer cast,
// float4 to float8, varchar to text. (A narrowing cast can fail where the
// comparison is evaluated; a lookup would skip that row silently.)
func keyColumn(e Expr) (int, bool) {
	switch x := e.(type) {
	case *ColumnRef:
		return x.Idx, true
	case *Cast:
		c, ok := x.X.(*ColumnRef)
		if !ok {
			return 0, false
		}
		from, to := c.T.OID, x.To.OID
		switch {
		case isInt(c.T) && isInt(x.To) && intWidth(from) <= intWidth(to),
			from == types.OidFloat4 && to == types.OidFloat8,
			isTextKey(c.T) && isTextKey(x.To) && x.Typmod < 0:
			return c.Idx, true
		}
	}
	return 0, false
}

func intWidth(o types.OID) int {
	switch o {
	case types.OidInt2:
		return 2
	case types.OidInt4:
		return 4
	}
	return 8
}

// isTextKey: text and varchar share their values and key encoding.
func isTextKey(t *types.T) bool {
	return t.OID == types.OidText || t.OID == types.OidVarchar
}

// isLikeKeyType reports whether LIKE on a column of type t can use its
// key: strings whose key orders bytewise as they are (not bpchar, whose
// key drops trailing spaces).
func isLikeKeyType(t *types.T) bool {
	return isTextKey(t) || t.OID == types.OidName
}

// isRangeKeyType reports whether the key order of type t is the order of
// its < operator, so that a range of keys is a range of values. Arrays
// and jsonb are left out: their orders have corners the key encoding does
// not promise to follow.
func isRangeKeyType(t *types.T) bool {
	switch t.OID {
	case types.OidBool, types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid,
		types.OidFloat4, types.OidFloat8, types.OidNumeric,
		types.OidText, types.OidVarchar, types.OidName, types.OidBpchar, types.OidBytea, types.OidUUID,
		types.OidDate, types.OidTime, types.OidTimestamp, types.OidTimestampTZ, types.OidInterval:
		return true
	}
	return false
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
	return t.OID == types.OidInt2 || t.OID == types.OidInt4 || t.OID == types.OidInt8
}

// sameKeyType reports whether a value of type v encodes to the key of a
// column of type c exactly, and compares with it as the key orders:
// integers share one key encoding, and so do text and varchar, and
// float4 and float8 (float4 values are held as float8 ones). A value
// of another type (numeric against an integer column, say) is compared
// after a cast the key cannot follow, so the key is not used.
func sameKeyType(c, v *types.T) bool {
	return c.OID == v.OID || (isInt(c) && isInt(v)) || (isTextKey(c) && isTextKey(v)) ||
		(isFloat(c) && isFloat(v))
}

func isFloat(t *types.T) bool {
	return t.OID == types.OidFloat4 || t.OID == types.OidFloat8
}
