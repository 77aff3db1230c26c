package planner

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// likeRegexp translates LIKE pattern p (escape `\` when esc) to an
// anchored regular expression: the reference likeMatches is checked
// against.
func likeRegexp(p string, esc bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	r := []rune(p)
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '%':
			b.WriteString(`.*`)
		case c == '_':
			b.WriteString(`.`)
		case c == '\\' && esc && i+1 < len(r):
			i++
			b.WriteString(regexp.QuoteMeta(string(r[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

var likeCases = []struct {
	s, p string
	want bool
}{
	{"special requests", "%special%requests%", true},
	{"a special note with requests 40", "%special%requests%", true},
	{"requests special", "%special%requests%", false},
	{"note 15", "note _5%", true},
	{"note 5", "note _5%", false},
	{"abc", "abc", true},
	{"abc", "ab", false},
	{"", "%", true},
	{"", "_", false},
	{"a%b", `a\%b`, true},
	{"axb", `a\%b`, false},
	{"héllo", "h_llo", true},
	{"aaa", "%a%a%a%", true},
	{"aa", "%a%a%a%", false},
}

// TestLikeMatches: the estimator's LIKE matcher agrees with the
// regular-expression reference.
func TestLikeMatches(t *testing.T) {
	for _, c := range likeCases {
		if got := likeMatches(c.s, c.p, true); got != c.want {
			t.Errorf("%q LIKE %q: got %v, want %v", c.s, c.p, got, c.want)
		}
		if ref := likeRegexp(c.p, true).MatchString(c.s); ref != c.want {
			t.Errorf("reference: %q LIKE %q: got %v, want %v", c.s, c.p, ref, c.want)
		}
	}
}

// TestLikePatternSel: PostgreSQL's like_selectivity figures.
func TestLikePatternSel(t *testing.T) {
	for _, c := range []struct {
		p    string
		want float64
	}{
		{"%special%requests%", math.Min(math.Pow(0.2, 15)*5*5, 1)},
		{"%", 1},
		{"abc%", 1},
		{"ab_c", 0.2},
		{"%a_", 0.2 * 0.9},
		{`%\%`, 0.2},
		{"%a%", 1},
	} {
		if got := likePatternSel(c.p, true); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%q: got %v, want %v", c.p, got, c.want)
		}
	}
	if p, rest := likeFixedPrefix(`ab\%c_d`, true); p != "ab%c" || !rest {
		t.Errorf("fixed prefix: got %q %v", p, rest)
	}
	if p, rest := likeFixedPrefix("plain", true); p != "plain" || rest {
		t.Errorf("fixed prefix: got %q %v", p, rest)
	}
}

// FuzzLikeMatches checks the estimator's matcher against the regular
// expression reference (and that neither panics).
func FuzzLikeMatches(f *testing.F) {
	for _, c := range likeCases {
		f.Add(c.s, c.p)
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		if len(s) > 64 || len(p) > 32 || !utf8Valid(s) || !utf8Valid(p) {
			return
		}
		got := likeMatches(s, p, true)
		if want := likeRegexp(p, true).MatchString(s); got != want {
			t.Fatalf("%q LIKE %q: got %v, want %v", s, p, got, want)
		}
		_ = likePatternSel(p, true)
		_, _ = likeFixedPrefix(p, true)
		_ = likeEscape(p)
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
