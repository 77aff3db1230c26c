package eval

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnJSONBuildObject] = fnJSONBuildObject
	impls[planner.FnJSONBuildArray] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		buf := []byte{'['}
		for i, v := range a {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONDatum(buf, x.Args[i].Type(), v, c.opts)
		}
		return jsonResult(x.T, append(buf, ']'))
	}
	impls[planner.FnToJSON] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return jsonResult(x.T, appendJSONDatum(nil, x.Args[0].Type(), a[0], c.opts))
	}
	impls[planner.FnJSONTypeof] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := parseJSONNode(string(a[0].(types.JSONVal)))
		return [...]string{'o': "object", 'a': "array", 's': "string", 'n': "number", 'b': "boolean", 'z': "null"}[n.kind], nil
	}
	impls[planner.FnJSONArrayLength] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := parseJSONNode(string(a[0].(types.JSONVal)))
		switch n.kind {
		case 'a':
			return int64(len(n.vals)), nil
		case 'o':
			return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot get array length of a non-array")
		}
		return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot get array length of a scalar")
	}
	impls[planner.FnJSONBPretty] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := parseJSONNode(string(a[0].(types.JSONVal)))
		return string(n.appendPretty(nil, 0)), nil
	}
	impls[planner.FnJSONStripNulls] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := parseJSONNode(string(a[0].(types.JSONVal)))
		n.stripNulls()
		if x.T.OID == types.OidJSONB {
			return jsonResult(x.T, n.appendJSONB(nil))
		}
		return types.JSONVal(n.appendCompact(nil)), nil
	}
	impls[planner.FnJSONExtractPath] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := jsonPath(a)
		if n == nil {
			return nil, nil
		}
		if x.T.OID == types.OidJSONB {
			return jsonResult(x.T, n.appendJSONB(nil))
		}
		return types.JSONVal(n.raw), nil
	}
	impls[planner.FnJSONExtractPathText] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		n := jsonPath(a)
		switch {
		case n == nil || n.kind == 'z':
			return nil, nil
		case n.kind == 's':
			return n.str, nil
		case x.Args[0].Type().OID == types.OidJSONB:
			return string(n.appendJSONB(nil)), nil
		}
		return n.raw, nil
	}
	impls[planner.FnJSONBSet] = fnJSONBSet
}

// jsonResult makes a json or jsonb datum of built text (jsonb normalised).
func jsonResult(t *types.T, buf []byte) (types.Datum, error) {
	if t.OID == types.OidJSONB {
		return types.ParseText(types.JSONB, string(buf), nil)
	}
	return types.JSONVal(buf), nil
}

// textOfOpts is a datum's text output.
func textOfOpts(t *types.T, v types.Datum, o *types.FormatOpts) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(types.AppendText(nil, t, v, o))
}

// appendJSONDatum is to_json: a value as JSON (datum_to_json).
func appendJSONDatum(buf []byte, t *types.T, v types.Datum, o *types.FormatOpts) []byte {
	if v == nil {
		return append(buf, "null"...)
	}
	switch x := v.(type) {
	case bool:
		return strconv.AppendBool(buf, x)
	case int64:
		if t.OID == types.OidInt2 || t.OID == types.OidInt4 || t.OID == types.OidInt8 {
			return strconv.AppendInt(buf, x, 10)
		}
	case float64:
		s := types.AppendText(nil, t, x, o)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return types.AppendJSONString(buf, string(s))
		}
		return append(buf, s...)
	case *apd.Decimal:
		s := types.AppendText(nil, t, x, o)
		if x.Form != apd.Finite {
			return types.AppendJSONString(buf, string(s))
		}
		return append(buf, s...)
	case types.JSONVal:
		return append(buf, x...)
	case *types.Array:
		buf = append(buf, '[')
		for i, e := range x.Elems {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONDatum(buf, x.Elem, e, o)
		}
		return append(buf, ']')
	case types.TimestampVal, types.TimestampTZVal, types.DateVal:
		return types.AppendJSONString(buf, isoDatetime(t, v, o))
	}
	return types.AppendJSONString(buf, textOfOpts(t, v, o))
}

