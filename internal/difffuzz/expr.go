package difffuzz

import (
	"strings"
)

// Node is an expression tree node. It renders as Parts[0] Args[0] Parts[1]
// Args[1] ... Parts[n], or, when Sub is set, as the parenthesised subquery.
// Keeping expressions as trees is what lets Shrink replace a node by a
// child of the same category or by a literal.
type Node struct {
	Parts []string
	Args  []*Node
	Cat   Cat
	Sub   *Select
}

// mk builds a node from a format whose %s are the arguments in order.
func mk(c Cat, format string, args ...*Node) *Node {
	parts := strings.Split(format, "%s")
	if len(parts) != len(args)+1 {
		panic("difffuzz: format " + format + " does not match its arguments")
	}
	return &Node{Parts: parts, Args: args, Cat: c}
}

// kw is a fixed piece of syntax in argument position (a field name, an
// interval): Shrink never replaces it.
func kw(sql string) *Node { return &Node{Parts: []string{sql}, Cat: nCats} }

// leaf is a node without arguments.
func leaf(c Cat, sql string) *Node { return &Node{Parts: []string{sql}, Cat: c} }

// SQL renders the node.
func (n *Node) SQL() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *Node) write(b *strings.Builder) {
	if n.Sub != nil {
		b.WriteByte('(')
		n.Sub.write(b)
		b.WriteByte(')')
		return
	}
	for i, p := range n.Parts {
		b.WriteString(p)
		if i < len(n.Args) {
			n.Args[i].write(b)
		}
	}
}

// colRef is something an expression may name: a qualified column, or in a
// grouped query a GROUP BY expression.
type colRef struct {
	sql string
	cat Cat
}

// scope is what an expression can see.
type scope struct {
	cols []colRef
	// aggOver, when set, lets leaves be aggregates over these columns (the
	// select list and HAVING of a grouped query).
	aggOver *scope
	// depth limits subquery nesting.
	subDepth int
}

func (s *scope) colsOf(c Cat) []colRef {
	var out []colRef
	for _, r := range s.cols {
		if r.cat == c {
			out = append(out, r)
		}
	}
	return out
}

// lit is a literal node of category c, typed so that it is never unknown.
func (g *Gen) lit(c Cat) *Node {
	if g.r.IntN(12) == 0 {
		return leaf(c, "NULL::"+nullType[c])
	}
	s := g.literal(c, false)
	switch c {
	case CInt:
		if strings.HasPrefix(s, "-") {
			s = "(" + s + ")"
		}
	case CNum:
		if strings.HasPrefix(s, "-") || !strings.Contains(s, ".") {
			s = "(" + s + "::numeric)"
		}
	case CFloat:
		s = "(" + s + "::float8)"
	case CText:
		if g.r.IntN(4) == 0 {
			s = s + "::varchar"
		}
	case CDate:
		s = "DATE " + s
	case CTS:
		s = "TIMESTAMP " + s
	}
	return leaf(c, s)
}

var nullType = [...]string{"int4", "numeric", "float8", "text", "bool", "date", "timestamp"}

// smallInt is a small integer literal node (for divisors, lengths, ...).
func (g *Gen) smallInt(lo, hi int) *Node {
	v := lo + g.r.IntN(hi-lo+1)
	if v < 0 {
		return leaf(CInt, "("+itoa(v)+")")
	}
	return leaf(CInt, itoa(v))
}

func itoa(v int) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

func (g *Gen) pick(n int) int { return g.r.IntN(n) }

func (g *Gen) chance(p int) bool { return g.r.IntN(100) < p }

