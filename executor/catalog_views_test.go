package executor

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitRegclassName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"t", []string{"t"}}, {"T", []string{"t"}}, {"public.T", []string{"public", "t"}},
		{`"My T"`, []string{"My T"}}, {`s."a.b"`, []string{"s", "a.b"}}, {`"x""y"`, []string{`x"y`}},
		{"a.b.c", []string{"a", "b", "c"}}, {"", nil}, {".t", nil}, {"t.", nil}, {`"t`, nil}, {`"t"x`, nil},
	} {
		if got := splitRegclassName(c.in); !slices.Equal(got, c.want) {
			t.Errorf("splitRegclassName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzSplitRegclassName checks that splitting never panics and that the
// parts, quoted again and joined, split back to themselves.
func FuzzSplitRegclassName(f *testing.F) {
	for _, s := range []string{"t", "public.T", `"My T"`, `s."a.b"`, `"x""y"`, "", ".", `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := splitRegclassName(s)
		if parts == nil {
			return
		}
		q := make([]string, len(parts))
		for i, p := range parts {
			q[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
		}
		if again := splitRegclassName(strings.Join(q, ".")); !slices.Equal(again, parts) {
			t.Fatalf("%q -> %q -> %q", s, parts, again)
		}
	})
}
