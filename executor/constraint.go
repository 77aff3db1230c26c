package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// CHECK and FOREIGN KEY constraints.
//
// A table's constraints live in its catalog row (tableDef.cons, JSON in
// tableRecord.Cons) and so follow its DDL transactionally. A CHECK keeps
// its expression as the TiDB parser's text of it (parser.RestoreExpr, read
// back with parser.ParseExpr), bound on first use per table version as
// `SELECT <expr> FROM t` so that the planner's name resolution and
// operator rules apply; eval runs it after NOT NULL on every row INSERT,
// UPDATE, ON CONFLICT DO UPDATE and COPY write (eval.Checker). Its display
// text (pg_get_constraintdef) is deparsed from the bound expression in
// PostgreSQL's style: CHECK ((a > 0)).
//
// A FOREIGN KEY is kept on the referencing (child) table; the referenced
// (parent) side is found through a per-catalog-version map (referencing).
// Writes queue RI events in the session (riEvent) and the statement's end
// (eval.StatementEnder) works them off, as PostgreSQL's RI triggers fire
// at the end of the statement: a child row's key must exist in the
// parent, whose row is locked in shared mode (PostgreSQL's FOR KEY SHARE)
// so that a concurrent delete of it waits; a parent row deleted or whose
// key changed has its children checked (NO ACTION, RESTRICT) or changed
// (CASCADE, SET NULL, SET DEFAULT). Child rows are found through an index
// or primary key whose leading columns are the foreign key's, else by a
// scan. Under READ COMMITTED the checks read with a fresh snapshot, as
// PostgreSQL's RI queries do.

// FK actions and match types as pg_constraint spells them.
const (
	fkNoAction   = 'a'
	fkRestrict   = 'r'
	fkCascade    = 'c'
	fkSetNull    = 'n'
	fkSetDefault = 'd'
	fkMatchFull  = 'f'
	fkMatchSimp  = 's'
)

// checkDef is one CHECK constraint.
type checkDef struct {
	OID  uint32 `json:"oid"`
	Name string `json:"name"`
	// Expr is the TiDB text of the expression (parser.ParseExpr reads it).
	Expr string `json:"expr"`
	// Display is the expression as pg_get_constraintdef prints it inside
	// CHECK (...), e.g. "(a > 0)"; Pretty as its pretty form does ("a > 0").
	Display string `json:"display"`
	Pretty  string `json:"pretty"`
	// Cols are the columns the expression uses (0-based), for conkey.
	Cols     []int `json:"cols,omitempty"`
	NotValid bool  `json:"not_valid,omitempty"`
}

// fkDef is one FOREIGN KEY constraint of the referencing table.
type fkDef struct {
	OID  uint32 `json:"oid"`
	Name string `json:"name"`
	// Cols are the referencing columns, RefCols the referenced table's,
	// pairwise.
	Cols     []int  `json:"cols"`
	RefOID   uint32 `json:"ref"`
	RefCols  []int  `json:"ref_cols"`
	OnDelete byte   `json:"on_delete"`
	OnUpdate byte   `json:"on_update"`
	Match    byte   `json:"match"`
}

// constraints are a table's CHECK and FOREIGN KEY constraints; immutable
// once built except for the bound checks, cached on first use.
type constraints struct {
	Checks []*checkDef `json:"checks,omitempty"`
	FKeys  []*fkDef    `json:"fkeys,omitempty"`

	once  sync.Once
	bound []eval.Check
	err   error
}

// clone copies c for a new version of its table, renumbering columns
// with shift (nil: unchanged); nil when nothing is left.
func (c *constraints) clone(shift func(int) int) *constraints {
	if c == nil || len(c.Checks)+len(c.FKeys) == 0 {
		return nil
	}
	sh := func(cols []int) []int {
		if shift == nil {
			return cols
		}
		out := make([]int, len(cols))
		for i, x := range cols {
			out[i] = shift(x)
		}
		return out
	}
	n := &constraints{}
	for _, ch := range c.Checks {
		cp := *ch
		cp.Cols = sh(ch.Cols)
		n.Checks = append(n.Checks, &cp)
	}
	for _, fk := range c.FKeys {
		cp := *fk
		cp.Cols = sh(fk.Cols)
		n.FKeys = append(n.FKeys, &cp)
	}
	return n
}

// consRecord is the JSON form of constraints in the table's catalog row.
func (c *constraints) record() json.RawMessage {
	if c == nil || len(c.Checks)+len(c.FKeys) == 0 {
		return nil
	}
	b, _ := json.Marshal(struct {
		Checks []*checkDef `json:"checks,omitempty"`
		FKeys  []*fkDef    `json:"fkeys,omitempty"`
	}{c.Checks, c.FKeys})
	return b
}

func constraintsFromRecord(raw json.RawMessage) (*constraints, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	c := &constraints{}
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("catalog: constraints: %w", err)
	}
	return c, nil
}

// maxConstraintOID is the largest OID c uses (0 when none).
func (c *constraints) maxOID() uint32 {
	var m uint32
	if c == nil {
		return 0
	}
	for _, ch := range c.Checks {
		m = max(m, ch.OID)
	}
	for _, fk := range c.FKeys {
		m = max(m, fk.OID)
	}
	return m
}

// carryConstraints gives nt (a new version of old with the same columns)
// old's constraints.
// carryConstraints moves what a rebuilt def keeps of the old one beyond
// columns and keys: its constraints, and the materialized view's query.
func carryConstraints(old, nt *tableDef) {
	nt.cons = old.cons.clone(nil)
	nt.mat = old.mat
}

// ---- CHECK binding ----

// checkCatalog resolves the table a CHECK is bound over to the def being
// built (which the session may not see under that name yet) and
// everything else through the session.
type checkCatalog struct {
	*Session
	t *tableDef
}

func (c checkCatalog) LookupTable(schema, name string) (planner.Table, error) {
	if name == c.t.name && (schema == "" || schema == c.t.schema) {
		return c.t, nil
	}
	return c.Session.LookupTable(schema, name)
}

// bindCheck binds e over t's columns: a boolean expression whose
// ColumnRefs index t's columns.
func (s *Session) bindCheck(t *tableDef, e ast.ExprNode) (planner.Expr, error) {
	if err := refuseInCheck(e); err != nil {
		return nil, err
	}
	sel := &ast.SelectStmt{
		Kind:           ast.SelectStmtKindSelect,
		SelectStmtOpts: &ast.SelectStmtOpts{SQLCache: true},
		Fields:         &ast.FieldList{Fields: []*ast.SelectField{{Expr: e}}},
		From: &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{
			Source: &ast.TableName{Name: ast.NewCIStr(t.name)}}}},
	}
	q, err := planner.BuildWith(sel, nil, checkCatalog{s, t}, &s.fo)
	if err != nil {
		return nil, err
	}
	p, ok := q.Root.(*planner.Project)
	if !ok || len(p.Exprs) != 1 {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in check constraints")
	}
	if _, ok := p.Input.(*planner.Scan); !ok {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in check constraints")
	}
	x := p.Exprs[0]
	if x.Type().OID != types.OidBool {
		if c, ok := x.(*planner.Const); ok && x.Type().OID == types.OidUnknown {
			v, err := types.ParseText(types.Bool, fmt.Sprint(c.Val), &s.fo)
			if err != nil {
				return nil, err
			}
			return &planner.Const{Val: v, T: types.Bool}, nil
		}
		return nil, pgerror.New(pgerror.DatatypeMismatch, "argument of CHECK must be type boolean, not type %s", x.Type().SQLName).
			WithPosition(e.OriginTextPosition() + 1)
	}
	return x, nil
}

// refuseInCheck rejects what PostgreSQL refuses in a CHECK expression
// (subqueries, aggregates, window functions), pointing at it.
func refuseInCheck(e ast.ExprNode) error {
	v := &refusedFinder{}
	e.Accept(v)
	if v.err != nil {
		return v.err
	}
	return nil
}

type refusedFinder struct{ err error }

