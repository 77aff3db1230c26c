package difffuzz

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Case is one check: a query (Kind "direct"), or a query and a predicate
// for the TLP and NoREC oracles, over a schema.
type Case struct {
	Kind   string // "direct", "tlp" or "norec"
	Schema *Schema
	Q      *Select
	P      *Node
}

// Statements returns the queries the case runs: for "direct" the query;
// for "tlp" the query and its three-way partition; for "norec" the counting
// query and its unoptimisable form.
func (c *Case) Statements() []string {
	switch c.Kind {
	case "tlp":
		return []string{c.Q.SQL(), c.tlpUnion()}
	case "norec":
		return []string{c.norecCount(), c.norecSum()}
	}
	return []string{c.Q.SQL()}
}

func (c *Case) tlpUnion() string {
	op := " UNION ALL "
	if c.Q.Distinct {
		op = " UNION "
	}
	parts := make([]string, 3)
	for i, format := range []string{"%s", "(NOT %s)", "((%s) IS NULL)"} {
		q := *c.Q
		p := mk(CBool, format, c.P)
		if q.Where != nil {
			p = mk(CBool, "(%s AND %s)", q.Where, p)
		}
		q.Where = p
		parts[i] = q.SQL()
	}
	return strings.Join(parts, op)
}

func (c *Case) norecCount() string {
	q := *c.Q
	q.Cols = []*Node{leaf(CInt, "count(*)")}
	q.Where = c.P
	return q.SQL()
}

func (c *Case) norecSum() string {
	q := *c.Q
	q.Cols = []*Node{mk(CInt, "sum(CASE WHEN %s THEN 1 ELSE 0 END)", c.P)}
	q.Where = nil
	return q.SQL()
}

// Finding is a failure, shrunk.
type Finding struct {
	Class string // what failed: "rows", "types", "error:PG/NQ", "crash", "hang", "tlp", "norec", "setup"
	Case  *Case
	PG    string // PostgreSQL's answer (direct cases)
	NQ    string // nqdb's answer (or, for tlp and norec, both of its answers)
	File  string // where Report was saved, if anywhere
}

// Report is the finding as a SQL script with the answers in comments.
func (f *Finding) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- difffuzz finding: %s (%s oracle)\n", f.Class, f.Case.Kind)
	b.WriteString(f.Case.Schema.usedSQL(f.Case))
	for _, s := range f.Case.Statements() {
		b.WriteString(s + ";\n")
	}
	if f.PG != "" {
		b.WriteString("-- PostgreSQL: " + strings.ReplaceAll(f.PG, "\n", "\n--   ") + "\n")
	}
	b.WriteString("-- nqdb: " + strings.ReplaceAll(f.NQ, "\n", "\n--   ") + "\n")
	return b.String()
}

// usedSQL is CreateSQL limited to the tables the case names.
func (s *Schema) usedSQL(c *Case) string {
	text := strings.Join(c.Statements(), "\n")
	var b strings.Builder
	for _, t := range s.Tables {
		if strings.Contains(text, t.Name+" AS ") {
			t.writeCreate(&b)
		}
	}
	return b.String()
}

// Fuzzer runs cases against PostgreSQL and nqdb.
type Fuzzer struct {
	PG, NQ *Target
	// Logf, when set, receives progress and findings.
	Logf func(format string, args ...any)
	// OutDir, when set, receives one file per finding.
	OutDir string
	// MaxShrinkProbes bounds the work spent shrinking one finding.
	MaxShrinkProbes int

	loaded *Schema // the schema both servers hold now
	dirty  bool    // the schema's rows or columns changed since loaded
	seen   map[string]bool
	// Stats counts what ran.
	Stats struct{ Schemas, Cases, Findings, Duplicates int }
}

func (f *Fuzzer) logf(format string, args ...any) {
	if f.Logf != nil {
		f.Logf(format, args...)
	}
}

// load creates s on both servers (dropping what was there). It returns a
// finding class when nqdb fails where PostgreSQL succeeds, and an error
// when PostgreSQL itself fails (a generator bug).
func (f *Fuzzer) load(ctx context.Context, s *Schema) (string, error) {
	drop := "DROP TABLE IF EXISTS t0, t1, t2, t3"
	create := s.CreateSQL()
	pg := f.PG.Exec(ctx, drop+";\n"+create)
	if pg.Failed() {
		return "", fmt.Errorf("schema fails on PostgreSQL: %s\n%s", pg.Describe(), create)
	}
	f.loaded, f.dirty = s, false
	nq := f.NQ.Exec(ctx, drop)
	if !nq.Failed() {
		for _, stmt := range strings.SplitAfter(strings.TrimSpace(create), ";\n") {
			if nq = f.NQ.Exec(ctx, stmt); nq.Failed() {
				break
			}
		}
	}
	if nq.Failed() {
		return "setup", nil
	}
	return "", nil
}

