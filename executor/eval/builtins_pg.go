package eval

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Implementations behind PostgreSQL syntax that sql/parser rewrites: the
// JSON operators, jsonb - / || / #-, timezone (AT TIME ZONE) and
// similar_to_escape (SIMILAR TO).

func init() {
	impls[planner.FnJSONGet] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonOut(x.Args[0].Type(), jsonStep(a, x.Args[0].Type().OID == types.OidJSONB), false), nil
	}
	impls[planner.FnJSONGetText] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonOut(x.Args[0].Type(), jsonStep(a, x.Args[0].Type().OID == types.OidJSONB), true), nil
	}
	impls[planner.FnJSONGetPath] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonOut(x.Args[0].Type(), jsonPathArray(a), false), nil
	}
	impls[planner.FnJSONGetPathTxt] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonOut(x.Args[0].Type(), jsonPathArray(a), true), nil
	}
	impls[planner.FnJSONBContains] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonbContains(jsonArg(a[0]), jsonArg(a[1])), nil
	}
	impls[planner.FnJSONBContained] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonbContains(jsonArg(a[1]), jsonArg(a[0])), nil
	}
	impls[planner.FnJSONBExists] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonbExists(jsonArg(a[0]), a[1].(string)), nil
	}
	impls[planner.FnJSONBExistsAny] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonbExistsKeys(jsonArg(a[0]), a[1].(*types.Array), true), nil
	}
	impls[planner.FnJSONBExistsAll] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonbExistsKeys(jsonArg(a[0]), a[1].(*types.Array), false), nil
	}
	impls[planner.FnJSONBDelete] = fnJSONBDelete
	impls[planner.FnJSONBDeletePath] = fnJSONBDeletePath
	impls[planner.FnJSONBConcat] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		l, r := jsonArg(a[0]), jsonArg(a[1])
		if l.kind == 'o' && r.kind == 'o' {
			// jsonb input keeps the last of duplicate keys: r wins.
			l.keys, l.vals = append(l.keys, r.keys...), append(l.vals, r.vals...)
			return jsonResult(types.JSONB, l.appendJSONB(nil))
		}
		out := &jsonNode{kind: 'a'}
		out.vals = append(jsonElems(l), jsonElems(r)...)
		return jsonResult(types.JSONB, out.appendJSONB(nil))
	}
	impls[planner.FnTimezone] = fnTimezone
	impls[planner.FnSimilarToEscape] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		esc, hasEsc := "", len(a) > 1
		if hasEsc {
			esc = a[1].(string)
		}
		return similarToRegex(a[0].(string), esc, hasEsc)
	}
}

func jsonArg(v types.Datum) *jsonNode { return parseJSONNode(string(v.(types.JSONVal))) }

// jsonElems is n's elements when it is an array, else n itself as the one
// element (jsonb ||).
func jsonElems(n *jsonNode) []*jsonNode {
	if n.kind == 'a' {
		return n.vals
	}
	return []*jsonNode{n}
}

// jsonStep is -> and ->>: an object field by text, an array element by
// integer (negative counts from the end); anything else is NULL.
func jsonStep(a []types.Datum, jsonb bool) *jsonNode {
	n := jsonArg(a[0])
	switch k := a[1].(type) {
	case string:
		if n.kind != 'o' {
			return nil
		}
		// The last of duplicate keys (json keeps them all) wins, as in
		// json_object_field.
		for i := len(n.keys) - 1; i >= 0; i-- {
			if n.keys[i] == k {
				return n.vals[i]
			}
		}
	case int64:
		if jsonb && n.kind != 'o' && n.kind != 'a' {
			// A jsonb scalar is stored as a one-element array.
			n = &jsonNode{kind: 'a', vals: []*jsonNode{n}}
		}
		if n.kind != 'a' {
			return nil
		}
		if k < 0 {
			k += int64(len(n.vals))
		}
		if k >= 0 && k < int64(len(n.vals)) {
			return n.vals[k]
		}
	}
	return nil
}

