package types

import (
	"math"
	"strconv"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func appendInt(buf []byte, v int64) []byte {
	if v >= 0 && v < 10 {
		return append(buf, byte('0'+v))
	}
	return strconv.AppendInt(buf, v, 10)
}

// parseInt follows pg_strtoint16/32/64 (PostgreSQL 15): optional
// surrounding whitespace, an optional sign and decimal digits only.
func parseInt(s string, bits int, typName string) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < n && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	// Accumulate as a negative number so that the minimum fits.
	var acc int64
	overflow := false
	for i < n && s[i] >= '0' && s[i] <= '9' {
		d := int64(s[i] - '0')
		if acc < (math.MinInt64+d)/10 {
			overflow = true
		} else {
			acc = acc*10 - d
		}
		i++
	}
	if i == start {
		return nil, errSyntax(typName, s)
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	if i != n {
		return nil, errSyntax(typName, s)
	}
	if !neg {
		if acc == math.MinInt64 {
			overflow = true
		}
		acc = -acc
	}
	if !overflow {
		switch bits {
		case 16:
			overflow = acc < math.MinInt16 || acc > math.MaxInt16
		case 32:
			overflow = acc < math.MinInt32 || acc > math.MaxInt32
		}
	}
	if overflow {
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, typName)
	}
	return acc, nil
}

// parseOid follows oidin: strtoul semantics, values that fit in 32 bits
// either unsigned or as a negative int32 (which wraps).
func parseOid(s string) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	if i == n {
		return nil, errSyntax("oid", s)
	}
	neg := false
	if s[i] == '-' || s[i] == '+' {
		neg = s[i] == '-'
		i++
	}
	start := i
	var acc uint64
	overflow := false
	for i < n && s[i] >= '0' && s[i] <= '9' {
		acc = acc*10 + uint64(s[i]-'0')
		if acc > math.MaxUint32+1 {
			overflow = true
			acc = math.MaxUint32 + 2
		}
		i++
	}
	if i == start {
		return nil, errSyntax("oid", s)
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	if i != n {
		return nil, errSyntax("oid", s)
	}
	// Like oidin: the value must fit in 32 bits unsigned or, with a minus
	// sign, as a negative int32 (which wraps: -1 is 4294967295).
	if overflow || !neg && acc > math.MaxUint32 || neg && acc > 1<<31 {
		return nil, pgerror.New(pgerror.NumericValueOutOfRange, "value \"%s\" is out of range for type oid", s)
	}
	if neg {
		return int64(uint32(-int64(acc))), nil
	}
	return int64(acc), nil
}

func parseBool(s string) (Datum, error) {
	if v, ok := boolWord(trimSpace(s)); ok {
		return v, nil
	}
	return nil, errSyntax("boolean", s)
}

// boolWord is parse_bool_with_len: t/true/y/yes/on/1 and f/false/n/no/off/0,
// case-insensitive, any unambiguous prefix of the words.
func boolWord(s string) (bool, bool) {
	if len(s) == 0 {
		return false, false
	}
	prefix := func(word string, min int) bool {
		if len(s) < min || len(s) > len(word) {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[i] {
				return false
			}
		}
		return true
	}
	switch s[0] {
	case 't', 'T':
		if prefix("true", 1) {
			return true, true
		}
	case 'f', 'F':
		if prefix("false", 1) {
			return false, true
		}
	case 'y', 'Y':
		if prefix("yes", 1) {
			return true, true
		}
	case 'n', 'N':
		if prefix("no", 1) {
			return false, true
		}
	case 'o', 'O':
		if prefix("on", 2) {
			return true, true
		}
		if prefix("off", 2) {
			return false, true
		}
	case '1':
		if len(s) == 1 {
			return true, true
		}
	case '0':
		if len(s) == 1 {
			return false, true
		}
	}
	return false, false
}
