package eval

import (
	"container/heap"
	"encoding/binary"
	"io"
	"math"
	"slices"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// sortIter is planner.Sort, as PostgreSQL's tuplesort does it:
//
//   - rows are kept in memory while they fit in work_mem (rowSize), then
//     sorted (a stable sort: equal rows keep their input order) and
//     returned: "quicksort";
//   - past work_mem, each memory-full is sorted and written to a temporary
//     file as a run, and the runs (the last one stays in memory) are
//     merged with a heap, fewer than maxMergeOrder at a time: "external
//     merge". Equal rows come out in input order here too, since runs are
//     cut in input order and the merge prefers the earlier run;
//   - under a LIMIT (setBound), once more than twice the bound has been
//     read, only the best bound rows are kept in a bounded heap:
//     "top-N heapsort".
type sortIter struct {
	c      *evalCtx
	in     iterator
	n      *planner.Sort
	types  []*types.T
	rows   [][]types.Datum
	sorted bool
	pos    int // next row of rows
	// memHeld is what the sorted rows in memory were charged to the
	// query's memory account (released by close).
	memHeld int64
	// bound is the number of rows a LIMIT above wants (0: all).
	bound int64
	// out is the merge of the runs when the sort spilled.
	merge *runMerge
	runs  []*rowFile
	disk  int64 // bytes written to runs
}

// maxMergeOrder is the most runs merged at once (each has a read buffer
// of spillBufSize).
const maxMergeOrder = 64

func newSortIter(c *evalCtx, in iterator, n *planner.Sort) *sortIter {
	return &sortIter{c: c, in: in, n: n, types: n.Input.Output()}
}

// setBound tells the sort that only the first n rows will be read
// (PostgreSQL's ExecSetTupleBound); called before the first next.
func (it *sortIter) setBound(n int64) {
	// A bound past what memory could hold anyway (or one that
	// overflowed: OFFSET + LIMIT near 2^63) is no bound.
	if !it.sorted && n > 0 && n < 1<<40 {
		it.bound = n
	}
}

// cmp orders two rows by the sort keys.
func (it *sortIter) cmp(a, b []types.Datum) int {
	for _, k := range it.n.Keys {
		if r := compareNullsLast(it.types[k.Col], a[k.Col], b[k.Col], k.Desc, k.NullsFirst); r != 0 {
			return r
		}
	}
	return 0
}

func (it *sortIter) next() ([]types.Datum, error) {
	if !it.sorted {
		it.sorted = true
		if err := it.load(); err != nil {
			return nil, err
		}
	}
	if it.merge != nil {
		return it.merge.next()
	}
	if it.pos >= len(it.rows) {
		return nil, io.EOF
	}
	row := it.rows[it.pos]
	it.rows[it.pos] = nil // the caller keeps it; the sort no longer needs it
	it.pos++
	return row, nil
}

// load reads the input and sorts it, in memory or in runs.
func (it *sortIter) load() error {
	conf := it.c.spillConf(false)
	st := it.c.memStats(it.n)
	canSpill := conf.space != nil && spillable(it.types)
	var mem, peak int64
	var top *topN
	// The input is read a batch at a time (the sort reads all of it
	// anyway); cancellation is the operator wrapper's, per batch.
	src := batchesOf(it.in)
	var b batch
	for {
		if err := src.nextBatch(&b); err != nil {
			if err == io.EOF {
				break
			}
			return err
		}
		if top != nil {
			for _, row := range b.rows {
				top.add(row)
			}
			continue
		}
		for bi, row := range b.rows {
			it.rows = append(it.rows, row)
			mem += rowSize(row)
			if n := int64(len(it.rows)); it.bound > 0 && len(it.runs) == 0 && (n > 2*it.bound || n > it.bound && mem > conf.limit) {
				// Past twice the bound (or the bound and work_mem) a
				// bounded heap is cheaper than sorting everything:
				// tuplesort's switch to top-N.
				top = newTopN(it, it.bound)
				for _, r := range it.rows {
					top.add(r)
				}
				for _, r := range b.rows[bi+1:] {
					top.add(r)
				}
				it.rows = nil
				peak = max(peak, mem)
				break
			}
			if mem > conf.limit && canSpill {
				peak = max(peak, mem)
				if err := it.writeRun(&conf); err != nil {
					return err
				}
				mem = 0
			}
		}
	}
	it.c.mem.grow(mem)
	it.memHeld = mem
	it.in.close()
	if top != nil {
		it.rows = top.sorted()
		if st != nil {
			st.SortMethod, st.Memory = "top-N heapsort", top.mem
		}
		return nil
	}
	it.rows = it.sortRows(it.rows)
	peak = max(peak, mem)
	if len(it.runs) == 0 {
		if st != nil {
			st.SortMethod, st.Memory = "quicksort", peak+int64(24*cap(it.rows))
		}
		return nil
	}
	m, err := it.mergeRuns(&conf)
	if err != nil {
		return err
	}
	it.merge = m
	if st != nil {
		st.SortMethod, st.Memory, st.Disk = "external merge", peak, it.disk
	}
	return nil
}

// sortRows returns rows sorted stably. Like PostgreSQL's abbreviated
// keys, each row's first sort key is reduced to a uint64 whose order is
// the key's (exactly for integers, dates, times and floats; the first 8
// bytes of a string), so most comparisons read one flat array instead of
// chasing each row's datums; equal abbreviations fall back to the full
// comparison, and then to the rows' positions, which makes the (pdqsort)
// sort stable. A stable sort of the rows themselves makes O(n log² n)
// comparisons, seconds on a million rows.
func (it *sortIter) sortRows(rows [][]types.Datum) [][]types.Datum {
	if len(rows) < 2 {
		return rows
	}
	k := it.n.Keys[0]
	abbrev, exact := abbreviator(it.types[k.Col])
	exact = exact && len(it.n.Keys) == 1
	ents := make([]sortEnt, len(rows))
	for i, row := range rows {
		e := sortEnt{idx: int32(i)}
		if v := row[k.Col]; v == nil {
			e.null = 1
			if k.NullsFirst {
				e.null = -1
			}
		} else if abbrev != nil {
			e.ab = abbrev(v)
			if k.Desc {
				e.ab = ^e.ab
			}
		}
		ents[i] = e
	}
	slices.SortFunc(ents, func(a, b sortEnt) int {
		if a.null != b.null {
			return int(a.null) - int(b.null)
		}
		if a.ab != b.ab {
			if a.ab < b.ab {
				return -1
			}
			return 1
		}
		if !exact || a.null != 0 {
			if r := it.cmp(rows[a.idx], rows[b.idx]); r != 0 {
				return r
			}
		}
		return int(a.idx - b.idx)
	})
	out := make([][]types.Datum, len(rows))
	for i, e := range ents {
		out[i] = rows[e.idx]
	}
	return out
}

// sortEnt is a row's place in sortRows: its first key's abbreviation,
// where NULL goes (-1 first, 1 last) and its position.
type sortEnt struct {
	ab   uint64
	idx  int32
	null int8
}

// abbreviator returns the function that abbreviates a non-NULL value of
// t into a uint64 ordered as types.Compare orders the values, and whether
// equal abbreviations mean equal values; nil when t has none.
func abbreviator(t *types.T) (func(types.Datum) uint64, bool) {
	switch t.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid:
		return func(v types.Datum) uint64 {
			n, _ := v.(int64)
			return uint64(n) ^ 1<<63
		}, true
	case types.OidDate:
		return func(v types.Datum) uint64 {
			n, _ := v.(types.DateVal)
			return uint64(int64(n)) ^ 1<<63
		}, true
	case types.OidTimestamp:
		return func(v types.Datum) uint64 {
			n, _ := v.(types.TimestampVal)
			return uint64(int64(n)) ^ 1<<63
		}, true
	case types.OidTimestampTZ:
		return func(v types.Datum) uint64 {
			n, _ := v.(types.TimestampTZVal)
			return uint64(int64(n)) ^ 1<<63
		}, true
	case types.OidFloat4, types.OidFloat8:
		return func(v types.Datum) uint64 {
			f, _ := v.(float64)
			switch {
			case math.IsNaN(f):
				return math.MaxUint64 // NaN sorts after everything, equal to itself
			case f == 0:
				f = 0 // -0 = 0
			}
			b := math.Float64bits(f)
			if b>>63 != 0 {
				return ^b
			}
			return b | 1<<63
		}, true
	case types.OidText, types.OidVarchar, types.OidName:
		return func(v types.Datum) uint64 {
			s, _ := v.(string)
			var b [8]byte
			copy(b[:], s)
			return binary.BigEndian.Uint64(b[:])
		}, false
	}
	return nil, false
}