// expr generates an expression of category c.
func (g *Gen) expr(c Cat, depth int, sc *scope) *Node {
	if depth <= 0 || g.chance(30) {
		return g.leafExpr(c, sc)
	}
	d := depth - 1
	// Generic forms valid for every category.
	switch g.pick(14) {
	case 0:
		if g.chance(20) {
			return mk(c, caseFmt("CASE WHEN %s THEN %s END"), g.expr(CBool, d, sc), g.expr(c, d, sc))
		}
		return mk(c, caseFmt("CASE WHEN %s THEN %s ELSE %s END"), g.expr(CBool, d, sc), g.expr(c, d, sc), g.expr(c, d, sc))
	case 1:
		return mk(c, "COALESCE(%s, %s)", g.expr(c, d, sc), g.expr(c, d, sc))
	case 2:
		if c != CBool && c != CFloat && !(knownBugNullifType && (c == CInt || c == CNum)) {
			return mk(c, "NULLIF(%s, %s)", g.expr(c, d, sc), g.expr(c, d, sc))
		}
	case 3:
		if sc.subDepth > 0 && g.chance(50) {
			return g.scalarSubquery(c, sc)
		}
	case 4:
		if c != CBool && g.chance(50) {
			fn := "GREATEST"
			if g.chance(50) {
				fn = "LEAST"
			}
			if c == CText && knownBugVarcharCompare {
				return mk(c, fn+"((%s)::text, (%s)::text)", g.expr(c, d, sc), g.expr(c, d, sc))
			}
			return mk(c, fn+"(%s, %s)", g.expr(c, d, sc), g.expr(c, d, sc))
		}
	}
	switch c {
	case CInt:
		return g.intExpr(d, sc)
	case CNum:
		return g.numExpr(d, sc)
	case CFloat:
		return g.floatExpr(d, sc)
	case CText:
		return g.textExpr(d, sc)
	case CBool:
		return g.boolExpr(d, sc)
	case CDate:
		return g.dateExpr(d, sc)
	case CTS:
		return g.tsExpr(d, sc)
	}
	panic("difffuzz: unknown category")
}

// leafExpr is a column, an aggregate (in a grouped context) or a literal.
func (g *Gen) leafExpr(c Cat, sc *scope) *Node {
	if sc.aggOver != nil && g.chance(45) {
		return g.aggregate(c, sc.aggOver)
	}
	if cols := sc.colsOf(c); len(cols) > 0 && g.chance(75) {
		return leaf(c, cols[g.pick(len(cols))].sql)
	}
	if c == CBool && g.chance(60) {
		// A comparison is a more useful boolean leaf than a constant.
		return g.comparison(1, sc)
	}
	return g.lit(c)
}

func (g *Gen) intExpr(d int, sc *scope) *Node {
	e := func() *Node { return g.expr(CInt, d, sc) }
	switch g.pick(16) {
	case 0:
		return mk(CInt, "(%s + %s)", e(), e())
	case 1:
		return mk(CInt, "(%s - %s)", e(), e())
	case 2:
		return mk(CInt, "(%s * %s)", e(), g.smallInt(-3, 3))
	case 3:
		return mk(CInt, "(%s / %s)", e(), g.smallInt(1, 4))
	case 4:
		return mk(CInt, "(%s % %s)", e(), g.smallInt(1, 5))
	case 5:
		return mk(CInt, "(- %s)", e())
	case 6:
		return mk(CInt, "abs(%s)", e())
	case 7:
		return mk(CInt, "length(%s)", g.expr(CText, d, sc))
	case 8:
		return mk(CInt, "strpos(%s, %s)", g.expr(CText, d, sc), g.expr(CText, d, sc))
	case 9:
		return mk(CInt, "CAST(%s AS int4)", g.expr(CNum, d, sc))
	case 10:
		return mk(CInt, "CAST(%s AS int8)", g.expr(CFloat, d, sc))
	case 11:
		return mk(CInt, "(%s - %s)", g.expr(CDate, d, sc), g.expr(CDate, d, sc))
	case 12:
		return mk(CInt, "mod(%s, %s)", e(), g.smallInt(1, 7))
	case 13:
		return mk(CInt, caseFmt("CASE %s WHEN %s THEN %s ELSE %s END"), e(), g.lit(CInt), e(), e())
	case 14:
		return mk(CInt, "ascii(%s)", g.expr(CText, d, sc))
	default:
		return mk(CInt, "gcd(%s, %s)", e(), g.smallInt(1, 6))
	}
}

