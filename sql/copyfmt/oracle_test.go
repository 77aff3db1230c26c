package copyfmt

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// decodeCase is one line of testdata/decode.txt.
type decodeCase struct {
	line  int
	ncols int
	opts  string
	input []byte
}

func (c decodeCase) String() string {
	return fmt.Sprintf("decode.txt:%d (%s) %q", c.line, c.opts, c.input)
}

func loadDecodeCases(t testing.TB) []decodeCase {
	t.Helper()
	f, err := os.Open("testdata/decode.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []decodeCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' {
			continue
		}
		parts := strings.SplitN(l, " | ", 3)
		if len(parts) != 3 {
			t.Fatalf("decode.txt:%d: want 3 fields", n)
		}
		nc, err := strconv.Atoi(strings.TrimSpace(parts[0]))
		if err != nil {
			t.Fatalf("decode.txt:%d: %v", n, err)
		}
		in, err := strconv.Unquote(strings.TrimSpace(parts[2]))
		if err != nil {
			t.Fatalf("decode.txt:%d: %v", n, err)
		}
		cases = append(cases, decodeCase{line: n, ncols: nc, opts: strings.TrimSpace(parts[1]), input: []byte(in)})
	}
	return cases
}

func loadOptionCases(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/options.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && l[0] != '#' {
			out = append(out, l)
		}
	}
	return out
}

// parseOpts turns the text inside WITH (...) into Opts, as the SQL parser
// would: identifiers folded to lower case, strings ('..', E'..') unquoted.
func parseOpts(s string) ([]Opt, error) {
	var opts []Opt
	p := 0
	skip := func() {
		for p < len(s) && s[p] == ' ' {
			p++
		}
	}
	word := func() string {
		st := p
		for p < len(s) && (isAlnum(s[p]) || s[p] == '_' || s[p] == '-') {
			p++
		}
		return strings.ToLower(s[st:p])
	}
	str := func() (string, error) {
		esc := false
		if s[p] == 'E' || s[p] == 'e' {
			esc = true
			p++
		}
		p++ // opening quote
		var b strings.Builder
		for p < len(s) {
			c := s[p]
			p++
			if c == '\'' {
				if p < len(s) && s[p] == '\'' {
					b.WriteByte('\'')
					p++
					continue
				}
				return b.String(), nil
			}
			if esc && c == '\\' && p < len(s) {
				c = s[p]
				p++
				switch c {
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				}
			}
			b.WriteByte(c)
		}
		return "", errors.New("unterminated string")
	}
	for {
		skip()
		if p >= len(s) {
			return opts, nil
		}
		o := Opt{Name: word()}
		if o.Name == "" {
			return nil, fmt.Errorf("bad option text %q", s)
		}
		skip()
		switch {
		case p >= len(s) || s[p] == ',':
		case s[p] == '(':
			p++
			o.HasValue, o.IsList = true, true
			for {
				skip()
				o.List = append(o.List, word())
				skip()
				if p < len(s) && s[p] == ',' {
					p++
					continue
				}
				if p < len(s) && s[p] == ')' {
					p++
				}
				break
			}
		case s[p] == '*':
			p++
			o.HasValue, o.Value = true, "*"
		case s[p] == '\'' || (p+1 < len(s) && (s[p] == 'E' || s[p] == 'e') && s[p+1] == '\''):
			v, err := str()
			if err != nil {
				return nil, err
			}
			o.HasValue, o.Value = true, v
		default:
			o.HasValue, o.Value = true, word()
		}
		opts = append(opts, o)
		skip()
		if p < len(s) && s[p] == ',' {
			p++
		}
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func colNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "c" + strconv.Itoa(i+1)
	}
	return names
}

// oracle is a connection to the shared PostgreSQL 15.
type oracle struct {
	t    *testing.T
	ctx  context.Context
	conn *pgx.Conn
}

func newOracle(t *testing.T) *oracle {
	srv := pgoracle.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &oracle{t: t, ctx: ctx, conn: conn}
}

func (o *oracle) exec(sql string) {
	o.t.Helper()
	if _, err := o.conn.Exec(o.ctx, sql); err != nil {
		o.t.Fatalf("%s: %v", sql, err)
	}
}

// table recreates t with n text columns.
func (o *oracle) table(n int) {
	o.t.Helper()
	cols := colNames(n)
	for i := range cols {
		cols[i] += " text"
	}
	o.exec("DROP TABLE IF EXISTS t")
	o.exec("CREATE TABLE t (" + strings.Join(cols, ", ") + ")")
}

