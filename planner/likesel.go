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
	col, p, e, ok := likeArgs(call, t)
	if !ok || e != `\` || len(p) < 2 || !strings.HasSuffix(p, "%") {
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

// Selectivity of LIKE and NOT LIKE with any constant pattern, as
// PostgreSQL's patternsel: the common values that match, plus, for the
// rest of the column, the share of the histogram's inner bounds that
// match when it has at least 10 (blended with the heuristic below up to
// 100 bounds), else the heuristic: the fixed prefix's selectivity times
// like_selectivity's guess for the rest of the pattern (each fixed
// character 0.2, `_` 0.9, each `%` after the first fixed one 5, at most
// 1), kept within [0.0001, 0.9999]. NOT LIKE is 1 minus that minus the
// NULL fraction. Without it NOT LIKE was a fixed 1/2: TPC-H Q13's
// `o_comment NOT LIKE '%special%requests%'` keeps 99 % of orders, and
// its join estimate came out halved.

// Constants of PostgreSQL's like_selectivity (selfuncs.c).
const (
	likeFixedCharSel    = 0.20
	likeAnyCharSel      = 0.9
	likeFullWildcardSel = 5.0
)

// likeSel is the selectivity of `col [NOT] LIKE const` over table t's
// column (text or varchar; escape `\` or none). ok is false for other
// shapes; a prefix pattern's LIKE without NOT is likePrefixSel's.
func likeSel(cat Catalog, t Table, c Expr) (float64, bool) {
	call, ok := c.(*Call)
	if !ok || (call.Fn.ID != FnLike && call.Fn.ID != FnNotLike) || len(call.Args) != 3 {
		return 0, false
	}
	col, p, e, ok := likeArgs(call, t)
	if !ok || (e != `\` && e != "") {
		return 0, false
	}
	typ := t.Columns()[col].Type
	if typ == nil || (typ.OID != types.OidText && typ.OID != types.OidVarchar) {
		return 0, false
	}
	var st *ColumnStats
	if sc, isStats := cat.(StatsCatalog); isStats {
		st = sc.ColumnStats(t, col)
	}
	prefix, rest := likeFixedPrefix(p, e != "")
	var sel float64
	if !rest {
		// No wildcard: an equality.
		if st == nil {
			return 0, false
		}
		eq := &Call{Fn: &Func{ID: FnEq}, Args: []Expr{&ColumnRef{Idx: col, T: typ}, &Const{Val: prefix, T: typ}}, T: types.Bool}
		s, ok := statsSel(cat, t, eq)
		if !ok {
			return 0, false
		}
		sel = s
	} else {
		if st == nil && prefix != "" {
			return 0, false
		}
		heur := likePatternSel(p, e != "")
		if prefix != "" {
			like := &Call{Fn: &Func{ID: FnLike}, Args: []Expr{call.Args[0], &Const{Val: likeEscape(prefix) + "%", T: call.Args[1].Type()}, &Const{Val: `\`, T: types.Text}}, T: types.Bool}
			ps, ok := likePrefixSel(cat, t, like)
			if !ok {
				return 0, false
			}
			if call.Fn.ID == FnLike && strings.HasSuffix(p, "%") && likeEscape(prefix)+"%" == p {
				return ps, true
			}
			heur *= ps
		}
		sel = heur
		var mcvSel, mcvSum, nullFrac float64
		if st != nil {
			nullFrac = st.NullFrac
			for i, v := range st.MCV {
				mcvSum += st.MCF[i]
				if s, ok := v.(string); ok && likeMatches(s, p, e != "") {
					mcvSel += st.MCF[i]
				}
			}
			if n := len(st.Hist); n >= 10 {
				m := 0
				for _, v := range st.Hist[1 : n-1] {
					if s, ok := v.(string); ok && likeMatches(s, p, e != "") {
						m++
					}
				}
				hs := float64(m) / float64(n-2)
				if n < 100 {
					w := float64(n) / 100
					hs = hs*w + heur*(1-w)
				}
				sel = hs
			}
		}
		sel = min(max(sel, 0.0001), 0.9999)
		sel = sel*max(1-nullFrac-mcvSum, 0) + mcvSel
		if call.Fn.ID == FnNotLike {
			return min(max(1-sel-nullFrac, 0), 1), true
		}
		return min(max(sel, 0), 1), true
	}
	if call.Fn.ID == FnNotLike {
		nullFrac := 0.0
		if st != nil {
			nullFrac = st.NullFrac
		}
		return min(max(1-sel-nullFrac, 0), 1), true
	}
	return sel, true
}

// likeFixedPrefix returns the characters of LIKE pattern p before its
// first wildcard (escapes resolved when esc), and whether a wildcard
// follows.
func likeFixedPrefix(p string, esc bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '%' || c == '_':
			return b.String(), true
		case c == '\\' && esc:
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), false
}

// likeEscape quotes LIKE's special characters in s (escape `\`).
func likeEscape(s string) string {
	if !strings.ContainsAny(s, `%_\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// likePatternSel is PostgreSQL's like_selectivity of pattern p past its
// fixed prefix: the leading wildcards count nothing, then each fixed
// character 0.2, `_` 0.9 and `%` 5, at most 1.
func likePatternSel(p string, esc bool) float64 {
	i := 0
	for i < len(p) && p[i] != '%' && p[i] != '_' {
		if p[i] == '\\' && esc {
			i++
		}
		i++
	}
	for i < len(p) && (p[i] == '%' || p[i] == '_') {
		i++
	}
	sel := 1.0
	for ; i < len(p); i++ {
		switch c := p[i]; {
		case c == '%':
			sel *= likeFullWildcardSel
		case c == '_':
			sel *= likeAnyCharSel
		case c == '\\' && esc:
			i++
			if i >= len(p) {
				return min(sel, 1)
			}
			sel *= likeFixedCharSel
		default:
			sel *= likeFixedCharSel
		}
	}
	return min(sel, 1)
}

// likeMatches reports whether s matches LIKE pattern p (`%` any string,
// `_` one character, `\` quoting the next one when esc), for estimates
// over statistics: iterative, backtracking only to the last `%`.
func likeMatches(s, p string, esc bool) bool {
	sr, pr := []rune(s), []rune(p)
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(sr) {
		if pi < len(pr) {
			c := pr[pi]
			switch {
			case c == '%':
				starP, starS = pi, si
				pi++
				continue
			case c == '_':
				si++
				pi++
				continue
			case c == '\\' && esc && pi+1 < len(pr):
				if pr[pi+1] == sr[si] {
					si++
					pi += 2
					continue
				}
			case c == sr[si]:
				si++
				pi++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si, pi = starS, starP+1
	}
	for pi < len(pr) && pr[pi] == '%' {
		pi++
	}
	return pi == len(pr)
}

// likeArgs reads a LIKE call over a column of t with a constant pattern
// and escape: the column, the pattern and the escape string.
func likeArgs(call *Call, t Table) (col int, pat, esc string, ok bool) {
	col, ok = keyColumn(call.Args[0])
	pc, ok2 := call.Args[1].(*Const)
	ec, ok3 := call.Args[2].(*Const)
	if !ok || !ok2 || !ok3 || col >= len(t.Columns()) {
		return 0, "", "", false
	}
	pat, ok = pc.Val.(string)
	esc, ok2 = ec.Val.(string)
	return col, pat, esc, ok && ok2
}
