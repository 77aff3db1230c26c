package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// RETURNING: INSERT, UPDATE and DELETE with a RETURNING list produce rows
// computed over each row they wrote (the new row for INSERT and UPDATE,
// the old one for DELETE). sql/parser hands the list over as the select
// list of a SELECT of its own (parser.Statement.Returning); it is bound
// over the target table's columns.

// BuildOptions carries what the TiDB AST lacks.
type BuildOptions struct {
	// Returning is the RETURNING list as a parsed `SELECT <list>`, and
	// ReturningSQL the text that statement's positions refer to.
	Returning    *ast.SelectStmt
	ReturningSQL string
	// OnConflict is INSERT's ON CONFLICT clause.
	OnConflict *parser.OnConflict
	// From is UPDATE's FROM / DELETE's USING list as a parsed
	// `SELECT * FROM <list>`, and FromSQL that statement's text.
	From    *ast.SelectStmt
	FromSQL string
	// Overriding is INSERT's OVERRIDING {SYSTEM | USER} VALUE ("system",
	// "user", "").
	Overriding string
	// With is a top-level WITH clause sql/parser took off the statement
	// (writable CTEs; see wcte.go).
	With *parser.With
}

// returningOf gives a DML node's RETURNING list.
func returningOf(n Node) (*[]Expr, bool) {
	switch x := n.(type) {
	case *Insert:
		return &x.Returning, true
	case *Update:
		return &x.Returning, true
	case *Delete:
		return &x.Returning, true
	}
	return nil, false
}

// bindReturning binds the RETURNING list over the row described by sc
// (the target table's columns, or with UPDATE ... FROM / DELETE ... USING
// the whole source row, whose columns `*` then includes) and returns the
// expressions and the result columns.
func (b *binder) bindReturning(ret *ast.SelectStmt, sql string, sc *scope) ([]Expr, []Column, error) {
	saved, savedSQL := b.scope, b.sql
	b.scope, b.sql = sc, sql
	b.aggCtx, b.clause = "", "RETURNING"
	defer func() { b.scope, b.sql = saved, savedSQL }()
	var exprs []Expr
	var cols []Column
	add := func(e Expr, name string) {
		col := Column{Name: name, Type: e.Type(), Typmod: typmodOf(e)}
		if ref, ok := e.(*ColumnRef); ok {
			c := sc.cols[ref.Idx]
			col.Typmod, col.TableOID, col.AttNum = c.typmod, c.tableOID, c.attNum
		}
		exprs, cols = append(exprs, e), append(cols, col)
	}
	for _, f := range ret.Fields.Fields {
		if f.WildCard != nil {
			tbl, found := f.WildCard.Table.O, false
			for i, c := range sc.cols {
				if (tbl == "" && !c.hidden) || (tbl != "" && c.table == tbl) {
					add(&ColumnRef{Idx: i, T: c.t}, c.name)
					found = true
				}
			}
			if !found {
				return nil, nil, pgerror.New(pgerror.UndefinedTable, "missing FROM-clause entry for table \"%s\"", tbl)
			}
			continue
		}
		e, err := b.bindExpr(f.Expr)
		if err != nil {
			return nil, nil, err
		}
		if len(b.aggs) > 0 {
			return nil, nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in RETURNING")
		}
		if e.Type().OID == types.OidUnknown {
			if _, isParam := e.(*Param); !isParam {
				if e, err = b.coerce(e, types.Text, -1, false, f.Expr); err != nil {
					return nil, nil, err
				}
			}
		}
		name := f.AsName.O
		if name == "" {
			name, _ = colName(f.Expr)
		}
		add(e, name)
	}
	return exprs, cols, nil
}

// addReturning binds opts' RETURNING list into the DML root and returns
// the result columns (nil without RETURNING).
func (b *binder) addReturning(root Node, opts BuildOptions, alias string) ([]Column, error) {
	if opts.Returning == nil {
		return nil, nil
	}
	slot, ok := returningOf(root)
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"RETURNING\"")
	}
	t := dmlTable(root)
	vt := dmlViewOf(root)
	if alias == "" {
		alias = t.Name()
		if vt != nil {
			alias = vt.view.Name()
		}
	}
	sc := tableScope(t, alias)
	if vt != nil {
		sc = viewScope(vt, vt.view, alias)
	}
	if src := dmlSourceOf(root); src != nil {
		sc = src.scope
	}
	exprs, cols, err := b.bindReturning(opts.Returning, opts.ReturningSQL, sc)
	if err != nil {
		return nil, &ReturningError{Err: err}
	}
	if vt != nil {
		// Over the base row written (view_dml.go).
		viewSubstAll(exprs, len(t.Columns()), vt.exprs)
		if correlatedIn(exprs...) {
			return nil, errViewCorrelated()
		}
	}
	*slot = exprs
	return cols, nil
}

func dmlTable(n Node) Table {
	switch x := n.(type) {
	case *Insert:
		return x.Table
	case *Update:
		return x.Table
	case *Delete:
		return x.Table
	}
	return nil
}

// dmlSourceOf is the FROM / USING source of an UPDATE or DELETE (nil if
// none).
func dmlSourceOf(n Node) *DMLSource {
	switch x := n.(type) {
	case *Update:
		return x.Source
	case *Delete:
		return x.Source
	}
	return nil
}

// targetAlias is the alias of UPDATE's or DELETE's target ("" = none).
func targetAlias(refs *ast.TableRefsClause) string {
	if refs == nil || refs.TableRefs == nil {
		return ""
	}
	if ts, ok := refs.TableRefs.Left.(*ast.TableSource); ok {
		return ts.AsName.O
	}
	return ""
}

// ReturningError is an error in a RETURNING list: its position is in
// BuildOptions.ReturningSQL (the list parsed as `SELECT <list>`), not in
// the statement.
type ReturningError struct{ Err error }

func (e *ReturningError) Error() string { return e.Err.Error() }

// Unwrap gives the error.
func (e *ReturningError) Unwrap() error { return e.Err }
