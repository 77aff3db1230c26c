package slt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

// Engine is the engine name skipif/onlyif lines are matched against.
const Engine = "postgresql"

// Failure is one record that did not give what the file expects.
type Failure struct {
	// File is the file's name as given to Run; Line the record's first line.
	File string
	Line int
	SQL  string
	// Msg says what differed: expected versus got, or the error.
	Msg string
}

// Key is "file:line", the form of postgres-fails.txt.
func (f Failure) Key() string { return fmt.Sprintf("%s:%d", f.File, f.Line) }

func (f Failure) String() string {
	sql := f.SQL
	if len(sql) > 300 {
		sql = sql[:300] + "..."
	}
	return fmt.Sprintf("%s: %s\n    %s", f.Key(), sql, f.Msg)
}

// Slow is a record that took longer than Options.SlowAfter.
type Slow struct {
	Key     string
	SQL     string
	Elapsed time.Duration
}

// FileResult counts what happened to a file's records.
type FileResult struct {
	File    string
	Passed  int
	Failed  int
	Skipped int // conditions excluded them, or they came after a halt
	// Failures holds every failed record in file order.
	Failures []Failure
	Slow     []Slow
	Elapsed  time.Duration
}

// Summary is the "N passed, N failed" line.
func (r *FileResult) Summary() string {
	return fmt.Sprintf("%s: %d passed, %d failed, %d skipped (%.1fs)", r.File, r.Passed, r.Failed, r.Skipped, r.Elapsed.Seconds())
}

// Options tunes Run.
type Options struct {
	// Timeout bounds one record (0: none); a record over it fails with
	// the cancellation error.
	Timeout time.Duration
	// SlowAfter records the records that take longer than this (0: off).
	SlowAfter time.Duration
	// Skip, when set, is asked about every record before it runs; true
	// counts the record as skipped.
	Skip func(rec *Record) bool
	// OnSlow, when set, is called as soon as a record exceeds SlowAfter,
	// so long runs report progress before they end.
	OnSlow func(Slow)
}

// RunFile parses the file at path and runs it over conn; name is the name
// failures carry (the path relative to the corpus, normally).
func RunFile(ctx context.Context, conn *pgconn.PgConn, path, name string, opts Options) (*FileResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, err := ParseBytes(data, name)
	if err != nil {
		return nil, err
	}
	return Run(ctx, conn, name, recs, opts), nil
}

// Run executes records in order over conn with the simple protocol (so
// every value arrives in text form) and compares each result with the
// record's expectation.
func Run(ctx context.Context, conn *pgconn.PgConn, name string, recs []Record, opts Options) *FileResult {
	start := time.Now()
	res := &FileResult{File: name}
	halted := false
	var values []string
	var buf []byte
	for i := range recs {
		rec := &recs[i]
		if rec.Kind == HashThreshold {
			continue
		}
		if halted || !rec.Runs(Engine) || (opts.Skip != nil && opts.Skip(rec)) {
			if rec.Kind == Statement || rec.Kind == Query {
				res.Skipped++
			}
			continue
		}
		if rec.Kind == Halt {
			halted = true
			continue
		}
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if opts.Timeout > 0 {
			rctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		}
		t0 := time.Now()
		var msg string
		values, buf, msg = runRecord(rctx, conn, rec, values[:0], buf)
		cancel()
		if el := time.Since(t0); opts.SlowAfter > 0 && el > opts.SlowAfter {
			s := Slow{Key: fmt.Sprintf("%s:%d", name, rec.Line), SQL: rec.SQL, Elapsed: el}
			res.Slow = append(res.Slow, s)
			if opts.OnSlow != nil {
				opts.OnSlow(s)
			}
		}
		if msg == "" {
			res.Passed++
		} else {
			res.Failed++
			res.Failures = append(res.Failures, Failure{File: name, Line: rec.Line, SQL: rec.SQL, Msg: msg})
		}
		if ctx.Err() != nil {
			break
		}
	}
	res.Elapsed = time.Since(start)
	return res
}

// runRecord runs one statement or query and returns "" when it behaved as
// expected, else why not. values and buf are reused across records.
func runRecord(ctx context.Context, conn *pgconn.PgConn, rec *Record, values []string, buf []byte) ([]string, []byte, string) {
	mrr := conn.Exec(ctx, rec.SQL)
	columns := -1
	var colErr string
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		fds := rr.FieldDescriptions()
		if len(fds) > 0 {
			// The last result with columns is the query's.
			values = values[:0]
			columns = len(fds)
			if rec.Kind == Query && columns != len(rec.Types) {
				colErr = fmt.Sprintf("expected %d columns (%s), got %d", len(rec.Types), rec.Types, columns)
			}
		}
		for rr.NextRow() {
			if rec.Kind != Query || colErr != "" {
				continue
			}
			for j, v := range rr.Values() {
				buf = AppendValue(buf[:0], rec.Types[j], v)
				values = append(values, string(buf))
			}
		}
		if _, err := rr.Close(); err != nil {
			_ = mrr.Close()
			return values, buf, errorText(rec, err)
		}
	}
	if err := mrr.Close(); err != nil {
		return values, buf, errorText(rec, err)
	}
	if rec.Kind == Statement {
		if rec.ExpectError {
			return values, buf, "expected an error, statement succeeded"
		}
		return values, buf, ""
	}
	if colErr != "" {
		return values, buf, colErr
	}
	if columns < 0 {
		return values, buf, "query returned no result set"
	}
	SortValues(values, columns, rec.Sort)
	return values, buf, Compare(rec, values)
}

func errorText(rec *Record, err error) string {
	if rec.Kind == Statement && rec.ExpectError {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("error %s: %s", pe.Code, pe.Message)
	}
	return "error: " + err.Error()
}

// Connect opens a connection for Run. A record's context ending (its
// timeout) sends a CancelRequest and keeps the connection, instead of
// pgconn's default of closing it, so the rest of the file still runs.
func Connect(ctx context.Context, dsn string) (*pgconn.PgConn, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 10 * time.Second}
	}
	return pgconn.ConnectConfig(ctx, cfg)
}

// FindCorpus returns the sqllogictest corpus directory: $NQDB_SLT_CORPUS,
// else ../shared/corpus/sqllogictest beside the repository root (the
// nearest directory above dir holding go.mod).
func FindCorpus(dir string) (string, error) {
	if d := os.Getenv("NQDB_SLT_CORPUS"); d != "" {
		return d, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "corpus", "sqllogictest")
			if _, err := os.Stat(c); err != nil {
				return "", fmt.Errorf("sqllogictest corpus not found: %w", err)
			}
			return c, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("repository root (go.mod) not found above " + abs)
		}
	}
}

// CorpusFiles lists the corpus' *.test files relative to dir, sorted.
func CorpusFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".test") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}
