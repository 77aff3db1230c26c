// Package tpch loads TPC-H data into a server that speaks the PostgreSQL
// protocol (nqdb or PostgreSQL itself), runs the 22 TPC-H queries and
// renders their results exactly as PostgreSQL's
//
//	COPY (query) TO STDOUT WITH (FORMAT csv, HEADER true)
//
// prints them, which is the form of the answer files in the shared corpus
// (../shared/corpus/tpch beside the repository; see its README.md). Two
// users:
//
//   - the test in this package (go test ./internal/tpch) loads the corpus's
//     scale-factor-0.01 data into a fresh in-process nqdb, runs every query
//     under a statement_timeout and compares with the answer files. It
//     reports pass, fail (with the error or the first differing row) or
//     timeout per query with its time, and fails only for the queries listed
//     in testdata/must-pass.txt, since most queries need hash joins that are
//     still being built. It also runs the queries on PostgreSQL 15 through
//     the same renderer and requires the answer files back: that keeps the
//     harness itself honest.
//   - bench/tpch (make bench-tpch) times the queries on nqdb and PostgreSQL
//     at a larger scale and checks nqdb's results against PostgreSQL's with
//     the same renderer.
//
// Results are read in the simple protocol, so every value arrives in
// PostgreSQL's text form and is compared byte for byte: numeric scale,
// blank-padded char(n), date and float formatting all count.
package tpch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Tables are the eight TPC-H tables in load order.
var Tables = []string{"region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"}

// NumQueries is the number of TPC-H queries (q01 .. q22).
const NumQueries = 22

// QueryName is the file stem of query n: q01 .. q22.
func QueryName(n int) string { return fmt.Sprintf("q%02d", n) }

// Corpus is a directory laid out as the shared corpus: schema.sql,
// indexes.sql, data/NAME.tbl, queries/qNN.sql, answers/qNN.csv.
type Corpus struct {
	Dir string
}

// FindCorpus locates the TPC-H corpus: $NQDB_TPCH_DIR if set, otherwise
// ../shared/corpus/tpch beside the repository (the directory holding
// go.mod, found by walking up from the working directory).
func FindCorpus() (Corpus, error) {
	if d := os.Getenv("NQDB_TPCH_DIR"); d != "" {
		return checkCorpus(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return Corpus{}, err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return checkCorpus(filepath.Join(d, "..", "shared", "corpus", "tpch"))
		}
		if filepath.Dir(d) == d {
			return Corpus{}, errors.New("tpch: no go.mod above the working directory; set NQDB_TPCH_DIR")
		}
	}
}

func checkCorpus(dir string) (Corpus, error) {
	if _, err := os.Stat(filepath.Join(dir, "schema.sql")); err != nil {
		return Corpus{}, fmt.Errorf("tpch: no TPC-H corpus at %s (set NQDB_TPCH_DIR): %w", dir, err)
	}
	return Corpus{Dir: dir}, nil
}

func (c Corpus) read(parts ...string) (string, error) {
	b, err := os.ReadFile(filepath.Join(append([]string{c.Dir}, parts...)...))
	return string(b), err
}

// Schema is the text of schema.sql (CREATE TABLE statements).
func (c Corpus) Schema() (string, error) { return c.read("schema.sql") }

// Indexes is the text of indexes.sql (CREATE INDEX statements).
func (c Corpus) Indexes() (string, error) { return c.read("indexes.sql") }

// Query is the text of query n (1..22).
func (c Corpus) Query(n int) (string, error) { return c.read("queries", QueryName(n)+".sql") }

// Answer is the expected output of query n in the form QueryCSV renders.
func (c Corpus) Answer(n int) ([]byte, error) {
	return os.ReadFile(filepath.Join(c.Dir, "answers", QueryName(n)+".csv"))
}

