package planner_test

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func build(t testing.TB, sql string, declared ...*types.T) (*planner.Query, error) {
	t.Helper()
	stmts, err := parser.Parse(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return planner.Build(stmts[0].AST, declared, nil)
}

// TestResolution checks operator and function choices that the
// PostgreSQL manual's "Type Conversion" chapter documents.
func TestResolution(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want types.OID
	}{
		{"SELECT 1 + 1", types.OidInt4},
		{"SELECT 1 + 1::int8", types.OidInt8},
		{"SELECT 1::int2 + 1::int2", types.OidInt2},
		{"SELECT 1 + 1.5", types.OidNumeric},
		{"SELECT 1.5 + 1::float8", types.OidFloat8}, // preferred type wins
		{"SELECT 1::float4 + 1", types.OidFloat8},   // float48pl: float8 is preferred
		{"SELECT 'a' || 'b'", types.OidText},        // unknown || unknown -> text
		{"SELECT sqrt(2)", types.OidFloat8},         // int4 -> float8 (preferred) over numeric
		{"SELECT round(1.5)", types.OidNumeric},     //
		{"SELECT length('abc')", types.OidInt4},     // unknown prefers the string category
		{"SELECT abs(-1::int2)", types.OidInt2},     //
		{"SELECT 'x'", types.OidText},               // unknown output column becomes text
		{"SELECT CASE WHEN true THEN 1 ELSE 2.5 END", types.OidNumeric},
		{"SELECT COALESCE(1, 2::int8)", types.OidInt8},
	} {
		q, err := build(t, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := q.Columns[0].Type.OID; got != c.want {
			t.Errorf("%s: type %d, want %d", c.sql, got, c.want)
		}
	}
}

func TestParamInference(t *testing.T) {
	for _, c := range []struct {
		sql      string
		declared []*types.T
		want     []types.OID
		err      string
	}{
		{sql: "SELECT $1 + 1", want: []types.OID{types.OidInt4}},
		{sql: "SELECT $1 + 1", declared: []*types.T{types.Int8}, want: []types.OID{types.OidInt8}},
		{sql: "SELECT $1::int8", want: []types.OID{types.OidInt8}},
		{sql: "SELECT $2 = 'a'", want: nil, err: pgerror.IndeterminateDatatype},
		{sql: "SELECT $1 = 'a'", want: []types.OID{types.OidText}},
		{sql: "SELECT $1", want: []types.OID{types.OidText}},
		{sql: "SELECT $1, $1 + 1", err: pgerror.AmbiguousParameter},
		{sql: "SELECT $1 IS NULL", err: pgerror.IndeterminateDatatype},
		{sql: "SELECT 1", declared: []*types.T{types.Int4, types.Text}, want: []types.OID{types.OidInt4, types.OidText}},
	} {
		q, err := build(t, c.sql, c.declared...)
		if c.err != "" {
			if pgerror.Code(err) != c.err {
				t.Errorf("%s: error %v, want %s", c.sql, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		var got []types.OID
		for _, pt := range q.ParamTypes {
			got = append(got, pt.OID)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: params %v, want %v", c.sql, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: params %v, want %v", c.sql, got, c.want)
			}
		}
	}
}

func TestColumnNames(t *testing.T) {
	for _, c := range []struct{ sql, want string }{
		{"SELECT 1", "?column?"},
		{"SELECT 1 AS x", "x"},
		{"SELECT abs(1)", "abs"},
		{"SELECT 1::int", "int4"},
		{"SELECT CAST(1 AS bigint)", "int8"},
		{"SELECT abs(1)::text", "abs"},
		{"SELECT CASE WHEN true THEN 1 END", "case"},
		{"SELECT COALESCE(1)", "coalesce"},
		{"SELECT current_user", "current_user"},
		{"SELECT 'a' || 'b'", "?column?"},
		{"SELECT concat('a', 'b')", "concat"},
	} {
		q, err := build(t, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if q.Columns[0].Name != c.want {
			t.Errorf("%s: column %q, want %q", c.sql, q.Columns[0].Name, c.want)
		}
	}
}

type noTables struct{}

func (noTables) LookupTable(schema, name string) (planner.Table, error) {
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

func TestUnknownTable(t *testing.T) {
	stmts, err := parser.Parse("SELECT * FROM nosuch")
	if err != nil {
		t.Fatal(err)
	}
	_, err = planner.Build(stmts[0].AST, nil, noTables{})
	pe := pgerror.From(err)
	if pe.Code != pgerror.UndefinedTable || pe.Message != `relation "nosuch" does not exist` || pe.Position != 15 {
		t.Fatalf("got %v at %d", err, pe.Position)
	}
}

// FuzzBuild binds random statements: no panics, only *pgerror.Error, and
// every successful plan has typed columns and parameters.
func FuzzBuild(f *testing.F) {
	for _, s := range []string{
		"SELECT 1 + $1", "SELECT CASE WHEN $1 THEN 'a' END", "SELECT abs(-1), 'x' || 1",
		"SELECT 1 WHERE $1 LIMIT $2", "SELECT a FROM (SELECT 1 AS a) t ORDER BY 1",
		"SELECT COALESCE($1, $2, 1)", "SELECT 'a' LIKE $1 ESCAPE '!'", "SELECT $1::numeric(5,2)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 2000 {
			return
		}
		stmts, err := parser.Parse(sql)
		if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
			return
		}
		q, err := planner.Build(stmts[0].AST, nil, noTables{})
		if err != nil {
			if _, ok := err.(*pgerror.Error); !ok {
				t.Fatalf("%q: non-pgerror %T %v", sql, err, err)
			}
			if pgerror.Code(err) == pgerror.InternalError {
				t.Fatalf("%q: internal error %v", sql, err)
			}
			return
		}
		for i, c := range q.Columns {
			if c.Type == nil || c.Type.OID == types.OidUnknown {
				t.Fatalf("%q: column %d untyped", sql, i)
			}
		}
		for i, p := range q.ParamTypes {
			if p == nil || p.OID == types.OidUnknown {
				t.Fatalf("%q: $%d untyped", sql, i+1)
			}
		}
		_ = strings.TrimSpace
	})
}
