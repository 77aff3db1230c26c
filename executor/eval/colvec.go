package eval

import (
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Column batches: a scan's batch as typed column vectors.
//
// A stored table's scan (batch_scan.go) decodes the columns its
// consumer reads straight from the row bytes into rowcodec.ColVectors:
// int64, float64 and bool slices, numerics as scaled int64s. A consumer
// that asks for them (batch.wantCols: the aggregation kernels) reads the
// vectors through vColumn without a datum being built; rows of datums
// are decoded only when something needs rows (a kernel that gives up, a
// row-evaluated expression, a spilled group) by batch.materialize, from
// the row bytes the scan still holds for the batch.
//
// Columns that the consumer keeps as datums (grouping keys, arguments of
// aggregates stepped row by row: batch.datumCols) and columns without a
// typed vector kind in the kernels (text, dates, ...) come as
// rowcodec.ColDatums boxed into the scan's kept slab, so they may be kept
// like any row's values. Typed vectors are the scan's and are
// overwritten by its next batch.

// colBatch is a batch's column vectors.
type colBatch struct {
	// vecs holds each table column's vector, nil when not decoded.
	vecs []*rowcodec.ColVector
	// mat decodes the batch's rows into rows (len: the batch's).
	mat  func(rows [][]types.Datum) error
	done bool
}

// vec is column i's vector, nil when the batch has none.
func (cb *colBatch) vec(i int) *rowcodec.ColVector {
	if i < len(cb.vecs) {
		return cb.vecs[i]
	}
	return nil
}

// materialize fills b.rows when b came as column vectors; rows then stay
// valid (and the receiver's to keep) as rows from nextBatch always are.
func (b *batch) materialize() error {
	cb := b.cols
	if cb == nil || cb.done {
		return nil
	}
	if err := cb.mat(b.rows); err != nil {
		return err
	}
	cb.done = true
	return nil
}

// askCols prepares b for a nextBatch that may answer with column vectors
// (want), the columns datumCols as datums.
func (b *batch) askCols(want bool, datumCols []int) {
	b.wantCols, b.datumCols, b.cols = want, datumCols, nil
}

// datum is row i's value of column col: from the vectors when it has
// one there, else from the (materialized) row.
func (b *batch) datum(col, i int) (types.Datum, error) {
	if b.cols != nil {
		if v := b.cols.vec(col); v != nil && v.Kind == rowcodec.ColDatums {
			return v.Datums[i], nil
		}
		if err := b.materialize(); err != nil {
			return nil, err
		}
	}
	return b.rows[i][col], nil
}

// colKindFor is how a scan decodes column t for a consumer of vectors:
// typed when the kernels have a typed vector for it, else as datums.
func colKindFor(t *types.T) rowcodec.ColKind {
	switch kindOfType(t) {
	case vInt, vFloat, vDec, vBool:
		return rowcodec.TypedKind(t)
	}
	return rowcodec.ColDatums
}

// loadColumn fills v (kind k) from a column vector's active rows, false
// when one has no typed form of kind k (a numeric past int64).
func (v *vector) loadColumn(k vecKind, c *rowcodec.ColVector, act []bool) bool {
	n := c.Len()
	switch {
	case c.Kind == rowcodec.ColDatums:
		v.d = grownTo(v.d, n)
		copy(v.d, c.Datums)
		return v.loadDatums(k, v.d, act)
	case k == vInt && c.Kind == rowcodec.ColInt64:
		v.reset(vInt, n)
		copy(v.i64, c.I64)
	case k == vFloat && c.Kind == rowcodec.ColFloat64:
		v.reset(vFloat, n)
		copy(v.f64, c.F64)
	case k == vBool && c.Kind == rowcodec.ColBool:
		v.reset(vBool, n)
		copy(v.b, c.Bool)
	case k == vDec && c.Kind == rowcodec.ColNumeric:
		return v.loadDecColumn(c, act)
	default:
		return false
	}
	for i := 0; i < n; i++ {
		v.null[i] = c.Null[i] || act != nil && !act[i]
	}
	return true
}

// loadDecColumn is loadDec from a numeric column vector.
func (v *vector) loadDecColumn(c *rowcodec.ColVector, act []bool) bool {
	n := c.Len()
	if c.NSlow > 0 {
		for i := 0; i < n; i++ {
			if c.Slow[i] && (act == nil || act[i]) {
				return false
			}
		}
	}
	v.reset(vDec, n)
	v.rscale = grownTo(v.rscale, n)
	first, mixed := true, false
	var s int32
	for i := 0; i < n; i++ {
		if c.Null[i] || act != nil && !act[i] {
			continue
		}
		ds := c.Scale[i]
		v.i64[i], v.rscale[i], v.null[i] = c.I64[i], ds, false
		switch {
		case first:
			s, first = ds, false
		case ds != s:
			mixed = true
			s = max(s, ds)
		}
	}
	return v.atScale(n, s, mixed)
}

// datumColumns are the input columns the kernels read as datums: the
// grouping columns and the column arguments of aggregates stepped row by
// row. A column batch gives them as kept datums.
func (k *aggKernels) datumColumns() []int {
	if k.datumCols != nil {
		return k.datumCols
	}
	cols := append([]int{}, k.gcols...)
	for i := range k.aggs {
		for _, a := range k.aggs[i].args {
			if c, ok := a.(*vColumn); ok && c.k == vDatum {
				cols = append(cols, c.idx)
			}
		}
	}
	k.datumCols = cols
	return cols
}
