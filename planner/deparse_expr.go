package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The expression half of DeparseView: get_rule_expr over bound
// expressions.

// exprPrinter prints expressions bound over one scope; b holds the
// aggregate calls the expressions' aggRefs point at.
type exprPrinter struct {
	d  *deparser
	sc *scope
	b  *binder
}

// noDeparse aborts printing an expression nqdb cannot print as
// PostgreSQL would; DeparseView turns it into an error.
type noDeparse string

func unsupported(what string, args ...any) {
	panic(noDeparse(fmt.Sprintf(what, args...)))
}

// exprKind classifies a node as isSimpleNode sees it.
type exprKind uint8

const (
	kOther exprKind = iota
	kWord           // Var, Const, Param
	kFunc           // name(...)
	kCast           // a cast (FuncExpr with a cast format, RelabelType)
	kOp             // OpExpr
	kBool           // BoolExpr
	kTest           // NullTest, BooleanTest, DistinctExpr
	kCase
	kFuncLike // COALESCE, GREATEST, NULLIF, ARRAY[], aggregates
	kSAO      // ScalarArrayOpExpr
)

func isOperatorName(name string) bool {
	if name == "" {
		return false
	}
	c := name[0]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_')
}

func kindOf(e Expr) exprKind {
	switch x := e.(type) {
	case *ColumnRef, *Const, *Param:
		return kWord
	case *Cast:
		return kCast
	case *Call:
		if isOperatorName(x.Fn.Name) {
			return kOp
		}
		return kFunc
	case *BoolExpr:
		return kBool
	case *NullTest, *TruthTest, *NotDistinct:
		return kTest
	case *Case:
		return kCase
	case *Coalesce, *MinMax, *NullIf, *ArrayExpr, *aggRef, *Subscript:
		return kFuncLike
	case *ScalarArrayOp:
		return kSAO
	}
	return kOther
}

// simpleOp is get_simple_binary_op_name: a one-character binary operator.
func simpleOp(e Expr) byte {
	if c, ok := e.(*Call); ok && len(c.Args) == 2 && len(c.Fn.Name) == 1 {
		return c.Fn.Name[0]
	}
	return 0
}

// isSimple is isSimpleNode: whether node needs no parentheses under
// parent when only needed parentheses are printed.
func (p *exprPrinter) isSimple(node, parent Expr) bool {
	pk := kindOf(parent)
	switch kindOf(node) {
	case kWord, kFunc, kFuncLike, kCase:
		return true
	case kCast:
		return true
	case kOp:
		if pk == kOp {
			op, pop := simpleOp(node), simpleOp(parent)
			lo, hi := op == '+' || op == '-', op == '*' || op == '/' || op == '%'
			plo, phi := pop == '+' || pop == '-', pop == '*' || pop == '/' || pop == '%'
			if !(lo || hi) || !(plo || phi) {
				return false
			}
			if hi && plo {
				return true
			}
			if lo && phi {
				return false
			}
			return parent.(*Call).Args[0] == node
		}
		fallthrough
	case kTest:
		switch pk {
		case kFunc, kBool, kFuncLike, kCase:
			return true
		}
		return false
	case kBool:
		switch pk {
		case kBool:
			t, pt := node.(*BoolExpr).Op, parent.(*BoolExpr).Op
			switch t {
			case Not, And:
				return pt == And || pt == Or
			case Or:
				return pt == Or
			}
			return false
		case kFunc, kFuncLike, kCase:
			return true
		}
		return false
	}
	return false
}

func (p *exprPrinter) open() {
	if !p.d.o.Pretty {
		p.d.buf = append(p.d.buf, '(')
	}
}

func (p *exprPrinter) close() {
	if !p.d.o.Pretty {
		p.d.buf = append(p.d.buf, ')')
	}
}

func (p *exprPrinter) str(s string) { p.d.buf = append(p.d.buf, s...) }

// exprParen is get_rule_expr_paren.
func (p *exprPrinter) exprParen(e Expr, showImplicit bool, parent Expr) {
	need := p.d.o.Pretty && !p.isSimple(e, parent)
	if need {
		p.str("(")
	}
	p.expr(e, showImplicit)
	if need {
		p.str(")")
	}
}

