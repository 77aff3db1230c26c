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
	leaves, _, err := t.leafLevel()
	if err != nil {
		return 0, err
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

// Pages returns the number of node pages in the tree (internal nodes and
// leaves, not overflow pages) by walking its internal levels only: the
// size pg_relation_size reports, read the way Estimate reads the tree (an
// empty tree counts 0).
func (t *Tree) Pages() (int64, error) {
	leaves, internal, err := t.leafLevel()
	if err != nil {
		return 0, err
	}
	if internal == 0 && len(leaves) == 1 {
		// An empty table has no pages in PostgreSQL; here it still
		// has its root leaf, which holds nothing.
		f, err := t.bp.Get(leaves[0])
		if err != nil {
			return 0, err
		}
		n := node(f.Data()).count()
		t.bp.Unpin(f)
		if n == 0 {
			return 0, nil
		}
	}
	return int64(len(leaves) + internal), nil
}

// leafLevel walks the internal nodes from the root and returns the page
// numbers of the leaves in key order and how many internal nodes it read.
func (t *Tree) leafLevel() (leaves []pager.PageNo, internal int, err error) {
	level := []pager.PageNo{t.root}
	for depth := 0; depth <= 64; depth++ {
		var next []pager.PageNo
		for _, no := range level {
			f, err := t.bp.Get(no)
			if err != nil {
				return nil, 0, err
			}
			d := f.Data()
			if pager.Type(d) != pager.TypeInternal {
				t.bp.Unpin(f)
				return level, internal, nil
			}
			internal++
			n := node(d)
			for i := 0; i <= n.count(); i++ {
				next = append(next, pager.PageNo(n.child(i)))
			}
			t.bp.Unpin(f)
		}
		level = next
	}
	return nil, internal, nil
}
