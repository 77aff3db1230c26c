package eval

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Scan filters on column vectors.
//
// The filter kernels of batch_filter.go compare datums; a stored table's
// scan runs the ones over columns with a typed vector form (integers,
// dates and times, floats, numerics, text) on vectors decoded straight
// from the row bytes instead, so that a row the filter rejects is never
// boxed at all. What is left (kernels over other types, conjuncts
// without a kernel) runs as before on datum rows, decoded only for the
// rows the vector kernels passed.

// vecFilter is the part of a scan's filter that runs on vectors.
type vecFilter struct {
	kernels []vecKernel
	cd      *rowcodec.ColumnDecoder // the kernels' columns, typed
	// rest is the rest of the filter, nil when there is none.
	rest *batchPred
}

// vecKernel is a predKernel over a column vector: slot is its column's
// vector in the decoder, and the constants are in the vector's form.
type vecKernel struct {
	k      *predKernel
	slot   int
	kind   rowcodec.ColKind
	bpchar bool // trailing spaces do not count
	i64    []int64
	f64    []float64
	str    []string
	scale  []int32 // numeric constants' scales
}

// newVecFilter splits p for a scan of columns ts, nil when no kernel of
// p runs on vectors.
func newVecFilter(p *batchPred, ts []*types.T) *vecFilter {
	vf := &vecFilter{}
	rest := &batchPred{rest: p.rest}
	var specs []rowcodec.ColumnSpec
	slots := map[int]int{}
	for i := range p.kernels {
		k := &p.kernels[i]
		vk, ok := vecKernelOf(k, ts)
		if !ok {
			rest.kernels = append(rest.kernels, *k)
			continue
		}
		s, seen := slots[k.col]
		if !seen {
			s = len(specs)
			slots[k.col] = s
			specs = append(specs, rowcodec.ColumnSpec{Col: k.col, Kind: vk.kind})
		}
		vk.slot = s
		vf.kernels = append(vf.kernels, vk)
	}
	if len(vf.kernels) == 0 {
		return nil
	}
	vf.cd = rowcodec.NewColumnDecoder(ts, specs)
	if len(rest.kernels) > 0 || len(rest.rest) > 0 {
		vf.rest = rest
	}
	return vf
}

// vecKernelOf converts k's constants to its column's vector form, false
// when the column or the constants have none.
func vecKernelOf(k *predKernel, ts []*types.T) (vecKernel, bool) {
	if k.col >= len(ts) || ts[k.col].OID != k.t.OID || ts[k.col].Domain != nil {
		return vecKernel{}, false
	}
	t := ts[k.col]
	vk := vecKernel{k: k, kind: rowcodec.TypedKind(t)}
	if k.never {
		return vk, true
	}
	consts := []types.Datum{k.k}
	if k.isIn {
		consts = k.in
	}
	for _, c := range consts {
		ok := false
		switch vk.kind {
		case rowcodec.ColInt64:
			var x int64
			switch v := c.(type) {
			case int64:
				x, ok = v, isIntType(t) || t.OID == types.OidOid
			case types.DateVal:
				x, ok = int64(v), t.OID == types.OidDate
			case types.TimestampVal:
				x, ok = int64(v), t.OID == types.OidTimestamp
			case types.TimestampTZVal:
				x, ok = int64(v), t.OID == types.OidTimestampTZ
			case types.TimeOfDay:
				x, ok = int64(v), t.OID == types.OidTime
			}
			vk.i64 = append(vk.i64, x)
		case rowcodec.ColFloat64:
			var x float64
			x, ok = c.(float64)
			vk.f64 = append(vk.f64, x)
		case rowcodec.ColNumeric:
			if d, isDec := c.(*apd.Decimal); isDec {
				var x int64
				var s int32
				x, s, ok = decOf(d)
				vk.i64, vk.scale = append(vk.i64, x), append(vk.scale, s)
			}
		case rowcodec.ColString:
			if !isStringType(t) {
				return vecKernel{}, false // enums order by their sort order
			}
			var x string
			x, ok = c.(string)
			if t.OID == types.OidBpchar {
				vk.bpchar = true
				x = strings.TrimRight(x, " ")
			}
			vk.str = append(vk.str, x)
		}
		if !ok {
			return vecKernel{}, false
		}
	}
	return vk, true
}

// apply keeps the entries of sel (row numbers of v) whose rows pass, in
// order, and returns them (a prefix of sel).
func (vk *vecKernel) apply(v *rowcodec.ColVector, sel []int32) []int32 {
	k := vk.k
	if k.never {
		return sel[:0]
	}
	out := 0
	for _, i := range sel {
		if v.Null[i] {
			continue
		}
		if vk.holds(v, int(i)) {
			sel[out] = i
			out++
		}
	}
	return sel[:out]
}

