package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Message size limits, as PostgreSQL's PQ_SMALL_MESSAGE_LIMIT and (capped
// lower here) PQ_LARGE_MESSAGE_LIMIT: only messages that carry SQL or data
// may be large.
const (
	smallMessageLimit = 10000
	largeMessageLimit = maxMessageLen
)

// msgReader frames the client's messages after start-up. It does its own
// framing rather than using pgproto3.Backend.Receive so that it can apply
// PostgreSQL's per-type length limits before reading a body, and so that a
// body that fails to decode is a recoverable error (the stream is still in
// step) rather than the end of the connection.
type msgReader struct {
	r    *bufio.Reader
	body []byte

	query    pgproto3.Query
	parse    pgproto3.Parse
	bind     pgproto3.Bind
	describe pgproto3.Describe
	execute  pgproto3.Execute
	close    pgproto3.Close
	sync     pgproto3.Sync
	flush    pgproto3.Flush
	term     pgproto3.Terminate
	copyData pgproto3.CopyData
	copyDone pgproto3.CopyDone
	copyFail pgproto3.CopyFail
	fcall    pgproto3.FunctionCall
}

func newMsgReader(r io.Reader) *msgReader {
	return &msgReader{r: bufio.NewReaderSize(r, 16<<10)}
}

// errBadLength ends the connection without a reply, as PostgreSQL does for
// a length outside the limits (it only logs "invalid message length").
var errBadLength = errors.New("invalid message length")

// decodeError is a message whose body did not decode; the connection stays
// usable.
type decodeError struct {
	typ byte
	err *pgerror.Error
}

func (e decodeError) Error() string { return e.err.Error() }

// unknownTypeError is a message type byte that is not a frontend message.
type unknownTypeError struct{ typ byte }

func (e unknownTypeError) Error() string { return "invalid frontend message type" }

// next reads and decodes one message. Decoded messages are reused and
// their byte slices alias the read buffer: use them before the next call.
func (m *msgReader) next() (pgproto3.FrontendMessage, error) {
	typ, err := m.r.ReadByte()
	if err != nil {
		return nil, err
	}
	var msg pgproto3.FrontendMessage
	limit := smallMessageLimit
	switch typ {
	case 'Q':
		msg, limit = &m.query, largeMessageLimit
	case 'P':
		msg, limit = &m.parse, largeMessageLimit
	case 'B':
		msg, limit = &m.bind, largeMessageLimit
	case 'd':
		msg, limit = &m.copyData, largeMessageLimit
	case 'F':
		msg, limit = &m.fcall, largeMessageLimit
	case 'D':
		msg = &m.describe
	case 'E':
		msg = &m.execute
	case 'C':
		msg = &m.close
	case 'S':
		msg = &m.sync
	case 'H':
		msg = &m.flush
	case 'X':
		msg = &m.term
	case 'c':
		msg = &m.copyDone
	case 'f':
		msg = &m.copyFail
	default:
		return nil, unknownTypeError{typ}
	}
	var hdr [4]byte
	if _, err := io.ReadFull(m.r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.BigEndian.Uint32(hdr[:])))
	if n < 4 || n-4 > limit {
		return nil, errBadLength
	}
	n -= 4
	if err := m.readBody(n); err != nil {
		return nil, err
	}
	if err := msg.Decode(m.body); err != nil {
		return nil, decodeError{typ, decodeErrorFor(typ, m.body)}
	}
	return msg, nil
}

// retainLimit is the largest body buffer kept between messages.
const retainLimit = 1 << 20

// readBody reads an n-byte body into m.body. Large bodies grow the buffer
// as their bytes arrive rather than trusting the length up front, so a
// client that announces 256 MB and sends nothing costs nothing; and a
// buffer grown for one big message is not kept for the connection's life.
func (m *msgReader) readBody(n int) error {
	if cap(m.body) > retainLimit && n <= retainLimit {
		m.body = nil
	}
	if n <= cap(m.body) || n <= retainLimit {
		if cap(m.body) < n {
			m.body = make([]byte, n)
		}
		m.body = m.body[:n]
		_, err := io.ReadFull(m.r, m.body)
		return err
	}
	m.body = m.body[:0]
	for len(m.body) < n {
		chunk := n - len(m.body)
		if chunk > retainLimit {
			chunk = retainLimit
		}
		start := len(m.body)
		m.body = append(m.body, make([]byte, chunk)...)
		if _, err := io.ReadFull(m.r, m.body[start:]); err != nil {
			return err
		}
	}
	return nil
}

// decodeErrorFor words a decoding failure as PostgreSQL's pq_getmsg*
// functions do: a string field without its terminator, or a body shorter
// than its counts promise.
func decodeErrorFor(typ byte, body []byte) *pgerror.Error {
	switch typ {
	case 'Q', 'P', 'D', 'C', 'E', 'f':
		if len(body) == 0 || body[len(body)-1] != 0 {
			return pgerror.New(pgerror.ProtocolViolation, "invalid string in message")
		}
	}
	e := pgerror.New(pgerror.ProtocolViolation, "insufficient data left in message")
	if typ == 'B' {
		// PostgreSQL reads parameters one by one, so a body cut short
		// inside one names it.
		if portal, i := truncatedBindParam(body); i >= 0 {
			e.Where = portalParamWhere(portal, i)
		}
	}
	return e
}

// truncatedBindParam walks a Bind body and returns the portal name and the
// index of the parameter at which it ends too early, or -1.
func truncatedBindParam(b []byte) (string, int) {
	cstr := func() (string, bool) {
		for i, c := range b {
			if c == 0 {
				s := string(b[:i])
				b = b[i+1:]
				return s, true
			}
		}
		return "", false
	}
	u16 := func() (int, bool) {
		if len(b) < 2 {
			return 0, false
		}
		v := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		return v, true
	}
	portal, ok := cstr()
	if !ok {
		return "", -1
	}
	if _, ok := cstr(); !ok {
		return "", -1
	}
	nf, ok := u16()
	if !ok || len(b) < 2*nf {
		return "", -1
	}
	b = b[2*nf:]
	np, ok := u16()
	if !ok {
		return "", -1
	}
	for i := 0; i < np; i++ {
		if len(b) < 4 {
			return portal, i
		}
		n := int(int32(binary.BigEndian.Uint32(b)))
		b = b[4:]
		if n > 0 {
			if len(b) < n {
				return portal, i
			}
			b = b[n:]
		}
	}
	return "", -1
}

// portalParamWhere is PostgreSQL's CONTEXT for a Bind parameter error.
func portalParamWhere(portal string, i int) string {
	where := "unnamed portal"
	if portal != "" {
		where = "portal \"" + portal + "\""
	}
	return where + " parameter $" + strconv.Itoa(i+1)
}

// isExtendedMessage reports whether an error while handling a message of
// this type starts PostgreSQL's skip-until-Sync.
func isExtendedMessage(typ byte) bool {
	switch typ {
	case 'P', 'B', 'D', 'E', 'C', 'H':
		return true
	}
	return false
}
