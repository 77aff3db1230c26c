package storage

import (
	"bytes"
	"context"

	"github.com/neuroquantumdb/nqdb/storage/btree"
)

// scanBatch is how many tree entries a scan reads per visit to the tree:
// the tree latch is held only while a batch is read, so a long scan never
// blocks commits for long (readers never block writers).
const scanBatch = 256

// scanArenaChunk is the size of the chunks a scan batch copies its
// entries into: a batch of typical rows takes two or three.
const scanArenaChunk = 16 << 10

// Iter walks the keys of a tree in [lo, hi) in ascending order, as the
// transaction sees them: its snapshot merged with its own writes.
//
// Contract: Next advances and reports whether there is an entry; Key and
// Value are valid until the next call to Next and must not be modified;
// after Next returns false, Err says whether the scan ended early. Close
// must be called (it is safe to call twice). An Iter belongs to one
// goroutine. Changes the transaction makes while iterating are not
// guaranteed to be seen (SQL statements read before they write).
type Iter struct {
	t      *Txn
	ctx    context.Context
	id     TreeID
	lo, hi []byte // hi nil = unbounded
	from   []byte // next key to read from (inclusive)
	buf    []kv
	i      int
	done   bool
	err    error
	k, v   []byte
	n      int
	// rev marks a descending scan (ScanReverse): upto is the exclusive
	// upper end of what is left to read (nil = unbounded).
	rev  bool
	upto []byte
	// batch is the size of the next batch fill reads: it starts small
	// and doubles up to scanBatch, so a scan that reads a few keys (a
	// key lookup per outer row of an index nested loop) does not
	// allocate a whole batch's buffers (see fillSize).
	batch int
	// cur is the tree cursor each fill positions (a value, so a fill
	// allocates none); fromBuf holds it.from after the first batch.
	cur     btree.Cursor
	fromBuf []byte
	// arena is the chunk the last fill copied entries into. Only Reseek
	// hands it to the next fill: within one scan each batch gets fresh
	// chunks (see fill), but a new seek ends the previous range, whose
	// entries no caller may hold any more.
	arena []byte
	spare []byte
}

// fillSize returns how many tree entries the next fill reads.
func (it *Iter) fillSize() int {
	if it.batch == 0 {
		it.batch = 16
	}
	n := it.batch
	it.batch = min(2*n, scanBatch)
	return n
}

type kv struct {
	k, v []byte
}

// Scan starts an ascending scan of [lo, hi); nil bounds are open.
func (t *Txn) Scan(ctx context.Context, id TreeID, lo, hi []byte) (*Iter, error) {
	if t.done {
		return nil, ErrTxnDone
	}
	if t.iso == Serializable {
		t.noteRead(id)
	}
	t.e.mu.RLock()
	_, err := t.tree(id)
	t.e.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return &Iter{t: t, ctx: ctx, id: id, lo: lo, hi: hi, from: lo}, nil
}

// Reseek restarts the iterator over [lo, hi) of the same tree, in the
// same direction and with the same context, reusing its buffers: a key
// lookup per outer row of a nested loop reseeks one Iter instead of
// opening a new scan each time. Entries read before the call are no
// longer valid. It may be called after Close; it returns ErrTxnDone when
// the transaction has ended.
func (it *Iter) Reseek(lo, hi []byte) error {
	t := it.t
	if t.done {
		return ErrTxnDone
	}
	if t.iso == Serializable {
		t.noteRead(it.id)
	}
	// The previous range's entries are dead now: the next fill may copy
	// into the last chunk again.
	it.spare, it.arena = it.arena[:0], nil
	it.lo, it.hi, it.from = lo, hi, lo
	it.buf, it.i = it.buf[:0], 0
	it.done, it.err = false, nil
	it.k, it.v = nil, nil
	it.batch = 0
	if it.rev {
		it.upto = hi
	}
	return nil
}

// Next advances to the next visible entry.
func (it *Iter) Next() bool {
	for {
		if it.i < len(it.buf) {
			it.k, it.v = it.buf[it.i].k, it.buf[it.i].v
			it.i++
			return true
		}
		if it.done || it.err != nil {
			return false
		}
		if it.n++; it.n%16 == 0 {
			if err := it.ctx.Err(); err != nil {
				it.err = err
				return false
			}
		}
		if it.rev {
			it.fillReverse()
		} else {
			it.fill()
		}
	}
}

// Key is the current entry's key.
func (it *Iter) Key() []byte { return it.k }

// Value is the current entry's value.
func (it *Iter) Value() []byte { return it.v }

// Err reports why the scan stopped early.
func (it *Iter) Err() error { return it.err }

// Close ends the scan.
func (it *Iter) Close() { it.buf, it.i, it.done = it.buf[:0], 0, true }

func (it *Iter) inRange(k []byte) bool { return it.hi == nil || bytes.Compare(k, it.hi) < 0 }

