package planner

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ExplainOptions are EXPLAIN's options.
type ExplainOptions struct {
	Analyze, Verbose, Costs, Timing, Summary bool
	// JSON selects FORMAT JSON; otherwise FORMAT TEXT.
	JSON bool
	// Planning and Execution are the measured times (Summary).
	Planning, Execution time.Duration
}

// NodeStats are what EXPLAIN ANALYZE measured for one plan node: how
// often it was started (Loops), the rows it produced in all, and the
// time to its first row and to its end, summed over loops.
type NodeStats struct {
	Loops, Rows  int64
	First, Total time.Duration
	// Mem is what a Sort, a hash join's hash table or a HashAggregate
	// used (explain_mem.go); nil for other nodes.
	Mem *MemStats
	// InnerLoops and InnerRows are a nested loop's rescans of its inner
	// side and the inner rows it read in all: what PostgreSQL's
	// Materialize node over the inner side counts.
	InnerLoops, InnerRows int64
	// JoinRemoved is the rows a nested loop's join condition rejected
	// (Rows Removed by Join Filter).
	JoinRemoved int64
}

// Actuals maps the nodes of a plan to their measurements.
type Actuals map[Node]*NodeStats

// Cost model constants: PostgreSQL's defaults, so that our figures read
// on the same scale as theirs.
const (
	seqPageCost    = 1.0
	randomPageCost = 4.0
	cpuTupleCost   = 0.01
	cpuOperCost    = 0.0025
	pageSize       = 8192
)

// exNode is one line of the plan tree as EXPLAIN prints it.
type exNode struct {
	typ      string // "Seq Scan", "Hash Join", ...
	detail   string // " on t a", " using t_pkey on t"
	json     [][2]any
	props    [][2]string // "Filter", "(a > 1)"
	jprops   [][2]any    // FORMAT JSON's measured properties (explain_mem.go)
	kids     []*exNode
	parent   string // Parent Relationship in JSON: Outer, Inner, SubPlan...
	subName  string // "SubPlan 1" for subplans
	startup  float64
	total    float64
	rows     float64
	width    int
	node     Node
	children []Node // for actual times
	// noActual: the node is drawn for the reader but not run as an
	// operator (the scan inside UPDATE and DELETE), so it has no times.
	noActual bool
	// derived are the measurements of a node drawn for PostgreSQL's
	// shape that is no operator of ours (Hash, Materialize).
	derived *NodeStats
}

// explainer holds the state of one EXPLAIN: column naming and subplan
// numbering.
type explainer struct {
	o        ExplainOptions
	act      Actuals
	qualify  bool
	subplans []*SubPlan
	shown    map[*SubPlan]bool
	est      RowEstimator
	card     *cardEst // row estimates (cardinality.go)
	// outer holds the column names of the enclosing queries' rows while a
	// subquery is drawn (OuterRef levels).
	outer [][]string
	// cteNodes are the drawn plans of the materialized CTEs
	// (ctematerialize.go).
	cteNodes map[*WorkTable]*exNode
}

