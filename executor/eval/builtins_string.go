package eval

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnOverlay] = fnOverlay
	impls[planner.FnTranslate] = fnTranslate
	impls[planner.FnRegexpReplace] = fnRegexpReplace
	impls[planner.FnRegexpMatch] = fnRegexpMatch
	impls[planner.FnRegexpLike] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		re, _, err := c.regexpFlags(a[1].(string), optArg(a, 2), "regexp_like()", false)
		if err != nil {
			return nil, err
		}
		return re.MatchString(a[0].(string)), nil
	}
	impls[planner.FnRegexpCount] = fnRegexpCount
	impls[planner.FnRegexpSplitToArray] = fnRegexpSplit
	impls[planner.FnSubstringRegex] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		re, err := c.regexp(a[1].(string))
		if err != nil {
			return nil, err
		}
		s := a[0].(string)
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return nil, nil
		}
		// With a parenthesised subexpression the first one's text is the
		// result (NULL when it did not take part in the match).
		if len(m) > 2 {
			if m[2] < 0 {
				return nil, nil
			}
			return s[m[2]:m[3]], nil
		}
		return s[m[0]:m[1]], nil
	}
	impls[planner.FnStartsWith] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return strings.HasPrefix(a[0].(string), a[1].(string)), nil
	}
	impls[planner.FnFormat] = fnFormat
	impls[planner.FnQuoteIdent] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return string(appendQuoteIdent(nil, a[0].(string))), nil
	}
	impls[planner.FnQuoteLiteral] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return string(appendQuoteLiteral(nil, textOf(c, x.Args[0].Type(), a[0]))), nil
	}
	impls[planner.FnQuoteNullable] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return "NULL", nil
		}
		return string(appendQuoteLiteral(nil, textOf(c, x.Args[0].Type(), a[0]))), nil
	}
	impls[planner.FnEncode] = fnEncode
	impls[planner.FnDecode] = fnDecode
	impls[planner.FnSha224] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := sha256.Sum224(a[0].([]byte))
		return s[:], nil
	}
	impls[planner.FnSha256] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := sha256.Sum256(a[0].([]byte))
		return s[:], nil
	}
	impls[planner.FnSha384] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := sha512.Sum384(a[0].([]byte))
		return s[:], nil
	}
	impls[planner.FnSha512] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		s := sha512.Sum512(a[0].([]byte))
		return s[:], nil
	}
	impls[planner.FnStringToArray] = fnStringToArray
	impls[planner.FnBitLength] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		switch v := a[0].(type) {
		case string:
			return int64(len(v)) * 8, nil
		case []byte:
			return int64(len(v)) * 8, nil
		}
		return nil, badArgs(x)
	}
}

// textOf is a datum's text output (for functions over "any").
func textOf(c *evalCtx, t *types.T, v types.Datum) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(types.AppendText(nil, t, v, c.opts))
}

// optArg returns the optional text argument i, "" when absent.
func optArg(a []types.Datum, i int) string {
	if len(a) > i && a[i] != nil {
		if s, ok := a[i].(string); ok {
			return s
		}
	}
	return ""
}

// regexp compiles (and caches per statement) a pattern.
func (c *evalCtx) regexp(p string) (*regexp.Regexp, error) {
	re := c.regexps[p]
	if re != nil {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, pgerror.New("2201B", "invalid regular expression: %s", err.Error())
	}
	if c.regexps == nil {
		c.regexps = map[string]*regexp.Regexp{}
	}
	if len(c.regexps) < 64 {
		c.regexps[p] = re
	}
	return re, nil
}

