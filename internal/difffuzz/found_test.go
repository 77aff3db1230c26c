package difffuzz

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// foundCase is one repro of testdata/found.sql: a name, set-up statements
// and the query whose answers differ.
type foundCase struct {
	name  string
	setup []string
	query string
}

// readFound splits found.sql into its cases: each starts at a
// "-- name: ..." line; other comment lines are notes; statements end with a
// semicolon at the end of a line; the last statement is the query.
func readFound(path string) ([]foundCase, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []foundCase
	var stmts []string
	var cur strings.Builder
	flush := func() {
		if len(out) > 0 && len(stmts) > 0 {
			c := &out[len(out)-1]
			c.setup, c.query = stmts[:len(stmts)-1], stmts[len(stmts)-1]
		}
		stmts = nil
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "-- name: "); ok {
			flush()
			out = append(out, foundCase{name: strings.TrimSpace(name)})
			continue
		}
		if strings.HasPrefix(line, "--") || strings.TrimSpace(line) == "" {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		} else {
			cur.WriteByte('\n')
		}
	}
	flush()
	return out, sc.Err()
}

// TestFound replays the repros in testdata/found.sql against both servers
// and logs, for each, whether nqdb still differs from PostgreSQL. It fails
// only when a repro no longer reproduces on PostgreSQL's side (a broken
// file) or, with DIFFFUZZ_FOUND_STRICT=1, when any repro still differs.
func TestFound(t *testing.T) {
	cases, err := readFound(filepath.Join("testdata", "found.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/found.sql")
	}
	f := targets(t)
	ctx := context.Background()
	strict := os.Getenv("DIFFFUZZ_FOUND_STRICT") != ""
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, tg := range []*Target{f.PG, f.NQ} {
				tg.Exec(ctx, "DROP TABLE IF EXISTS t0, t1, t2, t3")
				for _, s := range c.setup {
					if r := tg.Exec(ctx, s); r.Failed() && tg == f.PG {
						t.Fatalf("set-up fails on PostgreSQL: %s: %s", s, r.Describe())
					}
				}
			}
			pg, nq := f.PG.Exec(ctx, c.query), f.NQ.Exec(ctx, c.query)
			class := compareDirect(pg, nq, strings.Contains(c.query, " ORDER BY "))
			if class == "" {
				t.Logf("agrees with PostgreSQL now: %s", c.query)
				return
			}
			msg := "still differs (" + class + "): " + c.query + "\n  PostgreSQL: " + pg.Describe() + "\n  nqdb: " + nq.Describe()
			if strict {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		})
	}
}
