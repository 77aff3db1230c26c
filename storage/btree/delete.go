package btree

import (
	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// Delete removes key and reports whether it was there. A node left using
// less than a quarter of its page is merged with a sibling when both fit
// in one page; an internal root left with a single child is replaced by it.
func (t *Tree) Delete(key []byte) (found bool, err error) {
	if err := checkKey(key); err != nil {
		return false, err
	}
	t.oldChain = 0
	newRoot, found, _, err := t.remove(t.root, key)
	if err != nil || !found {
		return found, err
	}
	// Collapse internal roots with a single child.
	for {
		f, err := t.bp.Get(newRoot)
		if err != nil {
			return true, err
		}
		n := node(f.Data())
		if pager.Type(f.Data()) != pager.TypeInternal || n.count() > 0 {
			t.bp.Unpin(f)
			break
		}
		child := pager.PageNo(n.right())
		if err := t.bp.Free(f); err != nil {
			return true, err
		}
		newRoot = child
	}
	t.root = newRoot
	if t.oldChain != 0 {
		old := t.oldChain
		t.oldChain = 0
		return true, freeChain(t.bp, old, t.oldChainLen)
	}
	return true, nil
}

// remove deletes key from the subtree at no. It returns the subtree's new
// page number and whether the node now underflows.
func (t *Tree) remove(no pager.PageNo, key []byte) (pager.PageNo, bool, bool, error) {
	f, err := t.bp.Get(no)
	if err != nil {
		return 0, false, false, err
	}
	n := node(f.Data())
	switch pager.Type(f.Data()) {
	case pager.TypeLeaf:
		i, found := n.search(key)
		if !found {
			t.bp.Unpin(f)
			return no, false, false, nil
		}
		if f, err = t.writable(f); err != nil {
			return 0, false, false, err
		}
		n = node(f.Data())
		if _, ovf, total, first := n.leafValue(i); ovf {
			t.oldChain, t.oldChainLen = pager.PageNo(first), total
		}
		n.deleteCell(i, true)
		t.bp.MarkDirty(f)
		under := n.used() < underflowBytes
		no = f.No()
		t.bp.Unpin(f)
		return no, true, under, nil

	case pager.TypeInternal:
		i := n.childIndex(key)
		child := pager.PageNo(n.child(i))
		newChild, found, under, err := t.remove(child, key)
		if err != nil || !found {
			t.bp.Unpin(f)
			return no, found, false, err
		}
		if newChild == child && !under {
			t.bp.Unpin(f)
			return no, true, false, nil
		}
		if f, err = t.writable(f); err != nil {
			return 0, false, false, err
		}
		n = node(f.Data())
		n.setChild(i, uint32(newChild))
		if under && n.count() > 0 {
			li := i
			if i == n.count() {
				li = i - 1
			}
			if err := t.merge(f, li); err != nil {
				t.bp.MarkDirty(f)
				t.bp.Unpin(f)
				return 0, false, false, err
			}
		}
		t.bp.MarkDirty(f)
		under = n.used() < underflowBytes
		no = f.No()
		t.bp.Unpin(f)
		return no, true, under, nil
	default:
		t.bp.Unpin(f)
		return 0, false, false, corruptf(no, "unexpected page type %d in tree", pager.Type(f.Data()))
	}
}

// merge joins children li and li+1 of the writable node pf into one page
// when their contents fit, removing the separator between them from pf.
func (t *Tree) merge(pf *bufpool.Frame, li int) error {
	p := node(pf.Data())
	lf, err := t.bp.Get(pager.PageNo(p.child(li)))
	if err != nil {
		return err
	}
	rf, err := t.bp.Get(pager.PageNo(p.child(li + 1)))
	if err != nil {
		t.bp.Unpin(lf)
		return err
	}
	ln, rn := node(lf.Data()), node(rf.Data())
	leaf := pager.Type(lf.Data()) == pager.TypeLeaf
	if leaf != (pager.Type(rf.Data()) == pager.TypeLeaf) {
		t.bp.Unpin(lf)
		t.bp.Unpin(rf)
		return corruptf(pf.No(), "children %d and %d are on different levels", lf.No(), rf.No())
	}
	need := ln.used() + rn.used()
	var sepCell []byte
	if !leaf {
		// The parent's separator comes down between the two halves,
		// pointing at the left node's rightmost child.
		sepCell = appendInternalCell(nil, p.key(li), ln.right())
		need += len(sepCell) + slotSize
	}
	if need > usable {
		t.bp.Unpin(lf)
		t.bp.Unpin(rf)
		return nil
	}
	if lf, err = t.writable(lf); err != nil {
		t.bp.Unpin(rf)
		return err
	}
	ln = node(lf.Data())
	// Rebuild the left node from its cells and the right node's cells
	// (both copied to scratch, so the rebuild does not read what it writes).
	copy(t.scratch[:], ln)
	src := node(t.scratch[:])
	cells := t.cells[:0]
	for j := 0; j < src.count(); j++ {
		cells = append(cells, src.cell(j, leaf))
	}
	if sepCell != nil {
		cells = append(cells, sepCell)
	}
	for j := 0; j < rn.count(); j++ {
		cells = append(cells, rn.cell(j, leaf))
	}
	t.cells = cells
	ln.rebuild(cells, rn.right())
	t.bp.MarkDirty(lf)
	if err := t.bp.Free(rf); err != nil {
		t.bp.Unpin(lf)
		return err
	}
	// Children li and li+1 become one: child li+1 takes the merged page
	// and cell li (separator, old left pointer) goes.
	p.setChild(li+1, uint32(lf.No()))
	p.deleteCell(li, false)
	t.bp.Unpin(lf)
	return nil
}
