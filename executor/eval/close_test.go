package eval_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// scanCounter is shared by the counting tables of one test case: how many
// scans are open, and every misuse of a scan seen.
type scanCounter struct {
	open, opened, read int
	misuse             []string
}

// countTable is a Scannable table of n rows (id int4 = 1..n, v int4 = id %
// 10) that counts the scans open on it, as a storage iterator holding
// buffer pins would need to be counted.
type countTable struct {
	oid  uint32
	name string
	n    int
	sc   *scanCounter
}

func (t *countTable) OID() uint32  { return t.oid }
func (t *countTable) Name() string { return t.name }
func (t *countTable) Columns() []planner.Column {
	return []planner.Column{
		{Name: "id", Type: types.Int4, Typmod: -1, TableOID: t.oid, AttNum: 1},
		{Name: "v", Type: types.Int4, Typmod: -1, TableOID: t.oid, AttNum: 2},
	}
}

func (t *countTable) Scan(ctx context.Context) (eval.Rows, error) {
	t.sc.open++
	t.sc.opened++
	return &countRows{t: t}, nil
}

type countRows struct {
	t      *countTable
	i      int
	closed bool
}

func (r *countRows) Next() ([]types.Datum, error) {
	if r.closed {
		r.t.sc.misuse = append(r.t.sc.misuse, r.t.name+": Next after Close")
		return nil, io.EOF
	}
	if r.i >= r.t.n {
		return nil, io.EOF
	}
	r.i++
	r.t.sc.read++
	return []types.Datum{int64(r.i), int64(r.i % 10)}, nil
}

func (r *countRows) Close() {
	if r.closed {
		r.t.sc.misuse = append(r.t.sc.misuse, r.t.name+": closed twice")
		return
	}
	r.closed = true
	r.t.sc.open--
}

// sinkTable is an INSERT target; testEnv's Access gives it storage that
// keeps the inserted rows in memory.
type sinkTable struct {
	rows [][]types.Datum
}

func (t *sinkTable) OID() uint32  { return 16390 }
func (t *sinkTable) Name() string { return "sink" }
func (t *sinkTable) Columns() []planner.Column {
	return []planner.Column{{Name: "id", Type: types.Int4, Typmod: -1, TableOID: 16390, AttNum: 1}}
}

// Access implements eval.Store for the sink table only.
func (e *testEnv) Access(ctx context.Context, t planner.Table, write bool) (eval.TableAccess, bool, error) {
	s, ok := t.(*sinkTable)
	if !ok {
		return nil, false, nil
	}
	return sinkAccess{s}, true, nil
}

type sinkAccess struct{ t *sinkTable }

func (a sinkAccess) Scan(context.Context) (eval.KeyedRows, error) {
	return nil, errors.New("sink: not readable")
}
func (a sinkAccess) Lookup(context.Context, int, *eval.KeyRange) (eval.KeyedRows, error) {
	return nil, errors.New("sink: not readable")
}
func (a sinkAccess) Insert(_ context.Context, rows [][]types.Datum) error {
	a.t.rows = append(a.t.rows, rows...)
	return nil
}
func (a sinkAccess) Upsert(context.Context, []types.Datum, int, func([]types.Datum) ([]types.Datum, error)) ([]types.Datum, string, bool, error) {
	return nil, "", false, errors.New("sink: no upserts")
}
func (a sinkAccess) Lock(context.Context, string, bool, planner.LockWait) ([]types.Datum, bool, bool, error) {
	return nil, false, false, errors.New("sink: no locks")
}
func (a sinkAccess) Update(context.Context, string, []types.Datum, []types.Datum) error {
	return errors.New("sink: no updates")
}
func (a sinkAccess) Delete(context.Context, string, []types.Datum) error {
	return errors.New("sink: no deletes")
}

type closeCatalog map[string]planner.Table

func (c closeCatalog) LookupTable(schema, name string) (planner.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
}

func newCloseCatalog(sc *scanCounter) closeCatalog {
	return closeCatalog{
		"big":   &countTable{oid: 16386, name: "big", n: 10000, sc: sc},
		"small": &countTable{oid: 16387, name: "small", n: 3, sc: sc},
		"none":  &countTable{oid: 16388, name: "none", n: 0, sc: sc},
		"sink":  &sinkTable{},
	}
}

