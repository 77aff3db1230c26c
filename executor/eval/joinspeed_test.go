package eval_test

import (
	"testing"
)

// joinBenchSetup makes the tables of BenchmarkHashJoinInt: 20,000 rows
// joined on an integer key to 2,000, as TPC-H joins lineitem to part.
func joinBenchSetup(tb testing.TB) func(sql string) dmlOutcome {
	s := newTestSession(tb)
	run := func(sql string) dmlOutcome {
		o := runSession(s, sql, nil)
		if o.code != "" {
			tb.Fatalf("%s: %s %s", sql, o.code, o.msg)
		}
		return o
	}
	run("CREATE TABLE f (k int4, v numeric(15,2), t text)")
	run("CREATE TABLE d (k int4 PRIMARY KEY, name text)")
	run("INSERT INTO d SELECT g, 'name' || g FROM generate_series(1, 2000) g")
	run("INSERT INTO f SELECT g % 2500, g / 100.0, 'x' || (g % 7) FROM generate_series(1, 20000) g")
	return run
}

// TestHashJoinIntKeys checks the integer-key hash join (one key, int on
// both sides, and two keys) against the same joins written so that they
// take the text keys (a cast to text on both sides).
func TestHashJoinIntKeys(t *testing.T) {
	run := joinBenchSetup(t)
	for _, q := range [][2]string{
		{"SELECT count(*), sum(v) FROM f JOIN d ON f.k = d.k",
			"SELECT count(*), sum(v) FROM f JOIN d ON f.k::text = d.k::text"},
		{"SELECT count(*), sum(v) FROM f JOIN d ON f.k = d.k::int8 AND f.t = 'x' || (d.k % 7)",
			"SELECT count(*), sum(v) FROM f JOIN d ON f.k::text = d.k::text AND f.t = 'x' || (d.k % 7)"},
		{"SELECT count(*) FROM f LEFT JOIN d ON f.k = d.k WHERE d.k IS NULL",
			"SELECT count(*) FROM f LEFT JOIN d ON f.k::text = d.k::text WHERE d.k IS NULL"},
		{"SELECT count(*) FROM f WHERE EXISTS (SELECT 1 FROM d WHERE d.k = f.k)",
			"SELECT count(*) FROM f WHERE EXISTS (SELECT 1 FROM d WHERE d.k::text = f.k::text)"},
		// Hashed IN: NULLs in the list, NULL on the left, no rows.
		{"SELECT count(*), count(k IN (SELECT k FROM d WHERE k < 50)), count(*) FILTER (WHERE k IN (SELECT k FROM d WHERE k < 50)) FROM f",
			"SELECT count(*), count(k::text IN (SELECT k::text FROM d WHERE k < 50)), count(*) FILTER (WHERE k::text IN (SELECT k::text FROM d WHERE k < 50)) FROM f"},
		{"SELECT count(*), count(k IN (SELECT CASE WHEN k > 10 THEN k END FROM d WHERE k < 50)), count(*) FILTER (WHERE k IN (SELECT CASE WHEN k > 10 THEN k END FROM d WHERE k < 50)) FROM f",
			"SELECT count(*), count(k::text IN (SELECT CASE WHEN k > 10 THEN k END::text FROM d WHERE k < 50)), count(*) FILTER (WHERE k::text IN (SELECT CASE WHEN k > 10 THEN k END::text FROM d WHERE k < 50)) FROM f"},
		{"SELECT count(*), count(NULLIF(k, 7) IN (SELECT k FROM d WHERE k < 50)), count(*) FILTER (WHERE NULLIF(k, 7) NOT IN (SELECT k FROM d WHERE k < 50)) FROM f",
			"SELECT count(*), count(NULLIF(k, 7)::text IN (SELECT k::text FROM d WHERE k < 50)), count(*) FILTER (WHERE NULLIF(k, 7)::text NOT IN (SELECT k::text FROM d WHERE k < 50)) FROM f"},
		{"SELECT count(*), count(k IN (SELECT k FROM d WHERE k < 0)), count(*) FILTER (WHERE k IN (SELECT k FROM d WHERE k < 0)) FROM f",
			"SELECT count(*), count(k::text IN (SELECT k::text FROM d WHERE k < 0)), count(*) FILTER (WHERE k::text IN (SELECT k::text FROM d WHERE k < 0)) FROM f"},
		{"SELECT k, count(*) FROM f GROUP BY k ORDER BY 2 DESC, 1 LIMIT 3",
			"SELECT k::text::int4, count(*) FROM f GROUP BY k::text ORDER BY 2 DESC, 1 LIMIT 3"},
	} {
		got, want := run(q[0]), run(q[1])
		if len(got.rows) == 0 || len(got.rows) != len(want.rows) {
			t.Fatalf("%s: %v, want %v", q[0], got.rows, want.rows)
		}
		for i := range got.rows {
			for j := range got.rows[i] {
				if got.rows[i][j] != want.rows[i][j] {
					t.Fatalf("%s: %v, want %v", q[0], got.rows, want.rows)
				}
			}
		}
	}
}

// BenchmarkHashJoinInt is a hash join on one integer key and an
// aggregate over it.
func BenchmarkHashJoinInt(b *testing.B) {
	run := joinBenchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		run("SELECT count(*), sum(v) FROM f JOIN d ON f.k = d.k")
	}
}
