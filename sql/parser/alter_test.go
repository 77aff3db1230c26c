package parser

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// alterCases are ALTER statements and the actions they parse to (Add
// statements are checked for their AST kind only).
var alterCases = []struct {
	sql    string
	object string
	name   string
	ifEx   bool
	want   []AlterAction
}{
	{"alter table t rename to u", "table", "t", false, []AlterAction{{Kind: AlterRename, NewName: "u"}}},
	{"ALTER TABLE IF EXISTS ONLY s.\"T\" RENAME COLUMN a TO \"B\"", "table", "s.T", true,
		[]AlterAction{{Kind: AlterRenameColumn, Column: "a", NewName: "B"}}},
	{"alter table t rename a to b", "table", "t", false, []AlterAction{{Kind: AlterRenameColumn, Column: "a", NewName: "b"}}},
	{"alter table t rename constraint c to d", "table", "t", false, []AlterAction{{Kind: AlterRenameConstraint, Constraint: "c", NewName: "d"}}},
	{"alter index if exists i rename to j", "index", "i", true, []AlterAction{{Kind: AlterRename, NewName: "j"}}},
	{"alter sequence s rename to s2", "sequence", "s", false, []AlterAction{{Kind: AlterRename, NewName: "s2"}}},
	{"alter view v rename to w", "view", "v", false, []AlterAction{{Kind: AlterRename, NewName: "w"}}},
	{"alter table t alter column c set default 1 + 2, alter c drop default", "table", "t", false, []AlterAction{
		{Kind: AlterSetDefault, Column: "c", Expr: "1 + 2", ExprPos: 42},
		{Kind: AlterDropDefault, Column: "c"}}},
	{"alter table t alter c set not null, alter c drop not null", "table", "t", false, []AlterAction{
		{Kind: AlterSetNotNull, Column: "c"}, {Kind: AlterDropNotNull, Column: "c"}}},
	{"alter table t alter c type varchar(10)", "table", "t", false, []AlterAction{{Kind: AlterType, Column: "c", Type: "varchar(10)"}}},
	{"alter table t alter column c set data type numeric(5, 1) using f(c, 2)", "table", "t", false, []AlterAction{
		{Kind: AlterType, Column: "c", Type: "numeric(5,1)", Expr: "f(c, 2)", ExprPos: 64}}},
	{"alter table t alter c type int[] using '{}'", "table", "t", false, []AlterAction{
		{Kind: AlterType, Column: "c", Type: "int[]", Expr: "'{}'", ExprPos: 40}}},
	{"alter table t drop column if exists c cascade, drop d, drop constraint if exists k restrict", "table", "t", false, []AlterAction{
		{Kind: AlterDropColumn, Column: "c", IfExists: true, Cascade: true},
		{Kind: AlterDropColumn, Column: "d"},
		{Kind: AlterDropConstraint, Constraint: "k", IfExists: true}}},
	{"alter table t add column if not exists c int default 1, add d text", "table", "t", false, []AlterAction{
		{Kind: AlterAdd, Column: "c", IfNotExists: true}, {Kind: AlterAdd, Column: "d"}}},
	{"alter table only t add constraint k check (a > 0), add primary key (a, b)", "table", "t", false, []AlterAction{
		{Kind: AlterAdd}, {Kind: AlterAdd}}},
	{"alter table t owner to postgres, alter c set statistics 100", "table", "t", false, []AlterAction{
		{Kind: AlterNoOp}, {Kind: AlterNoOp, Column: "c"}}},
}

func TestParseAlter(t *testing.T) {
	for _, tc := range alterCases {
		sts, err := Parse(tc.sql)
		if err != nil {
			t.Errorf("%q: %v", tc.sql, err)
			continue
		}
		u, ok := sts[0].Utility.(*AlterTable)
		if !ok {
			t.Errorf("%q: parsed as %T", tc.sql, sts[0].Utility)
			continue
		}
		if u.Object != tc.object || u.Name != tc.name || u.IfExists != tc.ifEx {
			t.Errorf("%q: got %s %q if exists %v", tc.sql, u.Object, u.Name, u.IfExists)
		}
		if len(u.Actions) != len(tc.want) {
			t.Errorf("%q: %d actions, want %d", tc.sql, len(u.Actions), len(tc.want))
			continue
		}
		for i, a := range u.Actions {
			if a.Kind == AlterAdd {
				if _, ok := a.Add.AST.(*ast.AlterTableStmt); !ok {
					t.Errorf("%q: action %d: ADD parsed as %T", tc.sql, i, a.Add.AST)
				}
				a.Add = nil
			}
			if !reflect.DeepEqual(a, tc.want[i]) {
				t.Errorf("%q: action %d:\n got %+v\nwant %+v", tc.sql, i, a, tc.want[i])
			}
		}
	}
}

// TestParseAlterErrors checks errors PostgreSQL raises at parse time for
// ALTER forms (the differential errors.txt holds more).
func TestParseAlterErrors(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		code string
		pos  int
	}{
		{"alter table t rename b to c, add d int", pgerror.SyntaxError, 28},
		{"alter table t alter c set default 1 +, drop x", pgerror.SyntaxError, 38},
		{"alter table t alter c type int using", pgerror.SyntaxError, 37},
		{"alter table t add", pgerror.SyntaxError, 18},
		{"alter table t alter c add generated always as identity", pgerror.FeatureNotSupported, 0},
		{"alter index i add column c int", pgerror.FeatureNotSupported, 0},
	} {
		_, err := Parse(tc.sql)
		var pe *pgerror.Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want %s", tc.sql, err, tc.code)
			continue
		}
		if pe.Code != tc.code || tc.pos > 0 && pe.Position != tc.pos {
			t.Errorf("%q: got %s %q at %d, want %s at %d", tc.sql, pe.Code, pe.Message, pe.Position, tc.code, tc.pos)
		}
	}
}

// FuzzAlter checks that ALTER statements never panic, report errors as
// *pgerror.Error within the text, and that every expression they keep
// parses again on its own (the executor re-parses it).
func FuzzAlter(f *testing.F) {
	for _, tc := range alterCases {
		f.Add(tc.sql)
	}
	f.Add("alter table t alter c type int using (select 1), drop constraint x cascade")
	f.Add("alter table if exists t add column if not exists \"C\" serial references p on delete cascade")
	f.Fuzz(func(t *testing.T, sql string) {
		sts, ok := fuzzParse(t, sql)
		if !ok {
			return
		}
		for _, st := range sts {
			u, ok := st.Utility.(*AlterTable)
			if !ok {
				continue
			}
			for _, a := range u.Actions {
				if a.Expr != "" {
					if _, err := Parse("select " + a.Expr); err != nil {
						t.Fatalf("%q: kept expression %q does not parse: %v", sql, a.Expr, err)
					}
					if a.ExprPos < 1 || a.ExprPos > utf8.RuneCountInString(st.Text) {
						t.Fatalf("%q: expression position %d outside the statement", sql, a.ExprPos)
					}
				}
				if a.Add != nil {
					checkPositions(t, a.Add)
				}
			}
		}
	})
}

// BenchmarkParseAlter measures parsing ALTER TABLE with several actions,
// one of them an ADD that goes through the TiDB route.
func BenchmarkParseAlter(b *testing.B) {
	const sql = "alter table if exists t alter column c type numeric(10,2) using c / 100, " +
		"alter c set default 0, drop column if exists d, add column e text not null default 'x'"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}
