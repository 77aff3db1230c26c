package btree

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// MaxKeySize is the largest key in bytes. Four cells of this size fit in a
// page, which keeps splits and merges simple.
const MaxKeySize = 2000

// MaxValueSize is the largest value in bytes.
const MaxValueSize = 1 << 30

var (
	// ErrKeyTooLarge is returned for a key longer than MaxKeySize.
	ErrKeyTooLarge = errors.New("btree: key too large")
	// ErrEmptyKey is returned for a zero-length key.
	ErrEmptyKey = errors.New("btree: empty key")
	// ErrValueTooLarge is returned for a value longer than MaxValueSize.
	ErrValueTooLarge = errors.New("btree: value too large")
	// ErrUnsorted is returned by Build when keys decrease.
	ErrUnsorted = errors.New("btree: build input not in increasing key order")
	// ErrCorrupt matches (errors.Is) every structural error found while
	// reading the tree (Check, or a malformed page met on a normal path).
	// Those errors match pager.ErrCorrupt too, so the engine maps all
	// corruption to one SQLSTATE (XX001).
	ErrCorrupt = errors.New("btree: corrupt tree")
)

// corruptError is a structural error in one page of the tree.
type corruptError struct {
	page pager.PageNo
	msg  string
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("btree: corrupt tree: page %d: %s", e.page, e.msg)
}

// Is makes the error match both ErrCorrupt and pager.ErrCorrupt.
func (e *corruptError) Is(target error) bool {
	return target == ErrCorrupt || target == pager.ErrCorrupt
}

// DuplicateKeyError is returned by Build when two adjacent input keys are equal.
type DuplicateKeyError struct{ Key []byte }

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("btree: duplicate key %q", e.Key)
}

// Tree is a B+tree rooted at one page of a buffer pool. Writes (Put,
// Delete, Drop) need external mutual exclusion against every other call;
// reads (Get, cursors) may run concurrently with each other.
type Tree struct {
	bp   *bufpool.Pool
	root pager.PageNo

	// Writer scratch space; only touched under the caller's write lock.
	scratch [pageSize]byte
	cellBuf []byte
	cells   [][]byte
	// Result of the last insert step: the child split into (its page, sep, splitRight).
	split      bool
	splitSep   []byte
	splitRight pager.PageNo
	// Overflow chain of a replaced or deleted value, freed when the change is done.
	oldChain    pager.PageNo
	oldChainLen int
}

// Create makes an empty tree (one empty leaf).
func Create(bp *bufpool.Pool) (*Tree, error) {
	f, err := bp.Allocate(pager.TypeLeaf)
	if err != nil {
		return nil, err
	}
	node(f.Data()).initNode()
	bp.MarkDirty(f)
	no := f.No()
	bp.Unpin(f)
	return &Tree{bp: bp, root: no}, nil
}

// Open returns the tree rooted at root (as reported by Root before a checkpoint).
func Open(bp *bufpool.Pool, root pager.PageNo) *Tree {
	return &Tree{bp: bp, root: root}
}

// Root returns the root page. It changes with writes (copy-on-write and
// root splits), so the owner persists it at every checkpoint.
func (t *Tree) Root() pager.PageNo { return t.root }

func checkKey(key []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	if len(key) > MaxKeySize {
		return ErrKeyTooLarge
	}
	return nil
}

func corruptf(no pager.PageNo, format string, args ...any) error {
	return &corruptError{page: no, msg: fmt.Sprintf(format, args...)}
}

// Get returns a copy of the value stored under key.
func (t *Tree) Get(key []byte) (val []byte, found bool, err error) {
	return t.GetAppend(key, nil)
}

