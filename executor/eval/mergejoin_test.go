package eval_test

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor"
)

// mergeJoinQueries are joins the merge join rule takes once hash joins
// are off: every kind, extra conditions, several keys, key types.
var mergeJoinQueries = []string{
	"SELECT l.id, r.id FROM l JOIN r ON l.k = r.k",
	"SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k",
	"SELECT l.id, r.id FROM l FULL JOIN r ON l.k = r.k",
	"SELECT l.id, r.id FROM l JOIN r ON l.k = r.k AND l.id < r.id",
	"SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k AND l.t = r.t",
	"SELECT l.id, r.id FROM l FULL JOIN r ON l.k = r.k AND l.t <> r.t",
	"SELECT l.id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k)",
	"SELECT l.id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k)",
	"SELECT l.id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.t <> l.t)",
	"SELECT l.id, r.id FROM l JOIN r ON l.k = r.k AND l.t = r.t",
	"SELECT l.id, r.id FROM l FULL JOIN r ON l.t = r.t",
	"SELECT l.id, r.id FROM l FULL JOIN r ON l.id = r.id",
	"SELECT l.id, r.id, r2.id FROM l JOIN r ON l.k = r.k JOIN r r2 ON r2.k = l.k",
}

// mergeSession makes tables l and r filled from vals: each value is a
// key (0 = NULL), rows spread over both tables.
func mergeSession(tb testing.TB) (*executor.Session, func(sql string) dmlOutcome) {
	s := newTestSession(tb)
	run := func(sql string) dmlOutcome {
		o := runSession(s, sql, nil)
		if o.code != "" {
			tb.Fatalf("%s: %s %s", sql, o.code, o.msg)
		}
		return o
	}
	run("CREATE TABLE l (id int PRIMARY KEY, k int, t text)")
	run("CREATE TABLE r (id bigint PRIMARY KEY, k int, t text)")
	return s, run
}

func fillMerge(run func(string) dmlOutcome, lk, rk []byte) {
	run("DELETE FROM l")
	run("DELETE FROM r")
	ins := func(table string, ks []byte) {
		if len(ks) == 0 {
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s VALUES ", table)
		for i, k := range ks {
			if i > 0 {
				b.WriteString(", ")
			}
			key := "NULL"
			if k%8 != 0 {
				key = fmt.Sprint(k % 8)
			}
			fmt.Fprintf(&b, "(%d, %s, '%c')", i+1, key, 'a'+k%3)
		}
		run(b.String())
	}
	ins("l", lk)
	ins("r", rk)
}

// sortedRows renders a result as sorted lines (joins have no order).
func sortedRows(o dmlOutcome) []string {
	var out []string
	for _, r := range o.rows {
		out = append(out, fmt.Sprint(r))
	}
	sort.Strings(out)
	return out
}

// checkMergeAgainstHash runs each query with hash joins and with merge
// joins (enable_hashjoin off) and requires the same rows: two
// independent implementations of the same joins.
func checkMergeAgainstHash(tb testing.TB, run func(string) dmlOutcome) {
	for _, q := range mergeJoinQueries {
		run("SET enable_hashjoin = on")
		want := sortedRows(run(q))
		run("SET enable_hashjoin = off")
		plan := strings.Join(explainLines(run("EXPLAIN (COSTS OFF) "+q)), "\n")
		if !strings.Contains(plan, "Merge") {
			tb.Fatalf("%s: no merge join in\n%s", q, plan)
		}
		got := sortedRows(run(q))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			tb.Fatalf("%s:\nmerge %v\nhash  %v\nplan\n%s", q, got, want, plan)
		}
	}
	run("SET enable_hashjoin = on")
}

func explainLines(o dmlOutcome) []string {
	var out []string
	for _, r := range o.rows {
		out = append(out, strings.Join(r, " "))
	}
	return out
}

func TestMergeJoinMatchesHashJoin(t *testing.T) {
	_, run := mergeSession(t)
	rng := rand.New(rand.NewSource(1))
	cases := [][2][]byte{
		{nil, nil},
		{{1, 2, 3}, nil},
		{nil, {1, 2, 3}},
		{{0, 0, 1}, {0, 1, 1}},
		{{1, 1, 1}, {1, 1}},
		{{7, 6, 5, 4, 3, 2, 1}, {1, 3, 5, 7, 0}},
	}
	for i := 0; i < 6; i++ {
		l, r := make([]byte, rng.Intn(30)), make([]byte, rng.Intn(30))
		rng.Read(l)
		rng.Read(r)
		cases = append(cases, [2][]byte{l, r})
	}
	for _, c := range cases {
		fillMerge(run, c[0], c[1])
		checkMergeAgainstHash(t, run)
	}
}

// FuzzMergeJoin compares merge and hash joins over fuzzed key lists.
func FuzzMergeJoin(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{3, 2, 1})
	f.Add([]byte{0, 0, 1, 1}, []byte{1, 0, 1})
	f.Add([]byte{}, []byte{5})
	_, run := mergeSession(f)
	f.Fuzz(func(t *testing.T, l, r []byte) {
		if len(l) > 40 || len(r) > 40 {
			return
		}
		fillMerge(run, l, r)
		checkMergeAgainstHash(t, run)
	})
}

// BenchmarkMergeJoinPK joins two 20,000-row tables on their primary
// keys, which both scans deliver in order.
func BenchmarkMergeJoinPK(b *testing.B) {
	for _, mode := range []string{"on", "off"} {
		b.Run("hashjoin="+mode, func(b *testing.B) {
			_, run := mergeSession(b)
			run("INSERT INTO l SELECT g, g % 100, 'x' FROM generate_series(1, 20000) g")
			run("INSERT INTO r SELECT g, g % 100, 'y' FROM generate_series(1, 20000) g")
			run("SET enable_hashjoin = " + mode)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run("SELECT count(*) FROM l JOIN r ON l.id = r.id")
			}
		})
	}
}
