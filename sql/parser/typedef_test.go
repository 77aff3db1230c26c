package parser

import (
	"reflect"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func TestTypeDDL(t *testing.T) {
	cases := []struct {
		sql  string
		want Utility
	}{
		{"CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s')", &CreateEnum{Name: "mood", Labels: []string{"sad", "ok", "it's"}}},
		{"create type s.\"E\" as enum ()", &CreateEnum{Name: "s.E"}},
		{"create domain posint as int check (value > 0)", &CreateDomain{Name: "posint", Type: "int",
			Checks: []DomainConstraint{{Check: "value > 0"}}}},
		{"create domain d varchar(5) not null default 'a' || 'b' constraint c check (length(value) > (1))",
			&CreateDomain{Name: "d", Type: "varchar(5)", NotNull: true, Default: "'a' || 'b'",
				Checks: []DomainConstraint{{Name: "c", Check: "length(value) > (1)"}}}},
		{"create domain d as timestamp with time zone null", &CreateDomain{Name: "d", Type: "timestamp with time zone"}},
		{"drop type if exists a, s.b cascade", &DropType{Names: []string{"a", "s.b"}, IfExists: true, Cascade: true}},
		{"drop domain d restrict", &DropType{Names: []string{"d"}, Domain: true}},
		{"alter type mood add value if not exists 'meh' before 'ok'", &AlterTypeStmt{Name: "mood", AddValue: "meh", IfNotExists: true, Before: "ok"}},
		{"alter type mood add value 'x' after 'y'", &AlterTypeStmt{Name: "mood", AddValue: "x", After: "y"}},
		{"alter type mood rename value 'a' to 'b'", &AlterTypeStmt{Name: "mood", RenameValue: "a", RenameValueTo: "b"}},
		{"alter type mood rename to feeling", &AlterTypeStmt{Name: "mood", RenameTo: "feeling"}},
		{"alter domain d set default 1 + 1", &AlterDomain{Name: "d", Kind: AlterDomainSetDefault, Default: "1 + 1"}},
		{"alter domain d drop not null", &AlterDomain{Name: "d", Kind: AlterDomainDropNotNull}},
		{"alter domain d add constraint c check (value <> 0) not valid", &AlterDomain{Name: "d", Kind: AlterDomainAddConstraint,
			Constraint: DomainConstraint{Name: "c", Check: "value <> 0", NotValid: true}}},
		{"alter domain d drop constraint if exists c cascade", &AlterDomain{Name: "d", Kind: AlterDomainDropConstraint,
			Constraint: DomainConstraint{Name: "c"}, IfExists: true, Cascade: true}},
		{"alter domain d rename constraint c to e", &AlterDomain{Name: "d", Kind: AlterDomainRenameConstraint,
			Constraint: DomainConstraint{Name: "c"}, NewName: "e"}},
	}
	for _, c := range cases {
		sts, err := Parse(c.sql)
		if err != nil {
			t.Errorf("%q: %v", c.sql, err)
			continue
		}
		if got := sts[0].Utility; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %#v\nwant %#v", c.sql, got, c.want)
		}
	}
}

func TestTypeDDLErrors(t *testing.T) {
	cases := []struct {
		sql  string
		code string
		pos  int
	}{
		{"create type mood as enum ('a' 'b')", pgerror.SyntaxError, 31},
		{"create type mood as enum (a)", pgerror.SyntaxError, 27},
		{"create type t as (a int)", pgerror.FeatureNotSupported, 0},
		{"create type t", pgerror.FeatureNotSupported, 0},
		{"create domain d as int check (value >)", pgerror.SyntaxError, 38},
		{"create domain d as int check value > 0", pgerror.SyntaxError, 30},
		{"alter type t add 'x'", pgerror.SyntaxError, 18},
		{"alter domain d frobnicate", pgerror.SyntaxError, 16},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		pe, ok := err.(*pgerror.Error)
		if !ok {
			t.Errorf("%q: got %v, want a %s error", c.sql, err, c.code)
			continue
		}
		if pe.Code != c.code || pe.Position != c.pos {
			t.Errorf("%q: got %s at %d (%s), want %s at %d", c.sql, pe.Code, pe.Position, pe.Message, c.code, c.pos)
		}
	}
}

// FuzzTypeDDL feeds type DDL variants to the parser: errors must be
// *pgerror.Error with positions inside the text, and no input may panic.
func FuzzTypeDDL(f *testing.F) {
	for _, s := range []string{
		"create type mood as enum ('a', 'b')", "create domain d as int not null check (value > 0) default 3",
		"alter type m add value if not exists 'x' before 'y'", "alter domain d add constraint c check (value < 1) not valid",
		"drop domain if exists d cascade", "alter type m rename value 'a' to 'b'", "create domain d varchar(3)[]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		fuzzParse(t, sql)
	})
}
