package executor

import (
	"context"
	"io"
	"strconv"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// cursor is an SQL-level cursor (DECLARE ... CURSOR): the rows of its
// query, read lazily as FETCH asks. Rows already read are kept unless it
// is NO SCROLL, so that it can move backwards. pos is PostgreSQL's
// position: 0 before the first row, k on row k, total+1 after the last.
type cursor struct {
	cols     []planner.Column
	src      Rows // nil once exhausted
	buf      [][]types.Datum
	read     int64 // rows taken from src
	pos      int64
	noScroll bool
	hold     bool
}

// rowAt returns row k (1-based), reading src as far as needed; ok is
// false past the end.
func (c *cursor) rowAt(k int64) ([]types.Datum, bool, error) {
	if k < 1 {
		return nil, false, nil
	}
	if !c.noScroll && k <= int64(len(c.buf)) {
		return c.buf[k-1], true, nil
	}
	for c.src != nil && c.read < k {
		row, err := c.src.Next()
		if err == io.EOF {
			c.src.Close()
			c.src = nil
			break
		}
		if err != nil {
			return nil, false, err
		}
		c.read++
		if !c.noScroll {
			c.buf = append(c.buf, row)
		}
		if c.read == k {
			return row, true, nil
		}
	}
	return nil, false, nil
}

// total reads every remaining row and returns the row count.
func (c *cursor) total() (int64, error) {
	for c.src != nil {
		if _, _, err := c.rowAt(c.read + 1); err != nil {
			return 0, err
		}
	}
	return c.read, nil
}

func (c *cursor) close() {
	if c.src != nil {
		c.src.Close()
		c.src = nil
	}
	c.buf = nil
}

// fetch carries out FETCH or MOVE, returning the rows passed over (kept
// only for FETCH) and their count.
func (c *cursor) fetch(f *parser.Fetch) ([][]types.Datum, int64, error) {
	backward := func() error {
		if c.noScroll {
			return pgerror.New(pgerror.ObjectNotInPrerequisiteState, "cursor can only scan forward").
				WithHint("Declare it with SCROLL option to enable backward scan.")
		}
		return nil
	}
	var out [][]types.Datum
	var n int64
	step := func(k int64) (bool, error) {
		row, ok, err := c.rowAt(k)
		if err != nil {
			return false, err
		}
		if !ok {
			if k > c.pos {
				c.pos = c.read + 1
			} else {
				c.pos = 0
			}
			return false, nil
		}
		c.pos = k
		n++
		if !f.Move {
			out = append(out, row)
		}
		return true, nil
	}
	// seek moves to absolute position k and returns that row (if any).
	seek := func(k int64) error {
		if k <= c.pos && (k != c.pos || c.noScroll) {
			if err := backward(); err != nil {
				return err
			}
		}
		_, err := step(k)
		return err
	}
	switch f.Kind {
	case parser.FetchForward:
		for i := int64(0); f.Count < 0 || i < f.Count; i++ {
			if ok, err := step(c.pos + 1); err != nil || !ok {
				return out, n, err
			}
		}
	case parser.FetchBackward:
		if err := backward(); err != nil {
			return nil, 0, err
		}
		for i := int64(0); f.Count < 0 || i < f.Count; i++ {
			if c.pos > c.read+1 {
				c.pos = c.read + 1
			}
			if ok, err := step(c.pos - 1); err != nil || !ok {
				return out, n, err
			}
		}
	case parser.FetchAbsolute:
		k := f.Count
		if k < 0 {
			if err := backward(); err != nil {
				return nil, 0, err
			}
			t, err := c.total()
			if err != nil {
				return nil, 0, err
			}
			k = t + 1 + k
			if k < 1 {
				c.pos = 0
				return nil, 0, nil
			}
		}
		if k == 0 {
			if c.pos > 0 {
				if err := backward(); err != nil {
					return nil, 0, err
				}
			}
			c.pos = 0
			return nil, 0, nil
		}
		if err := seek(k); err != nil {
			return nil, 0, err
		}
	case parser.FetchRelative:
		k := c.pos + f.Count
		if k < 1 {
			if f.Count < 0 {
				if err := backward(); err != nil {
					return nil, 0, err
				}
			}
			c.pos = 0
			return nil, 0, nil
		}
		if err := seek(k); err != nil {
			return nil, 0, err
		}
	}
	return out, n, nil
}

// execDeclare opens a cursor: its query runs now (under the current
// snapshot) and is read as it is fetched; WITH HOLD cursors, which outlive
// the transaction, are read completely at once, as PostgreSQL does at
// commit.
func (s *Session) execDeclare(ctx context.Context, d *parser.DeclareCursor, outer *parser.Statement) (*Result, error) {
	if !d.Hold && s.status == TxnIdle && !(s.implicit && s.multi) {
		return nil, pgerror.New(pgerror.NoActiveSQLTransaction, "DECLARE CURSOR can only be used in transaction blocks")
	}
	if _, ok := s.cursors[d.Name]; ok {
		return nil, pgerror.New(pgerror.DuplicateCursor, "cursor \"%s\" already exists", d.Name)
	}
	if d.Binary {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "binary cursors are not supported yet")
	}
	p, err := s.Prepare(d.Query, nil)
	if err != nil {
		return nil, nestedPosition(err, outer, d.Query)
	}
	if p.query == nil || p.query.IsDML() || p.Columns == nil {
		word := d.Query.Text
		if i := indexSpace(word); i > 0 {
			word = word[:i]
		}
		return nil, nestedPosition(pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", word).WithPosition(1), outer, d.Query)
	}
	if p.query.HasWrites() {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "DECLARE CURSOR must not contain data-modifying statements in WITH")
	}
	res, err := s.Execute(ctx, p, nil)
	if err != nil {
		return nil, nestedPosition(err, outer, d.Query)
	}
	c := &cursor{cols: res.Columns, src: res.Rows, noScroll: d.NoScroll, hold: d.Hold}
	if d.Hold {
		if _, err := c.total(); err != nil {
			c.close()
			return nil, err
		}
	}
	if s.cursors == nil {
		s.cursors = map[string]*cursor{}
	}
	s.cursors[d.Name] = c
	return tagOnly("DECLARE CURSOR"), nil
}

