package parser

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func TestCreateFunction(t *testing.T) {
	cases := []struct {
		sql  string
		want *CreateFunction
	}{
		{"create function add1(int) returns int as 'select $1 + 1' language sql immutable",
			&CreateFunction{Name: "add1", Params: []FuncParam{{Mode: "in", Type: "int"}}, Returns: "int", Language: "sql",
				Volatility: 'i', Body: "select $1 + 1", BodyPos: 43, HasBody: true}},
		{"create or replace function s.f(a int, b int default 10) returns setof text language sql strict as $x$ select 'a' $x$",
			&CreateFunction{Name: "s.f", OrReplace: true, Params: []FuncParam{{Mode: "in", Name: "a", Type: "int"},
				{Mode: "in", Name: "b", Type: "int", Default: "10", DefaultPos: 53}}, Returns: "text", SetOf: true, Language: "sql",
				Strict: true, Body: " select 'a' ", BodyPos: 102, HasBody: true}},
		{"create function f(double precision, out y character varying(3)) returns table (z int) return 1",
			&CreateFunction{Name: "f", Params: []FuncParam{{Mode: "in", Type: "double precision"}, {Mode: "out", Name: "y", Type: "character varying(3)"}},
				SetOf: true, Table: []FuncParam{{Mode: "table", Name: "z", Type: "int"}}, SQLBody: "1", SQLBodyPos: 94, Return: true}},
		{"create procedure p() language sql begin atomic insert into t values (1); end",
			&CreateFunction{Name: "p", Procedure: true, Language: "sql", SQLBody: "begin atomic insert into t values (1); end", SQLBodyPos: 35}},
	}
	for _, c := range cases {
		sts, err := Parse(c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		got, ok := sts[0].Utility.(*CreateFunction)
		if !ok {
			t.Errorf("%s: got %T", c.sql, sts[0].Utility)
			continue
		}
		c.want.Text = c.sql
		if got.Params == nil {
			got.Params = []FuncParam{}
		}
		if c.want.Params == nil {
			c.want.Params = []FuncParam{}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.sql, got, c.want)
		}
	}
}

func TestFunctionStatements(t *testing.T) {
	cases := []struct {
		sql  string
		want Utility
	}{
		{"drop function if exists f(int, out x text), g cascade", &DropFunction{Kind: "function", IfExists: true, Cascade: true,
			Funcs: []FuncRef{{Name: "f", Args: []string{"int"}, HasArgs: true}, {Name: "g"}}}},
		{"drop procedure p()", &DropFunction{Kind: "procedure", Funcs: []FuncRef{{Name: "p", HasArgs: true}}}},
		{"alter function f(int) rename to g", &AlterFunction{Kind: "function", Func: FuncRef{Name: "f", Args: []string{"int"}, HasArgs: true}, NewName: "g"}},
		{"alter routine f stable returns null on null input", &AlterFunction{Kind: "routine", Func: FuncRef{Name: "f"}, Volatility: 's', Strict: true, SetStrict: true}},
		{"call s.p(1, 'a')", &Call{Name: "s.p", Expr: "s.p(1, 'a')", ExprPos: 6}},
	}
	for _, c := range cases {
		sts, err := Parse(c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if !reflect.DeepEqual(sts[0].Utility, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.sql, sts[0].Utility, c.want)
		}
	}
}

// TestBeginAtomicSplit checks that a BEGIN ATOMIC body's semicolons do not
// end the statement, and that the statement after it is still split off.
func TestBeginAtomicSplit(t *testing.T) {
	sql := "create function f(a int) returns int language sql begin atomic select case when a > 0 then 1 end; select a; end; select 1"
	sts, err := Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 {
		t.Fatalf("got %d statements", len(sts))
	}
	cf := sts[0].Utility.(*CreateFunction)
	if !strings.HasSuffix(cf.SQLBody, "select a; end") {
		t.Errorf("body %q", cf.SQLBody)
	}
}

func TestFunctionErrors(t *testing.T) {
	cases := []struct{ sql, code, msg string }{
		{"create function f() returns int language sql immutable stable as 'x'", "42601", "conflicting or redundant options"},
		{"create function f() returns int as 'x' return 1", "42P13", "duplicate function body specified"},
		{"create function f() returns int window as 'x'", "0A000", "WINDOW functions in SQL are not supported"},
		{"call p", "42601", "syntax error at end of input"},
		{"alter function f(int)", "42601", "syntax error at end of input"},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		if err == nil {
			t.Errorf("%s: no error", c.sql)
			continue
		}
		pe := err.(interface{ Error() string })
		if !strings.Contains(pe.Error(), c.msg) || !strings.Contains(errCode(err), c.code) {
			t.Errorf("%s: got %v (%s), want %s %s", c.sql, err, errCode(err), c.code, c.msg)
		}
	}
}

// FuzzCreateFunction parses routine DDL: no panic, errors are
// *pgerror.Error with positions inside the text, and a parsed CREATE
// FUNCTION's body text and positions lie within the statement.
func FuzzCreateFunction(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "functions.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		sts, ok := fuzzParse(t, sql)
		if !ok {
			return
		}
		for _, st := range sts {
			cf, ok := st.Utility.(*CreateFunction)
			if !ok {
				continue
			}
			if !strings.Contains(st.Text, cf.SQLBody) {
				t.Fatalf("body %q not in %q", cf.SQLBody, st.Text)
			}
			n := len([]rune(sql)) + 1
			for _, p := range []int{cf.BodyPos, cf.SQLBodyPos} {
				if p < 0 || p > n {
					t.Fatalf("position %d outside %q", p, sql)
				}
			}
			for _, p := range cf.Params {
				if p.Type == "" || p.DefaultPos < 0 || p.DefaultPos > n {
					t.Fatalf("bad parameter %+v in %q", p, sql)
				}
			}
		}
	})
}

// errCode is err's SQLSTATE ("" when it has none).
func errCode(err error) string {
	if pe, ok := err.(*pgerror.Error); ok {
		return pe.Code
	}
	return ""
}
