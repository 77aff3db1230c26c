package planner

import (
	"math"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Index-only scans. A secondary index is a B+tree of its own whose
// entries hold the indexed columns (encoded as the key) and the row's
// storage key (the primary key's encoding, or a hidden row id), see
// executor/index.go. When every column a query reads from a table is an
// indexed column or a primary key column, the scan can decode the rows
// from the index entries and never read the table's tree: PostgreSQL's
// Index Only Scan.
//
// PostgreSQL needs a visibility map to know whether an index entry's
// heap tuple is visible (Heap Fetches counts the ones it had to check).
// nqdb needs none: index entries are versioned exactly like rows (the
// storage engine keeps committed data in the trees and older versions in
// memory for snapshots, and a transaction sees its own writes), so a scan
// of the index through the transaction sees exactly the entries of the
// rows its snapshot sees. EXPLAIN ANALYZE accordingly prints Heap
// Fetches: 0.
//
// The rule runs after pruneColumns (Scan.Needed says what is read):
//
//   - a key lookup through a covering secondary index becomes index-only
//     (always cheaper: the same entries, no row fetch per entry);
//   - a full scan that only needs a covering index's columns, under a
//     scalar aggregate that does not care about row order (count(*)),
//     reads the whole index instead when its entries are narrower than
//     the rows (fewer pages), or whenever enable_seqscan is off (the
//     table's rows come in primary key order, which other plans may
//     count on: a Sort dropped below a LIMIT, string_agg);
//   - a Sort (without LIMIT; keyorder.go handles those) over a scan that a
//     covering index can produce in the Sort's order is dropped and the
//     index read in order, index-only.
//
// enable_indexonlyscan = off turns the rule off. Only key types whose
// encoding gives back the exact value are decoded (integers, text,
// bytea, uuid, dates and times...); numeric (1.0 and 1.00 share a key),
// floats (-0 and 0), character(n) (trailing blanks), intervals, enums,
// arrays and jsonb are read from the table as before.

// ioSettings are the settings the rule reads.
type ioSettings struct {
	on, seqscan bool
}

func readIndexOnlySettings(cat Catalog) ioSettings {
	s := ioSettings{on: true, seqscan: true}
	sr, ok := cat.(settingReader)
	if !ok {
		return s
	}
	on := func(name string) bool {
		v, err := sr.Setting(name)
		if err != nil {
			return true
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "off", "false", "0", "no", "f", "n":
			return false
		}
		return true
	}
	s.on, s.seqscan = on("enable_indexonlyscan"), on("enable_seqscan")
	return s
}

// useIndexOnly applies the index-only rule to the plan under root (not
// into subquery expressions, whose plans get it when they are built) and
// returns the new root (a Sort may be dropped). Running it twice is
// harmless: a scan whose index no longer covers what is read goes back to
// fetching rows.
func useIndexOnly(root Node, cat Catalog) Node {
	s := readIndexOnlySettings(cat)
	return s.rewrite(root, false)
}

// rewrite applies the rule under n. unordered says that the order of n's
// rows does not matter to anything above (a scalar aggregate of
// order-insensitive aggregates, through filters and projections): only
// there may a full scan read an index instead of the table, whose
// primary key order a dropped Sort, a DISTINCT or an order-sensitive
// aggregate may count on.
func (s ioSettings) rewrite(n Node, unordered bool) Node {
	switch x := n.(type) {
	case *Scan:
		s.scan(x, unordered)
		return x
	case *Sort:
		x.Input = s.rewrite(x.Input, false)
		if s.on {
			return s.sortedScan(x)
		}
		return x
	case *Filter:
		x.Input = s.rewrite(x.Input, unordered)
		return x
	case *Project:
		x.Input = s.rewrite(x.Input, unordered)
		return x
	case *Agg:
		x.Input = s.rewrite(x.Input, orderInsensitive(x))
		return x
	}
	replaceChildren(n, func(in Node) Node { return s.rewrite(in, false) })
	return n
}

// orderInsensitive reports whether a's result does not depend on the
// order of its input rows: one group, and aggregates that give the same
// value in any order (no float sums, whose rounding does depend on it).
func orderInsensitive(a *Agg) bool {
	if len(a.GroupBy) > 0 || a.Sets != nil {
		return false
	}
	for _, c := range a.Aggs {
		if len(c.Order) > 0 {
			return false
		}
		switch c.Kind {
		case AggCountStar, AggCount, AggMin, AggMax, AggBoolAnd, AggBoolOr:
		case AggSum, AggAvg:
			if len(c.Args) != 1 || isFloat(c.Args[0].Type()) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// replaceChildren sets each input of n to f of it (the nodes childNodes
// lists).
func replaceChildren(n Node, f func(Node) Node) {
	switch x := n.(type) {
	case *Filter:
		x.Input = f(x.Input)
	case *Project:
		x.Input = f(x.Input)
	case *ProjectSet:
		x.Input = f(x.Input)
	case *Window:
		x.Input = f(x.Input)
	case *RecursiveUnion:
		x.Base, x.Recursive = f(x.Base), f(x.Recursive)
	case *Limit:
		x.Input = f(x.Input)
	case *Sort:
		x.Input = f(x.Input)
	case *LockRows:
		x.Input = f(x.Input)
	case *Distinct:
		x.Input = f(x.Input)
	case *Agg:
		x.Input = f(x.Input)
	case *Join:
		x.Left, x.Right = f(x.Left), f(x.Right)
	case *Append:
		for i, in := range x.Inputs {
			x.Inputs[i] = f(in)
		}
	case *Insert:
		x.Input = f(x.Input)
	case *Update:
		if x.Source != nil {
			x.Source.Plan = f(x.Source.Plan)
		}
	case *Delete:
		if x.Source != nil {
			x.Source.Plan = f(x.Source.Plan)
		}
	}
}

// scan makes sc index-only when it can be.
func (s ioSettings) scan(sc *Scan, unordered bool) {
	if sc.Key != nil {
		sc.Key.IndexOnly = s.on && sc.Key.Index > 0 && covers(sc, sc.Key.Index)
		if sc.Key.wholeIndex && (!sc.Key.IndexOnly || !unordered) {
			// An earlier pass chose the index for a full scan that now
			// reads more, or whose order now matters: read the table.
			sc.Key = nil
			s.scan(sc, unordered)
		}
		return
	}
	if !s.on || sc.WithKey || !unordered {
		return
	}
	if ix := s.fullScanIndex(sc); ix > 0 {
		sc.Key = &KeyLookup{Index: ix, IndexOnly: true, wholeIndex: true}
	}
}

// fullScanIndex picks the covering index with the narrowest entries for
// a scan of the whole table, or 0 when reading the table is cheaper: an
// index entry holds the indexed columns and the row key, a row all
// columns; the index must be clearly narrower (fewer pages to read).
func (s ioSettings) fullScanIndex(sc *Scan) int {
	kt, ok := sc.Table.(KeyedTable)
	if !ok {
		return 0
	}
	types := tableTypes(sc.Table)
	rowWidth := widthOf(types) + 24
	pkWidth := widthOf(pick(types, kt.PrimaryKey()))
	if len(kt.PrimaryKey()) == 0 {
		pkWidth = 8 // the hidden row id
	}
	best, bestWidth := 0, 0
	for i, ix := range kt.Indexes() {
		if !covers(sc, i+1) {
			continue
		}
		w := widthOf(pick(types, ix.Columns)) + pkWidth + 8
		if best == 0 || w < bestWidth {
			best, bestWidth = i+1, w
		}
	}
	if best == 0 || (s.seqscan && 4*bestWidth > 3*rowWidth) {
		return 0
	}
	return best
}

// sortedScan drops s when a covering index read in order produces its
// rows in order (the shape keyOrdered knows), making the scan
// index-only; else it returns s as it was.
func (s ioSettings) sortedScan(st *Sort) Node {
	sc := sortScan(st)
	if sc == nil || sc.WithKey {
		return st
	}
	saved := sc.Key
	var savedKey KeyLookup
	if saved != nil {
		if saved.Index == 0 || !covers(sc, saved.Index) {
			return st
		}
		savedKey = *saved
	}
	if keyOrdered(st) && sc.Key != nil && sc.Key.Index > 0 && covers(sc, sc.Key.Index) {
		sc.Key.IndexOnly = true
		return st.Input
	}
	// Not ordered, or ordered by a key that is not covering: undo.
	sc.Key = saved
	if saved != nil {
		*saved = savedKey
	}
	return st
}

// sortScan finds the scan under st in the shape keyOrdered knows:
// [Distinct] Project [Filter] Scan.
func sortScan(st *Sort) *Scan {
	n := st.Input
	if d, ok := n.(*Distinct); ok {
		n = d.Input
	}
	p, ok := n.(*Project)
	if !ok {
		return nil
	}
	n = p.Input
	if f, ok := n.(*Filter); ok {
		n = f.Input
	}
	sc, _ := n.(*Scan)
	return sc
}

// covers reports whether the entries of secondary index index (1-based,
// as KeyLookup.Index) hold every column sc reads, in a decodable form.
func covers(sc *Scan, index int) bool {
	if sc.WithKey || index <= 0 {
		return false
	}
	kt, ok := sc.Table.(KeyedTable)
	if !ok {
		return false
	}
	ixs := kt.Indexes()
	if index > len(ixs) {
		return false
	}
	cols := sc.Table.Columns()
	in := make([]bool, len(cols))
	for _, c := range ixs[index-1].Columns {
		if c >= 0 && c < len(cols) && KeyDecodable(cols[c].Type) {
			in[c] = true
		}
	}
	// The entry's value is the row's storage key: the primary key when
	// there is one.
	for _, c := range kt.PrimaryKey() {
		if c >= 0 && c < len(cols) && KeyDecodable(cols[c].Type) {
			in[c] = true
		}
	}
	if sc.Needed != nil && len(sc.Needed) != len(cols) {
		return false
	}
	for c := range cols {
		if (sc.Needed == nil || sc.Needed[c]) && !in[c] {
			return false
		}
	}
	return true
}

// KeyDecodable reports whether a key column of type t can be decoded
// from its key encoding (executor/rowcodec's EncodeKey) to exactly the
// value that was encoded, so that an index-only scan returns what the
// row holds.
func KeyDecodable(t *types.T) bool {
	t = types.BaseType(t)
	if t == nil || t.Enum != nil || t.Elem != nil {
		return false
	}
	switch t.OID {
	case types.OidBool, types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid,
		types.OidText, types.OidVarchar, types.OidName, types.OidChar, types.OidBytea, types.OidUUID,
		types.OidDate, types.OidTime, types.OidTimestamp, types.OidTimestampTZ:
		return true
	}
	return false
}

func tableTypes(t Table) []*types.T {
	cols := t.Columns()
	out := make([]*types.T, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}

func pick(ts []*types.T, cols []int) []*types.T {
	out := make([]*types.T, 0, len(cols))
	for _, c := range cols {
		if c >= 0 && c < len(ts) {
			out = append(out, ts[c])
		}
	}
	return out
}

// indexOnlyCost re-costs an index-only scan's node: the entries are read
// in order from the index's pages (no random fetch per row), and an entry
// is the indexed columns and the row key rather than the whole row.
func indexOnlyCost(e *exNode, s *Scan) {
	kt, ok := s.Table.(KeyedTable)
	if !ok || s.Key.Index <= 0 || s.Key.Index > len(kt.Indexes()) {
		return
	}
	ts := tableTypes(s.Table)
	w := widthOf(pick(ts, kt.Indexes()[s.Key.Index-1].Columns)) + widthOf(pick(ts, kt.PrimaryKey())) + 16
	pages := math.Max(1, math.Ceil(e.rows*float64(w)/pageSize))
	e.total = e.startup + seqPageCost*pages + e.rows*cpuTupleCost
}

// addRowsRemoved adds EXPLAIN ANALYZE's "Rows Removed by Filter" to a
// scan's properties as PostgreSQL prints it: only when a Filter line is
// shown (conditions the Index Cond states are not), and before an index
// only scan's Heap Fetches.
func addRowsRemoved(props [][2]string, n string) [][2]string {
	filter := false
	for _, p := range props {
		filter = filter || p[0] == "Filter"
	}
	if !filter {
		return props
	}
	p := [2]string{"Rows Removed by Filter", n}
	if k := len(props); k > 0 && props[k-1][0] == "Heap Fetches" {
		return append(props[:k-1:k-1], p, props[k-1])
	}
	return append(props, p)
}
