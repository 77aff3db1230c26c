package pgcatalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func oracleConn(t *testing.T) *pgx.Conn {
	t.Helper()
	pg := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// pgRows runs query on the oracle and returns each row's columns joined
// by "|", keyed by the first column.
func pgRows(t *testing.T, conn *pgx.Conn, query string) map[string]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), query, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		vals := rows.RawValues()
		fs := make([]string, len(vals))
		for i, v := range vals {
			fs[i] = string(v)
			if v == nil {
				fs[i] = "NULL"
			}
		}
		out[fs[0]] = strings.Join(fs, "|")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ourRows scans relation name and renders the named columns as pgRows
// does, keyed by the first; a column written name::oid prints as a
// number.
func ourRows(t *testing.T, name string, cols ...string) map[string]string {
	t.Helper()
	r := Lookup("pg_catalog", name, sample)
	d := byName["pg_catalog."+name]
	out := map[string]string{}
	for _, row := range r.Rows() {
		fs := make([]string, len(cols))
		for i, c := range cols {
			c, asOID := strings.CutSuffix(c, "::oid")
			j, ok := d.byName[c]
			if !ok {
				t.Fatalf("%s has no column %s", name, c)
			}
			typ := d.columns[j].Type
			if asOID {
				typ = types.Oid
			}
			if row[j] == nil {
				fs[i] = "NULL"
				continue
			}
			fs[i] = string(types.AppendText(nil, typ, row[j], nil))
		}
		if _, dup := out[fs[0]]; dup {
			t.Errorf("%s: duplicate key %s", name, fs[0])
		}
		out[fs[0]] = strings.Join(fs, "|")
	}
	return out
}

// TestBuiltinRowsMatchPostgres checks that every built-in row nqdb lists
// is PostgreSQL's row with the same OID, column for column (the columns
// nqdb fills from the generated data), and that the generated data holds
// every row PostgreSQL has.
func TestBuiltinRowsMatchPostgres(t *testing.T) {
	conn := oracleConn(t)
	for _, c := range []struct {
		rel, cols, where string
		all              int
	}{
		{"pg_proc", "oid, proname, pronamespace, proowner, prolang, procost, prorows, provariadic, prosupport, prokind, " +
			"prosecdef, proleakproof, proisstrict, proretset, provolatile, proparallel, pronargs, pronargdefaults, " +
			"prorettype, proargtypes, proallargtypes, proargmodes, proargnames, prosrc, probin", "pronamespace = 11", len(pgProcs)},
		{"pg_operator", "oid, oprname, oprnamespace, oprowner, oprkind, oprcanmerge, oprcanhash, oprleft, oprright, " +
			"oprresult, oprcode, oprrest, oprjoin", "true", len(pgOperators)},
		{"pg_cast", "oid, castsource, casttarget, castfunc, castcontext, castmethod", "true", len(pgCasts)},
		{"pg_aggregate", "aggfnoid::oid, aggkind, aggnumdirectargs, aggtransfn, aggfinalfn, aggcombinefn, aggserialfn, " +
			"aggdeserialfn, aggmtransfn, aggminvtransfn, aggmfinalfn, aggfinalextra, aggmfinalextra, aggfinalmodify, " +
			"aggmfinalmodify, aggsortop, aggtranstype, aggtransspace, aggmtranstype, aggmtransspace, agginitval, aggminitval",
			"true", len(pgAggregates)},
		{"pg_opclass", "oid, opcmethod, opcname, opcnamespace, opcowner, opcfamily, opcintype, opcdefault, opckeytype",
			"opcmethod in (403, 405)", len(pgOpclasses)},
		{"pg_opfamily", "oid, opfmethod, opfname, opfnamespace, opfowner", "opfmethod in (403, 405)", len(pgOpfamilies)},
		{"pg_amop", "oid, amopfamily, amoplefttype, amoprighttype, amopstrategy, amoppurpose, amopopr, amopmethod, amopsortfamily",
			"amopmethod in (403, 405)", len(pgAmops)},
		{"pg_amproc", "oid, amprocfamily, amproclefttype, amprocrighttype, amprocnum, amproc::oid",
			"amprocfamily in (select oid from pg_opfamily where opfmethod in (403, 405))", len(pgAmprocs)},
		{"pg_type", "oid, typname, typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze, typsubscript",
			"typnamespace = 11 and oid < 16384", len(pgTypeNames)},
		{"pg_conversion", "oid, conname, connamespace, conowner, conforencoding, contoencoding, conproc::oid, condefault",
			"true", len(pgConversions)},
	} {
		t.Run(c.rel, func(t *testing.T) {
			q := fmt.Sprintf("select %s from %s where %s", c.cols, c.rel, c.where)
			want := pgRows(t, conn, q)
			if len(want) != c.all {
				t.Errorf("generated data has %d rows, PostgreSQL %d: run go generate", c.all, len(want))
			}
			cols := strings.Split(c.cols, ", ")
			got := ourRows(t, c.rel, cols...)
			if len(got) == 0 {
				t.Fatalf("no rows")
			}
			for k, g := range got {
				if (c.rel == "pg_proc" || c.rel == "pg_type") && len(k) >= 9 {
					continue // nqdb's own functions (from procOIDBase), row types
				}
				w, ok := want[k]
				if !ok {
					t.Errorf("%s: PostgreSQL has no row %s", c.rel, k)
					continue
				}
				if g != w {
					t.Errorf("%s row %s:\n got  %s\n want %s", c.rel, k, g, w)
				}
			}
			t.Logf("%s: %d of PostgreSQL's %d rows listed", c.rel, len(got), len(want))
		})
	}
}