// probe runs c and returns its failure class, "" when it passes (or when
// PostgreSQL gives no usable answer), with both answers.
func (f *Fuzzer) probe(ctx context.Context, c *Case) (class, pgAns, nqAns string) {
	if f.loaded != c.Schema || f.dirty {
		cl, err := f.load(ctx, c.Schema)
		if err != nil {
			return "", "", ""
		}
		if cl != "" {
			return cl, "ok", "schema failed"
		}
	}
	switch c.Kind {
	case "tlp", "norec":
		st := c.Statements()
		a, b := f.NQ.Exec(ctx, st[0]), f.NQ.Exec(ctx, st[1])
		desc := "first: " + a.Describe() + "\nsecond: " + b.Describe()
		switch {
		case a.Lost || b.Lost:
			return "crash", "", desc
		case a.Timeout || b.Timeout:
			return "hang", "", desc
		case a.Failed() || b.Failed():
			// Either may legitimately fail where the other does not
			// (the predicate is evaluated on other rows).
			return "", "", ""
		}
		if c.Kind == "norec" {
			if norecValue(a) != norecValue(b) {
				return "norec", "", desc
			}
			return "", "", ""
		}
		if !sameRows(a, b, false) {
			return "tlp", "", desc
		}
		return "", "", ""
	}
	q := c.Q.SQL()
	pg := f.PG.Exec(ctx, q)
	nq := f.NQ.Exec(ctx, q)
	class = compareDirect(pg, nq, c.Q.Ordered())
	if class == "" {
		return "", "", ""
	}
	pgAns, nqAns = pg.Describe(), nq.Describe()
	if class == "types" {
		pgAns, nqAns = fmt.Sprintf("types %v; %s", pg.OIDs, pgAns), fmt.Sprintf("types %v; %s", nq.OIDs, nqAns)
	}
	return class, pgAns, nqAns
}

// compareDirect classifies nqdb's answer against PostgreSQL's: "" when
// they agree (or PostgreSQL gave none), else "crash", "hang",
// "error:PG/NQ" (SQLSTATEs, "ok" for none), "rows" or "types".
func compareDirect(pg, nq *Result, ordered bool) string {
	switch {
	case pg.Timeout || pg.Lost || pg.Code == "57014" || pg.Code == "54001":
		return ""
	case nq.Lost:
		return "crash"
	case nq.Timeout || nq.Code == "57014":
		return "hang"
	case pg.Code != nq.Code:
		return "error:" + orOK(pg.Code) + "/" + orOK(nq.Code)
	case pg.Code != "":
		return ""
	case !sameRows(pg, nq, ordered):
		return "rows"
	case !equalOIDs(pg.OIDs, nq.OIDs):
		return "types"
	}
	return ""
}

func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}

func equalOIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// norecValue is the single value of a count or sum: an empty sum (NULL)
// counts nothing.
func norecValue(r *Result) string {
	if len(r.Rows) != 1 || len(r.Rows[0]) != 1 || r.Rows[0][0] == nil {
		return "0"
	}
	return *r.Rows[0][0]
}

// Check runs c; on failure it shrinks c and returns the finding (nil when c
// passes or the finding duplicates an earlier one).
func (f *Fuzzer) Check(ctx context.Context, c *Case) *Finding {
	f.Stats.Cases++
	class, pgAns, nqAns := f.probe(ctx, c)
	if class == "" {
		return nil
	}
	f.logf("failure %s; shrinking:\n%s", class, strings.Join(c.Statements(), ";\n"))
	c = f.Shrink(ctx, c, class)
	_, pgAns2, nqAns2 := f.probe(ctx, c)
	if nqAns2 != "" {
		pgAns, nqAns = pgAns2, nqAns2
	}
	fd := &Finding{Class: class, Case: c, PG: pgAns, NQ: nqAns}
	sig := signature(fd)
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[sig] {
		f.Stats.Duplicates++
		f.logf("duplicate of an earlier finding (%s)", sig)
		return nil
	}
	f.seen[sig] = true
	f.Stats.Findings++
	if f.OutDir != "" {
		if err := os.MkdirAll(f.OutDir, 0o755); err == nil {
			name := filepath.Join(f.OutDir, fmt.Sprintf("finding-%s-%03d.sql", time.Now().Format("20060102-150405"), f.Stats.Findings))
			if os.WriteFile(name, []byte(fd.Report()), 0o644) == nil {
				fd.File = name
			}
		}
	}
	return fd
}