// jsonPathArray is #> and #>>: follow a text[] path.
func jsonPathArray(a []types.Datum) *jsonNode {
	path := a[1].(*types.Array)
	steps := make([]types.Datum, 0, len(path.Elems)+1)
	steps = append(steps, a[0])
	for _, e := range path.Elems {
		steps = append(steps, e)
	}
	return jsonPath(steps)
}

// jsonOut renders an extracted value as json(b) (t is the input's type)
// or, for the text operators, as text: strings unquoted, null as NULL.
func jsonOut(t *types.T, n *jsonNode, text bool) types.Datum {
	switch {
	case n == nil:
		return nil
	case text && n.kind == 'z':
		return nil
	case text && n.kind == 's':
		return n.str
	case t.OID == types.OidJSONB && text:
		return string(n.appendJSONB(nil))
	case t.OID == types.OidJSONB:
		return types.JSONVal(n.appendJSONB(nil))
	case text:
		return n.raw
	}
	return types.JSONVal(n.raw)
}

// jsonScalarEqual compares two jsonb scalars of the same kind.
func jsonScalarEqual(a, b *jsonNode) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case 's':
		return a.str == b.str
	case 'n':
		if a.raw == b.raw {
			return true
		}
		x, _, e1 := apd.NewFromString(a.raw)
		y, _, e2 := apd.NewFromString(b.raw)
		return e1 == nil && e2 == nil && x.Cmp(y) == 0
	case 'b':
		return a.raw == b.raw
	}
	return true // null
}

// jsonbContains is PostgreSQL's JsonbDeepContains at the top level: a raw
// scalar is a one-element array that contains only a raw scalar.
func jsonbContains(a, b *jsonNode) bool {
	aScalar, bScalar := a.kind != 'o' && a.kind != 'a', b.kind != 'o' && b.kind != 'a'
	switch {
	case aScalar && bScalar:
		return jsonScalarEqual(a, b)
	case aScalar:
		return false
	case bScalar:
		if a.kind != 'a' {
			return false
		}
		b = &jsonNode{kind: 'a', vals: []*jsonNode{b}}
	}
	return jsonContains(a, b)
}

