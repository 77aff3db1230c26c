package eval

import (
	"strconv"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Records (planner/field.go). A record value is its text form, the
// string record_out prints: ROW(...) formats its fields, a field
// selection parses the text back as record_in does and reads the field
// with its type's input function, and information_schema._pg_expandarray
// yields (x,n) records. Under (srf(...)).field a ProjectSet takes the
// field straight from _pg_expandarray without the text round trip.

func init() {
	impls[planner.FnRow] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		var buf []byte
		buf = append(buf, '(')
		for i, v := range a {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendRecordField(buf, x.Args[i].Type(), v, c.opts)
		}
		return string(append(buf, ')')), nil
	}
	impls[planner.FnFieldSelect] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return recordField(x.T, a[0].(string), int(a[1].(int64)), c.opts)
	}
	srfImpls[planner.FnPgExpandArray] = genExpandArray
	impls[planner.FnPgExpandArray] = impls[planner.FnUnnest]
}

// appendRecordField appends one field of record_out's text: nothing for
// NULL, else the value's text, double-quoted when empty or holding a
// quote, backslash, parenthesis, comma or white space (quotes and
// backslashes doubled inside).
func appendRecordField(buf []byte, t *types.T, v types.Datum, o *types.FormatOpts) []byte {
	if v == nil {
		return buf
	}
	start := len(buf)
	if s, ok := v.(string); ok && t.OID == types.OidRecord {
		buf = append(buf, s...)
	} else {
		buf = types.AppendText(buf, t, v, o)
	}
	quote := len(buf) == start
	for _, ch := range buf[start:] {
		switch ch {
		case '"', '\\', '(', ')', ',', ' ', '\t', '\n', '\r', '\v', '\f':
			quote = true
		}
	}
	if !quote {
		return buf
	}
	text := string(buf[start:])
	buf = append(buf[:start], '"')
	for i := 0; i < len(text); i++ {
		if text[i] == '"' || text[i] == '\\' {
			buf = append(buf, text[i])
		}
		buf = append(buf, text[i])
	}
	return append(buf, '"')
}

// recordFieldText finds field i of the record text s as record_in reads
// it: ok is false for a NULL field (nothing between the delimiters). A
// field without quotes or backslashes is a substring of s (no copy).
func recordFieldText(s string, i int) (field string, ok bool, err error) {
	bad := func() error {
		return pgerror.New(pgerror.InvalidTextRepresentation, "malformed record literal: \"%s\"", s)
	}
	if len(s) < 2 || s[0] != '(' {
		return "", false, bad()
	}
	p := 1
	for n := 0; ; n++ {
		// one field: [start, p) up to its delimiter
		start, plain := p, true
		inQuote := false
		for p < len(s) && (inQuote || (s[p] != ',' && s[p] != ')')) {
			switch s[p] {
			case '\\':
				plain = false
				p++
			case '"':
				plain = false
				if inQuote && p+1 < len(s) && s[p+1] == '"' {
					p++
				} else {
					inQuote = !inQuote
				}
			}
			p++
		}
		if p >= len(s) {
			return "", false, bad()
		}
		if n == i {
			if p == start {
				return "", false, nil
			}
			if plain {
				return s[start:p], true, nil
			}
			return unquoteRecordField(s[start:p]), true, nil
		}
		if s[p] == ')' {
			// fewer fields than the type has: PostgreSQL's record_in
			// rejects that; here it can only be NULL-padding.
			return "", false, nil
		}
		p++
	}
}

// unquoteRecordField removes record_out's quoting from one field: quotes
// delimit, "" inside quotes is a quote, a backslash escapes the next byte.
func unquoteRecordField(f string) string {
	buf := make([]byte, 0, len(f))
	inQuote := false
	for p := 0; p < len(f); p++ {
		switch ch := f[p]; {
		case ch == '\\' && p+1 < len(f):
			p++
			buf = append(buf, f[p])
		case ch == '"' && inQuote && p+1 < len(f) && f[p+1] == '"':
			p++
			buf = append(buf, '"')
		case ch == '"':
			inQuote = !inQuote
		default:
			buf = append(buf, ch)
		}
	}
	return string(buf)
}

// recordField is field i, of type t, of the record text rec.
func recordField(t *types.T, rec string, i int, o *types.FormatOpts) (types.Datum, error) {
	s, ok, err := recordFieldText(rec, i)
	if err != nil || !ok {
		return nil, err
	}
	if t.OID == types.OidRecord {
		return s, nil
	}
	return types.ParseText(t, s, o)
}

// genExpandArray is information_schema._pg_expandarray(arr): one (x,n)
// record per element, n counting from 1 whatever the array's lower bound
// (PostgreSQL's SQL definition subtracts array_lower and adds 1).
func genExpandArray(c *evalCtx, x *planner.Call, a []types.Datum) (valueGen, error) {
	arr := a[0].(*types.Array)
	elem := x.Args[0].Type().Elem
	if elem == nil {
		elem = types.Text
	}
	i := 0
	var buf []byte
	return func() (types.Datum, bool, error) {
		if i >= len(arr.Elems) {
			return nil, false, nil
		}
		i++
		buf = append(buf[:0], '(')
		buf = appendRecordField(buf, elem, arr.Elems[i-1], c.opts)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(i), 10)
		return string(append(buf, ')')), true, nil
	}, nil
}

// expandArrayField is (information_schema._pg_expandarray(arr)).x or .n
// (field 0 or 1) without building the records.
func expandArrayField(a []types.Datum, field int) valueGen {
	arr := a[0].(*types.Array)
	i := 0
	return func() (types.Datum, bool, error) {
		if i >= len(arr.Elems) {
			return nil, false, nil
		}
		i++
		if field == 0 {
			return arr.Elems[i-1], true, nil
		}
		return int64(i), true, nil
	}
}

// fieldGen narrows a set-returning call's record values to one field,
// for (srf(...)).field in a select list: fields lists the selections
// from the outermost in, calls the matching FieldSelect calls.
func fieldGen(c *evalCtx, g valueGen, calls []*planner.Call) valueGen {
	return func() (types.Datum, bool, error) {
		v, ok, err := g()
		if !ok || err != nil {
			return v, ok, err
		}
		for j := len(calls) - 1; j >= 0 && v != nil; j-- {
			if v, err = recordField(calls[j].T, v.(string), planner.FieldSelectIndex(calls[j]), c.opts); err != nil {
				return nil, false, err
			}
		}
		return v, true, nil
	}
}
