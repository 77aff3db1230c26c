package executor

import (
	"context"
	"errors"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// conflictError is a unique violation with what INSERT ... ON CONFLICT
// needs to find the row in the way: which unique key (0 = the primary
// key, i = index i-1 in the table's list) and its key in that tree.
type conflictError struct {
	err   error
	index int
	key   []byte
	ix    *indexDef // nil for the primary key
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// PrimaryKeyName implements planner.PKNamed.
func (t *tableDef) PrimaryKeyName() string { return t.pkName }

// Upsert implements eval.TableAccess: INSERT ... ON CONFLICT for one row.
// The row is inserted as usual; when that violates a unique key, what the
// attempt wrote is undone (a savepoint of the storage transaction) and,
// if the key is the arbiter (or any key with arbiter -1), the existing row
// is locked and resolve decides what becomes of it: a row to update it to,
// or nil to leave it. A row deleted between the conflict and the lock is
// retried as an insert, as PostgreSQL's speculative insertion retries.
func (a *tableAccess) Upsert(ctx context.Context, row []types.Datum, arbiter int,
	resolve func(existing []types.Datum) ([]types.Datum, error)) (written []types.Datum, key string, inserted bool, err error) {
	for attempt := 0; ; attempt++ {
		mark := a.tx.Savepoint()
		err := a.insertOne(ctx, row)
		if err == nil {
			a.queueRI(nil, row)
			return row, "", true, nil
		}
		var ce *conflictError
		if !errors.As(err, &ce) {
			return nil, "", false, err
		}
		if rerr := a.tx.RollbackTo(mark); rerr != nil {
			return nil, "", false, storageError(rerr)
		}
		if arbiter >= 0 && ce.index != arbiter {
			return nil, "", false, ce.err
		}
		if resolve == nil {
			// DO NOTHING. Above READ COMMITTED, a conflicting row the
			// snapshot cannot see is a serialization failure, as in
			// PostgreSQL (ExecCheckTIDVisible).
			if a.tx.Isolation() != storage.ReadCommitted {
				tree := a.t.tree
				if ce.ix != nil {
					tree = ce.ix.tree
				}
				if _, visible, err := a.tx.Get(tree, ce.key); err != nil {
					return nil, "", false, storageError(err)
				} else if !visible {
					return nil, "", false, pgerror.New(pgerror.SerializationFailure, "could not serialize access due to concurrent update")
				}
			}
			return nil, "", false, nil
		}
		rowKey := ce.key
		if ce.ix != nil {
			// A unique index entry names the row by its value.
			v, exists, _, err := a.tx.LockRow(ctx, ce.ix.tree, ce.key, lock.Shared, lock.Block)
			if err != nil {
				return nil, "", false, storageError(err)
			}
			if !exists {
				if attempt < 8 {
					continue
				}
				return nil, "", false, ce.err
			}
			rowKey = v
		}
		existing, exists, err := a.lockLatest(ctx, rowKey)
		if err != nil {
			return nil, "", false, err
		}
		if !exists {
			if attempt < 8 {
				continue
			}
			return nil, "", false, ce.err
		}
		newRow, err := resolve(existing)
		if err != nil || newRow == nil {
			return nil, "", false, err
		}
		if err := a.Update(ctx, string(rowKey), existing, newRow); err != nil {
			return nil, "", false, err
		}
		return newRow, string(rowKey), false, nil
	}
}

// lockLatest locks the row stored under key and returns its newest
// committed (or own) version. Under REPEATABLE READ and SERIALIZABLE a
// version newer than the snapshot is 40001, as PostgreSQL reports for ON
// CONFLICT DO UPDATE.
func (a *tableAccess) lockLatest(ctx context.Context, key []byte) ([]types.Datum, bool, error) {
	v, exists, changed, err := a.tx.LockRow(ctx, a.t.tree, key, lock.Exclusive, lock.Block)
	if err != nil {
		return nil, false, storageError(err)
	}
	if !exists {
		return nil, false, nil
	}
	if !changed {
		var found bool
		if v, found, err = a.tx.Get(a.t.tree, key); err != nil {
			return nil, false, storageError(err)
		} else if !found {
			return nil, false, pgerror.New(pgerror.InternalError, "row locked for ON CONFLICT is not visible")
		}
	}
	row, err := rowcodec.DecodeRow(a.t.types, v, nil)
	return row, err == nil, err
}
