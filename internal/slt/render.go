package slt

import (
	"crypto/md5"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"
)

// DefaultHashThreshold is the threshold a file starts with.
const DefaultHashThreshold = 8

// AppendValue appends the sqllogictest rendering of one value in
// PostgreSQL's text format (nil is NULL) for the column type letter typ:
//
//   - NULL prints "NULL" whatever the type;
//   - I prints an integer: integers as they are, numeric and float text
//     truncated toward zero, booleans as 1/0 (what the other engines
//     print), anything else 0 (C's atoi, which the original runner uses);
//   - R prints "%.3f" of the value as a number (0.000 if it is not one;
//     nan, inf and -inf as C does);
//   - T prints the text, "(empty)" for an empty string, and '@' for each
//     byte outside ' '..'~', as the original runner does.
func AppendValue(dst []byte, typ byte, v []byte) []byte {
	if v == nil {
		return append(dst, "NULL"...)
	}
	switch typ {
	case 'I':
		return appendInt(dst, v)
	case 'R':
		f, ok := parseNumber(v)
		switch {
		case !ok:
			f = 0
		case math.IsNaN(f):
			return append(dst, "nan"...) // what C's printf("%.3f") prints
		case math.IsInf(f, 1):
			return append(dst, "inf"...)
		case math.IsInf(f, -1):
			return append(dst, "-inf"...)
		}
		return strconv.AppendFloat(dst, f, 'f', 3, 64)
	default:
		if len(v) == 0 {
			return append(dst, "(empty)"...)
		}
		for _, c := range v {
			if c < ' ' || c > '~' {
				c = '@'
			}
			dst = append(dst, c)
		}
		return dst
	}
}

// appendInt renders v for an I column. Decimal text is truncated as text,
// so numerics wider than int64 keep every digit.
func appendInt(dst []byte, v []byte) []byte {
	s := strings.TrimSpace(string(v))
	switch s {
	case "t":
		return append(dst, '1')
	case "f":
		return append(dst, '0')
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.AppendInt(dst, n, 10)
	}
	if intPart, ok := decimalIntPart(s); ok {
		return append(dst, intPart...)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		f = math.Trunc(f)
		if f == 0 {
			return append(dst, '0')
		}
		return strconv.AppendFloat(dst, f, 'f', 0, 64)
	}
	return append(dst, '0')
}

// decimalIntPart returns the integer part of a plain decimal literal
// ([-+]digits[.digits]), without leading zeros and with no "-0".
func decimalIntPart(s string) (string, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	dot := strings.IndexByte(s, '.')
	ip, fp := s, ""
	if dot >= 0 {
		ip, fp = s[:dot], s[dot+1:]
	}
	if ip == "" && fp == "" {
		return "", false
	}
	for _, c := range ip + fp {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		return "0", true
	}
	if neg {
		return "-" + ip, true
	}
	return ip, true
}

// parseNumber reads v as a float: integers, decimals, floats (with
// exponents, Infinity, NaN) and booleans.
func parseNumber(v []byte) (float64, bool) {
	s := strings.TrimSpace(string(v))
	switch s {
	case "t":
		return 1, true
	case "f":
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// SortValues orders the values as mode asks: rows compared value by value
// (byte order), or all values on their own.
func SortValues(values []string, columns int, mode SortMode) {
	switch mode {
	case ValueSort:
		sort.Strings(values)
	case RowSort:
		if columns <= 0 || len(values)%columns != 0 {
			return
		}
		n := len(values) / columns
		rows := make([][]string, n)
		for i := range rows {
			rows[i] = values[i*columns : (i+1)*columns : (i+1)*columns]
		}
		sort.SliceStable(rows, func(a, b int) bool {
			ra, rb := rows[a], rows[b]
			for i := range ra {
				if ra[i] != rb[i] {
					return ra[i] < rb[i]
				}
			}
			return false
		})
		out := make([]string, 0, len(values))
		for _, r := range rows {
			out = append(out, r...)
		}
		copy(values, out)
	}
}

// Hash returns the md5 (hex) of every value followed by a newline.
func Hash(values []string) string {
	h := md5.New()
	var buf []byte
	for _, v := range values {
		buf = append(buf[:0], v...)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Compare checks sorted values against a query record's expectation: the
// hash line when the record has one, otherwise the listed values. It
// returns "" when they agree, else a short description of the difference.
func Compare(rec *Record, values []string) string {
	if rec.Hash != "" {
		h := Hash(values)
		if len(values) == rec.HashCount && h == rec.Hash {
			return ""
		}
		return "expected " + HashLine(rec.HashCount, rec.Hash) + ", got " + HashLine(len(values), h) + gotPreview(values)
	}
	if len(values) == len(rec.Expected) {
		same := true
		for i := range values {
			if values[i] != rec.Expected[i] {
				same = false
				break
			}
		}
		if same {
			return ""
		}
	}
	return "expected " + preview(rec.Expected) + ", got " + preview(values)
}

const previewValues = 6

// preview lists the first few values.
func preview(values []string) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(values)))
	b.WriteString(" values [")
	for i, v := range values {
		if i == previewValues {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte(']')
	return b.String()
}

func gotPreview(values []string) string { return " " + preview(values) }
