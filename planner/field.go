package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"strconv"
	"strings"
	"sync"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Composite (record) values and field selection.
//
// A record-typed expression has a *types.T with PostgreSQL's OID 2249
// (record) that also identifies its shape: RecordType interns one copy of
// types.Record per list of field names and types, and RecordFields reads
// the shape back. The shape therefore travels with the type through
// derived tables, CTEs and joins, so pgjdbc's
// `(SELECT information_schema._pg_expandarray(i.indkey) AS keys ...) i`
// followed by `(i.keys).x` binds.
//
// At run time a record is its text form, record_out's `(1,"a b",)`, a
// string: every operator that handles values generically (DISTINCT,
// sorting, hashing, output, casts to text) then works on records without
// knowing them, and a field selection reads the field back with the
// field type's input function, as record_in does (executor/eval/record.go).
// Ordering and equality of records are therefore textual, not
// field-wise as in PostgreSQL (row constructors compared with < or =
// are expanded field by field at binding, so those are exact).
//
// sql/parser rewrites `(expr).name` to nqdb_field(expr, 'name'), which
// binds to a FieldSelect call; `(expr).*` in a select list expands to one
// FieldSelect per field, as does a composite-returning function in FROM
// (nqdb_from_func). ROW(a, b) and (a, b) build records with fields f1,
// f2, ...; a table's name where a column is expected is its whole row.

type recordShape struct {
	names []string
	types []*types.T
}

var (
	recordMu     sync.Mutex
	recordByKey  = map[string]*types.T{}
	recordShapes = map[*types.T]*recordShape{}
)

// RecordType returns the record type with the given field names and
// types (interned: equal shapes give the same pointer).
func RecordType(names []string, ts []*types.T) *types.T {
	var sb strings.Builder
	for i, n := range names {
		sb.WriteString(n)
		sb.WriteByte(0)
		sb.WriteString(strconv.FormatUint(uint64(ts[i].OID), 10))
		sb.WriteByte(0)
	}
	key := sb.String()
	recordMu.Lock()
	defer recordMu.Unlock()
	if t, ok := recordByKey[key]; ok {
		return t
	}
	t := new(types.T)
	*t = *types.Record
	recordByKey[key] = t
	recordShapes[t] = &recordShape{names: append([]string(nil), names...), types: append([]*types.T(nil), ts...)}
	return t
}

// RecordFields returns the field names and types of a record type made by
// RecordType; ok is false for other types (and for an anonymous record
// whose shape is unknown).
func RecordFields(t *types.T) (names []string, ts []*types.T, ok bool) {
	if t == nil || t.OID != types.OidRecord {
		return nil, nil, false
	}
	recordMu.Lock()
	s := recordShapes[t]
	recordMu.Unlock()
	if s == nil {
		return nil, nil, false
	}
	return s.names, s.types, true
}

// Functions that make and take apart records; the binder builds their
// calls directly (they have no SQL names to resolve).
var (
	fieldSelectFn = &Func{ID: FnFieldSelect, Name: "nqdb_field", Strict: true}
	rowFn         = &Func{ID: FnRow, Name: "row"}
)

func init() {
	srf := func(f *Func) { retset[f.ID] = true }
	// _pg_expandarray(anyarray) returns setof record (x anyelement, n int):
	// its result type is fixed at binding (bindExpandArray).
	// Registered under its qualified name: information_schema is not on
	// the search path, so a bare _pg_expandarray does not exist.
	f := addFn(expandArrayName, FnPgExpandArray, types.Record, AnyArrayType)
	f.Volatility = Volatile
	srf(f)
}

const expandArrayName = "information_schema._pg_expandarray"

// FieldSelectIndex returns the field index of a FieldSelect call.
func FieldSelectIndex(c *Call) int {
	return int(c.Args[1].(*Const).Val.(int64))
}

// fieldSelect is field i of the record expression rec.
func fieldSelect(rec Expr, i int) *Call {
	_, ts, _ := RecordFields(rec.Type())
	return &Call{Fn: fieldSelectFn, Args: []Expr{rec, &Const{Val: int64(i), T: types.Int4}}, T: ts[i]}
}

// rowExpr builds ROW(args...) with fields f1, f2, ...
func rowExpr(args []Expr) *Call {
	names := make([]string, len(args))
	ts := make([]*types.T, len(args))
	for i, a := range args {
		names[i] = "f" + strconv.Itoa(i+1)
		ts[i] = a.Type()
	}
	return &Call{Fn: rowFn, Args: args, T: RecordType(names, ts)}
}

