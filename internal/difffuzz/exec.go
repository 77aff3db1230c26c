package difffuzz

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Target is one server under test, reached over the simple query protocol
// so that every value arrives in its text form, as psql would show it.
type Target struct {
	Name    string
	DSN     string
	Timeout time.Duration // client-side limit per statement (a hang)
	conn    *pgconn.PgConn
}

// Connect opens (or reopens) the connection and sets statement_timeout to
// half the client timeout, so that a slow query is an error on the server
// before it is a hang on the client.
func (t *Target) Connect(ctx context.Context) error {
	if t.conn != nil {
		_ = t.conn.Close(ctx)
		t.conn = nil
	}
	c, err := pgconn.Connect(ctx, t.DSN)
	if err != nil {
		return fmt.Errorf("%s: connect: %w", t.Name, err)
	}
	t.conn = c
	st := t.Timeout / 2
	if st <= 0 {
		st = 5 * time.Second
	}
	_, err = c.Exec(ctx, fmt.Sprintf("SET statement_timeout = %d; SET extra_float_digits = 1", st.Milliseconds())).ReadAll()
	return err
}

// Close closes the connection.
func (t *Target) Close() {
	if t.conn != nil {
		_ = t.conn.Close(context.Background())
		t.conn = nil
	}
}

// Result is what one statement returned: rows of text values (nil for
// NULL) with the column type OIDs, or an error. Lost and Timeout say that
// the connection died or that the client gave up waiting; the connection
// is reopened for the next statement either way.
type Result struct {
	OIDs    []uint32
	Rows    [][]*string
	Code    string // SQLSTATE, "" on success
	Msg     string
	Lost    bool
	Timeout bool
}

// Failed reports whether the statement did not return rows.
func (r *Result) Failed() bool { return r.Code != "" || r.Lost || r.Timeout }

// Describe is a short description of the outcome.
func (r *Result) Describe() string {
	switch {
	case r.Timeout:
		return "no answer within the client timeout (hang)"
	case r.Lost:
		return "connection lost (crash): " + r.Msg
	case r.Code != "":
		return "ERROR " + r.Code + ": " + r.Msg
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d row(s)", len(r.Rows))
	for i, row := range r.Rows {
		if i == 20 {
			b.WriteString("\n  ...")
			break
		}
		b.WriteString("\n  ")
		for j, v := range row {
			if j > 0 {
				b.WriteString(" | ")
			}
			if v == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString(*v)
			}
		}
	}
	return b.String()
}

// Exec runs sql (possibly several statements) and returns the last
// statement's result, or the first error.
func (t *Target) Exec(ctx context.Context, sql string) *Result {
	if t.conn == nil || t.conn.IsClosed() {
		if err := t.Connect(ctx); err != nil {
			return &Result{Lost: true, Msg: err.Error()}
		}
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rs, err := t.conn.Exec(qctx, sql).ReadAll()
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			if pe.Severity == "FATAL" || pe.Severity == "PANIC" {
				t.Close()
				return &Result{Lost: true, Code: pe.Code, Msg: pe.Message}
			}
			return &Result{Code: pe.Code, Msg: pe.Message}
		}
		res := &Result{Msg: err.Error()}
		if qctx.Err() != nil && ctx.Err() == nil {
			res.Timeout = true
		} else {
			res.Lost = true
		}
		t.Close()
		return res
	}
	res := &Result{}
	if len(rs) == 0 {
		return res
	}
	last := rs[len(rs)-1]
	for _, f := range last.FieldDescriptions {
		res.OIDs = append(res.OIDs, f.DataTypeOID)
	}
	res.Rows = make([][]*string, len(last.Rows))
	for i, row := range last.Rows {
		out := make([]*string, len(row))
		for j, v := range row {
			if v != nil {
				s := string(v)
				out[j] = &s
			}
		}
		res.Rows[i] = out
	}
	return res
}

const (
	oidFloat4 = 700
	oidFloat8 = 701
)

// canonRows turns rows into comparable strings: floats rounded to 12
// significant digits (sums over a different row order differ in the last
// bits; PostgreSQL leaves that order undefined), values near zero to 0, a
// NUL between fields and \x01 for NULL. Unless ordered, the rows are sorted
// so that the comparison is of multisets.
func canonRows(r *Result, ordered bool) []string {
	out := make([]string, len(r.Rows))
	var b []byte
	for i, row := range r.Rows {
		b = b[:0]
		for j, v := range row {
			if j > 0 {
				b = append(b, 0)
			}
			if v == nil {
				b = append(b, 1)
				continue
			}
			if j < len(r.OIDs) && (r.OIDs[j] == oidFloat8 || r.OIDs[j] == oidFloat4) {
				b = appendCanonFloat(b, *v)
				continue
			}
			b = append(b, *v...)
		}
		out[i] = string(b)
	}
	if !ordered {
		slices.Sort(out)
	}
	return out
}

func appendCanonFloat(b []byte, s string) []byte {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, s...)
	}
	if math.Abs(f) < 1e-9 {
		return append(b, '0')
	}
	return strconv.AppendFloat(b, f, 'g', 12, 64)
}

// sameRows compares two successful results.
func sameRows(a, b *Result, ordered bool) bool {
	return slices.Equal(canonRows(a, ordered), canonRows(b, ordered))
}
