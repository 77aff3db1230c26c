package parser

import "strings"

// literalTypes are the type names that may prefix a string literal
// (`date '2020-01-01'`): PostgreSQL accepts any type name there, but only
// known ones are safe to recognise without a grammar.
var literalTypes = map[string]bool{
	"date": true, "time": true, "timestamp": true, "timestamptz": true, "timetz": true,
	"interval": true, "int2": true, "int4": true, "int8": true, "smallint": true,
	"integer": true, "int": true, "bigint": true, "real": true, "float4": true,
	"float8": true, "float": true, "numeric": true, "decimal": true, "bool": true,
	"boolean": true, "text": true, "varchar": true, "char": true, "character": true,
	"bpchar": true, "json": true, "jsonb": true, "uuid": true, "bytea": true,
	"inet": true, "cidr": true, "macaddr": true, "oid": true, "regclass": true,
	"regtype": true, "regproc": true, "regprocedure": true, "regnamespace": true,
	"regrole": true, "regoper": true, "name": true, "money": true, "point": true,
	"bit": true, "varbit": true, "xml": true, "double": true, "pg_catalog": true,
	"tsvector": true, "tsquery": true, "pg_lsn": true, "xid": true,
}

// intervalFields are the field words of INTERVAL types.
var intervalFields = map[string]bool{
	"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true,
}

// typeName parses a PostgreSQL type name starting at token i and returns it
// normalised (lower-case words separated by one space, modifiers without
// spaces, array brackets as []), the index after it and whether it parsed.
// On failure the index is the offending token.
func (r *rewriter) typeName(i int) (string, int, bool) {
	return parseTypeName(r.toks, i)
}

func parseTypeName(toks []token, i int) (string, int, bool) {
	tok := func(j int) *token {
		if j < len(toks) {
			return &toks[j]
		}
		return &token{kind: tkEOF}
	}
	var b strings.Builder
	t := tok(i)
	switch t.kind {
	case tkIdent:
		b.WriteString(t.val)
	case tkQIdent:
		if t.val == "char" || t.val != foldIdent(t.val) {
			b.WriteString(`"` + t.val + `"`)
		} else {
			b.WriteString(t.val)
		}
	default:
		return "", i, false
	}
	j := i + 1
	w := t.val
	if t.kind == tkIdent {
		switch w {
		case "double":
			if tok(j).is("precision") {
				b.WriteString(" precision")
				j++
			}
		case "character", "char", "nchar", "national":
			if w == "national" && (tok(j).is("character") || tok(j).is("char")) {
				b.WriteString(" " + tok(j).val)
				j++
			}
			if tok(j).is("varying") {
				b.WriteString(" varying")
				j++
			}
		case "bit":
			if tok(j).is("varying") {
				b.WriteString(" varying")
				j++
			}
		}
	}
	// qualified name
	for tok(j).isSelf('.') && (tok(j+1).kind == tkIdent || tok(j+1).kind == tkQIdent) {
		b.WriteByte('.')
		if q := tok(j + 1); q.kind == tkQIdent && q.val != foldIdent(q.val) {
			b.WriteString(`"` + strings.ReplaceAll(q.val, `"`, `""`) + `"`)
		} else {
			b.WriteString(q.val)
		}
		j += 2
	}
	// modifiers
	if tok(j).isSelf('(') {
		k := j + 1
		b.WriteByte('(')
		for ; ; k++ {
			tk := tok(k)
			if tk.kind == tkEOF {
				return "", k, false
			}
			if tk.isSelf(')') {
				break
			}
			switch tk.kind {
			case tkNumber, tkIdent:
				b.WriteString(tk.val)
			case tkSelf:
				if tk.val != "," {
					return "", k, false
				}
				b.WriteByte(',')
			case tkOp:
				if tk.val != "-" && tk.val != "+" {
					return "", k, false
				}
				b.WriteString(tk.val)
			default:
				if tk.val == "-" || tk.val == "+" {
					b.WriteString(tk.val)
					continue
				}
				return "", k, false
			}
		}
		b.WriteByte(')')
		j = k + 1
	}
	if t.kind == tkIdent && (w == "timestamp" || w == "time") {
		if (tok(j).is("with") || tok(j).is("without")) && tok(j+1).is("time") && tok(j+2).is("zone") {
			b.WriteString(" " + tok(j).val + " time zone")
			j += 3
		}
	}
	if t.kind == tkIdent && w == "interval" {
		j = intervalFieldsAt(toks, j, &b)
	}
	// array bounds
	for {
		if tok(j).isSelf('[') {
			k := j + 1
			if tok(k).kind == tkNumber {
				k++
			}
			if !tok(k).isSelf(']') {
				return "", k, false
			}
			b.WriteString("[]")
			j = k + 1
			continue
		}
		if tok(j).is("array") {
			b.WriteString("[]")
			j++
			if tok(j).isSelf('[') && tok(j+1).kind == tkNumber && tok(j+2).isSelf(']') {
				j += 3
			}
			continue
		}
		break
	}
	return b.String(), j, true
}