// isoDatetime is the XSD/ISO 8601 form json uses for dates and times.
func isoDatetime(t *types.T, v types.Datum, o *types.FormatOpts) string {
	s := string(types.AppendText(nil, t, v, o))
	if s == "infinity" || s == "-infinity" || t.OID == types.OidDate {
		return s
	}
	s = strings.Replace(s, " ", "T", 1)
	if t.OID == types.OidTimestampTZ {
		// +HH becomes +HH:MM.
		if i := strings.LastIndexAny(s, "+-"); i > 10 && len(s)-i == 3 {
			s += ":00"
		}
	}
	return s
}

func fnJSONBuildObject(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	name := x.Fn.Name
	if len(a)%2 != 0 {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "argument list must have even number of elements").
			WithHint("The arguments of %s() must consist of alternating keys and values.", name)
	}
	buf := []byte{'{'}
	for i := 0; i < len(a); i += 2 {
		if a[i] == nil {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "argument %d cannot be null", i+1).
				WithHint("Object keys should be text.")
		}
		kt := x.Args[i].Type()
		if kt.IsArray() || kt.OID == types.OidJSON || kt.OID == types.OidJSONB {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
		}
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = types.AppendJSONString(buf, textOfOpts(kt, a[i], c.opts))
		buf = append(buf, " : "...)
		buf = appendJSONDatum(buf, x.Args[i+1].Type(), a[i+1], c.opts)
	}
	return jsonResult(x.T, append(buf, '}'))
}

// jsonNode is a parsed JSON value; raw is its text as written.
type jsonNode struct {
	kind byte // o a s n b z
	raw  string
	str  string // decoded string
	keys []string
	vals []*jsonNode
}

// parseJSONNode parses text already validated by json/jsonb input.
func parseJSONNode(s string) *jsonNode {
	p := jsonScan{s: s}
	return p.value()
}

type jsonScan struct {
	s string
	i int
}

func (p *jsonScan) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonScan) value() *jsonNode {
	p.ws()
	n := &jsonNode{}
	start := p.i
	if p.i >= len(p.s) {
		n.kind = 'z'
		return n
	}
	switch ch := p.s[p.i]; {
	case ch == '{':
		n.kind = 'o'
		p.i++
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] == '}' {
				p.i++
				break
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			k := p.value()
			p.ws()
			p.i++ // ':'
			n.keys = append(n.keys, k.str)
			n.vals = append(n.vals, p.value())
		}
	case ch == '[':
		n.kind = 'a'
		p.i++
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] == ']' {
				p.i++
				break
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			n.vals = append(n.vals, p.value())
		}
	case ch == '"':
		n.kind = 's'
		p.i++
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		p.i++
		_ = json.Unmarshal([]byte(p.s[start:min(p.i, len(p.s))]), &n.str)
	default:
		for p.i < len(p.s) && !strings.ContainsRune(" \t\n\r,]}:", rune(p.s[p.i])) {
			p.i++
		}
		switch p.s[start:p.i] {
		case "true", "false":
			n.kind = 'b'
		case "null":
			n.kind = 'z'
		default:
			n.kind = 'n'
		}
	}
	n.raw = p.s[start:min(p.i, len(p.s))]
	return n
}

func (n *jsonNode) scalarText() string {
	if n.kind == 's' {
		return string(types.AppendJSONString(nil, n.str))
	}
	return n.raw
}

// appendJSONB writes n in jsonb's output form.
func (n *jsonNode) appendJSONB(buf []byte) []byte {
	switch n.kind {
	case 'o':
		buf = append(buf, '{')
		for i, k := range n.keys {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = types.AppendJSONString(buf, k)
			buf = append(buf, ": "...)
			buf = n.vals[i].appendJSONB(buf)
		}
		return append(buf, '}')
	case 'a':
		buf = append(buf, '[')
		for i, v := range n.vals {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = v.appendJSONB(buf)
		}
		return append(buf, ']')
	}
	return append(buf, n.scalarText()...)
}

// appendCompact writes n without whitespace between tokens (json
// functions that re-emit their input, such as json_strip_nulls).
func (n *jsonNode) appendCompact(buf []byte) []byte {
	switch n.kind {
	case 'o':
		buf = append(buf, '{')
		for i, k := range n.keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = types.AppendJSONString(buf, k)
			buf = append(buf, ':')
			buf = n.vals[i].appendCompact(buf)
		}
		return append(buf, '}')
	case 'a':
		buf = append(buf, '[')
		for i, v := range n.vals {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = v.appendCompact(buf)
		}
		return append(buf, ']')
	}
	return append(buf, n.raw...)
}

