package crashtest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParsePgbench(t *testing.T) {
	for _, tc := range []struct {
		file string
		want PgbenchResult
		err  error
	}{
		// Outputs of pgbench 15.18 against nqdb (the numbers are pgbench's
		// own, read from its output by eye, not from ParsePgbench).
		{"pgbench15-select-only.txt", PgbenchResult{Processed: 10694, Failed: 0, TPS: 10711.255833, LatencyMS: 0.187}, nil},
		{"pgbench15-tpcb-t50.txt", PgbenchResult{Processed: 100, Failed: 0, TPS: 159.526525, LatencyMS: 12.537}, nil},
		// An aborted run prints no failed and tps lines.
		{"pgbench15-aborted.txt", PgbenchResult{}, ErrNoSummary},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParsePgbench(string(b))
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if tc.err == nil && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzParsePgbench: no panic on any output, and a parsed result printed
// the way pgbench prints it parses back to the same values.
func FuzzParsePgbench(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pgbench15-*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("number of transactions actually processed: 1/2\nnumber of failed transactions: 1 (50.000%)\ntps = 1e3 (x)\n")
	f.Fuzz(func(t *testing.T, out string) {
		r, err := ParsePgbench(out)
		if err != nil {
			return
		}
		if r.TPS != r.TPS || r.LatencyMS != r.LatencyMS {
			return // NaN never equals itself; "NaN" is valid ParseFloat input
		}
		back, err := ParsePgbench(r.String())
		if err != nil {
			t.Fatalf("%+v printed as %q does not parse: %v", r, r.String(), err)
		}
		if back != r {
			t.Fatalf("round trip %+v -> %+v", r, back)
		}
	})
}
