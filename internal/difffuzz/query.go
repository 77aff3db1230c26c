package difffuzz

import (
	"fmt"
	"strings"
)

// FromItem is one table of a FROM list: the first has an empty Join, the
// others join the ones before with Join ("JOIN", "LEFT JOIN", "CROSS JOIN"
// or ",") and, for JOIN and LEFT JOIN, the condition On.
type FromItem struct {
	Table string
	Alias string
	Join  string
	On    *Node
}

// Select is a generated query: a SELECT, optionally combined with Right by
// SetOp (UNION, INTERSECT, EXCEPT, each optionally ALL). OrderBy and Limit
// apply to the whole query.
type Select struct {
	Distinct bool
	Cols     []*Node
	From     []*FromItem
	Where    *Node
	GroupBy  []*Node
	Having   *Node
	SetOp    string
	Right    *Select
	// OrderBy holds one direction per output column ("" = no ORDER BY);
	// the generator orders by every column, so the order is total.
	OrderBy []string
	Limit   int // -1: none
	Offset  int // 0: none
}

// SQL renders the query.
func (s *Select) SQL() string {
	var b strings.Builder
	s.write(&b)
	return b.String()
}

// Ordered reports whether the result order is defined (a total ORDER BY).
func (s *Select) Ordered() bool { return len(s.OrderBy) > 0 }

func (s *Select) write(b *strings.Builder) {
	s.writeCore(b)
	if s.Right != nil {
		b.WriteString(" " + s.SetOp + " ")
		s.Right.writeCore(b)
	}
	if len(s.OrderBy) > 0 {
		b.WriteString(" ORDER BY ")
		for i, dir := range s.OrderBy {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%d%s", i+1, dir)
		}
	}
	if s.Limit >= 0 {
		fmt.Fprintf(b, " LIMIT %d", s.Limit)
	}
	if s.Offset > 0 {
		fmt.Fprintf(b, " OFFSET %d", s.Offset)
	}
}

func (s *Select) writeCore(b *strings.Builder) {
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, c := range s.Cols {
		if i > 0 {
			b.WriteString(", ")
		}
		c.write(b)
	}
	if len(s.From) > 0 {
		b.WriteString(" FROM ")
	}
	for i, f := range s.From {
		if i > 0 {
			if f.Join == "," {
				b.WriteString(", ")
			} else {
				b.WriteString(" " + f.Join + " ")
			}
		}
		b.WriteString(f.Table + " AS " + f.Alias)
		if f.On != nil {
			b.WriteString(" ON ")
			f.On.write(b)
		}
	}
	if s.Where != nil {
		b.WriteString(" WHERE ")
		s.Where.write(b)
	}
	for i, gexpr := range s.GroupBy {
		if i == 0 {
			b.WriteString(" GROUP BY ")
		} else {
			b.WriteString(", ")
		}
		gexpr.write(b)
	}
	if s.Having != nil {
		b.WriteString(" HAVING ")
		s.Having.write(b)
	}
}

// newAlias returns a fresh table alias.
func (g *Gen) newAlias() string {
	g.alias++
	return fmt.Sprintf("a%d", g.alias)
}

// fromList picks 1-3 tables, joined, and returns them with the scope they
// make (outer columns appended for correlation).
func (g *Gen) fromList(maxTables int, outer *scope) ([]*FromItem, *scope) {
	sc := &scope{}
	if outer != nil {
		sc.cols = append(sc.cols, outer.cols...)
		sc.subDepth = outer.subDepth - 1
	} else {
		sc.subDepth = 1
	}
	n := 1
	if maxTables > 1 && g.chance(45) {
		n = 2
		if maxTables > 2 && g.chance(25) {
			n = 3
		}
	}
	var items []*FromItem
	for i := range n {
		t := g.schema.Tables[g.pick(len(g.schema.Tables))]
		it := &FromItem{Table: t.Name, Alias: g.newAlias()}
		for _, c := range t.Cols {
			sc.cols = append(sc.cols, colRef{sql: it.Alias + "." + c.Name, cat: c.Cat})
		}
		if i > 0 {
			switch g.pick(10) {
			case 0, 1, 2, 3:
				it.Join = "JOIN"
			case 4, 5, 6:
				it.Join = "LEFT JOIN"
				if knownBugJoinThenLeftJoin && i > 1 {
					it.Join = "JOIN"
				}
			case 7:
				it.Join = "CROSS JOIN"
			default:
				// A comma binds looser than JOIN, so a later ON could not
				// see the tables before it: only the last item uses one.
				it.Join = ","
				if i < n-1 {
					it.Join = "CROSS JOIN"
				}
			}
			if it.Join == "JOIN" || it.Join == "LEFT JOIN" {
				it.On = g.joinCond(items, it, t, sc)
			}
		}
		items = append(items, it)
	}
	return items, sc
}

// joinCond is usually an equality between columns of the same category
// (what hash joins take), sometimes with an extra conjunct, sometimes any
// predicate.
func (g *Gen) joinCond(prev []*FromItem, it *FromItem, t *Table, sc *scope) *Node {
	if g.chance(80) {
		c := t.Cols[g.pick(len(t.Cols))]
		right := leaf(c.Cat, it.Alias+"."+c.Name)
		var cands []colRef
		for _, r := range sc.cols {
			if r.cat == c.Cat && !strings.HasPrefix(r.sql, it.Alias+".") {
				cands = append(cands, r)
			}
		}
		if len(cands) > 0 {
			left := leaf(c.Cat, cands[g.pick(len(cands))].sql)
			eq := mk(CBool, "(%s = %s)", left, right)
			if g.chance(30) {
				return mk(CBool, "(%s AND %s)", eq, g.expr(CBool, 1, sc))
			}
			return eq
		}
	}
	return g.expr(CBool, 2, sc)
}

