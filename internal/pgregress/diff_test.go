package pgregress

import (
	"strings"
	"testing"
)

func lines(s string) []string { return SplitLines(s) }

func TestDiffMatched(t *testing.T) {
	for _, c := range []struct {
		want, got string
		matched   int
	}{
		{"", "", 0},
		{"a\nb\nc\n", "a\nb\nc\n", 3},
		{"a\nb\nc\n", "", 0},
		{"", "a\nb\n", 0},
		{"a\nb\nc\n", "a\nc\n", 2},
		{"a\nb\nc\n", "a\nx\nb\nc\n", 3},
		{"a\nb\nc\nd\n", "b\na\nd\nc\n", 2},
		// the classic LCS example: ABCBDAB / BDCABA has LCS length 4
		{"A\nB\nC\nB\nD\nA\nB\n", "B\nD\nC\nA\nB\nA\n", 4},
		{"x\na\nb\ny\n", "z\na\nb\nw\n", 2},
		{"a\na\na\n", "a\na\n", 2},
	} {
		ops := Diff(lines(c.want), lines(c.got))
		if m := Matched(ops); m != c.matched {
			t.Errorf("Diff(%q, %q) matched %d, want %d", c.want, c.got, m, c.matched)
		}
		checkScript(t, lines(c.want), lines(c.got), ops)
	}
}

// checkScript verifies that the edit script rebuilds both sides.
func checkScript(t *testing.T, want, got []string, ops []Op) {
	t.Helper()
	var a, b []string
	for _, op := range ops {
		if op.Kind != OpInsert {
			a = append(a, op.Line)
		}
		if op.Kind != OpDelete {
			b = append(b, op.Line)
		}
	}
	if strings.Join(a, "\n") != strings.Join(want, "\n") || len(a) != len(want) {
		t.Fatalf("edit script does not rebuild the expected side: %q vs %q", a, want)
	}
	if strings.Join(b, "\n") != strings.Join(got, "\n") || len(b) != len(got) {
		t.Fatalf("edit script does not rebuild the actual side: %q vs %q", b, got)
	}
}

func TestUnified(t *testing.T) {
	want := lines("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n")
	got := lines("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n")
	u := Unified(Diff(want, got), 3)
	exp := "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n" +
		"@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n"
	if u != exp {
		t.Errorf("Unified:\n%s\nwant:\n%s", u, exp)
	}
	if u := Unified(Diff(want, want), 3); u != "" {
		t.Errorf("Unified of equal inputs = %q, want empty", u)
	}
	// Changes closer than 2*ctx share one hunk.
	got2 := lines("x\n2\n3\n4\n5\n6\ny\n8\n9\n10\n11\n12\n")
	if u := Unified(Diff(want, got2), 3); strings.Count(u, "@@ -") != 1 || !strings.HasPrefix(u, "@@ -1,10 +1,10 @@\n") {
		t.Errorf("Unified merged hunk:\n%s", u)
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	rs := []Result{{"int8", 920, 929}, {"boolean", 559, 559}}
	b, err := ParseBaseline(strings.NewReader(FormatBaseline(rs)))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 2 || b["int8"] != 920 || b["boolean"] != 559 {
		t.Errorf("round trip: %v", b)
	}
	for _, bad := range []string{"x\n", "x y\n", "x -1\n", "x 1\nx 2\n", "a 1 2 3\n"} {
		if _, err := ParseBaseline(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseBaseline(%q) succeeded", bad)
		}
	}
	if r := (Result{Total: 0}).Pct(); r != 100 {
		t.Errorf("Pct of an empty file = %v", r)
	}
}

// FuzzDiff checks that Diff's edit script rebuilds both inputs, that the
// matched count is a common subsequence no longer than either side, and
// that Unified and ParseBaseline do not panic.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("A\nB\nC\nB\nD\nA\nB\n", "B\nD\nC\nA\nB\nA\n")
	f.Add("", "x\n")
	f.Add("boolean 539 559\n# c\n", "x")
	f.Fuzz(func(t *testing.T, want, got string) {
		w, g := lines(want), lines(got)
		if len(w) > 400 || len(g) > 400 {
			return
		}
		ops := Diff(w, g)
		checkScript(t, w, g, ops)
		m := Matched(ops)
		if m > len(w) || m > len(g) {
			t.Fatalf("matched %d exceeds the inputs (%d, %d)", m, len(w), len(g))
		}
		if rev := Matched(Diff(g, w)); rev != m {
			t.Fatalf("LCS length not symmetric: %d vs %d", m, rev)
		}
		_ = Unified(ops, 3)
		_, _ = ParseBaseline(strings.NewReader(want))
	})
}

func BenchmarkDiff(b *testing.B) {
	var w, g []string
	for i := 0; i < 1500; i++ {
		w = append(w, strings.Repeat("x", i%7)+string(rune('a'+i%26)))
		if i%50 != 0 {
			g = append(g, w[i])
		} else {
			g = append(g, "changed")
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Diff(w, g)
	}
}
