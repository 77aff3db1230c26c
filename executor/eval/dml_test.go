package eval_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// dmlOutcome is what one statement of the DML script produced.
type dmlOutcome struct {
	tag    string
	params []uint32
	rows   [][]string
	code   string
	msg    string
	detail string
	hint   string
	pos    int
}

func (o dmlOutcome) String() string {
	if o.code != "" {
		return fmt.Sprintf("ERROR %s: %s (pos %d, detail %q, hint %q)", o.code, o.msg, o.pos, o.detail, o.hint)
	}
	return fmt.Sprintf("%s params=%v rows=%v", o.tag, o.params, o.rows)
}

// newTestSession returns a session over a fresh engine, as a connection
// of user postgres would have.
func newTestSession(t testing.TB) *executor.Session {
	s, err := executor.NewSession(newTestEngine(t), executor.Config{User: "postgres", Database: "postgres",
		Params: map[string]string{"TimeZone": "UTC"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runSession runs one statement through Prepare and Execute as the
// extended protocol would, with text parameter values.
func runSession(s *executor.Session, sql string, paramText []string) dmlOutcome {
	fail := func(err error, st *parser.Statement) dmlOutcome {
		pe := pgerror.From(err)
		o := dmlOutcome{code: pe.Code, msg: pe.Message, detail: pe.Detail, hint: pe.Hint}
		if pe.Position > 0 && st != nil && st.Rewritten != "" {
			// The binder locates errors in the text TiDB parsed; map
			// back to the client's text as the server does.
			o.pos = st.Position(pe.Position - 1)
		}
		return o
	}
	stmts, err := parser.Parse(sql)
	if err != nil {
		return fail(err, nil)
	}
	return runParsed(s, stmts[0], paramText)
}

// runParsed is runSession for a statement parsed already. Its implicit
// transaction ends as the server ends one: committed, or rolled back when
// the statement failed.
func runParsed(s *executor.Session, st *parser.Statement, paramText []string) dmlOutcome {
	s.BeginStatement()
	o := runStatement(s, st, paramText)
	s.FinishImplicit(o.code != "")
	return o
}

func runStatement(s *executor.Session, st *parser.Statement, paramText []string) dmlOutcome {
	fail := func(err error, st *parser.Statement) dmlOutcome {
		pe := pgerror.From(err)
		o := dmlOutcome{code: pe.Code, msg: pe.Message, detail: pe.Detail, hint: pe.Hint}
		// The session reports positions in the statement's own text.
		o.pos = pe.Position
		return o
	}
	p, err := s.Prepare(st, nil)
	if err != nil {
		return fail(err, st)
	}
	var o dmlOutcome
	params := make([]types.Datum, len(p.ParamTypes))
	for i, pt := range p.ParamTypes {
		o.params = append(o.params, pt.OID)
		if i < len(paramText) && paramText[i] != "NULL" {
			v, err := types.ParseText(pt, paramText[i], s.FormatOpts())
			if err != nil {
				return fail(err, nil)
			}
			params[i] = v
		}
	}
	res, err := s.Execute(context.Background(), p, params)
	if err != nil {
		return fail(err, st)
	}
	var n int64
	if res.Rows != nil {
		defer res.Rows.Close()
		for {
			row, err := res.Rows.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fail(err, st)
			}
			var out []string
			for i, v := range row {
				if v == nil {
					out = append(out, "NULL")
				} else {
					out = append(out, string(types.AppendText(nil, res.Columns[i].Type, v, s.FormatOpts())))
				}
			}
			o.rows = append(o.rows, out)
			n++
		}
	}
	o.tag = res.Tag(n)
	return o
}

// runPGStmt runs one statement on the oracle with the extended protocol.
func runPGStmt(conn *pgconn.PgConn, sql string, paramText []string) dmlOutcome {
	ctx := context.Background()
	fail := func(err error) dmlOutcome {
		var pe *pgconn.PgError
		if ok := asPgError(err, &pe); ok {
			return dmlOutcome{code: pe.Code, msg: pe.Message, detail: pe.Detail, hint: pe.Hint, pos: int(pe.Position)}
		}
		return dmlOutcome{code: "??", msg: err.Error()}
	}
	sd, err := conn.Prepare(ctx, "", sql, nil)
	if err != nil {
		return fail(err)
	}
	var o dmlOutcome
	o.params = sd.ParamOIDs
	vals := make([][]byte, len(sd.ParamOIDs))
	for i := range vals {
		if i < len(paramText) && paramText[i] != "NULL" {
			vals[i] = []byte(paramText[i])
		}
	}
	rr := conn.ExecPrepared(ctx, "", vals, nil, nil)
	for rr.NextRow() {
		var out []string
		for _, v := range rr.Values() {
			if v == nil {
				out = append(out, "NULL")
			} else {
				out = append(out, string(v))
			}
		}
		o.rows = append(o.rows, out)
	}
	tag, err := rr.Close()
	if err != nil {
		return fail(err)
	}
	o.tag = tag.String()
	return o
}

func asPgError(err error, pe **pgconn.PgError) bool { return errors.As(err, pe) }

// dmlLine is one statement of testdata/dml.txt.
type dmlLine struct {
	line   int
	sql    string
	params []string
}

func loadDML(t testing.TB) []dmlLine {
	f, err := os.Open("testdata/dml.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dmlLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		d := dmlLine{line: n, sql: l}
		if i := strings.Index(l, ";;"); i >= 0 {
			d.sql = strings.TrimSpace(l[:i])
			for _, p := range strings.Split(l[i+2:], ",") {
				d.params = append(d.params, strings.TrimSpace(p))
			}
		}
		out = append(out, d)
	}
	return out
}

// TestOracleDML runs the DML script on PostgreSQL and on a session and
// compares every statement's outcome.
func TestOracleDML(t *testing.T) {
	conn := oracle(t)
	ctx := context.Background()
	if err := conn.Exec(ctx, "DROP TABLE IF EXISTS dml_t, dml_types, dml_pk, dml_missing").Close(); err != nil {
		t.Fatal(err)
	}
	s := newTestSession(t)
	for _, d := range loadDML(t) {
		want := runPGStmt(conn, d.sql, d.params)
		got := runSession(s, d.sql, d.params)
		if strings.HasPrefix(d.sql, "CREATE") {
			// Our DDL tags match, but PostgreSQL's Prepare of CREATE
			// reports no parameters either way: compare errors only.
			if got.code != want.code {
				t.Errorf("line %d: %s\n got  %v\n want %v", d.line, d.sql, got, want)
			}
			continue
		}
		if got.String() != want.String() {
			t.Errorf("line %d: %s\n got  %v\n want %v", d.line, d.sql, got, want)
		}
	}
}

// TestConcurrentUpdates runs increments from several sessions at once:
// none may be lost, and scans running meanwhile must see consistent
// snapshots (run with -race).
func TestConcurrentUpdates(t *testing.T) {
	e := newTestEngine(t)
	mk := func() *executor.Session {
		s, err := executor.NewSession(e, executor.Config{User: "postgres", Database: "postgres"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s0 := mk()
	for _, q := range []string{
		"CREATE TABLE acc (id int4 NOT NULL, bal int8)",
		"INSERT INTO acc VALUES (1, 0), (2, 0), (3, 0), (4, 0)",
	} {
		if o := runSession(s0, q, nil); o.code != "" {
			t.Fatal(q, o)
		}
	}
	// Parse up front: sessions share the parsed statements, as a server's
	// plan cache would, and Prepare must not change them.
	parse := func(sql string) *parser.Statement {
		stmts, err := parser.Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		return stmts[0]
	}
	upd, ins := parse("UPDATE acc SET bal = bal + $1 WHERE id = $2"), parse("INSERT INTO acc VALUES (100, 1)")
	del, sum := parse("DELETE FROM acc WHERE id = 100"), parse("SELECT sum(bal) FROM acc WHERE id < 100")
	const workers, rounds = 4, 50
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := mk()
			for i := 0; i < rounds; i++ {
				id := fmt.Sprint(i%4 + 1)
				if o := runParsed(s, upd, []string{"1", id}); o.tag != "UPDATE 1" {
					errs <- o.String()
				}
				if o := runParsed(s, ins, nil); o.tag != "INSERT 0 1" {
					errs <- o.String()
				}
				if o := runParsed(s, del, nil); o.code != "" {
					errs <- o.String()
				}
				if o := runParsed(s, sum, nil); o.code != "" {
					errs <- o.String()
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	o := runSession(s0, "SELECT sum(bal), count(*) FROM acc", nil)
	if want := fmt.Sprint(workers * rounds); len(o.rows) != 1 || o.rows[0][0] != want || o.rows[0][1] != "4" {
		t.Errorf("after concurrent updates: %v, want sum %s over 4 rows", o, want)
	}
}

// BenchmarkUpdateByKey is pgbench's UPDATE without an index: a full scan
// of 10,000 rows and one row changed, through Prepare/Execute.
func BenchmarkUpdateByKey(b *testing.B) {
	s := newTestSession(b)
	runSession(s, "CREATE TABLE acc (id int4 NOT NULL, bal int8)", nil)
	for i := 0; i < 10; i++ {
		runSession(s, fmt.Sprintf("INSERT INTO acc SELECT %d, 0 FROM (SELECT 1) x", i), nil)
	}
	ins, _ := parser.Parse("INSERT INTO acc VALUES ($1, 0)")
	for i := 10; i < 10000; i++ {
		runParsed(s, ins[0], []string{fmt.Sprint(i)})
	}
	stmts, _ := parser.Parse("UPDATE acc SET bal = bal + $1 WHERE id = $2")
	p, err := s.Prepare(stmts[0], nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := s.Execute(context.Background(), p, []types.Datum{int64(1), int64(i % 10000)})
		if err != nil || res.Tag(0) != "UPDATE 1" {
			b.Fatal(err, res.Tag(0))
		}
	}
}

// BenchmarkInsertValues measures a prepared one-row INSERT.
func BenchmarkInsertValues(b *testing.B) {
	s := newTestSession(b)
	runSession(s, "CREATE TABLE h (a int4, b int8, c varchar(22))", nil)
	stmts, _ := parser.Parse("INSERT INTO h VALUES ($1, $2, $3)")
	p, err := s.Prepare(stmts[0], nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(context.Background(), p, []types.Datum{int64(i), int64(i), "abc"}); err != nil {
			b.Fatal(err)
		}
	}
}

// newTestEngine opens a database in a fresh directory, closed when the test
// ends.
func newTestEngine(t testing.TB) *executor.Engine {
	e, err := executor.OpenEngine(storage.Options{Dir: t.TempDir(), BufferPool: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}