// holds tests row i (not NULL).
func (vk *vecKernel) holds(v *rowcodec.ColVector, i int) bool {
	k := vk.k
	n := len(vk.i64) + len(vk.f64) + len(vk.str)
	for j := 0; j < n; j++ {
		var r int
		switch vk.kind {
		case rowcodec.ColInt64:
			r = cmpInt(v.I64[i], vk.i64[j])
		case rowcodec.ColFloat64:
			r = cmpFloat(v.F64[i], vk.f64[j])
		case rowcodec.ColNumeric:
			r = vk.cmpNumeric(v, i, j)
		case rowcodec.ColString:
			s := v.Str[i]
			if vk.bpchar {
				s = strings.TrimRight(s, " ")
			}
			r = strings.Compare(s, vk.str[j])
		}
		if k.isIn {
			if r == 0 {
				return true
			}
			continue
		}
		if k.constLeft {
			r = -r
		}
		return cmpHolds(k.op, r)
	}
	return false
}

// cmpNumeric compares row i's numeric with constant j.
func (vk *vecKernel) cmpNumeric(v *rowcodec.ColVector, i, j int) int {
	if !v.Slow[i] {
		a, as := v.I64[i], v.Scale[i]
		b, bs := vk.i64[j], vk.scale[j]
		if as == bs {
			return cmpInt(a, b)
		}
		s := max(as, bs)
		x, ok1 := scale10(a, s-as)
		y, ok2 := scale10(b, s-bs)
		if ok1 && ok2 {
			return cmpInt(x, y)
		}
	}
	var d types.Datum
	if v.Slow[i] {
		d = v.Datums[i]
	} else {
		d = new(apd.Decimal).SetFinite(v.I64[i], -v.Scale[i])
	}
	return compare(types.Numeric, d, new(apd.Decimal).SetFinite(vk.i64[j], -vk.scale[j]))
}

// filterRaw runs the scan's filter over the batch's encoded rows,
// compacting it.sel (every row, in order) to those that pass, and
// returns how many do.
func (it *scanBatchIter) filterRaw() (int, error) {
	sel := it.sel
	p := it.pred
	if vf := it.vf; vf != nil {
		if err := vf.cd.Decode(it.rawBuf, it.rawEnd, nil, nil); err != nil {
			return 0, err
		}
		for i := range vf.kernels {
			vk := &vf.kernels[i]
			if sel = vk.apply(vf.cd.Vector(vk.slot), sel); len(sel) == 0 {
				return 0, nil
			}
		}
		if p = vf.rest; p == nil {
			return len(sel), nil
		}
	}
	it.scratch.Reset()
	it.cand = it.cand[:0]
	for _, i := range sel {
		start := int32(0)
		if i > 0 {
			start = it.rawEnd[i-1]
		}
		row, err := it.fdec.DecodeSlab(it.rawBuf[start:it.rawEnd[i]], &it.scratch)
		if err != nil {
			return 0, err
		}
		it.cand = append(it.cand, row)
	}
	k, err := it.c.selectRows(p, it.cand, sel)
	clear(it.cand) // scratch rows must not outlive the batch
	return k, err
}

// emitCols decodes the needed columns of the rows in it.sel into column
// vectors and makes them the current batch, with a nil row per row
// until materializeRows.
func (it *scanBatchIter) emitCols() error {
	if len(it.sel) == 0 {
		return nil
	}
	if it.ocd == nil {
		ts := it.raw.ColumnTypes()
		need := it.src.need
		for i, t := range ts {
			if need != nil && !need[i] {
				continue
			}
			kind := colKindFor(t)
			for _, c := range it.datumCols {
				if c == i {
					kind = rowcodec.ColDatums
				}
			}
			it.ocdSpecs = append(it.ocdSpecs, rowcodec.ColumnSpec{Col: i, Kind: kind})
		}
		it.ocd = rowcodec.NewColumnDecoder(ts, it.ocdSpecs)
		it.cb.vecs = make([]*rowcodec.ColVector, len(ts))
		for j, sp := range it.ocdSpecs {
			it.cb.vecs[sp.Col] = it.ocd.Vector(j)
		}
	}
	it.outSel = append(it.outSel[:0], it.sel...)
	if err := it.ocd.Decode(it.rawBuf, it.rawEnd, it.outSel, it.keep); err != nil {
		return err
	}
	it.cb.done = false
	for range it.outSel {
		it.cur.b.rows = append(it.cur.b.rows, nil)
	}
	it.cur.b.cols = &it.cb
	return nil
}

// materializeRows decodes the current column batch's rows into rows, as
// row mode would have given them.
func (it *scanBatchIter) materializeRows(rows [][]types.Datum) error {
	for k, i := range it.outSel {
		start := int32(0)
		if i > 0 {
			start = it.rawEnd[i-1]
		}
		row, err := it.dec.DecodeSlab(it.rawBuf[start:it.rawEnd[i]], it.keep)
		if err != nil {
			return err
		}
		rows[k] = row
	}
	it.charge()
	return nil
}
