package eval

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Exec runs an INSERT, UPDATE or DELETE plan (q.IsDML()) with params and
// returns the number of rows it inserted, updated or deleted.
//
// Each statement computes and checks every new row before it changes
// anything, so an error (a failed cast, a NOT NULL violation) leaves the
// table as it was even on the non-transactional stand-in; UPDATE and
// DELETE read a snapshot of the table and then apply their changes, so a
// statement never sees its own changes.
func Exec(ctx context.Context, q *planner.Query, params []types.Datum, env Env) (int64, error) {
	n, _, err := execDML(ctx, q, params, env, false)
	return n, err
}

// ExecReturning is Exec for a statement with a RETURNING list: it also
// returns the list's values for each row written (the new row for INSERT
// and UPDATE, the old one for DELETE). The statement has run when it
// returns, as in PostgreSQL, whether or not the rows are read.
func ExecReturning(ctx context.Context, q *planner.Query, params []types.Datum, env Env) (Rows, int64, error) {
	n, out, err := execDML(ctx, q, params, env, true)
	if err != nil {
		return nil, 0, err
	}
	return &sliceRows{rows: out}, n, nil
}

// sliceRows yields materialized rows.
type sliceRows struct {
	rows [][]types.Datum
	i    int
}

func (r *sliceRows) Next() ([]types.Datum, error) {
	if r.i >= len(r.rows) {
		return nil, io.EOF
	}
	r.i++
	return r.rows[r.i-1], nil
}

func (r *sliceRows) Close() { r.i = len(r.rows) }

func execDML(ctx context.Context, q *planner.Query, params []types.Datum, env Env, returning bool) (int64, [][]types.Datum, error) {
	if len(params) < len(q.ParamTypes) {
		return 0, nil, pgerror.New(pgerror.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"\" requires %d", len(params), len(q.ParamTypes))
	}
	c := &evalCtx{ctx: ctx, env: env, params: params}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	if returning {
		c.written = [][]types.Datum{}
	}
	var (
		n   int64
		err error
	)
	// Data-modifying WITH items run first; their RETURNING rows are the
	// main statement's to read.
	if err = c.runWrites(q.Writes); err != nil {
		if se, ok := env.(StatementEnder); ok {
			err = se.EndStatement(ctx, err)
		}
		return 0, nil, mapCtxErr(err)
	}
	switch x := q.Root.(type) {
	case *planner.Insert:
		n, err = c.execInsert(x)
	case *planner.Update:
		n, err = c.execUpdate(x)
	case *planner.Delete:
		n, err = c.execDelete(x)
	default:
		return 0, nil, pgerror.New(pgerror.FeatureNotSupported, "plan node %T is not a data-modifying statement", q.Root)
	}
	// Foreign keys are checked (and their actions run) once the
	// statement's own writes are done, as PostgreSQL's RI triggers fire
	// at the end of the statement.
	if se, ok := env.(StatementEnder); ok {
		err = se.EndStatement(ctx, err)
	}
	if err != nil {
		return 0, nil, mapCtxErr(err)
	}
	if !returning {
		return n, nil, nil
	}
	list := returningList(q.Root)
	out := make([][]types.Datum, 0, len(c.written))
	for _, row := range c.written {
		v, err := c.evalList(list, row)
		if err != nil {
			return 0, nil, mapCtxErr(err)
		}
		out = append(out, v)
	}
	return n, out, nil
}

// returningList is a DML node's RETURNING list.
func returningList(n planner.Node) []planner.Expr {
	switch x := n.(type) {
	case *planner.Insert:
		return x.Returning
	case *planner.Update:
		return x.Returning
	case *planner.Delete:
		return x.Returning
	}
	return nil
}

// access opens a DML statement's target table for writing.
func (c *evalCtx) access(t planner.Table) (TableAccess, error) {
	if st, ok := c.env.(Store); ok {
		acc, ok, err := st.Access(c.ctx, t, true)
		if err != nil || ok {
			return acc, err
		}
	}
	kind := "relation"
	if k, ok := t.(interface{ RelKind() string }); ok {
		kind = k.RelKind()
	}
	return nil, pgerror.New(pgerror.WrongObjectType, "cannot change %s \"%s\"", kind, t.Name())
}