// Explain renders q's plan as EXPLAIN prints it: text lines, or (JSON)
// one line holding the document. Costs come from our cost model over the
// planner's row estimates, on PostgreSQL's scale; act (EXPLAIN ANALYZE)
// adds what was measured.
func Explain(q *Query, o ExplainOptions, act Actuals, cat Catalog) []string {
	ex := &explainer{o: o, act: act, shown: map[*SubPlan]bool{}}
	ex.est, _ = cat.(RowEstimator)
	ex.card = newCardEst(cat)
	ex.qualify = o.Verbose || countScans(q.Root) > 1
	// A materialized CTE's plan is numbered first, as in PostgreSQL.
	if len(q.CTEs) > 0 {
		ex.subplans = make([]*SubPlan, len(q.CTEs))
		ex.explainCTEs(q.CTEs)
	}
	root, _ := ex.walk(q.Root)
	ex.explainWrites(root, q.Writes)
	ex.attachCTEs(root, q.CTEs)
	if o.JSON {
		return []string{ex.jsonDoc(root)}
	}
	var lines []string
	ex.text(root, 0, false, &lines)
	if o.Summary {
		lines = append(lines, fmt.Sprintf("Planning Time: %.3f ms", ms(o.Planning)))
	}
	if o.Analyze && o.Summary {
		lines = append(lines, fmt.Sprintf("Execution Time: %.3f ms", ms(o.Execution)))
	}
	return lines
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// countScans counts the relations n reads, those of the subqueries in
// its expressions included: PostgreSQL qualifies column names when the
// statement's range table, which holds its subqueries' relations too,
// has more than one.
func countScans(n Node) int {
	c := 0
	walkNodes(n, func(x Node) {
		switch x.(type) {
		case *Scan, *Values, *WorkTableScan:
			c++
		}
		for _, e := range nodeExprs(x) {
			walkExprs(e, func(y Expr) {
				if sp, ok := y.(*SubPlan); ok && sp.Plan != nil {
					c += countScans(sp.Plan)
				}
			})
		}
	})
	return c
}

// walkNodes calls f on n and every node below it (not into subqueries).
func walkNodes(n Node, f func(Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, k := range childNodes(n) {
		walkNodes(k, f)
	}
}

// childNodes lists a node's inputs.
func childNodes(n Node) []Node {
	switch x := n.(type) {
	case *Filter:
		return []Node{x.Input}
	case *Project:
		return []Node{x.Input}
	case *ProjectSet:
		return []Node{x.Input}
	case *Window:
		return []Node{x.Input}
	case *RecursiveUnion:
		return []Node{x.Base, x.Recursive}
	case *Limit:
		return []Node{x.Input}
	case *Sort:
		return []Node{x.Input}
	case *LockRows:
		return []Node{x.Input}
	case *Distinct:
		return []Node{x.Input}
	case *Agg:
		return []Node{x.Input}
	case *Gather:
		return []Node{x.Input}
	case *Join:
		return []Node{x.Left, x.Right}
	case *Append:
		return x.Inputs
	case *Insert:
		return []Node{x.Input}
	case *Update:
		if x.Source != nil {
			return []Node{x.Source.Plan}
		}
	case *Delete:
		if x.Source != nil {
			return []Node{x.Source.Plan}
		}
	}
	return nil
}

// walk builds the exNode for n and returns it with the names of n's
// output columns (for deparsing the expressions of the nodes above).
func (ex *explainer) walk(n Node) (*exNode, []string) {
	e := &exNode{node: n, width: widthOf(n.Output())}
	switch x := n.(type) {
	case *Scan:
		names := ex.scanNames(x)
		ex.scan(e, x, nil, names)
		return e, names
	case *Filter:
		if s, ok := x.Input.(*Scan); ok && isConstFalse(x.Cond) {
			// A scan whose condition folded to false or NULL is a dummy
			// relation to PostgreSQL: a Result that never reads the table.
			e.typ, e.rows, e.width = "Result", 0, 0
			e.props = append(e.props, [2]string{"One-Time Filter", "false"})
			return e, ex.scanNames(s)
		}
		in, names := ex.walk(x.Input)
		// PostgreSQL has no filter node: the condition belongs to the
		// node below (a scan's Filter, a join's Join Filter...).
		if s, ok := x.Input.(*Scan); ok {
			in.props = nil
			ex.scan(in, s, x.Cond, names)
			ex.rowsRemoved(in, s, x)
		} else {
			label := "Filter"
			if j, ok := x.Input.(*Join); ok && j.Kind == InnerJoin {
				label = "Join Filter"
			}
			in.props = append(in.props, [2]string{label, ex.deparse(x.Cond, names)})
			in.rows = ex.card.rows(x)
			in.total += in.rows * cpuOperCost
		}
		in.node = n
		in.children = append(in.children, x.Input)
		ex.addSubplans(in, names, x.Cond)
		return in, names
	case *Project:
		in, names := ex.walk(x.Input)
		out := make([]string, len(x.Exprs))
		for i, p := range x.Exprs {
			out[i] = ex.deparse(p, names)
		}
		ex.addSubplans(in, names, x.Exprs...)
		// PostgreSQL has no projection node: the node below computes the
		// target list, and its width is the list's (narrow.go).
		if in.typ != "Result" || in.rows != 0 { // not a dummy relation
			in.width = widthOf(x.Output())
		}
		return in, out
	case *Result:
		e.typ, e.rows = "Result", 1
		e.total = cpuTupleCost
		if x.Where != nil {
			e.props = append(e.props, [2]string{"One-Time Filter", ex.deparse(x.Where, nil)})
		}
		ex.addSubplans(e, nil, x.Exprs...)
		out := make([]string, len(x.Exprs))
		for i, p := range x.Exprs {
			out[i] = ex.deparse(p, nil)
		}
		return e, out
	case *Values:
		e.typ, e.detail = "Values Scan", ` on "*VALUES*"`
		e.json = append(e.json, [2]any{"Alias", "*VALUES*"})
		e.rows = float64(len(x.Rows))
		e.total = e.rows * cpuOperCost * float64(len(x.Types))
		names := make([]string, len(x.Types))
		for i := range names {
			names[i] = fmt.Sprintf(`"*VALUES*".column%d`, i+1)
		}
		return e, names
	case *Join:
		return ex.join(e, x)
	case *Agg:
		in, names := ex.walk(x.Input)
		e.kids = []*exNode{in}
		in.parent = "Outer"
		e.typ = "Aggregate"
		strategy := "Plain"
		e.rows = 1
		if x.Sets != nil {
			// Each set is its own hash aggregation, as PostgreSQL's
			// MixedAggregate prints them.
			e.typ, strategy = "MixedAggregate", "Mixed"
			for _, set := range x.Sets {
				if len(set) == 0 {
					e.props = append(e.props, [2]string{"Group Key", "()"})
					continue
				}
				keys := make([]string, len(set))
				for i, g := range set {
					keys[i] = ex.deparse(x.GroupBy[g], names)
				}
				e.props = append(e.props, [2]string{"Hash Key", strings.Join(keys, ", ")})
			}
			e.rows = math.Max(1, math.Min(in.rows, 200)) * float64(len(x.Sets))
		} else if len(x.GroupBy) > 0 {
			e.typ, strategy = "HashAggregate", "Hashed"
			e.rows = ex.card.rows(x)
			keys := make([]string, len(x.GroupBy))
			for i, g := range x.GroupBy {
				keys[i] = ex.deparse(g, names)
			}
			e.props = append(e.props, [2]string{"Group Key", strings.Join(keys, ", ")})
			if x.Sorted {
				e.typ, strategy = "GroupAggregate", "Sorted" // groupagg.go
			} else {
				ex.memProps(e, n, memAgg)
			}
		}
		e.json = append(e.json, [2]any{"Strategy", strategy}, [2]any{"Partial Mode", "Simple"})
		e.startup = in.total + in.rows*cpuOperCost*float64(len(x.Aggs)+len(x.GroupBy))
		e.total = e.startup + e.rows*cpuTupleCost
		if x.Sorted {
			// The first group comes out after its rows, not all rows.
			e.startup = in.startup
		}
		if len(x.GroupBy) == 0 {
			e.startup = e.total
		}
		out := make([]string, 0, len(x.GroupBy)+len(x.Aggs))
		for _, g := range x.GroupBy {
			out = append(out, ex.deparse(g, names))
		}
		for _, a := range x.Aggs {
			out = append(out, ex.aggName(a, names))
		}
		ex.finalizeAgg(e, x)
		return e, out
	case *Gather:
		return ex.gather(e, x)
	case *Distinct:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.kids = []*exNode{in}
		if x.On != nil {
			// DISTINCT ON: PostgreSQL's Unique over the Sort.
			e.typ = "Unique"
			e.rows = math.Max(1, math.Min(in.rows, 200))
			e.startup, e.total = in.startup, in.total+in.rows*cpuOperCost
			return e, names
		}
		e.typ = "HashAggregate"
		e.json = append(e.json, [2]any{"Strategy", "Hashed"}, [2]any{"Partial Mode", "Simple"})
		e.props = append(e.props, [2]string{"Group Key", strings.Join(names, ", ")})
		ex.memProps(e, n, memAgg)
		e.rows = ex.card.rows(x)
		e.startup = in.total + in.rows*cpuOperCost*float64(len(names))
		e.total = e.startup + e.rows*cpuTupleCost
		return e, names
	case *Sort:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.kids = []*exNode{in}
		e.typ = "Sort"
		keys := make([]string, len(x.Keys))
		for i, k := range x.Keys {
			keys[i] = names[k.Col]
			switch {
			case k.Desc && !k.NullsFirst:
				keys[i] += " DESC NULLS LAST"
			case k.Desc:
				keys[i] += " DESC"
			case k.NullsFirst:
				keys[i] += " NULLS FIRST"
			}
		}
		e.props = append(e.props, [2]string{"Sort Key", strings.Join(keys, ", ")})
		ex.memProps(e, n, memSort)
		e.rows = in.rows
		n := math.Max(in.rows, 2)
		e.startup = in.total + 2*cpuOperCost*n*math.Log2(n)
		e.total = e.startup + in.rows*cpuOperCost
		return e, names
	case *Limit:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.typ = "Limit"
		// PostgreSQL lists the InitPlans of LIMIT/OFFSET before the input.
		ex.addSubplans(e, nil, x.Offset, x.Count)
		e.kids = append(e.kids, in)
		e.rows = in.rows
		if c, ok := x.Count.(*Const); ok {
			if v, ok := c.Val.(int64); ok {
				e.rows = math.Max(0, math.Min(float64(v), in.rows))
			}
		}
		e.startup = in.startup
		e.total = in.startup
		if in.rows > 0 {
			e.total += (in.total - in.startup) * e.rows / in.rows
		}
		return e, names
	case *Append:
		e.typ = "Append"
		var names []string
		for i, k := range x.Inputs {
			kn, kNames := ex.walk(k)
			if i == 0 {
				names = kNames
			}
			kn.parent = "Member"
			e.kids = append(e.kids, kn)
			e.rows += kn.rows
			e.total += kn.total
		}
		if x.Distinct {
			d := &exNode{node: n, typ: "HashAggregate", kids: []*exNode{e}, width: e.width}
			d.json = append(d.json, [2]any{"Strategy", "Hashed"}, [2]any{"Partial Mode", "Simple"})
			d.props = append(d.props, [2]string{"Group Key", strings.Join(names, ", ")})
			d.rows = math.Max(1, math.Min(e.rows, 200))
			d.startup = e.total + e.rows*cpuOperCost
			d.total = d.startup + d.rows*cpuTupleCost
			e.node = nil
			e.parent = "Outer"
			return d, names
		}
		return e, names
	case *Window:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.kids = []*exNode{in}
		e.typ = "WindowAgg"
		e.rows = in.rows
		e.startup = in.startup
		e.total = in.total + in.rows*cpuOperCost*float64(len(x.Funcs))
		out := append([]string{}, names...)
		for range x.Funcs {
			out = append(out, "window")
		}
		return e, out
	case *ProjectSet:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.kids = []*exNode{in}
		e.typ = "ProjectSet"
		e.rows = in.rows * 10
		e.total = in.total + e.rows*cpuTupleCost
		out := make([]string, len(x.Exprs))
		for i, p := range x.Exprs {
			out[i] = ex.deparse(p, names)
		}
		return e, out
	case *LockRows:
		in, names := ex.walk(x.Input)
		in.parent = "Outer"
		e.kids = []*exNode{in}
		e.typ = "LockRows"
		e.rows, e.startup, e.total = in.rows, in.startup, in.total+in.rows*cpuTupleCost
		return e, names
	case *RecursiveUnion:
		base, names := ex.walk(x.Base)
		rec, _ := ex.walk(x.Recursive)
		base.parent, rec.parent = "Outer", "Inner"
		e.kids = []*exNode{base, rec}
		e.typ = "Recursive Union"
		e.rows = base.rows * 10
		e.total = base.total + 10*rec.total
		return e, names
	case *WorkTableScan:
		if x.Work.Write {
			return e, ex.explainCTEScan(e, x)
		}
		if x.Work.Plan != nil {
			names := ex.explainCTEScan(e, x)
			if k := ex.cteNodes[x.Work]; k != nil {
				e.rows = k.rows
				e.total = k.rows * cpuTupleCost
			}
			return e, names
		}
		e.typ, e.rows, e.total = "WorkTable Scan", 10, 10*cpuTupleCost
		names := make([]string, len(x.Work.Types))
		for i := range names {
			names[i] = fmt.Sprintf("column%d", i+1)
		}
		return e, names
	case *Insert, *Update, *Delete:
		return ex.modify(e, n)
	}
	e.typ = fmt.Sprintf("%T", n)
	return e, make([]string, len(n.Output()))
}

// scan fills e for a table scan with an optional filter above it.
func (ex *explainer) scan(e *exNode, s *Scan, filter Expr, names []string) {
	if ex.qualify && !ex.o.Verbose {
		// A scan's own quals name its columns bare unless VERBOSE
		// (show_scan_qual's useprefix); outer references stay qualified.
		ex.qualify = false
		names = ex.scanNames(s)
		ex.qualify = true
	}
	name := s.Table.Name()
	alias := s.Alias
	if alias == "" {
		alias = name
	}
	rel := " on " + quoteIdentIfNeeded(name)
	if alias != name {
		rel += " " + quoteIdentIfNeeded(alias)
	}
	base := float64(unknownRows)
	if ex.est != nil {
		if n := ex.est.EstimateRows(s.Table); n >= 0 {
			base = n
		}
	}
	width := widthOf(s.Types)
	pages := math.Max(1, math.Ceil(base*float64(width+24)/pageSize))
	e.typ, e.detail = "Seq Scan", rel
	e.width = scanWidth(s) // narrow.go
	e.json = [][2]any{{"Relation Name", name}, {"Alias", alias}}
	e.rows = base
	e.startup, e.total = 0, pages*seqPageCost+base*cpuTupleCost
	if s.Key != nil {
		e.typ = "Index Scan"
		if s.Key.IndexOnly {
			e.typ = "Index Only Scan"
		}
		if s.Key.Reverse {
			e.typ += " Backward"
		}
		idx := indexName(s.Table, s.Key.Index)
		e.detail = " using " + quoteIdentIfNeeded(idx) + rel
		dir := "Forward"
		if s.Key.Reverse {
			dir = "Backward"
		}
		e.json = [][2]any{{"Scan Direction", dir}, {"Index Name", idx}, {"Relation Name", name}, {"Alias", alias}}
		if cond := ex.keyCond(s, names); cond != "()" && cond != "" {
			// (none for a key read only for its order, below a LIMIT)
			e.props = append(e.props, [2]string{"Index Cond", cond})
		}
		e.rows = ex.card.scanRows(s, filter)
		e.startup = 0.29
		e.total = e.startup + randomPageCost*math.Max(1, math.Ceil(e.rows*float64(width+24)/pageSize)) + e.rows*cpuTupleCost
		if s.Key.IndexOnly {
			indexOnlyCost(e, s)
		}
	}
	if filter != nil && s.Key != nil && len(e.props) > 0 {
		// Conjuncts the index condition already states are not repeated
		// (our filter re-checks them, PostgreSQL's index does not).
		cond := e.props[len(e.props)-1][1]
		var rest []Expr
		for _, c := range conjuncts(filter) {
			if !strings.Contains(cond, ex.deparse(c, names)) {
				rest = append(rest, c)
			}
		}
		filter = andOf(rest)
	}
	if filter != nil {
		e.props = append(e.props, [2]string{"Filter", ex.deparse(filter, names)})
		if s.Key == nil {
			e.total += base * cpuOperCost * float64(len(conjuncts(filter)))
			e.rows = ex.card.scanRows(s, filter)
		}
	}
	if s.Key != nil && s.Key.IndexOnly && ex.o.Analyze {
		e.props = append(e.props, [2]string{"Heap Fetches", "0"})
	}
}

func rangeFactor(k *KeyLookup) float64 {
	switch {
	case k.In != nil:
		return float64(len(k.In)) * eqSel
	case k.InArray != nil:
		return anyArrayLen(k.InArray) * eqSel
	case k.Lower != nil || k.Upper != nil || k.Like != nil:
		return rangeSel
	}
	return 1
}

// keyCond renders a key lookup as PostgreSQL's Index Cond.
func (ex *explainer) keyCond(s *Scan, names []string) string {
	cols := keyColumns(s.Table, s.Key.Index)
	var parts []string
	for i, v := range s.Key.Values {
		parts = append(parts, fmt.Sprintf("(%s = %s)", names[cols[i]], ex.deparse(v, names)))
	}
	if len(s.Key.Values) < len(cols) {
		c := names[cols[len(s.Key.Values)]]
		for _, b := range s.Key.Lower {
			op := ">"
			if b.Inclusive {
				op = ">="
			}
			parts = append(parts, fmt.Sprintf("(%s %s %s)", c, op, ex.deparse(b.Value, names)))
		}
		for _, b := range s.Key.Upper {
			op := "<"
			if b.Inclusive {
				op = "<="
			}
			parts = append(parts, fmt.Sprintf("(%s %s %s)", c, op, ex.deparse(b.Value, names)))
		}
		if s.Key.In != nil {
			vals := make([]string, len(s.Key.In))
			for i, v := range s.Key.In {
				vals[i] = ex.deparse(v, names)
			}
			parts = append(parts, fmt.Sprintf("(%s = ANY ('{%s}'))", c, strings.Join(vals, ",")))
		}
		if s.Key.InArray != nil {
			parts = append(parts, fmt.Sprintf("(%s = ANY (%s))", c, ex.deparse(s.Key.InArray, names)))
		}
		for _, l := range s.Key.Like {
			parts = append(parts, fmt.Sprintf("(%s ~~ %s)", c, ex.deparse(l.Pattern, names)))
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

func keyColumns(t Table, index int) []int {
	kt, ok := t.(KeyedTable)
	if !ok {
		return nil
	}
	if index == 0 {
		return kt.PrimaryKey()
	}
	return kt.Indexes()[index-1].Columns
}

// indexName names a key lookup's index: the secondary index's name, or
// the primary key's (PostgreSQL's default `t_pkey` when the catalog
// does not say).
func indexName(t Table, index int) string {
	if index > 0 {
		if kt, ok := t.(KeyedTable); ok {
			return kt.Indexes()[index-1].Name
		}
	}
	if n, ok := t.(interface{ PrimaryKeyName() string }); ok && n.PrimaryKeyName() != "" {
		return n.PrimaryKeyName()
	}
	return t.Name() + "_pkey"
}

// join fills e for a join.
func (ex *explainer) join(e *exNode, j *Join) (*exNode, []string) {
	l, ln := ex.walk(j.Left)
	if j.Lateral {
		// The right side's outer references name the left side's columns
		// (an index nested loop prints `Index Cond: (id = s.k)`).
		ex.outer = append([][]string{ln}, ex.outer...)
	}
	r, rn := ex.walk(j.Right)
	if j.Lateral {
		ex.outer = ex.outer[1:]
	}
	names := append(append([]string{}, ln...), rn...)
	kind := map[JoinKind]string{InnerJoin: "Inner", LeftJoin: "Left", RightJoin: "Right", FullJoin: "Full", SemiJoin: "Semi", AntiJoin: "Anti"}[j.Kind]
	l.parent, r.parent = "Outer", "Inner"
	e.json = append(e.json, [2]any{"Join Type", kind}, [2]any{"Inner Unique", false})
	suffix := ""
	if j.Kind != InnerJoin {
		suffix = " " + kind
	}
	switch {
	case j.Merge && len(j.RightKeys) > 0:
		ex.explainMerge(e, j, l, r, ln, rn, suffix) // mergejoin.go
	case len(j.RightKeys) > 0:
		e.typ = "Hash" + suffix + " Join"
		conds := make([]string, len(j.LeftKeys))
		for i := range j.LeftKeys {
			conds[i] = fmt.Sprintf("(%s = %s)", ex.deparse(j.LeftKeys[i], ln), ex.deparse(j.RightKeys[i], rn))
		}
		cond := conds[0]
		if len(conds) > 1 {
			cond = "(" + strings.Join(conds, " AND ") + ")"
		}
		e.props = append(e.props, [2]string{"Hash Cond", cond})
		h := &exNode{typ: "Hash", parent: "Inner", kids: []*exNode{r}, rows: r.rows, width: r.width,
			startup: r.total, total: r.total}
		if st := ex.act[r.node]; st != nil {
			// The hash table holds what the inner side returned.
			h.derived = &NodeStats{Loops: st.Loops, Rows: st.Rows, First: st.Total, Total: st.Total}
		}
		ex.memProps(h, j, memHash)
		r.parent = "Outer"
		e.kids = []*exNode{l, h}
		e.startup = r.total + r.rows*cpuOperCost
		e.rows = ex.card.rows(j)
		e.total = e.startup + l.total + l.rows*cpuOperCost*float64(len(conds)) + e.rows*cpuTupleCost
	default:
		e.typ = "Nested Loop" + suffix + " Join"
		if j.Kind == InnerJoin {
			e.typ = "Nested Loop"
		}
		if w, ok := j.Right.(*WorkTableScan); j.Lateral || ok && w.Work.Plan != nil {
			// A CTE Scan reads a tuplestore already: PostgreSQL puts no
			// Materialize over it.
			e.kids = []*exNode{l, r}
		} else {
			m := &exNode{typ: "Materialize", parent: "Inner", kids: []*exNode{r}, rows: r.rows, width: r.width,
				startup: r.startup, total: r.total + r.rows*cpuOperCost}
			if st, rt := ex.act[j], ex.act[r.node]; st != nil && rt != nil && st.InnerLoops > 0 {
				m.derived = &NodeStats{Loops: st.InnerLoops, Rows: st.InnerRows, First: rt.First, Total: rt.Total}
			}
			r.parent = "Outer"
			e.kids = []*exNode{l, m}
		}
		e.rows = ex.card.rows(j)
		e.total = l.total + r.total + l.rows*r.rows*cpuOperCost + e.rows*cpuTupleCost
	}
	if j.Cond != nil {
		e.props = append(e.props, [2]string{"Join Filter", ex.deparse(j.Cond, names)})
		if st := ex.act[j]; st != nil && st.Loops > 0 && st.InnerLoops > 0 {
			n := math.Round(float64(st.JoinRemoved) / float64(st.Loops))
			e.props = append(e.props, [2]string{"Rows Removed by Join Filter", fmt.Sprintf("%.0f", n)})
		}
		ex.addSubplans(e, names, j.Cond)
	}
	if j.Kind == SemiJoin || j.Kind == AntiJoin {
		e.rows = math.Max(1, l.rows/2)
		return e, ln
	}
	return e, names
}

// modify fills e for INSERT, UPDATE or DELETE.
func (ex *explainer) modify(e *exNode, n Node) (*exNode, []string) {
	var t Table
	var in Node
	switch x := n.(type) {
	case *Insert:
		e.typ, t, in = "Insert", x.Table, x.Input
	case *Update:
		e.typ, t = "Update", x.Table
		if x.Source != nil {
			in = x.Source.Plan
		} else {
			in = &Filter{Input: &Scan{Table: x.Table, Types: exprTypes(x.Set), Key: x.Key}, Cond: x.Where}
			if x.Where == nil {
				in = in.(*Filter).Input
			}
		}
	case *Delete:
		e.typ, t = "Delete", x.Table
		if x.Source != nil {
			in = x.Source.Plan
		} else {
			cols := make([]*types.T, len(x.Table.Columns()))
			for i, c := range x.Table.Columns() {
				cols[i] = c.Type
			}
			in = &Filter{Input: &Scan{Table: x.Table, Types: cols, Key: x.Key}, Cond: x.Where}
			if x.Where == nil {
				in = in.(*Filter).Input
			}
		}
	}
	e.detail = " on " + quoteIdentIfNeeded(t.Name())
	e.json = [][2]any{{"Operation", e.typ}, {"Relation Name", t.Name()}, {"Alias", t.Name()}}
	e.typ = "ModifyTable"
	k, _ := ex.walk(in)
	k.parent = "Outer"
	if dmlSourceOf(n) == nil {
		if _, ok := n.(*Insert); !ok {
			k.noActual = true
		}
	}
	e.kids = []*exNode{k}
	e.width = 0
	e.startup, e.total, e.rows = k.startup, k.total+k.rows*cpuTupleCost, 0
	return e, nil
}

// displayType is the name EXPLAIN prints for e's node: ModifyTable shows
// its operation.
func (e *exNode) displayType() string {
	if e.typ == "ModifyTable" {
		for _, kv := range e.json {
			if kv[0] == "Operation" {
				return kv[1].(string)
			}
		}
	}
	return e.typ
}

// addSubplans numbers the subqueries in es and hangs their plans under e.
func (ex *explainer) addSubplans(e *exNode, names []string, es ...Expr) {
	for _, x := range es {
		walkExprs(x, func(c Expr) {
			sp, ok := c.(*SubPlan)
			if !ok {
				return
			}
			if ex.shown[sp] {
				return
			}
			ex.shown[sp] = true
			no := ex.subplanNo(sp)
			// The subquery's outer references read the row named here.
			ex.outer = append([][]string{names}, ex.outer...)
			k, _ := ex.walk(sp.Plan)
			ex.outer = ex.outer[1:]
			if sp.Correlated {
				k.subName = fmt.Sprintf("SubPlan %d", no)
			} else {
				k.subName = fmt.Sprintf("InitPlan %d (returns $%d)", no, no-1)
			}
			k.parent = "SubPlan"
			e.kids = append(e.kids, k)
		})
	}
}

func walkExprs(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	_, _ = mapChildren(e, func(c Expr) (Expr, error) {
		walkExprs(c, f)
		return c, nil
	})
}

func (ex *explainer) subplanNo(sp *SubPlan) int {
	for i, s := range ex.subplans {
		if s == sp {
			return i + 1
		}
	}
	ex.subplans = append(ex.subplans, sp)
	return len(ex.subplans)
}

func (ex *explainer) scanNames(s *Scan) []string {
	alias := s.Alias
	if alias == "" {
		alias = s.Table.Name()
	}
	cols := s.Table.Columns()
	names := make([]string, len(s.Types))
	for i := range names {
		n := "key"
		if i < len(cols) {
			n = quoteIdentIfNeeded(cols[i].Name)
		}
		if ex.qualify {
			n = quoteIdentIfNeeded(alias) + "." + n
		}
		names[i] = n
	}
	return names
}

func (ex *explainer) aggName(a AggCall, names []string) string {
	if len(a.Args) == 0 {
		return a.Name + "(*)"
	}
	args := make([]string, len(a.Args))
	for i, x := range a.Args {
		args[i] = ex.deparse(x, names)
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	return a.Name + "(" + d + strings.Join(args, ", ") + ")"
}

// deparse prints a bound expression as PostgreSQL's EXPLAIN does (fully
// parenthesised operators, typed constants), names giving the input
// columns.
func (ex *explainer) deparse(e Expr, names []string) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *ColumnRef:
		if x.Idx < len(names) && names[x.Idx] != "" {
			return names[x.Idx]
		}
		return fmt.Sprintf("column%d", x.Idx+1)
	case *Const:
		return constText(x)
	case *Param:
		return fmt.Sprintf("$%d", x.Idx+1)
	case *OuterRef:
		if x.Level-1 < len(ex.outer) && x.Idx < len(ex.outer[x.Level-1]) {
			return ex.outer[x.Level-1][x.Idx]
		}
		return fmt.Sprintf("$%d", x.Idx)
	case *Cast:
		return "(" + ex.deparse(x.X, names) + ")::" + typeName(x.To)
	case *Call:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = ex.deparse(a, names)
		}
		if isOperator(x.Fn.Name) {
			if len(args) == 3 && isDefaultEscape(x.Args[2]) {
				// LIKE without ESCAPE: PostgreSQL's two-operand operator.
				args = args[:2]
			}
			if len(args) == 2 {
				return "(" + args[0] + " " + x.Fn.Name + " " + args[1] + ")"
			}
			if len(args) == 1 {
				return "(" + x.Fn.Name + " " + args[0] + ")"
			}
		}
		return x.Fn.Name + "(" + strings.Join(args, ", ") + ")"
	case *BoolExpr:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = ex.deparse(a, names)
		}
		switch x.Op {
		case And:
			return "(" + strings.Join(args, " AND ") + ")"
		case Or:
			return "(" + strings.Join(args, " OR ") + ")"
		}
		return "(NOT " + args[0] + ")"
	case *NullTest:
		if x.Not {
			return "(" + ex.deparse(x.X, names) + " IS NOT NULL)"
		}
		return "(" + ex.deparse(x.X, names) + " IS NULL)"
	case *NotDistinct:
		op := "IS NOT DISTINCT FROM"
		if x.Not {
			op = "IS DISTINCT FROM"
		}
		return "(" + ex.deparse(x.L, names) + " " + op + " " + ex.deparse(x.R, names) + ")"
	case *Coalesce:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = ex.deparse(a, names)
		}
		return "COALESCE(" + strings.Join(args, ", ") + ")"
	case *Case:
		var sb strings.Builder
		sb.WriteString("CASE")
		for _, w := range x.Whens {
			sb.WriteString(" WHEN " + ex.deparse(w.Cond, names) + " THEN " + ex.deparse(w.Result, names))
		}
		if x.Else != nil {
			sb.WriteString(" ELSE " + ex.deparse(x.Else, names))
		}
		sb.WriteString(" END")
		return sb.String()
	case *SubPlan:
		return fmt.Sprintf("(SubPlan %d)", ex.subplanNo(x))
	case *ScalarArrayOp:
		return ex.deparseArrayOp(x, names)
	}
	return "?"
}

// isDefaultEscape reports whether a LIKE's escape operand is the
// default backslash.
func isDefaultEscape(e Expr) bool {
	c, ok := e.(*Const)
	return ok && c.Val == `\`
}

func isOperator(name string) bool {
	for _, r := range name {
		if unicode.IsLetter(r) || r == '_' {
			return false
		}
	}
	return name != ""
}

// constText prints a constant as PostgreSQL's deparser does: integers and
// numerics bare, everything else as a quoted literal with its type.
func constText(c *Const) string {
	if c.Val == nil {
		return "NULL::" + typeName(c.T)
	}
	txt := string(types.AppendText(nil, c.T, c.Val, nil))
	switch c.T.OID {
	case types.OidInt4:
		if !strings.HasPrefix(txt, "-") {
			return txt
		}
	case types.OidNumeric:
		if !strings.HasPrefix(txt, "-") && txt != "NaN" {
			return txt
		}
	case types.OidBool:
		return txt
	}
	return "'" + strings.ReplaceAll(txt, "'", "''") + "'::" + typeName(c.T)
}

// typeName is the SQL name EXPLAIN prints for a type.
func typeName(t *types.T) string {
	switch t.OID {
	case types.OidInt2:
		return "smallint"
	case types.OidInt4:
		return "integer"
	case types.OidInt8:
		return "bigint"
	case types.OidFloat4:
		return "real"
	case types.OidFloat8:
		return "double precision"
	case types.OidVarchar:
		return "character varying"
	case types.OidBpchar:
		return "bpchar"
	case types.OidBool:
		return "boolean"
	case types.OidTimestamp:
		return "timestamp without time zone"
	case types.OidTimestampTZ:
		return "timestamp with time zone"
	}
	if t.Elem != nil && t.Name != "" && t.Name[0] == '_' {
		// an array type: its element type's name with []
		return typeName(t.Elem) + "[]"
	}
	return t.Name
}

func quoteIdentIfNeeded(s string) string {
	ok := s != ""
	for i, r := range s {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// widthOf estimates a row's average width in bytes as PostgreSQL does
// without statistics: fixed-width types their size, others 32.
func widthOf(ts []*types.T) int {
	w := 0
	for _, t := range ts {
		switch t.OID {
		case types.OidBool:
			w++
		case types.OidInt2:
			w += 2
		case types.OidInt4, types.OidDate, types.OidFloat4, types.OidOid:
			w += 4
		case types.OidInt8, types.OidFloat8, types.OidTimestamp, types.OidTimestampTZ, types.OidTime:
			w += 8
		case types.OidUUID, types.OidInterval:
			w += 16
		default:
			w += 32
		}
	}
	return w
}

// filterSel is the assumed selectivity of a filter.
func filterSel(e Expr) float64 {
	s := 1.0
	for _, c := range conjuncts(e) {
		s *= conjunctSel(c)
	}
	return s
}

// text appends e's lines: its head at column col (after an arrow unless
// it is the root), its properties and children six columns further in
// (two for the root), a subplan's label where its parent's properties
// are and the subplan two columns further.
func (ex *explainer) text(e *exNode, col int, arrow bool, lines *[]string) {
	head := strings.Repeat(" ", col)
	inner := col + 2
	if arrow {
		head += "->  "
		inner = col + 6
	}
	head += e.displayType() + e.detail
	if ex.o.Costs {
		rows := math.Max(1, math.Round(e.rows))
		if e.typ == "ModifyTable" || e.typ == "Result" && e.rows == 0 {
			rows = 0 // (a Result of a dummy relation, see walk's *Filter)
		}
		head += fmt.Sprintf("  (cost=%.2f..%.2f rows=%.0f width=%d)", e.startup, e.total, rows, e.width)
	}
	if ex.o.Analyze && !e.noActual {
		head += " " + ex.actual(e)
	}
	*lines = append(*lines, head)
	for _, p := range e.props {
		*lines = append(*lines, strings.Repeat(" ", inner)+p[0]+": "+p[1])
	}
	for _, k := range e.kids {
		if k.subName != "" {
			*lines = append(*lines, strings.Repeat(" ", inner)+k.subName)
			ex.text(k, inner+2, true, lines)
			continue
		}
		ex.text(k, inner, true, lines)
	}
}

// actual renders the measurements of e's node.
func (ex *explainer) actual(e *exNode) string {
	st := ex.act[e.node]
	if e.derived != nil {
		st = e.derived
	}
	if st == nil || st.Loops == 0 {
		return "(never executed)"
	}
	// Rows per loop rounded, as PostgreSQL prints them (%.0f).
	rows := math.Round(float64(st.Rows) / float64(st.Loops))
	if !ex.o.Timing {
		return fmt.Sprintf("(actual rows=%.0f loops=%d)", rows, st.Loops)
	}
	return fmt.Sprintf("(actual time=%.3f..%.3f rows=%.0f loops=%d)",
		ms(st.First)/float64(st.Loops), ms(st.Total)/float64(st.Loops), rows, st.Loops)
}

// jsonDoc renders the plan as FORMAT JSON does.
func (ex *explainer) jsonDoc(root *exNode) string {
	top := orderedMap{{"Plan", ex.jsonNode(root)}}
	if ex.o.Summary {
		top = append(top, kv{"Planning Time", round3(ms(ex.o.Planning))})
	}
	if ex.o.Analyze {
		top = append(top, kv{"Triggers", []any{}})
		if ex.o.Summary {
			top = append(top, kv{"Execution Time", round3(ms(ex.o.Execution))})
		}
	}
	b, _ := json.MarshalIndent([]any{top}, "", "  ")
	return string(b)
}

// jsonType is the JSON "Node Type" of e: the text format's name without
// the strategy or join type, which JSON gives as keys of their own.
func jsonType(e *exNode) string {
	switch t := e.typ; {
	case t == "HashAggregate" || t == "MixedAggregate":
		return "Aggregate"
	case strings.HasPrefix(t, "Hash ") && strings.HasSuffix(t, " Join"):
		return "Hash Join"
	case strings.HasPrefix(t, "Nested Loop"):
		return "Nested Loop"
	case t == "Index Scan Backward":
		return "Index Scan"
	case t == "Index Only Scan Backward":
		return "Index Only Scan"
	default:
		return t
	}
}

func (ex *explainer) jsonNode(e *exNode) orderedMap {
	m := orderedMap{{"Node Type", jsonType(e)}}
	for _, p := range e.json[:min(len(e.json), 1)] {
		if p[0] == "Operation" {
			m = append(m, kv{"Operation", p[1]})
		}
	}
	if e.parent != "" {
		m = append(m, kv{"Parent Relationship", e.parent})
	}
	if e.subName != "" {
		m = append(m, kv{"Subplan Name", e.subName})
	}
	m = append(m, kv{"Parallel Aware", false}, kv{"Async Capable", false})
	for _, p := range e.json {
		if p[0] != "Operation" {
			m = append(m, kv{p[0].(string), p[1]})
		}
	}
	if ex.o.Costs {
		m = append(m, kv{"Startup Cost", round2(e.startup)}, kv{"Total Cost", round2(e.total)},
			kv{"Plan Rows", math.Max(1, math.Round(e.rows))}, kv{"Plan Width", e.width})
	}
	if ex.o.Analyze {
		st := ex.act[e.node]
		if e.derived != nil {
			st = e.derived
		}
		if st == nil || st.Loops == 0 {
			m = append(m, kv{"Actual Loops", 0})
		} else {
			if ex.o.Timing {
				m = append(m, kv{"Actual Startup Time", round3(ms(st.First) / float64(st.Loops))},
					kv{"Actual Total Time", round3(ms(st.Total) / float64(st.Loops))})
			}
			m = append(m, kv{"Actual Rows", st.Rows / st.Loops}, kv{"Actual Loops", st.Loops})
		}
	}
	for _, p := range e.props {
		key := p[0]
		if key == "Group Key" || key == "Sort Key" || key == "Hash Key" {
			m = append(m, kv{key, strings.Split(p[1], ", ")})
			continue
		}
		if key == "Rows Removed by Filter" || key == "Rows Removed by Join Filter" {
			n, _ := strconv.ParseInt(p[1], 10, 64)
			m = append(m, kv{key, n})
			continue
		}
		m = append(m, kv{key, p[1]})
	}
	for _, p := range e.jprops {
		m = append(m, kv{p[0].(string), p[1]})
	}
	if len(e.kids) > 0 {
		var kids []any
		for _, k := range e.kids {
			kids = append(kids, ex.jsonNode(k))
		}
		m = append(m, kv{"Plans", kids})
	}
	return m
}

func round2(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'f', 2, 64)) }
func round3(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'f', 3, 64)) }

type kv struct {
	k string
	v any
}

// orderedMap is a JSON object that keeps its keys in order, as
// PostgreSQL's EXPLAIN output does.
type orderedMap []kv

// MarshalJSON implements json.Marshaler.
func (m orderedMap) MarshalJSON() ([]byte, error) {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, p := range m {
		if i > 0 {
			sb.WriteByte(',')
		}
		k, _ := json.Marshal(p.k)
		v, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		sb.Write(k)
		sb.WriteByte(':')
		sb.Write(v)
	}
	sb.WriteByte('}')
	return []byte(sb.String()), nil
}

// rowsRemoved adds EXPLAIN ANALYZE's "Rows Removed by Filter" to a scan
// drawn with its filter f: the rows the scan read less those the filter
// passed, per loop.
func (ex *explainer) rowsRemoved(e *exNode, s *Scan, f *Filter) {
	read, kept := ex.act[s], ex.act[f]
	if read == nil || kept == nil || kept.Loops == 0 {
		return
	}
	n := math.Round(float64(read.Rows-kept.Rows) / float64(kept.Loops))
	e.props = addRowsRemoved(e.props, fmt.Sprintf("%.0f", n))
}
