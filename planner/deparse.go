package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Deparsing a view's query as PostgreSQL 15's pg_get_viewdef prints it
// (ruleutils.c, get_query_def and friends).
//
// PostgreSQL stores a view as its analysed query tree and prints it back,
// so the text shows what parse analysis decided: every column qualified
// by its range-table name, `*` expanded, implicit casts and the types of
// literals made explicit, IN lists as `= ANY (ARRAY[...])`, LIKE as `~~`.
// nqdb keeps the view's text, so DeparseView re-analyses it: the clause
// structure (FROM items, joins, GROUP BY, ...) is taken from the TiDB
// AST, and every expression is bound by the ordinary binder in the scope
// of its FROM clause, which yields the same casts, operator choices and
// literal types PostgreSQL's analysis would. The bound expression is then
// printed by the rules of get_rule_expr. Anything the printer does not
// know (window functions, subquery expressions, WITH, LATERAL, ...) makes
// DeparseView fail, and the caller falls back to the text as written.
//
// The layout follows PRETTYFLAG_INDENT, which every pg_get_viewdef form
// uses: a keyword per line with PostgreSQL's indentation; Pretty adds
// PRETTYFLAG_PAREN, printing only the parentheses precedence needs.

// DeparseOptions says how DeparseView prints.
type DeparseOptions struct {
	// Pretty is PRETTYFLAG_PAREN: pg_get_viewdef(v, true) and the
	// wrap-column form.
	Pretty bool
	// Wrap is the wrap column of the select and FROM lists: 0 (the
	// default) puts every item on its own line, a negative one never
	// wraps.
	Wrap int
	// Columns are the view's column names (its current attribute names);
	// a target whose name differs gets `AS name`, and targets past them
	// (columns a `*` gained after CREATE VIEW) are left out.
	Columns []string
	// RelationName prints a relation of the FROM clause: PostgreSQL
	// qualifies a relation not visible on the search path. nil prints the
	// name alone.
	RelationName func(oid uint32, name string) string
	// FormatOpts reads typed literals (DateStyle); nil = defaults.
	FormatOpts *types.FormatOpts
}

// Indentation steps of ruleutils.c.
const (
	prettyIndentStd   = 8
	prettyIndentJoin  = 4
	prettyIndentVar   = 4
	prettyIndentLimit = 40
)

// deparser is one DeparseView call: the output and the layout state.
type deparser struct {
	cat    Catalog
	o      DeparseOptions
	sql    string
	buf    []byte
	indent int
}

// DeparseView returns pg_get_viewdef's text for a view defined by stmt (a
// SELECT or a set operation), with its leading space and closing
// semicolon. An error means the query holds something not deparsed yet;
// callers then show the text as written.
func DeparseView(stmt ast.StmtNode, cat Catalog, o DeparseOptions) (out string, err error) {
	defer func() {
		// A shape the printer does not expect must never fail the
		// catalog function that asked.
		if r := recover(); r != nil {
			out, err = "", pgerror.New(pgerror.FeatureNotSupported, "cannot deparse view: %v", r)
		}
	}()
	rs, ok := stmt.(ast.ResultSetNode)
	if !ok {
		return "", errNoDeparse("statement")
	}
	d := &deparser{cat: cat, o: o, sql: stmt.Text()}
	if err := d.query(rs, o.Columns, true, true); err != nil {
		return "", err
	}
	d.buf = append(d.buf, ';')
	return string(d.buf), nil
}

func errNoDeparse(what string) error {
	return pgerror.New(pgerror.FeatureNotSupported, "cannot deparse %s yet", what)
}

// keyword is appendContextKeyword.
func (d *deparser) keyword(s string, before, after, plus int) {
	d.indent += before
	d.trimSpaces()
	d.buf = append(d.buf, '\n')
	n := max(d.indent, 0) + plus
	if d.indent >= prettyIndentLimit {
		n = prettyIndentLimit + (d.indent-prettyIndentLimit)/(prettyIndentStd/2)
		n %= prettyIndentLimit
		n += plus
	}
	for range n {
		d.buf = append(d.buf, ' ')
	}
	d.buf = append(d.buf, s...)
	d.indent += after
	if d.indent < 0 {
		d.indent = 0
	}
}