// TestKnownOIDs checks functions, operators and casts found by signature
// carry the OID PostgreSQL gives them.
func TestKnownOIDs(t *testing.T) {
	conn := oracleConn(t)
	procs := ourRows(t, "pg_proc", "oid", "proname", "proargtypes")
	for _, sig := range []string{"lower(text)", "abs(integer)", "now()", "length(text)", "upper(text)",
		"substr(text,integer,integer)", "to_char(integer,text)"} {
		var oid string
		if err := conn.QueryRow(context.Background(), "select $1::regprocedure::oid::text", sig).Scan(&oid); err != nil {
			t.Fatal(err)
		}
		if _, ok := procs[oid]; !ok {
			t.Errorf("pg_proc has no row %s (%s)", oid, sig)
		}
	}
	ops := ourRows(t, "pg_operator", "oid", "oprname")
	for _, sig := range []string{"+(integer,integer)", "=(text,text)", "<(bigint,integer)", "-(NONE,integer)", "||(text,text)",
		"=(anyenum,anyenum)", "@>(anyarray,anyarray)", "->>(jsonb,text)"} {
		var oid string
		if err := conn.QueryRow(context.Background(), "select $1::regoperator::oid::text", sig).Scan(&oid); err != nil {
			t.Fatal(err)
		}
		if _, ok := ops[oid]; !ok {
			t.Errorf("pg_operator has no row %s (%s)", oid, sig)
		}
	}
}