func (g *Gen) numExpr(d int, sc *scope) *Node {
	e := func() *Node { return g.expr(CNum, d, sc) }
	switch g.pick(13) {
	case 0:
		return mk(CNum, "(%s + %s)", e(), e())
	case 1:
		return mk(CNum, "(%s - %s)", e(), g.expr(CInt, d, sc))
	case 2:
		return mk(CNum, "(%s * %s)", e(), g.lit(CNum))
	case 3:
		return mk(CNum, "(%s / %s)", e(), leaf(CNum, []string{"3", "7", "2.5", "0.3"}[g.pick(4)]))
	case 4:
		return mk(CNum, "round(%s, %s)", e(), g.smallInt(-1, 3))
	case 5:
		return mk(CNum, "trunc(%s)", e())
	case 6:
		return mk(CNum, "CAST(%s AS numeric)", g.expr(CInt, d, sc))
	case 7:
		return mk(CNum, "abs(%s)", e())
	case 8:
		if !knownBugNumericCeilFloor {
			return mk(CNum, "ceil(%s)", e())
		}
		return mk(CNum, "round(%s)", e())
	case 9:
		if !knownBugNumericCeilFloor {
			return mk(CNum, "floor(%s)", e())
		}
		return mk(CNum, "trunc(%s, 1)", e())
	case 10:
		return mk(CNum, "%s::numeric", g.expr(CFloat, d, sc))
	case 11:
		if knownBugExtractExpr {
			return mk(CNum, "EXTRACT(%s FROM "+dateCols(sc)+")", kw([]string{"year", "month", "day", "dow", "doy"}[g.pick(5)]))
		}
		return mk(CNum, "EXTRACT(%s FROM %s)", kw([]string{"year", "month", "day", "dow", "doy"}[g.pick(5)]), g.expr(CDate, d, sc))
	default:
		return mk(CNum, "(%s % %s)", e(), leaf(CNum, []string{"2", "0.7", "3"}[g.pick(3)]))
	}
}

func (g *Gen) floatExpr(d int, sc *scope) *Node {
	e := func() *Node { return g.expr(CFloat, d, sc) }
	switch g.pick(10) {
	case 0:
		return mk(CFloat, "(%s + %s)", e(), e())
	case 1:
		return mk(CFloat, "(%s - %s)", e(), g.expr(CInt, d, sc))
	case 2:
		return mk(CFloat, "(%s * %s)", e(), g.lit(CFloat))
	case 3:
		return mk(CFloat, "(%s / %s)", e(), leaf(CFloat, []string{"2", "4", "0.5", "3"}[g.pick(4)]))
	case 4:
		return mk(CFloat, "round(%s)", e())
	case 5:
		return mk(CFloat, "CAST(%s AS float8)", g.expr(CInt, d, sc))
	case 6:
		return mk(CFloat, "sqrt(abs(%s))", e())
	case 7:
		return mk(CFloat, "floor(%s)", e())
	case 8:
		return mk(CFloat, "date_part('day', %s)", g.expr(CTS, d, sc))
	default:
		return mk(CFloat, "%s::float8", g.expr(CNum, d, sc))
	}
}

func (g *Gen) textExpr(d int, sc *scope) *Node {
	e := func() *Node { return g.expr(CText, d, sc) }
	switch g.pick(20) {
	case 0:
		return mk(CText, "(%s || %s)", e(), e())
	case 1:
		return mk(CText, "upper(%s)", e())
	case 2:
		return mk(CText, "lower(%s)", e())
	case 3:
		return mk(CText, "substr(%s, %s, %s)", e(), g.smallInt(-1, 3), g.smallInt(0, 3))
	case 4:
		return mk(CText, "replace(%s, %s, %s)", e(), g.lit(CText), g.lit(CText))
	case 5:
		return mk(CText, "trim(%s)", e())
	case 6:
		return mk(CText, "lpad(%s, %s, 'xy')", e(), g.smallInt(0, 5))
	case 7:
		return mk(CText, "left(%s, %s)", e(), g.smallInt(-2, 3))
	case 8:
		return mk(CText, "right(%s, %s)", e(), g.smallInt(-2, 3))
	case 9:
		return mk(CText, "reverse(%s)", e())
	case 10:
		return mk(CText, "repeat(%s, %s)", e(), g.smallInt(0, 3))
	case 11:
		return mk(CText, "concat(%s, %s)", e(), g.expr(CInt, d, sc))
	case 12:
		return mk(CText, "concat_ws(',', %s, %s)", e(), e())
	case 13:
		return mk(CText, "CAST(%s AS text)", g.expr(CInt, d, sc))
	case 14:
		return mk(CText, "%s::text", g.expr([]Cat{CNum, CFloat, CBool, CDate, CTS}[g.pick(5)], d, sc))
	case 15:
		return mk(CText, "split_part(%s, 'a', %s)", e(), g.smallInt(1, 2))
	case 16:
		return mk(CText, "translate(%s, 'ab', 'x')", e())
	case 17:
		return mk(CText, "initcap(%s)", e())
	case 18:
		return mk(CText, "rtrim(%s, 'a ')", e())
	default:
		return mk(CText, "md5(%s)", e())
	}
}

