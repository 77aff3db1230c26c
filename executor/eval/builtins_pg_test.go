package eval

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzSimilarToEscape translates SIMILAR TO patterns: no panic, the
// result is anchored, and a pattern without special characters matches
// exactly itself.
func FuzzSimilarToEscape(f *testing.F) {
	for _, s := range []string{"abc", "a%", "_b", "(a|b)*", "a[bc]", "a[]]", "[^]a]", `a\%`, `a#"b#"c`, "a{2,3}", "%(b|d)%", "a.b^$"} {
		f.Add(s, "#", true)
		f.Add(s, "", false)
	}
	f.Fuzz(func(t *testing.T, pat, esc string, hasEsc bool) {
		if !utf8.ValidString(pat) || !utf8.ValidString(esc) {
			return // text values are valid UTF-8
		}
		v, err := similarToRegex(pat, esc, hasEsc)
		if err != nil {
			return
		}
		re := v.(string)
		if !strings.HasPrefix(re, "^(?:") || !strings.HasSuffix(re, ")$") {
			t.Fatalf("%q -> %q is not anchored", pat, re)
		}
		plain := !strings.ContainsAny(pat, `%_()[]{}|*+?"\#.^$`) && !(hasEsc && esc != "" && strings.Contains(pat, esc))
		if plain {
			c, err := regexp.Compile(re)
			if err != nil || !c.MatchString(pat) {
				t.Fatalf("%q -> %q does not match itself (%v)", pat, re, err)
			}
		}
	})
}

// FuzzJSONOperators runs the jsonb operators over fuzzed documents and
// keys: no panic, and containment is reflexive.
func FuzzJSONOperators(f *testing.F) {
	f.Add(`{"a":{"b":[1,2,{"c":"d"}]},"e":null}`, "a")
	f.Add(`[1,"a",[2],{"b":1.0}]`, "0")
	f.Add(`"s"`, "s")
	f.Fuzz(func(t *testing.T, doc, key string) {
		v, err := types.ParseText(types.JSONB, doc, nil)
		if err != nil {
			return
		}
		n := jsonArg(v)
		if !jsonbContains(n, jsonArg(v)) {
			t.Fatalf("%s does not contain itself", doc)
		}
		jsonbExists(n, key)
		jsonStep([]types.Datum{v, key}, true)
		jsonStep([]types.Datum{v, int64(len(key) - 2)}, true)
		keys := &types.Array{Elem: types.Text, Elems: []any{key, nil}}
		jsonPathArray([]types.Datum{v, keys})
		jsonbExistsKeys(n, keys, true)
		_, _ = fnJSONBDelete(nil, nil, []types.Datum{v, key})
		_, _ = fnJSONBDeletePath(nil, nil, []types.Datum{v, keys})
	})
}

func BenchmarkJSONGet(b *testing.B) {
	v, _ := types.ParseText(types.JSONB, `{"a":{"b":[1,2,{"c":"d"}]},"e":null,"f":"g"}`, nil)
	args := []types.Datum{v, "f"}
	b.ReportAllocs()
	for b.Loop() {
		jsonStep(args, true)
	}
}