// regexpFlags compiles a pattern under PostgreSQL's flag letters; it
// returns whether 'g' was given (an error when global is false and the
// function does not take it).
func (c *evalCtx) regexpFlags(p, flags, fn string, globalOK bool) (*regexp.Regexp, bool, error) {
	global, prefix := false, ""
	for _, f := range flags {
		switch f {
		case 'g':
			if !globalOK {
				return nil, false, pgerror.New(pgerror.InvalidParameterValue, "%s does not support the \"global\" option", fn).
					WithHint("Use the regexp_matches function instead.")
			}
			global = true
		case 'i':
			prefix = "(?i)"
		case 'c':
			prefix = ""
		case 's', 't':
		case 'n', 'm', 'p', 'w':
			// Newline-sensitive matching: . and [^...] stop at newlines,
			// ^ and $ match at them.
			prefix += "(?m)"
		default:
			return nil, false, pgerror.New(pgerror.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
		}
	}
	if prefix == "" {
		prefix = "(?s)"
	}
	re, err := c.regexp(prefix + p)
	return re, global, err
}

func fnOverlay(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s, r := []rune(a[0].(string)), a[1].(string)
	start := a[2].(int64)
	n := int64(utf8.RuneCountInString(r))
	if len(a) > 3 {
		n = a[3].(int64)
	}
	if start+n < n && start > 0 || start+n > 1<<31-1 {
		return nil, cp(errInt4Range)
	}
	if start-1 < 0 {
		return nil, pgerror.New("22011", "negative substring length not allowed")
	}
	head := string(s[:min(start-1, int64(len(s)))])
	tail := ""
	if from := start + n; from < 1 {
		tail = string(s)
	} else if from-1 < int64(len(s)) {
		tail = string(s[from-1:])
	}
	return head + r + tail, nil
}

func fnTranslate(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s, from, to := a[0].(string), []rune(a[1].(string)), []rune(a[2].(string))
	var b strings.Builder
	b.Grow(len(s))
	for _, ch := range s {
		i := -1
		for j, f := range from {
			if f == ch {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			b.WriteRune(ch)
		case i < len(to):
			b.WriteRune(to[i])
		}
	}
	return b.String(), nil
}

func fnRegexpReplace(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s, repl := a[0].(string), a[2].(string)
	re, global, err := c.regexpFlags(a[1].(string), optArg(a, 3), "regexp_replace()", true)
	if err != nil {
		return nil, err
	}
	n := 1
	if global {
		n = -1
	}
	ms := re.FindAllStringSubmatchIndex(s, n)
	if ms == nil {
		return s, nil
	}
	var out []byte
	last := 0
	for _, m := range ms {
		out = append(out, s[last:m[0]]...)
		out = appendReplacement(out, repl, s, m)
		last = m[1]
	}
	return string(append(out, s[last:]...)), nil
}

// appendReplacement expands \1..\9 (subexpressions), \& (the whole match)
// and \\ in a regexp_replace replacement.
func appendReplacement(out []byte, repl, s string, m []int) []byte {
	for i := 0; i < len(repl); i++ {
		ch := repl[i]
		if ch != '\\' || i+1 == len(repl) {
			out = append(out, ch)
			continue
		}
		i++
		switch d := repl[i]; {
		case d >= '1' && d <= '9':
			k := int(d - '0')
			if 2*k+1 < len(m) && m[2*k] >= 0 {
				out = append(out, s[m[2*k]:m[2*k+1]]...)
			}
		case d == '&':
			out = append(out, s[m[0]:m[1]]...)
		case d == '\\':
			out = append(out, '\\')
		default:
			out = append(out, '\\', d)
		}
	}
	return out
}

func fnRegexpMatch(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	re, _, err := c.regexpFlags(a[1].(string), optArg(a, 2), "regexp_match()", false)
	if err != nil {
		return nil, err
	}
	s := a[0].(string)
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	out := &types.Array{Elem: types.Text}
	if len(m) == 2 {
		out.Elems = []any{s[m[0]:m[1]]}
		return out, nil
	}
	for k := 1; 2*k < len(m); k++ {
		if m[2*k] < 0 {
			out.Elems = append(out.Elems, nil)
		} else {
			out.Elems = append(out.Elems, s[m[2*k]:m[2*k+1]])
		}
	}
	return out, nil
}

func fnRegexpCount(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s := a[0].(string)
	start := int64(1)
	if len(a) > 2 {
		start = a[2].(int64)
		if start <= 0 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid value for parameter \"%s\": %d", "start", start)
		}
	}
	re, _, err := c.regexpFlags(a[1].(string), optArg(a, 3), "regexp_count()", false)
	if err != nil {
		return nil, err
	}
	r := []rune(s)
	if start > int64(len(r)) {
		return int64(0), nil
	}
	return int64(len(re.FindAllStringIndex(string(r[start-1:]), -1))), nil
}

