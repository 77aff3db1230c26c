package planner

import (
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// likePrefixSel is the selectivity of `col LIKE 'prefix%'` (a constant
// pattern whose only wildcard is one trailing %, default escape) from
// the column's statistics, as PostgreSQL's prefix_selectivity: the
// common values with the prefix, plus the share of the histogram between
// the prefix and the next string after every string with it (at least
// half a bucket, as a bound inside one bucket still holds some rows).
// Without it the rule guessed 1/2 (TPC-H Q20's `p_name LIKE 'forest%'`
// keeps 1 % of part). ok is false for other shapes.
func likePrefixSel(cat Catalog, t Table, c Expr) (float64, bool) {
	call, ok := c.(*Call)
	sc, isStats := cat.(StatsCatalog)
	if !ok || !isStats || call.Fn.ID != FnLike || len(call.Args) != 3 {
		return 0, false
	}
	col, ok := keyColumn(call.Args[0])
	pat, ok2 := call.Args[1].(*Const)
	esc, ok3 := call.Args[2].(*Const)
	if !ok || !ok2 || !ok3 || col >= len(t.Columns()) {
		return 0, false
	}
	p, ok := pat.Val.(string)
	e, ok2 := esc.Val.(string)
	if !ok || !ok2 || e != `\` || len(p) < 2 || !strings.HasSuffix(p, "%") {
		return 0, false
	}
	prefix := p[:len(p)-1]
	if strings.ContainsAny(prefix, `%_\`) {
		return 0, false
	}
	typ := t.Columns()[col].Type
	if typ == nil || (typ.OID != types.OidText && typ.OID != types.OidVarchar) {
		return 0, false
	}
	st := sc.ColumnStats(t, col)
	if st == nil {
		return 0, false
	}
	var mcvSum, sel float64
	for i, v := range st.MCV {
		mcvSum += st.MCF[i]
		if s, ok := v.(string); ok && strings.HasPrefix(s, prefix) {
			sel += st.MCF[i]
		}
	}
	if n := len(st.Hist); n >= 2 {
		rest := max(1-st.NullFrac-mcvSum, 0)
		str := func(i int) string { s, _ := st.Hist[i].(string); return s }
		lo := sort.Search(n, func(i int) bool { return str(i) >= prefix })
		hi := sort.Search(n, func(i int) bool { return str(i) >= prefix && !strings.HasPrefix(str(i), prefix) })
		frac := (float64(hi-lo) + 0.5) / float64(n-1)
		sel += min(frac, 1) * rest
	}
	return min(max(sel, 0), 1), true
}
