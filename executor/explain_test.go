package executor_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// explainScript reads testdata/explain/queries.sql: setup statements
// (ending in ';'), a blank line, then one query per line.
func explainScript(t *testing.T) (setup, queries []string) {
	f, err := os.Open("testdata/explain/queries.sql")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inQueries := false
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(l, "--"):
		case l == "":
			inQueries = len(setup) > 0
		case inQueries:
			queries = append(queries, l)
		default:
			setup = append(setup, strings.TrimSuffix(l, ";"))
		}
	}
	return setup, queries
}

// pgNodeTypes is PostgreSQL's vocabulary of plan nodes that ours may use.
var pgNodeTypes = map[string]bool{
	"Seq Scan": true, "Index Scan": true, "Index Only Scan": true, "Bitmap Heap Scan": true,
	"Hash Join": true, "Hash": true, "Nested Loop": true, "Merge Join": true, "Materialize": true,
	"Aggregate": true, "Sort": true, "Limit": true, "Append": true, "Result": true, "Values Scan": true,
	"WindowAgg": true, "ProjectSet": true, "LockRows": true, "Recursive Union": true,
	"WorkTable Scan": true, "ModifyTable": true, "Unique": true, "Subquery Scan": true,
}

// Keys every node of PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON) has.
var pgNodeKeys = []string{"Node Type", "Parallel Aware", "Async Capable", "Startup Cost", "Total Cost",
	"Plan Rows", "Plan Width", "Actual Startup Time", "Actual Total Time", "Actual Rows", "Actual Loops"}

var (
	headLine = regexp.MustCompile(`^( *->  )?[A-Z][A-Za-z ]+( (on|using) .+)?  \(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\) \((actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=\d+ loops=\d+|never executed)\)$`)
	propLine = regexp.MustCompile(`^ +[A-Z][A-Za-z ]+: .+$`)
	subLine  = regexp.MustCompile(`^ +(SubPlan \d+|InitPlan \d+ \(returns \$\d+\))$`)
	timeLine = regexp.MustCompile(`^(Planning|Execution) Time: \d+\.\d{3} ms$`)
)

// TestExplainStructure runs EXPLAIN ANALYZE in both formats on nqdb and
// PostgreSQL: every text line must have one of PostgreSQL's line shapes,
// the JSON document PostgreSQL's keys at the top and in every node, node
// types from PostgreSQL's vocabulary, and the root's actual row count
// must equal PostgreSQL's (the plans may differ; the answer may not).
func TestExplainStructure(t *testing.T) {
	ctx := context.Background()
	// A PostgreSQL of its own: this test binary has no TestMain to stop
	// the shared one.
	pg, err := pgoracle.Start()
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer pg.Stop()
	pgc, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer pgc.Close(ctx)
	_, addr := testserver.Start(t, server.Config{})
	nq := connect(t, addr.String())
	setup, queries := explainScript(t)
	for _, c := range []*pgx.Conn{pgc, nq} {
		for _, tbl := range []string{"cust", "nation", "region", "sales"} {
			if _, err := c.Exec(ctx, "drop table if exists "+tbl); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range setup {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			var lines []string
			rows, err := nq.Query(ctx, "explain analyze "+q, pgx.QueryExecModeSimpleProtocol)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var l string
				if err := rows.Scan(&l); err != nil {
					t.Fatal(err)
				}
				lines = append(lines, l)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for i, l := range lines {
				ok := headLine.MatchString(l) || propLine.MatchString(l) || subLine.MatchString(l) || timeLine.MatchString(l)
				if i == 0 && !headLine.MatchString(l) || !ok {
					t.Errorf("line %d has no PostgreSQL shape: %q\n%s", i+1, l, strings.Join(lines, "\n"))
				}
			}
			ours := explainJSON(t, nq, q)
			theirs := explainJSON(t, pgc, q)
			if got, want := topKeys(ours), topKeys(theirs); got != want {
				t.Errorf("top-level keys %s, PostgreSQL has %s", got, want)
			}
			checkNodes(t, ours["Plan"].(map[string]any))
			if got, want := ours["Plan"].(map[string]any)["Actual Rows"], theirs["Plan"].(map[string]any)["Actual Rows"]; got != want {
				t.Errorf("root returned %v rows, PostgreSQL %v", got, want)
			}
		})
	}
}

func explainJSON(t *testing.T, c *pgx.Conn, q string) map[string]any {
	t.Helper()
	var doc string
	if err := c.QueryRow(context.Background(), "explain (analyze, format json) "+q, pgx.QueryExecModeSimpleProtocol).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	var v []map[string]any
	if err := json.Unmarshal([]byte(doc), &v); err != nil || len(v) != 1 {
		t.Fatalf("not PostgreSQL's JSON shape (%v): %s", err, doc)
	}
	return v[0]
}

func topKeys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(sortStrings(ks), ",")
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func checkNodes(t *testing.T, n map[string]any) {
	t.Helper()
	typ, _ := n["Node Type"].(string)
	if !pgNodeTypes[typ] {
		t.Errorf("node type %q is not one of PostgreSQL's", typ)
	}
	for _, k := range pgNodeKeys {
		if _, ok := n[k]; !ok && !(strings.HasPrefix(k, "Actual ") && n["Actual Loops"] == 0.0) {
			t.Errorf("%s node lacks %q", typ, k)
		}
	}
	if kids, ok := n["Plans"].([]any); ok {
		for _, k := range kids {
			kn := k.(map[string]any)
			if _, ok := kn["Parent Relationship"]; !ok {
				t.Errorf("child of %s lacks \"Parent Relationship\"", typ)
			}
			checkNodes(t, kn)
		}
	}
}