// TestRegTypes checks regproc, regprocedure, regoper and regoperator
// input (OID or SQLSTATE) and output against PostgreSQL's.
func TestRegTypes(t *testing.T) {
	conn := oracleConn(t)
	for _, c := range []struct {
		typ *types.T
		ins []string
	}{
		{types.Regproc, []string{"int4pl", "lower", "now", "array_in", "pg_catalog.textcat", "nosuchfn", "-", "870",
			"LOWER", "int4eq", "generate_series", "btrim", "sum", "count", "array_append"}},
		{types.Regprocedure, []string{"lower(text)", "substr(text, int4)", " lower ( text ) ", "LOWER(TEXT)",
			"pg_catalog.lower(text)", "abs(integer)", `"lower"(text)`, "lower(int4)", "lower(foo)", "lower", "x(y",
			"lower()", "now()", "-", "0", "870", "quote_literal(anyelement)", "array_length(anyarray,int)",
			"make_interval(int, int, int, int, int, int, float8)", "to_char(timestamp with time zone, text)",
			"lower(text", "lower(text,)", "int4pl(int4,int4)"}},
		{types.Regoper, []string{"+", "->>", "!~~", "||/", "|/", "nosuch", "0", "551", "pg_catalog.|/"}},
		{types.Regoperator, []string{"+(int4,int4)", "-(NONE,int4)", "+(int4,foo)", "+(int4)", "+(int4,int8,int2)",
			"->>(jsonb,text)", "=(anyenum,anyenum)", "||(text,text)", "=(int4, int8)", "0", "551", "+(none,int8)",
			"+", "@@(int4,int4)"}},
	} {
		for _, in := range c.ins {
			var want, wantOut, wantErr string
			err := conn.QueryRow(context.Background(), fmt.Sprintf("select $1::%s::oid::text, $1::%[1]s::text", c.typ.Name),
				in).Scan(&want, &wantOut)
			if err != nil {
				pe, ok := err.(interface{ SQLState() string })
				if !ok {
					t.Fatal(err)
				}
				wantErr = pe.SQLState()
			}
			d, gotErr := types.ParseText(c.typ, in, nil)
			switch {
			case wantErr != "":
				if gotErr == nil || pgerror.From(gotErr).Code != wantErr {
					t.Errorf("%q::%s: got %v, %v; PostgreSQL fails with %s", in, c.typ.Name, d, gotErr, wantErr)
				}
			case gotErr != nil:
				t.Errorf("%q::%s: %v; PostgreSQL gives %s", in, c.typ.Name, gotErr, want)
			case fmt.Sprint(d) != want:
				t.Errorf("%q::%s = %v, PostgreSQL %s", in, c.typ.Name, d, want)
			default:
				if out := string(types.AppendText(nil, c.typ, d, nil)); out != wantOut {
					t.Errorf("%s %s prints %q, PostgreSQL %q", c.typ.Name, want, out, wantOut)
				}
			}
		}
	}
}

// FuzzRegSignatureIn checks regprocedure and regoperator input never
// panic and that what they accept prints as text that reads back as the
// same OID.
func FuzzRegSignatureIn(f *testing.F) {
	for _, s := range []string{"lower(text)", "substr(text, int4)", `"lower"(text)`, "x(y", "+(int4,int4)",
		"-(NONE,int4)", "f((a,b)", "f(\"a,b\")", "(", ")", "lower(character varying(3))", "870"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, oper bool) {
		typ := types.Regprocedure
		if oper {
			typ = types.Regoperator
		}
		d, err := types.ParseText(typ, s, nil)
		if err != nil {
			return
		}
		out := string(types.AppendText(nil, typ, d, nil))
		back, err := types.ParseText(typ, out, nil)
		if err != nil || back != d {
			t.Fatalf("%q -> %v prints %q, which reads as %v, %v", s, d, out, back, err)
		}
	})
}

// FuzzRegprocIn checks regproc input never panics and that a name it
// accepts prints back as a name that reads as the same OID.
func FuzzRegprocIn(f *testing.F) {
	for _, s := range []string{"int4pl", "lower", "-", "870", "pg_catalog.now", "", " x ", "4294967296", "array_in"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := types.ParseText(types.Regproc, s, nil)
		if err != nil {
			return
		}
		out := string(types.AppendText(nil, types.Regproc, d, nil))
		back, err := types.ParseText(types.Regproc, out, nil)
		if err != nil {
			if pgerror.From(err).Code == pgerror.AmbiguousFunction {
				return // an overloaded name prints as itself but reads as none
			}
			t.Fatalf("%q -> %v prints %q, which fails: %v", s, d, out, err)
		}
		if back != d {
			t.Fatalf("%q -> %v prints %q, which reads as %v", s, d, out, back)
		}
	})
}

