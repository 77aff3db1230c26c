package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// usingJoin plans JOIN ... USING (cols) and NATURAL JOIN: the join
// condition is left.c = right.c for each column, and the output has each
// such column once (first, as PostgreSQL orders it), then the other
// columns of the left and the right side. The merged column is the left
// side's (the right side's for RIGHT JOIN); the originals stay reachable
// as t.c through hidden scope entries.
func (b *binder) usingJoin(j *ast.Join, left, right Node, ls, rs *scope, lateral bool) (Node, *scope, error) {
	var names []string
	full, using := false, j.Using
	if len(using) > 0 && using[0].Name.O == parser.FullJoinFunc {
		// FULL JOIN ... USING / NATURAL FULL JOIN (sql/parser/fulljoin.go).
		full, using = true, using[1:]
		if lateral {
			return nil, nil, pgerror.New(pgerror.InvalidColumnReference, "invalid reference to FROM-clause entry in a LATERAL item of a FULL JOIN")
		}
	}
	natural := j.NaturalJoin
	if full && len(using) == 1 && using[0].Name.O == parser.NaturalMark {
		natural, using = true, nil
	}
	if natural {
		for _, lc := range ls.cols {
			if lc.hidden {
				continue
			}
			for _, rc := range rs.cols {
				if !rc.hidden && rc.name == lc.name {
					names = append(names, lc.name)
					break
				}
			}
		}
	} else {
		for _, c := range using {
			names = append(names, c.Name.O)
		}
	}
	find := func(sc *scope, name, side string) (int, error) {
		at := -1
		for i, c := range sc.cols {
			if !c.hidden && c.name == name {
				if at >= 0 {
					return 0, pgerror.New(pgerror.AmbiguousColumn, "common column name \"%s\" appears more than once in %s table", name, side)
				}
				at = i
			}
		}
		if at < 0 {
			return 0, pgerror.New(pgerror.UndefinedColumn, "column \"%s\" specified in USING clause does not exist in %s table", name, side)
		}
		return at, nil
	}
	nl := len(ls.cols)
	lIdx, rIdx := make([]int, len(names)), make([]int, len(names))
	var conds []Expr
	usedL, usedR := map[int]bool{}, map[int]bool{}
	for k, name := range names {
		li, err := find(ls, name, "left")
		if err != nil {
			return nil, nil, err
		}
		ri, err := find(rs, name, "right")
		if err != nil {
			return nil, nil, err
		}
		lIdx[k], rIdx[k], usedL[li], usedR[ri] = li, ri, true, true
		l := &ColumnRef{Idx: li, T: ls.cols[li].t}
		r := &ColumnRef{Idx: nl + ri, T: rs.cols[ri].t}
		// PostgreSQL first resolves the pair's common type.
		if _, err := b.commonType([]Expr{l, r}, nil, "JOIN/USING"); err != nil {
			return nil, nil, err
		}
		c, err := b.binaryOp("=", l, r, nil, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, c)
	}
	join := &Join{Left: left, Right: right, Types: append(append([]*types.T{}, left.Output()...), right.Output()...), Lateral: lateral}
	switch {
	case full:
		join.Kind = FullJoin
	case j.Tp == ast.LeftJoin:
		join.Kind = LeftJoin
	case j.Tp == ast.RightJoin:
		join.Kind = RightJoin
	}
	switch len(conds) {
	case 0:
	case 1:
		join.Cond = conds[0]
	default:
		join.Cond = &BoolExpr{Op: And, Args: conds}
	}
	var exprs []Expr
	sc := &scope{}
	for k, name := range names {
		src, c := lIdx[k], ls.cols[lIdx[k]]
		if join.Kind == RightJoin {
			src, c = nl+rIdx[k], rs.cols[rIdx[k]]
		}
		if join.Kind == FullJoin {
			// PostgreSQL: COALESCE(l.c, r.c) in the two sides' common type.
			rc := rs.cols[rIdx[k]]
			l, r := Expr(&ColumnRef{Idx: src, T: c.t}), Expr(&ColumnRef{Idx: nl + rIdx[k], T: rc.t})
			t, err := b.commonType([]Expr{l, r}, nil, "JOIN/USING")
			if err != nil {
				return nil, nil, err
			}
			if l, err = b.coerce(l, t, -1, false, nil); err == nil {
				r, err = b.coerce(r, t, -1, false, nil)
			}
			if err != nil {
				return nil, nil, err
			}
			typmod := int32(-1)
			if t.OID == c.t.OID && t.OID == rc.t.OID && c.typmod == rc.typmod {
				typmod = c.typmod
			}
			exprs = append(exprs, &Coalesce{Args: []Expr{l, r}, T: t})
			sc.cols = append(sc.cols, scopeCol{name: name, t: t, typmod: typmod})
			continue
		}
		exprs = append(exprs, &ColumnRef{Idx: src, T: c.t})
		sc.cols = append(sc.cols, scopeCol{name: name, t: c.t, typmod: c.typmod})
	}
	for i, c := range ls.cols {
		if !usedL[i] {
			exprs = append(exprs, &ColumnRef{Idx: i, T: c.t})
			sc.cols = append(sc.cols, c)
		}
	}
	for i, c := range rs.cols {
		if !usedR[i] {
			exprs = append(exprs, &ColumnRef{Idx: nl + i, T: c.t})
			sc.cols = append(sc.cols, c)
		}
	}
	for k := range names {
		for _, side := range []struct {
			sc  *scope
			i   int
			off int
		}{{ls, lIdx[k], 0}, {rs, rIdx[k], nl}} {
			c := side.sc.cols[side.i]
			exprs = append(exprs, &ColumnRef{Idx: side.off + side.i, T: c.t})
			c.hidden = true
			sc.cols = append(sc.cols, c)
		}
	}
	var input Node = join
	if join.Kind == FullJoin {
		// A FULL JOIN runs as a hash join only: plan it as buildFrom's
		// FULL JOIN ... ON (the USING equalities are its keys).
		input = b.planOuter(join)
		if pj, ok := input.(*Join); !ok || len(pj.RightKeys) == 0 {
			return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "FULL JOIN is only supported with merge-joinable or hash-joinable join conditions")
		}
	}
	return &Project{Input: input, Exprs: exprs}, sc, nil
}
