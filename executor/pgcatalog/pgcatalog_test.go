package pgcatalog

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// TestSpecsMatchPostgres checks every relation's OID, kind and columns
// (names, order, NOT NULL and type) against PostgreSQL 15's catalog.
func TestSpecsMatchPostgres(t *testing.T) {
	pg := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, d := range defs {
		var oid uint32
		var kind string
		schema := d.schema
		if d.name == "pg_stat_statements" {
			// An extension's view in PostgreSQL: compared with the one
			// CREATE EXTENSION makes (in public, under a user OID).
			if _, err := conn.Exec(ctx, "create extension if not exists pg_stat_statements"); err != nil {
				t.Errorf("pg_stat_statements: %v", err)
				continue
			}
			schema = "public"
		}
		err := conn.QueryRow(ctx, `select c.oid, c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = $1 and c.relname = $2`, schema, d.name).Scan(&oid, &kind)
		if err != nil {
			t.Errorf("%s.%s: %v", d.schema, d.name, err)
			continue
		}
		// information_schema's OIDs depend on initdb; pg_catalog's are fixed.
		if schema == "pg_catalog" && oid != d.oid {
			t.Errorf("%s: oid %d, PostgreSQL has %d", d.name, d.oid, oid)
		}
		if kind != string(d.kind) {
			t.Errorf("%s: relkind %c, PostgreSQL has %s", d.name, d.kind, kind)
		}
		rows, err := conn.Query(ctx, `select attname::text, attnotnull, format_type(atttypid, null) from pg_attribute
			where attrelid = $1 and attnum > 0 and not attisdropped order by attnum`, oid)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for rows.Next() {
			var name, typ string
			var notNull bool
			if err := rows.Scan(&name, &notNull, &typ); err != nil {
				t.Fatal(err)
			}
			if i >= len(d.columns) {
				t.Errorf("%s: PostgreSQL has extra column %s", d.name, name)
				i++
				continue
			}
			c := d.columns[i]
			typ = strings.TrimPrefix(typ, "information_schema.")
			typ = strings.NewReplacer("timestamp with time zone", "timestamptz", "double precision", "float8").Replace(typ)
			if c.Name != name || d.notNull[i] != notNull || typeOf[typ] != c.Type {
				t.Errorf("%s column %d: have %s %s (not null %v), PostgreSQL has %s %s (not null %v)",
					d.name, i+1, c.Name, c.Type.Name, d.notNull[i], name, typ, notNull)
			}
			i++
		}
		rows.Close()
		if i < len(d.columns) {
			t.Errorf("%s: %d columns, PostgreSQL has %d", d.name, len(d.columns), i)
		}
	}
}

// fakeSource is a Source of fixed tables.
type fakeSource struct{ tables []TableInfo }

func (f fakeSource) Tables() []TableInfo { return append([]TableInfo(nil), f.tables...) }

func (f fakeSource) Sequences() []SequenceInfo { return nil }

func (f fakeSource) Views() []ViewInfo   { return nil }
func (f fakeSource) Settings() []Setting { return []Setting{{Name: "TimeZone", Value: "UTC"}} }
func (f fakeSource) Database() string    { return "postgres" }

func (f fakeSource) Namespaces() []NamespaceInfo { return nil }

func (f fakeSource) Descriptions() []Description { return nil }

func (f fakeSource) Statements() []StatementInfo { return nil }
func col(name string, t *types.T, mod int32, nn bool) planner.Column {
	return planner.Column{Name: name, Type: t, Typmod: mod, NotNull: nn}
}

var sample = fakeSource{tables: []TableInfo{{
	OID: 16384, Schema: "public", Name: "t",
	Columns: []planner.Column{col("id", types.Int4, -1, true), col("Email", types.Text, -1, false), col("b", types.Varchar, 24, false)},
	PK:      []int{0}, PKName: "t_pkey",
	Indexes: []IndexInfo{{OID: 16390, Name: "t_email_key", Cols: []int{1}, Unique: true, Constraint: true},
		{OID: 16391, Name: "t_b_id", Cols: []int{2, 0}, Desc: []bool{true, false}}},
}}}