// column prints a column reference, qualified by its range-table name.
func (p *exprPrinter) column(r *ColumnRef) {
	if r.Idx < 0 || r.Idx >= len(p.sc.cols) {
		unsupported("column reference")
	}
	c := p.sc.cols[r.Idx]
	if c.table == "" {
		unsupported("unqualified column")
	}
	p.d.buf = appendQuoteIdentifier(p.d.buf, c.table)
	p.str(".")
	p.d.buf = appendQuoteIdentifier(p.d.buf, c.name)
}

// sortGroupItem is get_rule_sortgroupclause for an expression of the
// select list (or a hidden one).
func (p *exprPrinter) sortGroupItem(e Expr, _ bool) {
	switch x := e.(type) {
	case *Const:
		p.constant(x, 1)
	case *ColumnRef:
		p.column(x)
	default:
		k := kindOf(e)
		need := p.d.o.Pretty || k == kFunc || k == kCast || k == kFuncLike
		if need {
			p.str("(")
		}
		p.expr(e, true)
		if need {
			p.str(")")
		}
	}
}

// deparseTypeName is format_type_with_typemod.
func deparseTypeName(t *types.T, typmod int32) string {
	return types.FormatType(t, typmod)
}

// constant is get_const_expr; showType -1 never labels, 1 always.
func (p *exprPrinter) constant(c *Const, showType int) {
	if c.Val == nil {
		p.str("NULL")
		if showType >= 0 {
			p.str("::" + deparseTypeName(c.T, -1))
		}
		return
	}
	if c.T.OID == types.OidUnknown {
		p.d.buf = appendQuoteLiteral(p.d.buf, fmt.Sprint(c.Val))
		if showType > 0 {
			p.str("::unknown")
		}
		return
	}
	text := string(types.AppendText(nil, c.T, c.Val, p.d.o.FormatOpts))
	label := false
	switch c.T.OID {
	case types.OidInt4:
		if text != "" && text[0] != '-' {
			p.str(text)
		} else {
			p.d.buf = appendQuoteLiteral(p.d.buf, text)
			label = true
		}
	case types.OidNumeric:
		if text != "" && text[0] >= '0' && text[0] <= '9' && strings.ContainsAny(text, "eE.") {
			p.str(text)
		} else {
			p.d.buf = appendQuoteLiteral(p.d.buf, text)
			label = true
		}
	case types.OidBool:
		if c.Val.(bool) {
			p.str("true")
		} else {
			p.str("false")
		}
	default:
		p.d.buf = appendQuoteLiteral(p.d.buf, text)
		label = true
	}
	if label && showType >= 0 || showType > 0 {
		p.str("::" + deparseTypeName(c.T, -1))
	}
}

// appendQuoteLiteral is simple_quote_literal under
// standard_conforming_strings.
func appendQuoteLiteral(buf []byte, s string) []byte {
	buf = append(buf, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			buf = append(buf, '\'')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '\'')
}

// coercion is get_coercion_expr.
func (p *exprPrinter) coercion(x Expr, to *types.T, typmod int32, parent Expr) {
	if c, ok := x.(*Const); ok && c.T.OID == to.OID {
		p.constant(c, -1)
	} else {
		p.open()
		p.exprParen(x, false, parent)
		p.close()
	}
	p.str("::" + deparseTypeName(to, typmod))
}

