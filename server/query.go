package server

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// flushThreshold is how many bytes of results are queued before they are
// written out mid-statement.
const flushThreshold = 32 << 10

// positionedError returns err as a *pgerror.Error whose position, if any,
// counts characters from the start of the whole query string rather than
// from the start of stmt.
func positionedError(err error, query string, stmt *parser.Statement) *pgerror.Error {
	pe := pgerror.From(err)
	if pe.Position > 0 && stmt != nil && stmt.Offset > 0 && stmt.Offset <= len(query) {
		cp := *pe
		cp.Position += utf8.RuneCountInString(query[:stmt.Offset])
		return &cp
	}
	return pe
}

// simpleQuery runs a Query message: every statement in it, in one implicit
// transaction, stopping at the first error.
func (c *conn) simpleQuery(query string) error {
	c.queryText = query
	defer func() { c.queryText = "" }()
	if e := checkUTF8(query); e != nil {
		c.sendError(e)
		return c.readyForQuery()
	}
	// A simple Query drops the unnamed statement and portal, as in PostgreSQL.
	c.sess.CloseStatement("")
	c.closePortal("")
	if p := c.plans.get(query, nil, c.sess.PlanEpoch()); p != nil {
		c.sess.BeginMessage(1)
		err := c.runSimple(p.Stmt, p, "")
		return c.finishSimple(query, p.Stmt, err)
	}
	stmts, err := parser.Parse(query)
	if err != nil {
		c.sendError(pgerror.From(err))
		c.sess.Fail()
		return c.readyForQuery()
	}
	if len(stmts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return c.readyForQuery()
	}
	if len(stmts) == 1 {
		c.sess.BeginMessage(1)
		return c.finishSimple(query, stmts[0], c.runSimple(stmts[0], nil, query))
	}
	c.sess.BeginMessage(len(stmts))
	failed := false
	for _, stmt := range stmts {
		if err := c.runSimple(stmt, nil, ""); err != nil {
			var fatal connError
			if errors.As(err, &fatal) {
				return fatal.err
			}
			c.sendError(positionedError(err, query, stmt))
			c.sess.Fail()
			failed = true
			break
		}
	}
	if err := c.sess.FinishImplicit(failed); err != nil {
		c.sendError(pgerror.From(err))
	}
	return c.readyForQuery()
}

// firstParamPosition finds the 1-based character position of the first
// $n outside quotes, for the error a simple Query with parameters gets.
func firstParamPosition(text string) int {
	inQuote := byte(0)
	chars := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < 0x80 || c >= 0xC0 {
			chars++
		}
		switch {
		case inQuote != 0:
			if c == inQuote {
				inQuote = 0
			}
		case c == '\'' || c == '"':
			inQuote = c
		case c == '$' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			return chars
		}
	}
	return 0
}

// connError wraps an error that must end the connection (a socket error
// while streaming results, a protocol violation during COPY).
type connError struct{ err error }

func (e connError) Error() string { return e.err.Error() }

// finishSimple completes a single-statement Query message.
func (c *conn) finishSimple(query string, stmt *parser.Statement, err error) error {
	if err != nil {
		var fatal connError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		c.sendError(positionedError(err, query, stmt))
		c.sess.Fail()
	}
	if err := c.sess.FinishImplicit(err != nil); err != nil {
		c.sendError(pgerror.From(err))
	}
	return c.readyForQuery()
}

// runSimple executes one statement of a Query message, sending text rows.
// p is the statement already prepared (from the plan cache) or nil; a
// non-empty cacheAs stores a newly prepared statement under that text.
func (c *conn) runSimple(stmt *parser.Statement, p *executor.Prepared, cacheAs string) error {
	// In a failed block only ROLLBACK and friends run; PostgreSQL says so
	// before looking at anything else in the statement.
	if err := c.sess.CheckNotAborted(stmt); err != nil {
		return err
	}
	c.sess.BeginStatement()
	c.inSimple = true
	defer func() { c.inSimple = false }()
	if _, isPrepare := stmt.Utility.(*parser.Prepare); stmt.NumParams > 0 && !isPrepare {
		return pgerror.New(pgerror.UndefinedParameter, "there is no parameter $%d", 1).
			WithPosition(firstParamPosition(stmt.Text))
	}
	if p == nil {
		epoch := c.sess.PlanEpoch()
		var err error
		if p, err = c.sess.Prepare(stmt, nil); err != nil {
			return err
		}
		if cacheAs != "" {
			c.plans.put(cacheAs, nil, epoch, p)
		}
	}
	// pg_stat_activity shows the whole Query message, as PostgreSQL does.
	c.sess.StatementStarted(c.queryText)
	start := time.Now()
	c.lastRows = 0
	err := c.execSimple(p)
	c.statementDone(p, stmt, start, c.lastRows, err != nil)
	return err
}

