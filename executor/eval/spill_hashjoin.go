package eval

import (
	"encoding/binary"
	"io"
	"math/bits"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Hash join past work_mem: a Grace hash join. The right (build) side is
// read into memory while it fits in hash_mem (work_mem times
// hash_mem_multiplier); when it does not, every right row (those read
// and the rest) is written to one of joinPartitions temporary files by
// its key's hash, then every left row to the left file of the same
// number. Rows that can match have equal keys, so they land in the same
// partition, and each partition pair is then an ordinary in-memory hash
// join (a hashJoinIter one level deeper, which splits again on another
// hash when its own right side is still too big). A left row with a NULL
// key matches nothing but is still an output row for LEFT, FULL and anti
// joins, and a right row with a NULL key is one for FULL and RIGHT joins, so those
// are spread over the partitions like the rest; every join kind is
// therefore correct partition by partition.

// joinPartitions is the fan-out of one spill.
const joinPartitions = 32

// joinSpill is a hashJoinIter's memory accounting.
type joinSpill struct {
	conf     spillConf
	canSpill bool
	level    int
	mem      int64
	stats    *planner.MemStats // the top level's, where all levels report
}

// initSpill reads the limits before the right side is loaded.
func (it *hashJoinIter) initSpill() {
	s := &it.spill
	s.conf = it.c.spillConf(true)
	s.canSpill = s.conf.space != nil && s.level < maxSpillLevel &&
		spillable(it.n.Left.Output()) && spillable(it.n.Right.Output())
	if s.level == 0 {
		s.stats = it.c.memStats(it.n)
	}
}

// overMemory counts a loaded right row and reports whether the join must
// spill now.
func (it *hashJoinIter) overMemory(row []types.Datum) bool {
	s := &it.spill
	s.mem += rowSize(row) + 16
	return s.canSpill && s.mem > s.conf.limit
}

// loadStats records the hash table of an in-memory (part of the) join.
func (it *hashJoinIter) loadStats() {
	st := it.spill.stats
	if st == nil {
		return
	}
	st.Buckets = max(st.Buckets, int64(1)<<max(10, bits.Len(uint(len(it.rows)))))
	st.Memory = max(st.Memory, it.spill.mem)
	if it.spill.level == 0 {
		st.Batches = 1
	}
}

// graceJoin runs the partitions of a spilled hash join one after another.
type graceJoin struct {
	it            *hashJoinIter
	lfiles, rfile []*rowFile
	cur           *hashJoinIter
	next          int
	spread        int // round robin for NULL keys
	steps         int
	keyb          []byte
}

// partitionAll writes every row of src to its partition among files,
// dropping rows whose key is NULL when dropNull is set.
func (g *graceJoin) partitionAll(src iterator, files []*rowFile, rowTypes []*types.T, keys []planner.Expr, keyTypes []*types.T, dropNull bool) error {
	for {
		row, err := src.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := g.it.tick(); err != nil {
			return err
		}
		if dropNull {
			p, err := g.partition(keys, keyTypes, row)
			if err != nil {
				return err
			}
			if p < 0 {
				continue
			}
		}
		if err := g.write(files, rowTypes, keys, keyTypes, row); err != nil {
			return err
		}
	}
}

// startGrace partitions both sides of the join to temporary files; the
// right rows loaded so far are it.rows, the rest still in it.right.
func (it *hashJoinIter) startGrace() error {
	g := &graceJoin{it: it, lfiles: make([]*rowFile, joinPartitions), rfile: make([]*rowFile, joinPartitions)}
	it.grace = g
	full := it.keepsRight()
	rtypes, ltypes := it.n.Right.Output(), it.n.Left.Output()
	for i, row := range it.rows {
		if err := g.write(g.rfile, rtypes, it.n.RightKeys, it.rtypes, row); err != nil {
			return err
		}
		it.rows[i] = nil
	}
	it.rows, it.table, it.itable = nil, nil, nil
	// Rows with a NULL key never match: unless the join outputs them (a
	// FULL join's right rows, an outer join's left rows), they are dropped
	// here.
	if err := g.partitionAll(it.buildRest(), g.rfile, rtypes, it.n.RightKeys, it.rtypes, !full); err != nil {
		return err
	}
	it.right.close()
	keepNullLeft := it.n.Kind != planner.InnerJoin && it.n.Kind != planner.SemiJoin && it.n.Kind != planner.RightJoin
	if err := g.partitionAll(it.left, g.lfiles, ltypes, it.n.LeftKeys, it.ltypes, !keepNullLeft); err != nil {
		return err
	}
	it.left.close()
	if st := it.spill.stats; st != nil {
		st.Memory = max(st.Memory, it.spill.mem)
		if it.spill.level == 0 {
			st.Batches = 0
		} else {
			st.Batches-- // this partition is split into others
		}
		for i := range joinPartitions {
			for _, f := range []*rowFile{g.lfiles[i], g.rfile[i]} {
				if f != nil {
					f.flush()
					st.Disk += f.size()
				}
			}
		}
	}
	return nil
}

// partition returns row's partition by its key values, -1 when a key is
// NULL.
func (g *graceJoin) partition(keys []planner.Expr, ts []*types.T, row []types.Datum) (int, error) {
	it := g.it
	if it.single {
		n, ok, err := it.ikey(keys[0], row)
		if err != nil || !ok {
			return -1, err
		}
		g.keyb = binary.LittleEndian.AppendUint64(append(g.keyb[:0], 2), uint64(n))
		return int(spillHash(g.keyb, it.spill.level) % joinPartitions), nil
	}
	ok, err := it.key(keys, ts, row)
	if err != nil || !ok {
		return -1, err
	}
	return int(spillHash(it.keyBuf, it.spill.level) % joinPartitions), nil
}

// write adds row to its partition's file in files (a NULL key: the next
// one in turn).
func (g *graceJoin) write(files []*rowFile, rowTypes []*types.T, keys []planner.Expr, keyTypes []*types.T, row []types.Datum) error {
	p, err := g.partition(keys, keyTypes, row)
	if err != nil {
		return err
	}
	if p < 0 {
		p = g.spread % joinPartitions
		g.spread++
	}
	if files[p] == nil {
		if files[p], err = g.it.spill.conf.newRowFile(rowTypes); err != nil {
			return err
		}
	}
	return files[p].writeRow(row)
}

// nextRow returns the next row of the partitions' joins.
func (g *graceJoin) nextRow() ([]types.Datum, error) {
	if g.steps++; g.steps%4096 == 0 {
		if err := g.it.c.ctx.Err(); err != nil {
			return nil, err
		}
	}
	for {
		if g.cur != nil {
			row, err := g.cur.next()
			if err != io.EOF {
				return row, err
			}
			g.cur.close()
			g.cur = nil
			g.lfiles[g.next-1].remove()
			g.rfile[g.next-1].remove()
		}
		for g.next < joinPartitions && g.empty(g.next) {
			g.lfiles[g.next].remove()
			g.rfile[g.next].remove()
			g.next++
		}
		if g.next >= joinPartitions {
			return nil, io.EOF
		}
		p := g.next
		g.next++
		var l, r iterator = emptyIter{}, emptyIter{}
		if f := g.lfiles[p]; f != nil {
			rr, err := f.rows(g.it.c)
			if err != nil {
				return nil, err
			}
			l = rr
		}
		if f := g.rfile[p]; f != nil {
			rr, err := f.rows(g.it.c)
			if err != nil {
				return nil, err
			}
			r = rr
		}
		sub := newHashJoin(g.it.c, g.it.n, l, r)
		sub.spill.level = g.it.spill.level + 1
		sub.spill.stats = g.it.spill.stats
		if st := g.it.spill.stats; st != nil {
			st.Batches++
		}
		g.cur = sub
	}
}

// empty reports whether nothing can come out of partition p: no right
// rows and no left rows that are output unmatched, or no left rows and
// no right rows that are.
func (g *graceJoin) empty(p int) bool {
	k := g.it.n.Kind
	if g.rfile[p] == nil {
		return g.lfiles[p] == nil || k == planner.InnerJoin || k == planner.SemiJoin
	}
	return g.lfiles[p] == nil && k != planner.FullJoin && k != planner.RightJoin
}

// close removes every partition file.
func (g *graceJoin) close() {
	if g.cur != nil {
		g.cur.close()
		g.cur = nil
	}
	for i := range g.lfiles {
		g.lfiles[i].remove()
		g.rfile[i].remove()
	}
	g.next = joinPartitions
}

// emptyIter has no rows.
type emptyIter struct{}

func (emptyIter) next() ([]types.Datum, error) { return nil, io.EOF }
func (emptyIter) close()                       {}
