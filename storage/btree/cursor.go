package btree

import (
	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// Cursor iterates over a tree in key order, in both directions.
//
// Contract:
//   - A new cursor is unpositioned (Valid is false). First, Last, SeekGE
//     and SeekLE position it; they, Next and Prev report whether it now
//     stands on an entry (same as Valid).
//   - Next or Prev moving past either end leaves the cursor invalid, and
//     further Next/Prev calls return false; reposition with a seek.
//   - Key and Value alias pages pinned by the cursor (or a cursor buffer
//     for overflow values): valid until the cursor moves or is closed.
//   - An I/O or corruption error makes the cursor invalid; Err returns it
//     until the next positioning call.
//   - The cursor pins exactly the pages on its path from the root, so it
//     must be closed, and it must not be open while the tree is written.
//   - A cursor is used by one goroutine; several cursors and Gets may read
//     the same tree concurrently.
type Cursor struct {
	bp    *bufpool.Pool
	t     *Tree
	stack []level
	valid bool
	err   error
	vbuf  []byte
}

type level struct {
	f *bufpool.Frame
	i int
}

// Cursor returns a new, unpositioned cursor.
func (t *Tree) Cursor() *Cursor {
	return &Cursor{bp: t.bp, t: t, stack: make([]level, 0, 8)}
}

// Reset closes the cursor and binds it to tree t, unpositioned, keeping
// its buffers: a caller that seeks often (a scan per outer row of a
// nested loop) keeps one Cursor value, even a zero one, instead of
// allocating one per seek.
func (c *Cursor) Reset(t *Tree) {
	c.Close()
	c.err = nil
	c.bp, c.t = t.bp, t
	if c.stack == nil {
		c.stack = make([]level, 0, 8)
	}
}

// Valid reports whether the cursor stands on an entry.
func (c *Cursor) Valid() bool { return c.valid }

// Err returns the error that invalidated the cursor, if any.
func (c *Cursor) Err() error { return c.err }

// Close unpins every page the cursor holds. The cursor may be positioned
// again afterwards.
func (c *Cursor) Close() {
	c.release()
	c.valid = false
}

func (c *Cursor) release() {
	for i := range c.stack {
		c.bp.Unpin(c.stack[i].f)
		c.stack[i].f = nil
	}
	c.stack = c.stack[:0]
}

func (c *Cursor) fail(err error) bool {
	c.release()
	c.err = err
	c.valid = false
	return false
}

func (c *Cursor) reset() {
	c.release()
	c.err = nil
	c.valid = false
}

// How descend picks the index in each node.
type pickMode uint8

const (
	pickFirst pickMode = iota // leftmost child / first entry
	pickLast                  // rightmost child / last entry
	pickGE                    // child holding key / first entry >= key
	pickLE                    // child holding key / last entry <= key
)

func pick(n node, leaf bool, mode pickMode, key []byte) int {
	switch mode {
	case pickFirst:
		return 0
	case pickLast:
		if leaf {
			return n.count() - 1
		}
		return n.count()
	}
	if !leaf {
		return n.childIndex(key)
	}
	i, found := n.search(key)
	if mode == pickLE && !found {
		i--
	}
	return i
}

// push pins page no and pushes it with the index chosen by mode.
func (c *Cursor) push(no pager.PageNo, mode pickMode, key []byte) (node, bool, error) {
	if len(c.stack) > 64 {
		return nil, false, corruptf(no, "tree deeper than 64 levels")
	}
	f, err := c.bp.Get(no)
	if err != nil {
		return nil, false, err
	}
	typ := pager.Type(f.Data())
	if typ != pager.TypeLeaf && typ != pager.TypeInternal {
		c.bp.Unpin(f)
		return nil, false, corruptf(no, "unexpected page type %d in tree", typ)
	}
	n := node(f.Data())
	leaf := typ == pager.TypeLeaf
	c.stack = append(c.stack, level{f: f, i: pick(n, leaf, mode, key)})
	return n, leaf, nil
}

// descend pushes the path from page no down to a leaf, choosing at each
// node by mode.
func (c *Cursor) descend(no pager.PageNo, mode pickMode, key []byte) error {
	for {
		n, leaf, err := c.push(no, mode, key)
		if err != nil {
			return err
		}
		if leaf {
			return nil
		}
		no = pager.PageNo(n.child(c.stack[len(c.stack)-1].i))
	}
}

func (c *Cursor) top() (*level, node) {
	l := &c.stack[len(c.stack)-1]
	return l, node(l.f.Data())
}

// forward settles the cursor after its leaf index moved up: if the index
// is past the leaf's end, it climbs to the next subtree and descends to
// its first entry, skipping empty leaves.
func (c *Cursor) forward() bool {
	for {
		l, n := c.top()
		if l.i < n.count() {
			c.valid = true
			return true
		}
		// Climb until a node has a child right of the current one.
		for {
			c.bp.Unpin(l.f)
			c.stack = c.stack[:len(c.stack)-1]
			if len(c.stack) == 0 {
				c.valid = false
				return false
			}
			l, n = c.top()
			if l.i < n.count() {
				l.i++
				break
			}
		}
		if err := c.descend(pager.PageNo(n.child(l.i)), pickFirst, nil); err != nil {
			return c.fail(err)
		}
	}
}

// backward is forward's mirror: settles after the leaf index moved down.
func (c *Cursor) backward() bool {
	for {
		l, _ := c.top()
		if l.i >= 0 {
			c.valid = true
			return true
		}
		var n node
		for {
			c.bp.Unpin(l.f)
			c.stack = c.stack[:len(c.stack)-1]
			if len(c.stack) == 0 {
				c.valid = false
				return false
			}
			l, n = c.top()
			if l.i > 0 {
				l.i--
				break
			}
		}
		if err := c.descend(pager.PageNo(n.child(l.i)), pickLast, nil); err != nil {
			return c.fail(err)
		}
	}
}

// First moves to the smallest key.
func (c *Cursor) First() bool {
	c.reset()
	if err := c.descend(c.t.root, pickFirst, nil); err != nil {
		return c.fail(err)
	}
	return c.forward()
}

// Last moves to the largest key.
func (c *Cursor) Last() bool {
	c.reset()
	if err := c.descend(c.t.root, pickLast, nil); err != nil {
		return c.fail(err)
	}
	return c.backward()
}

// SeekGE moves to the first key >= key.
func (c *Cursor) SeekGE(key []byte) bool {
	c.reset()
	err := c.descend(c.t.root, pickGE, key)
	if err != nil {
		return c.fail(err)
	}
	return c.forward()
}

// SeekLE moves to the last key <= key.
func (c *Cursor) SeekLE(key []byte) bool {
	c.reset()
	err := c.descend(c.t.root, pickLE, key)
	if err != nil {
		return c.fail(err)
	}
	return c.backward()
}

// Next moves to the next key.
func (c *Cursor) Next() bool {
	if !c.valid {
		return false
	}
	l, _ := c.top()
	l.i++
	return c.forward()
}

// Prev moves to the previous key.
func (c *Cursor) Prev() bool {
	if !c.valid {
		return false
	}
	l, _ := c.top()
	l.i--
	return c.backward()
}

// Key returns the current key (nil when invalid).
func (c *Cursor) Key() []byte {
	if !c.valid {
		return nil
	}
	l, n := c.top()
	return n.key(l.i)
}

// Value returns the current value, reading an overflow chain if needed.
func (c *Cursor) Value() ([]byte, error) {
	if !c.valid {
		return nil, c.err
	}
	l, n := c.top()
	inline, ovf, total, first := n.leafValue(l.i)
	if !ovf {
		return inline, nil
	}
	v, err := readChain(c.bp, pager.PageNo(first), total, c.vbuf[:0])
	if err != nil {
		return nil, err
	}
	c.vbuf = v
	return v, nil
}