func (v *refusedFinder) Enter(n ast.Node) (ast.Node, bool) {
	if v.err != nil {
		return n, true
	}
	if pm, ok := n.(*driver.ParamMarkerExpr); ok {
		v.err = pgerror.New(pgerror.UndefinedParameter, "there is no parameter $%d", pm.Order+1).
			WithPosition(pm.Offset + 1)
		return n, true
	}
	switch x := n.(type) {
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
		v.err = pgerror.New(pgerror.FeatureNotSupported, "cannot use subquery in check constraint").
			WithPosition(x.(ast.ExprNode).OriginTextPosition() + 1)
		return n, true
	case *ast.AggregateFuncExpr:
		v.err = pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in check constraints").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	case *ast.WindowFuncExpr:
		v.err = pgerror.New(pgerror.WindowingError, "window functions are not allowed in check constraints").
			WithPosition(x.OriginTextPosition() + 1)
		return n, true
	}
	return n, false
}

func (v *refusedFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// Checks implements eval.Checker: t's CHECK constraints bound, sorted by
// name as PostgreSQL evaluates them.
func (a *tableAccess) Checks() ([]eval.Check, error) {
	c := a.t.cons
	if c == nil || len(c.Checks) == 0 {
		return nil, nil
	}
	c.once.Do(func() {
		list := append([]*checkDef(nil), c.Checks...)
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		for _, ch := range list {
			e, err := parser.ParseExpr(ch.Expr)
			if err != nil {
				c.err = err
				return
			}
			x, err := a.s.bindCheck(a.t, e)
			if err != nil {
				c.err = stripPos(err)
				return
			}
			c.bound = append(c.bound, eval.Check{Name: ch.Name, Expr: x})
		}
	})
	return c.bound, c.err
}

// exprColumns lists the distinct columns e refers to, in order of first
// use.
func exprColumns(e planner.Expr) []int {
	var out []int
	seen := map[int]bool{}
	walkExpr(e, func(x planner.Expr) {
		if c, ok := x.(*planner.ColumnRef); ok && !seen[c.Idx] {
			seen[c.Idx] = true
			out = append(out, c.Idx)
		}
	})
	return out
}

func walkExpr(e planner.Expr, f func(planner.Expr)) {
	if e == nil {
		return
	}
	f(e)
	switch x := e.(type) {
	case *planner.Cast:
		walkExpr(x.X, f)
	case *planner.Call:
		for _, a := range x.Args {
			walkExpr(a, f)
		}
	case *planner.BoolExpr:
		for _, a := range x.Args {
			walkExpr(a, f)
		}
	case *planner.NotDistinct:
		walkExpr(x.L, f)
		walkExpr(x.R, f)
	case *planner.NullTest:
		walkExpr(x.X, f)
	case *planner.TruthTest:
		walkExpr(x.X, f)
	case *planner.Case:
		for _, w := range x.Whens {
			walkExpr(w.Cond, f)
			walkExpr(w.Result, f)
		}
		walkExpr(x.Else, f)
	case *planner.Coalesce:
		for _, a := range x.Args {
			walkExpr(a, f)
		}
	case *planner.NullIf:
		walkExpr(x.Args[0], f)
		walkExpr(x.Args[1], f)
	case *planner.MinMax:
		for _, a := range x.Args {
			walkExpr(a, f)
		}
	case *planner.ArrayExpr:
		for _, a := range x.Elems {
			walkExpr(a, f)
		}
	case *planner.ScalarArrayOp:
		walkExpr(x.Op, f)
		walkExpr(x.R, f)
	case *planner.Subscript:
		walkExpr(x.Array, f)
		walkExpr(x.Index, f)
	}
}

// ---- naming ----

// constraintNameUsed reports whether a constraint of the public schema is
// called name (PostgreSQL's ChooseConstraintName avoids every name in the
// namespace); pending are names chosen in the same command.
func (s *Session) constraintNameUsed(name string, pending map[string]bool) bool {
	if pending[name] {
		return true
	}
	for _, t := range s.visibleTables() {
		if relationHasConstraint(t, name) {
			return true
		}
	}
	return false
}

// chooseConstraintName is PostgreSQL's ChooseConstraintName: table_cols_label
// with a number appended until unused.
func (s *Session) chooseConstraintName(table, cols, label string, pending map[string]bool) string {
	for n := 0; ; n++ {
		suffix := label
		if n > 0 {
			suffix = fmt.Sprintf("%s%d", label, n)
		}
		name := makeObjectName(table, cols, suffix)
		if !s.constraintNameUsed(name, pending) {
			return name
		}
	}
}

// relationHasConstraint reports whether t has a constraint called name.
func relationHasConstraint(t *tableDef, name string) bool {
	if t.pk != nil && t.pkName == name {
		return true
	}
	for _, ix := range t.indexes {
		if ix.constraint && ix.name == name {
			return true
		}
	}
	if t.cons != nil {
		for _, ch := range t.cons.Checks {
			if ch.Name == name {
				return true
			}
		}
		for _, fk := range t.cons.FKeys {
			if fk.Name == name {
				return true
			}
		}
	}
	return false
}

// ---- DDL ----

// pendingCheck is a CHECK from a statement, with where its errors point.
type pendingCheck struct {
	name   string
	expr   ast.ExprNode
	column string // set for a column constraint
}

// pendingFK is a FOREIGN KEY from a statement.
type pendingFK struct {
	name string
	cols []string
	ref  *ast.ReferenceDef
}

// createTableConstraints collects CREATE TABLE's CHECK and FOREIGN KEY
// constraints (columns first, then table constraints, as PostgreSQL
// orders them).
func createTableConstraints(n *ast.CreateTableStmt, text string) ([]pendingCheck, []pendingFK) {
	var checks []pendingCheck
	var fks []pendingFK
	for _, cd := range n.Cols {
		for _, opt := range cd.Options {
			switch opt.Tp {
			case ast.ColumnOptionCheck:
				checks = append(checks, pendingCheck{name: opt.ConstraintName, expr: opt.Expr, column: cd.Name.Name.O})
			case ast.ColumnOptionReference:
				fks = append(fks, pendingFK{name: columnReferenceName(text, cd.Name.Name.O), cols: []string{cd.Name.Name.O}, ref: opt.Refer})
			}
		}
	}
	for _, c := range n.Constraints {
		switch c.Tp {
		case ast.ConstraintCheck:
			checks = append(checks, pendingCheck{name: c.Name, expr: c.Expr})
		case ast.ConstraintForeignKey:
			fks = append(fks, pendingFK{name: c.Name, cols: keyNames(c.Keys), ref: c.Refer})
		}
	}
	return checks, fks
}

func keyNames(keys []*ast.IndexPartSpecification) []string {
	var out []string
	for _, k := range keys {
		if k.Column != nil {
			out = append(out, k.Column.Name.O)
		}
	}
	return out
}

// addCreateTableConstraints adds the CHECK and FOREIGN KEY constraints of
// a CREATE TABLE to the new (empty) table.
func (s *Session) addCreateTableConstraints(ctx context.Context, n *ast.CreateTableStmt, stmt *parser.Statement) error {
	checks, fks := createTableConstraints(n, stmt.Text)
	if len(checks)+len(fks) == 0 {
		return nil
	}
	t, err := s.lookup(n.Table.Schema.O, n.Table.Name.O)
	if err != nil {
		return err
	}
	pending := map[string]bool{}
	if t, err = s.addChecks(ctx, t, checks, stmt, pending, false); err != nil {
		return err
	}
	for _, fk := range fks {
		if t, err = s.addForeignKey(ctx, t, fk, pending, false); err != nil {
			return err
		}
	}
	return nil
}

// addChecks adds CHECK constraints to t; validate checks the existing
// rows (ALTER TABLE).
func (s *Session) addChecks(ctx context.Context, t *tableDef, checks []pendingCheck, stmt *parser.Statement, pending map[string]bool, validate bool) (*tableDef, error) {
	if len(checks) == 0 {
		return t, nil
	}
	cons := t.cons.clone(nil)
	if cons == nil {
		cons = &constraints{}
	}
	var added []*checkDef
	for _, pc := range checks {
		x, err := s.bindCheck(t, pc.expr)
		if err != nil {
			return nil, userPosition(err, stmt)
		}
		text, err := parser.RestoreExpr(pc.expr)
		if err != nil {
			return nil, err
		}
		cols := exprColumns(x)
		name := pc.name
		if name == "" {
			colName := ""
			if len(cols) == 1 {
				colName = t.cols[cols[0]].Name
			}
			name = s.chooseConstraintName(t.name, colName, "check", pending)
		} else if relationHasConstraint(t, name) || pending[name] {
			return nil, pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", name, t.name)
		}
		pending[name] = true
		ch := &checkDef{OID: s.engine.catalog.nextOID.Add(1) - 1, Name: name, Expr: text,
			Display: deparseExpr(x, t.cols, false), Pretty: deparseExpr(x, t.cols, true), Cols: cols}
		cons.Checks = append(cons.Checks, ch)
		added = append(added, ch)
	}
	nt, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	cp := *nt
	cp.cons = cons
	if validate {
		if err := s.validateChecks(ctx, &cp, added); err != nil {
			return nil, err
		}
	}
	return &cp, s.writeDef(&cp, "")
}

// validateChecks scans t for a row violating one of checks (ALTER TABLE
// ADD CONSTRAINT ... CHECK).
func (s *Session) validateChecks(ctx context.Context, t *tableDef, checks []*checkDef) error {
	acc := &tableAccess{s: s, t: t, tx: s.storageTxn(), planned: t}
	var bound []eval.Check
	for _, ch := range checks {
		e, err := parser.ParseExpr(ch.Expr)
		if err != nil {
			return err
		}
		x, err := s.bindCheck(t, e)
		if err != nil {
			return stripPos(err)
		}
		bound = append(bound, eval.Check{Name: ch.Name, Expr: x})
	}
	return s.scanRows(ctx, acc, func(row []types.Datum) error {
		for _, b := range bound {
			if err := eval.CheckRow(ctx, s, t, []eval.Check{b}, row); err != nil {
				if pgerror.From(err).Code == pgerror.CheckViolation {
					return pgerror.New(pgerror.CheckViolation, "check constraint \"%s\" of relation \"%s\" is violated by some row", b.Name, t.name)
				}
				return err
			}
		}
		return nil
	})
}

// refAction maps TiDB's ON DELETE/UPDATE option.
func refAction(o ast.ReferOptionType) byte {
	switch o {
	case ast.ReferOptionRestrict:
		return fkRestrict
	case ast.ReferOptionCascade:
		return fkCascade
	case ast.ReferOptionSetNull:
		return fkSetNull
	case ast.ReferOptionSetDefault:
		return fkSetDefault
	}
	return fkNoAction
}

// fkCompatible reports whether a referencing column of type a can refer
// to a referenced column of type b: the same type, or types whose values
// compare and encode alike (the integers; text and varchar; the floats).
func fkCompatible(a, b *types.T) bool {
	if a.OID == b.OID {
		return true
	}
	fam := func(t *types.T) int {
		switch t.OID {
		case types.OidInt2, types.OidInt4, types.OidInt8:
			return 1
		case types.OidText, types.OidVarchar:
			return 2
		case types.OidFloat4, types.OidFloat8:
			return 3
		}
		return 0
	}
	return fam(a) != 0 && fam(a) == fam(b)
}

// addForeignKey adds a FOREIGN KEY to t, checking the existing rows.
func (s *Session) addForeignKey(ctx context.Context, t *tableDef, pf pendingFK, pending map[string]bool, validate bool) (*tableDef, error) {
	ref := pf.ref
	var parent *tableDef
	if ref.Table.Name.O == t.name && (ref.Table.Schema.O == "" || ref.Table.Schema.O == t.schema) {
		parent = t
	} else {
		p, err := s.lookup(ref.Table.Schema.O, ref.Table.Name.O)
		if err != nil {
			return nil, err
		}
		if p.seq != nil || p.view != nil {
			return nil, pgerror.New(pgerror.WrongObjectType, "referenced relation \"%s\" is not a table", p.name)
		}
		parent = p
	}
	cols := make([]int, len(pf.cols))
	for i, n := range pf.cols {
		if cols[i] = findCol(t, n); cols[i] < 0 {
			return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" referenced in foreign key constraint does not exist", n)
		}
	}
	refNames := keyNames(ref.IndexPartSpecifications)
	var refCols []int
	if len(refNames) == 0 {
		if parent.pk == nil {
			return nil, pgerror.New(pgerror.InvalidForeignKey, "there is no primary key for referenced table \"%s\"", parent.name)
		}
		refCols = append(refCols, parent.pk...)
	} else {
		for _, n := range refNames {
			c := findCol(parent, n)
			if c < 0 {
				return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" referenced in foreign key constraint does not exist", n)
			}
			refCols = append(refCols, c)
		}
	}
	if len(refCols) != len(cols) {
		return nil, pgerror.New(pgerror.InvalidForeignKey, "number of referencing and referenced columns for foreign key disagree")
	}
	if !hasUniqueOn(parent, refCols) {
		return nil, pgerror.New(pgerror.InvalidForeignKey, "there is no unique constraint matching given keys for referenced table \"%s\"", parent.name)
	}
	name := pf.name
	if name == "" {
		name = s.chooseConstraintName(t.name, strings.Join(pf.cols, "_"), "fkey", pending)
	} else if relationHasConstraint(t, name) || pending[name] {
		return nil, pgerror.New(pgerror.DuplicateObject, "constraint \"%s\" for relation \"%s\" already exists", name, t.name)
	}
	for i := range cols {
		a, b := t.types[cols[i]], parent.types[refCols[i]]
		if !fkCompatible(a, b) {
			return nil, pgerror.New(pgerror.DatatypeMismatch, "foreign key constraint \"%s\" cannot be implemented", name).
				WithDetail("Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
					t.cols[cols[i]].Name, parent.cols[refCols[i]].Name, a.SQLName, b.SQLName)
		}
	}
	pending[name] = true
	fk := &fkDef{OID: s.engine.catalog.nextOID.Add(1) - 1, Name: name, Cols: cols, RefOID: parent.oid, RefCols: refCols,
		OnDelete: fkNoAction, OnUpdate: fkNoAction, Match: fkMatchSimp}
	if ref.OnDelete != nil {
		fk.OnDelete = refAction(ref.OnDelete.ReferOpt)
	}
	if ref.OnUpdate != nil {
		fk.OnUpdate = refAction(ref.OnUpdate.ReferOpt)
	}
	switch ref.Match {
	case ast.MatchFull:
		fk.Match = fkMatchFull
	case ast.MatchPartial:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "MATCH PARTIAL not yet implemented")
	}
	// PostgreSQL locks the referenced table too (SHARE ROW EXCLUSIVE).
	if parent != t {
		if _, err := s.lockTable(ctx, parent); err != nil {
			return nil, err
		}
	}
	nt, err := s.lockTable(ctx, t)
	if err != nil {
		return nil, err
	}
	cp := *nt
	cp.cons = nt.cons.clone(nil)
	if cp.cons == nil {
		cp.cons = &constraints{}
	}
	cp.cons.FKeys = append(cp.cons.FKeys, fk)
	if err := s.writeDef(&cp, ""); err != nil {
		return nil, err
	}
	if validate {
		if err := s.validateForeignKey(ctx, &cp, fk); err != nil {
			return nil, err
		}
	}
	return &cp, nil
}