// execSimple plans and runs a prepared statement of a Query message and
// sends its result.
func (c *conn) execSimple(p *executor.Prepared) error {
	if err := c.sess.Plan(p); err != nil {
		return err
	}
	ctx, done := c.statementContext()
	defer done()
	res, err := c.sess.Execute(ctx, p, nil)
	if err != nil {
		return ctxError(ctx, err)
	}
	return c.sendResult(ctx, res, nil, 0, true, nil)
}

// sendResult writes a statement's outcome: notices, then RowDescription
// (when describe is set) and DataRows, or a COPY exchange, then
// CommandComplete. With maxRows > 0 at most that many rows are sent and
// a portal with rows left is suspended (its state kept in pt).
func (c *conn) sendResult(ctx context.Context, res *executor.Result, formats []int16, maxRows int, describe bool, pt *portal) error {
	for _, n := range res.Notices {
		c.sendNotice(n)
	}
	if res.CopyOut != nil {
		return c.copyOut(ctx, res.CopyOut)
	}
	if res.CopyIn != nil {
		return c.copyIn(ctx, res.CopyIn)
	}
	if res.Rows == nil {
		if err := c.commitSingle(); err != nil {
			return err
		}
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag(0))})
		c.lastRows = res.Affected()
		return nil
	}
	if describe {
		c.be.Send(rowDescription(res.Columns, formats))
	}
	enc := rowEncoder{cols: res.Columns, formats: formats, fo: c.sess.FormatOpts()}
	var n int64
	if pt != nil {
		n = pt.sent
	}
	sentNow := 0
	for {
		if maxRows > 0 && sentNow >= maxRows {
			pt.sent = n
			pt.res = res
			c.be.Send(&pgproto3.PortalSuspended{})
			return nil
		}
		row, err := res.Rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.Rows.Close()
			return ctxError(ctx, err)
		}
		enc.row = row
		c.be.Send(&enc)
		if enc.err != nil {
			res.Rows.Close()
			return enc.err
		}
		n++
		sentNow++
		c.unflushed += enc.last
		if c.unflushed >= flushThreshold {
			if err := c.flush(); err != nil {
				res.Rows.Close()
				return connError{err}
			}
		}
	}
	res.Rows.Close()
	if pt != nil {
		pt.res, pt.done = nil, true
	}
	// Like PostgreSQL, the tag counts the rows of this Execute only.
	if err := c.commitSingle(); err != nil {
		return err
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag(int64(sentNow)))})
	c.lastRows = int64(sentNow)
	return nil
}

// rowDescription describes columns with the given result formats.
func rowDescription(cols []planner.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		size := col.Type.Len
		if size < 0 {
			size = -1
		}
		fields[i] = pgproto3.FieldDescription{
			Name: []byte(col.Name), TableOID: col.TableOID, TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID: col.Type.OID, DataTypeSize: size, TypeModifier: col.Typmod,
			Format: formatOf(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// formatOf applies the protocol's format-code rule: none means all text,
// one applies to every column, otherwise one per column.
func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	}
	if i < len(formats) {
		return formats[i]
	}
	return 0
}

// rowEncoder is a pgproto3.BackendMessage that encodes one DataRow straight
// into the backend's write buffer, so a row costs no intermediate slices.
type rowEncoder struct {
	cols    []planner.Column
	formats []int16
	fo      *types.FormatOpts
	row     []types.Datum
	err     error
	last    int // encoded size of the last row
}

func (*rowEncoder) Backend() {}

func (e *rowEncoder) Decode([]byte) error { return errors.New("rowEncoder is encode-only") }

// Encode appends a DataRow message.
func (e *rowEncoder) Encode(dst []byte) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 'D', 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint16(dst[start+5:], uint16(len(e.row)))
	for i, d := range e.row {
		if d == nil {
			dst = append(dst, 0xff, 0xff, 0xff, 0xff)
			continue
		}
		lenAt := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		t := e.cols[i].Type
		if formatOf(e.formats, i) == 1 {
			var out []byte
			var err error
			if rec, ok := d.(string); ok && t.OID == types.OidRecord {
				out, err = eval.AppendRecordBinary(dst, t, rec, e.fo)
			} else {
				out, err = types.AppendBinary(dst, t, d)
			}
			if err != nil {
				// The statement fails (no binary form for the type, say a
				// record); the row so far is dropped, the connection lives.
				e.err = err
				return dst[:start], nil
			}
			dst = out
		} else {
			dst = types.AppendText(dst, t, d, e.fo)
		}
		binary.BigEndian.PutUint32(dst[lenAt:], uint32(len(dst)-lenAt-4))
	}
	binary.BigEndian.PutUint32(dst[start+1:], uint32(len(dst)-start-1))
	e.last = len(dst) - start
	return dst, nil
}

// commitSingle commits the implicit transaction of a one-statement simple
// Query before its CommandComplete, as PostgreSQL does, so that a failed
// commit is reported instead of the tag (a client never sees a tag for
// changes that were not made durable).
func (c *conn) commitSingle() error {
	if !c.inSimple {
		return nil
	}
	return c.sess.CommitSingle()
}