func fnRegexpSplit(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s := a[0].(string)
	re, _, err := c.regexpFlags(a[1].(string), optArg(a, 2), "regexp_split_to_array()", false)
	if err != nil {
		return nil, err
	}
	out := &types.Array{Elem: types.Text}
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		// Zero-length matches at either end or right after the previous
		// match split nothing.
		if m[0] == m[1] && (m[0] == 0 || m[0] == len(s) || m[0] == last) {
			continue
		}
		out.Elems = append(out.Elems, s[last:m[0]])
		last = m[1]
	}
	out.Elems = append(out.Elems, s[last:])
	return out, nil
}

func fnStringToArray(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	s := a[0].(string)
	out := &types.Array{Elem: types.Text}
	var null *string
	if len(a) > 2 && a[2] != nil {
		n := a[2].(string)
		null = &n
	}
	add := func(p string) {
		if null != nil && p == *null {
			out.Elems = append(out.Elems, nil)
		} else {
			out.Elems = append(out.Elems, p)
		}
	}
	if s == "" {
		return out, nil
	}
	switch {
	case a[1] == nil:
		for _, ch := range s {
			add(string(ch))
		}
	case a[1].(string) == "":
		add(s)
	default:
		for _, p := range strings.Split(s, a[1].(string)) {
			add(p)
		}
	}
	return out, nil
}

// appendQuoteIdent is quote_ident: double quotes unless the name is a
// lower-case identifier that is not a (non-unreserved) keyword.
func appendQuoteIdent(buf []byte, s string) []byte { return parser.AppendQuoteIdent(buf, s) }

// appendQuoteLiteral is quote_literal: single quotes doubled, and an E”
// string with doubled backslashes when there are backslashes.
func appendQuoteLiteral(buf []byte, s string) []byte {
	if strings.IndexByte(s, '\\') >= 0 {
		buf = append(buf, 'E')
	}
	buf = append(buf, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			buf = append(buf, s[i])
		}
		buf = append(buf, s[i])
	}
	return append(buf, '\'')
}

func errFormat(msg string, hint bool) error {
	e := pgerror.New(pgerror.InvalidParameterValue, "%s", msg)
	if hint {
		e = e.WithHint("%s", "For a single \"%\" use \"%%\".")
	}
	return e
}

// fnFormat is format(fmt, args...): %s, %I, %L and %% with PostgreSQL's
// position (n$) and width (-, *, *n$) fields.
func fnFormat(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	out, err := AppendFormat(nil, a[0].(string), len(a)-1, func(buf []byte, i int, conv byte) ([]byte, bool, error) {
		v, t := a[i+1], x.Args[i+1].Type()
		if v == nil {
			return buf, true, nil
		}
		s := textOf(c, t, v)
		if conv == 'I' {
			return appendQuoteIdent(buf, s), false, nil
		}
		if conv == 'L' {
			return appendQuoteLiteral(buf, s), false, nil
		}
		return append(buf, s...), false, nil
	}, func(i int) (int64, bool, error) {
		v := a[i+1]
		if v == nil {
			return 0, true, nil
		}
		if n, ok := v.(int64); ok {
			return n, false, nil
		}
		return 0, false, pgerror.New(pgerror.InvalidParameterValue, "width argument must be an integer")
	})
	if err != nil {
		return nil, err
	}
	return string(out), nil
}

