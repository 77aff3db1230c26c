package planner

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Build plans stmt. paramTypes are the types the client declared for $1,
// $2, ...; nil entries (or a shorter slice) are inferred from context as
// PostgreSQL does. Errors are *pgerror.Error with the position (1-based,
// relative to the statement text) when one can be derived.
func Build(stmt ast.StmtNode, paramTypes []*types.T, cat Catalog) (*Query, error) {
	return BuildWith(stmt, paramTypes, cat, nil)
}

// BuildWith is Build with the session's text input settings: literals such
// as '01-02-2024'::date are read under its DateStyle and TimeZone, as
// PostgreSQL reads them during parse analysis.
func BuildWith(stmt ast.StmtNode, paramTypes []*types.T, cat Catalog, fo *types.FormatOpts) (*Query, error) {
	return BuildWithOptions(stmt, paramTypes, cat, fo, BuildOptions{})
}

// BuildWithOptions is BuildWith with what the TiDB AST does not carry
// (a RETURNING list).
func BuildWithOptions(stmt ast.StmtNode, paramTypes []*types.T, cat Catalog, fo *types.FormatOpts, opts BuildOptions) (*Query, error) {
	return buildQuery(stmt, paramTypes, nil, cat, fo, opts)
}

// buildQuery is BuildWithOptions; custom, when set, are the parameter
// values a custom plan binds as constants (plancache.go).
func buildQuery(stmt ast.StmtNode, paramTypes []*types.T, custom []types.Datum, cat Catalog, fo *types.FormatOpts, opts BuildOptions) (*Query, error) {
	b := &binder{cat: cat, sql: stmt.Text(), fo: fo, dmlFrom: opts.From, dmlFromSQL: opts.FromSQL, overriding: opts.Overriding, custom: custom}
	b.params = append(b.params, paramTypes...)
	if err := b.bindParserWith(opts.With); err != nil {
		return nil, err
	}
	root, cols, err := b.buildStatement(stmt, opts)
	if err != nil {
		return nil, err
	}
	// Like check_variable_parameters: every $n must have a type by now,
	// and references bound before their type was inferred take it.
	for i, t := range b.params {
		if t == nil || t.OID == types.OidUnknown {
			return nil, pgerror.New(pgerror.IndeterminateDatatype, "could not determine data type of parameter $%d", i+1)
		}
	}
	for _, p := range b.unresolved {
		p.T = b.params[p.Idx]
	}
	for i := range cols {
		if cols[i].Type == nil || cols[i].Type.OID == types.OidUnknown {
			cols[i].Type = outputType(root, i)
		}
	}
	if custom != nil {
		// A custom plan folds before the key rule (plancache.go).
		if err := foldCustom(root, b.writes); err != nil {
			return nil, err
		}
	}
	perRowPlans(root) // perrow.go
	useKeys(root)
	root = dropKeyConds(root)     // keyfilter.go
	root = hashRight(root, b.cat) // hashright.go
	// The merge rule prices hash tables by the columns that will travel
	// (planWidth): mark them first; the Sorts it adds are marked after.
	pruneColumns(root)
	root = mergeJoins(root, b.cat)
	pruneColumns(root)
	root = useIndexOnly(root, b.cat)
	root = narrowRows(root) // narrow.go
	for _, w := range b.shared {
		w.Plan = narrowPlan(w.Plan)
	}
	if len(b.writes) == 0 {
		root = parallelize(root, b.cat)
		parallelizeCTEs(root, b.shared, b.cat)
	}
	sortedAggs(root, b.shared, b.cat) // groupagg.go
	finishWrites(b.writes)
	return &Query{Columns: cols, ParamTypes: b.params, Root: root, Writes: b.writes, CTEs: b.shared}, nil
}

// Fold folds constant expressions of q in place: the planning step that
// PostgreSQL runs after parse analysis (at Bind, for the extended
// protocol), so its errors (1/0 over constants) come after Build's and
// before any row is produced. It must run before q is executed or shared;
// running it again is harmless.
func Fold(q *Query) error {
	for _, w := range q.Writes {
		if err := foldNode(w.Node); err != nil {
			return err
		}
	}
	return foldNode(q.Root)
}

func outputType(n Node, i int) *types.T {
	out := n.Output()
	if i < len(out) {
		return out[i]
	}
	return types.Text
}

// binder holds the state of one Build.
type binder struct {
	cat Catalog
	sql string
	// custom holds a custom plan's parameter values (plancache.go).
	custom []types.Datum
	// hasGrouping: the query calls GROUPING(); groupingCol is where the
	// Agg reports each row's grouping set (-1: no sets), see
	// groupingsets.go.
	hasGrouping bool
	groupingCol int
	// dmlFrom is UPDATE's FROM / DELETE's USING list (see dmlfrom.go),
	// and dmlFromSQL the text its positions refer to.
	dmlFrom    *ast.SelectStmt
	dmlFromSQL string
	// overriding is INSERT's OVERRIDING clause (identity columns).
	overriding string
	// fo shapes the input of unknown-typed literals (DateStyle, TimeZone);
	// nil means PostgreSQL's defaults.
	fo *types.FormatOpts
	// params are the $n types; nil = not yet inferred.
	params []*types.T
	// unresolved are Param nodes bound while their type was unknown.
	unresolved []*Param
	scope      *scope
	// aggCtx is non-empty where aggregates are allowed; clause names the
	// clause being bound for the error when they are not.
	aggCtx, clause string
	inAgg          bool
	aggs           []AggCall
	// keepUnknown leaves unknown literals in the select list unresolved
	// (set-operation branches resolve them across branches).
	keepUnknown bool
	// outer is the enclosing query's binder, whose scope (and its own
	// outer ones) a subquery's expressions may refer to.
	outer *binder
	// correlated is set when this query refers to an enclosing one.
	correlated bool
	// derivedOf is the query whose FROM holds this one (a derived table
	// runs inside it), nil otherwise.
	derivedOf *binder
	// domainValue is what VALUE means while a domain's CHECK expression
	// is bound (domain.go); nil elsewhere.
	domainValue Expr
	// lateralScope is the scope of the FROM items left of the one being
	// bound (for LATERAL); lateralUsed reports that it referred to them.
	lateralScope *scope
	lateralUsed  bool
	// usedAsOuter is set on a binder whose scope a nested query used.
	usedAsOuter bool
	// ctes are this query's WITH items (cte.go).
	ctes []*cteDef
	// writes are the statement's data-modifying WITH items (wcte.go).
	writes []*WriteCTE
	// shared are the statement's materialized CTEs, kept on its topmost
	// binder (ctematerialize.go).
	shared []*WorkTable
	// initPlan: this is an uncorrelated scalar subquery, whose joins may
	// use index nested loops (initplanlookup.go).
	initPlan bool
	// perRow: this is the second binding of a correlated subquery, the
	// plan run per outer row when no rule decorrelates it; its joins may
	// use index nested loops (perrow.go).
	perRow bool
	// windows are the window functions of the select list (window.go);
	// winAllowed is set while binding where they may appear;
	// namedWindows are the WINDOW clause's definitions.
	windows      []*WindowFunc
	winAllowed   bool
	namedWindows map[string]*ast.WindowSpec
	// outerRefsOutsideWhere is set when a subquery referred to this
	// query's columns from outside WHERE and JOIN conditions.
	outerRefsOutsideWhere bool
	// fn is set while binding a user function's body: its parameter
	// names resolve after columns (udf.go); inCall while binding CALL.
	fn     *funcScope
	inCall bool
	// deparse is set while DeparseView binds a view's query for printing
	// (deparse.go): IN lists then bind as PostgreSQL's = ANY (ARRAY[...]).
	deparse bool
}

// scope is the set of columns visible to expressions: the output of the
// FROM clause.
type scope struct {
	cols []scopeCol
}

func (s *scope) has(name string) bool {
	for _, c := range s.cols {
		if c.name == name {
			return true
		}
	}
	return false
}