// Load creates the schema, copies every table's data file in and, when
// indexes is set, creates the secondary indexes. It returns the row count
// of each table.
func (c Corpus) Load(ctx context.Context, conn *pgconn.PgConn, indexes bool) (map[string]int64, error) {
	schema, err := c.Schema()
	if err != nil {
		return nil, err
	}
	if err := Exec(ctx, conn, schema); err != nil {
		return nil, fmt.Errorf("schema.sql: %w", err)
	}
	counts := make(map[string]int64, len(Tables))
	for _, t := range Tables {
		f, err := os.Open(filepath.Join(c.Dir, "data", t+".tbl"))
		if err != nil {
			return nil, err
		}
		n, err := CopyTable(ctx, conn, t, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		counts[t] = n
	}
	if indexes {
		idx, err := c.Indexes()
		if err != nil {
			return nil, err
		}
		if err := Exec(ctx, conn, idx); err != nil {
			return nil, fmt.Errorf("indexes.sql: %w", err)
		}
	}
	return counts, nil
}

// Exec runs a script of one or more statements in one simple Query.
func Exec(ctx context.Context, conn *pgconn.PgConn, script string) error {
	_, err := conn.Exec(ctx, script).ReadAll()
	return err
}

// CopyTable loads r, dbgen's '|'-delimited rows, into table with the COPY
// statement the corpus README prescribes and returns the row count.
func CopyTable(ctx context.Context, conn *pgconn.PgConn, table string, r io.Reader) (int64, error) {
	tag, err := conn.CopyFrom(ctx, r, "COPY "+table+" FROM STDIN WITH (FORMAT csv, DELIMITER '|')")
	if err != nil {
		return 0, fmt.Errorf("COPY %s: %w", table, err)
	}
	return tag.RowsAffected(), nil
}

// QueryCSV runs query (one statement, a trailing ';' allowed) in the
// simple protocol and appends its result to buf as PostgreSQL's COPY
// (query) TO STDOUT WITH (FORMAT csv, HEADER true) prints it. It returns
// the extended buffer and the number of rows.
func QueryCSV(ctx context.Context, conn *pgconn.PgConn, buf []byte, query string) ([]byte, int, error) {
	mrr := conn.Exec(ctx, query)
	rows := 0
	results := 0
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		fds := rr.FieldDescriptions()
		if len(fds) == 0 {
			// A statement without a result (a SET before the query): skip.
			if _, err := rr.Close(); err != nil {
				_ = mrr.Close()
				return buf, rows, err
			}
			continue
		}
		results++
		for i, fd := range fds {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendCSVField(buf, []byte(fd.Name))
		}
		buf = append(buf, '\n')
		for rr.NextRow() {
			buf = AppendCSVRow(buf, rr.Values())
			rows++
		}
		if _, err := rr.Close(); err != nil {
			_ = mrr.Close()
			return buf, rows, err
		}
	}
	if err := mrr.Close(); err != nil {
		return buf, rows, err
	}
	if results != 1 {
		return buf, rows, fmt.Errorf("tpch: query returned %d result sets, want 1", results)
	}
	return buf, rows, nil
}

// AppendCSVRow appends one row (nil = NULL) and a newline.
func AppendCSVRow(buf []byte, values [][]byte) []byte {
	for i, v := range values {
		if i > 0 {
			buf = append(buf, ',')
		}
		if v != nil {
			buf = AppendCSVField(buf, v)
		}
	}
	return append(buf, '\n')
}

// AppendCSVField appends a non-NULL value as PostgreSQL's CSV output does
// (CopyAttributeOutCSV with the default NULL string, the empty string):
// the value is quoted when it is empty (so that it differs from NULL),
// when it contains the delimiter, the quote, a carriage return or a line
// feed, or when it is the end-of-data marker \. ; quotes inside are
// doubled.
func AppendCSVField(buf, v []byte) []byte {
	if !needsQuote(v) {
		return append(buf, v...)
	}
	buf = append(buf, '"')
	for {
		i := bytes.IndexByte(v, '"')
		if i < 0 {
			break
		}
		buf = append(buf, v[:i+1]...)
		buf = append(buf, '"')
		v = v[i+1:]
	}
	buf = append(buf, v...)
	return append(buf, '"')
}

