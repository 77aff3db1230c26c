package types

import (
	"sort"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// jsonMaxDepth bounds nesting, standing in for PostgreSQL's stack depth
// check.
const jsonMaxDepth = 6000

// jsonKind orders jsonb values by type as PostgreSQL's compareJsonbContainers
// does: null < string < number < boolean < array < object.
type jsonKind byte

const (
	jNull jsonKind = iota
	jString
	jNumber
	jBool
	jArray
	jObject
)

// jsonValue is a parsed json(b) value; only built for jsonb.
type jsonValue struct {
	kind jsonKind
	str  string // string value, or the number's literal
	b    bool
	num  *apd.Decimal
	arr  []jsonValue
	keys []string
	vals []jsonValue
}

type jsonParser struct {
	s     string
	pos   int
	build bool
	jsonb bool
	depth int
}

func jsonErr(detail string, args ...any) error {
	e := pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type json")
	return e.WithDetail(detail, args...)
}

func (p *jsonParser) skipWS() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// token returns the text of the (bad) token at pos for error details, as
// PostgreSQL's lexer delimits it: a run of alphanumeric characters, or one
// character.
func (p *jsonParser) token() string {
	if p.pos >= len(p.s) {
		return ""
	}
	j := p.pos
	for j < len(p.s) && jsonAlnum(p.s[j]) {
		j++
	}
	if j == p.pos {
		_, n := utf8.DecodeRuneInString(p.s[p.pos:])
		j = p.pos + n
	}
	return p.s[p.pos:j]
}

// numberToken is the token a malformed number reports: up to the next
// delimiter.
func (p *jsonParser) numberToken() string {
	j := p.pos
	for j < len(p.s) {
		c := p.s[j]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' || c == '[' || c == ']' ||
			c == ',' || c == ':' || c == '"' {
			break
		}
		j++
	}
	if j == p.pos {
		j++
	}
	return p.s[p.pos:j]
}

// jsonAlnum is JSON_ALPHANUMERIC_CHAR.
func jsonAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func (p *jsonParser) unexpected(expect string) error {
	if p.pos >= len(p.s) {
		return jsonErr("The input string ended unexpectedly.")
	}
	// Lex the token that is there, reporting lexical errors first.
	save := p.pos
	var tok string
	switch c := p.s[p.pos]; {
	case c == '"':
		if _, err := p.parseString(); err != nil {
			return err
		}
		tok = p.s[save:p.pos]
	case c == '-' || c >= '0' && c <= '9':
		if err := p.parseNumber(nil); err != nil {
			return err
		}
		tok = p.s[save:p.pos]
	case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
		tok = p.s[p.pos : p.pos+1]
	default:
		tok = p.token()
		switch tok {
		case "true", "false", "null":
		default:
			return jsonErr("Token \"%s\" is invalid.", tok)
		}
	}
	p.pos = save
	return jsonErr("Expected %s, but found \"%s\".", expect, tok)
}

func (p *jsonParser) parseValue(v *jsonValue) error {
	p.skipWS()
	if p.pos >= len(p.s) {
		return jsonErr("The input string ended unexpectedly.")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.parseObject(v)
	case c == '[':
		return p.parseArray(v)
	case c == '"':
		str, err := p.parseString()
		if err != nil {
			return err
		}
		if v != nil {
			v.kind, v.str = jString, str
		}
		return nil
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber(v)
	default:
		tok := p.token()
		switch tok {
		case "true", "false":
			p.pos += len(tok)
			if v != nil {
				v.kind, v.b = jBool, tok == "true"
			}
			return nil
		case "null":
			p.pos += len(tok)
			if v != nil {
				v.kind = jNull
			}
			return nil
		}
		return p.unexpected("JSON value")
	}
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > jsonMaxDepth {
		return pgerror.New(pgerror.StatementTooComplex, "stack depth limit exceeded")
	}
	return nil
}

func (p *jsonParser) parseObject(v *jsonValue) error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++ // {
	if v != nil {
		v.kind = jObject
	}
	p.skipWS()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.skipWS()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return p.unexpected("string")
		}
		key, err := p.parseString()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return p.unexpected("\":\"")
		}
		p.pos++
		if v != nil {
			var elem jsonValue
			if err := p.parseValue(&elem); err != nil {
				return err
			}
			v.keys = append(v.keys, key)
			v.vals = append(v.vals, elem)
		} else if err := p.parseValue(nil); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.s) {
			return jsonErr("The input string ended unexpectedly.")
		}
		if p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.s[p.pos] == '}' {
			p.pos++
			p.depth--
			return nil
		}
		return p.unexpected("\",\" or \"}\"")
	}
}

