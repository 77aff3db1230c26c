package btree

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// validateNode checks the structure of one node page without trusting any
// of its fields: header bounds, every cell inside the cell area, no two
// cells overlapping, the space accounting, key sizes and strictly
// increasing keys. It never panics on arbitrary bytes.
func validateNode(d []byte) error {
	if len(d) != pageSize {
		return fmt.Errorf("page of %d bytes", len(d))
	}
	typ := pager.Type(d)
	if typ != pager.TypeLeaf && typ != pager.TypeInternal {
		return fmt.Errorf("page type %d is not a tree node", typ)
	}
	leaf := typ == pager.TypeLeaf
	n := node(d)
	cnt, start, frag := n.count(), n.cellStart(), n.frag()
	slotsEnd := nodeHdrEnd + slotSize*cnt
	if slotsEnd > pageSize || start < slotsEnd || start > pageSize {
		return fmt.Errorf("cell count %d and cell start %d do not fit", cnt, start)
	}
	if leaf && n.right() != 0 {
		return fmt.Errorf("leaf has a right child %d", n.right())
	}
	if !leaf && n.right() < 2 {
		return fmt.Errorf("internal node has no rightmost child")
	}
	var usedMap [pageSize / 8]byte
	sum := 0
	var prev []byte
	for i := 0; i < cnt; i++ {
		o := n.cellOff(i)
		if o < start || o >= pageSize {
			return fmt.Errorf("cell %d at offset %d outside the cell area [%d,%d)", i, o, start, pageSize)
		}
		c := d[o:]
		kl, w := binary.Uvarint(c)
		if w <= 0 || kl == 0 || kl > MaxKeySize || uint64(len(c)-w) < kl {
			return fmt.Errorf("cell %d: bad key length", i)
		}
		p := w + int(kl)
		if leaf {
			vi, w2 := binary.Uvarint(c[p:])
			if w2 <= 0 {
				return fmt.Errorf("cell %d: bad value length", i)
			}
			p += w2
			if vi&vinfoOverflow != 0 {
				if vi>>1 > MaxValueSize {
					return fmt.Errorf("cell %d: overflow value of %d bytes", i, vi>>1)
				}
				if inlineCellSize(int(kl), int(vi>>1)) <= maxCell {
					return fmt.Errorf("cell %d: value of %d bytes should be inline", i, vi>>1)
				}
				p += 4
			} else {
				if vi>>1 > uint64(maxCell) {
					return fmt.Errorf("cell %d: inline value of %d bytes", i, vi>>1)
				}
				p += int(vi >> 1)
			}
		} else {
			p += 4
		}
		if p > len(c) || p > maxCell {
			return fmt.Errorf("cell %d: %d bytes from offset %d overrun the page or the cell limit", i, p, o)
		}
		for b := o; b < o+p; b++ {
			if usedMap[b>>3]&(1<<(b&7)) != 0 {
				return fmt.Errorf("cell %d overlaps another cell at byte %d", i, b)
			}
			usedMap[b>>3] |= 1 << (b & 7)
		}
		sum += p
		k := c[w : w+int(kl)]
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			return fmt.Errorf("key %d not greater than key %d", i, i-1)
		}
		prev = k
		if !leaf {
			if ch := binary.LittleEndian.Uint32(c[w+int(kl):]); ch < 2 {
				return fmt.Errorf("cell %d: child %d is a meta page", i, ch)
			}
		}
	}
	if sum+frag != pageSize-start {
		return fmt.Errorf("space accounting: cells %d + fragmented %d != cell area %d", sum, frag, pageSize-start)
	}
	return nil
}

// Check reads every page of the tree and verifies its invariants: each
// node's structure (validateNode), keys within the bounds set by the
// separators above, equal leaf depth, every page referenced once, page
// epochs not in the future, and overflow chains of the recorded length.
func (t *Tree) Check() error {
	c := checker{t: t, seen: make(map[pager.PageNo]bool), leafDepth: -1, epoch: t.bp.Pager().Epoch()}
	return c.walk(t.root, nil, nil, 0)
}

type checker struct {
	t         *Tree
	seen      map[pager.PageNo]bool
	leafDepth int
	epoch     uint64
	stats     Stats
	leafUsed  int
}

func (c *checker) visit(no pager.PageNo) error {
	if no < 2 {
		return corruptf(no, "reference to a meta page")
	}
	if c.seen[no] {
		return corruptf(no, "page referenced twice")
	}
	c.seen[no] = true
	c.stats.Pages++
	return nil
}

