package eval

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// VersionString is what version() returns; the server sets it at start.
var VersionString = "PostgreSQL 15.0 (nqdb)"

// Env is what expressions need from the session.
type Env interface {
	// Setting returns a configuration parameter's current value (for
	// current_setting()); an unknown name is 42704 `unrecognized
	// configuration parameter "x"`.
	Setting(name string) (string, error)
	// SetSetting changes a parameter (set_config()) and returns the new value.
	SetSetting(name, value string, local bool) (string, error)
	// FormatOpts returns the settings that shape text I/O (TimeZone...).
	FormatOpts() *types.FormatOpts
	// StatementTimestamp is when the current statement started.
	StatementTimestamp() time.Time
	// TransactionTimestamp is when the current transaction started
	// (now(), current_timestamp).
	TransactionTimestamp() time.Time
	// CurrentUser is current_user / session_user.
	CurrentUser() string
	// Database is current_database().
	Database() string
	// BackendPID is pg_backend_pid().
	BackendPID() int32
}

// Scannable is a planner.Table that produces its own rows (a full scan
// in attribute order), such as a table computed on the fly. Stored tables
// are read through Store instead.
type Scannable interface {
	Scan(ctx context.Context) (Rows, error)
}

// Store is implemented by an Env that gives access to stored tables inside
// its current transaction (the executor's Session).
type Store interface {
	// Access returns t's stored rows as the current statement sees them;
	// ok is false when t is not a stored table. Access takes the table
	// lock a statement needs (write true for INSERT, UPDATE and DELETE).
	Access(ctx context.Context, t planner.Table, write bool) (acc TableAccess, ok bool, err error)
}

// TableAccess reads and writes one stored table inside one transaction.
type TableAccess interface {
	// Scan returns every row visible to the statement, each with its key.
	Scan(ctx context.Context) (KeyedRows, error)
	// Lookup returns the visible rows whose key is in r: the primary
	// key's (index 0) or secondary index index-1's, as listed by
	// planner.KeyedTable, in key order (or reversed with r.Reverse). A
	// point read or range instead of a scan.
	Lookup(ctx context.Context, index int, r *KeyRange) (KeyedRows, error)
	// Insert adds rows (23505 when a primary key exists already).
	Insert(ctx context.Context, rows [][]types.Datum) error
	// Upsert is INSERT ... ON CONFLICT for one row: on a conflict with
	// the unique key arbiter (-1: any; 0: the primary key; i: index i-1)
	// the existing row is locked and resolve returns what it becomes (nil:
	// unchanged; resolve nil: DO NOTHING). It returns the row written (nil
	// when none), its key when it was an update, and whether it inserted.
	Upsert(ctx context.Context, row []types.Datum, arbiter int,
		resolve func(existing []types.Datum) ([]types.Datum, error)) (written []types.Datum, key string, inserted bool, err error)
	// Lock takes the row lock of the row named key and reports its newest
	// committed state: latest (nil when deleted since), and whether it
	// changed after the statement's snapshot (then READ COMMITTED
	// re-checks the statement's condition on latest, as PostgreSQL does;
	// the stricter levels fail with 40001 instead).
	// share takes a shared lock (FOR SHARE) instead of an exclusive one;
	// wait says what to do when another transaction holds it (NOWAIT:
	// 55P03; SKIP LOCKED: ErrSkipRow).
	Lock(ctx context.Context, key string, share bool, wait planner.LockWait) (latest []types.Datum, exists, changed bool, err error)
	// Update replaces the locked row key, whose values are old, with row
	// (a new primary key moves it; indexes follow).
	Update(ctx context.Context, key string, old, row []types.Datum) error
	// Delete removes the locked row key, whose values are old.
	Delete(ctx context.Context, key string, old []types.Datum) error
}

// KeyedRows is a scan whose rows carry the key that names them in
// TableAccess's Lock, Update and Delete.
type KeyedRows interface {
	Rows
	// Key names the row the last Next returned.
	Key() string
}

// Rows is a stream of result rows.
type Rows interface {
	// Next returns the next row, or io.EOF after the last one. The slice
	// is the caller's to keep.
	Next() ([]types.Datum, error)
	// Close releases the rows; Next must not be called afterwards.
	Close()
}

