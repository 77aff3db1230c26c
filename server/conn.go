package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/server/auth"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// maxMessageLen bounds one client message (PostgreSQL's limit is 1 GB for
// most messages; a smaller bound keeps a bad client from exhausting memory).
const maxMessageLen = 256 << 20

var (
	errProtocol           = errors.New("protocol violation")
	errClientGone         = errors.New("client closed the connection during start-up")
	errShuttingDown       = pgerror.Fatal(pgerror.CannotConnectNow, "the database system is shutting down")
	errTooManyConnections = pgerror.Fatal(pgerror.TooManyConnections, "sorry, too many clients already")
)

// conn is one client connection.
type conn struct {
	srv    *Server
	nc     net.Conn
	be     *pgproto3.Backend // start-up, authentication and every message we send
	rd     *msgReader        // messages after start-up
	log    *zap.Logger
	pid    int32
	secret []byte
	sess   *executor.Session
	// inSimple is set while a simple Query statement runs (see commitSingle).
	inSimple bool
	// queryText is the Query message being run (pg_stat_activity.query).
	queryText string
	// lastRows is the row count of the statement just finished (for
	// pg_stat_statements, see statements.go).
	lastRows int64

	portals map[string]*portal
	plans   planCache
	// ignoreTillSync is set after an error in the extended protocol: PostgreSQL
	// discards messages until the next Sync.
	ignoreTillSync bool
	// failedSinceSync rolls back the implicit transaction at the next Sync.
	failedSinceSync bool
	// unflushed counts bytes queued in the backend since the last flush, so
	// big results go out in chunks rather than all at once.
	unflushed int

	mu   sync.Mutex
	busy bool // a message is being processed
	// stmtCtx is cancelled by a CancelRequest while running is set.
	stmtCtx        context.Context
	stmtCancel     context.CancelCauseFunc
	running        bool
	endStatementFn context.CancelFunc // c.endStatement, bound once
	// terminate asks the connection to end once it is idle (shutdown).
	terminate bool
}

func (s *Server) serveConn(nc net.Conn) {
	c := &conn{srv: s, nc: nc, pid: s.nextPID.Add(1), portals: map[string]*portal{}}
	c.endStatementFn = c.endStatement
	c.log = s.log.With(zap.Int32("pid", c.pid), zap.String("remote", nc.RemoteAddr().String()))
	c.secret = make([]byte, 4)
	_, _ = rand.Read(c.secret)
	defer nc.Close()
	c.be = pgproto3.NewBackend(nc, nc)
	c.be.SetMaxBodyLen(maxMessageLen)
	s.Metrics.connAttempts.Inc()

	// A client that never finishes its start-up must not hold a slot forever.
	_ = nc.SetDeadline(time.Now().Add(60 * time.Second))
	ok, err := c.startup()
	if err == errClientGone {
		return
	}
	if err != nil {
		c.sendFatal(err)
		return
	}
	if !ok {
		return
	}
	_ = nc.SetDeadline(time.Time{})
	c.rd = newMsgReader(c.nc)
	defer s.unregister(c)
	defer c.closeSession()
	defer c.closeAllPortals()
	defer func() {
		// A bug must cost one connection, never the server.
		if r := recover(); r != nil {
			c.log.Error("panic in connection", zap.Any("panic", r), zap.Stack("stack"))
			c.sendFatal(pgerror.Fatal(pgerror.InternalError, "internal error: %v", r))
		}
	}()
	c.log.Debug("connection ready", zap.String("user", c.sess.User()))
	if err := c.loop(); err != nil && !errors.Is(err, io.EOF) && !isClosed(err) {
		c.log.Debug("connection ended", zap.Error(err))
	}
}

func isClosed(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset by peer") || strings.Contains(err.Error(), "broken pipe")
}