// TestDefs checks the texts pg_get_indexdef and pg_get_constraintdef give
// (PostgreSQL's, for the same objects) and the lookups by OID and name.
func TestDefs(t *testing.T) {
	ts := sample.Tables()
	cases := []struct {
		oid  uint32
		want string
	}{
		{PKIndexOID(16384), "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)"},
		{16390, `CREATE UNIQUE INDEX t_email_key ON public.t USING btree ("Email")`},
		{16391, "CREATE INDEX t_b_id ON public.t USING btree (b DESC, id)"},
	}
	for _, c := range cases {
		tb, ix := FindIndex(ts, c.oid)
		if ix == nil {
			t.Fatalf("index %d not found", c.oid)
		}
		if got := IndexDef(tb, ix, 0); got != c.want {
			t.Errorf("IndexDef(%d) = %q, want %q", c.oid, got, c.want)
		}
	}
	for oid, want := range map[uint32]string{ConstraintOID(PKIndexOID(16384)): "PRIMARY KEY (id)", ConstraintOID(16390): `UNIQUE ("Email")`} {
		tb, ix := FindConstraint(ts, oid)
		if ix == nil || ConstraintDef(tb, ix) != want {
			t.Errorf("constraint %d: got %v, want %q", oid, ix, want)
		}
	}
	if tb, ix := FindConstraint(ts, ConstraintOID(16391)); ix != nil {
		t.Errorf("plain index %s of %s has a constraint", ix.Name, tb.Name)
	}
	for _, c := range []struct {
		schema, name string
		oid          uint32
		ok           bool
	}{{"", "t", 16384, true}, {"public", "t_pkey", PKIndexOID(16384), true}, {"", "pg_class", 1259, true},
		{"pg_catalog", "pg_type", 1247, true}, {"pg_catalog", "t", 0, false}, {"other", "t", 0, false}} {
		oid, ok := RelationByName(ts, c.schema, c.name)
		if oid != c.oid || ok != c.ok {
			t.Errorf("RelationByName(%q, %q) = %d, %v", c.schema, c.name, oid, ok)
		}
		if ok {
			if _, n, _ := RelationByOID(ts, oid); n != c.name {
				t.Errorf("RelationByOID(%d) = %q, want %q", oid, n, c.name)
			}
		}
	}
}

// TestRowsWellTyped scans every relation and checks each datum has its
// column's Go representation, so that the wire encoder cannot panic.
func TestRowsWellTyped(t *testing.T) {
	for _, d := range defs {
		r := Lookup(d.schema, d.name, sample)
		for _, row := range r.Rows() {
			if len(row) != len(d.columns) {
				t.Fatalf("%s: row of %d values for %d columns", d.name, len(row), len(d.columns))
			}
			for i, v := range row {
				if v == nil {
					continue
				}
				// AppendText panics on a datum of the wrong Go type.
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%s.%s: %T value %v: %v", d.name, d.columns[i].Name, v, v, p)
						}
					}()
					types.AppendText(nil, d.columns[i].Type, v, nil)
				}()
			}
		}
	}
}

func TestLookup(t *testing.T) {
	if Lookup("", "pg_class", sample) == nil || Lookup("pg_catalog", "pg_class", sample) == nil {
		t.Error("pg_class not found")
	}
	if Lookup("", "tables", sample) != nil {
		t.Error("information_schema is not on the search path")
	}
	if r := Lookup("information_schema", "tables", sample); r == nil || r.Schema() != "information_schema" {
		t.Error("information_schema.tables not found")
	}
	if Lookup("public", "pg_class", sample) != nil {
		t.Error("public.pg_class found")
	}
}

// FuzzFormatType checks FormatType never panics and names every known
// type the way sql/types does.
func FuzzFormatType(f *testing.F) {
	for _, s := range [][2]int64{{23, -1}, {1043, 24}, {1700, 655366}, {1184, 3}, {1186, 0x7fff0002}, {1007, -1}, {0, 0}, {2276, -1}} {
		f.Add(uint32(s[0]), int32(s[1]))
	}
	f.Fuzz(func(t *testing.T, oid uint32, typmod int32) {
		s, ok := FormatType(oid, typmod)
		if ok != (TypeByOID(oid) != nil) || s == "" {
			t.Fatalf("FormatType(%d, %d) = %q, %v", oid, typmod, s, ok)
		}
	})
}

func BenchmarkScanPgClass(b *testing.B) {
	r := Lookup("", "pg_class", sample)
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Rows()) == 0 {
			b.Fatal("no rows")
		}
	}
}

func BenchmarkScanPgAttribute(b *testing.B) {
	r := Lookup("", "pg_attribute", sample)
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Rows()) == 0 {
			b.Fatal("no rows")
		}
	}
}
