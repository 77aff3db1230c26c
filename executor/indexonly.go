package executor

import (
	"context"
	"io"
	"slices"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Index-only scans (planner/indexonly.go). An index entry's key starts
// with the indexed columns' key encodings and its value is the row's
// storage key, the primary key's encoding when the table has one (see
// index.go), so the rows of a scan that reads only those columns are
// decoded from the entries and the table's tree is never read.
//
// No visibility map is needed (PostgreSQL's Heap Fetches): index entries
// are versioned like rows by the storage engine, so the transaction's
// scan of the index sees exactly the entries of the rows its snapshot
// sees, its own writes included.

// lookupIndexOnly serves Lookup for a key range that asks for an
// index-only read of secondary index index; ok is false when it cannot
// (the primary key, or an index dropped since the plan was made), and
// Lookup then reads rows as usual.
func (a *tableAccess) lookupIndexOnly(ctx context.Context, index int, r *eval.KeyRange) (rows eval.KeyedRows, ok bool, err error) {
	if !r.IndexOnly || index <= 0 {
		return nil, false, nil
	}
	ix := a.resolveIndex(a.planned, index)
	if ix == nil {
		return nil, false, nil
	}
	spans, err := keySpans(ix.types, r, false)
	if err != nil {
		return nil, true, err
	}
	if spans == nil {
		// The range does not fit the key: read the whole index (the
		// filter above re-checks every row).
		spans = []span{{}}
	}
	if r.Reverse {
		slices.Reverse(spans)
	}
	out := &indexOnlyRows{a: a, ctx: ctx, ix: ix, spans: spans, reverse: r.Reverse, ncols: len(a.t.types)}
	return out, true, nil
}

// indexOnlyRows reads the entries of an index's key spans in turn and
// decodes rows from them: the indexed columns from the key, the primary
// key's columns from the value; every other column is NULL (the plan
// reads none of them).
type indexOnlyRows struct {
	a       *tableAccess
	ctx     context.Context
	ix      *indexDef
	spans   []span
	reverse bool
	it      *storage.Iter
	ncols   int
	want    []bool // eval.ColumnPruner; nil = all
	// lastIx is one past the last index column to decode; needPK says
	// whether the primary key columns are read from the value.
	lastIx  int
	needPK  bool
	planned bool
	chunk   []types.Datum // rows are cut from it, 64 at a time
	closed  bool
}

// Want implements eval.ColumnPruner.
func (r *indexOnlyRows) Want(cols []bool) {
	if len(cols) == r.ncols {
		r.want = cols
	}
}

// plan works out, once, which parts of an entry to decode, and checks
// that the entry holds every wanted column.
func (r *indexOnlyRows) plan() error {
	r.planned = true
	t := r.a.t
	have := make([]bool, r.ncols)
	for i, c := range r.ix.cols {
		if r.wanted(c) {
			r.lastIx = i + 1
		}
		have[c] = true
	}
	for _, c := range t.pk {
		if r.wanted(c) && !slices.Contains(r.ix.cols, c) {
			r.needPK = true
		}
		have[c] = true
	}
	for c := 0; c < r.ncols; c++ {
		if r.wanted(c) && !have[c] {
			return pgerror.New(pgerror.InternalError, "index-only scan of index \"%s\" needs column %d, which it does not hold", r.ix.name, c+1)
		}
	}
	return nil
}

func (r *indexOnlyRows) wanted(c int) bool { return r.want == nil || (c < len(r.want) && r.want[c]) }

func (r *indexOnlyRows) Next() ([]types.Datum, error) {
	if r.closed {
		return nil, io.EOF
	}
	if !r.planned {
		if err := r.plan(); err != nil {
			return nil, err
		}
	}
	for {
		if r.it == nil {
			if len(r.spans) == 0 {
				return nil, io.EOF
			}
			sp := r.spans[0]
			r.spans = r.spans[1:]
			lo := sp.lo
			if len(lo) == 0 {
				lo = nil
			}
			var err error
			if r.reverse {
				r.it, err = r.a.tx.ScanReverse(r.ctx, r.ix.tree, lo, sp.hi)
			} else {
				r.it, err = r.a.tx.Scan(r.ctx, r.ix.tree, lo, sp.hi)
			}
			if err != nil {
				return nil, storageError(err)
			}
		}
		if r.it.Next() {
			return r.decode(r.it.Key(), r.it.Value())
		}
		err := r.it.Err()
		r.it.Close()
		r.it = nil
		if err != nil {
			return nil, storageError(err)
		}
	}
}

// decode builds the row of one entry.
func (r *indexOnlyRows) decode(key, val []byte) ([]types.Datum, error) {
	if len(r.chunk) < r.ncols {
		r.chunk = make([]types.Datum, 64*max(r.ncols, 1))
	}
	row := r.chunk[:r.ncols:r.ncols]
	r.chunk = r.chunk[r.ncols:]
	b := key
	for i := 0; i < r.lastIx; i++ {
		c := r.ix.cols[i]
		k, v, rest, err := codec.DecodeNext(b)
		if err != nil {
			return nil, pgerror.New(pgerror.DataCorrupted, "index \"%s\": %v", r.ix.name, err)
		}
		b = rest
		if r.wanted(c) {
			if row[c], err = keyDatum(r.ix.types[i], k, v); err != nil {
				return nil, err
			}
		}
	}
	if r.needPK {
		b = val
		for i, c := range r.a.t.pk {
			k, v, rest, err := codec.DecodeNext(b)
			if err != nil {
				return nil, pgerror.New(pgerror.DataCorrupted, "index \"%s\": row key: %v", r.ix.name, err)
			}
			b = rest
			if r.wanted(c) && row[c] == nil {
				if row[c], err = keyDatum(r.a.t.pkTypes[i], k, v); err != nil {
					return nil, err
				}
			}
		}
	}
	return row, nil
}

// Key implements eval.KeyedRows: the entry's value is the row's key.
func (r *indexOnlyRows) Key() string {
	if r.it == nil {
		return ""
	}
	return string(r.it.Value())
}

func (r *indexOnlyRows) Close() {
	r.closed = true
	if r.it != nil {
		r.it.Close()
		r.it = nil
	}
	r.spans = nil
}

// keyDatum turns a decoded key value of a column of type t back into the
// datum that was encoded (for the types planner.KeyDecodable accepts).
func keyDatum(t *types.T, k codec.Kind, v any) (types.Datum, error) {
	if k == codec.KindNull {
		return nil, nil
	}
	bt := types.BaseType(t)
	switch k {
	case codec.KindInt:
		i := v.(int64)
		switch bt.OID {
		case types.OidBool:
			return i != 0, nil
		case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid:
			return v, nil // already an int64 datum: no second allocation
		case types.OidDate:
			return types.DateVal(int32(i)), nil
		case types.OidTime:
			return types.TimeOfDay(i), nil
		case types.OidTimestamp:
			return types.TimestampVal(i), nil
		case types.OidTimestampTZ:
			return types.TimestampTZVal(i), nil
		}
	case codec.KindBytes:
		b := v.([]byte)
		switch bt.OID {
		case types.OidText, types.OidVarchar, types.OidName, types.OidChar:
			return string(b), nil
		case types.OidBytea:
			return b, nil
		case types.OidUUID:
			var u types.UUIDVal
			if len(b) != len(u) {
				break
			}
			copy(u[:], b)
			return u, nil
		}
	}
	return nil, pgerror.New(pgerror.DataCorrupted, "index key of type %s holds a %s value", t.SQLName, k)
}
