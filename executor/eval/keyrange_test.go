package eval

import (
	"testing"
	"unicode/utf8"
)

func TestLikePrefixRange(t *testing.T) {
	for _, c := range []struct {
		pattern, escape string
		lo, hi          string
		exact, ok       bool
	}{
		{pattern: "ab%", escape: `\`, lo: "ab", hi: "ac", ok: true},
		{pattern: "ab_c%", escape: `\`, lo: "ab", hi: "ac", ok: true},
		{pattern: `a\%b%`, escape: `\`, lo: "a%b", hi: "a%c", ok: true},
		{pattern: `a\%b%`, escape: "", lo: `a\`, hi: "a]", ok: true},
		{pattern: "a#_%", escape: "#", lo: "a_", hi: "a`", ok: true},
		{pattern: "abc", escape: `\`, lo: "abc", exact: true, ok: true},
		{pattern: `ab\`, escape: `\`, lo: "ab", exact: true, ok: true},
		{pattern: "", escape: `\`, lo: "", exact: true, ok: true},
		{pattern: "%ab", escape: `\`},
		{pattern: "_", escape: `\`},
		{pattern: "ab%", escape: "xy"},
		{pattern: "é%", escape: `\`, lo: "é", hi: "\xc3\xaa", ok: true},
	} {
		lo, hi, exact, ok := LikePrefixRange(c.pattern, c.escape, false)
		if lo != c.lo || hi != c.hi || exact != c.exact || ok != c.ok {
			t.Errorf("LikePrefixRange(%q, %q) = %q, %q, %v, %v; want %q, %q, %v, %v", c.pattern, c.escape,
				lo, hi, exact, ok, c.lo, c.hi, c.exact, c.ok)
		}
	}
}

// FuzzLikePrefixRange checks that every string a LIKE pattern matches
// lies in the range LikePrefixRange gives for it: the lookup's bounds may
// be loose, never too tight.
func FuzzLikePrefixRange(f *testing.F) {
	for _, s := range [][3]string{
		{"abc", "ab%", `\`}, {"ab", `ab\`, `\`}, {"a%b", `a\%b%`, `\`}, {"a_", "a#_%", "#"},
		{"", "", `\`}, {"é", "é%", `\`}, {"\xff\xff", "\xff%", ""}, {"xyz", "%y%", `\`},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, s, pattern, escape string) {
		if !utf8.ValidString(s) || !utf8.ValidString(pattern) || !utf8.ValidString(escape) {
			// Text in the database is valid UTF-8; LIKE compares runes,
			// under which invalid bytes all read as U+FFFD.
			return
		}
		lo, hi, exact, ok := LikePrefixRange(pattern, escape, false)
		if !ok || utf8.RuneCountInString(escape) > 1 {
			return
		}
		esc := rune(-1)
		if escape != "" {
			esc, _ = utf8.DecodeRuneInString(escape)
		}
		m, err := likeMatch(s, pattern, esc)
		if err != nil || !m {
			return
		}
		switch {
		case exact && s != lo:
			t.Fatalf("%q LIKE %q (escape %q) matches, but the exact range is %q", s, pattern, escape, lo)
		case !exact && (s < lo || (hi != "" && s >= hi)):
			t.Fatalf("%q LIKE %q (escape %q) matches, outside [%q, %q)", s, pattern, escape, lo, hi)
		}
	})
}

func BenchmarkLikePrefixRange(b *testing.B) {
	for i := 0; i < b.N; i++ {
		LikePrefixRange("customer#0001%", `\`, false)
	}
}
