package types

import (
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// ParseTypeName parses an SQL type name as written in casts and column
// definitions: SQL spellings ("integer", "double precision",
// "character varying(10)", "timestamp(3) with time zone", "interval day to
// second"), internal names ("int4", "_int4", "bpchar"), an optional
// "pg_catalog." schema, quoted identifiers ("\"char\""), modifiers and
// array suffixes ("text[]", "int[3]", "integer array"). It returns the type
// and its typmod (-1 when none). Unknown names fail with 42704
// `type "foo" does not exist`.
func ParseTypeName(s string) (*T, int32, error) {
	toks, err := lexTypeName(s)
	if err != nil {
		return nil, -1, err
	}
	if len(toks) == 0 {
		return nil, -1, pgerror.New(pgerror.SyntaxError, "syntax error at end of input")
	}
	// Schema qualification: only pg_catalog (and public for nothing).
	if len(toks) >= 3 && toks[1].text == "." && !toks[0].quoted {
		if toks[0].text != "pg_catalog" {
			return nil, -1, pgerror.New(pgerror.InvalidSchemaName, "schema \"%s\" does not exist", toks[0].text)
		}
		t, typmod, err := parseUnqualified(toks[2:])
		if pe, ok := err.(*pgerror.Error); ok && pe.Code == pgerror.UndefinedObject && strings.HasPrefix(pe.Message, "type \"") {
			pe.Message = "type \"pg_catalog." + pe.Message[len("type \""):]
		}
		return t, typmod, err
	}
	return parseUnqualified(toks)
}

func parseUnqualified(toks []tok) (*T, int32, error) {
	// Array suffixes.
	isArray := false
	for len(toks) > 0 {
		last := toks[len(toks)-1]
		if last.text == "]" && !last.quoted {
			k := len(toks) - 2
			for k >= 0 && toks[k].text != "[" {
				k--
			}
			if k < 0 {
				return nil, -1, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"]\"")
			}
			toks = toks[:k]
			isArray = true
			continue
		}
		if last.text == "array" && !last.quoted && len(toks) > 1 {
			toks = toks[:len(toks)-1]
			isArray = true
			continue
		}
		break
	}
	// Modifiers in parentheses (possibly in the middle for timestamp(3)
	// with time zone).
	var mods []string
	var words []tok
	for i := 0; i < len(toks); i++ {
		if toks[i].text == "(" && !toks[i].quoted {
			j := i + 1
			for j < len(toks) && toks[j].text != ")" {
				if toks[j].text != "," {
					mods = append(mods, toks[j].text)
				}
				j++
			}
			if j >= len(toks) {
				return nil, -1, pgerror.New(pgerror.SyntaxError, "syntax error at end of input")
			}
			i = j
			continue
		}
		words = append(words, toks[i])
	}
	t, typmod, err := resolveTypeWords(words, mods)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && isArray && pe.Code == pgerror.UndefinedObject && strings.HasSuffix(pe.Message, "\" does not exist") {
			pe.Message = strings.TrimSuffix(pe.Message, "\" does not exist") + "[]\" does not exist"
		}
		return nil, -1, err
	}
	if isArray {
		if t.Array == nil {
			return nil, -1, pgerror.New(pgerror.UndefinedObject, "could not find array type for data type %s", t.SQLName)
		}
		t = t.Array
	}
	return t, typmod, nil
}

type tok struct {
	text   string
	quoted bool
}

func lexTypeName(s string) ([]tok, error) {
	var toks []tok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(s) {
					return nil, pgerror.New(pgerror.SyntaxError, "unterminated quoted identifier at or near \"%s\"", s[i:])
				}
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, tok{b.String(), true})
			i = j + 1
		case c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '.':
			toks = append(toks, tok{s[i : i+1], false})
			i++
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && !strings.ContainsRune("()[],.\"", rune(s[j])) {
				j++
			}
			toks = append(toks, tok{strings.ToLower(s[i:j]), false})
			i = j
		}
	}
	return toks, nil
}

func errNoType(name string) error {
	return pgerror.New(pgerror.UndefinedObject, "type \"%s\" does not exist", name)
}

func resolveTypeWords(words []tok, mods []string) (*T, int32, error) {
	if len(words) == 0 {
		return nil, -1, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"(\"")
	}
	if len(words) == 1 && words[0].quoted {
		// A quoted name is taken literally: "char", "int4", never SQL
		// keywords' special forms.
		name := words[0].text
		if name == "char" {
			return Char, -1, nil
		}
		t := byName[name]
		if t == nil || t.Name != name {
			// Aliases such as integer are grammar keywords, not pg_type names.
			return nil, -1, errNoType(name)
		}
		return withMods(t, mods, false)
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.text
	}
	name := strings.Join(parts, " ")
	// Normalise the multi-word SQL spellings.
	switch {
	case name == "double precision":
		return withMods(Float8, mods, false)
	case name == "float":
		return floatWithPrecision(mods)
	case name == "character varying" || name == "char varying" || name == "varchar":
		return withMods(Varchar, mods, false)
	case name == "character" || name == "char" || name == "nchar" || name == "national character":
		// char without a length means char(1).
		return withMods(Bpchar, mods, true)
	case name == "timestamp" || name == "timestamp without time zone":
		return withMods(Timestamp, mods, false)
	case name == "timestamptz" || name == "timestamp with time zone":
		return withMods(TimestampTZ, mods, false)
	case name == "time" || name == "time without time zone":
		return withMods(Time, mods, false)
	case name == "bit varying" || name == "time with time zone" || name == "timetz":
		return nil, -1, pgerror.New(pgerror.FeatureNotSupported, "type %s is not supported", name)
	case strings.HasPrefix(name, "interval"):
		return intervalWithFields(strings.TrimSpace(strings.TrimPrefix(name, "interval")), mods)
	}
	if len(words) > 1 {
		return nil, -1, errNoType(name)
	}
	t := byName[name]
	if t == nil {
		return nil, -1, errNoType(name)
	}
	return withMods(t, mods, false)
}

