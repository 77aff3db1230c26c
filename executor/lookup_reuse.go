package executor

import (
	"context"
	"io"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Key lookups that run again. An index nested loop looks a key up for
// every outer row; opening a new lookup each time (key encoding, a
// storage iterator, its batch buffers, the fetched row's copy) cost more
// than the read itself. Relookup runs the next lookup in the rows of the
// previous one: the encoded bounds go into the same scratch, the storage
// iterator is re-seeked (storage.Iter.Reseek), a point read or an index
// entry's row is fetched into one reused buffer (Txn.GetAppend), and the
// rows hand out their encoding (eval.RawRows) so that the scan above
// decodes only the columns it needs into its own reused memory.

var _ eval.Relooker = (*tableAccess)(nil)

// Relookup implements eval.Relooker: Lookup, reusing prev (rows an
// earlier Lookup or Relookup of this access returned; nil for none) when
// it is closed and the range is one span. Other ranges (IN lists,
// index-only reads, a dropped index) take Lookup.
func (a *tableAccess) Relookup(ctx context.Context, index int, r *eval.KeyRange, prev eval.KeyedRows) (eval.KeyedRows, error) {
	if r.IndexOnly || r.In != nil {
		return a.Lookup(ctx, index, r)
	}
	var (
		ix       *indexDef
		keyTypes = a.t.pkTypes
		tree     = a.t.tree
	)
	if index > 0 {
		if ix = a.resolveIndex(a.planned, index); ix == nil {
			return a.Lookup(ctx, index, r)
		}
		keyTypes, tree = ix.types, ix.tree
	} else if a.t.pk == nil {
		return a.Lookup(ctx, index, r)
	}
	rr, _ := prev.(*relookRows)
	if rr == nil || !rr.closed || rr.a != a {
		rr = &relookRows{a: a, types: a.t.types}
	}
	rr.closed, rr.found = false, false
	rr.ix, rr.tree = ix, tree
	ranged := len(r.Lower)+len(r.Upper) > 0
	if !ranged {
		if len(r.Eq) > len(keyTypes) {
			return a.Lookup(ctx, index, r)
		}
		lo, err := rowcodec.EncodeKey(rr.lo[:0], keyTypes[:len(r.Eq)], r.Eq)
		if err != nil {
			return nil, err
		}
		rr.lo = lo
		if ix == nil && len(r.Eq) == len(keyTypes) {
			// A whole primary key: one Get, no iterator.
			rr.point = true
			v, found, err := a.tx.GetAppend(tree, lo, rr.val[:0])
			if err != nil {
				return nil, storageError(err)
			}
			if found {
				rr.val, rr.found = v, true
			}
			return rr, nil
		}
		rr.hi = appendPrefixEnd(rr.hi[:0], lo)
		if len(rr.hi) == 0 {
			rr.hi = nil
		}
		if len(lo) == 0 {
			lo = nil
		}
		return rr, rr.seek(ctx, lo, rr.hi, r.Reverse)
	}
	spans, err := keySpans(keyTypes, r, index == 0)
	if err != nil {
		return nil, err
	}
	if len(spans) != 1 || spans[0].point {
		return a.Lookup(ctx, index, r)
	}
	lo := spans[0].lo
	if len(lo) == 0 {
		lo = nil
	}
	return rr, rr.seek(ctx, lo, spans[0].hi, r.Reverse)
}

// appendPrefixEnd appends prefixEnd(p) to dst (nothing when p is all
// 0xff: no upper bound).
func appendPrefixEnd(dst, p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			dst = append(dst, p[:i+1]...)
			dst[len(dst)-1]++
			return dst
		}
	}
	return dst
}

// relookRows is one key lookup's rows: a point read of the primary key,
// or a span of the primary key or of secondary index ix, whose entries
// name the rows to fetch. Relookup reuses it for the next lookup once it
// is closed.
type relookRows struct {
	a     *tableAccess
	types []*types.T
	ix    *indexDef // nil: the primary key
	tree  storage.TreeID
	// point: one Get read the row into val (found); else it reads the
	// span.
	point, found bool
	it           *storage.Iter
	rev          bool // it scans backwards
	lo, hi       []byte
	val          []byte // the point read's row, or the fetched row of an index entry
	key          []byte // the current row's primary key (aliases lo, it or val's source)
	closed       bool
	want         []bool
	dec          *rowcodec.Decoder
}