// Run executes q with params (datums of q.ParamTypes) and returns its rows.
// Rows are produced as Next is called; ctx cancellation stops long
// operations with 57014.
func Run(ctx context.Context, q *planner.Query, params []types.Datum, env Env) (Rows, error) {
	if len(params) < len(q.ParamTypes) {
		return nil, pgerror.New(pgerror.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"\" requires %d", len(params), len(q.ParamTypes))
	}
	c := &evalCtx{ctx: ctx, env: env, params: params, mem: &memAccount{}}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	if len(q.Writes) > 0 {
		if err := c.runQueryWrites(q.Writes); err != nil {
			return nil, err
		}
	}
	it, err := c.buildRoot(q) // cte_shared.go
	if err != nil {
		return nil, err
	}
	return &rows{it: it, c: c}, nil
}

// EvalExpr evaluates a bound expression that refers to no input columns
// (DEFAULT values, SET arguments...) with the given parameters.
func EvalExpr(ctx context.Context, e planner.Expr, params []types.Datum, env Env) (types.Datum, error) {
	c := &evalCtx{ctx: ctx, env: env, params: params}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	return c.eval(e)
}

// rows is what Run returns. It closes the operator tree at the end of the
// stream, on the first error, or on Close, whichever comes first, and only
// once: storage iterators underneath hold pins and snapshots, so they must
// be released even when a client abandons a suspended portal.
type rows struct {
	it   iterator
	c    *evalCtx
	done bool
}

func (r *rows) Next() ([]types.Datum, error) {
	if r.done {
		return nil, io.EOF
	}
	row, err := r.it.next()
	if err != nil {
		r.Close()
		if err != io.EOF {
			err = mapCtxErr(err)
		}
		return nil, err
	}
	return row, nil
}

func (r *rows) Close() {
	if !r.done {
		r.done = true
		r.it.close()
	}
}

// mapCtxErr turns context errors into PostgreSQL's cancellation errors.
func mapCtxErr(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return pgerror.New(pgerror.QueryCanceled, "canceling statement due to user request")
	case errors.Is(err, context.DeadlineExceeded):
		return pgerror.New(pgerror.QueryCanceled, "canceling statement due to statement timeout")
	}
	return err
}

// iterator is a plan operator at run time.
//
// close releases the operator and everything below it; it may be called
// more than once and at any time; next after it returns io.EOF (every
// operator keeps that so a closed input simply looks exhausted).
// Operators also close their inputs themselves as soon as they no longer
// need them (a Limit after its count, a Sort once it has read its input),
// so storage is released before the consumer gets to Close. Leaves
// (scanIter) make close idempotent, which makes repeated closes of inner
// nodes harmless; an error does not close anything by itself, the owner
// of the tree (rows, subRows, execInsert) closes it on every exit.
type iterator interface {
	next() ([]types.Datum, error)
	close()
}

