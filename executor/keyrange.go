package executor

import (
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
)

// Key ranges. A KeyRange becomes one or more spans [lo, hi) of encoded
// keys, built only by encoding datums (the codec escapes bytes, so no
// bound is made by editing encoded text except prefixEnd, which works on
// whole encoded values: the codec's encodings are prefix-free, so every
// key whose column value is above v is at or above prefixEnd(enc(v))).
//
//	col >= v   lo = enc(eq, v)             col <= v   hi = prefixEnd(enc(eq, v))
//	col >  v   lo = prefixEnd(enc(eq, v))  col <  v   hi = enc(eq, v)
//	no lower   lo = enc(eq)                no upper   hi = enc(eq, NULL)
//
// NULLs sort last, so the default upper bound enc(eq, NULL) leaves them
// out (a comparison with NULL is never true). Several bounds of one side
// keep the tightest: the greatest lo, the least hi. An IN list is one
// span per distinct encoded value, in key order.

// span is one key range [lo, hi) (nil = open); point marks a whole
// primary key, read with one Get.
type span struct {
	lo, hi []byte
	point  bool
}

// Lookup implements eval.TableAccess: a point read by primary key, or
// key ranges of the primary key or of a secondary index.
func (a *tableAccess) Lookup(ctx context.Context, index int, r *eval.KeyRange) (eval.KeyedRows, error) {
	if rows, ok, err := a.lookupIndexOnly(ctx, index, r); ok {
		return rows, err
	}
	var (
		ix       *indexDef
		keyTypes = a.t.pkTypes
		tree     = a.t.tree
	)
	if index > 0 {
		if ix = a.resolveIndex(a.planned, index); ix == nil {
			// Dropped since the plan was made. A scan of the table
			// would not do: the plan left out the filter conjuncts the
			// index condition enforced (planner/keyfilter.go).
			return nil, errIndexGone(a.t.name)
		}
		keyTypes, tree = ix.types, ix.tree
	} else if a.t.pk == nil {
		return a.Scan(ctx)
	}
	spans, err := keySpans(keyTypes, r, index == 0)
	if err != nil {
		return nil, err
	}
	if spans == nil {
		return a.Scan(ctx)
	}
	if r.Reverse {
		slices.Reverse(spans)
	}
	if len(spans) == 1 {
		return a.openSpan(ctx, ix, tree, spans[0], r.Reverse)
	}
	return &spanRows{a: a, ctx: ctx, ix: ix, tree: tree, spans: spans, reverse: r.Reverse}, nil
}

// keySpans encodes r over a key of keyTypes (primary tells whether a
// whole key names one row). It returns nil when r does not fit the key
// (a full scan then does), and an empty non-nil slice when no key can
// match.
func keySpans(keyTypes []*types.T, r *eval.KeyRange, primary bool) ([]span, error) {
	ranged := r.In != nil || len(r.Lower)+len(r.Upper) > 0
	n := len(r.Eq)
	if ranged {
		n++
	}
	if n > len(keyTypes) {
		return nil, nil
	}
	prefix, err := rowcodec.EncodeKey(make([]byte, 0, 16*n), keyTypes[:len(r.Eq)], r.Eq)
	if err != nil {
		return nil, err
	}
	if !ranged {
		if primary && len(r.Eq) == len(keyTypes) {
			return []span{{lo: prefix, point: true}}, nil
		}
		return []span{{lo: prefix, hi: prefixEnd(prefix)}}, nil
	}
	col := keyTypes[len(r.Eq) : len(r.Eq)+1]
	enc := func(v types.Datum) ([]byte, error) {
		return rowcodec.EncodeKey(slices.Clip(prefix), col, []types.Datum{v})
	}
	if r.In != nil {
		keys := make([][]byte, 0, len(r.In))
		for _, v := range r.In {
			k, err := enc(v)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		slices.SortFunc(keys, bytes.Compare)
		keys = slices.CompactFunc(keys, bytes.Equal)
		point := primary && n == len(keyTypes)
		spans := make([]span, len(keys))
		for i, k := range keys {
			spans[i] = span{lo: k, hi: prefixEnd(k), point: point}
		}
		return spans, nil
	}
	lo := prefix
	for _, b := range r.Lower {
		k, err := enc(b.Value)
		if err != nil {
			return nil, err
		}
		if !b.Inclusive {
			k = prefixEnd(k)
		}
		if bytes.Compare(k, lo) > 0 {
			lo = k
		}
	}
	hi := codec.AppendNull(slices.Clip(prefix))
	for _, b := range r.Upper {
		k, err := enc(b.Value)
		if err != nil {
			return nil, err
		}
		if b.Inclusive {
			k = prefixEnd(k)
		}
		if bytes.Compare(k, hi) < 0 {
			hi = k
		}
	}
	if bytes.Compare(lo, hi) >= 0 {
		return []span{}, nil
	}
	return []span{{lo: lo, hi: hi}}, nil
}

// openSpan reads one span of the primary key (ix nil) or of index ix.
func (a *tableAccess) openSpan(ctx context.Context, ix *indexDef, tree storage.TreeID, sp span, reverse bool) (eval.KeyedRows, error) {
	if sp.point {
		r := &lookupRows{types: a.t.types}
		v, found, err := a.tx.Get(tree, sp.lo)
		if err != nil {
			return nil, storageError(err)
		}
		if found {
			r.key, r.val = string(sp.lo), v
		}
		return r, nil
	}
	lo := sp.lo
	if len(lo) == 0 {
		lo = nil
	}
	var (
		it  *storage.Iter
		err error
	)
	if reverse {
		it, err = a.tx.ScanReverse(ctx, tree, lo, sp.hi)
	} else {
		it, err = a.tx.Scan(ctx, tree, lo, sp.hi)
	}
	if err != nil {
		return nil, storageError(err)
	}
	if ix == nil {
		return &keyedRows{it: it, types: a.t.types}, nil
	}
	return &indexRows{a: a, it: it, types: a.t.types}, nil
}

// spanRows reads several spans in turn (an IN list), opening each when
// the one before is done.
type spanRows struct {
	a       *tableAccess
	ctx     context.Context
	ix      *indexDef
	tree    storage.TreeID
	spans   []span
	reverse bool
	cur     eval.KeyedRows
	key     string
}

func (r *spanRows) Next() ([]types.Datum, error) {
	for {
		if r.cur == nil {
			if len(r.spans) == 0 {
				return nil, io.EOF
			}
			cur, err := r.a.openSpan(r.ctx, r.ix, r.tree, r.spans[0], r.reverse)
			if err != nil {
				return nil, err
			}
			r.cur, r.spans = cur, r.spans[1:]
		}
		row, err := r.cur.Next()
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		r.key = r.cur.Key()
		return row, nil
	}
}

func (r *spanRows) Key() string { return r.key }

func (r *spanRows) Close() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	r.spans = nil
}

// errIndexGone is the error of a statement whose plan reads an index
// that a concurrent DROP INDEX removed after the plan was made
// (PostgreSQL's locks make it wait instead; running it again plans it
// without the index).
func errIndexGone(table string) error {
	return pgerror.New(pgerror.InternalError, "an index of relation %q was dropped after the statement was planned", table).
		WithHint("Run the statement again.")
}
