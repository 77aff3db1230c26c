package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Column defaults are kept as PostgreSQL text (Column.Default, as written
// in CREATE TABLE; serial columns get nextval('t_c_seq')) and bound where
// a row needs them: INSERT without the column, DEFAULT in VALUES or in
// UPDATE's SET. Binding per statement keeps volatile defaults such as
// nextval() or now() evaluated per row.

// defaultPrefix is put before a default's text to parse it.
const defaultPrefix = "SELECT "

// parseDefault parses a default's text into an expression and its
// statement (for positions).
func parseDefault(text string) (ast.ExprNode, *parser.Statement, error) {
	stmts, err := parser.Parse(defaultPrefix + text)
	if err != nil {
		return nil, nil, err
	}
	if len(stmts) != 1 {
		return nil, nil, pgerror.New(pgerror.SyntaxError, "syntax error in default expression %q", text)
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.From != nil || sel.Where != nil || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].Expr == nil {
		return nil, nil, pgerror.New(pgerror.SyntaxError, "syntax error in default expression %q", text)
	}
	return sel.Fields.Fields[0].Expr, stmts[0], nil
}

// defaultError places err's position in the default's own text (1-based;
// 0 when unknown).
func defaultError(err error, st *parser.Statement) error {
	pe := pgerror.From(err)
	if pe.Position == 0 {
		return err
	}
	cp := *pe
	cp.Position = 0
	if st != nil {
		if p := st.Position(pe.Position - 1); p > len(defaultPrefix) {
			cp.Position = p - len(defaultPrefix)
		}
	} else if pe.Position > len(defaultPrefix) {
		cp.Position = pe.Position - len(defaultPrefix)
	}
	return &cp
}

// bindDefault binds col's default (NULL when it has none), assigned to
// the column's type. Errors carry no position: PostgreSQL reports none
// for a default evaluated by INSERT.
func (b *binder) bindDefault(col Column) (Expr, error) {
	e, err := b.bindDefaultAt(col)
	if err != nil {
		if pe := pgerror.From(err); pe.Position != 0 {
			cp := *pe
			cp.Position = 0
			return nil, &cp
		}
	}
	return e, err
}

// bindDefaultAt is bindDefault with error positions in the default's
// text.
func (b *binder) bindDefaultAt(col Column) (Expr, error) {
	if col.Default == "" && col.Domain != nil {
		// A domain column without its own default takes the domain's,
		// and even NULL must pass the domain's checks.
		if tc, ok := b.cat.(TypeCatalog); ok {
			col.Default = tc.DomainConstraints(col.Domain).Default
		}
		if col.Default == "" {
			return b.domainCheck(&Const{T: col.Type}, col.Domain)
		}
	}
	if col.Default == "" {
		return &Const{T: col.Type}, nil
	}
	n, st, err := parseDefault(col.Default)
	if err != nil {
		return nil, defaultError(err, nil)
	}
	sub := &binder{cat: b.cat, sql: st.Rewritten, fo: b.fo, scope: &scope{}, clause: "DEFAULT"}
	e, err := sub.bindExpr(n)
	if err != nil {
		return nil, defaultError(err, st)
	}
	if len(sub.aggs) > 0 {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in DEFAULT expressions")
	}
	if e.Type().OID != types.OidUnknown && e.Type().OID != col.Type.OID && !canCoerceAssignment(e.Type(), col.Type) {
		return nil, pgerror.New(pgerror.DatatypeMismatch, "column \"%s\" is of type %s but default expression is of type %s", col.Name, col.Type.SQLName, e.Type().SQLName).
			WithHint("You will need to rewrite or cast the expression.")
	}
	e, err = sub.assign(e, col, nil)
	if err != nil {
		return nil, defaultError(err, st)
	}
	return e, nil
}

// BindDefault binds col's default for evaluation outside a statement's
// plan (COPY FROM fills the columns it was not given with it); a column
// without a default gives a NULL constant.
func BindDefault(cat Catalog, col Column, fo *types.FormatOpts) (Expr, error) {
	b := &binder{cat: cat, fo: fo}
	return b.bindDefault(col)
}

// CheckDefault binds col's default as CREATE TABLE does, to report a bad
// expression or type when the table is made rather than at the first
// INSERT. An error's position is 1-based in the default's text (0 when
// the error has none).
func CheckDefault(cat Catalog, col Column, fo *types.FormatOpts) error {
	b := &binder{cat: cat, fo: fo}
	_, err := b.bindDefaultAt(col)
	return err
}