// expr is get_rule_expr.
func (p *exprPrinter) expr(e Expr, showImplicit bool) {
	switch x := e.(type) {
	case *ColumnRef:
		p.column(x)
	case *Const:
		p.constant(x, 0)
	case *Cast:
		if c, ok := x.X.(*Const); ok && c.T.OID == types.OidUnknown {
			if c.Val == nil {
				p.constant(&Const{T: x.To}, 0)
				return
			}
			v, err := types.ParseText(x.To, fmt.Sprint(c.Val), p.d.o.FormatOpts)
			if err != nil {
				unsupported("constant")
			}
			c = &Const{Val: v, T: x.To}
			if x.Typmod >= 0 {
				p.coercion(c, x.To, x.Typmod, x)
				return
			}
			p.constant(c, 0)
			return
		}
		if !x.Explicit && !showImplicit {
			p.exprParen(x.X, false, x)
			return
		}
		p.coercion(x.X, x.To, x.Typmod, x)
	case *Call:
		p.call(x)
	case *aggRef:
		p.aggregate(x)
	case *BoolExpr:
		switch x.Op {
		case And, Or:
			sep := " AND "
			if x.Op == Or {
				sep = " OR "
			}
			p.open()
			for i, a := range x.Args {
				if i > 0 {
					p.str(sep)
				}
				p.exprParen(a, false, x)
			}
			p.close()
		case Not:
			p.open()
			p.str("NOT ")
			p.exprParen(x.Args[0], false, x)
			p.close()
		}
	case *NullTest:
		p.open()
		p.exprParen(x.X, true, x)
		if x.Not {
			p.str(" IS NOT NULL")
		} else {
			p.str(" IS NULL")
		}
		p.close()
	case *TruthTest:
		p.open()
		p.exprParen(x.X, false, x)
		s := " IS "
		if x.Not {
			s += "NOT "
		}
		switch {
		case x.Unknown:
			s += "UNKNOWN"
		case x.Val:
			s += "TRUE"
		default:
			s += "FALSE"
		}
		p.str(s)
		p.close()
	case *NotDistinct:
		// IS NOT DISTINCT FROM is NOT over a DistinctExpr in PostgreSQL.
		distinct := func() {
			p.open()
			p.exprParen(x.L, true, x)
			p.str(" IS DISTINCT FROM ")
			p.exprParen(x.R, true, x)
			p.close()
		}
		if x.Not {
			distinct()
			return
		}
		p.open()
		p.str("NOT ")
		if p.d.o.Pretty {
			distinct() // simple under NOT
		} else {
			distinct()
		}
		p.close()
	case *Case:
		p.caseExpr(x)
	case *Coalesce:
		p.str("COALESCE(")
		p.list(x.Args)
		p.str(")")
	case *MinMax:
		if x.Greatest {
			p.str("GREATEST(")
		} else {
			p.str("LEAST(")
		}
		p.list(x.Args)
		p.str(")")
	case *NullIf:
		p.str("NULLIF(")
		p.list(x.Args[:])
		p.str(")")
	case *ArrayExpr:
		p.str("ARRAY[")
		p.list(x.Elems)
		p.str("]")
		if len(x.Elems) == 0 {
			p.str("::" + deparseTypeName(x.T, -1))
		}
	case *ScalarArrayOp:
		if len(x.Op.Args) != 2 {
			unsupported("array comparison")
		}
		p.open()
		p.exprParen(x.Op.Args[0], true, x)
		q := "ALL"
		if x.Any {
			q = "ANY"
		}
		p.str(" " + x.Op.Fn.Name + " " + q + " (")
		r := x.R
		if c, ok := x.Op.Args[1].(*Cast); ok {
			// The element was coerced: the array is, to the cast's
			// array type.
			if at := c.To.Array; at != nil {
				r = &Cast{X: x.R, To: at, Typmod: -1}
			}
		}
		p.exprParen(r, true, x)
		p.str(")")
		p.close()
	case *Subscript:
		needParen := kindOf(x.Array) != kWord
		if needParen {
			p.str("(")
		}
		p.expr(x.Array, true)
		if needParen {
			p.str(")")
		}
		p.str("[")
		p.expr(x.Index, false)
		p.str("]")
	default:
		unsupported("expression %T", e)
	}
}

// list prints a comma-separated expression list, implicit casts shown.
func (p *exprPrinter) list(es []Expr) {
	for i, a := range es {
		if i > 0 {
			p.str(", ")
		}
		p.expr(a, true)
	}
}