// hasUniqueOn reports whether t's primary key or a unique index covers
// exactly the columns cols (in any order).
func hasUniqueOn(t *tableDef, cols []int) bool {
	same := func(a []int) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, x := range a {
			found := false
			for _, y := range cols {
				if x == y {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	if t.pk != nil && same(t.pk) {
		return true
	}
	for _, ix := range t.indexes {
		if ix.unique && same(ix.cols) {
			return true
		}
	}
	return false
}

// validateForeignKey checks that every existing row of t has its key in
// the referenced table (ALTER TABLE ADD FOREIGN KEY).
func (s *Session) validateForeignKey(ctx context.Context, t *tableDef, fk *fkDef) error {
	acc := &tableAccess{s: s, t: t, tx: s.storageTxn(), planned: t}
	rows, err := acc.Scan(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.checkChildRow(ctx, t, fk, row); err != nil {
			return err
		}
	}
}

// dropConstraint runs ALTER TABLE t DROP CONSTRAINT name.
func (s *Session) dropConstraint(ctx context.Context, t *tableDef, name string, ifExists, cascade bool) (*tableDef, []*pgerror.Error, error) {
	if t.cons != nil {
		for i, ch := range t.cons.Checks {
			if ch.Name == name {
				nt, err := s.lockTable(ctx, t)
				if err != nil {
					return nil, nil, err
				}
				cp := *nt
				cp.cons = nt.cons.clone(nil)
				cp.cons.Checks = append(cp.cons.Checks[:i:i], cp.cons.Checks[i+1:]...)
				return &cp, nil, s.writeDef(&cp, "")
			}
		}
		for i, fk := range t.cons.FKeys {
			if fk.Name == name {
				nt, err := s.lockTable(ctx, t)
				if err != nil {
					return nil, nil, err
				}
				cp := *nt
				cp.cons = nt.cons.clone(nil)
				cp.cons.FKeys = append(cp.cons.FKeys[:i:i], cp.cons.FKeys[i+1:]...)
				return &cp, nil, s.writeDef(&cp, "")
			}
		}
	}
	var target *indexDef
	for _, ix := range t.indexes {
		if ix.constraint && ix.name == name {
			target = ix
		}
	}
	isPK := t.pk != nil && t.pkName == name
	if target != nil || isPK {
		cols := t.pk
		if target != nil {
			cols = target.cols
		}
		// Foreign keys resting on the key depend on it.
		var notices []*pgerror.Error
		for _, r := range s.referencing(t.oid) {
			if !sameCols(r.fk.RefCols, cols) {
				continue
			}
			if !cascade {
				return nil, nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop constraint %s on table %s because other objects depend on it", name, t.name).
					WithDetail("constraint %s on table %s depends on index %s", r.fk.Name, r.child.name, name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			n := pgerror.Notice("drop cascades to constraint %s on table %s", r.fk.Name, r.child.name)
			notices = append(notices, n)
			child := t
			if r.child.oid != t.oid {
				child = s.current(r.child.oid)
			}
			nc, _, err := s.dropConstraint(ctx, child, r.fk.Name, false, false)
			if err != nil {
				return nil, nil, err
			}
			if nc.oid == t.oid {
				t = nc
			}
		}
		if isPK {
			return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "ALTER TABLE ... DROP CONSTRAINT of a primary key is not supported yet")
		}
		if err := s.dropIndex(ctx, t, target.oid); err != nil {
			return nil, nil, err
		}
		nt := s.current(t.oid)
		return nt, notices, nil
	}
	if ifExists {
		n := pgerror.Notice("constraint \"%s\" of relation \"%s\" does not exist, skipping", name, t.name)
		return t, []*pgerror.Error{n}, nil
	}
	return nil, nil, pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" of relation \"%s\" does not exist", name, t.name)
}

func sameCols(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// ---- the referenced side ----

// fkRef is a foreign key seen from its referenced table.
type fkRef struct {
	child *tableDef
	fk    *fkDef
}

// refMap maps referenced table OIDs to the foreign keys naming them, for
// one catalog version.
type refMap struct {
	version uint64
	refs    map[uint32][]fkRef
}

var refCache sync.Map // *Engine -> *refMap

// referencing returns the foreign keys that reference table oid, as the
// session sees the catalog. Without uncommitted DDL the answer comes from
// a map built once per catalog version.
func (s *Session) referencing(oid uint32) []fkRef {
	if s.riRefs != nil {
		return s.riRefs[oid]
	}
	if len(s.ddl.byOID) > 0 {
		return buildRefs(s.visibleTables())[oid]
	}
	c := s.engine.catalog
	v := c.version.Load()
	if m, ok := refCache.Load(s.engine); ok && m.(*refMap).version == v {
		return m.(*refMap).refs[oid]
	}
	c.mu.RLock()
	all := make([]*tableDef, 0, len(c.byOID))
	for _, t := range c.byOID {
		all = append(all, t)
	}
	c.mu.RUnlock()
	m := &refMap{version: v, refs: buildRefs(all)}
	refCache.Store(s.engine, m)
	return m.refs[oid]
}

func buildRefs(ts []*tableDef) map[uint32][]fkRef {
	out := map[uint32][]fkRef{}
	sort.Slice(ts, func(i, j int) bool { return ts[i].oid < ts[j].oid })
	for _, t := range ts {
		if t.cons == nil {
			continue
		}
		for _, fk := range t.cons.FKeys {
			out[fk.RefOID] = append(out[fk.RefOID], fkRef{child: t, fk: fk})
		}
	}
	// PostgreSQL fires the RI triggers, and lists dependents, in the
	// order the constraints were made.
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].fk.OID < rs[j].fk.OID })
	}
	return out
}

