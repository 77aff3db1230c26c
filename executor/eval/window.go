package eval

import (
	"io"
	"sort"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// windowIter is planner.Window: it reads all its input, computes every
// window function for every row (each over its partitions, sorted by its
// ORDER BY), then returns the rows, each with the functions' values
// appended, in input order.
type windowIter struct {
	c    *evalCtx
	in   iterator
	n    *planner.Window
	rows [][]types.Datum
	i    int
	done bool
	// mem is what the rows were charged to the query's memory account.
	mem int64
}

func (it *windowIter) next() ([]types.Datum, error) {
	if !it.done {
		it.done = true
		if err := it.compute(); err != nil {
			return nil, err
		}
	}
	if it.i >= len(it.rows) {
		return nil, io.EOF
	}
	it.i++
	return it.rows[it.i-1], nil
}

func (it *windowIter) close() {
	it.in.close()
	it.c.mem.shrink(it.mem)
	it.mem = 0
	it.rows, it.done = nil, true
}

func (it *windowIter) compute() error {
	// The input is read in batches (all of it is needed before the first
	// row); each row gets room for the functions' values, the rows of a
	// batch carved from one allocation.
	w := len(it.n.Input.Output()) + len(it.n.Funcs)
	err := eachBatch(it.in, func(rows [][]types.Datum) error {
		slab := make([]types.Datum, w*len(rows))
		for i, row := range rows {
			out := slab[i*w : (i+1)*w : (i+1)*w]
			copy(out, row)
			it.rows = append(it.rows, out)
			it.mem += rowSize(out)
		}
		return nil
	})
	if err != nil {
		return err
	}
	it.c.mem.grow(it.mem)
	it.in.close()
	base := len(it.n.Input.Output())
	for k, f := range it.n.Funcs {
		if err := it.computeFunc(f, base+k); err != nil {
			return err
		}
	}
	return nil
}

// winRow is one row's sort keys for a window.
type winRow struct {
	idx   int
	part  []types.Datum
	order []types.Datum
}

func (it *windowIter) computeFunc(f *planner.WindowFunc, col int) error {
	c := it.c
	saved := c.row
	defer func() { c.row = saved }()
	keys := make([]winRow, len(it.rows))
	for i, row := range it.rows {
		c.row = row
		k := winRow{idx: i}
		for _, e := range f.Partition {
			v, err := c.eval(e)
			if err != nil {
				return err
			}
			k.part = append(k.part, v)
		}
		for _, o := range f.Order {
			v, err := c.eval(o.Expr)
			if err != nil {
				return err
			}
			k.order = append(k.order, v)
		}
		keys[i] = k
	}
	cmpPart := func(a, b []types.Datum) int {
		for j, e := range f.Partition {
			if r := compareNullsLast(e.Type(), a[j], b[j], false, false); r != 0 {
				return r
			}
		}
		return 0
	}
	cmpOrder := func(a, b []types.Datum) int {
		for j, o := range f.Order {
			if r := compareNullsLast(o.Expr.Type(), a[j], b[j], o.Desc, o.NullsFirst); r != 0 {
				return r
			}
		}
		return 0
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if r := cmpPart(keys[i].part, keys[j].part); r != 0 {
			return r < 0
		}
		return cmpOrder(keys[i].order, keys[j].order) < 0
	})
	for s := 0; s < len(keys); {
		e := s + 1
		for e < len(keys) && cmpPart(keys[s].part, keys[e].part) == 0 {
			e++
		}
		if err := it.partition(f, col, keys[s:e], cmpOrder); err != nil {
			return err
		}
		s = e
	}
	return nil
}