func (c *evalCtx) execInsert(n *planner.Insert) (int64, error) {
	acc, err := c.access(n.Table)
	if err != nil {
		return 0, err
	}
	it, err := c.build(n.Input)
	if err != nil {
		return 0, err
	}
	defer it.close()
	cols := n.Table.Columns()
	checks, err := tableChecks(acc)
	if err != nil {
		return 0, err
	}
	var batch [][]types.Datum
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
		if err := c.checkRow(n.Table, checks, row); err != nil {
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
	if n.OnConflict != nil {
		return c.upsert(acc, n, batch)
	}
	if err := acc.Insert(c.ctx, batch); err != nil {
		return 0, err
	}
	for _, row := range batch {
		if err := c.checkView(n.Table, n.ViewChecks, row); err != nil {
			return 0, err
		}
	}
	if c.written != nil {
		c.written = append(c.written, batch...)
	}
	return int64(len(batch)), nil
}

// match is one row an UPDATE or DELETE found.
type match struct {
	key string
	row []types.Datum
}

// scanMatching collects the key and values of every row of acc for which
// where (nil = always) is true, as of the statement's snapshot: a
// statement never sees its own changes.
func (c *evalCtx) scanMatching(acc TableAccess, where planner.Expr, key *planner.KeyLookup) ([]match, error) {
	rows, err := c.openRows(acc, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []match
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		ok, err := c.matches(where, row)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, match{key: rows.Key(), row: row})
			if len(out)%4096 == 0 {
				if err := c.ctx.Err(); err != nil {
					return nil, err
				}
			}
		}
	}
}

func (c *evalCtx) matches(where planner.Expr, row []types.Datum) (bool, error) {
	if where == nil {
		return true, nil
	}
	c.row = row
	v, err := c.eval(where)
	c.row = nil
	return v == true, err
}

// lockMatch takes m's row lock. When the row changed after the snapshot
// (READ COMMITTED only: the other levels fail in Lock) the condition is
// evaluated again on the newest version, which is then the one changed;
// ok is false when the row is gone or no longer qualifies.
func (c *evalCtx) lockMatch(acc TableAccess, where planner.Expr, m *match) (bool, error) {
	latest, exists, changed, err := acc.Lock(c.ctx, m.key, false, planner.LockBlock)
	if err != nil || !changed {
		return err == nil, err
	}
	if !exists {
		return false, nil
	}
	if len(m.row) > len(latest) {
		// A source row (UPDATE ... FROM): the newest target row with the
		// same joined columns, as PostgreSQL's EvalPlanQual re-checks it.
		latest = append(latest[:len(latest):len(latest)], m.row[len(latest):]...)
	}
	ok, err := c.matches(where, latest)
	if ok {
		m.row = latest
	}
	return ok, err
}

func (c *evalCtx) execUpdate(n *planner.Update) (int64, error) {
	acc, err := c.access(n.Table)
	if err != nil {
		return 0, err
	}
	cols := n.Table.Columns()
	checks, err := tableChecks(acc)
	if err != nil {
		return 0, err
	}
	ms, err := c.findMatches(c.matchAccess(n.Table, acc), n.Where, n.Key, n.Source)
	if err != nil {
		return 0, err
	}
	var done int64
	for i := range ms {
		m := &ms[i]
		ok, err := c.lockMatch(acc, n.Where, m)
		if err != nil {
			return done, err
		}
		if !ok {
			continue
		}
		row, err := c.evalList(n.Set, m.row)
		if err != nil {
			return done, err
		}
		if err := CheckNotNull(n.Table, cols, row, c.opts); err != nil {
			return done, err
		}
		if err := c.checkRow(n.Table, checks, row); err != nil {
			return done, err
		}
		if err := acc.Update(c.ctx, m.key, m.row[:len(cols)], row); err != nil {
			return done, err
		}
		if err := c.checkView(n.Table, n.ViewChecks, row); err != nil {
			return done, err
		}
		if c.written != nil {
			// With a FROM list, RETURNING also reads the joined columns.
			c.written = append(c.written, append(row, m.row[len(cols):]...))
		}
		done++
	}
	return done, nil
}