// bindExpandArray binds information_schema._pg_expandarray(arr): setof
// record (x element, n int4), x each element and n its 1-based position.
func (b *binder) bindExpandArray(x *ast.FuncCallExpr) (Expr, error) {
	e, err := b.callAST(expandArrayName, x.Args, x)
	if err != nil {
		return nil, err
	}
	c := e.(*Call)
	elem := c.Args[0].Type().Elem
	if elem == nil {
		elem = types.Text
	}
	c.T = RecordType([]string{"x", "n"}, []*types.T{elem, types.Int4})
	return c, nil
}

// fieldName returns the field name of an nqdb_field call's second
// argument.
func fieldName(x *ast.FuncCallExpr) (string, bool) {
	if len(x.Args) != 2 {
		return "", false
	}
	v, ok := x.Args[1].(*test_driver.ValueExpr)
	if !ok {
		return "", false
	}
	return v.GetString(), true
}

// bindField binds nqdb_field(expr, 'name'): (expr).name.
func (b *binder) bindField(x *ast.FuncCallExpr) (Expr, error) {
	name, ok := fieldName(x)
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \".\"").WithPosition(pos(x))
	}
	if name == "*" {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "row expansion via \"*\" is not supported here").WithPosition(pos(x))
	}
	rec, err := b.bindRecordOperand(x.Args[0], name)
	if err != nil {
		return nil, err
	}
	// PostgreSQL points at the operand inside the parentheses.
	return b.selectField(rec, name, unparen(x.Args[0]))
}

// bindRecordOperand binds the operand of a field selection. (t).c with t
// a table (not a column) is the column t.c, returned wrapped in
// wholeRowField for selectField to pass on.
func (b *binder) bindRecordOperand(arg ast.ExprNode, field string) (Expr, error) {
	rec, err := b.bindExpr(arg)
	if err == nil {
		return rec, nil
	}
	cn, ok := unparen(arg).(*ast.ColumnNameExpr)
	if pe := pgerror.From(err); !ok || pe == nil || pe.Code != pgerror.UndefinedColumn || cn.Name.Table.O != "" || field == "*" {
		return nil, err
	}
	// A whole-row reference: (t).c is t.c.
	ref := &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: cn.Name.Name, Name: ast.NewCIStr(field)}}
	ref.SetOriginTextPosition(cn.OriginTextPosition())
	if e, err2 := b.bindExpr(ref); err2 == nil {
		return &wholeRowField{e}, nil
	}
	return nil, err
}

// wholeRowField marks an operand already resolved to the selected column.
type wholeRowField struct{ Expr }

func (b *binder) selectField(rec Expr, name string, at ast.Node) (Expr, error) {
	if w, ok := rec.(*wholeRowField); ok {
		return w.Expr, nil
	}
	t := rec.Type()
	if t.OID != types.OidRecord {
		return nil, pgerror.New(pgerror.WrongObjectType, "column notation .%s applied to type %s, which is not a composite type", name, types.FormatType(t, -1)).WithPosition(pos(at))
	}
	names, _, _ := RecordFields(t)
	for i, n := range names {
		if n == name {
			return fieldSelect(rec, i), nil
		}
	}
	// Every record here is PostgreSQL's anonymous record type (a table's
	// named row type would say `column "y" not found in data type t`).
	return nil, pgerror.New(pgerror.UndefinedColumn, "could not identify column \"%s\" in record data type", name).WithPosition(pos(at))
}

// bindFieldStar binds a select-list item that may expand into several
// columns: (expr).* and a function in FROM (nqdb_from_func). ok is false
// for any other item.
func (b *binder) bindFieldStar(f *ast.SelectField) (exprs []Expr, cols []Column, ok bool, err error) {
	x, isCall := f.Expr.(*ast.FuncCallExpr)
	if !isCall {
		return nil, nil, false, nil
	}
	switch funcName(x) {
	case "nqdb_field":
		if name, _ := fieldName(x); name != "*" {
			return nil, nil, false, nil
		}
		rec, err := b.bindRecordStarOperand(x.Args[0])
		if err != nil {
			return nil, nil, true, err
		}
		if ws, isWhole := rec.(*wholeRowStar); isWhole {
			return ws.exprs, ws.cols, true, nil
		}
		names, _, known := RecordFields(rec.Type())
		if !known {
			return nil, nil, true, pgerror.New(pgerror.WrongObjectType, "type %s is not composite", rec.Type().Name).WithPosition(pos(x))
		}
		for i, n := range names {
			e := fieldSelect(rec, i)
			exprs = append(exprs, e)
			cols = append(cols, Column{Name: n, Type: e.T, Typmod: -1})
		}
		return exprs, cols, true, nil
	case "nqdb_from_func":
		if len(x.Args) != 1 {
			return nil, nil, false, nil
		}
		e, err := b.bindExpr(x.Args[0])
		if err != nil {
			return nil, nil, true, err
		}
		if names, _, known := RecordFields(e.Type()); known {
			for i, n := range names {
				fe := fieldSelect(e, i)
				exprs = append(exprs, fe)
				cols = append(cols, Column{Name: n, Type: fe.T, Typmod: -1})
			}
			return exprs, cols, true, nil
		}
		if e.Type().OID == types.OidUnknown {
			if e, err = b.coerce(e, types.Text, -1, false, x.Args[0]); err != nil {
				return nil, nil, true, err
			}
		}
		name := f.AsName.O
		if name == "" {
			name, _ = colName(x.Args[0])
		}
		return []Expr{e}, []Column{{Name: name, Type: e.Type(), Typmod: typmodOf(e)}}, true, nil
	}
	return nil, nil, false, nil
}

