// Command benchcheck reads benchstat's CSV comparison of a baseline with
// a new run (`benchstat -format csv old new`) on standard input, prints
// every benchmark that got worse by more than -threshold percent, and
// exits with status 1 if there is one. `make benchmark-compare` runs it.
//
// Only changes benchstat calls significant count: it prints "~" for a
// difference that is likely noise, and those are never flagged. Worse
// means larger for per-operation units (sec/op, B/op, allocs/op and any
// custom x/op) and smaller for rates (B/s, x/s).
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// regression is one benchmark that got worse.
type regression struct {
	Name  string  // benchmark name as benchstat prints it (with -GOMAXPROCS)
	Unit  string  // sec/op, B/op, allocs/op, B/s, ...
	Delta float64 // the change in percent, signed as benchstat prints it
}

func (r regression) String() string {
	return fmt.Sprintf("%s %s %+.2f%%", r.Name, r.Unit, r.Delta)
}

// lowerIsBetter tells which direction of change is a regression.
func lowerIsBetter(unit string) bool {
	return !strings.HasSuffix(unit, "/s")
}

// check parses benchstat's CSV output and returns the significant
// changes for the worse larger than threshold percent.
//
// The CSV holds one table per unit (and per package config), each
// started by a header row whose cells are ",unit,CI,unit,CI,vs base,P";
// data rows are "name,old,CI,new,CI,delta,p=... n=...", where delta is
// "+12.34%", "-5.00%" or "~". Rows of benchmarks missing on one side and
// the geomean row have no delta to judge.
func check(r io.Reader, threshold float64) ([]regression, int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // tables and warnings have different widths
	var regs []regression
	unit, compared := "", 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("benchstat csv: %w", err)
		}
		if len(rec) >= 6 && rec[0] == "" && rec[len(rec)-2] == "vs base" {
			unit = rec[1]
			continue
		}
		if len(rec) < 6 || rec[0] == "" || rec[0] == "geomean" || unit == "" {
			continue
		}
		d := strings.TrimSpace(rec[5])
		if d == "" {
			continue
		}
		compared++
		if d == "~" {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(d, "%"), 64)
		if err != nil || !strings.HasSuffix(d, "%") {
			return nil, 0, fmt.Errorf("benchstat csv: %s %s: delta %q is not a percentage", rec[0], unit, d)
		}
		worse := pct > threshold
		if !lowerIsBetter(unit) {
			worse = pct < -threshold
		}
		if worse {
			regs = append(regs, regression{Name: rec[0], Unit: unit, Delta: pct})
		}
	}
	return regs, compared, nil
}

func main() {
	threshold := flag.Float64("threshold", 10, "flag significant changes for the worse above this many percent")
	flag.Parse()
	regs, compared, err := check(os.Stdin, *threshold)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcheck:", err)
		os.Exit(2)
	}
	if compared == 0 {
		fmt.Fprintln(os.Stderr, "benchcheck: no benchmark is in both runs (is the baseline from this code base?)")
		os.Exit(2)
	}
	if len(regs) == 0 {
		fmt.Printf("benchcheck: %d comparisons, no regression over %g%%\n", compared, *threshold)
		return
	}
	fmt.Printf("benchcheck: %d of %d comparisons regressed over %g%%:\n", len(regs), compared, *threshold)
	for _, r := range regs {
		fmt.Println("  REGRESSION", r)
	}
	os.Exit(1)
}