// writeRun sorts the rows in memory and writes them out as a run.
func (it *sortIter) writeRun(conf *spillConf) error {
	it.rows = it.sortRows(it.rows)
	f, err := conf.newRowFile(it.types)
	if err != nil {
		return err
	}
	it.runs = append(it.runs, f)
	for i, r := range it.rows {
		if err := f.writeRow(r); err != nil {
			return err
		}
		it.rows[i] = nil
	}
	it.rows = it.rows[:0]
	err = f.flush()
	it.disk += f.size()
	return err
}

// mergeRuns merges runs maxMergeOrder at a time into longer ones until
// one last merge (with the rows still in memory) can make the output.
func (it *sortIter) mergeRuns(conf *spillConf) (*runMerge, error) {
	done := 0 // runs before this one are merged into later ones
	for len(it.runs)-done+1 > maxMergeOrder {
		group := it.runs[done : done+maxMergeOrder]
		m, err := it.newMerge(group, nil)
		if err != nil {
			return nil, err
		}
		f, err := conf.newRowFile(it.types)
		if err != nil {
			return nil, err
		}
		for {
			row, err := m.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.remove()
				return nil, err
			}
			if err := f.writeRow(row); err != nil {
				f.remove()
				return nil, err
			}
		}
		if err := f.flush(); err != nil {
			f.remove()
			return nil, err
		}
		it.disk += f.size()
		// The merged runs go; the new run holds the earliest rows of
		// those left, so it takes the last merged run's place, before
		// the rest, which keeps the merge stable.
		for _, r := range group {
			r.remove()
		}
		it.runs[done+maxMergeOrder-1] = f
		done += maxMergeOrder - 1
	}
	live := it.runs[done:]
	m, err := it.newMerge(live, it.rows)
	it.rows = nil
	return m, err
}