type scopeCol struct {
	// hidden columns answer only qualified references (t.c): the
	// columns a JOIN ... USING merged into one.
	hidden bool
	table  string
	// relname is the table's own name when table is an alias for it.
	relname  string
	name     string
	t        *types.T
	typmod   int32
	tableOID uint32
	attNum   int16
}

func pos(n ast.Node) int { return n.OriginTextPosition() + 1 }

// errAt attaches the 1-based position of n to err.
func errAt(err error, n ast.Node) error {
	if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 && n != nil {
		return pe.WithPosition(pos(n))
	}
	return err
}

func (b *binder) buildSelect(s *ast.SelectStmt) (Node, []Column, error) {
	s, distinctOn := splitDistinctOn(s) // distincton.go
	if len(s.WindowSpecs) > 0 {
		b.namedWindows = map[string]*ast.WindowSpec{}
		for i := range s.WindowSpecs {
			w := &s.WindowSpecs[i]
			b.namedWindows[w.Name.O] = w
		}
	}
	if err := b.bindWith(s.With); err != nil {
		return nil, nil, err
	}
	b.countCTERefs(s)
	var input Node
	if s.From != nil {
		n, sc, err := b.buildFrom(s.From.TableRefs)
		if err != nil {
			return nil, nil, err
		}
		input, b.scope = n, sc
	} else {
		b.scope = &scope{}
	}
	var where Expr
	b.aggCtx, b.clause = "", "WHERE"
	if s.Where != nil {
		w, err := b.bindExpr(s.Where)
		if err != nil {
			return nil, nil, err
		}
		if where, err = b.coerceBool(w, "WHERE", s.Where); err != nil {
			return nil, nil, err
		}
	}
	var groups []Expr
	var sets [][]int
	if s.GroupBy != nil {
		b.clause = "GROUP BY"
		bindGroup := func(n ast.ExprNode) (Expr, error) {
			n = unparen(n)
			if err := b.nonIntegerConstant(n, "GROUP BY"); err != nil {
				return nil, err
			}
			if p, ok := orderPosition(n); ok {
				if s.Fields == nil || p < 1 || p > len(s.Fields.Fields) || s.Fields.Fields[p-1].Expr == nil {
					return nil, pgerror.New(pgerror.InvalidColumnReference, "GROUP BY position %d is not in select list", p).WithPosition(b.groupByNumberPos(n, p))
				}
				n = s.Fields.Fields[p-1].Expr
			} else if cn, ok := n.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" && !b.scope.has(cn.Name.Name.O) && s.Fields != nil {
				// An output column name (PostgreSQL allows it when no
				// input column has the name).
				for _, f := range s.Fields.Fields {
					if f.Expr != nil && f.AsName.O == cn.Name.Name.O {
						n = f.Expr
						break
					}
				}
			}
			e, err := b.bindExpr(n)
			if err != nil {
				return nil, err
			}
			if e.Type().OID == types.OidUnknown {
				return b.coerce(e, types.Text, -1, false, n)
			}
			return e, nil
		}
		var err error
		if groups, sets, err = b.groupingSets(s.GroupBy.Items, bindGroup); err != nil {
			return nil, nil, orderByAmbiguityFirst(err, s)
		}
	}
	b.aggCtx, b.clause = "select", ""
	b.winAllowed = true
	var exprs []Expr
	var cols []Column
	var unknownParams []int
	var paramNodes []ast.Node
	if s.Fields != nil {
		for _, f := range s.Fields.Fields {
			if f.WildCard != nil {
				if len(b.scope.cols) == 0 {
					return nil, nil, pgerror.New(pgerror.SyntaxError, "SELECT * with no tables specified is not valid")
				}
				tbl := f.WildCard.Table.O
				found := false
				for i, c := range b.scope.cols {
					if (tbl == "" && !c.hidden) || (tbl != "" && c.table == tbl) {
						exprs = append(exprs, &ColumnRef{Idx: i, T: c.t})
						cols = append(cols, Column{Name: c.name, Type: c.t, Typmod: c.typmod, TableOID: c.tableOID, AttNum: c.attNum})
						found = true
					}
				}
				if !found {
					return nil, nil, pgerror.New(pgerror.UndefinedTable, "missing FROM-clause entry for table \"%s\"", tbl)
				}
				continue
			}
			if es, cs, ok, err := b.bindFieldStar(f); ok || err != nil {
				// (expr).* or a function in FROM: maybe several columns.
				if err != nil {
					return nil, nil, err
				}
				exprs, cols = append(exprs, es...), append(cols, cs...)
				continue
			}
			e, err := b.bindExpr(f.Expr)
			if err != nil {
				return nil, nil, err
			}
			// Unknown literals in the select list become text.
			if e.Type().OID == types.OidUnknown {
				if _, isParam := e.(*Param); b.keepUnknown && !isParam && !s.Distinct {
					// resolved by the set operation (unless DISTINCT needs
					// a type first: then text, as in PostgreSQL)
				} else if !isParam {
					if e, err = b.coerce(e, types.Text, -1, false, f.Expr); err != nil {
						return nil, nil, err
					}
				} else {
					unknownParams = append(unknownParams, len(exprs))
					paramNodes = append(paramNodes, f.Expr)
				}
			}
			name := f.AsName.O
			if name == "" {
				name, _ = colName(f.Expr)
			}
			col := Column{Name: name, Type: e.Type(), Typmod: typmodOf(e)}
			if ref, ok := e.(*ColumnRef); ok {
				// A plain column reference reports its table and attribute.
				sc := b.scope.cols[ref.Idx]
				col.Typmod, col.TableOID, col.AttNum = sc.typmod, sc.tableOID, sc.attNum
			}
			exprs = append(exprs, e)
			cols = append(cols, col)
		}
	}
	// Like resolveTargetListUnknowns: parameters still of unknown type in
	// the select list become text, once the whole list is bound.
	for i, idx := range unknownParams {
		e, err := b.coerce(exprs[idx], types.Text, -1, false, paramNodes[i])
		if err != nil {
			return nil, nil, err
		}
		exprs[idx] = e
		cols[idx].Type = types.Text
	}
	b.winAllowed = false
	var having Expr
	if s.Having != nil {
		h, err := b.bindExpr(s.Having.Expr)
		if err != nil {
			return nil, nil, err
		}
		if having, err = b.coerceBool(h, "HAVING", s.Having.Expr); err != nil {
			return nil, nil, err
		}
	}
	visible := len(exprs)
	var keys []SortKey
	b.winAllowed = true
	if s.OrderBy != nil {
		for _, item := range s.OrderBy.Items {
			e, nullsFirst := orderItem(item)
			idx, err := b.orderKey(e, f2names(cols), &exprs)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, SortKey{Col: idx, Desc: item.Desc, NullsFirst: nullsFirst})
		}
	}
	var onCols []int
	var onSort []SortKey
	if distinctOn != nil {
		var err error
		if onCols, onSort, err = b.distinctOnKeys(distinctOn, f2names(cols), &exprs, keys); err != nil {
			return nil, nil, err
		}
	}
	b.winAllowed = false
	if len(b.windows) > 0 && s.LockInfo != nil && s.LockInfo.LockType != ast.SelectLockNone {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed with window functions", lockStrength(s.LockInfo.LockType))
	}
	var lock *LockRows
	if s.LockInfo != nil && s.LockInfo.LockType != ast.SelectLockNone {
		var err error
		if lock, err = b.bindLocking(s, input, where, groups != nil || having != nil, &exprs); err != nil {
			return nil, nil, err
		}
	}
	if where != nil && containsSRF(where) {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "set-returning functions are not allowed in WHERE").
			WithPosition(srfPosition(s.Where))
	}
	if input != nil && lock == nil {
		input, where = b.planJoins(input, where)
	}
	var root Node
	if (len(b.aggs) > 0 || groups != nil || having != nil) && b.outerRefsOutsideWhere {
		// The select list is rewritten over the aggregate's output, which
		// outer references into the FROM rows would not follow.
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "correlated subqueries outside WHERE in a query with GROUP BY or aggregates are not supported yet")
	}
	if len(b.aggs) > 0 || s.GroupBy != nil || having != nil || b.hasGrouping {
		if len(b.aggs) == 0 && s.GroupBy == nil && !b.hasGrouping {
			// HAVING without aggregates or GROUP BY: one row or none,
			// decided by HAVING alone, so PostgreSQL never reads the FROM
			// clause (create_degenerate_grouping_paths) and WHERE cannot fail.
			input, where = nil, nil
		}
		if input == nil {
			input = &Result{Where: where}
		} else if where != nil {
			input = &Filter{Input: input, Cond: where}
		}
		var err error
		b.groupingCol = -1
		if sets != nil {
			b.groupingCol = len(groups) + len(b.aggs)
		}
		for i := range exprs {
			if exprs[i], err = b.rewriteAgg(exprs[i], groups); err != nil {
				return nil, nil, groupingErrorAt(err, s)
			}
		}
		agg := &Agg{Input: input, GroupBy: groups, Aggs: b.aggs, Sets: sets}
		root = agg
		if having != nil {
			if having, err = b.rewriteAgg(having, groups); err != nil {
				return nil, nil, groupingErrorAt(err, s)
			}
			root = &Filter{Input: root, Cond: having}
		}
		if len(b.windows) > 0 {
			if err := b.rewriteWindowAgg(groups); err != nil {
				return nil, nil, err
			}
			if root, err = b.windowNode(root, exprs); err != nil {
				return nil, nil, err
			}
		}
		if ps, err := b.projectSet(root, exprs, false); err != nil {
			return nil, nil, err
		} else if ps != nil {
			root = ps
		} else {
			root = &Project{Input: root, Exprs: exprs}
		}
	} else if len(b.windows) > 0 {
		if input == nil {
			input = &Result{Where: where}
		} else if where != nil {
			input = &Filter{Input: input, Cond: where}
		}
		win, err := b.windowNode(input, exprs)
		if err != nil {
			return nil, nil, err
		}
		if ps, err := b.projectSet(win, exprs, false); err != nil || ps != nil {
			if err == nil {
				err = pgerror.New(pgerror.FeatureNotSupported, "set-returning functions with window functions are not supported yet")
			}
			return nil, nil, err
		}
		root = &Project{Input: win, Exprs: exprs}
	} else if ps, err := b.projectSet(input, exprs, false); err != nil || ps != nil {
		if err != nil {
			return nil, nil, err
		}
		if ps.Input == nil {
			ps.Input = &Result{Where: where}
		} else if where != nil {
			ps.Input = &Filter{Input: ps.Input, Cond: where}
		}
		root = ps
	} else if input == nil {
		root = &Result{Exprs: exprs, Where: where}
	} else {
		if where != nil {
			input = &Filter{Input: input, Cond: where}
		}
		root = &Project{Input: input, Exprs: exprs}
	}
	if s.Distinct {
		if len(exprs) > visible {
			return nil, nil, pgerror.New(pgerror.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
		}
		root = &Distinct{Input: root}
	}
	if onCols != nil {
		root = &Distinct{Input: &Sort{Input: root, Keys: onSort}, On: onCols}
	} else if len(keys) > 0 {
		root = &Sort{Input: root, Keys: keys}
	}
	if lock != nil {
		lock.Input, lock.Exprs = root, exprs
		root = lock
	}
	if s.Limit != nil {
		var err error
		if root, err = b.limitNode(root, s.Limit, keys); err != nil {
			return nil, nil, err
		}
	}
	if p, ok := sortInput(root); ok && len(keys) > 0 && !s.Distinct && onCols == nil && lock == nil {
		root = postponeVolatile(root, p, keys)
	}
	if len(exprs) > visible {
		// Drop the sort-only columns.
		trim := make([]Expr, visible)
		for i := range trim {
			trim[i] = &ColumnRef{Idx: i, T: exprs[i].Type()}
		}
		root = &Project{Input: root, Exprs: trim}
	}
	return root, cols, nil
}

