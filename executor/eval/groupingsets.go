package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// groupingSetsIter is an Agg with grouping sets: the input is read once
// into memory, then aggregated once per set (an ordinary aggregation over
// the set's expressions), each output row widened to every grouping
// expression (NULL for those not in the set) plus the set's bitmask.
type groupingSetsIter struct {
	c      *evalCtx
	in     iterator
	n      *planner.Agg
	rows   [][]types.Datum
	loaded bool
	set    int
	cur    *aggIter
}

func (it *groupingSetsIter) next() ([]types.Datum, error) {
	if !it.loaded {
		it.loaded = true
		rows, err := it.c.drain(it.in)
		if err != nil {
			return nil, err
		}
		it.rows = rows
	}
	ng := len(it.n.GroupBy)
	for {
		if it.cur == nil {
			if it.set >= len(it.n.Sets) {
				return nil, io.EOF
			}
			sub := &planner.Agg{Aggs: it.n.Aggs}
			for _, g := range it.n.Sets[it.set] {
				sub.GroupBy = append(sub.GroupBy, it.n.GroupBy[g])
			}
			it.cur = &aggIter{c: it.c, in: &workIter{rows: it.rows}, n: sub}
		}
		row, err := it.cur.next()
		if err == io.EOF {
			it.cur.close()
			it.cur = nil
			it.set++
			continue
		}
		if err != nil {
			return nil, err
		}
		set := it.n.Sets[it.set]
		out := make([]types.Datum, ng+len(it.n.Aggs)+1)
		mask := int64(1)<<ng - 1
		for j, g := range set {
			out[g] = row[j]
			mask &^= 1 << g
		}
		copy(out[ng:], row[len(set):])
		out[len(out)-1] = mask
		return out, nil
	}
}

func (it *groupingSetsIter) close() {
	it.loaded, it.rows, it.set = true, nil, len(it.n.Sets)
	if it.cur != nil {
		it.cur.close()
		it.cur = nil
	}
	it.in.close()
}

// groupingValue computes GROUPING(args) from the row's set bitmask.
func groupingValue(g *planner.GroupingFunc, row []types.Datum) types.Datum {
	if g.Col < 0 {
		return int64(0)
	}
	mask, _ := row[g.Col].(int64)
	var v int64
	for i, bit := range g.Bits {
		if mask&(1<<bit) != 0 {
			v |= 1 << (len(g.Bits) - 1 - i)
		}
	}
	return v
}