func (c *evalCtx) buildIter(n planner.Node) (iterator, error) {
	switch x := n.(type) {
	case *planner.Result:
		return &resultIter{c: c, n: x}, nil
	case *planner.Values:
		return &valuesIter{c: c, n: x}, nil
	case *planner.Scan:
		if src, ok := x.Table.(Scannable); ok {
			return &scanIter{c: c, src: src}, nil
		}
		if it := c.lookupScan(x, nil, nil); it != nil {
			return it, nil // a LATERAL inner side's key lookup (lookup_reuse.go)
		}
		if st, ok := c.env.(Store); ok && !x.WithKey {
			return newScanBatch(c, storedScan{c: c, st: st, t: x.Table, key: x.Key, need: x.Needed}, nil, nil), nil
		}
		if st, ok := c.env.(Store); ok {
			return &scanIter{c: c, src: storedScan{c: c, st: st, t: x.Table, key: x.Key, withKey: x.WithKey, need: x.Needed}}, nil
		}
		return nil, pgerror.New(pgerror.FeatureNotSupported, "table \"%s\" cannot be scanned", x.Table.Name())
	case *planner.Append:
		its := make([]iterator, len(x.Inputs))
		for i, in := range x.Inputs {
			var err error
			if its[i], err = c.build(in); err != nil {
				// Nothing is opened until next, but close what was
				// built anyway so that rule does not matter here.
				for _, b := range its[:i] {
					b.close()
				}
				return nil, err
			}
		}
		if x.Op != planner.SetUnion {
			return &setOpIter{left: its[0], right: its[1], op: x.Op, all: !x.Distinct, types: x.Types}, nil
		}
		var it iterator = &appendIter{its: its}
		if x.Distinct {
			it = &distinctIter{c: c, in: it, types: x.Types, seen: map[string]struct{}{}}
		}
		return it, nil
	case *planner.Join:
		l, err := c.build(x.Left)
		if err != nil {
			return nil, err
		}
		if x.Lateral {
			// The right side is built for each left row (joinIter.next).
			return &joinIter{c: c, n: x, outer: l, nl: len(x.Left.Output()), nr: len(x.Right.Output()), loaded: true}, nil
		}
		r, err := c.build(x.Right)
		if err != nil {
			l.close()
			return nil, err
		}
		if x.Merge && len(x.RightKeys) > 0 && x.Kind != planner.RightJoin {
			return newMergeJoin(c, x, l, r), nil
		}
		if len(x.RightKeys) > 0 {
			return newHashJoin(c, x, l, r), nil // RIGHT too: hashright.go
		}
		if x.Kind == planner.FullJoin {
			l.close()
			r.close()
			return nil, pgerror.New(pgerror.FeatureNotSupported, "FULL JOIN is only supported with merge-joinable or hash-joinable join conditions")
		}
		it := &joinIter{c: c, n: x, outer: l, inner: r, nl: len(x.Left.Output()), nr: len(x.Right.Output())}
		if x.Kind == planner.RightJoin {
			it.outer, it.inner, it.swapped = r, l, true
		}
		return it, nil
	case *planner.Agg:
		if g, ok := x.Input.(*planner.Gather); ok && g.Partial != nil {
			return c.buildFinalize(x, g) // parallel_agg.go
		}
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		if x.Sets != nil {
			return &groupingSetsIter{c: c, in: in, n: x}, nil
		}
		if x.Sorted && groupAggOn {
			return c.buildGroupAgg(in, x), nil // groupagg.go
		}
		return &aggIter{c: c, in: in, n: x}, nil
	case *planner.Gather:
		return c.buildGather(x) // parallel.go
	case *planner.Distinct:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		if x.On != nil {
			return &distinctOnIter{distinctIter: distinctIter{c: c, in: in, seen: map[string]struct{}{}}, on: x.On, all: x.Output()}, nil
		}
		return &distinctIter{c: c, in: in, types: x.Output(), seen: map[string]struct{}{}}, nil
	case *planner.Filter:
		if it := c.scanFilter(x); it != nil {
			return it, nil
		}
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return &filterIter{c: c, in: in, cond: x.Cond}, nil
	case *planner.Project:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return &projectIter{c: c, in: in, exprs: x.Exprs}, nil
	case *planner.ProjectSet:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return &projectSetIter{c: c, in: in, n: x}, nil
	case *planner.Window:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return &windowIter{c: c, in: in, n: x}, nil
	case *planner.RecursiveUnion:
		return &recursiveIter{c: c, n: x}, nil
	case *planner.WorkTableScan:
		if x.Work.Plan != nil {
			return c.newCTEScan(x.Work), nil // cte_shared.go
		}
		return &workIter{rows: c.work[x.Work]}, nil
	case *planner.Limit:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return newLimitIter(c, in, x), nil
	case *planner.Sort:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return newSortIter(c, in, x), nil
	case *planner.LockRows:
		in, err := c.build(x.Input)
		if err != nil {
			return nil, err
		}
		return &lockIter{c: c, in: in, n: x}, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "plan node %T is not supported", n)
}

type resultIter struct {
	c    *evalCtx
	n    *planner.Result
	done bool
}

func (it *resultIter) next() ([]types.Datum, error) {
	if it.done {
		return nil, io.EOF
	}
	it.done = true
	if it.n.Where != nil {
		ok, err := it.c.eval(it.n.Where)
		if err != nil {
			return nil, err
		}
		if ok != true {
			return nil, io.EOF
		}
	}
	return it.c.evalList(it.n.Exprs, nil)
}

func (it *resultIter) close() { it.done = true }