func f2names(cols []Column) []string {
	n := make([]string, len(cols))
	for i, c := range cols {
		n[i] = c.Name
	}
	return n
}

// orderKey resolves an ORDER BY item as PostgreSQL does for SQL92 forms:
// an integer constant is an output column number, a bare name matching an
// output column's name is that column, anything else is an expression over
// the input (added as a hidden column).
func (b *binder) orderKey(n ast.ExprNode, names []string, exprs *[]Expr) (int, error) {
	n = unparen(n)
	if err := b.nonIntegerConstant(n, "ORDER BY"); err != nil {
		return 0, err
	}
	if p, ok := orderPosition(n); ok {
		if p < 1 || p > len(names) {
			return 0, pgerror.New(pgerror.InvalidColumnReference, "ORDER BY position %d is not in select list", p).WithPosition(pos(n))
		}
		return p - 1, nil
	}
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		if x.Name.Table.O == "" {
			match := -1
			for i, nm := range names {
				if nm == x.Name.Name.O {
					// Two output columns of the same expression are one
					// (PostgreSQL's findTargetlistEntrySQL92).
					if match >= 0 && !(i < len(*exprs) && exprEqual((*exprs)[match], (*exprs)[i])) {
						return 0, pgerror.New(pgerror.AmbiguousColumn, "ORDER BY \"%s\" is ambiguous", nm).WithPosition(pos(n))
					}
					match = i
				}
			}
			if match >= 0 {
				return match, nil
			}
		}
	}
	e, err := b.bindExpr(n)
	if err != nil {
		return 0, err
	}
	if e.Type().OID == types.OidUnknown {
		if e, err = b.coerce(e, types.Text, -1, false, n); err != nil {
			return 0, err
		}
	}
	*exprs = append(*exprs, e)
	return len(*exprs) - 1, nil
}

// orderPosition recognises ORDER BY n: TiDB's PositionExpr, or an integer
// literal (inside the NULLS FIRST/LAST wrapper TiDB does not convert it).
func orderPosition(n ast.ExprNode) (int, bool) {
	for {
		p, ok := n.(*ast.ParenthesesExpr)
		if !ok {
			break
		}
		n = p.Expr
	}
	switch x := n.(type) {
	case *ast.UnaryOperationExpr:
		// PostgreSQL's grammar folds - into an integer constant.
		if x.Op == opcode.Minus {
			if v, ok := orderPosition(x.V); ok {
				return -v, true
			}
		}
	case *ast.PositionExpr:
		return x.N, true
	case *test_driver.ValueExpr:
		switch x.Kind() {
		case test_driver.KindInt64:
			if x.Type.GetFlag()&mysql.IsBooleanFlag == 0 {
				return int(x.GetInt64()), true
			}
		case test_driver.KindUint64:
			return int(min(x.GetUint64(), 1<<31)), true
		}
	}
	return 0, false
}

// nonIntegerConstant is PostgreSQL's error for a constant other than an
// integer as a GROUP BY or ORDER BY item (an integer is a position).
func (b *binder) nonIntegerConstant(n ast.ExprNode, clause string) error {
	// (TiDB reads GROUP BY true as position 1, with nothing left to tell
	// it from GROUP BY 1: that case is not caught.)
	switch n.(type) {
	case *test_driver.ValueExpr:
		if _, isPos := orderPosition(n); !isPos {
			return pgerror.New(pgerror.SyntaxError, "non-integer constant in %s", clause).WithPosition(pos(n))
		}
	}
	return nil
}

// unparen strips parentheses around an expression.
func unparen(n ast.ExprNode) ast.ExprNode {
	for {
		p, ok := n.(*ast.ParenthesesExpr)
		if !ok {
			return n
		}
		n = p.Expr
	}
}

