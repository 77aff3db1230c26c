package parser

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// tokKind classifies a PostgreSQL token.
type tokKind uint8

const (
	tkEOF      tokKind = iota
	tkIdent            // unquoted identifier or keyword; val is folded to lower case
	tkQIdent           // "quoted identifier"; val is exact
	tkString           // any character string literal; val is the decoded content
	tkBitStr           // B'..' or X'..'; val holds the bits as '0'/'1' characters
	tkNumber           // numeric literal as written
	tkParam            // $n; n holds the number
	tkOp               // operator (PostgreSQL op_chars run, after PG's +/- trimming)
	tkSelf             // single punctuation character: ( ) [ ] , ; . :
	tkTypecast         // ::
	tkColonEq          // :=
	tkEqGt             // =>
)

// token is one lexeme of the user's text. pos and end are byte offsets into
// the full query string, so that errors and statement texts refer to what
// the client sent.
type token struct {
	kind tokKind
	pos  int
	end  int
	val  string
	n    int // parameter number for tkParam
}

// is reports whether t is the unquoted word w (w must be lower case).
func (t *token) is(w string) bool { return t.kind == tkIdent && t.val == w }

// isSelf reports whether t is the punctuation character c.
func (t *token) isSelf(c byte) bool {
	return t.kind == tkSelf && len(t.val) == 1 && t.val[0] == c
}

