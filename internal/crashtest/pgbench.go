package crashtest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PgbenchResult is what a pgbench run's summary reports.
type PgbenchResult struct {
	Processed int64   // "number of transactions actually processed: N"
	Failed    int64   // "number of failed transactions: N (p%)"
	TPS       float64 // "tps = X (without initial connection time)"
	LatencyMS float64 // "latency average = X ms"
}

// ErrNoSummary is returned by ParsePgbench when the output lacks the lines
// every finished run prints (pgbench aborted, or it is not pgbench output).
var ErrNoSummary = errors.New("pgbench output has no summary (processed, failed and tps lines)")

// ParsePgbench reads the summary of pgbench 15's output. All three of
// processed, failed and tps must be present; latency is optional.
func ParsePgbench(out string) (PgbenchResult, error) {
	var r PgbenchResult
	var seen int
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "number of transactions actually processed:"):
			// "N" or "N/M" when a transaction count was given.
			v := strings.TrimSpace(strings.TrimPrefix(line, "number of transactions actually processed:"))
			v, _, _ = strings.Cut(v, "/")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return r, fmt.Errorf("pgbench processed line %q: %w", line, err)
			}
			r.Processed, seen = n, seen|1
		case strings.HasPrefix(line, "number of failed transactions:"):
			v := strings.TrimSpace(strings.TrimPrefix(line, "number of failed transactions:"))
			v, _, _ = strings.Cut(v, " ")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return r, fmt.Errorf("pgbench failed line %q: %w", line, err)
			}
			r.Failed, seen = n, seen|2
		case strings.HasPrefix(line, "tps = "):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "tps = "), " ")
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return r, fmt.Errorf("pgbench tps line %q: %w", line, err)
			}
			r.TPS, seen = f, seen|4
		case strings.HasPrefix(line, "latency average = "):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "latency average = "), " ")
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				r.LatencyMS = f
			}
		}
	}
	if seen != 7 {
		return r, ErrNoSummary
	}
	return r, nil
}

// String formats r the way pgbench prints it (ParsePgbench reads it back).
func (r PgbenchResult) String() string {
	pct := 0.0
	if r.Processed+r.Failed > 0 {
		pct = 100 * float64(r.Failed) / float64(r.Processed+r.Failed)
	}
	return fmt.Sprintf("number of transactions actually processed: %d\nnumber of failed transactions: %d (%.3f%%)\n"+
		"latency average = %s ms\ntps = %s (without initial connection time)\n",
		r.Processed, r.Failed, pct, strconv.FormatFloat(r.LatencyMS, 'g', -1, 64), strconv.FormatFloat(r.TPS, 'g', -1, 64))
}