// buildFrom binds a FROM clause: a table, or a subquery with an alias.
func (b *binder) buildFrom(j *ast.Join) (Node, *scope, error) {
	left, ls, err := b.buildFromItem(j.Left)
	if err != nil || j.Right == nil {
		return left, ls, err
	}
	b.lateralScope = ls
	right, rs, err := b.buildFromItem(j.Right)
	lateral := b.lateralUsed
	b.lateralScope, b.lateralUsed = nil, false
	if err != nil {
		return nil, nil, err
	}
	if lateral && j.Tp == ast.RightJoin {
		return nil, nil, pgerror.New(pgerror.InvalidColumnReference, "invalid reference to FROM-clause entry in a LATERAL item of a RIGHT JOIN")
	}
	if j.NaturalJoin || len(j.Using) > 0 {
		return b.usingJoin(j, left, right, ls, rs, lateral)
	}
	sc := &scope{cols: append(append([]scopeCol{}, ls.cols...), rs.cols...)}
	join := &Join{Left: left, Right: right, Types: append(append([]*types.T{}, left.Output()...), right.Output()...), Lateral: lateral}
	switch j.Tp {
	case ast.LeftJoin:
		join.Kind = LeftJoin
	case ast.RightJoin:
		join.Kind = RightJoin
	}
	if j.On != nil {
		on := j.On.Expr
		if join.Kind == LeftJoin {
			if e, ok := stripFullJoin(on); ok {
				on, join.Kind = e, FullJoin
				if lateral {
					return nil, nil, pgerror.New(pgerror.InvalidColumnReference, "invalid reference to FROM-clause entry in a LATERAL item of a FULL JOIN")
				}
			}
		}
		saved, savedCtx, savedClause := b.scope, b.aggCtx, b.clause
		b.scope, b.aggCtx, b.clause = sc, "", "JOIN conditions"
		c, err := b.bindExpr(on)
		if err == nil {
			c, err = b.coerceBool(c, "JOIN/ON", j.On.Expr)
		}
		b.scope, b.aggCtx, b.clause = saved, savedCtx, savedClause
		if err != nil {
			return nil, nil, err
		}
		join.Cond = c
		if join.Kind == FullJoin && !hasHashKey(c, len(left.Output())) {
			return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "FULL JOIN is only supported with merge-joinable or hash-joinable join conditions")
		}
	} else if join.Kind != InnerJoin {
		return nil, nil, pgerror.New(pgerror.SyntaxError, "syntax error at end of input")
	}
	return join, sc, nil
}

// buildFromItem binds one FROM item: a table, a subquery or a join.
func (b *binder) buildFromItem(n ast.ResultSetNode) (Node, *scope, error) {
	if jj, ok := n.(*ast.Join); ok {
		return b.buildFrom(jj)
	}
	ts, ok := n.(*ast.TableSource)
	if !ok {
		return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "this FROM item is not supported yet")
	}
	switch src := ts.Source.(type) {
	case *ast.TableName:
		if src.Schema.O == "" {
			if d := b.findCTE(src.Name.O); d != nil {
				alias := ts.AsName.O
				if alias == "" {
					alias = src.Name.O
				}
				return b.expandCTE(d, alias)
			}
		}
		if b.cat == nil {
			return nil, nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", src.Name.O).WithPosition(b.wordPos(src.Name.O))
		}
		tbl, err := b.cat.LookupTable(src.Schema.O, src.Name.O)
		if err != nil {
			if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
				// A qualified name is reported at its schema.
				pe.Position = b.wordPos(cmp.Or(src.Schema.O, src.Name.O))
			}
			return nil, nil, err
		}
		alias := ts.AsName.O
		if alias == "" {
			alias = src.Name.O
		}
		if v, ok := tbl.(ViewTable); ok {
			return b.expandView(v, alias)
		}
		scan := &Scan{Table: tbl, Alias: alias}
		sc := &scope{}
		for _, c := range tbl.Columns() {
			scan.Types = append(scan.Types, c.Type)
			sc.cols = append(sc.cols, scopeCol{table: alias, relname: tbl.Name(), name: c.Name, t: c.Type, typmod: c.Typmod, tableOID: tbl.OID(), attNum: c.AttNum})
		}
		return scan, sc, nil
	case *ast.SelectStmt, *ast.SetOprStmt:
		var n Node
		var cols []Column
		var err error
		if ts.Lateral && b.lateralScope != nil {
			// LATERAL (and a function in FROM, which sql/parser writes as
			// a LATERAL derived table) sees the FROM items to its left:
			// they are an outer level whose row is the join's left row.
			left := &binder{scope: b.lateralScope, outer: b.outer, derivedOf: b}
			var sub *binder
			sub, n, cols, err = b.nestedBinder(src.(ast.ResultSetNode), false, "FROM item", left, nil)
			if err == nil {
				// Any outer reference counts: its level numbering includes the
				// left row, which the join then pushes.
				b.lateralUsed = sub.correlated
			}
		} else {
			n, cols, err = b.buildNested(src.(ast.ResultSetNode), false, "FROM item")
		}
		if err != nil {
			return nil, nil, err
		}
		alias := ts.AsName.O
		if len(ts.ColumnNames) > 0 {
			if err := applyAliasList(ts, cols); err != nil {
				return nil, nil, err
			}
		}
		sc := &scope{}
		for _, c := range cols {
			sc.cols = append(sc.cols, scopeCol{table: alias, name: c.Name, t: c.Type, typmod: c.Typmod, tableOID: c.TableOID, attNum: c.AttNum})
		}
		return n, sc, nil
	}
	return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "this FROM item is not supported yet")
}

// wordPos finds where name first appears as a whole word in the
// statement (the TiDB AST keeps no offsets for table names), 0 if not.
func (b *binder) wordPos(name string) int {
	low, n := strings.ToLower(b.sql), strings.ToLower(name)
	for from := 0; n != ""; {
		i := strings.Index(low[from:], n)
		if i < 0 {
			return 0
		}
		i += from
		end := i + len(n)
		if (i == 0 || !isIdentByte(low[i-1])) && (end == len(low) || !isIdentByte(low[end])) {
			if i > 0 && (low[i-1] == '`' || low[i-1] == '"') {
				i-- // a quoted name: PostgreSQL points at the quote
			}
			return i + 1
		}
		from = i + 1
	}
	return 0
}

