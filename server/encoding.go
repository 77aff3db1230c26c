package server

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// checkUTF8 returns nil for valid UTF-8 without NUL bytes, else
// PostgreSQL's error naming the offending bytes, e.g.
// `invalid byte sequence for encoding "UTF8": 0xc3 0x28`.
func checkUTF8(s string) *pgerror.Error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x00")
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		// Show as many bytes as the lead byte announces, as PostgreSQL does.
		n := 1
		switch {
		case c >= 0xF0 && c < 0xF8:
			n = 4
		case c >= 0xE0:
			n = 3
		case c >= 0xC0:
			n = 2
		}
		if i+n > len(s) {
			n = len(s) - i
		}
		parts := make([]string, n)
		for j := 0; j < n; j++ {
			parts[j] = fmt.Sprintf("0x%02x", s[i+j])
		}
		return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", strings.Join(parts, " "))
	}
	return nil
}
