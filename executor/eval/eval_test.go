package eval_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// testEnv is a session with PostgreSQL's defaults as the oracle has them.
type testEnv struct {
	settings map[string]string
	ts       time.Time
}

func newTestEnv() *testEnv {
	return &testEnv{settings: map[string]string{
		"datestyle": "ISO, MDY", "timezone": "UTC", "client_encoding": "UTF8",
		"server_encoding": "UTF8", "standard_conforming_strings": "on", "intervalstyle": "postgres",
		"extra_float_digits": "1", "application_name": "",
	}, ts: time.Now()}
}

func (e *testEnv) Setting(name string) (string, error) {
	if v, ok := e.settings[strings.ToLower(name)]; ok {
		return v, nil
	}
	return "", pgerror.New(pgerror.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
}

func (e *testEnv) SetSetting(name, value string, local bool) (string, error) {
	if _, ok := e.settings[strings.ToLower(name)]; !ok && !strings.Contains(name, ".") {
		return "", pgerror.New(pgerror.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	e.settings[strings.ToLower(name)] = value
	return value, nil
}

func (e *testEnv) FormatOpts() *types.FormatOpts {
	return &types.FormatOpts{Loc: time.UTC, ExtraFloatDigits: 1}
}
func (e *testEnv) StatementTimestamp() time.Time   { return e.ts }
func (e *testEnv) TransactionTimestamp() time.Time { return e.ts }
func (e *testEnv) CurrentUser() string             { return "postgres" }
func (e *testEnv) Database() string                { return "postgres" }
func (e *testEnv) BackendPID() int32               { return 4242 }

// result is what a statement produced, in a form both servers can fill.
type result struct {
	names  []string
	oids   []uint32
	rows   [][]string // "NULL" for NULL
	code   string
	msg    string
	params []uint32
}

func (r result) String() string {
	if r.code != "" {
		return fmt.Sprintf("ERROR %s: %s", r.code, r.msg)
	}
	return fmt.Sprintf("cols=%v oids=%v rows=%v", r.names, r.oids, r.rows)
}

// runOurs plans and runs sql (over cat, which may be nil) with optional
// declared parameter types and text parameter values.
func runOurs(t testing.TB, sql string, declared []*types.T, paramText []string, cat planner.Catalog) result {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return errResult(err)
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		t.Fatalf("%s: expected one planable statement", sql)
	}
	q, err := planner.Build(stmts[0].AST, declared, cat)
	if err == nil {
		err = planner.Fold(q)
	}
	if err != nil {
		return errResult(err)
	}
	var res result
	for _, pt := range q.ParamTypes {
		res.params = append(res.params, pt.OID)
	}
	params := make([]types.Datum, len(q.ParamTypes))
	for i := range params {
		if i < len(paramText) && paramText[i] != "NULL" {
			v, err := types.ParseText(q.ParamTypes[i], paramText[i], nil)
			if err != nil {
				return errResult(err)
			}
			params[i] = v
		}
	}
	for _, c := range q.Columns {
		res.names = append(res.names, c.Name)
		res.oids = append(res.oids, c.Type.OID)
	}
	rows, err := eval.Run(context.Background(), q, params, newTestEnv())
	if err != nil {
		return errResult(err)
	}
	defer rows.Close()
	for {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			e := errResult(err)
			e.params = res.params
			return e
		}
		var out []string
		for i, v := range row {
			if v == nil {
				out = append(out, "NULL")
			} else {
				out = append(out, string(types.AppendText(nil, q.Columns[i].Type, v, nil)))
			}
		}
		res.rows = append(res.rows, out)
	}
	return res
}

func errResult(err error) result {
	pe := pgerror.From(err)
	return result{code: pe.Code, msg: pe.Message}
}

// runPG runs sql on the oracle with the extended protocol (so that
// parameter types are inferred the same way) and text results.
func runPG(t testing.TB, conn *pgconn.PgConn, sql string, declared []*types.T, paramText []string) result {
	ctx := context.Background()
	oids := make([]uint32, len(declared))
	for i, d := range declared {
		if d != nil {
			oids[i] = d.OID
		}
	}
	sd, err := conn.Prepare(ctx, "", sql, oids)
	if err != nil {
		return pgErrResult(err)
	}
	var res result
	res.params = sd.ParamOIDs
	vals := make([][]byte, len(sd.ParamOIDs))
	for i := range vals {
		if i < len(paramText) && paramText[i] != "NULL" {
			vals[i] = []byte(paramText[i])
		}
	}
	rr := conn.ExecPrepared(ctx, "", vals, nil, nil)
	for _, f := range rr.FieldDescriptions() {
		res.names = append(res.names, f.Name)
		res.oids = append(res.oids, f.DataTypeOID)
	}
	for rr.NextRow() {
		var out []string
		for _, v := range rr.Values() {
			if v == nil {
				out = append(out, "NULL")
			} else {
				out = append(out, string(v))
			}
		}
		res.rows = append(res.rows, out)
	}
	if _, err := rr.Close(); err != nil {
		e := pgErrResult(err)
		e.params = res.params
		return e
	}
	return res
}

func pgErrResult(err error) result {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return result{code: pe.Code, msg: pe.Message}
	}
	return result{code: "??", msg: err.Error()}
}