// keywordPos finds keyword (IN, BETWEEN) between the starts of the left
// and right operands, moving back to a NOT before it: PostgreSQL reports
// errors of these constructs there. def is returned when it is not found.
func (b *binder) keywordPos(left, right ast.Node, kw string, def int) int {
	from, to := left.OriginTextPosition(), right.OriginTextPosition()
	if from < 0 || to > len(b.sql) || from >= to {
		return def
	}
	low := strings.ToLower(b.sql[:to])
	i := strings.LastIndex(low[from:], kw)
	for i >= 0 {
		j := from + i
		end := j + len(kw)
		if (j == 0 || !isIdentByte(low[j-1])) && (end >= len(low) || !isIdentByte(low[end])) {
			k := j
			for k > 0 && (low[k-1] == ' ' || low[k-1] == '\t' || low[k-1] == '\n' || low[k-1] == '\r') {
				k--
			}
			if k >= 3 && low[k-3:k] == "not" && (k == 3 || !isIdentByte(low[k-4])) {
				j = k - 3
			}
			return j + 1
		}
		i = strings.LastIndex(low[from:from+i], kw)
	}
	return def
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

func typmodOf(e Expr) int32 {
	if c, ok := e.(*Cast); ok {
		return c.Typmod
	}
	return -1
}

// colName implements PostgreSQL's FigureColname: the name a select-list
// expression gets without an alias, and how strong that guess is (2 for
// column and function names, 1 for a cast's type name, 0 for ?column?).
func colName(n ast.ExprNode) (string, int) {
	switch x := n.(type) {
	case *ast.ParenthesesExpr:
		return colName(x.Expr)
	case *ast.ColumnNameExpr:
		return x.Name.Name.O, 2
	case *ast.FuncCallExpr:
		if s, st, ok := MarkerColName(x); ok {
			return s, st
		}
		name := funcName(x)
		switch {
		case name == "nqdb_cast" && len(x.Args) == 2:
			if s, st := colName(x.Args[0]); st > 1 {
				return s, st
			}
			if v, ok := x.Args[1].(*test_driver.ValueExpr); ok {
				if t, _, err := parseTypeName(v.GetString()); err == nil {
					if t.IsArray() {
						t = t.Elem // PostgreSQL names int[] casts "int4"
					}
					return t.Name, 1
				}
				if n := userTypeColName(v.GetString()); n != "" {
					return n, 1
				}
			}
			return "?column?", 0
		case isConcatOp(x):
			return "?column?", 0
		case name == "nqdb_array" || name == parser.ArraySubqueryFunc:
			return "array", 2
		case name == parser.RowFunc:
			return "row", 2
		case name == "nqdb_subscript" && len(x.Args) > 0:
			return colName(x.Args[0])
		case name == "nqdb_field":
			if f, ok := fieldName(x); ok && f != "*" {
				return f, 2
			}
		case name == "nqdb_from_func" && len(x.Args) == 1:
			return colName(x.Args[0])
		case name == "trim":
			if len(x.Args) == 3 {
				if d, ok := x.Args[2].(*ast.TrimDirectionExpr); ok {
					switch d.Direction {
					case ast.TrimLeading:
						return "ltrim", 2
					case ast.TrimTrailing:
						return "rtrim", 2
					}
				}
			}
			return "btrim", 2
		}
		return name, 2
	case *ast.AggregateFuncExpr:
		return strings.ToLower(x.F), 2
	case *ast.WindowFuncExpr:
		return strings.ToLower(x.Name), 2
	case *ast.ExistsSubqueryExpr:
		if !x.Not {
			return "exists", 2
		}
	case *ast.SubqueryExpr:
		// A scalar subquery is named after its one output column.
		if sel, ok := x.Query.(*ast.SelectStmt); ok && sel.Fields != nil && len(sel.Fields.Fields) > 0 {
			f := sel.Fields.Fields[0]
			if f.AsName.O != "" {
				return f.AsName.O, 2
			}
			if f.Expr != nil {
				return colName(f.Expr)
			}
		}
	case *ast.RowExpr:
		return "row", 2
	case *ast.CaseExpr:
		if x.ElseClause != nil {
			if s, st := colName(x.ElseClause); st > 1 {
				return s, st
			}
		}
		return "case", 1
	}
	return "?column?", 0
}

// funcName is the function's name as PostgreSQL would look it up.
// Identifiers arrive case-folded from sql/parser; the TiDB grammar keeps
// the original spelling of keyword functions (CURRENT_TIME), hence L.
func funcName(x *ast.FuncCallExpr) string { return x.FnName.L }

// isConcatOp tells the FuncCallExpr the TiDB grammar makes of `a || b`
// from an explicit concat(a, b): the operator's node starts where its left
// operand does, the function's at its name.
func isConcatOp(x *ast.FuncCallExpr) bool {
	return x.FnName.L == ast.Concat && len(x.Args) == 2 &&
		x.OriginTextPosition() == x.Args[0].OriginTextPosition()
}

// bindPair binds the two operands of a binary construct, left first (so
// that errors come in the order PostgreSQL reports them).
func (b *binder) bindPair(l, r ast.ExprNode) (Expr, Expr, error) {
	le, err := b.bindExpr(l)
	if err != nil {
		return nil, nil, err
	}
	re, err := b.bindExpr(r)
	if err != nil {
		return nil, nil, err
	}
	return le, re, nil
}

// bindExpr binds one expression.
func (b *binder) bindExpr(n ast.ExprNode) (Expr, error) {
	switch x := n.(type) {
	case *test_driver.ParamMarkerExpr:
		return b.bindParam(x)
	case *test_driver.ValueExpr:
		return bindLiteral(x)
	case *ast.ParenthesesExpr:
		return b.bindExpr(x.Expr)
	case *ast.BinaryOperationExpr:
		return b.bindBinary(x)
	case *ast.UnaryOperationExpr:
		return b.bindUnary(x)
	case *ast.FuncCallExpr:
		if x.FnName.L == parser.RowFunc {
			return b.bindRow(&ast.RowExpr{Values: x.Args}) // ROW(x), one field
		}
		if x.FnName.L == "grouping" {
			return b.bindGrouping(x)
		}
		return b.bindFunc(x)
	case *ast.WindowFuncExpr:
		return b.bindWindowFunc(x, b.namedWindows)
	case *ast.ColumnNameExpr:
		return b.bindColumn(x)
	case *ast.IsNullExpr:
		if e, ok, err := b.bindRowNullTest(x); ok || err != nil {
			// ROW(...) IS [NOT] NULL tests every field (field.go).
			return e, err
		}
		e, err := b.bindExpr(x.Expr)
		if err != nil {
			return nil, err
		}
		return &NullTest{X: e, Not: x.Not}, nil
	case *ast.IsTruthExpr:
		e, err := b.bindExpr(x.Expr)
		if err != nil {
			return nil, err
		}
		what := "IS TRUE"
		if x.True == 0 {
			what = "IS FALSE"
		}
		if x.Not {
			what = strings.Replace(what, "IS", "IS NOT", 1)
		}
		if e, err = b.coerceBool(e, what, x.Expr); err != nil {
			return nil, err
		}
		return &TruthTest{X: e, Val: x.True != 0, Not: x.Not}, nil
	case *ast.BetweenExpr:
		return b.bindBetween(x)
	case *ast.PatternInExpr:
		return b.bindIn(x)
	case *ast.PatternLikeOrIlikeExpr:
		return b.bindLike(x)
	case *ast.CaseExpr:
		return b.bindCase(x)
	case *ast.AggregateFuncExpr:
		return b.bindAggregate(strings.ToLower(x.F), x.Args, x.Distinct, strings.EqualFold(x.F, "count") && b.isCountStar(x), x)
	case *ast.PatternRegexpExpr:
		l, r, err := b.bindPair(x.Expr, x.Pattern)
		if err != nil {
			return nil, err
		}
		name := "~"
		if x.Not {
			name = "!~"
		}
		return b.binaryOp(name, l, r, x.Expr, x.Pattern, b.opPos(x.Pattern, "regexp", x))
	case *ast.SubqueryExpr:
		return b.bindScalarSubquery(x)
	case *ast.ExistsSubqueryExpr:
		return b.bindExists(x)
	case *ast.CompareSubqueryExpr:
		return b.bindCompareSubquery(x)
	case *ast.RowExpr:
		return b.bindRow(x)
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "expression %T is not supported yet", n).WithPosition(pos(n))
}

func (b *binder) bindParam(x *test_driver.ParamMarkerExpr) (Expr, error) {
	idx := x.Order
	for len(b.params) <= idx {
		b.params = append(b.params, nil)
	}
	if t := b.params[idx]; t != nil {
		if v, ok := b.customParam(idx); ok {
			return &Const{Val: v, T: t}, nil
		}
		return &Param{Idx: idx, T: t}, nil
	}
	p := &Param{Idx: idx, T: types.Unknown}
	b.unresolved = append(b.unresolved, p)
	return p, nil
}

// bindLiteral types a constant as PostgreSQL's lexer and parser would:
// integers are int4 if they fit, else int8, else numeric; decimal and
// exponent forms are numeric; strings are unknown until context decides.
func bindLiteral(x *test_driver.ValueExpr) (Expr, error) {
	switch x.Kind() {
	case test_driver.KindNull:
		return &Const{T: types.Unknown}, nil
	case test_driver.KindInt64:
		v := x.GetInt64()
		if x.Type.GetFlag()&mysql.IsBooleanFlag != 0 {
			return &Const{Val: v != 0, T: types.Bool}, nil
		}
		return intConst(v), nil
	case test_driver.KindUint64:
		if u := x.GetUint64(); u <= 1<<63-1 {
			return intConst(int64(u)), nil
		}
		d, _, err := apd.NewFromString(strconv.FormatUint(x.GetUint64(), 10))
		if err != nil {
			return nil, err
		}
		return &Const{Val: d, T: types.Numeric}, nil
	case test_driver.KindFloat64, test_driver.KindFloat32:
		d, _, err := apd.NewFromString(strconv.FormatFloat(x.GetFloat64(), 'f', -1, 64))
		if err != nil {
			return nil, err
		}
		return &Const{Val: d, T: types.Numeric}, nil
	case test_driver.KindMysqlDecimal:
		d, _, err := apd.NewFromString(x.GetMysqlDecimal().String())
		if err != nil {
			return nil, err
		}
		return &Const{Val: d, T: types.Numeric}, nil
	case test_driver.KindString, test_driver.KindBytes:
		return &Const{Val: x.GetString(), T: types.Unknown}, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "literal of this kind is not supported").WithPosition(pos(x))
}

func (b *binder) bindColumn(x *ast.ColumnNameExpr) (Expr, error) {
	name, tbl := x.Name.Name.O, x.Name.Table.O
	if tbl == "" && b.domainValue != nil && x.Name.Name.L == "value" {
		return b.domainValue, nil
	}
	if tbl == "" {
		// SQL-standard value functions spelled without parentheses.
		switch strings.ToLower(name) {
		case "current_user", "session_user", "user", "current_role", "current_catalog", "current_schema",
			"current_date", "current_timestamp", "localtimestamp":
			return b.callFunc(strings.ToLower(name), nil, x)
		}
	}
	match := -1
	for i, c := range b.scope.cols {
		if c.hidden && tbl == "" {
			continue
		}
		if c.name == name && (tbl == "" || c.table == tbl) {
			if match >= 0 {
				return nil, pgerror.New(pgerror.AmbiguousColumn, "column reference \"%s\" is ambiguous", name).WithPosition(pos(x))
			}
			match = i
		}
	}
	if match < 0 {
		if ref, err := b.findOuter(name, tbl); err != nil || ref != nil {
			if err != nil {
				return nil, pgerror.From(err).WithPosition(pos(x))
			}
			return ref, nil
		}
		if p := b.funcParamRef(name, tbl); p != nil {
			return p, nil
		}
		if tbl != "" {
			found := b.outerHasTable(tbl)
			for _, c := range b.scope.cols {
				found = found || c.table == tbl
			}
			if !found {
				for _, c := range b.scope.cols {
					if c.relname == tbl && c.table != tbl {
						return nil, pgerror.New(pgerror.UndefinedTable, "invalid reference to FROM-clause entry for table \"%s\"", tbl).
							WithHint("Perhaps you meant to reference the table alias \"%s\".", c.table).WithPosition(pos(x))
					}
				}
				return nil, pgerror.New(pgerror.UndefinedTable, "missing FROM-clause entry for table \"%s\"", tbl).WithPosition(pos(x))
			}
			return nil, pgerror.New(pgerror.UndefinedColumn, "column %s.%s does not exist", tbl, name).WithPosition(pos(x))
		}
		if e := b.wholeRow(name); e != nil {
			// `SELECT t FROM t`: the row as a record (field.go).
			return e, nil
		}
		return nil, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" does not exist", name).WithPosition(pos(x))
	}
	return &ColumnRef{Idx: match, T: b.scope.cols[match].t}, nil
}

