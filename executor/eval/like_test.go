package eval

import (
	"testing"
	"unicode/utf8"
)

// likeCases are matched by both matchers; want is PostgreSQL's answer.
var likeCases = []struct {
	s, p string
	want bool
}{
	{"special requests", "%special%requests%", true},
	{"requests special", "%special%requests%", false},
	{"xspecialyrequestsz", "%special%requests%", true},
	{"forest green", "forest%", true},
	{"a forest", "forest%", false},
	{"LARGE BRASS", "%BRASS", true},
	{"BRASS LARGE", "%BRASS", false},
	{"abab", "%ab%ab", true},
	{"aba", "%ab%ab", false},
	{"", "%", true},
	{"", "", true},
	{"a", "", false},
	{"abc", "abc", true},
	{"abc", "a%%c", true},
	{"ac", "a%c%", true},
	{"aXbXc", "a%b%c", true},
	{"éclair", "é%r", true},
	{"abc", "a_c", true},
	{"a_c", `a\_c`, true},
	{"abc", `a\_c`, false},
}

func TestLikeMatchers(t *testing.T) {
	for _, c := range likeCases {
		got, err := likeMatch(c.s, c.p, '\\')
		if err != nil || got != c.want {
			t.Errorf("%q LIKE %q = %v, %v; want %v", c.s, c.p, got, err, c.want)
		}
		slow, err := likeRunes(c.s, c.p, '\\')
		if err != nil || slow != c.want {
			t.Errorf("likeRunes(%q, %q) = %v, %v; want %v", c.s, c.p, slow, err, c.want)
		}
	}
}

// FuzzLikeSegments checks that the fast matcher agrees with the general
// one wherever it answers.
func FuzzLikeSegments(f *testing.F) {
	for _, c := range likeCases {
		f.Add(c.s, c.p)
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		if !utf8.ValidString(s) || !utf8.ValidString(p) {
			return // text in the database is valid UTF-8
		}
		fast, ok := likeSegments(s, p, '\\')
		if !ok {
			return
		}
		slow, err := likeRunes(s, p, '\\')
		if err != nil || fast != slow {
			t.Fatalf("%q LIKE %q: segments %v, runes %v (%v)", s, p, fast, slow, err)
		}
	})
}

func BenchmarkLikeContains(b *testing.B) {
	s := "furiously regular accounts haggle carefully; special deposits sleep fluffily after the requests"
	for _, m := range []struct {
		name string
		f    func(s, p string, esc rune) (bool, error)
	}{{"segments", likeMatch}, {"runes", likeRunes}} {
		b.Run(m.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = m.f(s, "%special%requests%", '\\')
			}
		})
	}
}
