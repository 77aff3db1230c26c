package executor

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/btree"
	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/lock"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// tableLockName names a table's object lock: statements share it, DDL
// that replaces or drops the table's tree takes it exclusively.
func tableLockName(oid uint32) string {
	return "rel:" + string(catalogKey(oid))
}

// Access implements eval.Store: t's rows inside the session's
// transaction, after the table lock that keeps DDL away.
func (s *Session) Access(ctx context.Context, t planner.Table, write bool) (eval.TableAccess, bool, error) {
	def, ok := t.(*tableDef)
	if !ok {
		return nil, false, nil
	}
	if err := def.checkTable(); err != nil {
		// Views and sequences have no tree (COPY reaches here by name).
		return nil, true, err
	}
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, tableLockName(def.oid), lock.Shared); err != nil {
		return nil, true, storageError(err)
	}
	// The def the plan holds may predate DDL committed since (TRUNCATE
	// gives the table a new tree).
	cur := s.current(def.oid)
	if cur == nil {
		return nil, true, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", def.name)
	}
	if v := frozenTxn(ctx); v != nil && !write {
		// A statement with data-modifying WITH items reads the state
		// from before its writes (wcte.go).
		tx = v
	}
	if err := s.checkMatviewAccess(cur, write); err != nil {
		return nil, true, err
	}
	ta := &tableAccess{s: s, t: cur, tx: tx, planned: def}
	if write {
		ta.mods = s.modsFor(cur.oid)
	}
	return ta, true, nil
}

// tableAccess is eval.TableAccess over one table in one transaction.
type tableAccess struct {
	s  *Session
	t  *tableDef
	tx *storage.Txn
	// planned is the def the statement was planned over: its index
	// numbers are the plan's (see resolveIndex).
	planned planner.Table
	// ri caches whether writes concern a foreign key (constraint.go's
	// queueRI): 0 unknown, 1 no, 2 yes.
	ri uint8
	// mods counts the writes for pg_stat_user_tables and auto-analyze
	// (nil for read-only access).
	mods *modCount
}

// count adds writes to the transaction's counters.
func (a *tableAccess) count(ins, upd, del int64) {
	if m := a.mods; m != nil {
		m.ins += ins
		m.upd += upd
		m.del += del
	}
}

var _ eval.TableAccess = (*tableAccess)(nil)

// key encodes a row's storage key: its primary key, or a new hidden row
// id (newID) when the table has none.
func (a *tableAccess) key(row []types.Datum, newID bool) ([]byte, error) {
	if a.t.pk == nil {
		if !newID {
			return nil, errors.New("executor: table without primary key has no key for a row")
		}
		return codec.AppendInt(nil, a.t.rowid.Add(1)), nil
	}
	vals := make([]types.Datum, len(a.t.pk))
	for i, j := range a.t.pk {
		vals[i] = row[j]
	}
	return rowcodec.EncodeKey(nil, a.t.pkTypes, vals)
}

func (a *tableAccess) encode(row []types.Datum) ([]byte, error) {
	return rowcodec.EncodeRow(nil, a.t.types, row)
}

// Insert implements eval.TableAccess.
func (a *tableAccess) Insert(ctx context.Context, rows [][]types.Datum) error {
	for i, row := range rows {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := a.insertOne(ctx, row); err != nil {
			return err
		}
		a.queueRI(nil, row)
	}
	a.count(int64(len(rows)), 0, 0)
	return nil
}

func (a *tableAccess) insertOne(ctx context.Context, row []types.Datum) error {
	k, err := a.key(row, true)
	if err != nil {
		return err
	}
	v, err := a.encode(row)
	if err != nil {
		return err
	}
	if a.t.pk == nil {
		if err := a.tx.Put(a.t.tree, k, v); err != nil {
			return storageError(err)
		}
	} else if err := a.tx.Insert(ctx, a.t.tree, k, v); err != nil {
		if errors.Is(err, storage.ErrDuplicateKey) {
			return &conflictError{err: a.uniqueViolation(a.t.pkName, a.t.pk, row), index: 0, key: k}
		}
		return storageError(err)
	}
	return a.indexInsert(ctx, row, k)
}