// parseModInt reads one modifier. Only the generic modifier list (numeric)
// takes signed values; char, timestamp, float and interval take an
// unsigned integer in the grammar, so a minus sign is a syntax error.
func parseModInt(m string, signed bool) (int, error) {
	if !signed && strings.HasPrefix(m, "-") {
		return 0, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"-\"")
	}
	v, err := strconv.Atoi(m)
	if err != nil {
		return 0, pgerror.New(pgerror.SyntaxError, "type modifiers must be simple constants or identifiers")
	}
	return v, nil
}

// withMods validates modifiers like each type's typmodin function.
func withMods(t *T, mods []string, charDefault1 bool) (*T, int32, error) {
	if len(mods) == 0 {
		if charDefault1 {
			return t, 1 + varHdrSz, nil
		}
		return t, -1, nil
	}
	vals := make([]int, len(mods))
	for i, m := range mods {
		v, err := parseModInt(m, t.OID == OidNumeric)
		if err != nil {
			return nil, -1, err
		}
		vals[i] = v
	}
	switch t.OID {
	case OidVarchar, OidBpchar:
		name := "varchar"
		if t.OID == OidBpchar {
			name = "char"
		}
		if len(vals) != 1 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "invalid type modifier")
		}
		if vals[0] < 1 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "length for type %s must be at least 1", name)
		}
		if vals[0] > 10485760 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "length for type %s cannot exceed %d", name, 10485760)
		}
		return t, int32(vals[0] + varHdrSz), nil
	case OidNumeric:
		if len(vals) > 2 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "invalid NUMERIC type modifier")
		}
		p, s := vals[0], 0
		if len(vals) == 2 {
			s = vals[1]
		}
		if p < 1 || p > 1000 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "NUMERIC precision %d must be between 1 and %d", p, 1000)
		}
		if s < -1000 || s > 1000 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "NUMERIC scale %d must be between %d and %d", s, -1000, 1000)
		}
		return t, NumericTypmod(p, s), nil
	case OidTimestamp, OidTimestampTZ, OidTime:
		if len(vals) != 1 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "invalid type modifier")
		}
		p := vals[0]
		name, suffix := "TIMESTAMP", ""
		switch t.OID {
		case OidTime:
			name = "TIME"
		case OidTimestampTZ:
			suffix = " WITH TIME ZONE"
		}
		if p < 0 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "%s(%d)%s precision must not be negative", name, p, suffix)
		}
		if p > 6 {
			p = 6 // PostgreSQL warns and reduces to the maximum.
		}
		return t, int32(p), nil
	}
	return nil, -1, pgerror.New(pgerror.SyntaxError, "type modifier is not allowed for type \"%s\"", t.Name)
}

func floatWithPrecision(mods []string) (*T, int32, error) {
	if len(mods) == 0 {
		return Float8, -1, nil
	}
	p, err := parseModInt(mods[0], false)
	if err != nil {
		return nil, -1, err
	}
	switch {
	case p < 1:
		return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "precision for type float must be at least 1 bit")
	case p <= 24:
		return Float4, -1, nil
	case p <= 53:
		return Float8, -1, nil
	}
	return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "precision for type float must be less than 54 bits")
}

var intervalFields = map[string]int{
	"year": IntervalRangeYear, "month": IntervalRangeMonth, "day": IntervalRangeDay,
	"hour": IntervalRangeHour, "minute": IntervalRangeMinute, "second": IntervalRangeSecond,
	"year to month":    IntervalRangeYear | IntervalRangeMonth,
	"day to hour":      IntervalRangeDay | IntervalRangeHour,
	"day to minute":    IntervalRangeDay | IntervalRangeHour | IntervalRangeMinute,
	"day to second":    IntervalRangeDay | IntervalRangeHour | IntervalRangeMinute | IntervalRangeSecond,
	"hour to minute":   IntervalRangeHour | IntervalRangeMinute,
	"hour to second":   IntervalRangeHour | IntervalRangeMinute | IntervalRangeSecond,
	"minute to second": IntervalRangeMinute | IntervalRangeSecond,
}

func intervalWithFields(fields string, mods []string) (*T, int32, error) {
	rng := IntervalFullRange
	if fields != "" {
		r, ok := intervalFields[fields]
		if !ok {
			return nil, -1, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", fields)
		}
		rng = r
	}
	prec := IntervalFullPrec
	if len(mods) > 0 {
		p, err := parseModInt(mods[0], false)
		if err != nil {
			return nil, -1, err
		}
		if p < 0 {
			return nil, -1, pgerror.New(pgerror.InvalidParameterValue, "interval(%d) precision must not be negative", p)
		}
		if p > 6 {
			p = 6
		}
		prec = p
	}
	if rng == IntervalFullRange && prec == IntervalFullPrec {
		return Interval, -1, nil
	}
	return Interval, IntervalTypmod(rng, prec), nil
}
