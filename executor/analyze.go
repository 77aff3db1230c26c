package executor

import (
	"cmp"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ANALYZE: per-column statistics computed from a sample of each table's
// rows, as PostgreSQL's analyze.c computes them (compute_scalar_stats), so
// that on a table small enough to be read whole the figures are
// PostgreSQL's own: the null fraction, the average width, the number of
// distinct values (the Haas-Stokes estimator, negative when it scales
// with the table), the most common values and their frequencies, a
// histogram of the rest, and the correlation between the values' order
// and the rows' stored order (primary-key order here, heap order there).
// They are kept with the table's catalog entry, so they survive restarts,
// are visible in pg_stats, and change the catalog version, which makes
// cached plans plan again.

// statsTarget is default_statistics_target: at most this many common
// values and histogram buckets, from a sample of 300 rows per unit.
const statsTarget = 100

// tableStats are a table's statistics from its last ANALYZE.
type tableStats struct {
	// Rows is the table's row count when it was analyzed (reltuples).
	Rows float64 `json:"rows"`
	// When is the time of the ANALYZE (Unix microseconds); Auto marks
	// the automatic ones.
	When int64      `json:"when"`
	Auto bool       `json:"auto,omitempty"`
	Cols []colStats `json:"cols"`

	// parsed caches the planner's form of each column's statistics.
	mu     sync.Mutex
	parsed map[[2]uint32]*planner.ColumnStats
}

// colStats is one column's row of pg_stats. Values are kept in their
// text form (DateStyle ISO), typed by the column when read.
type colStats struct {
	// Type is the column's type OID at the ANALYZE.
	Type      uint32    `json:"type"`
	NullFrac  float64   `json:"null_frac"`
	AvgWidth  int       `json:"avg_width"`
	NDistinct float64   `json:"n_distinct"`
	MCV       []string  `json:"mcv,omitempty"`
	MCF       []float64 `json:"mcf,omitempty"`
	Hist      []string  `json:"hist,omitempty"`
	// Corr is the correlation; nil when the type has no order used.
	Corr *float64 `json:"corr,omitempty"`
	// Sorted is false for types compared for equality only (json).
	Sorted bool `json:"sorted,omitempty"`
}

// analyzeTables runs ANALYZE on the named tables, or on every table the
// session sees when none is named.
func (s *Session) analyzeTables(ctx context.Context, names []string) error {
	var defs []*tableDef
	if len(names) == 0 {
		for _, t := range s.visibleTables() {
			if strings.HasPrefix(t.schema, tempPrefix) && t.schema != s.tempSchema() {
				continue // other sessions' temporary tables
			}
			defs = append(defs, t)
		}
		sort.Slice(defs, func(i, j int) bool { return defs[i].oid < defs[j].oid })
	} else {
		for _, name := range names {
			schema, tbl := splitQualified(name)
			t, err := s.lookup(schema, tbl)
			if err != nil {
				return err
			}
			if err := t.checkTable(); err != nil {
				return err
			}
			defs = append(defs, t)
		}
	}
	for _, t := range defs {
		if err := s.analyzeTable(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// analyzeTable samples t's rows (all of them up to 300 x statsTarget,
// then a reservoir sample), computes each column's statistics and stores
// them with the table's definition.
func (s *Session) analyzeTable(ctx context.Context, t *tableDef) error {
	acc, _, err := s.Access(ctx, t, false)
	if err != nil {
		return err
	}
	it, err := acc.Scan(ctx)
	if err != nil {
		return err
	}
	const sampleMax = 300 * statsTarget
	var sample [][]types.Datum
	rng := rand.New(rand.NewPCG(1, uint64(t.oid)))
	var total float64
	// Rows are decoded only when they enter the sample: past the first
	// sampleMax rows most are skipped (a table of N rows decodes about
	// sampleMax x (1 + ln(N/sampleMax)) of them), and the sample is the
	// same as decoding every row would give.
	raw, _ := it.(eval.RawRows)
	var dec *rowcodec.Decoder
	if raw != nil {
		dec = rowcodec.NewDecoder(raw.ColumnTypes(), nil)
	}
	for {
		var row []types.Datum
		var b []byte
		if raw != nil {
			b, err = raw.NextRaw()
		} else {
			row, err = it.Next()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			it.Close()
			return err
		}
		total++
		slot := len(sample)
		if slot >= sampleMax {
			// Vitter's algorithm R
			if k := rng.Int64N(int64(total)); k < sampleMax {
				slot = int(k)
			} else {
				slot = -1
			}
		}
		if slot >= 0 {
			if raw != nil {
				if row, err = dec.Decode(b, nil); err != nil {
					it.Close()
					return err
				}
			}
			cp := append([]types.Datum(nil), row[:len(t.cols)]...)
			if slot == len(sample) {
				sample = append(sample, cp)
			} else {
				sample[slot] = cp
			}
		}
		if int64(total)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				it.Close()
				return err
			}
		}
	}
	it.Close()
	st := &tableStats{Rows: total, When: time.Now().UnixMicro(), Auto: s.autoStats}
	for i, c := range t.cols {
		cs := columnStats(c.Type, sample, i, total)
		cs.Type = uint32(c.Type.OID)
		st.Cols = append(st.Cols, cs)
	}
	return s.putStats(t.oid, st)
}

// columnStats computes one column's statistics over the sample.
func columnStats(typ *types.T, sample [][]types.Datum, col int, total float64) colStats {
	var cs colStats
	n := len(sample)
	if n == 0 {
		return cs
	}
	type valPos struct {
		v   types.Datum
		pos int
	}
	vals := make([]valPos, 0, n)
	var width float64
	for pos, row := range sample {
		v := row[col]
		if v == nil {
			continue
		}
		vals = append(vals, valPos{v, pos})
		width += float64(datumWidth(typ, v))
	}
	nonNull := len(vals)
	cs.NullFrac = float64(n-nonNull) / float64(n)
	if nonNull == 0 {
		return cs
	}
	cs.AvgWidth = int(width / float64(nonNull)) // stawidth is an int: truncated
	if typ.OID == types.OidJSON {
		// json has no equality: PostgreSQL's compute_trivial_stats.
		return cs
	}
	cs.Sorted = true
	// A stable sort by value: ties keep sample order (pos increases).
	// slices.SortFunc with pos as the tie-break gives the same order
	// without sort.SliceStable's reflection and rotations.
	slices.SortFunc(vals, func(a, b valPos) int {
		if c := types.Compare(typ, a.v, b.v); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})

	// Runs of equal values; the values seen more than once are the
	// candidates for the common-values list, by count, ties in value
	// order (analyze.c's track[]).
	type run struct {
		first, count int
	}
	var runs []run
	for i := 0; i < nonNull; {
		j := i + 1
		for j < nonNull && types.Compare(typ, vals[i].v, vals[j].v) == 0 {
			j++
		}
		runs = append(runs, run{i, j - i})
		i = j
	}
	ndistinct := len(runs)
	var track []run
	for _, r := range runs {
		if r.count > 1 {
			track = append(track, r)
		}
	}
	nmultiple := len(track)
	// By count, descending; ties in value order (runs are in value order,
	// so first breaks them as a stable sort would).
	slices.SortFunc(track, func(a, b run) int {
		if a.count != b.count {
			return cmp.Compare(b.count, a.count)
		}
		return cmp.Compare(a.first, b.first)
	})
	if len(track) > statsTarget {
		track = track[:statsTarget]
	}

	// The distinct count (analyze.c's estimator, same branches).
	switch {
	case nmultiple == 0:
		// stanullfrac is a float4 by then.
		cs.NDistinct = -1 * (1 - float64(float32(cs.NullFrac)))
	case len(track) < statsTarget && nmultiple == len(track) && len(track) == ndistinct:
		cs.NDistinct = float64(ndistinct)
	default:
		f1 := float64(ndistinct - nmultiple)
		d := f1 + float64(nmultiple)
		sn := float64(n)
		est := sn * d / ((sn - f1) + f1*sn/total)
		est = math.Max(est, d)
		est = math.Min(est, total)
		cs.NDistinct = math.Floor(est + 0.5)
	}
	if cs.NDistinct > 0.1*total {
		cs.NDistinct = -(cs.NDistinct / total)
	}

	// Common values: the whole track list when the sample is the table,
	// else those clearly more common than average.
	numMCV := len(track)
	if float64(n) < total && numMCV > 0 {
		avg := float64(nonNull) / float64(ndistinct)
		keep := 0
		for _, r := range track {
			if float64(r.count) < math.Max(avg*1.25, 2) {
				break
			}
			keep++
		}
		numMCV = keep
	}
	inMCV := map[int]bool{}
	for _, r := range track[:numMCV] {
		cs.MCV = append(cs.MCV, textOf(typ, vals[r.first].v))
		cs.MCF = append(cs.MCF, float64(float32(float64(r.count)/float64(n))))
		inMCV[r.first] = true
	}

	// The histogram over the values not in the list, duplicates kept.
	var rest []types.Datum
	for _, r := range runs {
		if inMCV[r.first] {
			continue
		}
		for k := 0; k < r.count; k++ {
			rest = append(rest, vals[r.first+k].v)
		}
	}
	numHist := ndistinct - numMCV
	if numHist > statsTarget+1 {
		numHist = statsTarget + 1
	}
	if numHist >= 2 {
		nvals := len(rest)
		delta, deltaFrac := (nvals-1)/(numHist-1), (nvals-1)%(numHist-1)
		pos, posFrac := 0, 0
		for i := 0; i < numHist; i++ {
			cs.Hist = append(cs.Hist, textOf(typ, rest[pos]))
			pos += delta
			posFrac += deltaFrac
			if posFrac >= numHist-1 {
				pos++
				posFrac -= numHist - 1
			}
		}
	}

	// Correlation of value order with stored order, over every value.
	if nonNull > 1 {
		// Positions are ranks among the non-null values, as PostgreSQL's
		// tupno counts only the values it sorted.
		ranks := make([]int, n)
		k := 0
		for pos, row := range sample {
			if row[col] != nil {
				ranks[pos] = k
				k++
			}
		}
		var xy float64
		for i, v := range vals {
			xy += float64(i) * float64(ranks[v.pos])
		}
		cnt := float64(nonNull)
		xsum := (cnt - 1) * cnt / 2
		x2sum := (cnt - 1) * cnt * (2*cnt - 1) / 6
		corr := (cnt*xy - xsum*xsum) / (cnt*x2sum - xsum*xsum)
		corr = float64(float32(corr))
		cs.Corr = &corr
	}
	return cs
}

// textOf is a value's text form as statistics keep it.
func textOf(t *types.T, d types.Datum) string {
	return string(types.AppendText(nil, t, d, types.DefaultFormatOpts()))
}

// datumWidth approximates PostgreSQL's stored size of a value: the type's
// length when fixed, else the bytes plus a 1-byte varlena header (4 bytes
// past 126).
func datumWidth(t *types.T, d types.Datum) int {
	if t.Len > 0 {
		return int(t.Len)
	}
	var n int
	switch v := d.(type) {
	case string:
		n = len(v)
	case []byte:
		n = len(v)
	default:
		n = len(types.AppendText(nil, t, d, types.DefaultFormatOpts()))
	}
	if n+1 > 127 {
		return n + 4
	}
	return n + 1
}

// statsInfo renders t's statistics for pg_stats (nil when t was never
// analyzed).
func (s *Session) statsInfo(t *tableDef) *pgcatalog.TableStats {
	st := s.statsOf(t.oid)
	if st == nil {
		return nil
	}
	out := &pgcatalog.TableStats{Rows: st.Rows, Analyzed: time.UnixMicro(st.When)}
	for i, cs := range st.Cols {
		if i >= len(t.cols) {
			break
		}
		typ := t.cols[i].Type
		ci := pgcatalog.ColumnStats{NullFrac: cs.NullFrac, AvgWidth: cs.AvgWidth, NDistinct: cs.NDistinct,
			MCF: cs.MCF, Corr: cs.Corr}
		ci.MCV = arrayLiteral(typ, cs.MCV)
		ci.Hist = arrayLiteral(typ, cs.Hist)
		out.Cols = append(out.Cols, ci)
	}
	return out
}

// arrayLiteral is the array text of values kept as text ("" for none);
// a value that no longer parses as the type (the column changed type)
// leaves the array out.
func arrayLiteral(typ *types.T, vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	fo := types.DefaultFormatOpts()
	elems := make([]any, len(vals))
	for i, v := range vals {
		d, err := types.ParseText(typ, v, fo)
		if err != nil {
			return ""
		}
		elems[i] = d
	}
	at := typ.Array
	if at == nil {
		at = &types.T{OID: types.OidAnyArray, Name: "_" + typ.Name, Elem: typ, Len: -1}
	}
	return string(types.AppendText(nil, at, &types.Array{Elem: typ, Elems: elems}, fo))
}

var _ planner.StatsCatalog = (*Session)(nil)

// ColumnStats implements planner.StatsCatalog: the column's statistics,
// parsed once per column and type (a column whose type changed since the
// ANALYZE has none).
func (s *Session) ColumnStats(t planner.Table, col int) *planner.ColumnStats {
	def, ok := t.(*tableDef)
	if !ok {
		return nil
	}
	st := s.statsOf(def.oid)
	if st == nil || col >= len(st.Cols) || col >= len(def.cols) {
		return nil
	}
	typ := def.cols[col].Type
	cs := &st.Cols[col]
	if cs.Type != uint32(typ.OID) {
		return nil
	}
	key := [2]uint32{uint32(col), cs.Type}
	st.mu.Lock()
	defer st.mu.Unlock()
	if pc, ok := st.parsed[key]; ok {
		return pc
	}
	fo := types.DefaultFormatOpts()
	parse := func(vals []string) []types.Datum {
		out := make([]types.Datum, 0, len(vals))
		for _, v := range vals {
			d, err := types.ParseText(typ, v, fo)
			if err != nil {
				return nil
			}
			out = append(out, d)
		}
		return out
	}
	pc := &planner.ColumnStats{NullFrac: cs.NullFrac, NDistinct: cs.NDistinct, Rows: st.Rows}
	if cs.Sorted {
		pc.MCV, pc.Hist = parse(cs.MCV), parse(cs.Hist)
		if len(pc.MCV) == len(cs.MCF) {
			pc.MCF = cs.MCF
		} else {
			pc.MCV = nil
		}
	}
	if st.parsed == nil {
		st.parsed = map[[2]uint32]*planner.ColumnStats{}
	}
	st.parsed[key] = pc
	return pc
}