func (g *Gen) dateExpr(d int, sc *scope) *Node {
	switch g.pick(3) {
	case 0:
		return mk(CDate, "(%s + %s)", g.expr(CDate, d, sc), g.smallInt(-40, 40))
	case 1:
		return mk(CDate, "(%s - %s)", g.expr(CDate, d, sc), g.smallInt(0, 400))
	default:
		return mk(CDate, "CAST(%s AS date)", g.expr(CTS, d, sc))
	}
}

func (g *Gen) tsExpr(d int, sc *scope) *Node {
	switch g.pick(4) {
	case 0:
		return mk(CTS, "CAST(%s AS timestamp)", g.expr(CDate, d, sc))
	case 1:
		return mk(CTS, "date_trunc(%s, %s)", kw([]string{"'month'", "'day'", "'year'", "'hour'"}[g.pick(4)]), g.expr(CTS, d, sc))
	case 2:
		return mk(CTS, "(%s + %s)", g.expr(CTS, d, sc), kw([]string{"interval '1 day'", "interval '2 hours'", "interval '1 month'", "interval '-90 minutes'"}[g.pick(4)]))
	default:
		return mk(CTS, "(%s + %s)", g.expr(CDate, d, sc), kw([]string{"TIME '10:30'", "TIME '00:00'"}[g.pick(2)]))
	}
}

// numericCats are the categories that compare with each other.
var numericCats = []Cat{CInt, CNum, CFloat}

// comparable returns a category for the left side of a comparison and one
// for the right that PostgreSQL compares without an explicit cast.
func (g *Gen) comparable() (Cat, Cat) {
	c := Cat(g.pick(int(nCats)))
	switch c {
	case CInt, CNum, CFloat:
		return c, numericCats[g.pick(3)]
	case CDate, CTS:
		if g.chance(25) {
			return c, []Cat{CDate, CTS}[g.pick(2)]
		}
	}
	return c, c
}

var cmpOps = []string{"=", "<>", "<", "<=", ">", ">="}

func (g *Gen) comparison(d int, sc *scope) *Node {
	a, b := g.comparable()
	return mk(CBool, "(%s "+cmpOps[g.pick(len(cmpOps))]+" %s)", g.expr(a, d, sc), g.expr(b, d, sc))
}

