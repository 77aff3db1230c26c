package btree

import (
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// estimateSamples is how many leaves Estimate reads to learn the average
// number of entries per leaf.
const estimateSamples = 8

// Estimate returns the approximate number of entries in the tree without
// reading every leaf: it walks the internal nodes (a small share of the
// tree), counts the leaves below them and multiplies by the average
// entry count of a few leaves spread across the key range. This is what
// PostgreSQL's planner does with relpages and reltuples when a table was
// never analyzed: a size from the file, a density from a sample.
func (t *Tree) Estimate() (int64, error) {
	var leaves []pager.PageNo
	level := []pager.PageNo{t.root}
	for depth := 0; depth <= 64; depth++ {
		var next []pager.PageNo
		leafLevel := false
		for _, no := range level {
			f, err := t.bp.Get(no)
			if err != nil {
				return 0, err
			}
			d := f.Data()
			if pager.Type(d) != pager.TypeInternal {
				t.bp.Unpin(f)
				leafLevel = true
				break
			}
			n := node(d)
			for i := 0; i <= n.count(); i++ {
				next = append(next, pager.PageNo(n.child(i)))
			}
			t.bp.Unpin(f)
		}
		if leafLevel {
			leaves = level
			break
		}
		level = next
	}
	if len(leaves) == 0 {
		return 0, nil
	}
	step := len(leaves) / estimateSamples
	if step == 0 {
		step = 1
	}
	var sampled, entries int64
	for i := 0; i < len(leaves) && sampled < estimateSamples; i += step {
		f, err := t.bp.Get(leaves[i])
		if err != nil {
			return 0, err
		}
		entries += int64(node(f.Data()).count())
		t.bp.Unpin(f)
		sampled++
	}
	if sampled == int64(len(leaves)) {
		return entries, nil
	}
	return entries * int64(len(leaves)) / sampled, nil
}