func (c *evalCtx) execDelete(n *planner.Delete) (int64, error) {
	acc, err := c.access(n.Table)
	if err != nil {
		return 0, err
	}
	ms, err := c.findMatches(c.matchAccess(n.Table, acc), n.Where, n.Key, n.Source)
	if err != nil {
		return 0, err
	}
	ncols := len(n.Table.Columns())
	var done int64
	for i := range ms {
		ok, err := c.lockMatch(acc, n.Where, &ms[i])
		if err != nil {
			return done, err
		}
		if !ok {
			continue
		}
		if err := acc.Delete(c.ctx, ms[i].key, ms[i].row[:ncols]); err != nil {
			return done, err
		}
		if c.written != nil {
			// With a USING list, RETURNING also reads the joined columns.
			c.written = append(c.written, ms[i].row)
		}
		done++
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

// upsert runs INSERT ... ON CONFLICT row by row.
func (c *evalCtx) upsert(acc TableAccess, n *planner.Insert, batch [][]types.Datum) (int64, error) {
	oc := n.OnConflict
	cols := n.Table.Columns()
	var resolve func(existing []types.Datum) ([]types.Datum, error)
	var proposed []types.Datum
	checks, err := tableChecks(acc)
	if err != nil {
		return 0, err
	}
	if oc.Update {
		resolve = func(existing []types.Datum) ([]types.Datum, error) {
			both := append(append(make([]types.Datum, 0, 2*len(existing)), existing...), proposed...)
			ok, err := c.matches(oc.Where, both)
			if err != nil || !ok {
				return nil, err
			}
			row, err := c.evalList(oc.Set, both)
			if err != nil {
				return nil, err
			}
			if err := CheckNotNull(n.Table, cols, row, c.opts); err != nil {
				return nil, err
			}
			return row, c.checkRow(n.Table, checks, row)
		}
	}
	updated := map[string]bool{}
	var done int64
	for i, row := range batch {
		if i%256 == 255 {
			if err := c.ctx.Err(); err != nil {
				return done, err
			}
		}
		proposed = row
		written, key, inserted, err := acc.Upsert(c.ctx, row, oc.Arbiter, resolve)
		if err != nil {
			return done, err
		}
		if written == nil {
			continue
		}
		if !inserted {
			if updated[key] {
				return done, pgerror.New(pgerror.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
					WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
			}
			updated[key] = true
		}
		if c.written != nil {
			c.written = append(c.written, written)
		}
		done++
	}
	return done, nil
}

// StatementEnder is implemented by an Env that has work to do when an
// INSERT, UPDATE or DELETE has made its own changes: the executor's
// Session checks foreign keys and runs their actions then. err is the
// statement's error so far (the pending work is dropped when it is not
// nil); the result replaces it.
type StatementEnder interface {
	EndStatement(ctx context.Context, err error) error
}

// Checker is implemented by a TableAccess whose table has CHECK
// constraints.
type Checker interface {
	// Checks returns the constraints bound over the table's columns, in
	// the order PostgreSQL evaluates them (by name).
	Checks() ([]Check, error)
}

// Check is one CHECK constraint: a row violates it when Expr is false
// (NULL passes).
type Check struct {
	Name string
	Expr planner.Expr
}

func tableChecks(acc TableAccess) ([]Check, error) {
	if ch, ok := acc.(Checker); ok {
		return ch.Checks()
	}
	return nil, nil
}

// checkRow returns PostgreSQL's 23514 error for the first of checks that
// row (one datum per column of t) violates.
func (c *evalCtx) checkRow(t planner.Table, checks []Check, row []types.Datum) error {
	if len(checks) == 0 {
		return nil
	}
	saved := c.row
	defer func() { c.row = saved }()
	c.row = row
	for i := range checks {
		v, err := c.eval(checks[i].Expr)
		if err != nil {
			return err
		}
		if v == false {
			return pgerror.New(pgerror.CheckViolation, "new row for relation \"%s\" violates check constraint \"%s\"", t.Name(), checks[i].Name).
				WithDetail("Failing row contains %s.", rowDescription(t.Columns(), row, c.opts))
		}
	}
	return nil
}

// CheckRow is checkRow for writers outside a plan (COPY FROM, foreign key
// actions).
func CheckRow(ctx context.Context, env Env, t planner.Table, checks []Check, row []types.Datum) error {
	if len(checks) == 0 {
		return nil
	}
	c := &evalCtx{ctx: ctx, env: env}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	return c.checkRow(t, checks, row)
}

// RowDescription formats row (one datum per column of cols) as
// PostgreSQL's error details show a failing row: "(1, abc, null)".
func RowDescription(cols []planner.Column, row []types.Datum, o *types.FormatOpts) string {
	return rowDescription(cols, row, o)
}