func (p *jsonParser) parseArray(v *jsonValue) error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++ // [
	if v != nil {
		v.kind = jArray
	}
	p.skipWS()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		if v != nil {
			var elem jsonValue
			if err := p.parseValue(&elem); err != nil {
				return err
			}
			v.arr = append(v.arr, elem)
		} else if err := p.parseValue(nil); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.s) {
			return jsonErr("The input string ended unexpectedly.")
		}
		if p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.s[p.pos] == ']' {
			p.pos++
			p.depth--
			return nil
		}
		return p.unexpected("\",\" or \"]\"")
	}
}

// parseNumber follows json_lex_number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) parseNumber(v *jsonValue) error {
	s := p.s
	start := p.pos
	i := p.pos
	bad := func() error {
		p.pos = start
		return jsonErr("Token \"%s\" is invalid.", p.numberToken())
	}
	if s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return bad()
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return bad()
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return bad()
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return bad()
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	// The number must end at a delimiter.
	if i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r', ',', ']', '}', ':':
		default:
			return bad()
		}
	}
	p.pos = i
	if v != nil {
		v.kind, v.str = jNumber, s[start:i]
		if p.jsonb {
			d, err := parseNumeric(v.str)
			if err != nil {
				return err
			}
			v.num = d.(*apd.Decimal)
		}
	}
	return nil
}

// parseString reads a string token; it returns the de-escaped value only
// when building (jsonb), but always validates escapes like json_lex_string.
func (p *jsonParser) parseString() (string, error) {
	s := p.s
	i := p.pos + 1
	var out []byte
	plain := true
	start := i
	for {
		if i >= len(s) {
			return "", jsonErr("Token \"%s\" is invalid.", s[p.pos:])
		}
		c := s[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			p.pos = i
			return "", jsonErr("Character with value 0x%02x must be escaped.", c)
		}
		if c != '\\' {
			if !plain {
				out = append(out, c)
			}
			i++
			continue
		}
		if plain && p.build {
			plain = false
			out = append(out, s[start:i]...)
		}
		if i+1 >= len(s) {
			return "", jsonErr("The input string ended unexpectedly.")
		}
		e := s[i+1]
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n, err := p.unicodeEscape(i)
			if err != nil {
				return "", err
			}
			if p.jsonb && r == 0 {
				return "", pgerror.New(pgerror.UntranslatableCharacter, "unsupported Unicode escape sequence").
					WithDetail("\\u0000 cannot be converted to text.")
			}
			out = utf8.AppendRune(out, r)
			i += n
			continue
		default:
			_, n := utf8.DecodeRuneInString(s[i+1:])
			return "", jsonErr("Escape sequence \"\\%s\" is invalid.", s[i+1:i+1+n])
		}
		i += 2
	}
	p.pos = i + 1
	if !p.build {
		return "", nil
	}
	if plain {
		return s[start:i], nil
	}
	return string(out), nil
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		h, ok := Unhex(s[k])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	return r, true
}

// unicodeEscape decodes \uXXXX at s[i] (and a following low surrogate),
// returning the rune and the bytes consumed.
func (p *jsonParser) unicodeEscape(i int) (rune, int, error) {
	s := p.s
	r, ok := hex4(s[i+2:])
	if !ok {
		return 0, 0, jsonErr("\"\\u\" must be followed by four hexadecimal digits.")
	}
	if !p.build {
		// json only checks the escape's syntax; surrogates are kept as text.
		return r, 6, nil
	}
	switch {
	case r >= 0xD800 && r <= 0xDBFF:
		if i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			lo, ok := hex4(s[i+8:])
			if !ok {
				return 0, 0, jsonErr("\"\\u\" must be followed by four hexadecimal digits.")
			}
			if lo >= 0xDC00 && lo <= 0xDFFF {
				return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12, nil
			}
			if lo >= 0xD800 && lo <= 0xDBFF {
				return 0, 0, jsonErr("Unicode high surrogate must not follow a high surrogate.")
			}
		}
		return 0, 0, jsonErr("Unicode low surrogate must follow a high surrogate.")
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, 0, jsonErr("Unicode low surrogate must follow a high surrogate.")
	}
	return r, 6, nil
}

func (p *jsonParser) parseTop(v *jsonValue) error {
	if err := p.parseValue(v); err != nil {
		return err
	}
	p.skipWS()
	if p.pos < len(p.s) {
		return p.unexpected("end of input")
	}
	return nil
}

// validateJSON checks json input without building a value.
func validateJSON(s string) error {
	p := jsonParser{s: s}
	return p.parseTop(nil)
}

func parseJSONTree(s string) (jsonValue, error) {
	p := jsonParser{s: s, build: true, jsonb: true}
	var v jsonValue
	err := p.parseTop(&v)
	return v, err
}

