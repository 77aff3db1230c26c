package eval_test

import (
	"fmt"
	"testing"
)

// TestLimitFramesOracle runs testdata/limit_frames.txt on PostgreSQL and
// here (extended protocol, so parameters in LIMIT and frame offsets are
// covered too).
func TestLimitFramesOracle(t *testing.T) {
	conn := oracle(t)
	for _, c := range loadCorpus(t, "testdata/limit_frames.txt") {
		want := runPG(t, conn, c.sql, c.declared, c.params)
		got := runOurs(t, c.sql, c.declared, c.params, nil)
		if !sameResult(want, got) {
			t.Errorf("line %d: %s\n  pg:   %v\n  ours: %v", c.line, c.sql, want, got)
		}
	}
}

// BenchmarkWindowRangeOffset measures a RANGE offset frame (binary search
// per row) and a running ROWS frame over 10,000 rows.
func BenchmarkWindowRangeOffset(b *testing.B) {
	for _, q := range []string{
		"SELECT sum(g) OVER (ORDER BY g RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING) FROM generate_series(1, 10000) g",
		"SELECT sum(g) OVER (ORDER BY g ROWS UNBOUNDED PRECEDING) FROM generate_series(1, 10000) g",
		"SELECT g FROM generate_series(1, 10000) g ORDER BY g / 100 FETCH FIRST 5 ROWS WITH TIES",
	} {
		b.Run(fmt.Sprint(len(q)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				runOurs(b, q, nil, nil, nil)
			}
		})
	}
}