var binaryOpNames = map[opcode.Op]string{
	opcode.GE: ">=", opcode.LE: "<=", opcode.EQ: "=", opcode.NE: "<>", opcode.LT: "<", opcode.GT: ">",
	opcode.Plus: "+", opcode.Minus: "-", opcode.Mul: "*", opcode.Div: "/", opcode.Mod: "%",
	opcode.Xor: "^", opcode.And: "&", opcode.Or: "|", opcode.LeftShift: "<<", opcode.RightShift: ">>",
}

func (b *binder) bindBinary(x *ast.BinaryOperationExpr) (Expr, error) {
	switch x.Op {
	case opcode.LogicAnd, opcode.LogicOr:
		op, what := And, "AND"
		if x.Op == opcode.LogicOr {
			op, what = Or, "OR"
		}
		l, err := b.bindBoolArg(x.L, what)
		if err != nil {
			return nil, err
		}
		r, err := b.bindBoolArg(x.R, what)
		if err != nil {
			return nil, err
		}
		// Flatten a AND b AND c into one node.
		args := make([]Expr, 0, 2)
		for _, e := range []Expr{l, r} {
			if be, ok := e.(*BoolExpr); ok && be.Op == op {
				args = append(args, be.Args...)
			} else {
				args = append(args, e)
			}
		}
		return &BoolExpr{Op: op, Args: args}, nil
	}
	if l, r, ok := rowOperands(x); ok {
		// (a, b) < (c, d): a row comparison (field.go).
		return b.bindRowCompare(x, l, r)
	}
	if x.Op == opcode.NullEQ {
		// sql/parser's spelling of IS NOT DISTINCT FROM.
		l, r, err := b.bindPair(x.L, x.R)
		if err != nil {
			return nil, err
		}
		eq, err := b.binaryOp("=", l, r, x.L, x.R, b.opPos(x.R, "<=>", x))
		if err != nil {
			return nil, err
		}
		c := eq.(*Call)
		if c.Fn.ID != FnEq {
			return nil, pgerror.New(pgerror.DatatypeMismatch, "IS DISTINCT FROM requires = operator to yield boolean").WithPosition(pos(x))
		}
		return &NotDistinct{L: c.Args[0], R: c.Args[1], Eq: c.Fn}, nil
	}
	name, ok := binaryOpNames[x.Op]
	if fc, isFn := x.R.(*ast.FuncCallExpr); ok && isFn && len(fc.Args) == 1 && (fc.FnName.L == "nqdb_any" || fc.FnName.L == "nqdb_all") {
		l, err := b.bindExpr(x.L)
		if err != nil {
			return nil, err
		}
		return b.scalarArrayOp(name, l, fc.Args[0], x.L, fc.FnName.L == "nqdb_any", b.opPos(x.R, name, x))
	}
	if !ok {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", x.Op.String()).WithPosition(pos(x))
	}
	l, r, err := b.bindPair(x.L, x.R)
	if err != nil {
		return nil, err
	}
	return b.binaryOp(name, l, r, x.L, x.R, b.opPos(x.R, name, x))
}

// opPos finds the operator written before the right operand: the TiDB AST
// keeps no position for operators, so scan back from the right operand
// over blanks and opening parentheses.
func (b *binder) opPos(right ast.Node, op string, whole ast.Node) int {
	off := right.OriginTextPosition()
	if off <= 0 || off > len(b.sql) {
		return pos(whole)
	}
	i := off
	for i > 0 && (b.sql[i-1] == ' ' || b.sql[i-1] == '\t' || b.sql[i-1] == '\n' || b.sql[i-1] == '\r' || b.sql[i-1] == '(') {
		i--
	}
	if i >= len(op) && strings.EqualFold(b.sql[i-len(op):i], op) {
		return i - len(op) + 1
	}
	if i >= 1 {
		// "!=" spelled for "<>", "^" etc.: take the last non-blank run.
		j := i
		for j > 0 && strings.IndexByte("<>=!+-*/%^&|#~", b.sql[j-1]) >= 0 {
			j--
		}
		if j < i {
			return j + 1
		}
	}
	return pos(whole)
}

func (b *binder) bindBoolArg(n ast.ExprNode, what string) (Expr, error) {
	e, err := b.bindExpr(n)
	if err != nil {
		return nil, err
	}
	return b.coerceBool(e, what, n)
}

// coerceBool coerces e to boolean for a context such as WHERE or AND.
func (b *binder) coerceBool(e Expr, what string, n ast.Node) (Expr, error) {
	t := e.Type()
	if t.OID == types.OidBool {
		return e, nil
	}
	if t.OID == types.OidUnknown {
		return b.coerce(e, types.Bool, -1, false, n)
	}
	return nil, pgerror.New(pgerror.DatatypeMismatch, "argument of %s must be type boolean, not type %s", what, t.SQLName).WithPosition(pos(n))
}