// AppendFormat runs format()'s template over nargs arguments: arg appends
// argument i converted by conv ('s', 'I' or 'L'), reporting a NULL value;
// width returns argument i as a width (NULL means none). It is the parser
// behind format(), exported for its fuzz target.
func AppendFormat(buf []byte, f string, nargs int,
	arg func(buf []byte, i int, conv byte) ([]byte, bool, error),
	width func(i int) (int64, bool, error)) ([]byte, error) {
	next := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			buf = append(buf, f[i])
			continue
		}
		i++
		if i >= len(f) {
			return nil, errFormat("unterminated format() type specifier", true)
		}
		if f[i] == '%' {
			buf = append(buf, '%')
			continue
		}
		// [argpos$][flags][width][type]
		pos, n, ok := formatNumber(f, i)
		argPos := -1
		if ok && n < len(f) && f[n] == '$' {
			if pos == 0 {
				return nil, errFormat("format specifies argument 0, but arguments are numbered from 1", false)
			}
			argPos, i = pos-1, n+1
		}
		left := false
		for i < len(f) && f[i] == '-' {
			left, i = true, i+1
		}
		w := 0
		if i < len(f) && f[i] == '*' {
			i++
			wi := next
			if p, n, ok := formatNumber(f, i); ok && n < len(f) && f[n] == '$' {
				if p == 0 {
					return nil, errFormat("format specifies argument 0, but arguments are numbered from 1", false)
				}
				wi, i = p-1, n+1
			}
			// text_format: the value is the argument after the width's,
			// also when the width's position was given (%*1$s).
			next = wi + 1
			if wi >= nargs {
				return nil, errFormat("too few arguments for format()", false)
			}
			v, null, err := width(wi)
			if err != nil {
				return nil, err
			}
			if !null {
				if v < 0 {
					left, v = true, -v
				}
				if v > 1<<30 {
					return nil, pgerror.New(pgerror.NumericValueOutOfRange, "number is out of range")
				}
				w = int(v)
			}
		} else if p, n, ok := formatNumber(f, i); ok {
			if p < 0 {
				return nil, pgerror.New(pgerror.NumericValueOutOfRange, "number is out of range")
			}
			w, i = p, n
		}
		if i >= len(f) {
			return nil, errFormat("unterminated format() type specifier", true)
		}
		conv := f[i]
		if conv != 's' && conv != 'I' && conv != 'L' {
			r, _ := utf8.DecodeRuneInString(f[i:])
			return nil, errFormat("unrecognized format() type specifier \""+string(r)+"\"", true)
		}
		if argPos < 0 {
			argPos = next
		}
		next = argPos + 1
		if argPos >= nargs {
			return nil, errFormat("too few arguments for format()", false)
		}
		start := len(buf)
		var null bool
		var err error
		buf, null, err = arg(buf, argPos, conv)
		if err != nil {
			return nil, err
		}
		if null {
			switch conv {
			case 'I':
				return nil, pgerror.New(pgerror.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			case 'L':
				buf = append(buf, "NULL"...)
			}
		}
		if pad := w - utf8.RuneCount(buf[start:]); pad > 0 {
			if left {
				buf = append(buf, strings.Repeat(" ", pad)...)
			} else {
				val := string(buf[start:])
				buf = append(append(buf[:start], strings.Repeat(" ", pad)...), val...)
			}
		}
	}
	return buf, nil
}

// formatNumber reads decimal digits at f[i:]; it returns the value (-1 on
// overflow), the index after them and whether there were any.
func formatNumber(f string, i int) (int, int, bool) {
	j, v := i, 0
	for j < len(f) && f[j] >= '0' && f[j] <= '9' {
		if v >= 0 {
			v = v*10 + int(f[j]-'0')
			if v > 1<<30 {
				v = -1
			}
		}
		j++
	}
	return v, j, j > i
}

