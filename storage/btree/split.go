package btree

import (
	"bytes"

	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// SplitKeys returns keys that divide the tree into pieces of roughly
// equal size, in increasing order, for a scan split among parallel
// workers (PostgreSQL's parallel seq scan hands out blocks; a B+tree
// hands out key ranges). It reads internal nodes only, level by level
// from the root, until a level has at least want children or the next
// level is the leaves; the keys returned are the lower bounds of that
// level's children but the first, so consecutive keys enclose one
// subtree each and subtrees of one level hold about the same number of
// leaves. A tree whose root is a leaf has no keys to split at (nil).
//
// The keys are copies. They are separators, not necessarily keys present
// in the tree: good as range bounds, nothing more.
func (t *Tree) SplitKeys(want int) ([][]byte, error) {
	type sub struct {
		no pager.PageNo
		lo []byte // lower bound of the subtree's keys (nil = -inf)
	}
	level := []sub{{no: t.root}}
	for depth := 0; depth <= 64; depth++ {
		if len(level) >= want && depth > 0 {
			break
		}
		var next []sub
		leafLevel := false
		for _, s := range level {
			f, err := t.bp.Get(s.no)
			if err != nil {
				return nil, err
			}
			d := f.Data()
			if pager.Type(d) != pager.TypeInternal {
				t.bp.Unpin(f)
				leafLevel = true
				break
			}
			n := node(d)
			lo := s.lo
			for i := 0; i <= n.count(); i++ {
				next = append(next, sub{no: pager.PageNo(n.child(i)), lo: lo})
				if i < n.count() {
					lo = bytes.Clone(n.key(i))
				}
			}
			t.bp.Unpin(f)
		}
		if leafLevel {
			break
		}
		level = next
	}
	var keys [][]byte
	for _, s := range level[min(1, len(level)):] {
		if s.lo != nil {
			keys = append(keys, s.lo)
		}
	}
	return keys, nil
}
