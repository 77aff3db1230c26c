package eval

import (
	"context"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Writable is what a planner.Table must also implement for INSERT, UPDATE
// and DELETE to change it.
type Writable interface {
	// Relation is the table's stored data.
	Relation() storage.Relation
	// LockWrites serialises UPDATE and DELETE statements on the table
	// until the returned function is called. The stand-in storage has no
	// row locks, and without this two sessions running `UPDATE t SET n =
	// n + 1` would lose updates; the storage issue replaces it with row
	// locks.
	LockWrites() (unlock func())
}

// Exec runs an INSERT, UPDATE or DELETE plan (q.IsDML()) with params and
// returns the number of rows it inserted, updated or deleted.
//
// Each statement computes and checks every new row before it changes
// anything, so an error (a failed cast, a NOT NULL violation) leaves the
// table as it was even on the non-transactional stand-in; UPDATE and
// DELETE read a snapshot of the table and then apply their changes, so a
// statement never sees its own changes.
func Exec(ctx context.Context, q *planner.Query, params []types.Datum, env Env) (int64, error) {
	if len(params) < len(q.ParamTypes) {
		return 0, pgerror.New(pgerror.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"\" requires %d", len(params), len(q.ParamTypes))
	}
	c := &evalCtx{ctx: ctx, env: env, params: params}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	var (
		n   int64
		err error
	)
	switch x := q.Root.(type) {
	case *planner.Insert:
		n, err = c.execInsert(x)
	case *planner.Update:
		n, err = c.execUpdate(x)
	case *planner.Delete:
		n, err = c.execDelete(x)
	default:
		return 0, pgerror.New(pgerror.FeatureNotSupported, "plan node %T is not a data-modifying statement", q.Root)
	}
	if err != nil {
		return 0, mapCtxErr(err)
	}
	return n, nil
}

func writable(t planner.Table) (Writable, error) {
	w, ok := t.(Writable)
	if !ok {
		return nil, pgerror.New(pgerror.WrongObjectType, "cannot change relation \"%s\"", t.Name())
	}
	return w, nil
}

func (c *evalCtx) execInsert(n *planner.Insert) (int64, error) {
	w, err := writable(n.Table)
	if err != nil {
		return 0, err
	}
	it, err := c.build(n.Input)
	if err != nil {
		return 0, err
	}
	defer it.close()
	cols := n.Table.Columns()
	var batch []storage.Row
	for {
		row, err := it.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if err := CheckNotNull(n.Table, cols, row, c.opts); err != nil {
			return 0, err
		}
		batch = append(batch, row)
		if len(batch)%1024 == 0 {
			if err := c.ctx.Err(); err != nil {
				return 0, err
			}
		}
	}
	// Release the input (INSERT ... SELECT may scan the target itself)
	// before writing.
	it.close()
	if len(batch) == 0 {
		return 0, nil
	}
	if err := w.Relation().Insert(c.ctx, batch...); err != nil {
		return 0, err
	}
	return int64(len(batch)), nil
}

// change is one row an UPDATE or DELETE will write.
type change struct {
	id  storage.RowID
	row storage.Row
}

// scanMatching calls f with the identity and values of every row of rel
// for which where (nil = always) is true. Rows are storage's: f must not
// keep or modify them.
func (c *evalCtx) scanMatching(rel storage.Relation, where planner.Expr, f func(storage.RowID, []types.Datum) error) error {
	it, err := rel.Scan(c.ctx)
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		row, ok := it.Next()
		if !ok {
			return it.Err()
		}
		if where != nil {
			c.row = row
			v, err := c.eval(where)
			c.row = nil
			if err != nil {
				return err
			}
			if v != true {
				continue
			}
		}
		if err := f(it.ID(), row); err != nil {
			return err
		}
	}
}

func (c *evalCtx) execUpdate(n *planner.Update) (int64, error) {
	w, err := writable(n.Table)
	if err != nil {
		return 0, err
	}
	defer w.LockWrites()()
	cols := n.Table.Columns()
	rel := w.Relation()
	var changes []change
	err = c.scanMatching(rel, n.Where, func(id storage.RowID, old []types.Datum) error {
		row, err := c.evalList(n.Set, old)
		if err != nil {
			return err
		}
		if err := CheckNotNull(n.Table, cols, row, c.opts); err != nil {
			return err
		}
		changes = append(changes, change{id: id, row: row})
		if len(changes)%1024 == 0 {
			return c.ctx.Err()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return applyEach(len(changes), func(i int) error {
		return rel.Update(c.ctx, changes[i].id, changes[i].row)
	})
}

func (c *evalCtx) execDelete(n *planner.Delete) (int64, error) {
	w, err := writable(n.Table)
	if err != nil {
		return 0, err
	}
	defer w.LockWrites()()
	rel := w.Relation()
	var ids []storage.RowID
	err = c.scanMatching(rel, n.Where, func(id storage.RowID, _ []types.Datum) error {
		ids = append(ids, id)
		if len(ids)%4096 == 0 {
			return c.ctx.Err()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return applyEach(len(ids), func(i int) error { return rel.Delete(c.ctx, ids[i]) })
}

// applyEach applies op to n collected rows and counts those changed. A row
// deleted or truncated meanwhile (ErrRowNotFound) is skipped, as
// PostgreSQL skips such rows under READ COMMITTED.
func applyEach(n int, op func(i int) error) (int64, error) {
	var done int64
	for i := 0; i < n; i++ {
		switch err := op(i); {
		case err == nil:
			done++
		case errors.Is(err, storage.ErrRowNotFound):
		default:
			return done, err
		}
	}
	return done, nil
}

// CheckNotNull returns PostgreSQL's 23502 error for the first NOT NULL
// column of t whose value in row (one datum per column of cols) is NULL.
// COPY FROM uses it too.
func CheckNotNull(t planner.Table, cols []planner.Column, row []types.Datum, o *types.FormatOpts) error {
	for i, col := range cols {
		if col.NotNull && i < len(row) && row[i] == nil {
			return pgerror.New(pgerror.NotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", col.Name, t.Name()).
				WithDetail("Failing row contains %s.", rowDescription(cols, row, o))
		}
	}
	return nil
}

// maxFieldLen is how much of each value ExecBuildSlotValueDescription
// shows before it cuts the value off with "...".
const maxFieldLen = 64

// rowDescription formats a row as PostgreSQL's error details do:
// "(1, abc, null)", each value in its text form, unquoted and cut at 64
// bytes (on a character boundary).
func rowDescription(cols []planner.Column, row []types.Datum, o *types.FormatOpts) string {
	var sb strings.Builder
	sb.WriteByte('(')
	var buf []byte
	for i, v := range row {
		if i > 0 {
			sb.WriteString(", ")
		}
		if v == nil {
			sb.WriteString("null")
			continue
		}
		buf = types.AppendText(buf[:0], cols[i].Type, v, o)
		if len(buf) > maxFieldLen {
			cut := maxFieldLen
			for cut > 0 && !utf8.RuneStart(buf[cut]) {
				cut--
			}
			sb.Write(buf[:cut])
			sb.WriteString("...")
			continue
		}
		sb.Write(buf)
	}
	sb.WriteByte(')')
	return sb.String()
}
