package eval_test

import (
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestFunctionCorpus runs testdata/functions*.txt (built-in functions and
// aggregates, one statement per line, in exprs.txt's format) on
// PostgreSQL 15 and on nqdb and requires the same names, types and values
// or the same error.
func TestFunctionCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/functions*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	conn := oracle(t)
	for _, file := range files {
		runCorpusFile(t, conn, file)
	}
}

// TestSyntaxCorpus runs testdata/syntax.txt: PostgreSQL syntax that
// sql/parser rewrites for the TiDB grammar (EXTRACT, SUBSTRING, JSON
// operators, AT TIME ZONE, SIMILAR TO, aggregate FILTER / ORDER BY /
// WITHIN GROUP, VALUES in FROM), compared with PostgreSQL 15.
func TestSyntaxCorpus(t *testing.T) {
	runCorpusFile(t, oracle(t), filepath.Join("testdata", "syntax.txt"))
}

// runCorpusFile compares every case of one corpus file.
func runCorpusFile(t *testing.T, conn *pgconn.PgConn, file string) {
	cases := loadCorpus(t, file)
	fails := 0
	for _, c := range cases {
		want := runPG(t, conn, c.sql, c.declared, c.params)
		got := runOurs(t, c.sql, c.declared, c.params, nil)
		if c.onlyTypes {
			want.rows, got.rows = nil, nil
		}
		switch {
		case sameResult(want, got):
		case c.known:
			t.Logf("%s:%d known difference: %s\n  pg:   %v\n  ours: %v", file, c.line, c.sql, want, got)
		default:
			fails++
			t.Errorf("%s:%d: %s\n  pg:   %v\n  ours: %v", file, c.line, c.sql, want, got)
		}
	}
	t.Logf("%s: %d cases, %d failures", file, len(cases), fails)
}