// wholeRowStar is (t).* with t a table: its columns.
type wholeRowStar struct {
	Expr
	exprs []Expr
	cols  []Column
}

func (b *binder) bindRecordStarOperand(arg ast.ExprNode) (Expr, error) {
	rec, err := b.bindExpr(arg)
	if err == nil {
		return rec, nil
	}
	cn, ok := unparen(arg).(*ast.ColumnNameExpr)
	if pe := pgerror.From(err); !ok || pe == nil || pe.Code != pgerror.UndefinedColumn || cn.Name.Table.O != "" {
		return nil, err
	}
	tbl := cn.Name.Name.O
	ws := &wholeRowStar{}
	for i, c := range b.scope.cols {
		if c.table == tbl {
			ws.exprs = append(ws.exprs, &ColumnRef{Idx: i, T: c.t})
			ws.cols = append(ws.cols, Column{Name: c.name, Type: c.t, Typmod: c.typmod, TableOID: c.tableOID, AttNum: c.attNum})
		}
	}
	if len(ws.exprs) == 0 {
		return nil, err
	}
	ws.Expr = ws.exprs[0]
	return ws, nil
}

// fieldOverSRF reports whether e is a field selection (possibly nested)
// over a set-returning call, which a ProjectSet runs as that call.
func fieldOverSRF(e Expr) bool {
	c, ok := e.(*Call)
	for ok && c.Fn.ID == FnFieldSelect {
		c, ok = c.Args[0].(*Call)
	}
	return ok && retset[c.Fn.ID]
}

// bindRow binds ROW(a, b, ...) and (a, b, ...): a record with fields f1,
// f2, ...; unknown literals become text, as PostgreSQL's transformRowExpr
// leaves them to record_out.
func (b *binder) bindRow(x *ast.RowExpr) (Expr, error) {
	args := make([]Expr, len(x.Values))
	for i, v := range x.Values {
		e, err := b.bindExpr(v)
		if err != nil {
			return nil, err
		}
		if e.Type().OID == types.OidUnknown {
			if e, err = b.coerce(e, types.Text, -1, false, v); err != nil {
				return nil, err
			}
		}
		args[i] = e
	}
	return rowExpr(args), nil
}

