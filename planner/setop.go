package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// buildSetOpr plans UNION [ALL] chains. Branches are bound with their
// unknown literals left unresolved, as in PostgreSQL, so that
// `SELECT 1 UNION SELECT '2'` is an integer column.
func (b *binder) buildSetOpr(s *ast.SetOprStmt) (Node, []Column, error) {
	if err := b.bindWith(s.With); err != nil {
		return nil, nil, err
	}
	b.countCTERefs(s)
	root, cols, err := b.buildSetList(s.SelectList)
	if err != nil {
		return nil, nil, err
	}
	return b.finishSetOpr(root, cols, s.OrderBy, s.Limit)
}

func (b *binder) buildSetList(l *ast.SetOprSelectList) (Node, []Column, error) {
	var (
		nodes []Node
		cols  [][]Column
		ops   []ast.SetOprType
	)
	for i, n := range l.Selects {
		var (
			node Node
			c    []Column
			err  error
			op   *ast.SetOprType
		)
		switch x := n.(type) {
		case *ast.SelectStmt:
			// A branch sees what the set operation sees: its WITH items
			// and the enclosing queries (it runs inside the set
			// operation's plan, as a derived table does).
			sub := &binder{cat: b.cat, sql: b.sql, fo: b.fo, params: b.params, keepUnknown: true, outer: b.outer, derivedOf: b}
			node, c, err = sub.buildSelect(x)
			b.params = sub.params
			b.unresolved = append(b.unresolved, sub.unresolved...)
			op = x.AfterSetOperator
		case *ast.SetOprSelectList:
			node, c, err = b.buildSetList(x)
			op = x.AfterSetOperator
			if err == nil && (x.OrderBy != nil || x.Limit != nil) {
				node, c, err = b.finishSetOpr(node, c, x.OrderBy, x.Limit)
			}
		default:
			return nil, nil, pgerror.New(pgerror.FeatureNotSupported, "set operation member %T is not supported", n)
		}
		if err != nil {
			return nil, nil, err
		}
		if i > 0 {
			if op == nil {
				return nil, nil, pgerror.New(pgerror.SyntaxError, "malformed set operation")
			}
			ops = append(ops, *op)
			if len(c) != len(cols[0]) {
				err := pgerror.New(pgerror.SyntaxError, "each %s query must have the same number of columns", setOpName(*op))
				// PostgreSQL points at the right branch's first column.
				if sel, ok := n.(*ast.SelectStmt); ok && sel.Fields != nil && len(sel.Fields.Fields) > 0 {
					if f := sel.Fields.Fields[0]; f.Expr != nil {
						err = err.WithPosition(pos(f.Expr))
					}
				}
				return nil, nil, err
			}
		}
		nodes = append(nodes, node)
		cols = append(cols, c)
	}
	// Common type of each column across the branches.
	out := make([]Column, len(cols[0]))
	copy(out, cols[0])
	typesOut := make([]*types.T, len(out))
	for j := range out {
		es := make([]Expr, len(nodes))
		for i := range nodes {
			es[i] = &Const{T: cols[i][j].Type}
		}
		ctx := "UNION"
		if len(ops) > 0 {
			ctx = setOpName(ops[0])
		}
		t, err := b.commonType(es, nil, ctx)
		if err != nil {
			return nil, nil, err
		}
		if t.OID == types.OidUnknown {
			t = types.Text
		}
		typesOut[j] = t
		out[j].Type = t
		if len(nodes) > 1 {
			out[j].Typmod, out[j].TableOID, out[j].AttNum = -1, 0, 0
		}
	}
	for i := range nodes {
		var err error
		if nodes[i], err = b.coerceOutputs(nodes[i], typesOut); err != nil {
			return nil, nil, err
		}
	}
	// INTERSECT binds tighter than UNION and EXCEPT, which associate to
	// the left: fold INTERSECT runs into terms first.
	terms := []Node{nodes[0]}
	var termOps []ast.SetOprType
	for i := 1; i < len(nodes); i++ {
		if op := ops[i-1]; op == ast.Intersect || op == ast.IntersectAll {
			terms[len(terms)-1] = setOpNode(terms[len(terms)-1], nodes[i], op, typesOut)
			continue
		}
		terms = append(terms, nodes[i])
		termOps = append(termOps, ops[i-1])
	}
	root := terms[0]
	for i := 1; i < len(terms); i++ {
		root = setOpNode(root, terms[i], termOps[i-1], typesOut)
	}
	return root, out, nil
}