// trimSpaces is removeStringInfoSpaces.
func (d *deparser) trimSpaces() {
	for len(d.buf) > 0 && d.buf[len(d.buf)-1] == ' ' {
		d.buf = d.buf[:len(d.buf)-1]
	}
}

// lastLineLen is the length of the output's current line.
func (d *deparser) lastLineLen() int {
	i := strings.LastIndexByte(string(d.buf), '\n')
	return len(d.buf) - i - 1
}

// query prints a SELECT or a set operation (get_query_def): names are
// the result columns' names (nil = each target's own), namesVisible is
// colNamesVisible.
func (d *deparser) query(rs ast.ResultSetNode, names []string, namesVisible, top bool) error {
	switch x := rs.(type) {
	case *ast.SelectStmt:
		return d.selectStmt(x, names, namesVisible, top)
	case *ast.SetOprStmt:
		return d.setOp(x, names, namesVisible)
	}
	return errNoDeparse("this query")
}

// boundSelect is one SELECT bound for printing.
type boundSelect struct {
	b        *binder
	scope    *scope
	targets  []Expr
	tnames   []string
	where    Expr
	groups   []Expr
	having   Expr
	orders   []Expr
	orderAST []*ast.ByItem
	nulls    []bool
	limit    Expr
	offset   Expr
	distinct bool
	don      []Expr
}