// intervalFieldsAt appends INTERVAL field qualifiers (`day`, `year to
// month`, `second(3)`) starting at j.
func intervalFieldsAt(toks []token, j int, b *strings.Builder) int {
	tok := func(j int) *token {
		if j < len(toks) {
			return &toks[j]
		}
		return &token{kind: tkEOF}
	}
	if tok(j).kind != tkIdent || !intervalFields[tok(j).val] {
		return j
	}
	b.WriteString(" " + tok(j).val)
	j++
	if tok(j).is("to") && tok(j+1).kind == tkIdent && intervalFields[tok(j+1).val] {
		b.WriteString(" to " + tok(j+1).val)
		j += 2
	}
	if tok(j).isSelf('(') && tok(j+1).kind == tkNumber && tok(j+2).isSelf(')') {
		b.WriteString("(" + tok(j+1).val + ")")
		j += 3
	}
	return j
}

// typedLiteral recognises `type 'string'` at token i and returns the type,
// the string token's index and the index after the construct.
func (r *rewriter) typedLiteral(i int) (typ string, str, next int, ok bool) {
	t := &r.toks[i]
	if !literalTypes[t.val] {
		return "", 0, 0, false
	}
	if t.val == "pg_catalog" && !r.tok(i+1).isSelf('.') {
		return "", 0, 0, false
	}
	typ, j, ok := r.typeName(i)
	if !ok || r.tok(j).kind != tkString || j >= len(r.toks) {
		return "", 0, 0, false
	}
	str = j
	next = j + 1
	if strings.HasPrefix(typ, "interval") && typ == "interval" {
		var b strings.Builder
		b.WriteString(typ)
		next = intervalFieldsAt(r.toks, next, &b)
		typ = b.String()
	}
	return typ, str, next, true
}

// tidbTypes maps PostgreSQL column types to a TiDB type that parses; the
// PostgreSQL type itself travels in Statement.ColumnTypes.
var tidbTypes = map[string]string{
	"int2": "smallint", "smallint": "smallint", "smallserial": "smallint", "serial2": "smallint",
	"int4": "int", "int": "int", "integer": "int", "serial": "int", "serial4": "int",
	"int8": "bigint", "bigint": "bigint", "bigserial": "bigint", "serial8": "bigint",
	"float4": "float", "real": "float", "float8": "double", "double precision": "double",
	"float": "double", "numeric": "decimal(65,30)", "decimal": "decimal(65,30)",
	"text": "text", "varchar": "text", "character varying": "text", "char varying": "text",
	"char": "char(1)", "character": "char(1)", "bpchar": "text", "name": "text",
	"bool": "boolean", "boolean": "boolean", "bytea": "blob", "date": "date",
	"timestamp": "datetime(6)", "timestamp without time zone": "datetime(6)",
	"timestamptz": "datetime(6)", "timestamp with time zone": "datetime(6)",
	"time": "time(6)", "time without time zone": "time(6)", "timetz": "time(6)",
	"time with time zone": "time(6)", "json": "json", "jsonb": "json",
	"uuid": "char(36)", "oid": "bigint",
}

// ddlType handles a column type in CREATE/ALTER TABLE at token i: it emits
// a TiDB type and records the PostgreSQL type for the column.
func (r *rewriter) ddlType(i int) (int, bool) {
	if i < 2 {
		return 0, false
	}
	prev, pp := &r.toks[i-1], &r.toks[i-2]
	col := ""
	switch {
	case prev.is("type") && (pp.kind == tkIdent || pp.kind == tkQIdent):
		// ALTER COLUMN c [SET DATA] TYPE t
		k := i - 2
		if pp.is("data") && k >= 2 && r.toks[k-1].is("set") {
			k -= 2
		}
		col = r.toks[k].val
	case prev.is("like") && (pp.isSelf('(') || pp.isSelf(',')):
		// CREATE TABLE t (LIKE src): a relation's name, not a column's type.
		return 0, false
	case (prev.kind == tkIdent && pgKeywords[prev.val] != 'R' || prev.kind == tkQIdent) &&
		(pp.isSelf('(') || pp.isSelf(',') || pp.is("column") || pp.is("add") || pp.is("exists")):
		// A column list opens after the table's name: `check (a in ..)`
		// and `check ((a between ..))` are expressions, not columns.
		if pp.isSelf('(') && i >= 3 && !(r.toks[i-3].kind == tkQIdent || r.toks[i-3].kind == tkIdent && pgKeywords[r.toks[i-3].val] != 'R') {
			return 0, false
		}
		col = prev.val
	default:
		return 0, false
	}
	typ, j, ok := r.typeName(i)
	if !ok {
		return 0, false
	}
	base := typ
	if k := strings.IndexByte(base, '('); k >= 0 {
		base = base[:k] + base[strings.IndexByte(base, ')')+1:]
	}
	tt, known := tidbTypes[base]
	switch {
	case strings.HasSuffix(typ, "[]"):
		tt = "text"
	case !known:
		tt = "text"
	case (base == "numeric" || base == "decimal") && base != typ:
		tt = "decimal" + typ[len(base):]
	case (base == "varchar" || base == "character varying") && base != typ:
		tt = "varchar" + typ[len(base):]
	case (base == "char" || base == "character") && base != typ:
		tt = "char" + typ[len(base):]
	}
	if r.colTypes == nil {
		r.colTypes = make(map[string]string)
	}
	r.colTypes[col] = typ
	t := &r.toks[i]
	r.add(piece{text: tt, orig: t.pos, origEnd: r.toks[j-1].end, space: true})
	return j, true
}