// parseJSONB parses and normalises jsonb input to PostgreSQL's jsonb output
// form: keys sorted by length then bytes, duplicate keys keeping the last
// value, numbers printed as numeric, ", " and ": " separators.
func parseJSONB(s string) (Datum, error) {
	v, err := parseJSONTree(s)
	if err != nil {
		return nil, err
	}
	normalizeJSON(&v)
	return JSONVal(appendJSONValue(nil, &v)), nil
}

func normalizeJSON(v *jsonValue) {
	switch v.kind {
	case jArray:
		for i := range v.arr {
			normalizeJSON(&v.arr[i])
		}
	case jObject:
		idx := make([]int, len(v.keys))
		for i := range idx {
			idx[i] = i
		}
		// Stable sort keeps input order among equal keys, so the last of
		// a run of duplicates is the one to keep.
		sort.SliceStable(idx, func(a, b int) bool { return jsonKeyLess(v.keys[idx[a]], v.keys[idx[b]]) })
		keys := make([]string, 0, len(idx))
		vals := make([]jsonValue, 0, len(idx))
		for k, i := range idx {
			if k+1 < len(idx) && v.keys[idx[k+1]] == v.keys[i] {
				continue
			}
			keys = append(keys, v.keys[i])
			val := v.vals[i]
			normalizeJSON(&val)
			vals = append(vals, val)
		}
		v.keys, v.vals = keys, vals
	}
}

func jsonKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func appendJSONValue(buf []byte, v *jsonValue) []byte {
	switch v.kind {
	case jNull:
		return append(buf, "null"...)
	case jBool:
		if v.b {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case jNumber:
		if v.num != nil {
			return appendNumeric(buf, v.num)
		}
		return append(buf, v.str...)
	case jString:
		return AppendJSONString(buf, v.str)
	case jArray:
		buf = append(buf, '[')
		for i := range v.arr {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONValue(buf, &v.arr[i])
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i := range v.keys {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = AppendJSONString(buf, v.keys[i])
			buf = append(buf, ": "...)
			buf = appendJSONValue(buf, &v.vals[i])
		}
		return append(buf, '}')
	}
}

// AppendJSONString appends s as a JSON string literal, quoted and escaped
// as PostgreSQL's escape_json does.
func AppendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		case '"':
			buf = append(buf, '\\', '"')
		case '\\':
			buf = append(buf, '\\', '\\')
		default:
			if c < ' ' {
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			} else {
				buf = append(buf, c)
			}
		}
	}
	return append(buf, '"')
}

// compareJSONB orders jsonb values like compareJsonbContainers: objects >
// arrays > booleans > numbers > strings > null, containers first by size,
// except that an empty top-level array sorts below everything.
func compareJSONB(a, b JSONVal) int {
	if a == b {
		return 0
	}
	va, err1 := parseJSONTree(string(a))
	vb, err2 := parseJSONTree(string(b))
	if err1 != nil || err2 != nil {
		return cmpStrings(string(a), string(b))
	}
	normalizeJSON(&va)
	normalizeJSON(&vb)
	return compareJSONValue(&va, &vb, true)
}

func compareJSONValue(a, b *jsonValue, top bool) int {
	if top {
		// Scalars are stored as one-element raw-scalar arrays; a real
		// empty array sorts first.
		ea := a.kind == jArray && len(a.arr) == 0
		eb := b.kind == jArray && len(b.arr) == 0
		if ea != eb {
			if ea {
				return -1
			}
			return 1
		}
	}
	if a.kind != b.kind {
		if a.kind < b.kind {
			return -1
		}
		return 1
	}
	switch a.kind {
	case jNull:
		return 0
	case jString:
		return cmpStrings(a.str, b.str)
	case jNumber:
		return compareNumeric(a.num, b.num)
	case jBool:
		return cmpBool(a.b, b.b)
	case jArray:
		if len(a.arr) != len(b.arr) {
			return cmpInt(int64(len(a.arr)), int64(len(b.arr)))
		}
		for i := range a.arr {
			if c := compareJSONValue(&a.arr[i], &b.arr[i], false); c != 0 {
				return c
			}
		}
		return 0
	default:
		if len(a.keys) != len(b.keys) {
			return cmpInt(int64(len(a.keys)), int64(len(b.keys)))
		}
		for i := range a.keys {
			if a.keys[i] != b.keys[i] {
				if jsonKeyLess(a.keys[i], b.keys[i]) {
					return -1
				}
				return 1
			}
			if c := compareJSONValue(&a.vals[i], &b.vals[i], false); c != 0 {
				return c
			}
		}
		return 0
	}
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	if a == b {
		return 0
	}
	if !a {
		return -1
	}
	return 1
}