func (g *Gen) boolExpr(d int, sc *scope) *Node {
	e := func() *Node { return g.expr(CBool, d, sc) }
	switch g.pick(16) {
	case 0, 1, 2:
		return g.comparison(d, sc)
	case 3:
		return mk(CBool, "(%s AND %s)", e(), e())
	case 4:
		return mk(CBool, "(%s OR %s)", e(), e())
	case 5:
		return mk(CBool, "(NOT %s)", e())
	case 6:
		c := Cat(g.pick(int(nCats)))
		if g.chance(50) {
			return mk(CBool, "(%s IS NULL)", g.expr(c, d, sc))
		}
		return mk(CBool, "(%s IS NOT NULL)", g.expr(c, d, sc))
	case 7:
		a, b := g.comparable()
		op := " IS DISTINCT FROM "
		if g.chance(50) {
			op = " IS NOT DISTINCT FROM "
		}
		return mk(CBool, "(%s"+op+"%s)", g.expr(a, d, sc), g.expr(b, d, sc))
	case 8:
		op := []string{"LIKE", "NOT LIKE", "ILIKE"}[g.pick(3)]
		pat := []string{"'a%'", "'%b'", "'_'", "'%'", "'a_c'", "'%a%'", "''", "'A%'", "'_b%'"}[g.pick(9)]
		return mk(CBool, "(%s "+op+" "+pat+")", g.expr(CText, d, sc))
	case 9:
		c := Cat(g.pick(int(nCats)))
		n := 1 + g.pick(4)
		args := []*Node{g.expr(c, d, sc)}
		format := "(%s IN ("
		if g.chance(30) {
			format = "(%s NOT IN ("
		}
		for i := range n {
			if i > 0 {
				format += ", "
			}
			format += "%s"
			args = append(args, g.lit(c))
		}
		return mk(CBool, format+"))", args...)
	case 10:
		a, b := g.comparable()
		op := " BETWEEN "
		if g.chance(30) {
			op = " NOT BETWEEN "
		}
		return mk(CBool, "(%s"+op+"%s AND %s)", g.expr(a, d, sc), g.expr(b, d, sc), g.expr(b, d, sc))
	case 11:
		if sc.subDepth > 0 {
			return g.existsSubquery(sc)
		}
		return g.comparison(d, sc)
	case 12:
		if sc.subDepth > 0 {
			return g.inSubquery(d, sc)
		}
		return g.comparison(d, sc)
	case 13:
		return mk(CBool, "starts_with(%s, %s)", g.expr(CText, d, sc), g.lit(CText))
	case 14:
		op := []string{"IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN"}[g.pick(5)]
		return mk(CBool, "(%s "+op+")", e())
	default:
		return mk(CBool, "(%s = %s)", e(), e())
	}
}

// aggregate is an aggregate call of category c over columns of in.
func (g *Gen) aggregate(c Cat, in *scope) *Node {
	arg := func(ac Cat) *Node { return g.expr(ac, 1, in) }
	minmax := func() *Node {
		fn := "min"
		if g.chance(50) {
			fn = "max"
		}
		if c == CText && knownBugVarcharCompare {
			return mk(c, fn+"((%s)::text)", arg(c))
		}
		return mk(c, fn+"(%s)", arg(c))
	}
	switch c {
	case CInt:
		switch g.pick(4) {
		case 0:
			return leaf(CInt, "count(*)")
		case 1:
			return mk(CInt, "count(%s)", arg(Cat(g.pick(int(nCats)))))
		case 2:
			return mk(CInt, "count(DISTINCT %s)", arg(Cat(g.pick(int(nCats)))))
		default:
			return minmax()
		}
	case CNum:
		switch g.pick(4) {
		case 0:
			return mk(CNum, "sum(%s)", arg(CInt))
		case 1:
			return mk(CNum, "sum(%s)", arg(CNum))
		case 2:
			return mk(CNum, "avg(%s)", arg([]Cat{CInt, CNum}[g.pick(2)]))
		default:
			return minmax()
		}
	case CFloat:
		switch g.pick(3) {
		case 0:
			return mk(CFloat, "sum(%s)", arg(CFloat))
		case 1:
			return mk(CFloat, "avg(%s)", arg(CFloat))
		default:
			return minmax()
		}
	case CText:
		if g.chance(30) {
			a := arg(CText)
			// Ordered by the aggregated value itself, so ties are equal
			// strings and the result is defined.
			return mk(CText, "string_agg(%s, ',' ORDER BY %s)", a, a)
		}
		return minmax()
	case CBool:
		fn := "bool_and"
		if g.chance(50) {
			fn = "bool_or"
		}
		return mk(CBool, fn+"(%s)", arg(CBool))
	default:
		return minmax()
	}
}

// dateCols is a date column of sc, or a date literal.
func dateCols(sc *scope) string {
	if cols := sc.colsOf(CDate); len(cols) > 0 {
		return cols[0].sql
	}
	return "DATE '2020-02-29'"
}

// caseFmt parenthesises a CASE while knownBugCaseOperand is on.
func caseFmt(format string) string {
	if knownBugCaseOperand {
		return "(" + format + ")"
	}
	return format
}