// uniqueViolation is PostgreSQL's error for row's duplicate value of the
// unique key name over cols.
func (a *tableAccess) uniqueViolation(name string, cols []int, row []types.Datum) error {
	names := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, j := range cols {
		names[i] = a.t.cols[j].Name
		if row[j] == nil {
			vals[i] = "null"
		} else {
			vals[i] = string(types.AppendText(nil, a.t.types[j], row[j], a.s.FormatOpts()))
		}
	}
	return pgerror.New(pgerror.UniqueViolation, "duplicate key value violates unique constraint \"%s\"", name).
		WithDetail("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(vals, ", "))
}

// Scan implements eval.TableAccess.
func (a *tableAccess) Scan(ctx context.Context) (eval.KeyedRows, error) {
	it, err := a.tx.Scan(ctx, a.t.tree, nil, nil)
	if err != nil {
		return nil, storageError(err)
	}
	return &keyedRows{it: it, types: a.t.types}, nil
}

// Lock implements eval.TableAccess.
func (a *tableAccess) Lock(ctx context.Context, key string, share bool, wait planner.LockWait) ([]types.Datum, bool, bool, error) {
	mode, w := lock.Exclusive, lock.Block
	if share {
		mode = lock.Shared
	}
	switch wait {
	case planner.LockNoWait:
		w = lock.NoWait
	case planner.LockSkipLocked:
		w = lock.SkipLocked
	}
	v, exists, changed, err := a.tx.LockRow(ctx, a.t.tree, []byte(key), mode, w)
	switch {
	case errors.Is(err, lock.ErrSkip):
		return nil, false, false, eval.ErrSkipRow
	case errors.Is(err, lock.ErrNotAvailable):
		return nil, false, false, pgerror.New(pgerror.LockNotAvailable, "could not obtain lock on row in relation \"%s\"", a.t.name)
	case err != nil:
		return nil, false, false, storageError(err)
	}
	if !changed || !exists {
		return nil, exists, changed, nil
	}
	row, err := rowcodec.DecodeRow(a.t.types, v, nil)
	if err != nil {
		return nil, false, false, err
	}
	return row, true, true, nil
}

// Update implements eval.TableAccess.
func (a *tableAccess) Update(ctx context.Context, key string, old, row []types.Datum) error {
	a.queueRI(old, row)
	a.count(0, 1, 0)
	v, err := a.encode(row)
	if err != nil {
		return err
	}
	nk := []byte(key)
	if a.t.pk != nil {
		if nk, err = a.key(row, false); err != nil {
			return err
		}
		if string(nk) != key {
			// The primary key changed: the row moves.
			if err := a.tx.Delete(a.t.tree, []byte(key)); err != nil {
				return storageError(err)
			}
			if err := a.tx.Insert(ctx, a.t.tree, nk, v); err != nil {
				if errors.Is(err, storage.ErrDuplicateKey) {
					return a.uniqueViolation(a.t.pkName, a.t.pk, row)
				}
				return storageError(err)
			}
			return a.indexUpdate(ctx, old, row, []byte(key), nk)
		}
	}
	if err := a.tx.Put(a.t.tree, nk, v); err != nil {
		return storageError(err)
	}
	if len(a.t.indexes) == 0 {
		return nil
	}
	return a.indexUpdate(ctx, old, row, nk, nk)
}

// Delete implements eval.TableAccess.
func (a *tableAccess) Delete(ctx context.Context, key string, old []types.Datum) error {
	a.queueRI(old, nil)
	a.count(0, 0, 1)
	if err := a.tx.Delete(a.t.tree, []byte(key)); err != nil {
		return storageError(err)
	}
	return a.indexDelete(ctx, old, []byte(key))
}

// keyedRows decodes a storage scan.
type keyedRows struct {
	it    *storage.Iter
	types []*types.T
	want  []bool            // columns to decode (nil = all); eval.ColumnPruner
	dec   *rowcodec.Decoder // made at the first row, after Want
}

// Want implements eval.ColumnPruner.
func (r *keyedRows) Want(cols []bool) {
	if len(cols) == len(r.types) {
		r.want = cols
	}
}

func (r *keyedRows) Next() ([]types.Datum, error) {
	if !r.it.Next() {
		if err := r.it.Err(); err != nil {
			return nil, storageError(err)
		}
		return nil, io.EOF
	}
	if r.dec == nil {
		r.dec = rowcodec.NewDecoder(r.types, r.want)
	}
	return r.dec.Decode(r.it.Value(), nil)
}

// NextRaw implements eval.RawRows: the next row undecoded (a batched
// scan decodes it itself).
func (r *keyedRows) NextRaw() ([]byte, error) {
	if !r.it.Next() {
		if err := r.it.Err(); err != nil {
			return nil, storageError(err)
		}
		return nil, io.EOF
	}
	return r.it.Value(), nil
}

// ColumnTypes implements eval.RawRows.
func (r *keyedRows) ColumnTypes() []*types.T { return r.types }

// Key is made only when asked for: plain scans never need it, and the
// iterator's key stays valid until its next Next.
func (r *keyedRows) Key() string { return string(r.it.Key()) }
func (r *keyedRows) Close()      { r.it.Close() }

// storageError maps the storage engine's errors to PostgreSQL's.
func storageError(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, storage.ErrConcurrentUpdate), errors.Is(err, storage.ErrConcurrentDelete),
		errors.Is(err, storage.ErrSerialization):
		e := pgerror.New(pgerror.SerializationFailure, "%s", err.Error())
		if errors.Is(err, storage.ErrSerialization) {
			e = e.WithDetail("Reason code: Canceled on identification as a pivot, during commit attempt.").
				WithHint("The transaction might succeed if retried.")
		}
		return e
	case errors.Is(err, lock.ErrDeadlock):
		e := pgerror.New(pgerror.DeadlockDetected, "deadlock detected").WithHint("See server log for query details.")
		var de interface{ Detail() string }
		if errors.As(err, &de) {
			e = e.WithDetail("%s", de.Detail())
		}
		return e
	case errors.Is(err, lock.ErrNotAvailable):
		return pgerror.New(pgerror.LockNotAvailable, "could not obtain lock on row in relation")
	case errors.Is(err, storage.ErrSavepointDirect):
		return pgerror.New(pgerror.FeatureNotSupported, "%s", err.Error())
	case errors.Is(err, storage.ErrNoTree):
		return pgerror.New(pgerror.UndefinedTable, "relation does not exist (dropped concurrently)")
	}
	return ioError(err)
}