// fill reads the next batch: up to scanBatch tree entries from it.from,
// the history's deleted keys in the same key range, resolved against the
// snapshot, then the transaction's own writes over that range.
func (it *Iter) fill() {
	it.buf, it.i = it.buf[:0], 0
	t, e := it.t, it.t.e
	var last []byte // last key covered by this batch (nil = to it.hi)
	e.mu.RLock()
	ts, err := t.tree(it.id)
	if err != nil {
		e.mu.RUnlock()
		it.err = err
		return
	}
	size := it.fillSize()
	// The entry slice of the previous batch is dead (Next moved past
	// it), and whoever keeps entries copies the kv values out of it
	// (fillReverse), so it is reused.
	tree := it.buf[:0]
	if cap(tree) < size {
		tree = make([]kv, 0, size)
	}
	// The batch's keys and values are copied into a few shared chunks
	// rather than one allocation each (two per row were a tenth of a
	// TPC-H scan). Each batch gets fresh chunks, so entries stay valid
	// for whoever keeps them (fillReverse keeps its sub-scan's); only
	// the first batch after a Reseek reuses the last chunk (spare).
	arena := it.spare
	it.spare = nil
	c := &it.cur
	c.Reset(ts.bt)
	ok := false
	if it.from == nil {
		ok = c.First()
	} else {
		ok = c.SeekGE(it.from)
	}
	for ok && len(tree) < size {
		k := c.Key()
		if !it.inRange(k) {
			ok = false
			break
		}
		v, verr := c.Value()
		if verr != nil {
			err = verr
			break
		}
		n := len(k) + len(v)
		if cap(arena)-len(arena) < n {
			arena = make([]byte, 0, max(n, min(scanArenaChunk, size*128)))
		}
		it.arena = arena[:0]
		off := len(arena)
		arena = append(append(arena, k...), v...)
		tree = append(tree, kv{k: arena[off : off+len(k) : off+len(k)], v: arena[off+len(k) : off+n : off+n]})
		ok = c.Next()
	}
	if err == nil {
		err = c.Err()
	}
	c.Close()
	if err != nil {
		e.mu.RUnlock()
		it.err = err
		return
	}
	exhausted := !ok || len(tree) < size
	if !exhausted {
		last = tree[len(tree)-1].k
	}
	merged := tree
	// With no history (no commit changed the tree since the oldest
	// snapshot began) every tree entry is what the snapshot sees and no
	// deleted key is left to add: the common case skips the merge.
	if ts.pending == 0 && ts.hasHistory() {
		// Resolve each tree entry against the snapshot, and add keys
		// deleted after it.
		merged = make([]kv, 0, len(tree))
		var dels []kv
		lo := string(it.from)
		ts.deleted.AscendGreaterOrEqual(lo, func(k string) bool {
			if last != nil && k > string(last) {
				return false
			}
			if !it.inRange([]byte(k)) {
				return false
			}
			if v, found := ts.visible(k, nil, false, t.snap); found {
				dels = append(dels, kv{k: []byte(k), v: v})
			}
			return true
		})
		j := 0
		for _, x := range tree {
			for j < len(dels) && bytes.Compare(dels[j].k, x.k) < 0 {
				merged = append(merged, dels[j])
				j++
			}
			if v, found := ts.visible(string(x.k), x.v, true, t.snap); found {
				merged = append(merged, kv{k: x.k, v: v})
			}
		}
		merged = append(merged, dels[j:]...)
	}
	e.mu.RUnlock()

	// Overlay the transaction's own writes in [from, last].
	if w := t.writes[it.id]; w != nil && w.Len() > 0 {
		var own []*wentry
		visit := func(x *wentry) bool {
			if last != nil && x.key > string(last) {
				return false
			}
			if !it.inRange([]byte(x.key)) {
				return false
			}
			own = append(own, x)
			return true
		}
		if it.from == nil {
			w.Ascend(visit)
		} else {
			w.AscendGreaterOrEqual(&wentry{key: string(it.from)}, visit)
		}
		if len(own) > 0 {
			out := make([]kv, 0, len(merged)+len(own))
			j := 0
			for _, x := range merged {
				for j < len(own) && own[j].key < string(x.k) {
					if !own[j].del {
						out = append(out, kv{k: []byte(own[j].key), v: own[j].val})
					}
					j++
				}
				if j < len(own) && own[j].key == string(x.k) {
					if !own[j].del {
						out = append(out, kv{k: x.k, v: own[j].val})
					}
					j++
					continue
				}
				out = append(out, x)
			}
			for ; j < len(own); j++ {
				if !own[j].del {
					out = append(out, kv{k: []byte(own[j].key), v: own[j].val})
				}
			}
			merged = out
		}
	}
	it.buf = merged
	if exhausted {
		it.done = true
	} else {
		// Continue after last: the smallest key greater than it.
		it.fromBuf = append(append(it.fromBuf[:0], last...), 0)
		it.from = it.fromBuf
	}
}

// LastKey returns the greatest key of the tree in the latest committed
// state together with the transaction's own writes (used to continue
// hidden row ids after a restart).
func (t *Txn) LastKey(id TreeID) ([]byte, bool, error) {
	e := t.e
	e.mu.RLock()
	ts, err := t.tree(id)
	if err != nil {
		e.mu.RUnlock()
		return nil, false, err
	}
	c := ts.bt.Cursor()
	var k []byte
	found := c.Last()
	if found {
		k = bytes.Clone(c.Key())
	}
	err = c.Err()
	c.Close()
	e.mu.RUnlock()
	if err != nil {
		return nil, false, err
	}
	if w := t.writes[id]; w != nil {
		if m, ok := w.Max(); ok && !m.del && (!found || m.key > string(k)) {
			k, found = []byte(m.key), true
		}
	}
	return k, found, nil
}