type valuesIter struct {
	c *evalCtx
	n *planner.Values
	i int
}

func (it *valuesIter) next() ([]types.Datum, error) {
	if it.i >= len(it.n.Rows) {
		return nil, io.EOF
	}
	it.i++
	return it.c.evalList(it.n.Rows[it.i-1], nil)
}

func (it *valuesIter) close() { it.i = len(it.n.Rows) }

type filterIter struct {
	c    *evalCtx
	in   iterator
	cond planner.Expr
	// Batch mode (batch_ops.go).
	src  batchIterator
	pred *batchPred
	sel  []int32
}

func (it *filterIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if err != nil {
			return nil, err
		}
		saved := it.c.row
		it.c.row = row
		ok, err := it.c.eval(it.cond)
		it.c.row = saved
		if err != nil {
			return nil, err
		}
		if ok == true {
			return row, nil
		}
	}
}

func (it *filterIter) close() { it.in.close() }

type projectIter struct {
	c     *evalCtx
	in    iterator
	exprs []planner.Expr
	// Batch mode (batch_ops.go).
	src batchIterator
	inb batch
}

func (it *projectIter) next() ([]types.Datum, error) {
	row, err := it.in.next()
	if err != nil {
		return nil, err
	}
	return it.c.evalList(it.exprs, row)
}

func (it *projectIter) close() { it.in.close() }

// storedScan reads a stored table through the session's Store: the rows
// key selects when set, else everything.
type storedScan struct {
	c       *evalCtx
	st      Store
	t       planner.Table
	key     *planner.KeyLookup
	withKey bool
	// need marks the columns to decode (nil = all): planner.Scan.Needed.
	need []bool
}

// ColumnPruner is implemented by rows that can skip decoding columns
// nobody reads (left NULL).
type ColumnPruner interface {
	Want(cols []bool)
}

func (s storedScan) Scan(ctx context.Context) (Rows, error) {
	if s.c.lookups != nil && s.key != nil {
		if rows, ok, err := s.c.lookups.open(ctx, s); ok {
			return s.finish(rows, err) // lookup_reuse.go
		}
	}
	acc, ok, err := s.st.Access(ctx, s.t, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "table \"%s\" cannot be scanned", s.t.Name())
	}
	rows, err := s.c.openRows(acc, s.key)
	if err == nil && s.need != nil {
		if p, ok := rows.(ColumnPruner); ok {
			p.Want(s.need)
		}
	}
	if err != nil || !s.withKey {
		return rows, err
	}
	return keyRows{rows}, nil
}

// openRows starts a lookup of key (when set) or a full scan of acc.
func (c *evalCtx) openRows(acc TableAccess, key *planner.KeyLookup) (KeyedRows, error) {
	if key == nil {
		return acc.Scan(c.ctx)
	}
	r, empty, err := c.keyRange(key)
	if err != nil {
		return nil, err
	}
	if empty {
		return emptyRows{}, nil
	}
	return acc.Lookup(c.ctx, key.Index, r)
}

// scanIter opens the table on the first call so that building a plan
// costs nothing until rows are wanted. It closes the table's Rows exactly
// once: at their end, on an error, or on close.
type scanIter struct {
	c      *evalCtx
	src    Scannable
	rows   Rows
	n      int
	closed bool
}

func (it *scanIter) next() ([]types.Datum, error) {
	if it.closed {
		return nil, io.EOF
	}
	if it.rows == nil {
		r, err := it.src.Scan(it.c.ctx)
		if err != nil {
			it.closed = true
			return nil, err
		}
		it.rows = r
	}
	if it.n++; it.n%4096 == 0 {
		if err := it.c.ctx.Err(); err != nil {
			it.close()
			return nil, err
		}
	}
	row, err := it.rows.Next()
	if err != nil {
		it.close()
	}
	return row, err
}

func (it *scanIter) close() {
	it.closed = true
	if it.rows != nil {
		it.rows.Close()
		it.rows = nil
	}
}

type appendIter struct {
	its  []iterator
	i    int
	srcs []batchIterator // batch mode (batch_set.go)
}

func (it *appendIter) next() ([]types.Datum, error) {
	for it.i < len(it.its) {
		row, err := it.its[it.i].next()
		if err == io.EOF {
			it.its[it.i].close()
			it.i++
			continue
		}
		return row, err
	}
	return nil, io.EOF
}

