package server

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// portal is a bound statement: parameters and result formats fixed, and,
// once executed with a row limit, the half-drained result.
type portal struct {
	prep    *executor.Prepared
	params  []types.Datum
	formats []int16
	res     *executor.Result // non-nil while suspended
	ctx     *portalContext   // what the portal's rows see as their context
	sent    int64            // rows sent so far (for the final tag)
	done    bool
}

// extendedError reports an error in the extended protocol: the error is
// sent and everything up to the next Sync is skipped.
func (c *conn) extendedError(err error) error {
	var fatal connError
	if asConnError(err, &fatal) {
		return fatal.err
	}
	c.sendError(pgerror.From(err))
	c.sess.Fail()
	c.ignoreTillSync = true
	c.failedSinceSync = true
	return nil
}

func asConnError(err error, target *connError) bool {
	ce, ok := err.(connError)
	if ok {
		*target = ce
	}
	return ok
}

// emptyStatement marks a Parse of an empty query string; executing it
// yields EmptyQueryResponse.
var emptyStatement = &parser.Statement{}

func (c *conn) handleParse(m *pgproto3.Parse) error {
	if e := checkUTF8(m.Query); e != nil {
		return c.extendedError(e)
	}
	epoch := c.sess.PlanEpoch()
	prep := c.plans.get(m.Query, m.ParameterOIDs, epoch)
	if prep != nil {
		if err := c.sess.CheckNotAborted(prep.Stmt); err != nil {
			return c.extendedError(err)
		}
	} else {
		stmts, err := parser.Parse(m.Query)
		if err != nil {
			return c.extendedError(err)
		}
		if len(stmts) > 1 {
			return c.extendedError(pgerror.New(pgerror.SyntaxError, "cannot insert multiple commands into a prepared statement"))
		}
		if len(stmts) == 0 {
			prep = &executor.Prepared{Stmt: emptyStatement}
			for range m.ParameterOIDs {
				prep.ParamTypes = append(prep.ParamTypes, types.Unknown)
			}
		} else {
			if err := c.sess.CheckNotAborted(stmts[0]); err != nil {
				return c.extendedError(err)
			}
			prep, err = c.sess.Prepare(stmts[0], m.ParameterOIDs)
			if err != nil {
				return c.extendedError(positionedError(err, m.Query, stmts[0]))
			}
			c.plans.put(m.Query, m.ParameterOIDs, epoch, prep)
		}
	}
	if err := c.sess.StorePrepared(m.Name, prep); err != nil {
		return c.extendedError(err)
	}
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) handleBind(m *pgproto3.Bind) error {
	prep, err := c.sess.LookupPrepared(m.PreparedStatement)
	if err != nil {
		return c.extendedError(err)
	}
	if _, exists := c.portals[m.DestinationPortal]; exists && m.DestinationPortal != "" {
		return c.extendedError(pgerror.New(pgerror.DuplicateCursor, "cursor \"%s\" already exists", m.DestinationPortal))
	}
	if len(m.Parameters) != len(prep.ParamTypes) {
		return c.extendedError(pgerror.New(pgerror.ProtocolViolation,
			"bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
			len(m.Parameters), m.PreparedStatement, len(prep.ParamTypes)))
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(m.Parameters) {
		return c.extendedError(pgerror.New(pgerror.ProtocolViolation,
			"bind message has %d parameter formats but %d parameters", n, len(m.Parameters)))
	}
	if n := len(m.ResultFormatCodes); n > 1 && n != len(prep.Columns) {
		return c.extendedError(pgerror.New(pgerror.ProtocolViolation,
			"bind message has %d result formats but query has %d columns", n, len(prep.Columns)))
	}
	if err := c.sess.CheckNotAborted(prep.Stmt); err != nil {
		return c.extendedError(err)
	}
	params := make([]types.Datum, len(m.Parameters))
	for i, raw := range m.Parameters {
		if raw == nil {
			continue
		}
		t := prep.ParamTypes[i]
		switch f := formatOf(m.ParameterFormatCodes, i); f {
		case 0:
			if e := checkUTF8(string(raw)); e != nil {
				return c.extendedError(paramError(e, m.DestinationPortal, i, "", true))
			}
			d, err := types.ParseText(t, string(raw), c.sess.FormatOpts())
			if err != nil {
				return c.extendedError(paramError(err, m.DestinationPortal, i, string(raw), true))
			}
			params[i] = d
		case 1:
			// Decoded values may alias the message buffer, which the next
			// message overwrites.
			d, err := types.ParseBinary(t, append([]byte(nil), raw...))
			if err != nil {
				pe := pgerror.From(err)
				if pe.Code == pgerror.InvalidBinaryRepresentation {
					pe = pgerror.New(pe.Code, "incorrect binary data format in bind parameter %d", i+1)
				}
				return c.extendedError(paramError(pe, m.DestinationPortal, i, "", false))
			}
			params[i] = d
		default:
			return c.extendedError(pgerror.New(pgerror.ProtocolViolation, "unsupported format code: %d", f))
		}
	}
	if err := c.sess.Plan(prep); err != nil {
		return c.extendedError(err)
	}
	if old := c.portals[m.DestinationPortal]; old != nil {
		c.closePortal(m.DestinationPortal)
	}
	formats := append([]int16(nil), m.ResultFormatCodes...)
	c.portals[m.DestinationPortal] = &portal{prep: prep, params: params, formats: formats}
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

// paramError adds PostgreSQL's CONTEXT line for a bad Bind parameter:
// `unnamed portal parameter $1 = '...'` (the value only for text).
func paramError(err error, portalName string, i int, value string, text bool) error {
	pe := *pgerror.From(err)
	pe.Where = portalParamWhere(portalName, i)
	if text {
		// PostgreSQL 15 shows the value only when
		// log_parameter_max_length_on_error > 0; its default is 0.
		pe.Where += " = '...'"
	}
	return &pe
}

func (c *conn) handleDescribe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		prep, err := c.sess.LookupPrepared(m.Name)
		if err != nil {
			return c.extendedError(err)
		}
		if prep.Columns != nil {
			if err := c.sess.CheckNotAborted(prep.Stmt); err != nil {
				return c.extendedError(err)
			}
		}
		oids := make([]uint32, len(prep.ParamTypes))
		for i, t := range prep.ParamTypes {
			oids[i] = t.OID
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if prep.Columns == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(prep.Columns, nil))
		}
	case 'P':
		pt := c.portals[m.Name]
		if pt == nil {
			return c.extendedError(pgerror.New(pgerror.InvalidCursorName, "portal \"%s\" does not exist", m.Name))
		}
		if pt.prep.Columns == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			if err := c.sess.CheckNotAborted(pt.prep.Stmt); err != nil {
				return c.extendedError(err)
			}
			c.be.Send(rowDescription(pt.prep.Columns, pt.formats))
		}
	default:
		return c.extendedError(pgerror.New(pgerror.ProtocolViolation, "invalid DESCRIBE message subtype %d", m.ObjectType))
	}
	return nil
}

