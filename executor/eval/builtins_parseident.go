package eval

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func init() {
	impls[planner.FnParseIdent] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		strict := len(a) < 2 || a[1] == true
		parts, err := ParseIdent(a[0].(string), strict)
		if err != nil {
			return nil, err
		}
		out := &types.Array{Elem: types.Text, Elems: make([]any, len(parts))}
		for i, p := range parts {
			out.Elems[i] = p
		}
		return out, nil
	}
}

// ParseIdent is parse_ident(s, strict): the dot-separated identifiers of
// s, unquoted ones folded to lower case, quoted ones as written (a doubled
// quote stands for one), as PostgreSQL's parse_ident in varlena.c. Without
// strict, text after the last identifier is ignored.
func ParseIdent(s string, strict bool) ([]string, error) {
	invalid := func(detail string) error {
		e := pgerror.New(pgerror.InvalidParameterValue, "string is not a valid identifier: \"%s\"", s)
		if detail != "" {
			e = e.WithDetail("%s", detail)
		}
		return e
	}
	isSpace := func(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v' }
	var parts []string
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '"' {
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, invalid("String has unclosed double quotes.")
				}
				b.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			if b.Len() == 0 {
				return nil, invalid("Quoted identifier must not be empty.")
			}
			parts = append(parts, b.String())
		} else {
			j := i
			for j < len(s) && isIdentByte(s[j], j > i) {
				j++
			}
			if j == i {
				if len(parts) == 0 {
					return nil, invalid("No valid identifier before \".\".")
				}
				return nil, invalid("No valid identifier after \".\".")
			}
			parts = append(parts, strings.ToLower(s[i:j]))
			i = j
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		if i < len(s) && strict {
			return nil, invalid("")
		}
		return parts, nil
	}
}

// isIdentByte reports whether b may be in an unquoted identifier (at its
// start when !later); bytes of multibyte characters always may.
func isIdentByte(b byte, later bool) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b >= 0x80 ||
		later && (b >= '0' && b <= '9' || b == '$')
}