func (it *appendIter) close() {
	for _, in := range it.its[it.i:] {
		in.close()
	}
	it.i = len(it.its)
}

// distinctIter passes each distinct row once. Rows are keyed by their
// text forms, which are equal exactly when the values are for every
// type nqdb has except floats' -0/0 and numerics' trailing zeros, which
// it canonicalises first.
type distinctIter struct {
	c     *evalCtx
	in    iterator
	types []*types.T
	seen  map[string]struct{}
	buf   []byte
	// mem is what the seen keys were charged to the query's memory
	// account.
	mem int64
	src batchIterator // batch mode (batch_set.go)
}

func (it *distinctIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if err != nil {
			return nil, err
		}
		it.buf = rowKey(it.buf[:0], it.types, row)
		if _, dup := it.seen[string(it.buf)]; dup {
			continue
		}
		if err := it.remember(row); err != nil {
			return nil, err
		}
		return row, nil
	}
}

// remember adds the key in it.buf (of row) to the rows seen.
func (it *distinctIter) remember(row []types.Datum) error {
	it.seen[string(it.buf)] = struct{}{}
	n := int64(len(it.buf) + 48) // the key and its map entry
	it.mem += n
	if it.c != nil {
		it.c.mem.grow(n)
	}
	return nil
}

// distinctOnIter keeps the first row of each group of equal On columns
// (SELECT DISTINCT ON; the input is sorted, so groups are runs).
type distinctOnIter struct {
	distinctIter
	on   []int
	all  []*types.T
	keyT []*types.T
	vals []types.Datum
}

func (it *distinctOnIter) next() ([]types.Datum, error) {
	if it.keyT == nil {
		for _, c := range it.on {
			it.keyT = append(it.keyT, it.all[c])
		}
		it.vals = make([]types.Datum, len(it.on))
	}
	for {
		row, err := it.in.next()
		if err != nil {
			return nil, err
		}
		for i, c := range it.on {
			it.vals[i] = row[c]
		}
		it.buf = rowKey(it.buf[:0], it.keyT, it.vals)
		if _, dup := it.seen[string(it.buf)]; dup {
			continue
		}
		it.seen[string(it.buf)] = struct{}{}
		return row, nil
	}
}

func (it *distinctIter) close() {
	it.in.close()
	it.seen = nil
	if it.c != nil {
		it.c.mem.shrink(it.mem)
	}
	it.mem = 0
}

// rowKey appends a key for row that is equal for rows that compare equal.
// Keys are only compared with keys made with the same types: an integer
// column is its 8 bytes (no formatting, shorter keys to hash), others
// their text (rowKeyText).
func rowKey(buf []byte, ts []*types.T, row []types.Datum) []byte {
	for i, v := range row {
		if n, ok := v.(int64); ok && isIntType(ts[i]) {
			buf = binary.LittleEndian.AppendUint64(append(buf, 2), uint64(n))
			continue
		}
		buf = rowKeyText(buf, ts[i:i+1], row[i:i+1])
	}
	return buf
}