// rows returns t's rows, NULL-aware, in storage (= insertion) order.
func (o *oracle) rows(n int) [][]*string {
	o.t.Helper()
	sel := "SELECT " + strings.Join(colNames(n), ", ") + " FROM t"
	if n == 0 {
		sel = "SELECT FROM t"
	}
	rs, err := o.conn.Query(o.ctx, sel)
	if err != nil {
		o.t.Fatal(err)
	}
	defer rs.Close()
	var out [][]*string
	for rs.Next() {
		row := make([]*string, n)
		dst := make([]any, n)
		for i := range dst {
			dst[i] = &row[i]
		}
		if err := rs.Scan(dst...); err != nil {
			o.t.Fatal(err)
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		o.t.Fatal(err)
	}
	return out
}

// pgErr is the comparable part of an error: SQLSTATE, message, detail,
// hint and context.
type pgErr struct{ Code, Message, Detail, Hint, Where string }

func fromPG(err error) *pgErr {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return &pgErr{pe.Code, pe.Message, pe.Detail, pe.Hint, pe.Where}
	}
	return &pgErr{Code: "?", Message: err.Error()}
}

func fromOurs(_ Options, err error) *pgErr { return fromOursCtx(err, "") }

func fromOursCtx(err error, where string) *pgErr {
	if err == nil {
		return nil
	}
	e := pgerror.From(err)
	return &pgErr{e.Code, e.Message, e.Detail, e.Hint, where}
}

// decodeAll runs our decoder over a case: rows, or the error with its
// CONTEXT as PostgreSQL would print it.
func decodeAll(c decodeCase, from bool) ([][][]byte, *pgErr) {
	opts, err := parseOpts(c.opts)
	if err != nil {
		return nil, &pgErr{Message: err.Error()}
	}
	o, err := ParseOptions(opts, from)
	if err != nil {
		return nil, fromOursCtx(err, "")
	}
	d := NewDecoder(bytes.NewReader(c.input), o)
	d.SetColumns(colNames(c.ncols))
	var rows [][][]byte
	for {
		f, err := d.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, fromOursCtx(err, d.ErrorContext("t"))
		}
		row := make([][]byte, len(f))
		for i, v := range f {
			if v != nil {
				row[i] = append([]byte{}, v...)
			}
		}
		rows = append(rows, row)
	}
}

func TestOracleDecode(t *testing.T) {
	o := newOracle(t)
	checked, failed := 0, 0
	defer func() { t.Logf("%d cases accepted, %d rejected by both", checked, failed) }()
	for _, c := range loadDecodeCases(t) {
		o.table(c.ncols)
		sql := "COPY t FROM STDIN"
		if c.opts != "" {
			sql += " WITH (" + c.opts + ")"
		}
		_, perr := o.conn.PgConn().CopyFrom(o.ctx, bytes.NewReader(c.input), sql)
		want := fromPG(perr)
		got, gotErr := decodeAll(c, true)
		if fmt.Sprint(want) != fmt.Sprint(gotErr) {
			t.Errorf("%v:\n  PostgreSQL: %+v\n  ours:       %+v", c, want, gotErr)
			continue
		}
		if want != nil {
			failed++
			continue
		}
		checked++
		pgRows := o.rows(c.ncols)
		if len(pgRows) != len(got) {
			t.Errorf("%v: PostgreSQL stored %d rows, we decoded %d", c, len(pgRows), len(got))
			continue
		}
		for i := range got {
			for j := range got[i] {
				p, g := pgRows[i][j], got[i][j]
				if (p == nil) != (g == nil) || (p != nil && *p != string(g)) {
					t.Errorf("%v: row %d col %d: PostgreSQL %s, ours %s", c, i+1, j+1, show(p), showB(g))
				}
			}
		}
	}
}

func show(p *string) string {
	if p == nil {
		return "NULL"
	}
	return strconv.Quote(*p)
}

func showB(b []byte) string {
	if b == nil {
		return "NULL"
	}
	return strconv.Quote(string(b))
}

// encodeOptions are the COPY TO option sets every decoded case is written
// back with.
var encodeOptions = []string{
	"",
	"delimiter '|', null 'NULL'",
	"delimiter ',', null ''",
	"header",
	"format csv",
	"format csv, header",
	"format csv, force_quote *",
	"format csv, force_quote (c2), quote '|', escape '\\', delimiter ';', null 'N'",
	"format csv, null 'a'",
	"format csv, null '\\.'",
	"format csv, quote '''', escape '\\'",
	"format binary",
}