// bindSelect binds s's clauses the way buildSelect does, keeping each
// expression over the FROM clause's scope.
func (d *deparser) bindSelect(s *ast.SelectStmt) (*boundSelect, error) {
	if s.With != nil || len(s.WindowSpecs) > 0 || s.Kind != ast.SelectStmtKindSelect ||
		s.LockInfo != nil && s.LockInfo.LockType != ast.SelectLockNone {
		return nil, errNoDeparse("this SELECT")
	}
	s, distinctOn := splitDistinctOn(s)
	b := &binder{cat: d.cat, sql: d.sql, fo: d.o.FormatOpts, deparse: true}
	bs := &boundSelect{b: b, distinct: s.Distinct}
	if s.From != nil {
		_, sc, err := b.buildFrom(s.From.TableRefs)
		if err != nil {
			return nil, err
		}
		b.scope = sc
	} else {
		b.scope = &scope{}
	}
	bs.scope = b.scope
	b.aggCtx, b.clause = "", "WHERE"
	if s.Where != nil {
		w, err := b.bindExpr(s.Where)
		if err != nil {
			return nil, err
		}
		if bs.where, err = b.coerceBool(w, "WHERE", s.Where); err != nil {
			return nil, err
		}
	}
	if s.GroupBy != nil {
		b.clause = "GROUP BY"
		for _, it := range s.GroupBy.Items {
			n := unparen(it.Expr)
			if p, ok := orderPosition(n); ok {
				if s.Fields == nil || p < 1 || p > len(s.Fields.Fields) || s.Fields.Fields[p-1].Expr == nil {
					return nil, errNoDeparse("GROUP BY")
				}
				n = s.Fields.Fields[p-1].Expr
			} else if cn, ok := n.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" && !b.scope.has(cn.Name.Name.O) && s.Fields != nil {
				for _, f := range s.Fields.Fields {
					if f.Expr != nil && f.AsName.O == cn.Name.Name.O {
						n = f.Expr
						break
					}
				}
			}
			if fc, ok := n.(*ast.FuncCallExpr); ok && isGroupingSetsCall(fc) {
				return nil, errNoDeparse("grouping sets")
			}
			e, err := b.bindExpr(n)
			if err != nil {
				return nil, err
			}
			if e.Type().OID == types.OidUnknown {
				if e, err = b.coerce(e, types.Text, -1, false, n); err != nil {
					return nil, err
				}
			}
			bs.groups = append(bs.groups, e)
		}
	}
	b.aggCtx, b.clause = "select", ""
	if s.Fields != nil {
		for _, f := range s.Fields.Fields {
			if f.WildCard != nil {
				tbl := f.WildCard.Table.O
				found := false
				for i, c := range b.scope.cols {
					if (tbl == "" && !c.hidden) || (tbl != "" && c.table == tbl) {
						bs.targets = append(bs.targets, &ColumnRef{Idx: i, T: c.t})
						bs.tnames = append(bs.tnames, c.name)
						found = true
					}
				}
				if !found {
					return nil, errNoDeparse("this *")
				}
				continue
			}
			e, err := b.bindExpr(f.Expr)
			if err != nil {
				return nil, err
			}
			if e.Type().OID == types.OidUnknown {
				if e, err = b.coerce(e, types.Text, -1, false, f.Expr); err != nil {
					return nil, err
				}
			}
			name := f.AsName.O
			if name == "" {
				name, _ = colName(f.Expr)
			}
			bs.targets = append(bs.targets, e)
			bs.tnames = append(bs.tnames, name)
		}
	}
	if s.Having != nil {
		h, err := b.bindExpr(s.Having.Expr)
		if err != nil {
			return nil, err
		}
		if bs.having, err = b.coerceBool(h, "HAVING", s.Having.Expr); err != nil {
			return nil, err
		}
	}
	exprs := append([]Expr(nil), bs.targets...)
	if s.OrderBy != nil {
		for _, item := range s.OrderBy.Items {
			e, nullsFirst := orderItem(item)
			idx, err := b.orderKey(e, bs.tnames, &exprs)
			if err != nil {
				return nil, err
			}
			bs.orders = append(bs.orders, exprs[idx])
			bs.orderAST = append(bs.orderAST, item)
			bs.nulls = append(bs.nulls, nullsFirst)
		}
	}
	for _, n := range distinctOn {
		if p, ok := orderPosition(unparen(n)); ok {
			if p < 1 || p > len(bs.targets) {
				return nil, errNoDeparse("DISTINCT ON")
			}
			bs.don = append(bs.don, bs.targets[p-1])
			continue
		}
		idx, err := b.orderKey(n, bs.tnames, &exprs)
		if err != nil {
			return nil, err
		}
		bs.don = append(bs.don, exprs[idx])
	}
	if len(b.windows) > 0 || b.hasGrouping || len(b.ctes) > 0 {
		return nil, errNoDeparse("window functions")
	}
	if s.Limit != nil {
		var err error
		if s.Limit.Offset != nil {
			if bs.offset, err = b.bindLimit(s.Limit.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		if s.Limit.Count != nil {
			if bs.limit, err = b.bindLimit(s.Limit.Count, "LIMIT"); err != nil {
				return nil, err
			}
		}
	}
	return bs, nil
}

// isGroupingSetsCall tells ROLLUP/CUBE/GROUPING SETS, which sql/parser
// writes as calls.
func isGroupingSetsCall(fc *ast.FuncCallExpr) bool {
	return strings.HasPrefix(fc.FnName.L, "nqdb_") && strings.Contains(fc.FnName.L, "group") ||
		fc.FnName.L == "rollup" || fc.FnName.L == "cube"
}

// selectStmt is get_basic_select_query plus the ORDER BY and LIMIT of
// get_select_query_def.
func (d *deparser) selectStmt(s *ast.SelectStmt, names []string, namesVisible, top bool) error {
	bs, err := d.bindSelect(s)
	if err != nil {
		return err
	}
	if top && len(names) > 0 && len(bs.targets) > len(names) {
		// Columns a * gained after the view was made are not the view's.
		bs.targets, bs.tnames = bs.targets[:len(names)], bs.tnames[:len(names)]
	}
	p := &exprPrinter{d: d, sc: bs.scope, b: bs.b}
	d.indent += prettyIndentStd
	d.buf = append(d.buf, ' ')
	d.buf = append(d.buf, "SELECT"...)
	if len(bs.don) > 0 {
		d.buf = append(d.buf, " DISTINCT ON ("...)
		for i, e := range bs.don {
			if i > 0 {
				d.buf = append(d.buf, ", "...)
			}
			p.sortGroupItem(e, false)
		}
		d.buf = append(d.buf, ')')
	} else if bs.distinct {
		d.buf = append(d.buf, " DISTINCT"...)
	}
	if err := d.targetList(p, bs, names, namesVisible); err != nil {
		return err
	}
	if s.From != nil {
		if err := d.fromClause(p, s.From.TableRefs); err != nil {
			return err
		}
	}
	if bs.where != nil {
		d.keyword(" WHERE ", -prettyIndentStd, prettyIndentStd, 1)
		p.expr(bs.where, false)
	}
	if len(bs.groups) > 0 {
		d.keyword(" GROUP BY ", -prettyIndentStd, prettyIndentStd, 1)
		for i, g := range bs.groups {
			if i > 0 {
				d.buf = append(d.buf, ", "...)
			}
			p.sortGroupItem(g, false)
		}
	}
	if bs.having != nil {
		d.keyword(" HAVING ", -prettyIndentStd, prettyIndentStd, 0)
		p.expr(bs.having, false)
	}
	if len(bs.orders) > 0 {
		d.keyword(" ORDER BY ", -prettyIndentStd, prettyIndentStd, 1)
		for i, e := range bs.orders {
			if i > 0 {
				d.buf = append(d.buf, ", "...)
			}
			p.sortGroupItem(e, false)
			desc := bs.orderAST[i].Desc
			switch {
			case desc && !bs.nulls[i]:
				d.buf = append(d.buf, " DESC NULLS LAST"...)
			case desc:
				d.buf = append(d.buf, " DESC"...)
			case bs.nulls[i]:
				d.buf = append(d.buf, " NULLS FIRST"...)
			}
		}
	}
	if bs.offset != nil {
		d.keyword(" OFFSET ", -prettyIndentStd, prettyIndentStd, 0)
		p.expr(stripCasts(bs.offset), false)
	}
	if bs.limit != nil {
		d.keyword(" LIMIT ", -prettyIndentStd, prettyIndentStd, 0)
		if c, ok := stripCasts(bs.limit).(*Const); ok && c.Val == nil {
			d.buf = append(d.buf, "ALL"...)
		} else {
			p.expr(stripCasts(bs.limit), false)
		}
	}
	return nil
}

// stripCasts drops the casts to bigint LIMIT and OFFSET add (PostgreSQL
// adds an implicit one, never shown there).
func stripCasts(e Expr) Expr {
	for {
		c, ok := e.(*Cast)
		if !ok || c.To.OID != types.OidInt8 {
			return e
		}
		e = c.X
	}
}

// targetList is get_target_list.
func (d *deparser) targetList(p *exprPrinter, bs *boundSelect, names []string, namesVisible bool) error {
	outer := d.buf
	sep := " "
	lastMultiline := false
	for i, e := range bs.targets {
		outer = append(d.buf[:0:0], d.buf...)
		outer = append(outer, sep...)
		sep = ", "
		d.buf = nil
		var attname string
		hasAtt := false
		if ref, ok := e.(*ColumnRef); ok {
			p.column(ref)
			attname, hasAtt = bs.scope.cols[ref.Idx].name, true
		} else {
			p.expr(e, true)
			if !namesVisible {
				attname, hasAtt = "?column?", true
			}
		}
		colname := bs.tnames[i]
		if i < len(names) {
			colname = names[i]
		}
		if !hasAtt || attname != colname {
			d.buf = append(d.buf, " AS "...)
			d.buf = appendQuoteIdentifier(d.buf, colname)
		}
		item := d.buf
		d.buf = outer
		if d.o.Wrap >= 0 {
			if len(item) > 0 && item[0] == '\n' {
				d.trimSpaces()
			} else if i > 0 && (d.lastLineLen()+len(item) > d.o.Wrap || lastMultiline) {
				d.keyword("", -prettyIndentStd, prettyIndentStd, prettyIndentVar)
			}
			rest := item
			if len(rest) > 0 && rest[0] == '\n' {
				rest = rest[1:]
			}
			lastMultiline = strings.IndexByte(string(rest), '\n') >= 0
		}
		d.buf = append(d.buf, item...)
	}
	return nil
}

// fromClause is get_from_clause: the comma-separated items of FROM.
func (d *deparser) fromClause(p *exprPrinter, j *ast.Join) error {
	var items []ast.ResultSetNode
	var flatten func(n ast.ResultSetNode)
	flatten = func(n ast.ResultSetNode) {
		if jj, ok := n.(*ast.Join); ok && (jj.Right == nil || jj.Tp == ast.CrossJoin && jj.On == nil && !jj.NaturalJoin && len(jj.Using) == 0) {
			flatten(jj.Left)
			if jj.Right != nil {
				flatten(jj.Right)
			}
			return
		}
		items = append(items, n)
	}
	flatten(j)
	for i, it := range items {
		if i == 0 {
			d.keyword(" FROM ", -prettyIndentStd, prettyIndentStd, 2)
			if err := d.fromItem(p, it); err != nil {
				return err
			}
			continue
		}
		d.buf = append(d.buf, ", "...)
		outer := d.buf
		d.buf = nil
		if err := d.fromItem(p, it); err != nil {
			return err
		}
		item := d.buf
		d.buf = outer
		if d.o.Wrap >= 0 {
			if len(item) > 0 && item[0] == '\n' {
				d.trimSpaces()
			} else if d.lastLineLen()+len(item) > d.o.Wrap {
				d.keyword("", -prettyIndentStd, prettyIndentStd, prettyIndentVar)
			}
		}
		d.buf = append(d.buf, item...)
	}
	return nil
}

// fromItem is get_from_clause_item.
func (d *deparser) fromItem(p *exprPrinter, n ast.ResultSetNode) error {
	switch x := n.(type) {
	case *ast.Join:
		if x.Right == nil {
			return d.fromItem(p, x.Left)
		}
		if x.NaturalJoin || len(x.Using) > 0 || x.Tp == ast.RightJoin {
			return errNoDeparse("this join")
		}
		on := ast.ExprNode(nil)
		if x.On != nil {
			on = x.On.Expr
		}
		kw := " JOIN "
		switch {
		case x.Tp == ast.LeftJoin:
			kw = " LEFT JOIN "
			if e, full := stripFullJoin(on); full {
				kw, on = " FULL JOIN ", e
			}
		case on == nil:
			kw = " CROSS JOIN "
		}
		// The condition binds in the join's own scope.
		var cond Expr
		var sc *scope
		var jb *binder
		if on != nil {
			b := &binder{cat: d.cat, sql: d.sql, fo: d.o.FormatOpts, deparse: true}
			_, jsc, err := b.buildFrom(&ast.Join{Left: x.Left, Right: x.Right, Tp: ast.CrossJoin})
			if err != nil {
				return err
			}
			b.scope, b.clause = jsc, "JOIN conditions"
			c, err := b.bindExpr(on)
			if err != nil {
				return err
			}
			if cond, err = b.coerceBool(c, "JOIN/ON", on); err != nil {
				return err
			}
			sc, jb = jsc, b
		}
		if !d.o.Pretty {
			d.buf = append(d.buf, '(')
		}
		if err := d.fromItem(p, x.Left); err != nil {
			return err
		}
		d.keyword(kw, -prettyIndentStd, prettyIndentStd, prettyIndentJoin)
		_, rightJoin := x.Right.(*ast.Join)
		if rj, ok := x.Right.(*ast.Join); ok && rj.Right == nil {
			rightJoin = false
		}
		if d.o.Pretty && rightJoin {
			d.buf = append(d.buf, '(')
		}
		if err := d.fromItem(p, x.Right); err != nil {
			return err
		}
		if d.o.Pretty && rightJoin {
			d.buf = append(d.buf, ')')
		}
		if cond != nil {
			d.buf = append(d.buf, " ON "...)
			if !d.o.Pretty {
				d.buf = append(d.buf, '(')
			}
			jp := &exprPrinter{d: d, sc: sc, b: jb}
			jp.expr(cond, false)
			if !d.o.Pretty {
				d.buf = append(d.buf, ')')
			}
		} else if kw != " JOIN " && kw != " CROSS JOIN " {
			d.buf = append(d.buf, " ON TRUE"...)
		}
		if !d.o.Pretty {
			d.buf = append(d.buf, ')')
		}
		return nil
	case *ast.TableSource:
		if x.Lateral {
			return errNoDeparse("LATERAL")
		}
		switch src := x.Source.(type) {
		case *ast.TableName:
			t, err := d.cat.LookupTable(src.Schema.O, src.Name.O)
			if err != nil {
				return err
			}
			name := appendQuoteIdentifier(nil, t.Name())
			if d.o.RelationName != nil {
				d.buf = append(d.buf, d.o.RelationName(t.OID(), t.Name())...)
			} else {
				d.buf = append(d.buf, name...)
			}
			if x.AsName.O != "" {
				d.buf = append(d.buf, ' ')
				d.buf = appendQuoteIdentifier(d.buf, x.AsName.O)
			}
			return nil
		case *ast.SelectStmt, *ast.SetOprStmt:
			if len(x.ColumnNames) > 0 || x.AsName.O == "" {
				return errNoDeparse("this FROM subquery")
			}
			d.buf = append(d.buf, '(')
			saved := d.indent
			if err := d.query(src.(ast.ResultSetNode), nil, true, false); err != nil {
				return err
			}
			d.indent = saved
			d.buf = append(d.buf, ')', ' ')
			d.buf = appendQuoteIdentifier(d.buf, x.AsName.O)
			return nil
		}
	}
	return errNoDeparse("this FROM item")
}

// setOp prints a set operation (get_setop_query) with its ORDER BY and
// LIMIT. TiDB lists the branches left to right; PostgreSQL's tree is
// left-deep, which prints the same while the operators agree.
func (d *deparser) setOp(x *ast.SetOprStmt, names []string, namesVisible bool) error {
	if x.With != nil || x.OrderBy != nil || x.Limit != nil || x.SelectList == nil {
		return errNoDeparse("this set operation")
	}
	sels := x.SelectList.Selects
	if len(sels) < 2 {
		return errNoDeparse("this set operation")
	}
	var first *ast.SetOprType
	for i, n := range sels {
		s, ok := n.(*ast.SelectStmt)
		if !ok || s.OrderBy != nil || s.Limit != nil || s.With != nil {
			return errNoDeparse("this set operation")
		}
		if i == 0 {
			continue
		}
		if s.AfterSetOperator == nil {
			return errNoDeparse("this set operation")
		}
		if first == nil {
			first = s.AfterSetOperator
		} else if *first != *s.AfterSetOperator {
			return errNoDeparse("mixed set operations")
		}
	}
	if names == nil {
		// The result's names are the first branch's.
		bs, err := d.bindSelect(sels[0].(*ast.SelectStmt))
		if err != nil {
			return err
		}
		names = bs.tnames
	}
	base := d.indent
	for i := range sels {
		if i > 0 {
			d.keyword("", 0, 0, 0)
			switch *sels[i].(*ast.SelectStmt).AfterSetOperator {
			case ast.Union:
				d.buf = append(d.buf, "UNION "...)
			case ast.UnionAll:
				d.buf = append(d.buf, "UNION ALL "...)
			case ast.Except:
				d.buf = append(d.buf, "EXCEPT "...)
			case ast.ExceptAll:
				d.buf = append(d.buf, "EXCEPT ALL "...)
			case ast.Intersect:
				d.buf = append(d.buf, "INTERSECT "...)
			case ast.IntersectAll:
				d.buf = append(d.buf, "INTERSECT ALL "...)
			}
			d.keyword("", 0, 0, 0)
		}
		d.indent = base
		visible := namesVisible && i == 0
		if err := d.selectStmt(sels[i].(*ast.SelectStmt), names, visible, i == 0); err != nil {
			return err
		}
		d.indent = base
	}
	return nil
}

// appendQuoteIdentifier is quote_identifier.
func appendQuoteIdentifier(buf []byte, s string) []byte { return parser.AppendQuoteIdent(buf, s) }
