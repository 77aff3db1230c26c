package executor

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// TestFunctionsSurviveRestart: routines are catalog records, reloaded when
// the engine opens, with OIDs handed out above them afterwards.
func TestFunctionsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	e, s := testSession(t, dir)
	for _, q := range []string{
		"create table t (id int primary key, v text)",
		"insert into t values (1, 'one')",
		"create function getv(int) returns text language sql stable as 'select v from t where id = $1'",
		"create function add1(a int, b int default 1) returns int language sql immutable return a + b",
		"create procedure ins(i int) language sql as 'insert into t values (i, ''x'')'",
	} {
		if _, err := run(s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, s = testSession(t, dir)
	defer e.Close()
	// In order: the count must see the row CALL inserted.
	for _, c := range []struct{ q, want string }{
		{"select getv(1), add1(1), add1(1, 5)", "one 2 6"},
		{"call ins(2)", ""},
		{"select count(*) from t", "2"},
		{"select count(distinct oid) = count(*) from pg_proc where pronamespace <> 11", "t"},
	} {
		q, want := c.q, c.want
		got, err := run(s, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var rows []string
		for _, r := range got {
			rows = append(rows, strings.Join(r, " "))
		}
		if strings.Join(rows, "\n") != want {
			t.Errorf("%s: got %q, want %q", q, rows, want)
		}
	}
	if _, err := run(s, "create table u (id int)"); err != nil {
		t.Fatal(err)
	}
	got, err := run(s, "select count(*) from pg_class c join pg_proc p on p.oid = c.oid")
	if err != nil || got[0][0] != "0" {
		t.Errorf("a new relation took a function's OID: %v %v", got, err)
	}
}

// TestFunctionSavepoints: ROLLBACK TO SAVEPOINT undoes CREATE and DROP
// FUNCTION made after the savepoint.
func TestFunctionSavepoints(t *testing.T) {
	e, s := testSession(t, t.TempDir())
	defer e.Close()
	for _, q := range []string{
		"begin",
		"create function f1() returns int language sql as 'select 1'",
		"savepoint a",
		"create function f2() returns int language sql as 'select 2'",
		"drop function f1",
		"rollback to savepoint a",
		"commit",
	} {
		if _, err := run(s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if got, err := run(s, "select f1()"); err != nil || got[0][0] != "1" {
		t.Errorf("f1 after rollback to savepoint: %v %v", got, err)
	}
	if _, err := run(s, "select f2()"); codeOf(err) != "42883" {
		t.Errorf("f2 after rollback to savepoint: %v", err)
	}
}

func benchQuery(b *testing.B, setup, q string) {
	e, s := testSession(b, b.TempDir())
	defer e.Close()
	if _, err := run(s, setup); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := run(s, q); err != nil {
			b.Fatal(err)
		}
	}
}

const benchSetup = `create table t (id int primary key, v int);
insert into t select g, g from generate_series(1, 1000) g;
create function inl(int) returns int language sql immutable as 'select $1 * 2';
create function sub(int) returns int language sql immutable strict as 'select $1 * 2';`

// BenchmarkUDFInlined calls an inlined function on 1000 rows.
func BenchmarkUDFInlined(b *testing.B) {
	benchQuery(b, benchSetup, "select sum(inl(v)) from t")
}

// BenchmarkUDFSubplan calls a function that runs its body (STRICT is not
// inlined) on 1000 rows.
func BenchmarkUDFSubplan(b *testing.B) {
	benchQuery(b, benchSetup, "select sum(sub(v)) from t")
}

// BenchmarkBuiltinExpr is the same work without a function, for scale.
func BenchmarkBuiltinExpr(b *testing.B) {
	benchQuery(b, benchSetup, "select sum(v * 2) from t")
}

// FuzzCreateFunctionExec runs routine DDL and calls through a session:
// no panic, every error a *pgerror.Error, and pg_proc, \df's functions
// and pg_get_functiondef answer for whatever was created. Routines are
// dropped after each input.
func FuzzCreateFunctionExec(f *testing.F) {
	for _, s := range []string{
		"create function f(int) returns int language sql as 'select $1 + 1'; select f(1)",
		"create function f(a int default 2) returns setof int language sql strict as 'select a union select a + 1'; select f(), f(5)",
		"create function f(a text) returns text return a || 'x'; select f('a'), f(null)",
		"create function f(n int) returns int language sql as 'select case when n <= 0 then 0 else f(n - 1) + 1 end'; select f(30)",
		"create function f(n int) returns int language sql as 'select f(n)'; select f(1)",
		"create procedure p(a int) language sql begin atomic select a; end; call p(1)",
		"create function f() returns void language plpgsql as 'begin return 1; end'; select f()",
		"create function f(x numeric, out y numeric) language sql as 'select x * 2'; select f(1.5)",
	} {
		f.Add(s)
	}
	e, s := testSession(f, f.TempDir())
	f.Cleanup(func() { e.Close() })
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 2000 {
			return
		}
		stmts, err := parser.Parse(sql)
		if err != nil || len(stmts) > 4 {
			return
		}
		for _, st := range stmts {
			if st.Utility == nil && st.AST == nil {
				continue
			}
			_, err := run(s, st.Text)
			if err != nil {
				if _, ok := err.(*pgerror.Error); !ok {
					t.Fatalf("%s: error %T %v", st.Text, err, err)
				}
			}
		}
		rows, err := run(s, "select p.oid, pg_get_functiondef(p.oid), pg_get_function_arguments(p.oid), pg_get_function_result(p.oid) from pg_proc p where p.pronamespace <> 11")
		if err != nil {
			t.Fatalf("pg_proc: %v", err)
		}
		for _, r := range rows {
			if _, err := run(s, "drop routine "+routineSignature(s, r[0])); err != nil {
				t.Fatalf("drop %v: %v", r, err)
			}
		}
	})
}

// routineSignature names the routine oid for DROP ROUTINE.
func routineSignature(s *Session, oid string) string {
	rows, err := run(s, "select quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.oid = "+oid)
	if err != nil || len(rows) == 0 {
		return "nosuch"
	}
	return rows[0][0]
}