// startup handles SSLRequest, GSSENCRequest, CancelRequest and the
// StartupMessage, authenticates, and sends the start-up parameters. It
// returns false (and no error) when the connection should just close, as
// after a CancelRequest.
func (c *conn) startup() (bool, error) {
	tlsDone := false
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			if errors.Is(err, io.EOF) || isClosed(err) {
				return false, nil
			}
			return false, pgerror.Fatal(pgerror.ProtocolViolation, "invalid startup packet: %v", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if tlsDone {
				return false, pgerror.Fatal(pgerror.ProtocolViolation, "SSL negotiation already done")
			}
			if c.srv.tls == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, nil
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, nil
			}
			tc := tls.Server(c.nc, c.srv.tls)
			if err := tc.Handshake(); err != nil {
				c.log.Debug("TLS handshake failed", zap.Error(err))
				return false, nil
			}
			c.nc = tc
			c.be = pgproto3.NewBackend(tc, tc)
			c.be.SetMaxBodyLen(maxMessageLen)
			tlsDone = true
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, nil
			}
		case *pgproto3.CancelRequest:
			c.srv.cancel(int32(m.ProcessID), m.SecretKey)
			return false, nil
		case *pgproto3.StartupMessage:
			if m.ProtocolVersion != pgproto3.ProtocolVersion30 {
				// Protocol 3.2 clients accept a downgrade to 3.0.
				c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0})
			}
			return true, c.startSession(m)
		default:
			return false, pgerror.Fatal(pgerror.ProtocolViolation, "unsupported startup message")
		}
	}
}

func (c *conn) startSession(m *pgproto3.StartupMessage) error {
	params := map[string]string{}
	for k, v := range m.Parameters {
		params[k] = v
	}
	user := params["user"]
	if user == "" {
		return pgerror.Fatal(pgerror.InvalidAuthorizationSpec, "no PostgreSQL user name specified in startup packet")
	}
	db := params["database"]
	if db == "" {
		db = user
	}
	if user != "postgres" {
		// nqdb has one role until roles arrive with the security issue.
		if c.srv.cfg.Auth == auth.Trust {
			return pgerror.Fatal(pgerror.InvalidAuthorizationSpec, "role \"%s\" does not exist", user)
		}
	}
	if c.srv.cfg.Auth != auth.Trust {
		creds := c.srv.creds
		if user != "postgres" {
			creds = nil
		}
		// PostgreSQL caps authentication messages far below other messages.
		c.be.SetMaxBodyLen(auth.MaxMessageLen)
		err := auth.Authenticate(c.be, c.srv.cfg.Auth, user, creds)
		c.be.SetMaxBodyLen(maxMessageLen)
		if errors.Is(err, auth.ErrClientGone) {
			// psql hangs up on purpose to prompt for a password.
			return errClientGone
		}
		if err != nil {
			c.srv.Metrics.authFailures.Inc()
			return err
		}
	}
	if db != "postgres" && db != "nqdb" {
		return pgerror.Fatal(pgerror.InvalidCatalogName, "database \"%s\" does not exist", db)
	}
	if err := c.srv.register(c); err != nil {
		return err
	}
	delete(params, "user")
	delete(params, "database")
	sess, err := executor.NewSession(c.srv.engine, executor.Config{User: user, Database: db, BackendPID: c.pid, Params: params})
	if err != nil {
		c.srv.unregister(c)
		return err
	}
	c.sess = sess
	addr, port := "", int32(-1)
	if ta, ok := c.nc.RemoteAddr().(*net.TCPAddr); ok {
		addr, port = ta.IP.String(), int32(ta.Port)
	}
	sess.SetClient(addr, port, executor.BackendSignals{Cancel: c.cancelStatement, Terminate: c.terminateBackend})
	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, kv := range sess.ReportedSettings() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: uint32(c.pid), SecretKey: c.secret})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(sess.Status())})
	return c.be.Flush()
}

// loop reads and dispatches messages until Terminate or a fatal error.
func (c *conn) loop() error {
	for {
		if c.takeTerminate() {
			c.sendFatal(pgerror.Fatal(pgerror.AdminShutdown, "terminating connection due to administrator command"))
			return nil
		}
		msg, err := c.rd.next()
		if err != nil {
			var de decodeError
			var ut unknownTypeError
			switch {
			case errors.As(err, &de):
				// The body was read whole, so the stream is still in step:
				// report it like any other error of that message.
				if isExtendedMessage(de.typ) {
					err = c.extendedError(de.err)
				} else {
					c.sendError(de.err)
					err = c.readyForQuery()
				}
				if err != nil {
					return err
				}
				continue
			case errors.As(err, &ut):
				c.sendFatal(pgerror.Fatal(pgerror.ProtocolViolation, "invalid frontend message type %d", ut.typ))
				return err
			case errors.Is(err, errBadLength):
				// PostgreSQL only logs this and closes.
				c.log.Debug("invalid message length; closing")
				return err
			}
			return err
		}
		c.setBusy(true)
		err = c.dispatch(msg)
		// The connection is idle only once ReadyForQuery went out: between
		// Parse/Bind/Execute and their Sync a shutdown must wait, or the
		// client would get FATAL instead of the result it is waiting for.
		switch msg.(type) {
		case *pgproto3.Query, *pgproto3.Sync:
			if !c.ignoreTillSync {
				c.setBusy(false)
			}
		}
		if err != nil {
			return err
		}
	}
}

