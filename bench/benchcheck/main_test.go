package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	// The testdata files are benchstat's own CSV output
	// (golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da) for two
	// synthetic runs: Foo 20% slower; Bar 17% faster but allocating twice
	// the bytes and 20% more throughput; Gone only in the baseline.
	cases := []struct {
		file      string
		threshold float64
		want      []regression
		compared  int
	}{
		{"regressions.csv", 10, []regression{{"Foo-2", "sec/op", 18.63}, {"Bar/x=1-2", "B/op", 100}}, 7},
		{"regressions.csv", 50, []regression{{"Bar/x=1-2", "B/op", 100}}, 7},
		{"regressions.csv", 200, nil, 7},
		{"same.csv", 10, nil, 8},
	}
	for _, c := range cases {
		f, err := os.Open(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		got, compared, err := check(f, c.threshold)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if !reflect.DeepEqual(got, c.want) || compared != c.compared {
			t.Errorf("%s at %g%%: got %v (%d compared), want %v (%d)", c.file, c.threshold, got, compared, c.want, c.compared)
		}
	}
}

func TestCheckRates(t *testing.T) {
	// Throughput units regress when they fall.
	in := ",a,,b,,,\n,B/s,CI,B/s,CI,vs base,P\nX-2,5e+07,0%,4e+07,0%,-20.00%,p=0.002 n=6\nY-2,5e+07,0%,6e+07,0%,+20.00%,p=0.002 n=6\n"
	got, _, err := check(strings.NewReader(in), 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []regression{{"X-2", "B/s", -20}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, _, err := check(strings.NewReader(",a,,b,,,\n,sec/op,CI,sec/op,CI,vs base,P\nX-2,1,0%,2,0%,lots,p=0\n"), 10); err == nil {
		t.Fatal("a delta that is not a percentage: want an error")
	}
}

// FuzzCheck feeds arbitrary text as benchstat output: no panics, and
// every flagged change is beyond the threshold in the bad direction.
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"regressions.csv", "same.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		regs, _, err := check(strings.NewReader(s), 10)
		if err != nil {
			return
		}
		for _, r := range regs {
			if lowerIsBetter(r.Unit) && !(r.Delta > 10) || !lowerIsBetter(r.Unit) && !(r.Delta < -10) {
				t.Fatalf("flagged %v", r)
			}
		}
	})
}