func TestOracleEncode(t *testing.T) {
	o := newOracle(t)
	for _, c := range loadDecodeCases(t) {
		if c.ncols == 0 {
			continue
		}
		rows, derr := decodeAll(c, true)
		if derr != nil || len(rows) == 0 {
			continue
		}
		o.table(c.ncols)
		sql := "COPY t FROM STDIN"
		if c.opts != "" {
			sql += " WITH (" + c.opts + ")"
		}
		if _, err := o.conn.PgConn().CopyFrom(o.ctx, bytes.NewReader(c.input), sql); err != nil {
			t.Errorf("%v: PostgreSQL rejected what we accept: %v", c, err)
			continue
		}
		for _, to := range encodeOptions {
			if c.ncols < 2 && strings.Contains(to, "(c2)") {
				continue
			}
			var want bytes.Buffer
			sql := "COPY t TO STDOUT"
			if to != "" {
				sql += " WITH (" + to + ")"
			}
			if _, err := o.conn.PgConn().CopyTo(o.ctx, &want, sql); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			opts, err := parseOpts(to)
			if err != nil {
				t.Fatal(err)
			}
			eo, err := ParseOptions(opts, false)
			if err != nil {
				t.Fatalf("%s: %v", to, err)
			}
			e := NewEncoder(eo)
			e.SetColumns(colNames(c.ncols))
			got := e.AppendHeader(nil)
			for _, r := range rows {
				got = e.AppendRow(got, r)
			}
			got = e.AppendTrailer(got)
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%v TO (%s):\n  PostgreSQL %q\n  ours       %q", c, to, want.Bytes(), got)
				continue
			}
		}
	}
}

func sameRows(a, b [][][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if (a[i][j] == nil) != (b[i][j] == nil) || !bytes.Equal(a[i][j], b[i][j]) {
				return false
			}
		}
	}
	return true
}

// TestOracleHeaderNames checks HEADER lines with names that need quoting or
// escaping, using a query's column aliases.
func TestOracleHeaderNames(t *testing.T) {
	o := newOracle(t)
	names := []string{"plain", "we,ird", `q"uote`, "tab\tbed", `back\slash`, "new\nline", `\.`}
	var sel []string
	for _, n := range names {
		sel = append(sel, "'v' AS \""+strings.ReplaceAll(n, `"`, `""`)+"\"")
	}
	q := "(SELECT " + strings.Join(sel, ", ") + ")"
	single := "(SELECT 'v' AS \"\\.\")"
	for _, to := range []string{"header", "format csv, header", "format csv, header, quote '|'", "delimiter '|', header"} {
		for _, tc := range []struct {
			q     string
			names []string
		}{{q, names}, {single, []string{`\.`}}} {
			var want bytes.Buffer
			if _, err := o.conn.PgConn().CopyTo(o.ctx, &want, "COPY "+tc.q+" TO STDOUT WITH ("+to+")"); err != nil {
				t.Fatal(err)
			}
			opts, _ := parseOpts(to)
			eo, err := ParseOptions(opts, false)
			if err != nil {
				t.Fatal(err)
			}
			e := NewEncoder(eo)
			e.SetColumns(tc.names)
			got := e.AppendHeader(nil)
			row := make([][]byte, len(tc.names))
			for i := range row {
				row[i] = []byte("v")
			}
			got = e.AppendRow(got, row)
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("TO (%s) %v:\n  PostgreSQL %q\n  ours       %q", to, tc.names, want.Bytes(), got)
			}
		}
	}
}

func TestOracleOptions(t *testing.T) {
	o := newOracle(t)
	o.table(3)
	for _, s := range loadOptionCases(t) {
		opts, err := parseOpts(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for _, from := range []bool{true, false} {
			var perr error
			if from {
				_, perr = o.conn.PgConn().CopyFrom(o.ctx, bytes.NewReader(nil), "COPY t FROM STDIN WITH ("+s+")")
			} else {
				_, perr = o.conn.PgConn().CopyTo(o.ctx, io.Discard, "COPY t TO STDOUT WITH ("+s+")")
			}
			want := fromPG(perr)
			if want != nil && want.Code == pgerror.ObjectNotInPrerequisiteState && strings.HasPrefix(want.Message, "cannot perform COPY FREEZE") {
				want = nil // FREEZE's own check, past option validation
			}
			if want != nil {
				want.Where = "" // no CONTEXT for option errors
			}
			got := fromOurs(ParseOptions(opts, from))
			if got == nil && from {
				// PostgreSQL goes on to read the (empty) data.
				_, got = decodeAll(decodeCase{ncols: 3, opts: s}, true)
				if got != nil {
					got.Where = ""
				}
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Errorf("WITH (%s) from=%v:\n  PostgreSQL: %+v\n  ours:       %+v", s, from, want, got)
			}
		}
	}
}