func indexSpace(s string) int {
	for i, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '(' {
			return i
		}
	}
	return -1
}

func (s *Session) execFetch(f *parser.Fetch, p *Prepared) (*Result, error) {
	c, ok := s.cursors[f.Name]
	if !ok {
		return nil, pgerror.New(pgerror.InvalidCursorName, "cursor \"%s\" does not exist", f.Name)
	}
	rows, n, err := c.fetch(f)
	if err != nil {
		return nil, err
	}
	if f.Move {
		return tagOnly("MOVE " + strconv.FormatInt(n, 10)), nil
	}
	return &Result{Columns: p.Columns, Rows: &sliceRows{rows: rows}, tag: "FETCH " + strconv.FormatInt(n, 10)}, nil
}

func (s *Session) execClose(n *parser.CloseCursor) (*Result, error) {
	if n.All {
		for name, c := range s.cursors {
			c.close()
			delete(s.cursors, name)
		}
		return tagOnly("CLOSE CURSOR ALL"), nil
	}
	c, ok := s.cursors[n.Name]
	if !ok {
		return nil, pgerror.New(pgerror.InvalidCursorName, "cursor \"%s\" does not exist", n.Name)
	}
	c.close()
	delete(s.cursors, n.Name)
	return tagOnly("CLOSE CURSOR"), nil
}

// closeTxnCursors closes the cursors a transaction's end ends: all but
// WITH HOLD ones (and those too when the transaction failed to commit,
// as PostgreSQL drops holdable cursors of an aborted transaction only
// when they were declared in it; ours are kept).
func (s *Session) closeTxnCursors() {
	for name, c := range s.cursors {
		if !c.hold {
			c.close()
			delete(s.cursors, name)
		}
	}
}

// fetchColumns is the row shape FETCH returns (nil for MOVE or an unknown
// cursor, whose error comes at execution).
func (s *Session) fetchColumns(f *parser.Fetch) []planner.Column {
	if c, ok := s.cursors[f.Name]; ok && !f.Move {
		return c.cols
	}
	return nil
}
