package parser

// AppendQuoteIdent appends s as PostgreSQL's quote_ident (and ruleutils'
// quote_identifier) writes it: bare when it is a lower-case identifier
// that is not a keyword outside the unreserved category, else in double
// quotes with inner quotes doubled.
func AppendQuoteIdent(buf []byte, s string) []byte {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		ch := s[i]
		safe = ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_'
	}
	if cat := pgKeywords[s]; safe && (cat == 0 || cat == 'U') {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '"')
}