var (
	_ eval.RawRows      = (*relookRows)(nil)
	_ eval.ColumnPruner = (*relookRows)(nil)
)

// seek points the rows' iterator at [lo, hi), opening it on first use
// or when the direction changes.
func (r *relookRows) seek(ctx context.Context, lo, hi []byte, reverse bool) error {
	r.point = false
	if r.it != nil && r.rev == reverse {
		if err := r.it.Reseek(lo, hi); err != nil {
			return storageError(err)
		}
		return nil
	}
	var err error
	if reverse {
		r.it, err = r.a.tx.ScanReverse(ctx, r.tree, lo, hi)
	} else {
		r.it, err = r.a.tx.Scan(ctx, r.tree, lo, hi)
	}
	r.rev = reverse
	return storageError(err)
}

// NextRaw implements eval.RawRows.
func (r *relookRows) NextRaw() ([]byte, error) {
	if r.closed {
		return nil, io.EOF
	}
	if r.point {
		if !r.found {
			return nil, io.EOF
		}
		r.found = false
		r.key = r.lo
		return r.val, nil
	}
	for r.it.Next() {
		if r.ix == nil {
			r.key = r.it.Key()
			return r.it.Value(), nil
		}
		// An index entry's value is the row's primary key.
		rowKey := r.it.Value()
		v, found, err := r.a.tx.GetAppend(r.a.t.tree, rowKey, r.val[:0])
		if err != nil {
			return nil, storageError(err)
		}
		if !found {
			// The snapshot sees index and table alike, so this does not
			// happen; skipping is the safe answer if it ever does.
			continue
		}
		r.val, r.key = v, rowKey
		return v, nil
	}
	if err := r.it.Err(); err != nil {
		return nil, storageError(err)
	}
	return nil, io.EOF
}

// Next implements eval.Rows: the next row decoded (only the wanted
// columns when Want was called).
func (r *relookRows) Next() ([]types.Datum, error) {
	b, err := r.NextRaw()
	if err != nil {
		return nil, err
	}
	if r.dec == nil {
		r.dec = rowcodec.NewDecoder(r.types, r.want)
	}
	return r.dec.Decode(b, nil)
}

// Want implements eval.ColumnPruner.
func (r *relookRows) Want(cols []bool) {
	if len(cols) != len(r.types) {
		return
	}
	if r.dec != nil && !sameBools(cols, r.want) {
		r.dec = nil
	}
	r.want = cols
}

func sameBools(a, b []bool) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ColumnTypes implements eval.RawRows.
func (r *relookRows) ColumnTypes() []*types.T { return r.types }

// Key implements eval.KeyedRows: the current row's primary key.
func (r *relookRows) Key() string { return string(r.key) }

// Close implements eval.Rows; the rows stay reusable by Relookup.
func (r *relookRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.it != nil {
		r.it.Close()
	}
}

// NextRaw implements eval.RawRows for an index scan: the next entry's
// row, fetched into a buffer reused for every row, undecoded (the scan
// above decodes only the columns it needs).
func (r *indexRows) NextRaw() ([]byte, error) {
	for r.it.Next() {
		rowKey := r.it.Value()
		v, found, err := r.a.tx.GetAppend(r.a.t.tree, rowKey, r.val[:0])
		if err != nil {
			return nil, storageError(err)
		}
		if !found {
			continue // as in Next
		}
		r.val, r.key = v, string(rowKey)
		return v, nil
	}
	if err := r.it.Err(); err != nil {
		return nil, storageError(err)
	}
	return nil, io.EOF
}

// ColumnTypes implements eval.RawRows.
func (r *indexRows) ColumnTypes() []*types.T { return r.types }
