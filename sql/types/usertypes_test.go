package types

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func testEnum() *T {
	return NewEnum(70000, 70001, "mood", []EnumLabel{{OID: 1, Sort: 2, Label: "ok"}, {OID: 2, Sort: 1, Label: "sad"}, {OID: 3, Sort: 3, Label: "happy"}})
}

func TestEnumOrderAndInput(t *testing.T) {
	e := testEnum()
	if got := e.Enum.Labels(); got[0].Label != "sad" || got[2].Label != "happy" {
		t.Fatalf("labels not in sort order: %v", got)
	}
	cases := []struct {
		a, b string
		want int
	}{{"sad", "ok", -1}, {"happy", "ok", 1}, {"ok", "ok", 0}, {"sad", "happy", -1}}
	for _, c := range cases {
		if got := Compare(e, c.a, c.b); got != c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if d, err := ParseText(e, "happy", nil); err != nil || d != "happy" {
		t.Errorf("ParseText(happy) = %v, %v", d, err)
	}
	_, err := ParseText(e, "Happy", nil)
	if pe, ok := err.(*pgerror.Error); !ok || pe.Code != pgerror.InvalidTextRepresentation ||
		pe.Message != `invalid input value for enum mood: "Happy"` {
		t.Errorf("ParseText(Happy) error = %v", err)
	}
	// ADD VALUE: the same T sees the new label, old ones keep their order.
	e.Enum.SetLabels(append(append([]EnumLabel(nil), e.Enum.Labels()...), EnumLabel{OID: 4, Sort: 1.5, Label: "meh"}))
	if Compare(e, "meh", "sad") != 1 || Compare(e, "meh", "ok") != -1 {
		t.Errorf("meh does not sort between sad and ok")
	}
	b, err := AppendBinary(nil, e, "meh")
	if err != nil || string(b) != "meh" {
		t.Fatalf("AppendBinary = %q, %v", b, err)
	}
	if d, err := ParseBinary(e, b); err != nil || d != "meh" {
		t.Errorf("ParseBinary = %v, %v", d, err)
	}
	if s := string(AppendText(nil, e.Array, &Array{Elem: e, Elems: []any{"sad", nil}}, nil)); s != "{sad,NULL}" {
		t.Errorf("array output %q", s)
	}
}

func TestDomainDelegatesToBase(t *testing.T) {
	d := NewDomain(70010, 70011, "Pos Int", Int4, -1)
	if d.SQLName != `"Pos Int"` || d.Array.SQLName != `"Pos Int"[]` {
		t.Errorf("names %q %q", d.SQLName, d.Array.SQLName)
	}
	dd := NewDomain(70012, 70013, "small", d, -1)
	if BaseType(dd) != Int4 {
		t.Errorf("BaseType(domain over domain) = %v", BaseType(dd))
	}
	if v, err := ParseText(dd, " 42", nil); err != nil || v != int64(42) {
		t.Errorf("ParseText = %v, %v", v, err)
	}
	if Compare(dd, int64(1), int64(2)) != -1 || string(AppendText(nil, dd, int64(7), nil)) != "7" {
		t.Errorf("domain compare/output do not follow int4")
	}
}

func TestParseTypeNameWith(t *testing.T) {
	e := testEnum()
	r := func(schema, name string) *T {
		if name == "mood" && (schema == "" || schema == "s") {
			return e
		}
		return nil
	}
	cases := []struct {
		in   string
		want *T
		code string
	}{
		{"mood", e, ""}, {"s.mood", e, ""}, {"mood[]", e.Array, ""}, {"MOOD array", e.Array, ""},
		{"int4", Int4, ""}, {"nosuch", nil, pgerror.UndefinedObject}, {"t.mood", nil, pgerror.InvalidSchemaName},
		{`"Mood"`, nil, pgerror.UndefinedObject},
	}
	for _, c := range cases {
		got, _, err := ParseTypeNameWith(c.in, r)
		if c.code != "" {
			if pe, ok := err.(*pgerror.Error); !ok || pe.Code != c.code {
				t.Errorf("%q: err %v, want %s", c.in, err, c.code)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}
