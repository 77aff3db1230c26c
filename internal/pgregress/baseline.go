package pgregress

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Result is how one script's output compares with its expected file.
type Result struct {
	Name    string // script name without .sql
	Matched int    // lines of the expected output in the longest common subsequence
	Total   int    // lines of the expected output
}

// Pct is the matched share of the expected lines in percent (100 for an
// empty expected file).
func (r Result) Pct() float64 {
	if r.Total == 0 {
		return 100
	}
	return 100 * float64(r.Matched) / float64(r.Total)
}

// ParseBaseline reads a baseline file: one "name matched [total]" line per
// script; blank lines and lines starting with # are ignored. The total is
// informational.
func ParseBaseline(r io.Reader) (map[string]int, error) {
	out := map[string]int{}
	sc := bufio.NewScanner(r)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("baseline line %d: want \"name matched [total]\", got %q", ln, line)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("baseline line %d: bad matched count %q", ln, f[1])
		}
		if _, dup := out[f[0]]; dup {
			return nil, fmt.Errorf("baseline line %d: %s listed twice", ln, f[0])
		}
		out[f[0]] = n
	}
	return out, sc.Err()
}

// FormatBaseline writes results as a baseline file, sorted by name.
func FormatBaseline(results []Result) string {
	rs := append([]Result(nil), results...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
	var sb strings.Builder
	sb.WriteString("# pg_regress scripts: lines of expected/NAME.out that nqdb's output matches (LCS over lines).\n")
	sb.WriteString("# TestPgRegress fails when a script falls below its number here.\n")
	sb.WriteString("# Rewrite with: NQDB_PGREGRESS_UPDATE=1 go test -run TestPgRegress ./internal/pgregress\n")
	sb.WriteString("# name matched total\n")
	for _, r := range rs {
		fmt.Fprintf(&sb, "%s %d %d\n", r.Name, r.Matched, r.Total)
	}
	return sb.String()
}

// FormatReport renders results as a table with a total row; base (may be
// nil) adds the baseline column.
func FormatReport(results []Result, base map[string]int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-16s %8s %8s %7s %9s\n", "file", "matched", "total", "pct", "baseline")
	var m, t int
	for _, r := range results {
		b := "-"
		if n, ok := base[r.Name]; ok {
			b = strconv.Itoa(n)
		}
		fmt.Fprintf(&sb, "%-16s %8d %8d %6.1f%% %9s\n", r.Name, r.Matched, r.Total, r.Pct(), b)
		m += r.Matched
		t += r.Total
	}
	all := Result{Name: "TOTAL", Matched: m, Total: t}
	fmt.Fprintf(&sb, "%-16s %8d %8d %6.1f%%\n", all.Name, all.Matched, all.Total, all.Pct())
	return sb.String()
}