// newMerge starts a merge of runs (in input order) and then mem.
func (it *sortIter) newMerge(runs []*rowFile, mem [][]types.Datum) (*runMerge, error) {
	m := &runMerge{it: it}
	for i, f := range runs {
		r, err := f.rows(it.c)
		if err != nil {
			return nil, err
		}
		if err := m.push(r, nil, i); err != nil {
			return nil, err
		}
	}
	if len(mem) > 0 {
		if err := m.push(nil, mem, len(runs)); err != nil {
			return nil, err
		}
	}
	heap.Init(m)
	return m, nil
}

func (it *sortIter) close() {
	it.in.close()
	it.c.mem.shrink(it.memHeld)
	it.memHeld = 0
	it.sorted, it.rows, it.pos, it.merge = true, nil, 0, nil
	for _, r := range it.runs {
		r.remove()
	}
	it.runs = nil
}

// runMerge is a k-way merge of sorted runs: a heap of each run's next
// row, ordered by the sort keys and then by the run's place in the input.
type runMerge struct {
	it      *sortIter
	sources []mergeSource
}

type mergeSource struct {
	r   *rowReader      // a run on disk, or
	mem [][]types.Datum // the last run, in memory
	row []types.Datum
	ord int
}

// push adds a source with its first row (none: it is left out).
func (m *runMerge) push(r *rowReader, mem [][]types.Datum, ord int) error {
	s := mergeSource{r: r, mem: mem, ord: ord}
	ok, err := s.advance()
	if err != nil || !ok {
		return err
	}
	m.sources = append(m.sources, s)
	return nil
}

