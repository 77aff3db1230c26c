package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// The IN-list rule: `expr [NOT] IN (c1, c2, ...)` over constants of one
// common type, where expr is not a plain column, is bound as PostgreSQL's
// transformAExprIn binds every such list: `expr = ANY ('{c1,c2,...}')`
// (`<> ALL` for NOT IN), which evaluates expr once per row. The OR of
// comparisons the binder builds otherwise evaluates it once per item:
// TPC-H Q22's `substring(c_phone from 1 for 2) IN (7 codes)` computed
// the substring up to seven times per customer row (and a volatile expr
// would be called more than once). A plain column keeps the OR form,
// which the key-lookup rule reads as an IN list (keylookup.go) and
// costs nothing to re-read.
func (b *binder) inListAny(e Expr, items []Expr, common *types.T, bind func() (Expr, error)) Expr {
	if len(items) < 2 || common == nil || common.Array == nil {
		return nil
	}
	switch e.(type) {
	case *ColumnRef, *Const, *Param:
		return nil
	}
	for _, it := range items {
		c, ok := it.(*Const)
		if !ok || c.T.OID != common.OID {
			return nil
		}
	}
	sa, err := bind()
	if err != nil {
		return nil
	}
	return sa
}