// partition computes f over one partition, sorted.
func (it *windowIter) partition(f *planner.WindowFunc, col int, p []winRow, cmpOrder func(a, b []types.Datum) int) error {
	c := it.c
	n := len(p)
	// peerEnd[i] is one past the last peer of row i; peerStart the first.
	peerStart, peerEnd := make([]int, n), make([]int, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && cmpOrder(p[i].order, p[j].order) == 0 {
			j++
		}
		for k := i; k < j; k++ {
			peerStart[k], peerEnd[k] = i, j
		}
		i = j
	}
	set := func(i int, v types.Datum) { it.rows[p[i].idx][col] = v }
	argsAt := func(i int) ([]types.Datum, error) {
		c.row = it.rows[p[i].idx]
		out := make([]types.Datum, len(f.Args))
		for j, a := range f.Args {
			v, err := c.eval(a)
			if err != nil {
				return nil, err
			}
			out[j] = v
		}
		return out, nil
	}
	switch f.Kind {
	case planner.WinRowNumber:
		for i := range p {
			set(i, int64(i+1))
		}
		return nil
	case planner.WinRank, planner.WinDenseRank, planner.WinPercentRank, planner.WinCumeDist:
		dense := int64(0)
		for i := range p {
			if peerStart[i] == i {
				dense++
			}
			switch f.Kind {
			case planner.WinRank:
				set(i, int64(peerStart[i]+1))
			case planner.WinDenseRank:
				set(i, dense)
			case planner.WinPercentRank:
				if n == 1 {
					set(i, 0.0)
				} else {
					set(i, float64(peerStart[i])/float64(n-1))
				}
			case planner.WinCumeDist:
				set(i, float64(peerEnd[i])/float64(n))
			}
		}
		return nil
	case planner.WinNtile:
		for i := range p {
			a, err := argsAt(i)
			if err != nil {
				return err
			}
			if a[0] == nil {
				set(i, nil)
				continue
			}
			buckets := a[0].(int64)
			if buckets <= 0 {
				return pgerror.New(pgerror.InvalidParameterValue, "argument of ntile must be greater than zero")
			}
			// PostgreSQL: the first n % buckets buckets get one row more.
			per, extra := int64(n)/buckets, int64(n)%buckets
			bi, pos := int64(0), int64(i)
			for {
				size := per
				if bi < extra {
					size++
				}
				if pos < size || size == 0 {
					break
				}
				pos -= size
				bi++
			}
			set(i, bi+1)
		}
		return nil
	case planner.WinLag, planner.WinLead:
		for i := range p {
			a, err := argsAt(i)
			if err != nil {
				return err
			}
			off := int64(1)
			if len(a) > 1 {
				if a[1] == nil {
					set(i, nil)
					continue
				}
				off = a[1].(int64)
			}
			if f.Kind == planner.WinLag {
				off = -off
			}
			j := int64(i) + off
			if j < 0 || j >= int64(n) {
				if len(a) > 2 {
					set(i, a[2])
				} else {
					set(i, nil)
				}
				continue
			}
			v, err := argsAt(int(j))
			if err != nil {
				return err
			}
			set(i, v[0])
		}
		return nil
	}
	// Frame functions: first/last/nth_value and aggregates.
	fs := &frameState{f: f, n: n, peerStart: peerStart, peerEnd: peerEnd}
	if !f.Rows && !f.Groups {
		fs.order = make([][]types.Datum, n)
		for i := range p {
			fs.order[i] = p[i].order
		}
	}
	if f.Groups {
		fs.group = make([]int, n)
		for i := 0; i < n; i = peerEnd[i] {
			for k := i; k < peerEnd[i]; k++ {
				fs.group[k] = len(fs.groupStart)
			}
			fs.groupStart = append(fs.groupStart, i)
		}
		fs.groupStart = append(fs.groupStart, n)
	}
	if n > 0 {
		c.row = it.rows[p[0].idx]
		var err error
		if fs.offs[0], err = it.offsetValue(f, f.Start, true); err != nil {
			return err
		}
		if fs.offs[1], err = it.offsetValue(f, f.End, false); err != nil {
			return err
		}
	}
	var state aggState
	var stateTo int // rows [0, stateTo) are in state (running frames)
	var parts [][2]int
	for i := range p {
		var err error
		if parts, err = it.frameParts(fs, i, parts); err != nil {
			return err
		}
		switch f.Kind {
		case planner.WinFirstValue, planner.WinLastValue, planner.WinNthValue:
			size := 0
			for _, r := range parts {
				size += r[1] - r[0]
			}
			nth := 1
			switch f.Kind {
			case planner.WinLastValue:
				nth = size
			case planner.WinNthValue:
				a, err := argsAt(i)
				if err != nil {
					return err
				}
				if a[1] == nil {
					set(i, nil)
					continue
				}
				if a[1].(int64) <= 0 {
					return pgerror.New(pgerror.InvalidParameterValue, "argument of nth_value must be greater than zero")
				}
				nth = int(min(a[1].(int64), int64(n)+1))
			}
			j := -1
			for _, r := range parts {
				if nth <= r[1]-r[0] {
					j = r[0] + nth - 1
					break
				}
				nth -= r[1] - r[0]
			}
			if j < 0 || nth <= 0 {
				set(i, nil)
				continue
			}
			v, err := argsAt(j)
			if err != nil {
				return err
			}
			set(i, v[0])
		case planner.WinAgg:
			if f.Start.Kind == planner.UnboundedPreceding && f.Exclude == planner.ExcludeNoOthers &&
				stateTo >= 0 &&
				len(parts) <= 1 && (len(parts) == 0 || parts[0][1] >= stateTo) {
				// Running frame: add the rows that entered it.
				e := 0
				if len(parts) == 1 {
					e = parts[0][1]
				}
				for ; stateTo < e; stateTo++ {
					if err := it.stepWindowAgg(f, &state, it.rows[p[stateTo].idx]); err != nil {
						return err
					}
				}
			} else {
				state, stateTo = aggState{opts: c.opts}, -1
				for _, r := range parts {
					for j := r[0]; j < r[1]; j++ {
						if err := it.stepWindowAgg(f, &state, it.rows[p[j].idx]); err != nil {
							return err
						}
					}
				}
			}
			v, err := finalAgg(f.Agg, &state)
			if err != nil {
				return err
			}
			set(i, v)
		}
	}
	return nil
}

func (it *windowIter) stepWindowAgg(f *planner.WindowFunc, s *aggState, row []types.Datum) error {
	c := it.c
	c.row = row
	args := make([]types.Datum, len(f.Agg.Args))
	for j, a := range f.Agg.Args {
		v, err := c.eval(a)
		if err != nil {
			return err
		}
		args[j] = v
	}
	if s.opts == nil {
		s.opts = c.opts
	}
	return stepAgg(f.Agg, s, args, c.opts)
}

// compareNullsLast orders two values of type t for a sort key: NULLs last
// unless nullsFirst, descending when desc.
func compareNullsLast(t *types.T, a, b types.Datum, desc, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	r := types.Compare(t, a, b)
	if desc {
		r = -r
	}
	return r
}