func planQuery(t *testing.T, sql string, cat planner.Catalog) *planner.Query {
	t.Helper()
	stmts, err := parser.Parse(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	q, err := planner.Build(stmts[0].AST, nil, cat)
	if err == nil {
		err = planner.Fold(q)
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return q
}

func sqlState(err error) string {
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return fmt.Sprintf("non-pg error %v", err)
}

// TestScansClosed checks that every scan a query opens is closed exactly
// once, never read after, and closed as early as the query allows: at the
// end of the rows or an error without waiting for Rows.Close, right after
// a LIMIT's last row, after a subquery's value is taken.
func TestScansClosed(t *testing.T) {
	for _, tc := range []struct {
		sql string
		// stop, when > 0, reads that many rows and then calls Close;
		// otherwise the rows are read to their end (or error).
		stop int
		// closedAfter, when > 0, is the row count after which no scan
		// may be open any more, before the end is asked for.
		closedAfter int
		code        string // expected SQLSTATE, "" = success
		maxRead     int    // when > 0, at most this many table rows read
		wantRows    int    // rows expected when read to the end
		noScan      bool   // the case must open no scan at all
	}{
		{sql: "SELECT id FROM big", wantRows: 10000},
		{sql: "SELECT * FROM none", wantRows: 0},
		{sql: "SELECT id FROM big LIMIT 1", closedAfter: 1, maxRead: 1, wantRows: 1},
		{sql: "SELECT id FROM big LIMIT 3 OFFSET 5", closedAfter: 3, maxRead: 8, wantRows: 3},
		{sql: "SELECT id FROM big LIMIT 0", wantRows: 0, noScan: true},
		{sql: "SELECT id FROM small OFFSET 10", wantRows: 0},
		{sql: "SELECT id FROM big ORDER BY id DESC LIMIT 2", closedAfter: 1, wantRows: 2},
		{sql: "SELECT EXISTS (SELECT 1 FROM big)", closedAfter: 1, maxRead: 1, wantRows: 1},
		{sql: "SELECT id FROM small WHERE EXISTS (SELECT 1 FROM big WHERE v = 3)", maxRead: 3 + 3, wantRows: 3},
		{sql: "SELECT (SELECT id FROM big WHERE id = 7)", closedAfter: 1, wantRows: 1},
		{sql: "SELECT (SELECT id FROM big)", code: "21000", maxRead: 2},
		{sql: "SELECT id FROM small WHERE id IN (SELECT id FROM big WHERE v = 2)", wantRows: 1},
		{sql: "SELECT 5 IN (SELECT id FROM big), 5 = ALL (SELECT id FROM small)", closedAfter: 1, wantRows: 1},
		{sql: "SELECT s.id, b.id FROM small s JOIN big b ON b.id = s.id", wantRows: 3},
		{sql: "SELECT s.id, b.id FROM big b LEFT JOIN small s ON b.id = s.id LIMIT 2", closedAfter: 2, wantRows: 2},
		{sql: "SELECT s.id, b.id FROM small s RIGHT JOIN none b ON b.id = s.id", wantRows: 0},
		{sql: "SELECT count(*), sum(id) FROM big", closedAfter: 1, wantRows: 1},
		{sql: "SELECT v, count(*) FROM big GROUP BY v ORDER BY v LIMIT 4", closedAfter: 1, wantRows: 4},
		{sql: "SELECT DISTINCT v FROM big LIMIT 2", closedAfter: 2, maxRead: 2, wantRows: 2},
		{sql: "SELECT id FROM small UNION ALL SELECT id FROM big LIMIT 5", closedAfter: 5, maxRead: 5, wantRows: 5},
		{sql: "SELECT id FROM small UNION ALL SELECT id FROM big UNION ALL SELECT id FROM small LIMIT 1", closedAfter: 1, maxRead: 1, wantRows: 1},
		{sql: "SELECT v FROM big UNION SELECT id FROM small", wantRows: 10},
		{sql: "SELECT 10 / (id - 3) FROM big", code: "22012", maxRead: 3},
		{sql: "SELECT id FROM big WHERE 10 / (id - 3) > 0", code: "22012", maxRead: 3},
		// Aggregation reads its input a batch at a time (batch.go): the
		// error comes from the first batch, not from further reading.
		{sql: "SELECT sum(10 / (id - 3)) FROM big", code: "22012", maxRead: 1024},
		{sql: "SELECT id FROM big ORDER BY 10 / (id - 3)", code: "22012"},
		{sql: "SELECT s.id FROM small s JOIN big b ON 10 / (b.id - 3) = s.id", code: "22012"},
		{sql: "SELECT id FROM small WHERE id = (SELECT 10 / (id - 3) FROM big LIMIT 1 OFFSET 2)", code: "22012", maxRead: 1 + 3},
		{sql: "SELECT id FROM small UNION ALL SELECT 10 / (id - 3) FROM big", code: "22012"},
		{sql: "SELECT id FROM big", stop: 1},
		{sql: "SELECT id FROM big", stop: -1, noScan: true}, // Close before any Next
		{sql: "SELECT s.id, b.id FROM small s, big b", stop: 1},
		{sql: "SELECT id FROM small UNION ALL SELECT id FROM big", stop: 4},
		{sql: "SELECT id FROM big WHERE id IN (SELECT id FROM small)", stop: 1},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			sc := &scanCounter{}
			cat := newCloseCatalog(sc)
			q := planQuery(t, tc.sql, cat)
			rows, err := eval.Run(context.Background(), q, nil, newTestEnv())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var runErr error
			for tc.stop == 0 || (tc.stop > 0 && n < tc.stop) {
				_, err := rows.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					runErr = err
					break
				}
				n++
				if n == tc.closedAfter && sc.open != 0 {
					t.Errorf("%d scans still open after row %d", sc.open, n)
				}
			}
			if tc.stop == 0 {
				// The end or an error closes everything by itself.
				if sc.open != 0 {
					t.Errorf("%d scans open at the end, before Close", sc.open)
				}
				switch {
				case tc.code == "" && runErr != nil:
					t.Errorf("unexpected error %v", runErr)
				case tc.code != "" && (runErr == nil || sqlState(runErr) != tc.code):
					t.Errorf("error = %v, want SQLSTATE %s", runErr, tc.code)
				case tc.code == "" && n != tc.wantRows:
					t.Errorf("got %d rows, want %d", n, tc.wantRows)
				}
			}
			rows.Close()
			rows.Close() // idempotent
			if _, err := rows.Next(); err != io.EOF {
				t.Errorf("Next after Close = %v, want io.EOF", err)
			}
			if sc.open != 0 {
				t.Errorf("%d scans open after Close", sc.open)
			}
			switch {
			case tc.noScan && sc.opened != 0:
				t.Errorf("%d scans opened, want none", sc.opened)
			case !tc.noScan && sc.opened == 0:
				t.Errorf("no scan was opened: the case tests nothing")
			}
			if tc.maxRead > 0 && sc.read > tc.maxRead {
				t.Errorf("read %d table rows, want at most %d", sc.read, tc.maxRead)
			}
			for _, m := range sc.misuse {
				t.Error(m)
			}
		})
	}
}