// SetOpKind tells an Append which set operation it is.
type SetOpKind uint8

// Set operations; the zero value is UNION (or UNION ALL: Append.Distinct).
const (
	SetUnion SetOpKind = iota
	// SetIntersect keeps the rows of the first input that the second has
	// too: each distinct row once, or with ALL min(m, n) copies.
	SetIntersect
	// SetExcept keeps the rows of the first input that the second lacks:
	// each distinct row once, or with ALL max(m-n, 0) copies.
	SetExcept
)

// setOpNode combines two inputs of a set operation.
func setOpNode(l, r Node, op ast.SetOprType, ts []*types.T) Node {
	n := &Append{Inputs: []Node{l, r}, Types: ts}
	switch op {
	case ast.Union:
		n.Distinct = true
	case ast.Intersect, ast.IntersectAll:
		n.Op, n.Distinct = SetIntersect, op == ast.Intersect
	case ast.Except, ast.ExceptAll:
		n.Op, n.Distinct = SetExcept, op == ast.Except
	}
	return n
}

// setOpName is the keyword PostgreSQL's messages name a set operation by.
func setOpName(op ast.SetOprType) string {
	switch op {
	case ast.Intersect, ast.IntersectAll:
		return "INTERSECT"
	case ast.Except, ast.ExceptAll:
		return "EXCEPT"
	}
	return "UNION"
}

// coerceOutputs makes n produce columns of types ts: the expressions of a
// Result or Project are coerced in place (folding unknown literals),
// anything else gets a Project of casts.
func (b *binder) coerceOutputs(n Node, ts []*types.T) (Node, error) {
	var exprs []Expr
	switch x := n.(type) {
	case *Result:
		exprs = x.Exprs
	case *Project:
		exprs = x.Exprs
	}
	if exprs != nil {
		for i := range exprs {
			if exprs[i].Type().OID != ts[i].OID {
				e, err := b.coerce(exprs[i], ts[i], -1, false, nil)
				if err != nil {
					return nil, err
				}
				exprs[i] = e
			}
		}
		return n, nil
	}
	out := n.Output()
	same := true
	proj := make([]Expr, len(ts))
	for i := range ts {
		proj[i] = &ColumnRef{Idx: i, T: out[i]}
		if out[i].OID != ts[i].OID {
			same = false
			e, err := b.coerce(proj[i], ts[i], -1, false, nil)
			if err != nil {
				return nil, err
			}
			proj[i] = e
		}
	}
	if same {
		return n, nil
	}
	return &Project{Input: n, Exprs: proj}, nil
}

// finishSetOpr applies ORDER BY (output columns by name or position) and
// LIMIT/OFFSET to a set operation.
func (b *binder) finishSetOpr(root Node, cols []Column, ob *ast.OrderByClause, lim *ast.Limit) (Node, []Column, error) {
	var keys []SortKey
	if ob != nil {
		names := f2names(cols)
		for _, item := range ob.Items {
			e, nullsFirst := orderItem(item)
			idx := -1
			if n, ok := orderPosition(e); ok && n >= 1 && n <= len(cols) {
				idx = n - 1
			}
			switch x := e.(type) {
			case *ast.ColumnNameExpr:
				for i, n := range names {
					if n == x.Name.Name.O {
						idx = i
						break
					}
				}
			}
			if idx < 0 {
				return nil, nil, pgerror.New(pgerror.FeatureNotSupported,
					"invalid UNION/INTERSECT/EXCEPT ORDER BY clause").WithDetail("Only result column names can be used, not expressions or functions.").WithPosition(pos(e))
			}
			keys = append(keys, SortKey{Col: idx, Desc: item.Desc, NullsFirst: nullsFirst})
		}
		root = &Sort{Input: root, Keys: keys}
	}
	if lim != nil {
		var err error
		b.scope = &scope{}
		if root, err = b.limitNode(root, lim, keys); err != nil {
			return nil, nil, err
		}
	}
	return root, cols, nil
}