// ---- RI events ----

// riEvent is one row change a foreign key has to look at when the
// statement ends.
type riEvent struct {
	t        *tableDef
	old, new []types.Datum // nil old: insert; nil new: delete
}

// queueRI records a write of t's for the end of the statement when a
// foreign key is involved.
func (a *tableAccess) queueRI(old, new []types.Datum) {
	if a.ri == 0 {
		a.ri = 1
		if (a.t.cons != nil && len(a.t.cons.FKeys) > 0) || len(a.s.referencing(a.t.oid)) > 0 {
			a.ri = 2
		}
	}
	if a.ri == 2 {
		a.s.riQueue = append(a.s.riQueue, riEvent{t: a.t, old: old, new: new})
	}
}

// EndStatement implements eval.StatementEnder: the foreign key checks
// and actions of the statement's writes, including the writes of the
// actions themselves.
func (s *Session) EndStatement(ctx context.Context, err error) error {
	if err != nil || len(s.riQueue) == 0 {
		s.riQueue = s.riQueue[:0]
		return err
	}
	// PostgreSQL's RI queries see what committed meanwhile (READ
	// COMMITTED takes a fresh snapshot for each).
	s.storageTxn().NewSnapshot()
	if len(s.ddl.byOID) > 0 {
		// Uncommitted DDL: build the map of references once for all the
		// events rather than per event. (No DDL runs until the end.)
		s.riRefs = buildRefs(s.visibleTables())
		defer func() { s.riRefs = nil }()
	}
	for i := 0; i < len(s.riQueue); i++ {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				s.riQueue = s.riQueue[:0]
				return err
			}
		}
		if err := s.fireRI(ctx, s.riQueue[i]); err != nil {
			s.riQueue = s.riQueue[:0]
			return err
		}
	}
	s.riQueue = s.riQueue[:0]
	return nil
}

func (s *Session) fireRI(ctx context.Context, ev riEvent) error {
	t := ev.t
	if ev.new != nil && t.cons != nil {
		for _, fk := range t.cons.FKeys {
			if ev.old != nil && sameKey(ev.old, ev.new, fk.Cols) {
				continue
			}
			if err := s.checkChildRow(ctx, t, fk, ev.new); err != nil {
				return err
			}
		}
	}
	if ev.old == nil {
		return nil
	}
	for _, r := range s.referencing(t.oid) {
		if ev.new != nil && sameKey(ev.old, ev.new, r.fk.RefCols) {
			continue
		}
		if err := s.parentChanged(ctx, t, r, ev.old, ev.new); err != nil {
			return err
		}
	}
	return nil
}

// sameKey reports whether a and b agree on cols (NULLs equal: a NULL key
// references nothing either way).
func sameKey(a, b []types.Datum, cols []int) bool {
	for _, c := range cols {
		x, y := a[c], b[c]
		if x == nil || y == nil {
			if x != nil || y != nil {
				return false
			}
			continue
		}
		if !datumEqual(x, y) {
			return false
		}
	}
	return true
}