// TestInsertSelectClosesScans checks INSERT ... SELECT releases its input
// on success and on an error midway.
func TestInsertSelectClosesScans(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		code string
		want int64
	}{
		{sql: "INSERT INTO sink SELECT id FROM big LIMIT 2", want: 2},
		{sql: "INSERT INTO sink SELECT id FROM small WHERE EXISTS (SELECT 1 FROM big)", want: 3},
		{sql: "INSERT INTO sink SELECT 10 / (id - 3) FROM big", code: "22012"},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			sc := &scanCounter{}
			cat := newCloseCatalog(sc)
			q := planQuery(t, tc.sql, cat)
			n, err := eval.Exec(context.Background(), q, nil, newTestEnv())
			switch {
			case tc.code == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.code != "" && (err == nil || sqlState(err) != tc.code):
				t.Errorf("error = %v, want SQLSTATE %s", err, tc.code)
			case tc.code == "" && n != tc.want:
				t.Errorf("inserted %d rows, want %d", n, tc.want)
			}
			if sc.opened == 0 {
				t.Errorf("no scan was opened: the case tests nothing")
			}
			if sc.open != 0 {
				t.Errorf("%d scans open after Exec", sc.open)
			}
			for _, m := range sc.misuse {
				t.Error(m)
			}
		})
	}
}
