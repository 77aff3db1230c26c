package eval

import (
	"io"
	"unsafe"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Hash aggregation past work_mem, as PostgreSQL 13+ does it: while the
// groups fit in hash_mem (work_mem times hash_mem_multiplier) every row
// is aggregated in memory; once they do not, rows of groups already in
// the table still are, but a row that would start a new group is
// written, as it came in, to one of aggPartitions temporary files chosen
// by its group key's hash. Each group is therefore wholly in memory or
// wholly in one partition. After the in-memory groups are returned, each
// partition is aggregated the same way by an aggIter of its own, one
// level deeper (another hash, so a partition still too big splits
// again).

// aggPartitions is the fan-out of one spill.
const aggPartitions = 16

// aggSpill is an aggIter's spilling state.
type aggSpill struct {
	conf     spillConf
	canSpill bool
	level    int
	mem      int64 // estimated bytes of the groups in memory
	parts    []*rowFile
	types    []*types.T
	stats    *planner.MemStats
	// sub aggregates partition next-1 while the output reads it.
	sub  *aggIter
	next int
	disk int64
}

// aggStateSize is the fixed size of one aggregate's state.
var aggStateSize = int64(unsafe.Sizeof(aggState{}))

// spillRow is called for each input row that would start a new group,
// whose key is keybuf and values key: it reports whether the row went to
// a partition instead (memory is full), and otherwise counts the new
// group's memory.
func (it *aggIter) spillRow(row []types.Datum, keybuf []byte, key []types.Datum) (bool, error) {
	s := it.spill
	if s == nil {
		s = &aggSpill{conf: it.c.spillConf(true)}
		// (The per-set aggregations of grouping sets have no Input node;
		// they stay in memory.)
		if it.n.Input != nil {
			s.types = it.n.Input.Output()
		}
		s.canSpill = s.conf.space != nil && len(it.n.GroupBy) > 0 && s.types != nil && spillable(s.types)
		if it.level == 0 {
			s.stats = it.c.memStats(it.n)
		}
		it.spill, s.level = s, it.level
	}
	if s.parts == nil {
		s.mem += rowSize(key) + int64(len(keybuf)) + 96 + int64(len(it.n.Aggs))*aggStateSize
		if !s.canSpill || s.mem <= s.conf.limit || s.level >= maxSpillLevel {
			return false, nil
		}
		s.parts = make([]*rowFile, aggPartitions)
	}
	p := spillHash(keybuf, s.level) % aggPartitions
	f := s.parts[p]
	if f == nil {
		var err error
		if f, err = s.conf.newRowFile(s.types); err != nil {
			return false, err
		}
		s.parts[p] = f
	}
	return true, f.writeRow(row)
}

// finishStats records what the aggregation used once the input is read:
// the top level counts its in-memory batch, every level its partitions.
func (it *aggIter) finishStats() {
	var st *planner.MemStats
	switch {
	case it.level == 0:
		st = it.c.memStats(it.n)
	case it.parent != nil:
		st = it.parent.stats
	}
	if st == nil {
		return
	}
	if it.level == 0 {
		st.Batches++
	}
	s := it.spill
	if s == nil {
		return
	}
	st.Memory = max(st.Memory, s.mem)
	for _, f := range s.parts {
		if f != nil {
			f.flush()
			st.Disk += f.size()
			st.Batches++
		}
	}
}

// nextSpilled returns the groups of the spilled partitions once the
// in-memory ones are out, or io.EOF.
func (it *aggIter) nextSpilled() ([]types.Datum, error) {
	s := it.spill
	if s == nil || s.parts == nil {
		return nil, io.EOF
	}
	for {
		if s.sub != nil {
			row, err := s.sub.next()
			if err != io.EOF {
				return row, err
			}
			s.sub.close()
			s.parts[s.next-1].remove()
			s.sub = nil
		}
		for s.next < len(s.parts) && s.parts[s.next] == nil {
			s.next++
		}
		if s.next >= len(s.parts) {
			return nil, io.EOF
		}
		r, err := s.parts[s.next].rows(it.c)
		if err != nil {
			return nil, err
		}
		s.next++
		st := s.stats
		if st == nil && it.parent != nil {
			st = it.parent.stats
		}
		s.sub = &aggIter{c: it.c, in: r, n: it.n, level: it.level + 1, parent: &aggSpill{stats: st}}
	}
}

// closeSpill removes the partitions.
func (it *aggIter) closeSpill() {
	s := it.spill
	if s == nil {
		return
	}
	if s.sub != nil {
		s.sub.close()
		s.sub = nil
	}
	for _, f := range s.parts {
		f.remove()
	}
	s.parts = nil
}

// remove on a nil *rowFile does nothing (partitions nobody wrote to).
func (f *rowFile) remove() {
	if f != nil {
		f.spillFile.remove()
	}
}