// GetAppend appends the value stored under key to dst and returns the
// extended slice: a caller that reads many keys (the row fetches of an
// index scan, a key lookup per outer row) reuses one buffer instead of
// allocating a copy per read. With dst nil the value gets a slice of its
// own, exactly its size (Get).
func (t *Tree) GetAppend(key, dst []byte) (val []byte, found bool, err error) {
	if err := checkKey(key); err != nil {
		return nil, false, err
	}
	no := t.root
	for depth := 0; ; depth++ {
		f, err := t.bp.Get(no)
		if err != nil {
			return nil, false, err
		}
		d := f.Data()
		n := node(d)
		switch pager.Type(d) {
		case pager.TypeInternal:
			next := pager.PageNo(n.child(n.childIndex(key)))
			// Readers never race with a writer, so the child cannot be
			// freed once the parent is unpinned.
			t.bp.Unpin(f)
			no = next
			if depth > 64 {
				return nil, false, corruptf(no, "tree deeper than 64 levels")
			}
		case pager.TypeLeaf:
			i, ok := n.search(key)
			if !ok {
				t.bp.Unpin(f)
				return nil, false, nil
			}
			inline, ovf, total, first := n.leafValue(i)
			if !ovf {
				if dst == nil {
					dst = make([]byte, 0, len(inline))
				}
				val = append(dst, inline...)
				t.bp.Unpin(f)
				return val, true, nil
			}
			t.bp.Unpin(f)
			val, err = readChain(t.bp, pager.PageNo(first), total, dst)
			if err != nil {
				return nil, false, err
			}
			return val, true, nil
		default:
			t.bp.Unpin(f)
			return nil, false, corruptf(no, "unexpected page type %d in tree", pager.Type(d))
		}
	}
}

// writable returns a frame for f's page that may be changed in place: f
// itself when its page belongs to the current epoch, else a copy on a new
// page (the old page is freed; the caller must repoint the parent).
func (t *Tree) writable(f *bufpool.Frame) (*bufpool.Frame, error) {
	d := f.Data()
	if pager.Epoch(d) == t.bp.Pager().Epoch() {
		return f, nil
	}
	nf, err := t.bp.Allocate(pager.Type(d))
	if err != nil {
		t.bp.Unpin(f)
		return nil, err
	}
	copy(nf.Data()[headerSize:], d[headerSize:])
	if err := t.bp.Free(f); err != nil {
		t.bp.Unpin(nf)
		return nil, err
	}
	return nf, nil
}

// Put inserts key with val, replacing any value stored under key.
func (t *Tree) Put(key, val []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if len(val) > MaxValueSize {
		return ErrValueTooLarge
	}
	t.cellBuf = t.cellBuf[:0]
	var chain pager.PageNo
	if inlineCellSize(len(key), len(val)) <= maxCell {
		t.cellBuf = appendLeafCell(t.cellBuf, key, val)
	} else {
		var err error
		if chain, err = writeChain(t.bp, val); err != nil {
			return err
		}
		t.cellBuf = appendOverflowCell(t.cellBuf, key, len(val), uint32(chain))
	}
	t.oldChain = 0
	t.split = false
	newRoot, err := t.insert(t.root, key, t.cellBuf, true)
	if err != nil {
		if chain != 0 {
			_ = freeChain(t.bp, chain, len(val)) // best effort; the write failed anyway
		}
		return err
	}
	if t.split {
		f, err := t.bp.Allocate(pager.TypeInternal)
		if err != nil {
			return err
		}
		n := node(f.Data())
		n.initNode()
		c := appendInternalCell(nil, t.splitSep, uint32(newRoot))
		n.insertCell(0, c, false, t.scratch[:])
		n.setRight(uint32(t.splitRight))
		t.bp.MarkDirty(f)
		newRoot = f.No()
		t.bp.Unpin(f)
		t.split = false
	}
	t.root = newRoot
	if t.oldChain != 0 {
		old := t.oldChain
		t.oldChain = 0
		return freeChain(t.bp, old, t.oldChainLen)
	}
	return nil
}