// GenQuery makes a random query over the schema most recently made by
// GenSchema (or set with UseSchema).
func (g *Gen) GenQuery() *Select {
	cats := make([]Cat, 1+g.pick(3))
	for i := range cats {
		cats[i] = Cat(g.pick(int(nCats)))
	}
	s := g.genSelect(cats, nil, 3)
	if g.chance(15) {
		ops := []string{"UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"}
		if knownBugIntersectExcept {
			ops = ops[:2]
		}
		s.SetOp = ops[g.pick(len(ops))]
		s.Right = g.genSelect(cats, nil, 2)
	}
	if g.chance(35) {
		g.addOrder(s)
	}
	return s
}

// UseSchema makes GenQuery generate over s.
func (g *Gen) UseSchema(s *Schema) { g.schema = s }

func (g *Gen) addOrder(s *Select) {
	s.OrderBy = make([]string, len(s.Cols))
	for i := range s.OrderBy {
		s.OrderBy[i] = []string{"", " DESC", " NULLS FIRST", " DESC NULLS LAST"}[g.pick(4)]
	}
	if g.chance(60) {
		s.Limit = g.pick(6)
	}
	if g.chance(25) {
		s.Offset = 1 + g.pick(3)
	}
}

// genSelect makes a SELECT whose output columns have categories cats.
func (g *Gen) genSelect(cats []Cat, outer *scope, maxTables int) *Select {
	s := &Select{Limit: -1}
	var sc *scope
	s.From, sc = g.fromList(maxTables, outer)
	if g.chance(70) {
		s.Where = g.expr(CBool, 3, sc)
	}
	if g.chance(30) {
		g.grouped(s, cats, sc)
		return s
	}
	for _, c := range cats {
		e := g.expr(c, 2, sc)
		if c == CText && knownBugSetOpUnknownType {
			e = mk(c, "(%s)::text", e)
		}
		s.Cols = append(s.Cols, e)
	}
	s.Distinct = g.chance(20)
	return s
}

// grouped fills the select list of a grouped query: GROUP BY expressions
// (mostly plain columns) and aggregates, and sometimes HAVING.
func (g *Gen) grouped(s *Select, cats []Cat, sc *scope) {
	var keys []colRef
	ng := g.pick(3) // 0: a whole-table aggregate
	for range ng {
		c := Cat(g.pick(int(nCats)))
		var e *Node
		cols := sc.colsOf(c)
		switch {
		case len(cols) > 0 && (g.chance(80) || knownBugGroupExprMatch):
			e = leaf(c, cols[g.pick(len(cols))].sql)
		case knownBugGroupExprMatch:
			continue
		default:
			e = g.expr(c, 1, sc)
		}
		if len(e.Args) == 0 && e.Sub == nil && !strings.Contains(e.Parts[0], ".") {
			// A bare constant: an integer is an output column position,
			// anything else an error (found.sql: group-by-constant).
			continue
		}
		s.GroupBy = append(s.GroupBy, e)
		keys = append(keys, colRef{sql: e.SQL(), cat: c})
	}
	outer := &scope{cols: keys, aggOver: sc, subDepth: sc.subDepth}
	if knownBugSubqueryInAggregateQuery {
		aggSc := *sc
		aggSc.subDepth = 0
		outer.aggOver, outer.subDepth = &aggSc, 0
		sc = &aggSc
	}
	for _, c := range cats {
		if ks := outer.colsOf(c); len(ks) > 0 && g.chance(50) {
			s.Cols = append(s.Cols, leaf(c, ks[g.pick(len(ks))].sql))
			continue
		}
		s.Cols = append(s.Cols, g.aggregate(c, sc))
	}
	if g.chance(35) {
		s.Having = g.expr(CBool, 2, outer)
	}
}

// scalarSubquery is an aggregate over a correlated single-table query: one
// row, always.
func (g *Gen) scalarSubquery(c Cat, sc *scope) *Node {
	sub := &Select{Limit: -1}
	var in *scope
	sub.From, in = g.fromList(1, sc)
	if g.chance(80) {
		sub.Where = g.expr(CBool, 2, in)
	}
	aggIn := in
	if knownBugOuterAggregate {
		// Only the subquery's own columns inside the aggregate.
		aggIn = &scope{cols: in.cols[len(sc.cols):]}
	}
	sub.Cols = []*Node{g.aggregate(c, aggIn)}
	return &Node{Cat: c, Sub: sub}
}

func (g *Gen) existsSubquery(sc *scope) *Node {
	sub := &Select{Limit: -1}
	var in *scope
	sub.From, in = g.fromList(2, sc)
	sub.Where = g.expr(CBool, 2, in)
	sub.Cols = []*Node{leaf(CInt, "1")}
	format := "(EXISTS %s)"
	if g.chance(30) {
		format = "(NOT EXISTS %s)"
	}
	return mk(CBool, format, &Node{Cat: nCats, Sub: sub})
}

func (g *Gen) inSubquery(d int, sc *scope) *Node {
	a, b := g.comparable()
	sub := &Select{Limit: -1}
	var in *scope
	sub.From, in = g.fromList(1, sc)
	if g.chance(70) {
		sub.Where = g.expr(CBool, 1, in)
	}
	sub.Cols = []*Node{g.expr(b, 1, in)}
	format := "(%s IN %s)"
	if g.chance(30) {
		format = "(%s NOT IN %s)"
	}
	return mk(CBool, format, g.expr(a, d, sc), &Node{Cat: nCats, Sub: sub})
}