func oracle(t testing.TB) *pgconn.PgConn {
	srv := pgoracle.Shared(t)
	conn, err := pgconn.Connect(context.Background(), srv.DSN()+"&timezone=UTC")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// corpusCase is one line of testdata/exprs.txt:
//
//	<sql> [;; <declared types, comma separated, _ = infer> [;; <param values, comma separated>]] [#types|#novalue]
type corpusCase struct {
	line     int
	sql      string
	declared []*types.T
	params   []string
	// onlyTypes compares names and types but not values (now(), random()).
	onlyTypes bool
	// known marks a known difference: logged, not failed.
	known bool
}

func loadCorpus(t testing.TB, name string) []corpusCase {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "--") {
			continue
		}
		c := corpusCase{line: n}
		if i := strings.Index(line, " #known"); i >= 0 {
			c.known = true
			line = strings.TrimSpace(line[:i])
		}
		if strings.HasSuffix(line, "#types") {
			c.onlyTypes = true
			line = strings.TrimSpace(strings.TrimSuffix(line, "#types"))
		}
		parts := strings.Split(line, ";;")
		c.sql = strings.TrimSpace(parts[0])
		if len(parts) > 1 {
			for _, tn := range strings.Split(parts[1], ",") {
				tn = strings.TrimSpace(tn)
				if tn == "_" || tn == "" {
					c.declared = append(c.declared, nil)
					continue
				}
				typ := types.ByName(tn)
				if typ == nil {
					t.Fatalf("line %d: unknown type %q", n, tn)
				}
				c.declared = append(c.declared, typ)
			}
		}
		if len(parts) > 2 {
			for _, v := range strings.Split(parts[2], ",") {
				c.params = append(c.params, strings.TrimSpace(v))
			}
		}
		out = append(out, c)
	}
	return out
}

func TestOracleCorpus(t *testing.T) {
	conn := oracle(t)
	cases := loadCorpus(t, "testdata/exprs.txt")
	fails := 0
	for _, c := range cases {
		want := runPG(t, conn, c.sql, c.declared, c.params)
		got := runOurs(t, c.sql, c.declared, c.params, nil)
		if c.onlyTypes {
			want.rows, got.rows = nil, nil
		}
		if !sameResult(want, got) && c.known {
			t.Logf("known difference, line %d: %s\n  pg:   %v\n  ours: %v", c.line, c.sql, want, got)
		} else if !sameResult(want, got) {
			fails++
			t.Errorf("line %d: %s\n  pg:   %v params=%v\n  ours: %v params=%v", c.line, c.sql, want, want.params, got, got.params)
		}
	}
	t.Logf("%d cases, %d failures", len(cases), fails)
}

func sameResult(a, b result) bool {
	if a.code != "" || b.code != "" {
		return a.code == b.code && a.msg == b.msg
	}
	if fmt.Sprint(a.params) != fmt.Sprint(b.params) && !(len(a.params) == 0 && len(b.params) == 0) {
		return false
	}
	return fmt.Sprint(a.names) == fmt.Sprint(b.names) && fmt.Sprint(a.oids) == fmt.Sprint(b.oids) &&
		fmt.Sprint(a.rows) == fmt.Sprint(b.rows)
}

