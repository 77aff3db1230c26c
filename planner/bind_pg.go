package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Binding of the markers sql/parser rewrites PostgreSQL syntax into (see
// sql/parser/rewrite_pg.go): nqdb_op(op, l, r) for operators the TiDB
// grammar lacks, and (in agg.go) the aggregate modifiers of
// nqdb_agg_mods.

// opMarker is sql/parser.OpFunc; the planner names markers by their text,
// as it does nqdb_cast.
const opMarker = "nqdb_op"

// bindOpMarker binds nqdb_op('op', l, r) as the binary operator op (and
// nqdb_op('op', x) as the prefix operator op). The
// operator string's node is placed at the operator in the user's text,
// which is where PostgreSQL reports a missing operator.
func (b *binder) bindOpMarker(x *ast.FuncCallExpr) (Expr, error) {
	if len(x.Args) == 2 {
		return b.bindPrefixOpMarker(x)
	}
	if len(x.Args) != 3 {
		return nil, pgerror.New(pgerror.SyntaxError, "malformed operator").WithPosition(pos(x))
	}
	v, ok := x.Args[0].(*test_driver.ValueExpr)
	if !ok || v.Kind() != test_driver.KindString {
		return nil, pgerror.New(pgerror.SyntaxError, "malformed operator").WithPosition(pos(x))
	}
	l, r, err := b.bindPair(x.Args[1], x.Args[2])
	if err != nil {
		return nil, err
	}
	return b.binaryOp(v.GetString(), l, r, x.Args[1], x.Args[2], pos(x.Args[0]))
}

// jsonbConcat binds jsonb || jsonb, reporting false when neither side is
// jsonb (the text and array forms of || apply then).
func (b *binder) jsonbConcat(l, r Expr, ln, rn ast.Node) (Expr, bool, error) {
	lt, rt := l.Type().OID, r.Type().OID
	if lt != types.OidJSONB && rt != types.OidJSONB || lt != types.OidJSONB && lt != types.OidUnknown ||
		rt != types.OidJSONB && rt != types.OidUnknown {
		return nil, false, nil
	}
	e, err := b.callFuncArgs("jsonb_concat", []Expr{l, r}, []ast.Node{ln, rn}, ln)
	return e, true, err
}

// MarkerColName is the column name PostgreSQL gives an expression that
// sql/parser rewrote into a marker call: "?column?" for an operator. It
// reports false for other calls. (bind.go's colName consults it.)
func MarkerColName(x *ast.FuncCallExpr) (string, int, bool) {
	if x.FnName.L == opMarker {
		return "?column?", 0, true
	}
	return "", 0, false
}