// call prints an operator (get_oper_expr) or a function call
// (get_func_expr).
func (p *exprPrinter) call(x *Call) {
	name := x.Fn.Name
	args := x.Args
	if isOperatorName(name) {
		if strings.Contains(name, "~~") && len(args) == 3 {
			// LIKE's escape travels as a third argument.
			// TiDB spells no ESCAPE as the default backslash.
			if c, ok := args[2].(*Const); !ok || c.Val != "" && c.Val != "\\" {
				unsupported("LIKE ... ESCAPE")
			}
			args = args[:2]
		}
		if len(args) == 2 {
			args = []Expr{stripIntWidening(args[0]), stripIntWidening(args[1])}
		}
		p.open()
		switch len(args) {
		case 2:
			p.exprParen(args[0], true, x)
			p.str(" " + name + " ")
			p.exprParen(args[1], true, x)
		case 1:
			p.str(name + " ")
			p.exprParen(args[0], true, x)
		default:
			unsupported("operator")
		}
		p.close()
		return
	}
	if strings.HasPrefix(name, "nqdb_") || x.Fn.Domain != nil {
		unsupported("function %s", name)
	}
	p.d.buf = appendQuoteIdentifier(p.d.buf, name)
	p.str("(")
	p.list(args)
	p.str(")")
}

// aggregate is get_agg_expr.
func (p *exprPrinter) aggregate(r *aggRef) {
	if p.b == nil || r.k >= len(p.b.aggs) {
		unsupported("aggregate")
	}
	a := p.b.aggs[r.k]
	if a.Filter != nil || len(a.Order) > 0 {
		unsupported("aggregate modifiers")
	}
	p.d.buf = appendQuoteIdentifier(p.d.buf, a.Name)
	p.str("(")
	if a.Distinct {
		p.str("DISTINCT ")
	}
	if len(a.Args) == 0 && a.Name == "count" {
		p.str("*")
	} else {
		p.list(a.Args)
	}
	p.str(")")
}

// caseExpr prints a searched CASE, a keyword per line.
func (p *exprPrinter) caseExpr(x *Case) {
	d := p.d
	d.keyword("CASE", 0, prettyIndentVar, 0)
	for _, w := range x.Whens {
		d.keyword("WHEN ", 0, 0, 0)
		p.expr(w.Cond, false)
		p.str(" THEN ")
		p.expr(w.Result, true)
	}
	d.keyword("ELSE ", 0, 0, 0)
	p.expr(x.Else, true)
	d.keyword("END", -prettyIndentVar, 0, 0)
}

// inAsArray binds `e [NOT] IN (items)` of one common type as
// transformAExprIn does: `e = ANY (ARRAY[items])` (`<> ALL` for NOT IN),
// the items coerced to the common type. Only DeparseView binds this way;
// execution keeps the OR of comparisons.
func (b *binder) inAsArray(e Expr, items []Expr, common *types.T, x *ast.PatternInExpr) (Expr, error) {
	if common.Array == nil {
		return nil, errNoDeparse("IN list")
	}
	elems := make([]Expr, len(items))
	for i, it := range items {
		c, err := b.coerce(it, common, -1, false, x.List[i])
		if err != nil {
			return nil, err
		}
		elems[i] = c
	}
	arr := &ArrayExpr{Elems: elems, T: common.Array}
	name, any := "=", true
	if x.Not {
		name, any = "<>", false
	}
	args := []Expr{e, &ArrayElem{T: common}}
	f, _ := resolve(operators[name], args, true)
	if f == nil {
		return nil, errNoDeparse("IN list")
	}
	l, err := b.coerce(e, f.Args[0], -1, false, x.Expr)
	if err != nil {
		return nil, err
	}
	var r Expr = &ArrayElem{T: f.Args[1]}
	if f.Args[1].OID != common.OID {
		r = &Cast{X: r, To: f.Args[1], Typmod: -1}
	}
	return &ScalarArrayOp{Op: &Call{Fn: f, Args: []Expr{l, r}, T: types.Bool}, R: arr, Any: any}, nil
}

// stripIntWidening drops an implicit cast between integer widths:
// PostgreSQL has cross-width operators (int48eq, int84pl, ...) where nqdb
// widens the narrower operand.
func stripIntWidening(e Expr) Expr {
	c, ok := e.(*Cast)
	if !ok || c.Explicit || c.Typmod >= 0 || !isIntType(c.To) || !isIntType(c.X.Type()) {
		return e
	}
	return c.X
}

func isIntType(t *types.T) bool {
	switch t.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8:
		return true
	}
	return false
}
