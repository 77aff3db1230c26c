package eval

import (
	"errors"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ErrSkipRow is what TableAccess.Lock returns under SKIP LOCKED for a row
// another transaction holds: the row is left out.
var ErrSkipRow = errors.New("eval: row is locked; skipped")

// lockIter is planner.LockRows: it locks each input row in turn, as it is
// pulled, so LIMIT above it stops the locking.
type lockIter struct {
	c   *evalCtx
	in  iterator
	n   *planner.LockRows
	acc TableAccess
}

func (it *lockIter) next() ([]types.Datum, error) {
	if it.acc == nil {
		st, ok := it.c.env.(Store)
		var acc TableAccess
		var err error
		if ok {
			acc, ok, err = st.Access(it.c.ctx, it.n.Table, false)
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot lock rows in relation \"%s\"", it.n.Table.Name())
		}
		it.acc = acc
	}
	for {
		row, err := it.in.next()
		if err != nil {
			return nil, err
		}
		key, _ := row[it.n.KeyCol].([]byte)
		latest, exists, changed, err := it.acc.Lock(it.c.ctx, string(key), it.n.Share, it.n.Wait)
		if errors.Is(err, ErrSkipRow) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !changed {
			return row, nil
		}
		if !exists {
			continue // deleted meanwhile
		}
		// READ COMMITTED: the row changed after the snapshot. As
		// PostgreSQL's EvalPlanQual, check the condition on the newest
		// version and return that version.
		full := append(latest, key)
		ok, err := it.c.matches(it.n.Where, full)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		return it.c.evalList(it.n.Exprs, full)
	}
}

func (it *lockIter) close() { it.in.close() }

// keyRows appends each row's key (bytea) after its columns, for a scan
// under LockRows.
type keyRows struct{ KeyedRows }

func (r keyRows) Next() ([]types.Datum, error) {
	row, err := r.KeyedRows.Next()
	if err != nil {
		return nil, err
	}
	return append(row, []byte(r.Key())), nil
}
