package types

import (
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

const hexDigits = "0123456789abcdef"

// appendByteaHex writes bytea_output = hex: \x followed by lower-case hex.
func appendByteaHex(buf []byte, b []byte) []byte {
	buf = append(buf, '\\', 'x')
	for _, c := range b {
		buf = append(buf, hexDigits[c>>4], hexDigits[c&15])
	}
	return buf
}

// Unhex is the value of one hexadecimal digit (either case).
func Unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseBytea is byteain: "\x" hex (whitespace allowed between byte pairs)
// or the traditional escape format (\\ and \ooo octal escapes).
func parseBytea(s string) (Datum, error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := Unhex(c)
			if !ok {
				return nil, errHexDigit(s[i:])
			}
			i++
			if i >= len(s) {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := Unhex(s[i])
			if !ok {
				return nil, errHexDigit(s[i:])
			}
			i++
			out = append(out, hi<<4|lo)
		}
		return out, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && s[i+2] >= '0' && s[i+2] <= '7' && s[i+3] >= '0' && s[i+3] <= '7' {
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i += 2
			continue
		}
		return nil, pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type bytea")
	}
	return out, nil
}

// errHexDigit reports the (possibly multi-byte) character at the start of s.
func errHexDigit(s string) error {
	_, n := utf8.DecodeRuneInString(s)
	if n < 1 {
		n = 1
	}
	return pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", s[:n])
}

// appendUUID writes the canonical lower-case hyphenated form.
func appendUUID(buf []byte, u UUIDVal) []byte {
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf = append(buf, '-')
		}
		buf = append(buf, hexDigits[c>>4], hexDigits[c&15])
	}
	return buf
}

// parseUUID is string_to_uuid: optional braces, 32 hex digits, with an
// optional hyphen after any group of four digits.
func parseUUID(s string) (Datum, error) {
	var u UUIDVal
	i := 0
	braces := false
	if len(s) > 0 && s[0] == '{' {
		braces = true
		i++
	}
	for k := 0; k < 16; k++ {
		if i+1 >= len(s) {
			return nil, errSyntax("uuid", s)
		}
		hi, ok1 := Unhex(s[i])
		lo, ok2 := Unhex(s[i+1])
		if !ok1 || !ok2 {
			return nil, errSyntax("uuid", s)
		}
		u[k] = hi<<4 | lo
		i += 2
		if i < len(s) && s[i] == '-' && k%2 == 1 && k < 15 {
			i++
		}
	}
	if braces {
		if i >= len(s) || s[i] != '}' {
			return nil, errSyntax("uuid", s)
		}
		i++
	}
	if i != len(s) {
		return nil, errSyntax("uuid", s)
	}
	return u, nil
}