func (b *binder) bindUnary(x *ast.UnaryOperationExpr) (Expr, error) {
	switch x.Op {
	case opcode.Not, opcode.Not2:
		e, err := b.bindBoolArg(x.V, "NOT")
		if err != nil {
			return nil, err
		}
		return &BoolExpr{Op: Not, Args: []Expr{e}}, nil
	case opcode.Minus:
		// PostgreSQL's grammar folds a minus sign into a numeric literal,
		// which is how -2147483648 is an int4.
		if c := literalConst(x); c != nil {
			return c, nil
		}
		e, err := b.bindExpr(x.V)
		if err != nil {
			return nil, err
		}
		return b.unaryOp("-", e, x.V, pos(x))
	case opcode.Plus:
		e, err := b.bindExpr(x.V)
		if err != nil {
			return nil, err
		}
		if _, err := b.unaryOp("+", e, x.V, pos(x)); err != nil {
			return nil, err
		}
		return e, nil
	case opcode.BitNeg:
		e, err := b.bindExpr(x.V)
		if err != nil {
			return nil, err
		}
		return b.unaryOp("~", e, x.V, pos(x))
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "unary operator %s is not supported", x.Op.String()).WithPosition(pos(x))
}

// intConst types an integer literal: int4 if it fits, else int8.
func intConst(v int64) *Const {
	if v >= -1<<31 && v < 1<<31 {
		return &Const{Val: v, T: types.Int4}
	}
	return &Const{Val: v, T: types.Int8}
}

// literalConst returns the constant a numeric literal, possibly inside
// parentheses and under unary minus signs, denotes; PostgreSQL's grammar
// folds those signs into the literal (doNegate), so that -2147483648 is
// an int4 and -(-2147483648) an int8.
func literalConst(n ast.ExprNode) *Const {
	switch x := n.(type) {
	case *ast.ParenthesesExpr:
		return literalConst(x.Expr)
	case *test_driver.ValueExpr:
		switch x.Kind() {
		case test_driver.KindInt64:
			if x.Type.GetFlag()&mysql.IsBooleanFlag != 0 {
				return nil
			}
		case test_driver.KindUint64, test_driver.KindFloat64, test_driver.KindFloat32, test_driver.KindMysqlDecimal:
		default:
			return nil
		}
		c, err := bindLiteral(x)
		if err != nil {
			return nil
		}
		return c.(*Const)
	case *ast.UnaryOperationExpr:
		if x.Op != opcode.Minus {
			return nil
		}
		if c := literalConst(x.V); c != nil {
			return negateConst(c)
		}
	}
	return nil
}

func negateConst(c *Const) *Const {
	switch v := c.Val.(type) {
	case int64:
		if v == -1<<63 {
			d, _, _ := apd.NewFromString("9223372036854775808")
			return &Const{Val: d, T: types.Numeric}
		}
		return intConst(-v)
	case *apd.Decimal:
		if v.Form == apd.Finite && !v.Negative && v.Exponent == 0 && v.Coeff.String() == "9223372036854775808" && c.T.OID == types.OidNumeric {
			return &Const{Val: int64(-1 << 63), T: types.Int8}
		}
		d := new(apd.Decimal).Neg(v)
		if d.IsZero() {
			d.Negative = false
		}
		return &Const{Val: d, T: c.T}
	}
	return nil
}

func (b *binder) bindBetween(x *ast.BetweenExpr) (Expr, error) {
	// PostgreSQL rewrites a BETWEEN b AND c into a >= b AND a <= c.
	e, lo, err := b.bindPair(x.Expr, x.Left)
	if err != nil {
		return nil, err
	}
	hi, err := b.bindExpr(x.Right)
	if err != nil {
		return nil, err
	}
	opLo, opHi, op := ">=", "<=", And
	if x.Not {
		opLo, opHi, op = "<", ">", Or
	}
	at := b.keywordPos(x.Expr, x.Left, "between", pos(x))
	l, err := b.binaryOp(opLo, e, lo, x.Expr, x.Left, at)
	if err != nil {
		return nil, err
	}
	r, err := b.binaryOp(opHi, e, hi, x.Expr, x.Right, at)
	if err != nil {
		return nil, err
	}
	return &BoolExpr{Op: op, Args: []Expr{l, r}}, nil
}

func (b *binder) bindIn(x *ast.PatternInExpr) (Expr, error) {
	if e, ok, err := b.bindRowIn(x); ok || err != nil {
		// (a, b) IN ((1, 2), ...): row equalities (field.go).
		return e, err
	}
	e, err := b.bindExpr(x.Expr)
	if err != nil {
		return nil, err
	}
	if x.Sel != nil {
		sq, ok := subqueryOf(x.Sel)
		if !ok {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "IN over this expression is not supported").WithPosition(pos(x))
		}
		in, err := b.bindQuantified(e, x.Expr, "=", sq, false, b.keywordPos(x.Expr, x.Sel, "in", pos(x)))
		if err != nil {
			return nil, err
		}
		if x.Not {
			return &BoolExpr{Op: Not, Args: []Expr{in}}, nil
		}
		return in, nil
	}
	items := make([]Expr, len(x.List))
	for i, n := range x.List {
		if items[i], err = b.bindExpr(n); err != nil {
			return nil, err
		}
	}
	// With one common type PostgreSQL uses = ANY(array); otherwise an OR
	// of = comparisons. Both have the same result, so bind the latter,
	// after giving unknown items the common type.
	all := append([]Expr{e}, items...)
	nodes := append([]ast.ExprNode{x.Expr}, x.List...)
	if common, err := b.commonType(all, nodes, ""); err == nil && common.OID != types.OidUnknown {
		for i := range all {
			if all[i].Type().OID == types.OidUnknown {
				if all[i], err = b.coerce(all[i], common, -1, false, nodes[i]); err != nil {
					return nil, err
				}
			}
		}
		e, items = all[0], all[1:]
		if b.deparse {
			return b.inAsArray(e, items, common, x)
		}
		if sa := b.inListAny(e, items, common, func() (Expr, error) { return b.inAsArray(e, items, common, x) }); sa != nil {
			return sa, nil // inlistany.go
		}
	}
	name, op := "=", Or
	if x.Not {
		name, op = "<>", And
	}
	at := pos(x)
	if len(x.List) > 0 {
		at = b.keywordPos(x.Expr, x.List[0], "in", at)
	}
	args := make([]Expr, len(items))
	for i, it := range items {
		if args[i], err = b.binaryOp(name, e, it, x.Expr, x.List[i], at); err != nil {
			return nil, err
		}
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &BoolExpr{Op: op, Args: args}, nil
}

func (b *binder) bindLike(x *ast.PatternLikeOrIlikeExpr) (Expr, error) {
	name := "~~"
	if !x.IsLike {
		name = "~~*"
	}
	if x.Not {
		name = "!" + name
	}
	e, p, err := b.bindPair(x.Expr, x.Pattern)
	if err != nil {
		return nil, err
	}
	c, err := b.binaryOp(name, e, p, x.Expr, x.Pattern, b.opPos(x.Pattern, "like", x))
	if err != nil {
		return nil, err
	}
	call := c.(*Call)
	// The escape character travels as a third argument ("" = none).
	esc := ""
	if x.Escape != 0 {
		esc = string(rune(x.Escape))
	}
	call.Args = append(call.Args, &Const{Val: esc, T: types.Text})
	return call, nil
}