// rowKeyText is rowKey with every value as its text, the form that lets
// values of different types that compare equal (a hash join's two sides)
// give equal keys.
func rowKeyText(buf []byte, ts []*types.T, row []types.Datum) []byte {
	for i, v := range row {
		if v == nil {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		v = canonical(v)
		buf = types.AppendText(buf, ts[i], v, nil)
		buf = append(buf, 0xff, 0)
	}
	return buf
}

// joinIter is a nested-loop join: the inner side is read into memory once,
// then scanned for every outer row. For RIGHT JOIN the right side is the
// outer one (swapped), but rows keep left columns first.
type joinIter struct {
	c            *evalCtx
	n            *planner.Join
	outer, inner iterator
	swapped      bool
	nl, nr       int
	innerRows    [][]types.Datum
	loaded       bool
	cur          []types.Datum // current outer row
	pos          int           // next inner row to try
	matched      bool
	steps        int
	// mem is what the inner rows were charged to the query's memory
	// account.
	mem int64
	// lookups keeps a LATERAL inner side's key lookups open across
	// outer rows (lookup_reuse.go).
	lookups *lookupCache
	// Batch mode (batch_join.go): the outer side a batch at a time.
	ocur *batchCursor
	osrc batchIterator
	// innerLoops and innerRead count the scans of the inner rows and the
	// rows they read, for EXPLAIN ANALYZE's Materialize (batch_join.go).
	innerLoops, innerRead int64
	removed               int64 // rows the join condition rejected
}

func (it *joinIter) next() ([]types.Datum, error) {
	if !it.loaded {
		it.loaded = true
		if err := it.loadInner(); err != nil {
			return nil, err
		}
	}
	for {
		if it.cur == nil {
			row, err := it.outerRow()
			if err != nil {
				return nil, err
			}
			it.cur, it.pos, it.matched = row, 0, false
			it.innerLoops++
			if it.n.Lateral {
				if err := it.loadLateral(row); err != nil {
					return nil, err
				}
			}
		}
		for it.pos < len(it.innerRows) {
			in := it.innerRows[it.pos]
			it.pos++
			it.innerRead++
			if it.steps++; it.steps%4096 == 0 {
				if err := it.c.ctx.Err(); err != nil {
					return nil, err
				}
			}
			row := it.combine(it.cur, in)
			if ok, err := it.c.holds(it.n.Cond, row); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				it.removed++
				continue
			}
			it.matched = true
			if k := it.n.Kind; k == planner.SemiJoin || k == planner.AntiJoin {
				break // one match decides (a LATERAL semi / anti join)
			}
			return row, nil
		}
		outerRow, matched := it.cur, it.matched
		it.cur = nil
		switch it.n.Kind {
		case planner.SemiJoin, planner.AntiJoin:
			if matched == (it.n.Kind == planner.SemiJoin) {
				return outerRow, nil
			}
			continue
		}
		if !matched && it.n.Kind != planner.InnerJoin {
			return it.combine(outerRow, nil), nil
		}
	}
}

func (it *joinIter) close() {
	it.reportInner()
	it.loaded, it.innerRows, it.cur = true, nil, nil
	it.c.mem.shrink(it.mem)
	it.mem = 0
	it.outer.close()
	if it.inner != nil {
		it.inner.close()
	}
}

// combine concatenates an outer and an inner row (nil inner = NULLs) in
// left-then-right column order.
func (it *joinIter) combine(outer, inner []types.Datum) []types.Datum {
	row := make([]types.Datum, it.nl+it.nr)
	l, r := outer, inner
	if it.swapped {
		l, r = inner, outer
	}
	copy(row, l)
	copy(row[it.nl:], r)
	return row
}

// loadLateral runs a LATERAL join's right side for the left row: its
// outer references of level 1 read that row.
func (it *joinIter) loadLateral(left []types.Datum) error {
	c := it.c
	sub := &evalCtx{ctx: c.ctx, env: c.env, opts: c.opts, params: c.params,
		outer: append([][]types.Datum{left}, c.outer...), work: c.work, lookups: it.lookupCache()}
	r, err := sub.build(it.n.Right)
	if err != nil {
		return err
	}
	defer r.close()
	it.innerRows = it.innerRows[:0]
	// A semi / anti join without a join condition is decided by the
	// first inner row: read no more (most rows of a key range unread).
	first := it.n.Cond == nil && (it.n.Kind == planner.SemiJoin || it.n.Kind == planner.AntiJoin)
	for {
		row, err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		it.innerRows = append(it.innerRows, row)
		if first {
			return nil
		}
	}
}

// holds evaluates a condition (nil = true) over row, leaving the
// context's current row as it was: joins test their conditions this way.
func (c *evalCtx) holds(cond planner.Expr, row []types.Datum) (bool, error) {
	if cond == nil {
		return true, nil
	}
	saved := c.row
	c.row = row
	v, err := c.eval(cond)
	c.row = saved
	return v == true, err
}

// drain reads every row of it into memory, checking for cancellation as
// it goes, and closes it: the operators that need their whole input
// (sort, grouping sets) start this way.
func (c *evalCtx) drain(it iterator) ([][]types.Datum, error) {
	var rows [][]types.Datum
	for {
		row, err := it.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
		if len(rows)%1024 == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	it.close()
	return rows, nil
}
