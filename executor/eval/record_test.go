package eval

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// TestRecordText pins record_out's quoting and record_in's reading of it
// (the texts are PostgreSQL 15's output for the same rows; the
// differential test internal/sqltest/testdata/composite_fields.sql checks
// them against a live server).
func TestRecordText(t *testing.T) {
	for _, c := range []struct {
		fields []any // string or nil
		want   string
	}{
		{[]any{"1", "a"}, "(1,a)"},
		{[]any{nil, "2.5", "x y"}, `(,2.5,"x y")`},
		{[]any{"", "q"}, `("",q)`},
		{[]any{`c"d`, "e,f", `g\h`, "(i)"}, `("c""d","e,f","g\\h","(i)")`},
		{[]any{nil}, "()"},
		{[]any{nil, nil}, "(,)"},
	} {
		var buf []byte
		buf = append(buf, '(')
		for i, f := range c.fields {
			if i > 0 {
				buf = append(buf, ',')
			}
			var v types.Datum
			if f != nil {
				v = f.(string)
			}
			buf = appendRecordField(buf, types.Text, v, nil)
		}
		buf = append(buf, ')')
		if string(buf) != c.want {
			t.Errorf("%v: got %s, want %s", c.fields, buf, c.want)
		}
		for i, f := range c.fields {
			got, err := recordField(types.Text, string(buf), i, nil)
			if err != nil {
				t.Fatalf("%s field %d: %v", buf, i, err)
			}
			if f == nil && got != nil || f != nil && got != f {
				t.Errorf("%s field %d: got %#v, want %#v", buf, i, got, f)
			}
		}
	}
	if _, err := recordField(types.Text, "(1,2", 1, nil); err == nil {
		t.Error("unterminated record: no error")
	}
}

// FuzzRecordText: any list of text fields (a NUL byte marks NULL) formats
// as a record whose fields read back unchanged, and reading any string as
// a record does not panic.
func FuzzRecordText(f *testing.F) {
	for _, s := range []string{"1|a", "\x00|2.5|x y", "|q", `c"d|e,f|g\h|(i)`, "\x00|\x00", "((1,2),x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = recordField(types.Text, s, 1, nil)
		fields := strings.Split(s, "|")
		buf := []byte{'('}
		for i, fl := range fields {
			if i > 0 {
				buf = append(buf, ',')
			}
			if fl != "\x00" {
				buf = appendRecordField(buf, types.Text, fl, nil)
			}
		}
		buf = append(buf, ')')
		for i, fl := range fields {
			got, err := recordField(types.Text, string(buf), i, nil)
			if err != nil {
				t.Fatalf("%q field %d: %v", buf, i, err)
			}
			if fl == "\x00" {
				if got != nil {
					t.Fatalf("%q field %d: got %#v, want NULL", buf, i, got)
				}
			} else if got != fl {
				t.Fatalf("%q field %d: got %#v, want %q", buf, i, got, fl)
			}
		}
	})
}

func BenchmarkRecordField(b *testing.B) {
	rec := `(12345,"some text, quoted",,2026-11-26)`
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := recordField(types.Text, rec, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandArrayField(b *testing.B) {
	arr := &types.Array{Elems: []types.Datum{int64(1), int64(2), int64(3), int64(4)}}
	args := []types.Datum{arr}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		g := expandArrayField(args, 1)
		for {
			_, ok, _ := g()
			if !ok {
				break
			}
		}
	}
}
