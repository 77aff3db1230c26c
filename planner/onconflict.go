package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// OnConflict is INSERT ... ON CONFLICT: a proposed row that would violate
// the arbiter unique key (Arbiter -1: any unique key, which only DO
// NOTHING allows; 0: the primary key; i: KeyedTable.Indexes()[i-1]) is not
// inserted; with Update set, the existing row is updated instead: Set
// (one expression per column) and Where are evaluated over the existing
// row followed by the proposed one (EXCLUDED), ColumnRef.Idx counting
// across both.
type OnConflict struct {
	Arbiter int
	Update  bool
	Set     []Expr
	Where   Expr
}

// PKNamed is implemented by tables whose primary key has a name (for ON
// CONFLICT ON CONSTRAINT).
type PKNamed interface {
	PrimaryKeyName() string
}

// bindOnConflict binds oc for an INSERT into t.
func (b *binder) bindOnConflict(ins *Insert, oc *parser.OnConflict) error {
	t := ins.Table
	kt, _ := t.(KeyedTable)
	arbiter := -1
	switch {
	case len(oc.Columns) > 0:
		want := map[int]bool{}
		for _, name := range oc.Columns {
			i := findColumn(t.Columns(), name)
			if i < 0 {
				return pgerror.New(pgerror.UndefinedColumn, "column \"%s\" does not exist", name)
			}
			want[i] = true
		}
		same := func(cols []int) bool {
			if len(cols) != len(want) {
				return false
			}
			for _, c := range cols {
				if !want[c] {
					return false
				}
			}
			return true
		}
		if kt != nil && same(kt.PrimaryKey()) {
			arbiter = 0
		} else if kt != nil {
			for i, ix := range kt.Indexes() {
				if ix.Unique && same(ix.Columns) {
					arbiter = i + 1
					break
				}
			}
		}
		if arbiter < 0 {
			return pgerror.New(pgerror.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
		}
	case oc.Constraint != "":
		if pn, ok := t.(PKNamed); ok && kt != nil && len(kt.PrimaryKey()) > 0 && pn.PrimaryKeyName() == oc.Constraint {
			arbiter = 0
		} else if kt != nil {
			for i, ix := range kt.Indexes() {
				if ix.Unique && ix.Name == oc.Constraint {
					arbiter = i + 1
				}
			}
		}
		if arbiter < 0 {
			return pgerror.New(pgerror.UndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", oc.Constraint, t.Name())
		}
	}
	out := &OnConflict{Arbiter: arbiter}
	ins.OnConflict = out
	if oc.Update == nil {
		return nil
	}
	if arbiter < 0 {
		return pgerror.New(pgerror.SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
			WithHint("For example, ON CONFLICT (column_name).")
	}
	up := oc.Update.AST.(*ast.UpdateStmt)
	cols := t.Columns()
	sub := &binder{cat: b.cat, sql: oc.Update.Rewritten, fo: b.fo, params: b.params}
	sc := tableScope(t, t.Name())
	for _, c := range tableScope(t, "excluded").cols {
		sc.cols = append(sc.cols, c)
	}
	sub.scope = sc
	sub.aggCtx, sub.clause = "", "UPDATE"
	out.Update = true
	out.Set = make([]Expr, len(cols))
	for i, c := range cols {
		out.Set[i] = &ColumnRef{Idx: i, T: c.Type}
	}
	for _, a := range up.List {
		name := a.Column.Name.O
		i := findColumn(cols, name)
		if i < 0 {
			return pgerror.New(pgerror.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, t.Name())
		}
		var e Expr
		var err error
		if _, ok := a.Expr.(*ast.DefaultExpr); ok {
			e, err = sub.bindDefault(cols[i])
		} else if e, err = sub.bindExpr(a.Expr); err == nil {
			e, err = sub.assign(e, cols[i], a.Expr)
		}
		if err != nil {
			return stripPosition(err)
		}
		out.Set[i] = e
	}
	if up.Where != nil {
		w, err := sub.bindExpr(up.Where)
		if err == nil {
			w, err = sub.coerceBool(w, "WHERE", up.Where)
		}
		if err != nil {
			return stripPosition(err)
		}
		out.Where = w
	}
	b.params = sub.params
	b.unresolved = append(b.unresolved, sub.unresolved...)
	return nil
}

// stripPosition drops a position that points into a clause's own text.
func stripPosition(err error) error {
	if pe, ok := err.(*pgerror.Error); ok && pe.Position != 0 {
		cp := *pe
		cp.Position = 0
		return &cp
	}
	return err
}