// TestErrorPositions checks that errors point where PostgreSQL's do.
func TestErrorPositions(t *testing.T) {
	conn := oracle(t)
	for _, sql := range []string{
		"SELECT foo(1)",
		"SELECT 1 + 'a'::text",
		"SELECT 'abc'::int",
		"SELECT x",
		"SELECT 1, abs('x'::text)",
		"SELECT CASE WHEN true THEN 1 ELSE 'a'::text END",
		"SELECT 1 + 'a'",
		"SELECT 1 +  true",
		"SELECT abs('x')",
		"SELECT 2 * (3 - true)",
		"SELECT 'a' LIKE 1",
		"SELECT - true",
		"SELECT 1 WHERE 1",
		"SELECT CASE WHEN 1 THEN 2 END",
		"SELECT COALESCE(1, true)",
		"SELECT 1 = ANY(1)",
		"SELECT 1 IN (true)",
		"SELECT sum(1) WHERE sum(1) > 0",
		"SELECT (SELECT 1, 2)",
		"SELECT lower(1)",
		"SELECT 1 NOT BETWEEN true AND 2",
	} {
		_, err := conn.Prepare(context.Background(), "", sql, nil)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: PostgreSQL accepted it", sql)
		}
		stmts, perr := parser.Parse(sql)
		if perr != nil {
			t.Fatalf("%s: %v", sql, perr)
		}
		_, err = planner.Build(stmts[0].AST, nil, nil)
		if err == nil {
			t.Errorf("%s: no error, PostgreSQL says %s", sql, pe.Message)
			continue
		}
		ours := pgerror.From(err)
		// Positions refer to the text given to TiDB; they can only agree
		// when sql/parser did not rewrite the statement.
		samePos := int32(ours.Position) == pe.Position || !strings.EqualFold(stmts[0].Rewritten, stmts[0].Text)
		if ours.Code != pe.Code || ours.Message != pe.Message || ours.Hint != pe.Hint || !samePos {
			t.Errorf("%s:\n  pg:   %s %q hint=%q pos=%d\n  ours: %s %q hint=%q pos=%d", sql, pe.Code, pe.Message, pe.Hint, pe.Position,
				ours.Code, ours.Message, ours.Hint, ours.Position)
		}
	}
}

func TestPgSleepCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stmts, err := parser.Parse("SELECT pg_sleep(10)")
	if err != nil {
		t.Fatal(err)
	}
	q, err := planner.Build(stmts[0].AST, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := eval.Run(ctx, q, nil, newTestEnv())
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = rows.Next()
	if pe := pgerror.From(err); pe == nil || pe.Code != pgerror.QueryCanceled || pe.Message != "canceling statement due to user request" {
		t.Fatalf("got %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	rows, _ = eval.Run(ctx2, q, nil, newTestEnv())
	_, err = rows.Next()
	if pe := pgerror.From(err); pe.Message != "canceling statement due to statement timeout" {
		t.Fatalf("got %v", err)
	}
}

func TestSessionFunctions(t *testing.T) {
	eval.VersionString = "PostgreSQL 15.0 test"
	for _, c := range []struct{ sql, want string }{
		{"SELECT version()", "PostgreSQL 15.0 test"},
		{"SELECT current_setting('DateStyle')", "ISO, MDY"},
		{"SELECT current_setting('nope', true) IS NULL", "t"},
		{"SELECT set_config('application_name', 'x', false)", "x"},
		{"SELECT pg_backend_pid()", "4242"},
		{"SELECT current_user", "postgres"},
		{"SELECT current_database()", "postgres"},
		{"SELECT now() = current_timestamp", "t"},
	} {
		got := runOurs(t, c.sql, nil, nil, nil)
		if got.code != "" || len(got.rows) != 1 || got.rows[0][0] != c.want {
			t.Errorf("%s: got %v, want %s", c.sql, got, c.want)
		}
	}
}

var _ = strconv.Itoa