func fnEncode(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	b := a[0].([]byte)
	switch strings.ToLower(a[1].(string)) {
	case "hex":
		const digits = "0123456789abcdef"
		out := make([]byte, 2*len(b))
		for i, v := range b {
			out[2*i], out[2*i+1] = digits[v>>4], digits[v&15]
		}
		return string(out), nil
	case "base64":
		s := base64.StdEncoding.EncodeToString(b)
		// PostgreSQL breaks base64 output into lines of 76 characters.
		var out strings.Builder
		for len(s) > 76 {
			out.WriteString(s[:76])
			out.WriteByte('\n')
			s = s[76:]
		}
		out.WriteString(s)
		return out.String(), nil
	case "escape":
		var out []byte
		for _, v := range b {
			switch {
			case v == '\\':
				out = append(out, '\\', '\\')
			case v == 0 || v >= 0x80:
				out = append(out, '\\', '0'+v>>6, '0'+(v>>3)&7, '0'+v&7)
			default:
				out = append(out, v)
			}
		}
		return string(out), nil
	}
	return nil, pgerror.New(pgerror.InvalidParameterValue, "unrecognized encoding: \"%s\"", a[1].(string))
}

func fnDecode(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	s := a[0].(string)
	switch strings.ToLower(a[1].(string)) {
	case "hex":
		out := make([]byte, 0, len(s)/2)
		for i := 0; i < len(s); {
			ch := s[i]
			if ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' {
				i++
				continue
			}
			hi, ok := types.Unhex(ch)
			if !ok {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", string(r))
			}
			if i+1 >= len(s) {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := types.Unhex(s[i+1])
			if !ok {
				r, _ := utf8.DecodeRuneInString(s[i+1:])
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", string(r))
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return out, nil
	case "base64":
		return decodeBase64(s)
	case "escape":
		var out []byte
		for i := 0; i < len(s); i++ {
			if s[i] != '\\' {
				out = append(out, s[i])
				continue
			}
			switch {
			case i+1 < len(s) && s[i+1] == '\\':
				out = append(out, '\\')
				i++
			case i+3 < len(s) && isOct(s[i+1]) && s[i+1] <= '3' && isOct(s[i+2]) && isOct(s[i+3]):
				out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
				i += 3
			default:
				return nil, pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type %s", "bytea")
			}
		}
		return out, nil
	}
	return nil, pgerror.New(pgerror.InvalidParameterValue, "unrecognized encoding: \"%s\"", a[1].(string))
}

func isOct(c byte) bool { return c >= '0' && c <= '7' }

// decodeBase64 is PostgreSQL's pg_b64_decode: whitespace ignored, '='
// only at the end.
func decodeBase64(s string) (types.Datum, error) {
	var out []byte
	var acc uint32
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' {
			continue
		}
		var v uint32
		switch {
		case ch >= 'A' && ch <= 'Z':
			v = uint32(ch - 'A')
		case ch >= 'a' && ch <= 'z':
			v = uint32(ch-'a') + 26
		case ch >= '0' && ch <= '9':
			v = uint32(ch-'0') + 52
		case ch == '+':
			v = 62
		case ch == '/':
			v = 63
		case ch == '=':
			// Padding: only one or two, and only at the end of a quantum.
			if n%4 < 2 || pad == 0 && n%4 == 0 {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "unexpected \"=\" while decoding base64 sequence")
			}
			pad++
			n++
			acc <<= 6
			if n%4 == 0 {
				out = append(out, byte(acc>>16))
				if pad == 1 {
					out = append(out, byte(acc>>8))
				}
				acc = 0
			}
			continue
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid symbol \"%s\" found while decoding base64 sequence", string(r))
		}
		if pad > 0 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid base64 end sequence").
				WithHint("Input data is missing padding, is truncated, or is otherwise corrupted.")
		}
		acc = acc<<6 | v
		n++
		if n%4 == 0 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc = 0
		}
	}
	if n%4 != 0 {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid base64 end sequence").
			WithHint("Input data is missing padding, is truncated, or is otherwise corrupted.")
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

var _ = strconv.Itoa