// ioError maps an I/O failure: a full disk is 53100 as in PostgreSQL, a
// page that fails its checksum XX001, anything else 58030. The engine
// refuses writes after a failed log write or sync (storage.ErrBroken), so
// nothing acknowledged can be lost behind the client's back.
func ioError(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return pgerror.New(pgerror.DiskFull, "could not write to file: No space left on device").
			WithDetail("%s", err.Error())
	case errors.Is(err, pager.ErrCorrupt):
		return pgerror.New(pgerror.DataCorrupted, "%s", err.Error())
	case errors.Is(err, bufpool.ErrPoolExhausted):
		return pgerror.New(pgerror.OutOfMemory, "out of shared memory").WithDetail("%s", err.Error()).
			WithHint("You might need to increase --buffer-pool.")
	case errors.Is(err, btree.ErrKeyTooLarge):
		return pgerror.New(pgerror.ProgramLimitExceeded, "index row size exceeds btree maximum, %d", btree.MaxKeySize).
			WithHint("Values larger than 1/4 of a buffer page cannot be indexed.")
	}
	return pgerror.New(pgerror.IOError, "%s", err.Error())
}

// PrimaryKey implements planner.KeyedTable.
func (t *tableDef) PrimaryKey() []int { return t.pk }

// lookupRows yields the one row a Lookup found, if any.
type lookupRows struct {
	types []*types.T
	key   string
	val   []byte
	done  bool
}

func (r *lookupRows) Next() ([]types.Datum, error) {
	if r.done || r.val == nil {
		return nil, io.EOF
	}
	r.done = true
	return rowcodec.DecodeRow(r.types, r.val, nil)
}

func (r *lookupRows) Key() string { return r.key }
func (r *lookupRows) Close()      { r.done = true }