// BenchmarkScanPgProc measures a pg_proc scan (psql's \df reads it whole).
func BenchmarkScanPgProc(b *testing.B) {
	r := Lookup("", "pg_proc", sample)
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Rows()) == 0 {
			b.Fatal("no rows")
		}
	}
}

// TestOpclassOIDsConsistent checks that every operator class
// btreeOpclass gives pg_index.indclass is a listed default btree class of
// the column's type.
func TestOpclassOIDsConsistent(t *testing.T) {
	listed := map[uint32]*pgOpclass{}
	for _, c := range builtins().opclasses {
		listed[c.OID] = c
	}
	for _, typ := range builtinTypes {
		if typ.Category == types.CatPseudo || typ.OID == types.OidUnknown {
			continue
		}
		oid := uint32(btreeOpclass(typ))
		c := listed[oid]
		if c == nil {
			t.Errorf("%s: opclass %d is not listed in pg_opclass", typ.Name, oid)
			continue
		}
		if c.Method != AmBtree {
			t.Errorf("%s: opclass %s is not a btree class", typ.Name, c.Name)
		}
		in := typ.OID
		switch {
		case typ.OID == types.OidVarchar:
			in = types.OidText
		case typ.Elem != nil && !types.IsVector(typ):
			in = types.OidAnyArray
		case typ.OID == types.OidRegclass || typ.OID == types.OidRegtype || typ.OID == types.OidRegproc ||
			typ.OID == types.OidRegnamespace || typ.OID == types.OidRegprocedure || typ.OID == types.OidRegoper ||
			typ.OID == types.OidRegoperator:
			in = types.OidOid
		}
		if c.InType != in && oid != defaultBtreeOpclass {
			t.Errorf("%s: opclass %s is for type %d", typ.Name, c.Name, c.InType)
		}
	}
}

// TestFunctionTextsMatchPostgres compares pg_get_functiondef,
// pg_get_function_arguments, _identity_arguments, _result and
// pg_get_function_sqlbody of every listed built-in function with
// PostgreSQL's.
func TestFunctionTextsMatchPostgres(t *testing.T) {
	conn := oracleConn(t)
	want := pgRows(t, conn, `select oid, case when prokind = 'a' then '' else pg_get_functiondef(oid) end,
		pg_get_function_arguments(oid), pg_get_function_identity_arguments(oid), pg_get_function_result(oid),
		coalesce(pg_get_function_sqlbody(oid), '-') from pg_proc where pronamespace = 11`)
	n := 0
	for _, e := range builtins().procs {
		if e.pg == nil {
			continue
		}
		n++
		text := func(k eval.FunctionTextKind) string {
			s, ok := BuiltinFunctionText(e.oid, k)
			if !ok && k == eval.FunctionResult {
				return "NULL"
			}
			return s
		}
		body, ok := builtinSQLBody(e.oid)
		if !ok {
			body = "-"
		}
		got := strings.Join([]string{fmt.Sprint(e.oid), text(eval.FunctionDef), text(eval.FunctionArgs),
			text(eval.FunctionIdentityArgs), text(eval.FunctionResult), body}, "|")
		if w := want[fmt.Sprint(e.oid)]; got != w {
			t.Errorf("function %d (%s):\n got  %q\n want %q", e.oid, e.pg.Name, got, w)
		}
	}
	if n < 500 {
		t.Errorf("only %d built-in functions listed", n)
	}
}

func BenchmarkRegprocedureIn(b *testing.B) {
	builtins()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := types.ParseText(types.Regprocedure, "substr(text, integer, integer)", nil); err != nil {
			b.Fatal(err)
		}
	}
}
