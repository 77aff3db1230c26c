package eval

import (
	"strings"
	"testing"
)

// parseIdentCases are checked against PostgreSQL 15's answers (psql:
// SELECT parse_ident(...)).
var parseIdentCases = []struct {
	in     string
	strict bool
	want   string // parts joined by "|", or "ERR"
}{
	{"customers", true, "customers"},
	{"sales.orders", true, "sales|orders"},
	{`Sales."Order Lines"`, true, "sales|Order Lines"},
	{` a . "b""c" `, true, `a|b"c`},
	{"a.b.c", true, "a|b|c"},
	{"a.", true, "ERR"},
	{".a", true, "ERR"},
	{`""`, true, "ERR"},
	{`"abc`, true, "ERR"},
	{"a b", true, "ERR"},
	{"a b", false, "a"},
	{"foo()", false, "foo"},
	{"1a", true, "ERR"},
}

func TestParseIdent(t *testing.T) {
	for _, c := range parseIdentCases {
		parts, err := ParseIdent(c.in, c.strict)
		got := strings.Join(parts, "|")
		if err != nil {
			got = "ERR"
		}
		if got != c.want {
			t.Errorf("parse_ident(%q, %v) = %q (%v), want %q", c.in, c.strict, got, err, c.want)
		}
	}
}

// FuzzParseIdent checks that parse_ident never panics and that quoting
// the parts it returns and joining them with dots gives the same parts.
func FuzzParseIdent(f *testing.F) {
	for _, c := range parseIdentCases {
		f.Add(c.in, c.strict)
	}
	f.Fuzz(func(t *testing.T, s string, strict bool) {
		parts, err := ParseIdent(s, strict)
		if err != nil {
			return
		}
		quoted := make([]string, len(parts))
		for i, p := range parts {
			quoted[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
		}
		again, err := ParseIdent(strings.Join(quoted, "."), true)
		if err != nil || strings.Join(again, "\x00") != strings.Join(parts, "\x00") {
			t.Fatalf("parse_ident(%q) = %q, but its quoted form gives %q (%v)", s, parts, again, err)
		}
	})
}