// walk checks the subtree at no, whose keys must lie in [lo, hi) (nil =
// unbounded).
func (c *checker) walk(no pager.PageNo, lo, hi []byte, depth int) error {
	if err := c.visit(no); err != nil {
		return err
	}
	if depth > 64 {
		return corruptf(no, "tree deeper than 64 levels")
	}
	f, err := c.t.bp.Get(no)
	if err != nil {
		return err
	}
	defer c.t.bp.Unpin(f)
	d := f.Data()
	if err := validateNode(d); err != nil {
		return corruptf(no, "%v", err)
	}
	if e := pager.Epoch(d); e > c.epoch {
		return corruptf(no, "epoch %d is after the current epoch %d", e, c.epoch)
	}
	n := node(d)
	cnt := n.count()
	if cnt > 0 {
		if lo != nil && bytes.Compare(n.key(0), lo) < 0 {
			return corruptf(no, "first key %q below the lower bound %q", n.key(0), lo)
		}
		if hi != nil && bytes.Compare(n.key(cnt-1), hi) > 0 {
			return corruptf(no, "last key %q above the upper bound %q", n.key(cnt-1), hi)
		}
	}
	if pager.Type(d) == pager.TypeLeaf {
		if c.leafDepth < 0 {
			c.leafDepth = depth
		} else if c.leafDepth != depth {
			return corruptf(no, "leaf at depth %d, other leaves at %d", depth, c.leafDepth)
		}
		if cnt > 0 && hi != nil && bytes.Equal(n.key(cnt-1), hi) {
			return corruptf(no, "leaf key %q equals the upper bound", hi)
		}
		c.stats.LeafPages++
		c.stats.Entries += int64(cnt)
		c.leafUsed += n.used()
		for i := 0; i < cnt; i++ {
			_, ovf, total, first := n.leafValue(i)
			if ovf {
				if err := c.chain(pager.PageNo(first), total); err != nil {
					return err
				}
			}
		}
		return nil
	}
	c.stats.InternalPages++
	for i := 0; i <= cnt; i++ {
		clo, chi := lo, hi
		if i > 0 {
			clo = n.key(i - 1)
		}
		if i < cnt {
			chi = n.key(i)
		}
		if err := c.walk(pager.PageNo(n.child(i)), clo, chi, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) chain(first pager.PageNo, total int) error {
	no := first
	for i, pages := 0, chainPages(total); i < pages; i++ {
		if no == 0 {
			return corruptf(first, "overflow chain of %d bytes has %d pages, want %d", total, i, pages)
		}
		if err := c.visit(no); err != nil {
			return err
		}
		f, err := c.t.bp.Get(no)
		if err != nil {
			return err
		}
		d := f.Data()
		typ, next := pager.Type(d), pager.PageNo(binary.LittleEndian.Uint32(d[ovfNextOff:]))
		c.t.bp.Unpin(f)
		if typ != pager.TypeOverflow {
			return corruptf(no, "overflow chain reaches a page of type %d", typ)
		}
		c.stats.OverflowPages++
		no = next
	}
	if no != 0 {
		return corruptf(first, "overflow chain of %d bytes continues past %d pages", total, chainPages(total))
	}
	return nil
}

// Stats describes a tree's shape, as measured by a full walk.
type Stats struct {
	Pages         int     // all pages: nodes and overflow pages
	LeafPages     int     // leaf nodes
	InternalPages int     // internal nodes
	OverflowPages int     // overflow pages
	Depth         int     // levels, 1 for a single leaf
	Entries       int64   // keys stored
	LeafFill      float64 // average share of leaf space in use, 0..1
}

// Stats walks the whole tree (checking it as Check does) and returns its shape.
func (t *Tree) Stats() (Stats, error) {
	c := checker{t: t, seen: make(map[pager.PageNo]bool), leafDepth: -1, epoch: t.bp.Pager().Epoch()}
	if err := c.walk(t.root, nil, nil, 0); err != nil {
		return Stats{}, err
	}
	s := c.stats
	s.Depth = c.leafDepth + 1
	if s.LeafPages > 0 {
		s.LeafFill = float64(c.leafUsed) / float64(s.LeafPages*usable)
	}
	return s, nil
}

// Drop frees every page of the tree. The tree must not be used afterwards.
func (t *Tree) Drop() error {
	return t.drop(t.root, 0)
}

func (t *Tree) drop(no pager.PageNo, depth int) error {
	if depth > 64 {
		return corruptf(no, "tree deeper than 64 levels")
	}
	f, err := t.bp.Get(no)
	if err != nil {
		return err
	}
	d := f.Data()
	n := node(d)
	switch pager.Type(d) {
	case pager.TypeLeaf:
		for i := 0; i < n.count(); i++ {
			if _, ovf, total, first := n.leafValue(i); ovf {
				if err := freeChain(t.bp, pager.PageNo(first), total); err != nil {
					t.bp.Unpin(f)
					return err
				}
			}
		}
	case pager.TypeInternal:
		for i := 0; i <= n.count(); i++ {
			if err := t.drop(pager.PageNo(n.child(i)), depth+1); err != nil {
				t.bp.Unpin(f)
				return err
			}
		}
	default:
		t.bp.Unpin(f)
		return corruptf(no, "unexpected page type %d in tree", pager.Type(d))
	}
	return t.bp.Free(f)
}