var (
	sigLiterals = regexp.MustCompile(`'[^']*'|\b\d+(\.\d+)?\b`)
	sigAliases  = regexp.MustCompile(`\ba\d+\b`)
	sigTables   = regexp.MustCompile(`\bt\d\b`)
	sigCols     = regexp.MustCompile(`\bc\d\b`)
)

// signature identifies a finding for de-duplication: the class and, for
// errors, nqdb's message without its numbers and quoted values; otherwise
// the shrunk statements with literals and names replaced.
func signature(fd *Finding) string {
	if strings.HasPrefix(fd.Class, "error:") || fd.Class == "crash" || fd.Class == "setup" {
		msg := fd.NQ
		if i := strings.Index(msg, "\n"); i >= 0 {
			msg = msg[:i]
		}
		if strings.HasSuffix(fd.Class, "/ok") {
			msg = fd.PG
			if i := strings.Index(msg, "\n"); i >= 0 {
				msg = msg[:i]
			}
		}
		return fd.Class + " " + sigLiterals.ReplaceAllString(msg, "?")
	}
	text := strings.Join(fd.Case.Statements(), ";")
	text = sigLiterals.ReplaceAllString(text, "?")
	text = sigAliases.ReplaceAllString(text, "a")
	text = sigTables.ReplaceAllString(text, "t")
	text = sigCols.ReplaceAllString(text, "c")
	return fd.Class + " " + text
}

// GenCase makes a random case over the schema g last made: mostly direct
// comparisons, some TLP and NoREC checks.
func (g *Gen) GenCase() *Case {
	c := &Case{Kind: "direct", Schema: g.schema}
	switch n := g.pick(10); {
	case n < 7:
		c.Q = g.GenQuery()
	case n < 9:
		c.Kind = "tlp"
		c.Q, c.P = g.genPartition(true)
	default:
		c.Kind = "norec"
		c.Q, c.P = g.genPartition(false)
	}
	return c
}

// genPartition makes a plain (ungrouped) query and a predicate over its
// FROM list: with cols for TLP, without (the oracle supplies them) for
// NoREC.
func (g *Gen) genPartition(cols bool) (*Select, *Node) {
	s := &Select{Limit: -1}
	var sc *scope
	s.From, sc = g.fromList(3, nil)
	if cols {
		for range 1 + g.pick(3) {
			s.Cols = append(s.Cols, g.expr(Cat(g.pick(int(nCats))), 2, sc))
		}
		s.Distinct = g.chance(25)
		if g.chance(30) {
			s.Where = g.expr(CBool, 2, sc)
		}
	}
	return s, g.expr(CBool, 3, sc)
}

// Run generates schemas and cases until n schemas are done (each with
// perSchema cases) or ctx ends, and returns the findings.
func (f *Fuzzer) Run(ctx context.Context, g *Gen, schemas, perSchema int) ([]*Finding, error) {
	var out []*Finding
	for i := 0; schemas <= 0 || i < schemas; i++ {
		if ctx.Err() != nil {
			break
		}
		s := g.GenSchema()
		g.UseSchema(s)
		f.Stats.Schemas++
		cl, err := f.load(ctx, s)
		if err != nil {
			return out, err
		}
		if cl != "" {
			c := &Case{Kind: "direct", Schema: s, Q: &Select{Cols: []*Node{leaf(CInt, "1")}, Limit: -1}}
			out = append(out, &Finding{Class: "setup", Case: c, NQ: "creating the schema failed"})
			continue
		}
		for range perSchema {
			if ctx.Err() != nil {
				break
			}
			// A case, once started, runs to its end: a deadline must not
			// turn a half-shrunk case into a "crash".
			if fd := f.Check(context.WithoutCancel(ctx), g.GenCase()); fd != nil {
				f.logf("FINDING %s\n%s", fd.Class, fd.Report())
				out = append(out, fd)
			}
		}
	}
	return out, nil
}