// wholeRow returns the row of FROM item tbl as a record, fields named
// after its columns (nil when the scope has no such item).
func (b *binder) wholeRow(tbl string) Expr {
	var args []Expr
	var names []string
	for i, c := range b.scope.cols {
		if c.table == tbl && !c.hidden {
			args = append(args, &ColumnRef{Idx: i, T: c.t})
			names = append(names, c.name)
		}
	}
	if len(args) == 0 {
		return nil
	}
	ts := make([]*types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	return &Call{Fn: rowFn, Args: args, T: RecordType(names, ts)}
}

// rowOperands returns the fields of both sides of a comparison between
// two row constructors, (a, b) op (c, d).
func rowOperands(x *ast.BinaryOperationExpr) (l, r []ast.ExprNode, ok bool) {
	lr, ok1 := asRowExpr(x.L)
	rr, ok2 := asRowExpr(x.R)
	if !ok1 || !ok2 {
		return nil, nil, false
	}
	return lr.Values, rr.Values, true
}

// bindRowCompare binds a comparison of two row constructors as
// PostgreSQL's make_row_comparison_op does: = is the AND of the pairs'
// equalities, <> the OR of their inequalities, IS NOT DISTINCT FROM the
// AND of the pairs', and < <= > >= compare lexicographically:
// l1 < r1 OR (l1 = r1 AND rest), which gives RowCompareExpr's NULL
// results too (a NULL pair before the deciding one makes the result
// NULL).
func (b *binder) bindRowCompare(x *ast.BinaryOperationExpr, l, r []ast.ExprNode) (Expr, error) {
	if len(l) != len(r) {
		return nil, pgerror.New(pgerror.SyntaxError, "unequal number of entries in row expressions").WithPosition(b.opPos(x.R, binaryOpNames[x.Op], x))
	}
	pair := func(op opcode.Op, i int) (Expr, error) {
		n := &ast.BinaryOperationExpr{Op: op, L: l[i], R: r[i]}
		n.SetOriginTextPosition(x.OriginTextPosition())
		return b.bindBinary(n)
	}
	all := func(op opcode.Op, bop BoolOp) (Expr, error) {
		args := make([]Expr, len(l))
		for i := range l {
			e, err := pair(op, i)
			if err != nil {
				return nil, err
			}
			args[i] = e
		}
		if len(args) == 1 {
			return args[0], nil
		}
		return &BoolExpr{Op: bop, Args: args}, nil
	}
	switch x.Op {
	case opcode.EQ, opcode.NullEQ:
		return all(x.Op, And)
	case opcode.NE:
		return all(x.Op, Or)
	case opcode.LT, opcode.LE, opcode.GT, opcode.GE:
		strict := opcode.LT
		if x.Op == opcode.GT || x.Op == opcode.GE {
			strict = opcode.GT
		}
		var build func(i int) (Expr, error)
		build = func(i int) (Expr, error) {
			if i == len(l)-1 {
				return pair(x.Op, i)
			}
			s, err := pair(strict, i)
			if err != nil {
				return nil, err
			}
			eq, err := pair(opcode.EQ, i)
			if err != nil {
				return nil, err
			}
			rest, err := build(i + 1)
			if err != nil {
				return nil, err
			}
			return &BoolExpr{Op: Or, Args: []Expr{s, &BoolExpr{Op: And, Args: []Expr{eq, rest}}}}, nil
		}
		if len(l) == 0 {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot compare rows of zero length").WithPosition(pos(x))
		}
		return build(0)
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "row comparison with this operator is not supported").WithPosition(pos(x))
}

// bindRowIn binds (a, b) [NOT] IN ((c, d), ...) as the OR of the row
// equalities (NOT of it), as PostgreSQL's transformAExprIn does for rows.
// ok is false when x is no IN over a list of row constructors.
func (b *binder) bindRowIn(x *ast.PatternInExpr) (Expr, bool, error) {
	l, isRow := asRowExpr(x.Expr)
	if !isRow || x.Sel != nil || len(x.List) == 0 {
		return nil, false, nil
	}
	args := make([]Expr, 0, len(x.List))
	for _, item := range x.List {
		r, ok := asRowExpr(item)
		if !ok {
			return nil, false, nil
		}
		n := &ast.BinaryOperationExpr{Op: opcode.EQ, L: l, R: r}
		n.SetOriginTextPosition(x.OriginTextPosition())
		e, err := b.bindRowCompare(n, l.Values, r.Values)
		if err != nil {
			return nil, true, err
		}
		args = append(args, e)
	}
	var e Expr = &BoolExpr{Op: Or, Args: args}
	if len(args) == 1 {
		e = args[0]
	}
	if x.Not {
		e = &BoolExpr{Op: Not, Args: []Expr{e}}
	}
	return e, true, nil
}

// bindRowNullTest binds ROW(...) IS [NOT] NULL: true when every field is
// NULL (IS NOT NULL: when none is), as PostgreSQL's ExecEvalRowNull does.
func (b *binder) bindRowNullTest(x *ast.IsNullExpr) (Expr, bool, error) {
	r, isRow := asRowExpr(x.Expr)
	if !isRow || len(r.Values) == 0 {
		return nil, false, nil
	}
	args := make([]Expr, len(r.Values))
	for i, v := range r.Values {
		e, err := b.bindExpr(v)
		if err != nil {
			return nil, true, err
		}
		args[i] = &NullTest{X: e, Not: x.Not}
	}
	if len(args) == 1 {
		return args[0], true, nil
	}
	return &BoolExpr{Op: And, Args: args}, true, nil
}

// asRowExpr returns n as a row constructor: TiDB's RowExpr, or a one-field
// ROW(x) that sql/parser spells parser.RowFunc(x).
func asRowExpr(n ast.ExprNode) (*ast.RowExpr, bool) {
	switch x := unparen(n).(type) {
	case *ast.RowExpr:
		return x, true
	case *ast.FuncCallExpr:
		if x.FnName.L == parser.RowFunc {
			return &ast.RowExpr{Values: x.Args}, true
		}
	}
	return nil, false
}