// jsonContains is containment of containers of the same kind.
func jsonContains(a, b *jsonNode) bool {
	if a.kind != b.kind {
		return false
	}
	contained := func(av, bv *jsonNode) bool {
		if bv.kind == 'o' || bv.kind == 'a' {
			return jsonContains(av, bv)
		}
		return jsonScalarEqual(av, bv)
	}
	if a.kind == 'o' {
		for i, k := range b.keys {
			var av *jsonNode
			for j := len(a.keys) - 1; j >= 0; j-- {
				if a.keys[j] == k {
					av = a.vals[j]
					break
				}
			}
			if av == nil || !contained(av, b.vals[i]) {
				return false
			}
		}
		return true
	}
	for _, bv := range b.vals {
		found := false
		for _, av := range a.vals {
			if contained(av, bv) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// jsonbExists is ?: a top-level key, or a string element of an array (a
// raw string scalar counts as such an array).
func jsonbExists(n *jsonNode, k string) bool {
	switch n.kind {
	case 'o':
		for _, key := range n.keys {
			if key == k {
				return true
			}
		}
	case 'a':
		for _, v := range n.vals {
			if v.kind == 's' && v.str == k {
				return true
			}
		}
	case 's':
		return n.str == k
	}
	return false
}

// jsonbExistsKeys is ?| (any) and ?& (all); NULL keys are skipped.
func jsonbExistsKeys(n *jsonNode, keys *types.Array, any bool) bool {
	for _, e := range keys.Elems {
		if e == nil {
			continue
		}
		if jsonbExists(n, e.(string)) == any {
			return any
		}
	}
	return !any
}

func errDeleteScalar() error {
	return pgerror.New(pgerror.InvalidParameterValue, "cannot delete from scalar")
}

// fnJSONBDelete is jsonb - text, jsonb - int and jsonb - text[].
func fnJSONBDelete(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	n := jsonArg(a[0])
	if n.kind != 'o' && n.kind != 'a' {
		return nil, errDeleteScalar()
	}
	drop := map[string]bool{}
	switch k := a[1].(type) {
	case int64:
		if n.kind == 'o' {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot delete from object using integer index")
		}
		if k < 0 {
			k += int64(len(n.vals))
		}
		if k < 0 || k >= int64(len(n.vals)) {
			return a[0], nil
		}
		n.vals = append(n.vals[:k:k], n.vals[k+1:]...)
		return jsonResult(types.JSONB, n.appendJSONB(nil))
	case string:
		drop[k] = true
	case *types.Array:
		for _, e := range k.Elems {
			if e != nil {
				drop[e.(string)] = true
			}
		}
	}
	if n.kind == 'o' {
		keys, vals := n.keys[:0:0], n.vals[:0:0]
		for i, key := range n.keys {
			if !drop[key] {
				keys, vals = append(keys, key), append(vals, n.vals[i])
			}
		}
		n.keys, n.vals = keys, vals
	} else {
		vals := n.vals[:0:0]
		for _, v := range n.vals {
			if v.kind != 's' || !drop[v.str] {
				vals = append(vals, v)
			}
		}
		n.vals = vals
	}
	return jsonResult(types.JSONB, n.appendJSONB(nil))
}

// fnJSONBDeletePath is jsonb #- text[].
func fnJSONBDeletePath(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	n := jsonArg(a[0])
	if n.kind != 'o' && n.kind != 'a' {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot delete path in scalar")
	}
	path := a[1].(*types.Array)
	if len(path.Elems) == 0 {
		return a[0], nil
	}
	cur := n
	for i, e := range path.Elems {
		if e == nil {
			return nil, pgerror.New(pgerror.NullValueNotAllowed, "path element at position %d is null", i+1)
		}
		step := e.(string)
		last := i == len(path.Elems)-1
		var k int
		switch cur.kind {
		case 'o':
			k = -1
			for j := len(cur.keys) - 1; j >= 0; j-- {
				if cur.keys[j] == step {
					k = j
					break
				}
			}
			if k < 0 {
				return a[0], nil
			}
			if last {
				cur.keys = append(cur.keys[:k:k], cur.keys[k+1:]...)
				cur.vals = append(cur.vals[:k:k], cur.vals[k+1:]...)
			}
		case 'a':
			v, err := strconv.Atoi(strings.TrimSpace(step))
			if err != nil {
				return nil, pgerror.New(pgerror.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", i+1, step)
			}
			if v < 0 {
				v += len(cur.vals)
			}
			if v < 0 || v >= len(cur.vals) {
				return a[0], nil
			}
			k = v
			if last {
				cur.vals = append(cur.vals[:k:k], cur.vals[k+1:]...)
			}
		default:
			return a[0], nil
		}
		if last {
			break
		}
		cur = cur.vals[k]
	}
	return jsonResult(types.JSONB, n.appendJSONB(nil))
}

// fnTimezone is timezone(zone, x), x AT TIME ZONE zone: a timestamptz
// becomes the wall-clock time in zone, a timestamp is read as wall-clock
// time in zone.
func fnTimezone(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	var loc *time.Location
	switch z := a[0].(type) {
	case string:
		var err error
		if loc, err = zoneByName(z); err != nil {
			return nil, err
		}
	case types.IntervalVal:
		if z.Months != 0 || z.Days != 0 {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "interval time zone \"%s\" must not include months or days",
				string(types.AppendText(nil, types.Interval, z, nil)))
		}
		loc = time.FixedZone("", int(z.Micros/1000000))
	}
	switch v := a[1].(type) {
	case types.TimestampTZVal:
		return v.ToLocal(loc), nil
	case types.TimestampVal:
		return v.ToInstant(loc), nil
	}
	return nil, pgerror.New(pgerror.InternalError, "timezone: unexpected argument")
}

// zoneByName resolves a time zone as AT TIME ZONE does: UTC spellings, a
// POSIX offset ('+05' is five hours west of Greenwich), or a tz database
// name, case-insensitively for the common spellings.
func zoneByName(z string) (*time.Location, error) {
	s := strings.TrimSpace(z)
	switch strings.ToLower(s) {
	case "utc", "gmt", "z", "zulu", "etc/utc", "uct", "universal":
		return time.UTC, nil
	}
	if s != "" && (s[0] == '+' || s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		sign := -1 // POSIX: positive offsets are west of Greenwich
		body := s
		if s[0] == '+' || s[0] == '-' {
			if s[0] == '-' {
				sign = 1
			}
			body = s[1:]
		}
		h, m := body, "0"
		if i := strings.IndexByte(body, ':'); i >= 0 {
			h, m = body[:i], body[i+1:]
		}
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 == nil && err2 == nil && hh <= 15 && mm < 60 {
			return time.FixedZone(s, sign*(hh*3600+mm*60)), nil
		}
	}
	if loc, err := time.LoadLocation(s); err == nil && s != "" && s != "Local" {
		return loc, nil
	}
	return nil, pgerror.New(pgerror.InvalidParameterValue, "time zone \"%s\" not recognized", z)
}

// similarToRegex is PostgreSQL 15's similar_escape_internal: it turns a
// SIMILAR TO pattern into an anchored regular expression. esc is the
// escape character (default backslash when hasEsc is false; empty means
// none).
func similarToRegex(pat, esc string, hasEsc bool) (types.Datum, error) {
	var e rune = '\\'
	noEsc := false
	if hasEsc {
		switch utf8.RuneCountInString(esc) {
		case 0:
			noEsc = true
		case 1:
			e, _ = utf8.DecodeRuneInString(esc)
		default:
			return nil, pgerror.New(pgerror.InvalidEscapeSequence, "invalid escape string").
				WithHint("Escape string must be empty or one character.")
		}
	}
	out := make([]byte, 0, len(pat)+10)
	out = append(out, "^(?:"...)
	afterEscape, inClass := false, false
	nquotes, classPos := 0, 0
	for _, ch := range pat {
		switch {
		case afterEscape:
			if ch == '"' && !inClass {
				switch nquotes {
				case 0:
					out = append(out, "){1,1}?("...)
				case 1:
					out = append(out, "){1,1}(?:"...)
				default:
					return nil, pgerror.New("2200C", "SQL regular expression may not contain more than two escape-double-quote separators")
				}
				nquotes++
			} else {
				out = append(out, '\\')
				out = utf8.AppendRune(out, ch)
				classPos = 3
			}
			afterEscape = false
		case !noEsc && ch == e:
			afterEscape = true
		case inClass:
			if ch == '\\' {
				out = append(out, '\\')
			}
			out = utf8.AppendRune(out, ch)
			switch {
			case ch == ']' && classPos > 2:
				inClass = false
			case ch == '^' && classPos == 1:
				classPos = 2
			default:
				classPos = 3
			}
		case ch == '[':
			out = append(out, '[')
			inClass, classPos = true, 1
		case ch == '%':
			out = append(out, ".*"...)
		case ch == '_':
			out = append(out, '.')
		case ch == '(':
			out = append(out, "(?:"...)
		case ch == '\\' || ch == '.' || ch == '^' || ch == '$':
			out = append(out, '\\', byte(ch))
		default:
			out = utf8.AppendRune(out, ch)
		}
	}
	out = append(out, ")$"...)
	return string(out), nil
}