func (b *binder) bindCase(x *ast.CaseExpr) (Expr, error) {
	var operand Expr
	if x.Value != nil {
		var err error
		if operand, err = b.bindExpr(x.Value); err != nil {
			return nil, err
		}
	}
	c := &Case{}
	results := make([]Expr, 0, len(x.WhenClauses)+1)
	nodes := make([]ast.ExprNode, 0, len(x.WhenClauses)+1)
	for _, w := range x.WhenClauses {
		cond, err := b.bindExpr(w.Expr)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = b.binaryOp("=", operand, cond, x.Value, w.Expr, pos(w.Expr)); err != nil {
				return nil, err
			}
		} else if cond, err = b.coerceBool(cond, "CASE/WHEN", w.Expr); err != nil {
			return nil, err
		}
		r, err := b.bindExpr(w.Result)
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, When{Cond: cond})
		results = append(results, r)
		nodes = append(nodes, w.Result)
	}
	if x.ElseClause != nil {
		e, err := b.bindExpr(x.ElseClause)
		if err != nil {
			return nil, err
		}
		results = append(results, e)
		nodes = append(nodes, x.ElseClause)
	} else {
		results = append(results, &Const{T: types.Unknown})
		nodes = append(nodes, nil)
	}
	// PostgreSQL considers the ELSE result first (transformCaseExpr puts
	// it at the head of the list), which shows in error messages.
	n := len(results)
	order := append([]Expr{results[n-1]}, results[:n-1]...)
	orderNodes := append([]ast.ExprNode{nodes[n-1]}, nodes[:n-1]...)
	t, err := b.commonType(order, orderNodes, "CASE")
	if err != nil {
		return nil, err
	}
	if t.OID == types.OidUnknown {
		t = types.Text
	}
	for i := range results {
		if results[i], err = b.coerce(results[i], t, -1, false, nodes[i]); err != nil {
			return nil, err
		}
	}
	for i := range c.Whens {
		c.Whens[i].Result = results[i]
	}
	c.Else, c.T = results[len(results)-1], t
	return c, nil
}

// commonType implements PostgreSQL's select_common_type for CASE, COALESCE,
// GREATEST, VALUES and the like: the first known type, replaced by a later
// one of the same category that is preferred or that it casts to
// implicitly (and not back). All-unknown gives unknown (callers choose
// text). context names the construct in the error message; "" = no error
// text needed.
func (b *binder) commonType(es []Expr, nodes []ast.ExprNode, context string) (*types.T, error) {
	var cand *types.T
	for i, e := range es {
		t := e.Type()
		if t.OID == types.OidUnknown {
			continue
		}
		if cand == nil {
			cand = t
			continue
		}
		if t.OID == cand.OID {
			continue
		}
		if t.Category != cand.Category {
			err := pgerror.New(pgerror.DatatypeMismatch, "%s types %s and %s cannot be matched", context, cand.SQLName, t.SQLName)
			if i < len(nodes) && nodes[i] != nil {
				err = err.WithPosition(pos(nodes[i]))
			}
			return nil, err
		}
		if !cand.Preferred && canCoerceImplicit(cand, t) && !canCoerceImplicit(t, cand) {
			cand = t
		}
	}
	if cand == nil {
		return types.Unknown, nil
	}
	// Every input must convert implicitly to the chosen type.
	for i, e := range es {
		if !canCoerceImplicit(e.Type(), cand) {
			err := pgerror.New(pgerror.CannotCoerce, "%s could not convert type %s to %s", context, e.Type().SQLName, cand.SQLName)
			if i < len(nodes) && nodes[i] != nil {
				err = err.WithPosition(pos(nodes[i]))
			}
			return nil, err
		}
	}
	return cand, nil
}

// coerce converts e to type t (with typmod, -1 = none). Unknown literals
// are parsed now; parameters of unknown type take the type; other types
// get a Cast node when the cast exists (implicit or, if explicit is set,
// explicit).
func (b *binder) coerce(e Expr, t *types.T, typmod int32, explicit bool, n ast.Node) (Expr, error) {
	from := e.Type()
	if from.OID == t.OID && typmod < 0 {
		return e, nil
	}
	switch x := e.(type) {
	case *Param:
		if from.OID == types.OidUnknown {
			if prev := b.params[x.Idx]; prev != nil && prev.OID != t.OID {
				err := pgerror.New(pgerror.AmbiguousParameter, "inconsistent types deduced for parameter $%d", x.Idx+1).
					WithDetail("%s versus %s", prev.SQLName, t.SQLName)
				if n != nil {
					err = err.WithPosition(pos(n))
				}
				return nil, err
			}
			b.params[x.Idx] = t
			p := &Param{Idx: x.Idx, T: t}
			if typmod >= 0 {
				return &Cast{X: p, To: t, Typmod: typmod, Explicit: explicit}, nil
			}
			return p, nil
		}
	case *Const:
		if from.OID == types.OidUnknown {
			if x.Val == nil {
				return &Const{T: t}, nil
			}
			if t.OID == types.OidAny {
				return e, nil
			}
			if t.OID == types.OidRegclass {
				if c, ok, err := b.regclassLiteral(x.Val.(string), n); ok || err != nil {
					return c, err
				}
			}
			v, err := types.ParseText(t, x.Val.(string), b.fo)
			if err != nil {
				return nil, errAt(err, n)
			}
			c := &Const{Val: v, T: t}
			if typmod >= 0 {
				return &Cast{X: c, To: t, Typmod: typmod, Explicit: explicit}, nil
			}
			return c, nil
		}
	}
	if from.OID == types.OidUnknown {
		// An unknown-typed expression that is not a literal (a CASE of
		// NULLs, say) converts through text.
		return &Cast{X: e, To: t, Typmod: typmod, Explicit: explicit}, nil
	}
	if explicit {
		if !canCastExplicit(from, t) {
			err := pgerror.New(pgerror.CannotCoerce, "cannot cast type %s to %s", from.SQLName, t.SQLName)
			if n != nil {
				err = err.WithPosition(pos(n))
			}
			return nil, err
		}
	} else if !canCoerceImplicit(from, t) {
		err := pgerror.New(pgerror.DatatypeMismatch, "cannot cast type %s to %s", from.SQLName, t.SQLName)
		if n != nil {
			err = err.WithPosition(pos(n))
		}
		return nil, err
	}
	return &Cast{X: e, To: t, Typmod: typmod, Explicit: explicit}, nil
}

// regclassLiteral resolves a relation name written as a regclass literal
// ('t'::regclass) when the query is bound, as PostgreSQL's regclassin
// does; ok is false for a numeric OID, which parses as a number.
func (b *binder) regclassLiteral(s string, n ast.Node) (Expr, bool, error) {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s == "-" {
		return nil, false, nil
	}
	parts := parser.SplitQualifiedName(s)
	if len(parts) == 0 || len(parts) > 3 {
		return nil, true, errAt(pgerror.New(pgerror.InvalidName, "invalid name syntax"), n)
	}
	schema := ""
	if len(parts) > 1 {
		schema = parts[len(parts)-2]
	}
	if b.cat == nil {
		return nil, true, errAt(pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", s), n)
	}
	t, err := b.cat.LookupTable(schema, parts[len(parts)-1])
	if err != nil {
		// Indexes are relations too ('t_pkey'::regclass), which tables'
		// lookup does not find; the catalog's regclass input does.
		if r, ok := b.cat.(interface {
			CatalogRegclass(name string) (uint32, bool)
		}); ok {
			if oid, found := r.CatalogRegclass(s); found {
				return &Const{Val: int64(oid), T: types.Regclass}, true, nil
			}
		}
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			return nil, true, errAt(pgerror.New(pe.Code, "%s", pe.Message), n)
		}
		return nil, true, err
	}
	return &Const{Val: int64(t.OID()), T: types.Regclass}, true, nil
}

// orderItem reads an ORDER BY item: its expression without the NULLS
// FIRST / LAST marker sql/parser wraps it in, and whether NULLs sort
// first (by default when descending, as in PostgreSQL).
func orderItem(item *ast.ByItem) (e ast.ExprNode, nullsFirst bool) {
	e, nullsFirst = item.Expr, item.Desc
	if fc, ok := e.(*ast.FuncCallExpr); ok && len(fc.Args) == 1 {
		switch fc.FnName.L {
		case "nqdb_nulls_first":
			e, nullsFirst = fc.Args[0], true
		case "nqdb_nulls_last":
			e, nullsFirst = fc.Args[0], false
		}
	}
	return e, nullsFirst
}