// dispatch handles one message. A non-nil error ends the connection.
func (c *conn) dispatch(msg pgproto3.FrontendMessage) (err error) {
	switch msg.(type) {
	case *pgproto3.Query, *pgproto3.Parse, *pgproto3.Bind, *pgproto3.Describe, *pgproto3.Execute:
		defer c.recoverStatement(msg, &err)
		if hook := statementHook.Load(); hook != nil {
			(*hook)(msg)
		}
	}
	if c.ignoreTillSync {
		switch msg.(type) {
		case *pgproto3.Sync:
			c.ignoreTillSync = false
		case *pgproto3.Terminate:
			return io.EOF
		default:
			return nil
		}
	}
	switch m := msg.(type) {
	case *pgproto3.Query:
		return c.simpleQuery(m.String)
	case *pgproto3.Parse:
		return c.handleParse(m)
	case *pgproto3.Bind:
		return c.handleBind(m)
	case *pgproto3.Describe:
		return c.handleDescribe(m)
	case *pgproto3.Execute:
		return c.handleExecute(m)
	case *pgproto3.Close:
		return c.handleClose(m)
	case *pgproto3.Sync:
		return c.handleSync()
	case *pgproto3.Flush:
		return c.flush()
	case *pgproto3.Terminate:
		return io.EOF
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// Stray COPY messages outside COPY are ignored, as PostgreSQL does
		// after a failed COPY FROM.
		return nil
	case *pgproto3.FunctionCall:
		return c.extendedError(pgerror.New(pgerror.FeatureNotSupported, "fastpath function calls are not supported"))
	default:
		c.sendFatal(pgerror.Fatal(pgerror.ProtocolViolation, "invalid frontend message type %d", msgByte(m)))
		return io.EOF
	}
}

// statementHook, when set (only by tests, through export_test.go), sees
// each statement message before it is handled; a panic in it stands for a
// bug in the code that handles the message.
var statementHook atomic.Pointer[func(pgproto3.FrontendMessage)]

// recoverStatement turns a panic while handling a statement's message into
// an ERROR (SQLSTATE XX000) that fails the statement and its transaction,
// as PostgreSQL's elog(ERROR) for an internal error does: the connection,
// and everything it committed, stays; only the connection-level recover in
// serve ends the session.
func (c *conn) recoverStatement(msg pgproto3.FrontendMessage, err *error) {
	r := recover()
	if r == nil {
		return
	}
	c.log.Error("panic in statement", zap.Any("panic", r), zap.Stack("stack"))
	e := pgerror.New(pgerror.InternalError, "internal error: %v", r)
	if _, simple := msg.(*pgproto3.Query); !simple {
		if m, ok := msg.(*pgproto3.Execute); ok {
			c.closePortal(m.Portal)
		}
		*err = c.extendedError(e)
		return
	}
	c.sendError(e)
	c.sess.Fail()
	if ferr := c.sess.FinishImplicit(true); ferr != nil {
		c.sendError(pgerror.From(ferr))
	}
	*err = c.readyForQuery()
}

func (c *conn) flush() error {
	c.unflushed = 0
	return c.be.Flush()
}

// sendError writes an ErrorResponse or NoticeResponse for e.
func (c *conn) sendError(e *pgerror.Error) {
	c.srv.Metrics.countError(e.Code)
	c.be.Send(errorResponse(e))
	// PostgreSQL flushes every error at once, so a client that pipelined
	// Parse + Flush sees it without waiting for Sync.
	_ = c.flush()
}

func (c *conn) sendNotice(e *pgerror.Error) {
	if !c.sess.SendsNotice(e.Severity) {
		return
	}
	n := pgproto3.NoticeResponse(*errorResponse(e))
	c.be.Send(&n)
}

// sendFatal sends a FATAL error and flushes; the caller closes.
func (c *conn) sendFatal(err error) {
	e := pgerror.From(err)
	if !e.IsFatal() {
		cp := *e
		cp.Severity = pgerror.SeverityFatal
		e = &cp
	}
	c.sendError(e)
	_ = c.be.Flush()
}

