package btree

import (
	"bytes"

	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// buildFill is the share of a node's space Build fills before starting the
// next node: room for a few later inserts before the first split.
const buildFill = usable * 9 / 10

// Build makes a new tree bottom-up from entries in strictly increasing key
// order, as CREATE INDEX does: leaves are filled to ~90%, then each level of
// internal nodes above them. Equal adjacent keys give *DuplicateKeyError,
// decreasing keys ErrUnsorted. On error every page Build wrote is freed.
func Build(bp *bufpool.Pool, next func() (key, val []byte, ok bool, err error)) (*Tree, error) {
	b := &builder{bp: bp}
	root, err := b.run(next)
	if err != nil {
		b.cleanup()
		return nil, err
	}
	return &Tree{bp: bp, root: root}, nil
}

type builder struct {
	bp *bufpool.Pool
	// levels[0] is the leaf level.
	levels []*buildLevel
	// pages written so far (nodes and overflow chain heads with their
	// sizes), for cleanup after an error.
	written []pager.PageNo
	chains  []chainRef
	lastKey []byte
	count   int
	cellBuf []byte // the leaf cell being added
	intBuf  []byte // an internal cell being added
}

type chainRef struct {
	first pager.PageNo
	total int
}

// buildLevel is the node being filled on one level.
type buildLevel struct {
	buf   []byte // page image of the node being filled
	cells int
	// lastKey is the last key of the current leaf (leaf level only).
	lastKey []byte
	// pending is the last child added to an internal level, not yet placed
	// in a cell: it becomes the child of cell (pendingSep, pending) when
	// the next child arrives, or the node's rightmost child.
	pending    pager.PageNo
	pendingSep []byte
	hasPending bool
	// nodes counts the nodes finished on this level.
	nodes int
}

func newBuildLevel() *buildLevel {
	l := &buildLevel{buf: make([]byte, pageSize)}
	node(l.buf).initNode()
	return l
}

func (b *builder) run(next func() ([]byte, []byte, bool, error)) (pager.PageNo, error) {
	b.levels = []*buildLevel{newBuildLevel()}
	for {
		key, val, ok, err := next()
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		if err := checkKey(key); err != nil {
			return 0, err
		}
		if len(val) > MaxValueSize {
			return 0, ErrValueTooLarge
		}
		if b.count > 0 {
			switch c := bytes.Compare(b.lastKey, key); {
			case c == 0:
				return 0, &DuplicateKeyError{Key: append([]byte(nil), key...)}
			case c > 0:
				return 0, ErrUnsorted
			}
		}
		if err := b.addEntry(key, val); err != nil {
			return 0, err
		}
		b.lastKey = append(b.lastKey[:0], key...)
		b.count++
	}
	return b.finish()
}

func (b *builder) addEntry(key, val []byte) error {
	b.cellBuf = b.cellBuf[:0]
	if inlineCellSize(len(key), len(val)) <= maxCell {
		b.cellBuf = appendLeafCell(b.cellBuf, key, val)
	} else {
		first, err := writeChain(b.bp, val)
		if err != nil {
			return err
		}
		b.chains = append(b.chains, chainRef{first, len(val)})
		b.cellBuf = appendOverflowCell(b.cellBuf, key, len(val), uint32(first))
	}
	leaf := b.levels[0]
	n := node(leaf.buf)
	if leaf.cells > 0 && n.used()+len(b.cellBuf)+slotSize > buildFill {
		sep := shortestSeparator(leaf.lastKey, key)
		no, err := b.flush(0, pager.TypeLeaf)
		if err != nil {
			return err
		}
		if err := b.addChild(1, no, sep); err != nil {
			return err
		}
	}
	n.insertCell(leaf.cells, b.cellBuf, true, nil)
	leaf.cells++
	leaf.lastKey = append(leaf.lastKey[:0], key...)
	return nil
}

// flush writes level lv's node to a new page and starts a fresh node.
func (b *builder) flush(lv int, typ byte) (pager.PageNo, error) {
	l := b.levels[lv]
	f, err := b.bp.Allocate(typ)
	if err != nil {
		return 0, err
	}
	copy(f.Data()[headerSize:], l.buf[headerSize:])
	b.bp.MarkDirty(f)
	no := f.No()
	b.bp.Unpin(f)
	b.written = append(b.written, no)
	node(l.buf).initNode()
	l.cells = 0
	l.nodes++
	return no, nil
}

// addChild adds child no to level lv (>= 1); sepAfter separates it from
// the child that will follow it (nil for the last child of the tree).
func (b *builder) addChild(lv int, no pager.PageNo, sepAfter []byte) error {
	if lv == len(b.levels) {
		b.levels = append(b.levels, newBuildLevel())
	}
	l := b.levels[lv]
	if l.hasPending {
		n := node(l.buf)
		b.intBuf = appendInternalCell(b.intBuf[:0], l.pendingSep, uint32(l.pending))
		if l.cells > 0 && n.used()+len(b.intBuf)+slotSize > buildFill {
			// Close this node with the pending child as its rightmost;
			// the pending separator then separates the node from the
			// next one on this level.
			n.setRight(uint32(l.pending))
			done, err := b.flush(lv, pager.TypeInternal)
			if err != nil {
				return err
			}
			up := append([]byte(nil), l.pendingSep...)
			if err := b.addChild(lv+1, done, up); err != nil {
				return err
			}
		} else {
			n.insertCell(l.cells, b.intBuf, false, nil)
			l.cells++
		}
	}
	l.pending, l.hasPending = no, true
	l.pendingSep = append(l.pendingSep[:0], sepAfter...)
	return nil
}

// finish flushes the partial node of every level bottom-up and returns the root.
func (b *builder) finish() (pager.PageNo, error) {
	no, err := b.flush(0, pager.TypeLeaf)
	if err != nil {
		return 0, err
	}
	if len(b.levels) == 1 {
		return no, nil // one leaf
	}
	if err := b.addChild(1, no, nil); err != nil {
		return 0, err
	}
	for lv := 1; ; lv++ {
		l := b.levels[lv]
		top := lv == len(b.levels)-1
		if top && l.nodes == 0 && l.cells == 0 {
			return l.pending, nil // the only child on this level is the root
		}
		// A node finished just before the last child arrived leaves that
		// child alone in a node without keys: legal, rare (about one level
		// in a fan-out), and merged away by later deletes.
		node(l.buf).setRight(uint32(l.pending))
		done, err := b.flush(lv, pager.TypeInternal)
		if err != nil {
			return 0, err
		}
		if top && l.nodes == 1 {
			return done, nil
		}
		if err := b.addChild(lv+1, done, nil); err != nil {
			return 0, err
		}
	}
}

// cleanup frees every page written by a failed Build.
func (b *builder) cleanup() {
	for _, no := range b.written {
		if f, err := b.bp.Get(no); err == nil {
			_ = b.bp.Free(f)
		}
	}
	for _, c := range b.chains {
		_ = freeChain(b.bp, c.first, c.total)
	}
}