// insert puts cell (for key) into the subtree at no and returns the
// subtree's new page number. When the node split, t.split is set with the
// separator and the new right sibling. rightmost tells whether no lies on
// the tree's rightmost path (for the sequential-insert split).
func (t *Tree) insert(no pager.PageNo, key, cell []byte, rightmost bool) (pager.PageNo, error) {
	f, err := t.bp.Get(no)
	if err != nil {
		return 0, err
	}
	n := node(f.Data())
	switch pager.Type(f.Data()) {
	case pager.TypeLeaf:
		i, found := n.search(key)
		if f, err = t.writable(f); err != nil {
			return 0, err
		}
		n = node(f.Data())
		if found {
			if _, ovf, total, first := n.leafValue(i); ovf {
				t.oldChain, t.oldChainLen = pager.PageNo(first), total
			}
			n.deleteCell(i, true)
		}
		if !n.insertCell(i, cell, true, t.scratch[:]) {
			if err := t.splitNode(f, i, cell, true, rightmost && i == n.count()); err != nil {
				t.bp.Unpin(f)
				return 0, err
			}
		}
		t.bp.MarkDirty(f)
		no = f.No()
		t.bp.Unpin(f)
		return no, nil

	case pager.TypeInternal:
		i := n.childIndex(key)
		child := pager.PageNo(n.child(i))
		newChild, err := t.insert(child, key, cell, rightmost && i == n.count())
		if err != nil {
			t.bp.Unpin(f)
			return 0, err
		}
		if newChild == child && !t.split {
			t.bp.Unpin(f)
			return no, nil
		}
		if f, err = t.writable(f); err != nil {
			return 0, err
		}
		n = node(f.Data())
		if !t.split {
			n.setChild(i, uint32(newChild))
		} else {
			t.split = false
			n.setChild(i, uint32(t.splitRight))
			c := appendInternalCell(nil, t.splitSep, uint32(newChild))
			if !n.insertCell(i, c, false, t.scratch[:]) {
				if err := t.splitNode(f, i, c, false, rightmost && i == n.count()); err != nil {
					t.bp.Unpin(f)
					return 0, err
				}
			}
		}
		t.bp.MarkDirty(f)
		no = f.No()
		t.bp.Unpin(f)
		return no, nil
	default:
		t.bp.Unpin(f)
		return 0, corruptf(no, "unexpected page type %d in tree", pager.Type(f.Data()))
	}
}

// splitNode splits writable node f, which cannot take cell c at index i,
// into f and a new right sibling, and sets t.split. atEnd selects the
// sequential-insert split: the new cell is the last of the rightmost node,
// so the left node keeps its cells as they are (filled ~100%).
func (t *Tree) splitNode(f *bufpool.Frame, i int, c []byte, leaf, atEnd bool) error {
	n := node(f.Data())
	// Gather the cells from a copy of the page; f is rebuilt in place.
	copy(t.scratch[:], n)
	src := node(t.scratch[:])
	cnt := src.count()
	cells := t.cells[:0]
	total := 0
	for j := 0; j < cnt; j++ {
		if j == i {
			cells = append(cells, c)
			total += len(c) + slotSize
		}
		sc := src.cell(j, leaf)
		cells = append(cells, sc)
		total += len(sc) + slotSize
	}
	if i == cnt {
		cells = append(cells, c)
		total += len(c) + slotSize
	}
	t.cells = cells
	nc := len(cells)

	rf, err := t.bp.Allocate(pager.Type(n))
	if err != nil {
		return err
	}
	rn := node(rf.Data())
	if leaf {
		// Split by bytes at the middle: the left node takes cells until
		// it holds half the bytes (at least one cell, leaving one).
		m := nc - 1
		if !atEnd {
			acc := 0
			for m = 0; m < nc-1 && (m == 0 || acc < total/2); m++ {
				acc += len(cells[m]) + slotSize
			}
		}
		sep := shortestSeparator(keyOf(cells[m-1]), keyOf(cells[m]))
		t.splitSep = append(t.splitSep[:0:0], sep...)
		rn.rebuild(cells[m:], 0)
		n.rebuild(cells[:m], 0)
	} else {
		// cells[m] moves up: its key is the separator, its child becomes
		// the left node's rightmost child.
		m := nc - 2
		if !atEnd {
			acc := len(cells[0]) + slotSize
			for m = 1; m < nc-2 && acc < total/2; m++ {
				acc += len(cells[m]) + slotSize
			}
		}
		right := src.right()
		up := cells[m]
		t.splitSep = append(t.splitSep[:0:0], keyOf(up)...)
		kl, w := uvarint(up)
		leftRight := binary.LittleEndian.Uint32(up[w+int(kl):])
		rn.rebuild(cells[m+1:], right)
		n.rebuild(cells[:m], leftRight)
	}
	t.bp.MarkDirty(rf)
	t.split = true
	t.splitRight = rf.No()
	t.bp.Unpin(rf)
	return nil
}