// advance moves s to its next row; false at its end.
func (s *mergeSource) advance() (bool, error) {
	if s.r == nil {
		if len(s.mem) == 0 {
			return false, nil
		}
		s.row, s.mem[0], s.mem = s.mem[0], nil, s.mem[1:]
		return true, nil
	}
	row, err := s.r.next()
	if err == io.EOF {
		return false, nil
	}
	s.row = row
	return err == nil, err
}

func (m *runMerge) next() ([]types.Datum, error) {
	if len(m.sources) == 0 {
		return nil, io.EOF
	}
	s := &m.sources[0]
	row := s.row
	ok, err := s.advance()
	if err != nil {
		return nil, err
	}
	if ok {
		heap.Fix(m, 0)
	} else {
		heap.Pop(m)
	}
	return row, nil
}

func (m *runMerge) Len() int { return len(m.sources) }
func (m *runMerge) Less(i, j int) bool {
	if r := m.it.cmp(m.sources[i].row, m.sources[j].row); r != 0 {
		return r < 0
	}
	return m.sources[i].ord < m.sources[j].ord
}
func (m *runMerge) Swap(i, j int) { m.sources[i], m.sources[j] = m.sources[j], m.sources[i] }
func (m *runMerge) Push(x any)    { m.sources = append(m.sources, x.(mergeSource)) }
func (m *runMerge) Pop() any {
	s := m.sources[len(m.sources)-1]
	m.sources = m.sources[:len(m.sources)-1]
	return s
}

// topN keeps the best bound rows seen: a heap with the worst on top, so
// a new row either replaces it or is dropped. Rows carry their input
// sequence number, which breaks ties so that the result is what a
// stable sort of all the rows would have started with.
type topN struct {
	it    *sortIter
	bound int
	rows  []seqRow
	seq   int64
	mem   int64
}

type seqRow struct {
	row []types.Datum
	seq int64
}

func newTopN(it *sortIter, bound int64) *topN {
	return &topN{it: it, bound: int(bound), rows: make([]seqRow, 0, min(bound, 4096))}
}

// worse reports whether a sorts after b.
func (t *topN) worse(a, b seqRow) bool {
	if r := t.it.cmp(a.row, b.row); r != 0 {
		return r > 0
	}
	return a.seq > b.seq
}

func (t *topN) Len() int           { return len(t.rows) }
func (t *topN) Less(i, j int) bool { return t.worse(t.rows[i], t.rows[j]) }
func (t *topN) Swap(i, j int)      { t.rows[i], t.rows[j] = t.rows[j], t.rows[i] }
func (t *topN) Push(x any)         { t.rows = append(t.rows, x.(seqRow)) }
func (t *topN) Pop() any {
	r := t.rows[len(t.rows)-1]
	t.rows = t.rows[:len(t.rows)-1]
	return r
}

func (t *topN) add(row []types.Datum) {
	r := seqRow{row: row, seq: t.seq}
	t.seq++
	if len(t.rows) < t.bound {
		heap.Push(t, r)
		t.mem += rowSize(row) + 16
		return
	}
	if t.worse(r, t.rows[0]) {
		return
	}
	t.mem += rowSize(row) - rowSize(t.rows[0].row)
	t.rows[0] = r
	heap.Fix(t, 0)
}

// sorted returns the kept rows, best first.
func (t *topN) sorted() [][]types.Datum {
	out := make([][]types.Datum, len(t.rows))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(t).(seqRow).row
	}
	return out
}

// bounder is an operator told how many of its rows will be read at most
// (a Sort below a LIMIT, and the operators that pass the bound down).
type bounder interface{ setBound(n int64) }

// setBound passes a LIMIT's row count down to it when it can use it.
func setBound(it iterator, n int64) {
	if b, ok := it.(bounder); ok {
		b.setBound(n)
	}
}

// setBound passes the bound through a projection, which keeps the row
// count.
func (it *projectIter) setBound(n int64) { setBound(it.in, n) }