func datumEqual(x, y types.Datum) bool {
	switch a := x.(type) {
	case []byte:
		b, ok := y.([]byte)
		return ok && string(a) == string(b)
	case int64, float64, string, bool:
		return x == y
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// keyValues returns row's values of cols; skip is set when the key
// references nothing (MATCH SIMPLE: any NULL; MATCH FULL: all NULL), and
// an error for MATCH FULL's mixed key.
func keyValues(t *tableDef, fk *fkDef, row []types.Datum, cols []int) (vals []types.Datum, skip bool, err error) {
	nulls := 0
	vals = make([]types.Datum, len(cols))
	for i, c := range cols {
		vals[i] = row[c]
		if row[c] == nil {
			nulls++
		}
	}
	if nulls == 0 {
		return vals, false, nil
	}
	if fk.Match == fkMatchFull && nulls < len(cols) {
		return nil, false, pgerror.New(pgerror.ForeignKeyViolation, "insert or update on table \"%s\" violates foreign key constraint \"%s\"", t.name, fk.Name).
			WithDetail("MATCH FULL does not allow mixing of null and nonnull key values.")
	}
	return nil, true, nil
}

// keyText formats "(a, b)=(1, 2)" for error details.
func (s *Session) keyText(t *tableDef, cols []int, vals []types.Datum) string {
	names := make([]string, len(cols))
	texts := make([]string, len(cols))
	for i, c := range cols {
		names[i] = t.cols[c].Name
		if vals[i] == nil {
			texts[i] = "null"
		} else {
			texts[i] = string(types.AppendText(nil, t.types[c], vals[i], &s.fo))
		}
	}
	return "(" + strings.Join(names, ", ") + ")=(" + strings.Join(texts, ", ") + ")"
}

// checkChildRow checks that row of t has its key in fk's referenced
// table, locking the parent row in shared mode.
func (s *Session) checkChildRow(ctx context.Context, t *tableDef, fk *fkDef, row []types.Datum) error {
	vals, skip, err := keyValues(t, fk, row, fk.Cols)
	if err != nil || skip {
		return err
	}
	parent := s.current(fk.RefOID)
	if parent == nil {
		return nil
	}
	found, err := s.lockParentRow(ctx, parent, fk.RefCols, vals)
	if err != nil {
		return err
	}
	if !found {
		return pgerror.New(pgerror.ForeignKeyViolation, "insert or update on table \"%s\" violates foreign key constraint \"%s\"", t.name, fk.Name).
			WithDetail("Key %s is not present in table \"%s\".", s.keyText(t, fk.Cols, vals), parent.name)
	}
	return nil
}

// lockParentRow finds the row of parent whose cols equal vals (through
// its primary key or a unique index over exactly cols) and locks it in
// shared mode; found is false when there is none.
func (s *Session) lockParentRow(ctx context.Context, parent *tableDef, cols []int, vals []types.Datum) (bool, error) {
	tx := s.storageTxn()
	ordered := func(keyCols []int, keyTypes []*types.T) ([]byte, bool, error) {
		if !sameCols(keyCols, cols) {
			return nil, false, nil
		}
		kv := make([]types.Datum, len(keyCols))
		for i, kc := range keyCols {
			for j, c := range cols {
				if c == kc {
					v, err := convertKey(vals[j], keyTypes[i])
					if err != nil {
						return nil, false, err
					}
					kv[i] = v
				}
			}
		}
		k, err := rowcodec.EncodeKey(nil, keyTypes, kv)
		return k, err == nil, err
	}
	rowKey, ok, err := ordered(parent.pk, parent.pkTypes)
	if err != nil {
		return false, err
	}
	if !ok {
		for _, ix := range parent.indexes {
			if !ix.unique {
				continue
			}
			k, ok, err := ordered(ix.cols, ix.types)
			if err != nil {
				return false, err
			}
			if !ok {
				continue
			}
			v, exists, _, err := tx.LockRow(ctx, ix.tree, k, lock.Shared, lock.Block)
			if err != nil {
				return false, storageError(err)
			}
			if !exists {
				return false, nil
			}
			rowKey = append([]byte(nil), v...)
			break
		}
	}
	if rowKey == nil {
		// The unique key is gone (dropped with CASCADE); nothing to check.
		return true, nil
	}
	_, exists, _, err := tx.LockRow(ctx, parent.tree, rowKey, lock.Shared, lock.Block)
	if err != nil {
		return false, storageError(err)
	}
	return exists, nil
}

// convertKey converts a referencing value to the referenced column's type
// (only compatible types get here: their datums are alike, but a float4
// key must be rounded as float4).
func convertKey(v types.Datum, to *types.T) (types.Datum, error) {
	if f, ok := v.(float64); ok && to.OID == types.OidFloat4 {
		return float64(float32(f)), nil
	}
	return v, nil
}

// childRows returns the rows of child whose cols equal vals (with their
// keys), read through an index or the primary key when one starts with
// cols, else by a scan.
func (s *Session) childRows(ctx context.Context, child *tableDef, cols []int, vals []types.Datum) ([]string, [][]types.Datum, error) {
	acc := &tableAccess{s: s, t: child, tx: s.storageTxn(), planned: child}
	prefixOf := func(keyCols []int) []types.Datum {
		if len(keyCols) < len(cols) {
			return nil
		}
		eq := make([]types.Datum, len(cols))
		for i := range cols {
			found := false
			for j, c := range cols {
				if keyCols[i] == c {
					eq[i], found = vals[j], true
				}
			}
			if !found {
				return nil
			}
		}
		return eq
	}
	var rows eval.KeyedRows
	var err error
	if eq := prefixOf(child.pk); child.pk != nil && eq != nil {
		rows, err = acc.Lookup(ctx, 0, &eval.KeyRange{Eq: eq})
	} else {
		for i, ix := range child.indexes {
			if eq := prefixOf(ix.cols); eq != nil {
				rows, err = acc.Lookup(ctx, i+1, &eval.KeyRange{Eq: eq})
				break
			}
		}
		if rows == nil && err == nil {
			rows, err = acc.Scan(ctx)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var keys []string
	var out [][]types.Datum
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return keys, out, nil
		}
		if err != nil {
			return nil, nil, err
		}
		match := true
		for i, c := range cols {
			if row[c] == nil || !datumEqual(row[c], vals[i]) {
				match = false
				break
			}
		}
		if match {
			keys = append(keys, rows.Key())
			out = append(out, row)
		}
	}
}

// parentChanged handles a referenced row of t deleted (new nil) or whose
// key changed: the foreign key r's action on the rows that referenced it.
func (s *Session) parentChanged(ctx context.Context, t *tableDef, r fkRef, old, new []types.Datum) error {
	fk := r.fk
	vals := make([]types.Datum, len(fk.RefCols))
	for i, c := range fk.RefCols {
		if old[c] == nil {
			return nil
		}
		vals[i] = old[c]
	}
	child := s.current(r.child.oid)
	if child == nil {
		return nil
	}
	if child.oid == t.oid {
		child = t
	}
	action := fk.OnDelete
	if new != nil {
		action = fk.OnUpdate
	}
	if action == fkNoAction {
		// NO ACTION: fine when a row with the old key exists again by
		// the end of the statement.
		if found, err := s.parentKeyExists(ctx, t, fk.RefCols, vals); err != nil || found {
			return err
		}
	}
	keys, rows, err := s.childRows(ctx, child, fk.Cols, vals)
	if err != nil || len(rows) == 0 {
		return err
	}
	switch action {
	case fkNoAction, fkRestrict:
		return pgerror.New(pgerror.ForeignKeyViolation, "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"", t.name, fk.Name, child.name).
			WithDetail("Key %s is still referenced from table \"%s\".", s.keyText(t, fk.RefCols, vals), child.name)
	}
	acc := &tableAccess{s: s, t: child, tx: s.storageTxn(), planned: child}
	checks, err := acc.Checks()
	if err != nil {
		return err
	}
	var defaults []types.Datum
	if action == fkSetDefault {
		defaults = make([]types.Datum, len(fk.Cols))
		for i, c := range fk.Cols {
			value, err := s.defaultValuer(ctx, child.cols[c])
			if err != nil {
				return err
			}
			if defaults[i], err = value(); err != nil {
				return err
			}
		}
	}
	for i, key := range keys {
		latest, exists, changed, err := acc.Lock(ctx, key, false, planner.LockBlock)
		if err != nil {
			return err
		}
		if !exists {
			continue
		}
		row := rows[i]
		if changed {
			row = latest
		}
		if action == fkCascade && new == nil {
			if err := acc.Delete(ctx, key, row); err != nil {
				return err
			}
			continue
		}
		nr := append([]types.Datum(nil), row...)
		for j, c := range fk.Cols {
			switch action {
			case fkCascade:
				nr[c] = new[fk.RefCols[j]]
			case fkSetNull:
				nr[c] = nil
			case fkSetDefault:
				nr[c] = defaults[j]
			}
		}
		if err := eval.CheckNotNull(child, child.cols, nr, &s.fo); err != nil {
			return err
		}
		if err := eval.CheckRow(ctx, s, child, checks, nr); err != nil {
			return err
		}
		if err := acc.Update(ctx, key, row, nr); err != nil {
			return err
		}
	}
	return nil
}

// parentKeyExists reports whether t has a row whose cols equal vals now.
func (s *Session) parentKeyExists(ctx context.Context, t *tableDef, cols []int, vals []types.Datum) (bool, error) {
	_, rows, err := s.childRows(ctx, t, cols, vals)
	return len(rows) > 0, err
}

// ---- dependencies: DROP TABLE, TRUNCATE ----

// dropDependents handles the foreign keys of other tables that reference
// the tables being dropped, and the views over them: 2BP01 without
// CASCADE, else the constraints and views are dropped (with a notice).
func (s *Session) dropDependents(ctx context.Context, dropping []*tableDef, cascade bool) ([]*pgerror.Error, error) {
	gone := map[uint32]bool{}
	for _, t := range dropping {
		gone[t.oid] = true
	}
	var deps []fkRef
	for _, t := range dropping {
		for _, r := range s.referencing(t.oid) {
			if !gone[r.child.oid] {
				deps = append(deps, r)
			}
		}
	}
	// Views over the dropped relations (view_deps.go).
	views := s.viewDependents(dropping)
	if len(deps)+len(views) > 0 && !cascade {
		var detail []string
		var first *tableDef
		for _, r := range deps {
			t := s.current(r.fk.RefOID)
			if first == nil {
				first = t
			}
			detail = append(detail, fmt.Sprintf("constraint %s on table %s depends on table %s", r.fk.Name, r.child.name, t.name))
		}
		if first == nil {
			first = droppedRoot(views, dropping)
		}
		detail = append(detail, viewDepLines(views)...)
		return nil, pgerror.New(pgerror.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", kindWord(first, false), first.name).
			WithDetail("%s", strings.Join(detail, "\n")).
			WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	var lines []string
	for _, r := range deps {
		child := s.current(r.child.oid)
		if child == nil {
			continue
		}
		if _, _, err := s.dropConstraint(ctx, child, r.fk.Name, false, false); err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("constraint %s on table %s", r.fk.Name, r.child.name))
	}
	viewLines, err := s.dropViews(ctx, views)
	if err != nil {
		return nil, err
	}
	lines = append(lines, viewLines...)
	if len(lines) == 0 {
		return nil, nil
	}
	return []*pgerror.Error{cascadeNotice(lines)}, nil
}

// truncateDependents is TRUNCATE's check: a table referenced by a table
// not truncated too is refused (0A000) unless CASCADE, which adds the
// referencing tables (returned, with a notice each).
func (s *Session) truncateDependents(defs []*tableDef, cascade bool) ([]*tableDef, []*pgerror.Error, error) {
	in := map[uint32]bool{}
	for _, t := range defs {
		in[t.oid] = true
	}
	var notices []*pgerror.Error
	for i := 0; i < len(defs); i++ {
		for _, r := range s.referencing(defs[i].oid) {
			if in[r.child.oid] {
				continue
			}
			if !cascade {
				return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint").
					WithDetail("Table \"%s\" references \"%s\".", r.child.name, defs[i].name).
					WithHint("Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.", r.child.name)
			}
			child := s.current(r.child.oid)
			if child == nil {
				continue
			}
			in[child.oid] = true
			defs = append(defs, child)
			notices = append(notices, pgerror.Notice("truncate cascades to table \"%s\"", child.name))
		}
	}
	return defs, notices, nil
}

// ---- display ----

// checkConstraintDef is pg_get_constraintdef's text of a CHECK (pretty:
// its pretty form); fkConstraintDef that of a FOREIGN KEY.
func (s *Session) checkConstraintDef(ch *checkDef, pretty bool) string {
	out := "CHECK (" + ch.Display + ")"
	if pretty {
		out = "CHECK (" + ch.Pretty + ")"
	}
	if ch.NotValid {
		out += " NOT VALID"
	}
	return out
}

func (s *Session) fkConstraintDef(t *tableDef, fk *fkDef) string {
	var sb strings.Builder
	sb.WriteString("FOREIGN KEY (")
	for i, c := range fk.Cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(eval.QuoteIdent(t.cols[c].Name))
	}
	sb.WriteString(") REFERENCES ")
	parent := s.current(fk.RefOID)
	if parent == nil {
		return sb.String()
	}
	// Qualified when the search path does not reach it, as regclass out.
	if !s.relationVisible(parent.schema, parent.name) {
		sb.WriteString(eval.QuoteIdent(parent.schema))
		sb.WriteByte('.')
	}
	sb.WriteString(eval.QuoteIdent(parent.name))
	sb.WriteByte('(')
	for i, c := range fk.RefCols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(eval.QuoteIdent(parent.cols[c].Name))
	}
	sb.WriteByte(')')
	if fk.Match == fkMatchFull {
		sb.WriteString(" MATCH FULL")
	}
	word := func(a byte) string {
		switch a {
		case fkRestrict:
			return "RESTRICT"
		case fkCascade:
			return "CASCADE"
		case fkSetNull:
			return "SET NULL"
		case fkSetDefault:
			return "SET DEFAULT"
		}
		return ""
	}
	if w := word(fk.OnUpdate); w != "" {
		sb.WriteString(" ON UPDATE " + w)
	}
	if w := word(fk.OnDelete); w != "" {
		sb.WriteString(" ON DELETE " + w)
	}
	return sb.String()
}

var errNoDeparse = errors.New("cannot deparse")

// deparseExpr prints a bound CHECK expression as PostgreSQL's ruleutils
// does: with pretty false every operator application in parentheses (what
// pg_get_constraintdef(oid) shows), with pretty true only those its
// precedence rules need (pg_get_constraintdef(oid, true), psql's \d).
// Constants carry their type's cast where PostgreSQL shows one.
func deparseExpr(e planner.Expr, cols []planner.Column, pretty bool) string {
	d := &deparser{cols: cols, pretty: pretty}
	if err := d.expr(e); err != nil {
		return "?"
	}
	return d.sb.String()
}

type deparser struct {
	sb     strings.Builder
	cols   []planner.Column
	pretty bool
}

// open and close write the parentheses a node prints around itself
// outside pretty mode.
func (d *deparser) open() {
	if !d.pretty {
		d.sb.WriteByte('(')
	}
}

func (d *deparser) close() {
	if !d.pretty {
		d.sb.WriteByte(')')
	}
}

// paren prints e as an argument of parent: in pretty mode in parentheses
// unless ruleutils' isSimpleNode says they are not needed.
func (d *deparser) paren(e, parent planner.Expr) error {
	if !d.pretty || isSimpleNode(e, parent) {
		return d.expr(e)
	}
	d.sb.WriteByte('(')
	if err := d.expr(e); err != nil {
		return err
	}
	d.sb.WriteByte(')')
	return nil
}

func isOpCall(e planner.Expr) (*planner.Call, bool) {
	c, ok := e.(*planner.Call)
	return c, ok && isOperatorName(c.Fn.Name)
}

func isLiteralCast(e planner.Expr) bool {
	x, ok := e.(*planner.Cast)
	if !ok {
		return false
	}
	c, ok := x.X.(*planner.Const)
	return ok && (c.T.OID == types.OidUnknown || c.T.OID == x.To.OID)
}

// isIntWidening reports an implicit cast between integer types, which
// PostgreSQL's cross-type integer operators make unnecessary.
func isIntWidening(x *planner.Cast) bool {
	isInt := func(o types.OID) bool { return o == types.OidInt2 || o == types.OidInt4 || o == types.OidInt8 }
	return !x.Explicit && isInt(x.To.OID) && isInt(x.X.Type().OID)
}

// isSimpleNode is ruleutils.c's: whether node needs no parentheses as an
// argument of parentNode in pretty mode.
func isSimpleNode(node, parent planner.Expr) bool {
	switch x := node.(type) {
	case *planner.ColumnRef, *planner.Const, *planner.Coalesce, *planner.ArrayExpr, *planner.Case,
		*planner.MinMax, *planner.NullIf, *planner.ArrayElem:
		return true
	case *planner.Cast:
		if isLiteralCast(x) {
			return true
		}
		if isIntWidening(x) {
			return isSimpleNode(x.X, parent)
		}
		return isSimpleNode(x.X, x)
	case *planner.Call:
		if !isOperatorName(x.Fn.Name) {
			return true
		}
		if p, ok := isOpCall(parent); ok {
			if len(x.Args) != 2 || len(p.Args) != 2 {
				return false
			}
			lo, hi := strings.Contains("+-", x.Fn.Name), strings.Contains("*/%", x.Fn.Name)
			plo, phi := strings.Contains("+-", p.Fn.Name), strings.Contains("*/%", p.Fn.Name)
			if len(x.Fn.Name) != 1 || len(p.Fn.Name) != 1 || !(lo || hi) || !(plo || phi) {
				return false
			}
			if hi && plo {
				return true
			}
			if lo && phi {
				return false
			}
			return p.Args[0] == node
		}
		return simpleUnder(parent)
	case *planner.NullTest, *planner.TruthTest, *planner.NotDistinct:
		return simpleUnder(parent)
	case *planner.BoolExpr:
		if pb, ok := parent.(*planner.BoolExpr); ok {
			switch x.Op {
			case planner.Not, planner.And:
				return pb.Op == planner.And || pb.Op == planner.Or
			case planner.Or:
				return pb.Op == planner.Or
			}
			return false
		}
		if c, ok := parent.(*planner.Call); ok && !isOperatorName(c.Fn.Name) {
			return true
		}
		switch parent.(type) {
		case *planner.ArrayExpr, *planner.Coalesce, *planner.MinMax, *planner.NullIf, *planner.Case:
			return true
		}
		return false
	}
	return false
}

// simpleUnder is isSimpleNode's rule for operators and tests under a
// parent that is not an operator.
func simpleUnder(parent planner.Expr) bool {
	switch p := parent.(type) {
	case *planner.Call:
		return !isOperatorName(p.Fn.Name)
	case *planner.BoolExpr, *planner.ArrayExpr, *planner.Coalesce, *planner.MinMax, *planner.NullIf, *planner.Case:
		return true
	}
	return false
}

func (d *deparser) expr(e planner.Expr) error {
	sb := &d.sb
	switch x := e.(type) {
	case *planner.ColumnRef:
		sb.WriteString(eval.QuoteIdent(d.cols[x.Idx].Name))
	case *planner.ArrayElem:
		sb.WriteString("VALUE") // a domain CHECK's value (typedef.go)
	case *planner.Const:
		return deparseConst(sb, x.Val, x.T)
	case *planner.Cast:
		if isLiteralCast(x) {
			return deparseConst(sb, x.X.(*planner.Const).Val, x.To)
		}
		if isIntWidening(x) {
			// PostgreSQL compares integers of different widths with
			// cross-type operators: no cast to show.
			return d.expr(x.X)
		}
		// ruleutils prints the argument against the cast's parent, which
		// the simple-node test of the cast itself has accounted for.
		d.open()
		if d.pretty && !isSimpleNode(x.X, x) {
			sb.WriteByte('(')
			if err := d.expr(x.X); err != nil {
				return err
			}
			sb.WriteByte(')')
		} else if err := d.expr(x.X); err != nil {
			return err
		}
		d.close()
		sb.WriteString("::")
		sb.WriteString(x.To.SQLName)
	case *planner.Call:
		if isOperatorName(x.Fn.Name) {
			args := x.Args
			if strings.Contains(x.Fn.Name, "~~") && len(args) == 3 {
				// LIKE's escape travels as a third argument.
				// Backslash is the default escape, printed as plain ~~.
				if c, ok := args[2].(*planner.Const); ok && (c.Val == "" || c.Val == "\\") {
					args = args[:2]
				} else {
					return errNoDeparse
				}
			}
			d.open()
			switch len(args) {
			case 1:
				sb.WriteString(x.Fn.Name + " ")
				if err := d.paren(x.Args[0], x); err != nil {
					return err
				}
			case 2:
				if err := d.paren(args[0], x); err != nil {
					return err
				}
				sb.WriteString(" " + x.Fn.Name + " ")
				if err := d.paren(args[1], x); err != nil {
					return err
				}
			default:
				return errNoDeparse
			}
			d.close()
			return nil
		}
		sb.WriteString(x.Fn.Name)
		sb.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				sb.WriteString(", ")
			}
			if err := d.expr(a); err != nil {
				return err
			}
		}
		sb.WriteByte(')')
	case *planner.Coalesce:
		sb.WriteString("COALESCE(")
		for i, a := range x.Args {
			if i > 0 {
				sb.WriteString(", ")
			}
			if err := d.expr(a); err != nil {
				return err
			}
		}
		sb.WriteByte(')')
	case *planner.BoolExpr:
		if left, op, items, ok := inList(x); ok {
			// x IN (..) binds as an OR of comparisons sharing one left
			// operand; PostgreSQL shows it as = ANY (ARRAY[..]).
			d.open()
			if err := d.paren(left, x); err != nil {
				return err
			}
			sb.WriteString(" " + op + " ")
			if op == "=" {
				sb.WriteString("ANY (ARRAY[")
			} else {
				sb.WriteString("ALL (ARRAY[")
			}
			for i, it := range items {
				if i > 0 {
					sb.WriteString(", ")
				}
				if err := d.expr(it); err != nil {
					return err
				}
			}
			sb.WriteString("])")
			d.close()
			return nil
		}
		d.open()
		if x.Op == planner.Not {
			sb.WriteString("NOT ")
			if err := d.paren(x.Args[0], x); err != nil {
				return err
			}
		} else {
			word := " AND "
			if x.Op == planner.Or {
				word = " OR "
			}
			for i, a := range x.Args {
				if i > 0 {
					sb.WriteString(word)
				}
				if err := d.paren(a, x); err != nil {
					return err
				}
			}
		}
		d.close()
	case *planner.NullTest:
		d.open()
		if err := d.paren(x.X, x); err != nil {
			return err
		}
		if x.Not {
			sb.WriteString(" IS NOT NULL")
		} else {
			sb.WriteString(" IS NULL")
		}
		d.close()
	case *planner.TruthTest:
		d.open()
		if err := d.paren(x.X, x); err != nil {
			return err
		}
		sb.WriteString(" IS ")
		if x.Not {
			sb.WriteString("NOT ")
		}
		switch {
		case x.Unknown:
			sb.WriteString("UNKNOWN")
		case x.Val:
			sb.WriteString("TRUE")
		default:
			sb.WriteString("FALSE")
		}
		d.close()
	case *planner.NotDistinct:
		d.open()
		if err := d.paren(x.L, x); err != nil {
			return err
		}
		if x.Not {
			sb.WriteString(" IS DISTINCT FROM ")
		} else {
			sb.WriteString(" IS NOT DISTINCT FROM ")
		}
		if err := d.paren(x.R, x); err != nil {
			return err
		}
		d.close()
	case *planner.ScalarArrayOp:
		if len(x.Op.Args) != 2 {
			return errNoDeparse
		}
		d.open()
		if err := d.paren(x.Op.Args[0], x); err != nil {
			return err
		}
		sb.WriteString(" " + x.Op.Fn.Name + " ")
		if x.Any {
			sb.WriteString("ANY (")
		} else {
			sb.WriteString("ALL (")
		}
		if err := d.expr(x.R); err != nil {
			return err
		}
		sb.WriteByte(')')
		d.close()
	case *planner.ArrayExpr:
		sb.WriteString("ARRAY[")
		for i, a := range x.Elems {
			if i > 0 {
				sb.WriteString(", ")
			}
			if err := d.expr(a); err != nil {
				return err
			}
		}
		sb.WriteByte(']')
	default:
		return errNoDeparse
	}
	return nil
}