// lexer turns a query string into tokens following PostgreSQL 15's scan.l
// (standard_conforming_strings on).
type lexer struct {
	src  string
	pos  int
	toks []token
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isOpChar(c byte) bool {
	switch c {
	case '~', '!', '@', '#', '^', '&', '|', '`', '?', '+', '-', '*', '/', '%', '<', '>', '=':
		return true
	}
	return false
}

func isSelfChar(c byte) bool {
	switch c {
	case ',', '(', ')', '[', ']', '.', ';', ':', '+', '-', '*', '/', '%', '^', '<', '>', '=':
		return true
	}
	return false
}

// charPos converts a byte offset into PostgreSQL's 1-based character
// position.
func charPos(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return utf8.RuneCountInString(src[:off]) + 1
}

// lexError builds PostgreSQL's scanner error "msg at or near "rest"" whose
// token text is everything from off to the end, as PostgreSQL does for
// unterminated literals.
func lexError(src string, off int, msg string) *pgerror.Error {
	return pgerror.New(pgerror.SyntaxError, "%s at or near \"%s\"", msg, src[off:]).
		WithPosition(charPos(src, off))
}

// lex scans the whole query string.
func lex(src string) ([]token, error) {
	l := lexer{src: src, toks: make([]token, 0, len(src)/4+4)}
	for {
		if err := l.skipSpace(); err != nil {
			return nil, err
		}
		if l.pos >= len(src) {
			return l.toks, nil
		}
		if err := l.next(); err != nil {
			return nil, err
		}
	}
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() error {
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '-' && l.pos+1 < len(src) && src[l.pos+1] == '-':
			for l.pos < len(src) && src[l.pos] != '\n' && src[l.pos] != '\r' {
				l.pos++
			}
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*':
			start := l.pos
			depth := 0
			for {
				if l.pos+1 >= len(src) {
					return lexError(src, start, "unterminated /* comment")
				}
				if src[l.pos] == '/' && src[l.pos+1] == '*' {
					depth++
					l.pos += 2
				} else if src[l.pos] == '*' && src[l.pos+1] == '/' {
					depth--
					l.pos += 2
					if depth == 0 {
						break
					}
				} else {
					l.pos++
				}
			}
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) emit(kind tokKind, start int, val string) {
	l.toks = append(l.toks, token{kind: kind, pos: start, end: l.pos, val: val})
}

func (l *lexer) next() error {
	src := l.src
	start := l.pos
	c := src[start]
	switch {
	case c == '\'':
		return l.str(start, start, false)
	case (c == 'e' || c == 'E') && start+1 < len(src) && src[start+1] == '\'':
		return l.str(start, start+1, true)
	case (c == 'n' || c == 'N') && start+1 < len(src) && src[start+1] == '\'':
		return l.str(start, start+1, false)
	case (c == 'b' || c == 'B' || c == 'x' || c == 'X') && start+1 < len(src) && src[start+1] == '\'':
		return l.bitStr(start)
	case (c == 'u' || c == 'U') && start+2 < len(src) && src[start+1] == '&' && (src[start+2] == '\'' || src[start+2] == '"'):
		return l.unicode(start)
	case isIdentStart(c):
		l.pos++
		for l.pos < len(src) && isIdentCont(src[l.pos]) {
			l.pos++
		}
		l.emit(tkIdent, start, foldIdent(src[start:l.pos]))
		return nil
	case c == '"':
		return l.quotedIdent(start)
	case c == '$':
		if start+1 < len(src) && isDigit(src[start+1]) {
			l.pos++
			for l.pos < len(src) && isDigit(src[l.pos]) {
				l.pos++
			}
			n, err := strconv.Atoi(src[start+1 : l.pos])
			if err != nil || n > 65535 || n < 1 {
				return pgerror.New(pgerror.UndefinedParameter, "there is no parameter $%s", src[start+1:l.pos]).
					WithPosition(charPos(src, start))
			}
			l.toks = append(l.toks, token{kind: tkParam, pos: start, end: l.pos, val: src[start:l.pos], n: n})
			return nil
		}
		return l.dollar(start)
	case isDigit(c) || c == '.' && start+1 < len(src) && isDigit(src[start+1]):
		l.number(start)
		return nil
	case c == ':':
		if start+1 < len(src) && src[start+1] == ':' {
			l.pos += 2
			l.emit(tkTypecast, start, "::")
			return nil
		}
		if start+1 < len(src) && src[start+1] == '=' {
			l.pos += 2
			l.emit(tkColonEq, start, ":=")
			return nil
		}
		l.pos++
		l.emit(tkSelf, start, ":")
		return nil
	case isOpChar(c):
		l.operator(start)
		return nil
	case c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == '.' || c == ';':
		l.pos++
		l.emit(tkSelf, start, src[start:l.pos])
		return nil
	}
	// Anything else (a stray backslash, control character, ...) is a
	// token PostgreSQL's grammar rejects; report it as a syntax error there.
	_, size := utf8.DecodeRuneInString(src[start:])
	l.pos += size
	l.emit(tkOp, start, src[start:l.pos])
	return nil
}

// foldIdent lower-cases ASCII letters as PostgreSQL's downcase_identifier
// does for UTF8 databases; it avoids allocating for already-lower words.
func foldIdent(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (l *lexer) number(start int) {
	src := l.src
	for l.pos < len(src) && isDigit(src[l.pos]) {
		l.pos++
	}
	// A '.' starts a fraction unless it begins '..' (PostgreSQL's decimalfail).
	if l.pos < len(src) && src[l.pos] == '.' && !(l.pos+1 < len(src) && src[l.pos+1] == '.') {
		l.pos++
		for l.pos < len(src) && isDigit(src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(src) && (src[l.pos] == 'e' || src[l.pos] == 'E') {
		p := l.pos + 1
		if p < len(src) && (src[p] == '+' || src[p] == '-') {
			p++
		}
		if p < len(src) && isDigit(src[p]) {
			for p < len(src) && isDigit(src[p]) {
				p++
			}
			l.pos = p
		}
	}
	l.emit(tkNumber, start, src[start:l.pos])
}

func (l *lexer) operator(start int) {
	src := l.src
	p := start
	for p < len(src) && isOpChar(src[p]) {
		// A comment start ends the operator (scan.l's embedded-comment rule).
		if p > start && p+1 < len(src) && (src[p] == '-' && src[p+1] == '-' || src[p] == '/' && src[p+1] == '*') {
			break
		}
		p++
	}
	op := src[start:p]
	if len(op) > 1 && (op[len(op)-1] == '+' || op[len(op)-1] == '-') && !strings.ContainsAny(op, "~!@#^&|`?%") {
		// Trailing + or - belong to the next token unless the operator
		// contains a character that cannot end a SQL-standard operator.
		for len(op) > 1 && (op[len(op)-1] == '+' || op[len(op)-1] == '-') {
			op = op[:len(op)-1]
		}
	}
	l.pos = start + len(op)
	switch {
	case op == "=>":
		l.emit(tkEqGt, start, op)
	case len(op) == 1 && isSelfChar(op[0]):
		l.emit(tkSelf, start, op)
	case op == "!=":
		l.emit(tkOp, start, "<>")
	default:
		l.emit(tkOp, start, op)
	}
}

func (l *lexer) quotedIdent(start int) error {
	src := l.src
	var b strings.Builder
	p := start + 1
	seg := p
	for {
		if p >= len(src) {
			return lexError(src, start, "unterminated quoted identifier")
		}
		if src[p] == '"' {
			if p+1 < len(src) && src[p+1] == '"' {
				b.WriteString(src[seg : p+1])
				p += 2
				seg = p
				continue
			}
			b.WriteString(src[seg:p])
			p++
			break
		}
		p++
	}
	l.pos = p
	if b.Len() == 0 {
		return pgerror.New(pgerror.SyntaxError, "zero-length delimited identifier at or near \"%s\"", src[start:p]).
			WithPosition(charPos(src, start))
	}
	v := b.String()
	if len(v) > 63 {
		v = truncateIdent(v)
	}
	l.emit(tkQIdent, start, v)
	return nil
}

// truncateIdent cuts an identifier to NAMEDATALEN-1 bytes on a character
// boundary, as PostgreSQL does (it also emits a NOTICE, which we skip).
func truncateIdent(s string) string {
	n := 63
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// str scans a '..' (or E'..' when esc) literal whose opening quote is at q,
// including SQL's continuation of literals separated by a newline.
func (l *lexer) str(start, q int, esc bool) error {
	src := l.src
	var b strings.Builder
	p := q
	for {
		p++ // skip opening quote
		for {
			if p >= len(src) {
				return lexError(src, start, "unterminated quoted string")
			}
			c := src[p]
			if c == '\'' {
				if p+1 < len(src) && src[p+1] == '\'' {
					b.WriteByte('\'')
					p += 2
					continue
				}
				p++
				break
			}
			if esc && c == '\\' {
				n, err := l.escape(&b, p, start)
				if err != nil {
					return err
				}
				p = n
				continue
			}
			b.WriteByte(c)
			p++
		}
		l.pos = p
		q, ok := continuation(src, p)
		if !ok {
			break
		}
		p = q
	}
	v := b.String()
	if esc && !utf8.ValidString(v) {
		return invalidUTF8(v)
	}
	l.emit(tkString, start, v)
	return nil
}

// continuation reports whether the literal ending at p continues: SQL
// joins '..' literals separated by white space that contains a newline
// (scan.l's quotecontinue: blanks and -- comments only, no /* */), and
// returns the offset of the continuing quote.
func continuation(src string, p int) (int, bool) {
	nl := false
	for p < len(src) {
		c := src[p]
		switch {
		case c == '\n' || c == '\r':
			nl = true
			p++
		case isSpace(c):
			p++
		case c == '-' && p+1 < len(src) && src[p+1] == '-':
			for p < len(src) && src[p] != '\n' && src[p] != '\r' {
				p++
			}
		case c == '\'' && nl:
			return p, true
		default:
			return 0, false
		}
	}
	return 0, false
}

func invalidUTF8(v string) *pgerror.Error {
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && size == 1 {
			end := i + 1
			for end < len(v) && end < i+2 && !utf8.RuneStart(v[end]) {
				end++
			}
			var hex strings.Builder
			for j := i; j < end; j++ {
				if j > i {
					hex.WriteByte(' ')
				}
				hex.WriteString("0x")
				hex.WriteString(strconv.FormatUint(uint64(v[j])|0x100, 16)[1:])
			}
			return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", hex.String())
		}
		i += size
	}
	return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// escape decodes one backslash escape of an E” literal at p and returns
// the offset after it.
func (l *lexer) escape(b *strings.Builder, p, start int) (int, error) {
	src := l.src
	if p+1 >= len(src) {
		return 0, lexError(src, start, "unterminated quoted string")
	}
	c := src[p+1]
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'x':
		v, q := 0, p+2
		for q < len(src) && q < p+4 && hexVal(src[q]) >= 0 {
			v = v*16 + hexVal(src[q])
			q++
		}
		if q == p+2 {
			b.WriteByte('x') // \x without digits is just x
			return p + 2, nil
		}
		b.WriteByte(byte(v))
		return q, nil
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if p+2+n > len(src) {
			return 0, pgerror.New(pgerror.InvalidEscapeSequence, "invalid Unicode escape").
				WithHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.").WithPosition(charPos(src, p))
		}
		v := 0
		for i := 0; i < n; i++ {
			h := hexVal(src[p+2+i])
			if h < 0 {
				return 0, pgerror.New(pgerror.InvalidEscapeSequence, "invalid Unicode escape").
					WithHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.").WithPosition(charPos(src, p))
			}
			v = v*16 + h
		}
		if v == 0 || v > utf8.MaxRune || v >= 0xD800 && v <= 0xDFFF {
			// Surrogate pairs are rare in practice; we reject them.
			return 0, pgerror.New(pgerror.SyntaxError, "invalid Unicode escape value").WithPosition(charPos(src, p))
		}
		b.WriteRune(rune(v))
		return p + 2 + n, nil
	default:
		if c >= '0' && c <= '7' {
			v, q := 0, p+1
			for q < len(src) && q < p+4 && src[q] >= '0' && src[q] <= '7' {
				v = v*8 + int(src[q]-'0')
				q++
			}
			b.WriteByte(byte(v))
			return q, nil
		}
		// Any other character stands for itself (\\ \' and the rest); a
		// multi-byte character is copied whole.
		_, size := utf8.DecodeRuneInString(src[p+1:])
		b.WriteString(src[p+1 : p+1+size])
		return p + 1 + size, nil
	}
	return p + 2, nil
}

func (l *lexer) bitStr(start int) error {
	src := l.src
	hex := src[start] == 'x' || src[start] == 'X'
	p := start + 2
	for p < len(src) && src[p] != '\'' {
		p++
	}
	if p >= len(src) {
		if hex {
			return lexError(src, start, "unterminated hexadecimal string literal")
		}
		return lexError(src, start, "unterminated bit string literal")
	}
	body := src[start+2 : p]
	l.pos = p + 1
	// Continued segments (B'01'<newline>'1') append to the body.
	for {
		q, ok := continuation(src, l.pos)
		if !ok {
			break
		}
		e := strings.IndexByte(src[q+1:], '\'')
		if e < 0 {
			if hex {
				return lexError(src, start, "unterminated hexadecimal string literal")
			}
			return lexError(src, start, "unterminated bit string literal")
		}
		body += src[q+1 : q+1+e]
		l.pos = q + 1 + e + 1
	}
	var bits strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if hex {
			h := hexVal(c)
			if h < 0 {
				return pgerror.New(pgerror.InvalidTextRepresentation, "\"%c\" is not a valid hexadecimal digit", c)
			}
			for s := 3; s >= 0; s-- {
				bits.WriteByte('0' + byte(h>>s&1))
			}
		} else {
			if c != '0' && c != '1' {
				return pgerror.New(pgerror.InvalidTextRepresentation, "\"%c\" is not a valid binary digit", c)
			}
			bits.WriteByte(c)
		}
	}
	l.emit(tkBitStr, start, bits.String())
	return nil
}

// unicode scans U&'..' and U&".." (without UESCAPE support: the default
// escape character backslash only).
func (l *lexer) unicode(start int) error {
	src := l.src
	quote := src[start+2]
	p := start + 3
	var raw strings.Builder
	for {
		if p >= len(src) {
			if quote == '"' {
				return lexError(src, start, "unterminated quoted identifier")
			}
			return lexError(src, start, "unterminated quoted string")
		}
		if src[p] == quote {
			if p+1 < len(src) && src[p+1] == quote {
				raw.WriteByte(quote)
				p += 2
				continue
			}
			p++
			if quote == '\'' {
				if q, ok := continuation(src, p); ok {
					p = q + 1
					continue
				}
			}
			break
		}
		raw.WriteByte(src[p])
		p++
	}
	l.pos = p
	r := raw.String()
	var b strings.Builder
	for i := 0; i < len(r); {
		if r[i] != '\\' {
			b.WriteByte(r[i])
			i++
			continue
		}
		if i+1 < len(r) && r[i+1] == '\\' {
			b.WriteByte('\\')
			i += 2
			continue
		}
		n := 4
		j := i + 1
		if j < len(r) && r[j] == '+' {
			n = 6
			j++
		}
		if j+n > len(r) {
			return pgerror.New(pgerror.SyntaxError, "invalid Unicode escape").
				WithHint("Unicode escapes must be \\XXXX or \\+XXXXXX.").WithPosition(charPos(src, start))
		}
		v := 0
		for k := 0; k < n; k++ {
			h := hexVal(r[j+k])
			if h < 0 {
				return pgerror.New(pgerror.SyntaxError, "invalid Unicode escape").
					WithHint("Unicode escapes must be \\XXXX or \\+XXXXXX.").WithPosition(charPos(src, start))
			}
			v = v*16 + h
		}
		if v == 0 || v > utf8.MaxRune || v >= 0xD800 && v <= 0xDFFF {
			return pgerror.New(pgerror.SyntaxError, "invalid Unicode escape value").WithPosition(charPos(src, start))
		}
		b.WriteRune(rune(v))
		i = j + n
	}
	if quote == '"' {
		if b.Len() == 0 {
			return pgerror.New(pgerror.SyntaxError, "zero-length delimited identifier at or near \"%s\"", src[start:p]).
				WithPosition(charPos(src, start))
		}
		l.emit(tkQIdent, start, b.String())
		return nil
	}
	l.emit(tkString, start, b.String())
	return nil
}

// dollar scans $tag$..$tag$; a '$' that does not start a valid tag is an
// error token PostgreSQL's grammar rejects.
func (l *lexer) dollar(start int) error {
	src := l.src
	p := start + 1
	if p < len(src) && isIdentStart(src[p]) {
		p++
		for p < len(src) && (isIdentStart(src[p]) || isDigit(src[p])) {
			p++
		}
	}
	if p >= len(src) || src[p] != '$' {
		l.pos = start + 1
		l.emit(tkOp, start, "$")
		return nil
	}
	tag := src[start : p+1]
	body := p + 1
	i := strings.Index(src[body:], tag)
	if i < 0 {
		return lexError(src, start, "unterminated dollar-quoted string")
	}
	l.pos = body + i + len(tag)
	l.emit(tkString, start, src[body:body+i])
	return nil
}