// appendPretty is jsonb_pretty's layout: four spaces per level.
func (n *jsonNode) appendPretty(buf []byte, level int) []byte {
	indent := func(l int) {
		buf = append(buf, '\n')
		for i := 0; i < l; i++ {
			buf = append(buf, "    "...)
		}
	}
	if n.kind != 'o' && n.kind != 'a' {
		return append(buf, n.scalarText()...)
	}
	open, close := byte('['), byte(']')
	if n.kind == 'o' {
		open, close = '{', '}'
	}
	buf = append(buf, open)
	for i, v := range n.vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		indent(level + 1)
		if n.kind == 'o' {
			buf = types.AppendJSONString(buf, n.keys[i])
			buf = append(buf, ": "...)
		}
		buf = v.appendPretty(buf, level+1)
	}
	// PostgreSQL breaks the line inside an empty container too.
	indent(level)
	return append(buf, close)
}

func (n *jsonNode) stripNulls() {
	if n.kind == 'o' {
		keys, vals := n.keys[:0], n.vals[:0]
		for i, v := range n.vals {
			if v.kind != 'z' {
				keys, vals = append(keys, n.keys[i]), append(vals, v)
			}
		}
		n.keys, n.vals = keys, vals
	}
	for _, v := range n.vals {
		v.stripNulls()
	}
}

// child follows one path step: an object key or an array index
// (negative counts from the end).
func (n *jsonNode) child(step string) (*jsonNode, int) {
	switch n.kind {
	case 'o':
		for i := len(n.keys) - 1; i >= 0; i-- {
			if n.keys[i] == step {
				return n.vals[i], i
			}
		}
	case 'a':
		k, err := strconv.Atoi(step)
		if err != nil {
			return nil, -1
		}
		if k < 0 {
			k += len(n.vals)
		}
		if k >= 0 && k < len(n.vals) {
			return n.vals[k], k
		}
	}
	return nil, -1
}

func jsonPath(a []types.Datum) *jsonNode {
	if a[0] == nil {
		return nil
	}
	n := parseJSONNode(string(a[0].(types.JSONVal)))
	for _, p := range a[1:] {
		if p == nil {
			return nil
		}
		if n, _ = n.child(p.(string)); n == nil {
			return nil
		}
	}
	return n
}

func fnJSONBSet(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	root := parseJSONNode(string(a[0].(types.JSONVal)))
	path := a[1].(*types.Array)
	repl := parseJSONNode(string(a[2].(types.JSONVal)))
	create := len(a) < 4 || a[3].(bool)
	if root.kind != 'o' && root.kind != 'a' {
		return nil, pgerror.New(pgerror.InvalidParameterValue, "cannot set path in scalar")
	}
	if len(path.Elems) == 0 {
		return a[0], nil
	}
	n := root
	for i, e := range path.Elems {
		if e == nil {
			return nil, pgerror.New(pgerror.NullValueNotAllowed, "path element at position %d is null", i+1)
		}
		step := e.(string)
		last := i == len(path.Elems)-1
		switch n.kind {
		case 'o':
			ch, k := n.child(step)
			switch {
			case ch != nil && last:
				n.vals[k] = repl
			case ch != nil:
				n = ch
				continue
			case last && create:
				n.keys, n.vals = append(n.keys, step), append(n.vals, repl)
			}
		case 'a':
			k, err := strconv.Atoi(strings.TrimSpace(step))
			if err != nil {
				return nil, pgerror.New(pgerror.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", i+1, step)
			}
			if k < 0 {
				k += len(n.vals)
			}
			switch {
			case k >= 0 && k < len(n.vals) && last:
				n.vals[k] = repl
			case k >= 0 && k < len(n.vals):
				n = n.vals[k]
				continue
			case last && create && k < 0:
				n.vals = append([]*jsonNode{repl}, n.vals...)
			case last && create:
				n.vals = append(n.vals, repl)
			}
		}
		break
	}
	return jsonResult(types.JSONB, root.appendJSONB(nil))
}