// inList recognizes the binding of x [NOT] IN (constants): an OR of =
// (an AND of <>) whose calls share one left operand.
func inList(x *planner.BoolExpr) (left planner.Expr, op string, items []planner.Expr, ok bool) {
	want := "="
	if x.Op == planner.And {
		want = "<>"
	} else if x.Op != planner.Or {
		return nil, "", nil, false
	}
	for _, a := range x.Args {
		c, isCall := a.(*planner.Call)
		if !isCall || c.Fn.Name != want || len(c.Args) != 2 {
			return nil, "", nil, false
		}
		if left == nil {
			left = c.Args[0]
		} else if c.Args[0] != left {
			return nil, "", nil, false
		}
		if _, isConst := c.Args[1].(*planner.Const); !isConst && !isLiteralCast(c.Args[1]) {
			return nil, "", nil, false
		}
		items = append(items, c.Args[1])
	}
	return left, want, items, len(items) > 1
}

func isOperatorName(n string) bool {
	for _, r := range n {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r >= '0' && r <= '9' {
			return false
		}
	}
	return n != ""
}

// deparseConst prints a constant as ruleutils' get_const_expr: int4
// bare when non-negative, numeric bare when it has a point or exponent,
// booleans as true/false, everything else quoted with a cast.
func deparseConst(sb *strings.Builder, v types.Datum, t *types.T) error {
	if v == nil {
		sb.WriteString("NULL::" + t.SQLName)
		return nil
	}
	text := string(types.AppendText(nil, t, v, nil))
	switch t.OID {
	case types.OidInt4:
		if !strings.HasPrefix(text, "-") {
			sb.WriteString(text)
			return nil
		}
	case types.OidNumeric:
		// Bare only when it cannot read back as an integer.
		if text[0] >= '0' && text[0] <= '9' && strings.ContainsAny(text, ".eE") {
			sb.WriteString(text)
			return nil
		}
	case types.OidBool:
		if v == true {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
		return nil
	case types.OidUnknown:
		t = types.Text
	}
	sb.WriteString("'" + strings.ReplaceAll(text, "'", "''") + "'::" + t.SQLName)
	return nil
}

// alterAddConstraint runs ALTER TABLE t ADD [CONSTRAINT name] CHECK (...)
// or FOREIGN KEY (...) REFERENCES ..., checking the existing rows.
func (s *Session) alterAddConstraint(ctx context.Context, t *tableDef, c *ast.Constraint, stmt *parser.Statement) (*tableDef, error) {
	pending := map[string]bool{}
	if c.Tp == ast.ConstraintCheck {
		return s.addChecks(ctx, t, []pendingCheck{{name: c.Name, expr: c.Expr}}, stmt, pending, true)
	}
	return s.addForeignKey(ctx, t, pendingFK{name: c.Name, cols: keyNames(c.Keys), ref: c.Refer}, pending, true)
}

// dropColumnConstraints drops t's CHECK and FOREIGN KEY constraints that
// use column i (ALTER TABLE DROP COLUMN), as PostgreSQL drops them with
// the column.
func (s *Session) dropColumnConstraints(ctx context.Context, t *tableDef, i int) (*tableDef, error) {
	if t.cons == nil {
		return t, nil
	}
	uses := func(cols []int) bool {
		for _, c := range cols {
			if c == i {
				return true
			}
		}
		return false
	}
	var names []string
	for _, ch := range t.cons.Checks {
		if uses(ch.Cols) {
			names = append(names, ch.Name)
		}
	}
	for _, fk := range t.cons.FKeys {
		if uses(fk.Cols) || (fk.RefOID == t.oid && uses(fk.RefCols)) {
			names = append(names, fk.Name)
		}
	}
	for _, n := range names {
		nt, _, err := s.dropConstraint(ctx, t, n, false, false)
		if err != nil {
			return nil, err
		}
		t = nt
	}
	return t, nil
}

// endsWithCascade reports whether a DROP statement's rewritten text ends
// in CASCADE (the TiDB AST drops the word).
func endsWithCascade(rewritten string) bool {
	f := strings.Fields(strings.TrimRight(rewritten, "; \t\n"))
	return len(f) > 0 && strings.EqualFold(f[len(f)-1], "cascade")
}

// constraintInfos fills in ti's CHECK and FOREIGN KEY constraints for
// executor/pgcatalog.
func (s *Session) constraintInfos(t *tableDef, ti *pgcatalog.TableInfo) {
	if t.cons == nil {
		return
	}
	for _, ch := range t.cons.Checks {
		ti.Checks = append(ti.Checks, pgcatalog.CheckInfo{OID: ch.OID, Name: ch.Name, Cols: ch.Cols,
			Def: s.checkConstraintDef(ch, false), PrettyDef: s.checkConstraintDef(ch, true)})
	}
	for _, fk := range t.cons.FKeys {
		fi := pgcatalog.ForeignKeyInfo{OID: fk.OID, Name: fk.Name, Cols: fk.Cols, RefOID: fk.RefOID, RefCols: fk.RefCols,
			OnUpdate: fk.OnUpdate, OnDelete: fk.OnDelete, Match: fk.Match, Def: s.fkConstraintDef(t, fk)}
		if p := s.current(fk.RefOID); p != nil {
			if p.pk != nil && sameCols(p.pk, fk.RefCols) {
				fi.RefIndexOID, fi.RefConstraint = pgcatalog.PKIndexOID(p.oid), p.pkName
			} else {
				for _, ix := range p.indexes {
					if ix.unique && sameCols(ix.cols, fk.RefCols) {
						fi.RefIndexOID, fi.RefConstraint = ix.oid, ix.name
						break
					}
				}
			}
		}
		ti.ForeignKeys = append(ti.ForeignKeys, fi)
	}
}

// addColumnConstraints adds the CHECK and REFERENCES options of ALTER
// TABLE ... ADD COLUMN's new column, checking the rows (which hold the
// column's default by now).
func (s *Session) addColumnConstraints(ctx context.Context, t *tableDef, cd *ast.ColumnDef, stmt *parser.Statement) (*tableDef, error) {
	pending := map[string]bool{}
	var checks []pendingCheck
	var err error
	for _, opt := range cd.Options {
		switch opt.Tp {
		case ast.ColumnOptionCheck:
			checks = append(checks, pendingCheck{name: opt.ConstraintName, expr: opt.Expr, column: cd.Name.Name.O})
		case ast.ColumnOptionReference:
			pf := pendingFK{name: columnReferenceName(stmt.Text, cd.Name.Name.O), cols: []string{cd.Name.Name.O}, ref: opt.Refer}
			if t, err = s.addForeignKey(ctx, t, pf, pending, true); err != nil {
				return nil, err
			}
		}
	}
	return s.addChecks(ctx, t, checks, stmt, pending, true)
}

// dropConstraintFlags reads IF EXISTS before name and a final CASCADE
// from an ALTER TABLE ... DROP CONSTRAINT statement's own text (sql/parser
// leaves both out of what TiDB parses).
func dropConstraintFlags(text, name string) (ifExists, cascade bool) {
	words := strings.Fields(strings.NewReplacer(",", " , ", ";", " ", "\"", "").Replace(strings.ToLower(text)))
	for i := 0; i+4 < len(words); i++ {
		if words[i] == "drop" && words[i+1] == "constraint" && words[i+2] == "if" && words[i+3] == "exists" && words[i+4] == strings.ToLower(name) {
			ifExists = true
		}
	}
	return ifExists, len(words) > 0 && words[len(words)-1] == "cascade"
}

// columnReferenceName finds the name of column col's `CONSTRAINT name
// REFERENCES` in a CREATE or ALTER TABLE statement's own text (sql/parser
// leaves the two words out of what TiDB parses); "" when it has none.
func columnReferenceName(text, col string) string {
	toks := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ", ",", " , ", "\"", "").Replace(strings.ToLower(text)))
	col = strings.ToLower(col)
	depth, start := 0, false
	inCol := false
	for i, w := range toks {
		switch w {
		case "(":
			depth++
			start = depth == 1
			continue
		case ")":
			depth--
			continue
		case ",":
			if depth == 1 {
				start, inCol = true, false
			}
			continue
		}
		if start {
			inCol, start = w == col, false
			if w == "column" && i+1 < len(toks) && toks[i+1] == col {
				inCol = true
			}
		}
		if w == "add" && depth == 0 {
			start = true
		}
		if inCol && w == "constraint" && i+2 < len(toks) && toks[i+2] == "references" {
			return toks[i+1]
		}
	}
	return ""
}
