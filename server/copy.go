package server

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/sql/copyfmt"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func copyFormatCode(o copyfmt.Options) byte {
	if o.Format == copyfmt.Binary {
		return 1
	}
	return 0
}

// copyOut streams a COPY ... TO STDOUT: CopyOutResponse, one CopyData per
// row (as PostgreSQL sends them), CopyDone and "COPY n".
func (c *conn) copyOut(ctx context.Context, co *executor.CopyOut) error {
	f := copyFormatCode(co.Options)
	colFormats := make([]uint16, len(co.Columns))
	for i := range colFormats {
		colFormats[i] = uint16(f)
	}
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: f, ColumnFormatCodes: colFormats})
	n, err := co.Encode(c.sess.FormatOpts(), func(data []byte) error {
		// Send copies data into the write buffer, so the encoder may reuse it.
		c.be.Send(&pgproto3.CopyData{Data: data})
		c.unflushed += len(data) + 5
		if c.unflushed >= flushThreshold {
			if err := c.flush(); err != nil {
				return connError{err}
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := err.(connError); ok {
			return err
		}
		return ctxError(ctx, err)
	}
	c.be.Send(&pgproto3.CopyDone{})
	if err := c.commitSingle(); err != nil {
		return err
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(n, 10))})
	return nil
}

// copyIn runs a COPY ... FROM STDIN: CopyInResponse, then the client's
// CopyData stream feeds ci.Load until CopyDone (or CopyFail).
func (c *conn) copyIn(ctx context.Context, ci *executor.CopyIn) error {
	f := copyFormatCode(ci.Options)
	colFormats := make([]uint16, len(ci.Columns))
	for i := range colFormats {
		colFormats[i] = uint16(f)
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: f, ColumnFormatCodes: colFormats})
	if err := c.flush(); err != nil {
		return connError{err}
	}
	r := &copyReader{c: c}
	n, err := ci.Load(ctx, r)
	// Whatever happened, consume the client's data up to CopyDone so the
	// connection stays in step, as PostgreSQL does.
	if derr := r.drain(); derr != nil {
		return derr
	}
	if r.failed != nil {
		return r.failed
	}
	if err != nil {
		return ctxError(ctx, err)
	}
	if err := c.commitSingle(); err != nil {
		return err
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(n, 10))})
	return nil
}

// copyReader presents the client's CopyData messages as one byte stream.
type copyReader struct {
	c      *conn
	buf    []byte
	eof    bool
	failed error // CopyFail or a protocol error
}

func (r *copyReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.eof {
			if r.failed != nil {
				return 0, r.failed
			}
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// next receives one message of the COPY sub-protocol.
func (r *copyReader) next() error {
	msg, err := r.c.rd.next()
	if err != nil {
		r.eof = true
		r.failed = connError{err}
		return r.failed
	}
	switch m := msg.(type) {
	case *pgproto3.CopyData:
		// The backend reuses its buffer on the next Receive; the decoder
		// reads this chunk fully before asking for more, so no copy.
		r.buf = m.Data
	case *pgproto3.CopyDone:
		r.eof = true
	case *pgproto3.CopyFail:
		r.eof = true
		r.failed = pgerror.New(pgerror.QueryCanceled, "COPY from stdin failed: %s", m.Message)
	case *pgproto3.Flush, *pgproto3.Sync:
		// Ignored during COPY, per the protocol.
	default:
		r.eof = true
		r.failed = pgerror.New(pgerror.ProtocolViolation, "unexpected message type 0x%02X during COPY from stdin", msgByte(msg))
	}
	return nil
}

// drain consumes messages until CopyDone or CopyFail.
func (r *copyReader) drain() error {
	for !r.eof {
		r.buf = nil
		if err := r.next(); err != nil {
			var ce connError
			if errors.As(err, &ce) {
				return ce
			}
			return err
		}
	}
	r.buf = nil
	return nil
}

func msgByte(m pgproto3.FrontendMessage) byte {
	b, err := m.Encode(nil)
	if err != nil || len(b) == 0 {
		return 0
	}
	return b[0]
}