func (c *conn) handleExecute(m *pgproto3.Execute) error {
	pt := c.portals[m.Portal]
	if pt == nil {
		return c.extendedError(pgerror.New(pgerror.InvalidCursorName, "portal \"%s\" does not exist", m.Portal))
	}
	if pt.prep.Stmt == emptyStatement {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	for _, f := range pt.formats {
		if f != 0 && f != 1 {
			return c.extendedError(pgerror.New(pgerror.InvalidParameterValue, "unsupported format code: %d", f))
		}
	}
	if err := c.sess.CheckNotAborted(pt.prep.Stmt); err != nil {
		return c.extendedError(err)
	}
	c.sess.StatementStarted(pt.prep.Stmt.Text)
	start := time.Now()
	c.lastRows = 0
	err := c.executePortal(pt, m)
	// A failed Execute has sent its error and skips to Sync.
	c.statementDone(pt.prep, pt.prep.Stmt, start, c.lastRows, err != nil || c.ignoreTillSync)
	return err
}

// executePortal runs (or resumes) a portal for an Execute message.
func (c *conn) executePortal(pt *portal, m *pgproto3.Execute) error {
	ctx, done := c.statementContext()
	defer done()
	// The portal's rows outlive this Execute: they see the context of
	// whichever Execute is fetching them (cancel and statement_timeout
	// apply per Execute message, as in PostgreSQL).
	if pt.ctx == nil {
		pt.ctx = &portalContext{}
	}
	pt.ctx.set(ctx)
	res := pt.res
	if res == nil {
		if pt.done {
			// A finished portal yields no more rows.
			c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 0")})
			return nil
		}
		c.sess.BeginStatement()
		var err error
		res, err = c.sess.Execute(pt.ctx, pt.prep, pt.params)
		if err != nil {
			return c.extendedError(ctxError(ctx, err))
		}
	}
	if err := c.sendResult(ctx, res, pt.formats, int(m.MaxRows), false, pt); err != nil {
		return c.extendedError(err)
	}
	return nil
}

func (c *conn) handleClose(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		c.sess.CloseStatement(m.Name)
	case 'P':
		c.closePortal(m.Name)
	default:
		return c.extendedError(pgerror.New(pgerror.ProtocolViolation, "invalid CLOSE message subtype %d", m.ObjectType))
	}
	c.be.Send(&pgproto3.CloseComplete{})
	return nil
}

func (c *conn) closePortal(name string) {
	if pt := c.portals[name]; pt != nil {
		if pt.res != nil && pt.res.Rows != nil {
			pt.res.Rows.Close()
		}
		delete(c.portals, name)
	}
}

// handleSync ends an implicit transaction and reports readiness.
func (c *conn) handleSync() error {
	if err := c.sess.FinishImplicit(c.failedSinceSync); err != nil {
		c.sendError(pgerror.From(err))
	}
	c.failedSinceSync = false
	return c.readyForQuery()
}

// portalContext is a context.Context that forwards to the context of the
// Execute currently fetching the portal's rows. Iterators capture their
// context when the portal first runs; a suspended portal is resumed by a
// later Execute with a context (cancel, statement_timeout) of its own.
type portalContext struct {
	mu  sync.Mutex
	cur context.Context
}

func (p *portalContext) set(ctx context.Context) {
	p.mu.Lock()
	p.cur = ctx
	p.mu.Unlock()
}

func (p *portalContext) get() context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur
}

// Deadline implements context.Context.
func (p *portalContext) Deadline() (time.Time, bool) { return p.get().Deadline() }

// Done implements context.Context.
func (p *portalContext) Done() <-chan struct{} { return p.get().Done() }

// Err implements context.Context.
func (p *portalContext) Err() error { return p.get().Err() }

// Value implements context.Context (context.Cause finds the current
// statement's cause through it).
func (p *portalContext) Value(key any) any { return p.get().Value(key) }