func errorResponse(e *pgerror.Error) *pgproto3.ErrorResponse {
	sev := e.Severity
	if sev == "" {
		sev = pgerror.SeverityError
	}
	return &pgproto3.ErrorResponse{
		Severity: sev, SeverityUnlocalized: sev, Code: e.Code, Message: e.Message,
		Detail: e.Detail, Hint: e.Hint, Position: int32(e.Position), Where: e.Where,
		SchemaName: e.SchemaName, TableName: e.TableName, ColumnName: e.ColumnName,
		DataTypeName: e.DataTypeName, ConstraintName: e.ConstraintName,
	}
}

func (c *conn) readyForQuery() error {
	for _, kv := range c.sess.ChangedSettings() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	if c.sess.Status() == executor.TxnIdle {
		// Portals live until the end of their transaction.
		c.closeAllPortals()
	}
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(c.sess.Status())})
	return c.flush()
}

// setBusy marks the connection busy (a message is being handled) or idle.
func (c *conn) setBusy(b bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = b
}

func (c *conn) takeTerminate() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.terminate && !c.busy
}

// terminateWhenIdle is called by Shutdown: an idle connection is closed
// with FATAL 57P01 now, a busy one after its current message.
func (c *conn) terminateWhenIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.terminate = true
	if !c.busy {
		// The connection goroutine is blocked reading; write the FATAL
		// directly (it is not writing) and close the socket to wake it.
		buf, _ := errorResponse(pgerror.Fatal(pgerror.AdminShutdown,
			"terminating connection due to administrator command")).Encode(nil)
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.nc.Write(buf)
		_ = c.nc.Close()
	}
}

// closeAllPortals releases every portal's rows when the connection ends.
func (c *conn) closeAllPortals() {
	for name := range c.portals {
		c.closePortal(name)
	}
}

// kill cancels the running statement and closes the socket (shutdown
// deadline passed).
func (c *conn) kill() {
	c.cancelStatement()
	_ = c.nc.Close()
}

// statementContext returns the context of one statement: cancelled by a
// CancelRequest or by statement_timeout. The cancellable context is kept
// across statements and replaced only once cancelled, so a statement costs
// no context allocation unless statement_timeout is set.
func (c *conn) statementContext() (context.Context, context.CancelFunc) {
	c.mu.Lock()
	if c.stmtCtx == nil || c.stmtCtx.Err() != nil {
		c.stmtCtx, c.stmtCancel = context.WithCancelCause(context.Background())
	}
	ctx := c.stmtCtx
	c.running = true
	c.mu.Unlock()
	if d := c.sess.StatementTimeout(); d > 0 {
		tctx, tcancel := context.WithTimeoutCause(ctx, d, errStatementTimeout)
		return tctx, func() { c.endStatement(); tcancel() }
	}
	return ctx, c.endStatementFn
}

// endStatement marks that no statement runs, so a CancelRequest arriving
// now is ignored, as PostgreSQL ignores one for an idle backend.
func (c *conn) endStatement() {
	c.mu.Lock()
	c.running = false
	c.mu.Unlock()
}

var (
	errUserCancel       = pgerror.New(pgerror.QueryCanceled, "canceling statement due to user request")
	errStatementTimeout = pgerror.New(pgerror.QueryCanceled, "canceling statement due to statement timeout")
)

// terminateBackend is pg_terminate_backend: the running statement is cancelled
// and the connection closed, which ends the connection's goroutine and
// rolls back its session.
func (c *conn) terminateBackend() {
	c.cancelStatement()
	c.nc.Close()
}

// cancelStatement cancels the running statement, if any.
func (c *conn) cancelStatement() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running && c.stmtCancel != nil {
		c.stmtCancel(errUserCancel)
	}
}

// ctxError maps a finished statement's context to 57014 when it was
// cancelled, so the reason (user or timeout) reaches the client whichever
// layer noticed first.
func ctxError(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	if cause := context.Cause(ctx); cause != nil {
		var pe *pgerror.Error
		if errors.As(cause, &pe) {
			return pe
		}
	}
	return err
}

// closeSession rolls back what the session left open (its transaction and
// locks) when the connection ends, as a backend's exit does.
func (c *conn) closeSession() {
	if c.sess != nil {
		c.sess.Close()
	}
}