func needsQuote(v []byte) bool {
	if len(v) == 0 || (len(v) == 2 && v[0] == '\\' && v[1] == '.') {
		return true
	}
	for _, c := range v {
		switch c {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// Diff compares two outputs of QueryCSV line by line and describes the
// first difference ("" when they are equal): the line number (1 is the
// header) and both lines, or which side has more lines.
func Diff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	wl := splitLines(want)
	gl := splitLines(got)
	for i := 0; i < len(wl) && i < len(gl); i++ {
		if !bytes.Equal(wl[i], gl[i]) {
			return fmt.Sprintf("line %d (%d lines expected, %d got):\n  want %q\n  got  %q", i+1, len(wl), len(gl), wl[i], gl[i])
		}
	}
	if len(wl) > len(gl) {
		return fmt.Sprintf("%d lines expected, %d got; first missing line %d: %q", len(wl), len(gl), len(gl)+1, wl[len(gl)])
	}
	if len(gl) > len(wl) {
		return fmt.Sprintf("%d lines expected, %d got; first extra line %d: %q", len(wl), len(gl), len(wl)+1, gl[len(wl)])
	}
	// Same lines, so only the final newline differs.
	return "outputs differ only in the final line break"
}

// splitLines splits at '\n'; a final newline does not start a line. A
// quoted field with a line break would span two lines here, which only
// shifts the reported line number.
func splitLines(b []byte) [][]byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	if len(b) == 0 {
		return nil
	}
	return bytes.Split(b, []byte{'\n'})
}

// Status is the outcome of one query.
type Status string

// Outcomes of a query.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Timeout Status = "timeout"
)

// Result is one query's outcome on one server.
type Result struct {
	Status  Status
	Elapsed time.Duration
	Rows    int
	Output  []byte // the rendered result (nil after an error)
	Err     error  // the error of a failed or timed-out run
}

// RunQuery runs query on conn under statement_timeout = timeout (0: no
// limit) and renders its result. A run that ends in SQLSTATE 57014
// (query_canceled) or whose client-side deadline (timeout plus a grace
// period, in case the server does not honour statement_timeout) passes is
// a Timeout; the connection is then unusable and must be replaced when
// Result.Err is a context error. Status is Pass when there is no error: the
// caller compares Output.
func RunQuery(ctx context.Context, conn *pgconn.PgConn, query string, timeout time.Duration) Result {
	if err := Exec(ctx, conn, fmt.Sprintf("SET statement_timeout = %d", timeout.Milliseconds())); err != nil {
		return Result{Status: Fail, Err: fmt.Errorf("SET statement_timeout: %w", err)}
	}
	qctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		qctx, cancel = context.WithTimeout(ctx, timeout+timeout/2+2*time.Second)
		defer cancel()
	}
	start := time.Now()
	out, rows, err := QueryCSV(qctx, conn, nil, query)
	r := Result{Elapsed: time.Since(start), Rows: rows, Status: Pass}
	switch {
	case err == nil:
		r.Output = out
	case IsTimeout(err) || qctx.Err() != nil:
		r.Status, r.Err = Timeout, err
	default:
		r.Status, r.Err = Fail, err
	}
	return r
}

// IsTimeout reports whether err is a statement cancelled by
// statement_timeout (SQLSTATE 57014) or a context deadline.
func IsTimeout(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "57014"
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// ConnBroken reports whether err left the connection unusable (the client
// gave up waiting), so that the caller must connect again.
func ConnBroken(conn *pgconn.PgConn, err error) bool {
	return err != nil && conn.IsClosed()
}

// ErrText is a one-line description of a query error: SQLSTATE and
// message for a server error.
func ErrText(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code + ": " + pe.Message
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
