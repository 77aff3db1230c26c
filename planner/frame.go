package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Window frames: ROWS, RANGE and GROUPS with UNBOUNDED, CURRENT ROW and
// offset bounds, and EXCLUDE. sql/parser passes frames TiDB cannot parse
// (any offset expression, EXCLUDE) as a parser.FrameFunc call in the start
// bound (see sql/parser/frame.go).
//
// ROWS and GROUPS offsets are bigint. A RANGE offset is added to or
// subtracted from the single ORDER BY value as PostgreSQL's in_range
// support functions do, so its type follows the column's: integers take
// an integer offset (as bigint), float4/float8 a float8, numeric a numeric,
// date, time, timestamp, timestamptz and interval an interval.

// FrameExclude is a frame's EXCLUDE clause.
type FrameExclude uint8

// Frame exclusions.
const (
	ExcludeNoOthers FrameExclude = iota
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// frameSpec is a frame clause as written.
type frameSpec struct {
	kinds   [2]string
	offsets [2]ast.ExprNode
	exclude string
}

// bindFrame binds frame f of window function wf (x for positions).
func (b *binder) bindFrame(wf *WindowFunc, f *ast.FrameClause, x ast.Node) error {
	spec := frameSpec{}
	for k, fb := range [2]ast.FrameBound{f.Extent.Start, f.Extent.End} {
		switch {
		case fb.Type == ast.CurrentRow:
			spec.kinds[k] = "current row"
		case fb.UnBounded && fb.Type == ast.Preceding:
			spec.kinds[k] = "unbounded preceding"
		case fb.UnBounded:
			spec.kinds[k] = "unbounded following"
		case fb.Type == ast.Preceding:
			spec.kinds[k], spec.offsets[k] = "preceding", fb.Expr
		default:
			spec.kinds[k], spec.offsets[k] = "following", fb.Expr
		}
	}
	var at [2]ast.Node
	short := false
	win := x
	if fc, ok := f.Extent.Start.Expr.(*ast.FuncCallExpr); ok && fc.FnName.L == parser.FrameFunc && len(fc.Args) == 6 {
		at, win = [2]ast.Node{fc.Args[0], fc.Args[2]}, fc.Args[5]
		spec = frameSpec{}
		str := func(e ast.ExprNode) string {
			if v, ok := e.(ast.ValueExpr); ok {
				if s, ok := v.GetValue().(string); ok {
					return s
				}
			}
			return ""
		}
		spec.kinds[0], spec.kinds[1], spec.exclude = str(fc.Args[0]), str(fc.Args[2]), str(fc.Args[4])
		for k, a := range [2]ast.ExprNode{fc.Args[1], fc.Args[3]} {
			if spec.kinds[k] == "preceding" || spec.kinds[k] == "following" {
				spec.offsets[k] = a
			}
		}
		if spec.kinds[1] == "" {
			spec.kinds[1], short, at[1] = "current row", true, at[0]
		}
	} else {
		at = [2]ast.Node{x, x}
	}
	wf.Rows, wf.Groups = f.Type == ast.Rows, f.Type == ast.Groups
	switch spec.exclude {
	case "current row":
		wf.Exclude = ExcludeCurrentRow
	case "group":
		wf.Exclude = ExcludeGroup
	case "ties":
		wf.Exclude = ExcludeTies
	}
	mode := "ROWS"
	switch f.Type {
	case ast.Ranges:
		mode = "RANGE"
	case ast.Groups:
		mode = "GROUPS"
	}
	if spec.kinds[0] == "unbounded following" {
		return pgerror.New(pgerror.WindowingError, "frame start cannot be UNBOUNDED FOLLOWING").WithPosition(pos(at[0]))
	}
	if short && spec.kinds[0] == "following" {
		return pgerror.New(pgerror.WindowingError, "frame starting from following row cannot end with current row").WithPosition(pos(at[0]))
	}
	if spec.kinds[1] == "unbounded preceding" {
		return pgerror.New(pgerror.WindowingError, "frame end cannot be UNBOUNDED PRECEDING").WithPosition(pos(at[1]))
	}
	if spec.kinds[0] == "current row" && spec.kinds[1] == "preceding" {
		return pgerror.New(pgerror.WindowingError, "frame starting from current row cannot have preceding rows").WithPosition(pos(at[1]))
	}
	if spec.kinds[0] == "following" && (spec.kinds[1] == "preceding" || spec.kinds[1] == "current row") {
		return pgerror.New(pgerror.WindowingError, "frame starting from following row cannot have preceding rows").WithPosition(pos(at[1]))
	}
	hasOffset := spec.offsets[0] != nil || spec.offsets[1] != nil
	if mode == "RANGE" && hasOffset && len(wf.Order) != 1 {
		return pgerror.New(pgerror.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column").WithPosition(pos(win))
	}
	if mode == "GROUPS" && len(wf.Order) == 0 {
		return pgerror.New(pgerror.WindowingError, "GROUPS mode requires an ORDER BY clause").WithPosition(pos(win))
	}
	bounds := [2]*FrameBound{&wf.Start, &wf.End}
	for k := range bounds {
		fb := FrameBound{}
		switch spec.kinds[k] {
		case "unbounded preceding":
			fb.Kind = UnboundedPreceding
		case "unbounded following":
			fb.Kind = UnboundedFollowing
		case "current row":
			fb.Kind = CurrentRow
		case "preceding", "following":
			fb.Kind = OffsetPreceding
			if spec.kinds[k] == "following" {
				fb.Kind = OffsetFollowing
			}
			var err error
			if fb.Offset, err = b.frameOffset(spec.offsets[k], mode, wf); err != nil {
				return err
			}
		}
		*bounds[k] = fb
	}
	return nil
}

// frameOffset binds a frame offset: bigint for ROWS and GROUPS, the
// in_range offset type of the ORDER BY column for RANGE.
func (b *binder) frameOffset(n ast.ExprNode, mode string, wf *WindowFunc) (Expr, error) {
	saved := *b
	b.scope, b.aggCtx, b.clause, b.winAllowed = &scope{}, "", "window "+mode, false
	e, err := b.bindExpr(n)
	restoreBinder(b, &saved)
	if err != nil {
		if pe, ok := err.(*pgerror.Error); ok && (pe.Code == pgerror.UndefinedColumn || pe.Code == pgerror.UndefinedTable) {
			probe := saved
			if _, err2 := probe.bindExpr(n); err2 == nil {
				err = pgerror.New(pgerror.InvalidColumnReference, "argument of %s must not contain variables", mode).WithPosition(pe.Position)
			}
		}
		return nil, err
	}
	from := e.Type()
	if mode != "RANGE" {
		if from.OID == types.OidUnknown || canCoerceAssignment(from, types.Int8) {
			return b.coerce(e, types.Int8, -1, from.OID != types.OidUnknown, n)
		}
		return nil, pgerror.New(pgerror.DatatypeMismatch, "argument of %s must be type bigint, not type %s", mode, from.SQLName).WithPosition(pos(n))
	}
	col := wf.Order[0].Expr.Type()
	var cands []*types.T
	switch col.OID {
	case types.OidInt2, types.OidInt4, types.OidInt8:
		cands = []*types.T{types.Int8, types.Int4, types.Int2}
		if col.OID == types.OidInt8 {
			cands = cands[:1]
		}
	case types.OidFloat4, types.OidFloat8:
		cands = []*types.T{types.Float8}
	case types.OidNumeric:
		cands = []*types.T{types.Numeric}
	case types.OidDate, types.OidTime, types.OidTimestamp, types.OidTimestampTZ, types.OidInterval:
		cands = []*types.T{types.Interval}
	}
	if len(cands) == 0 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", col.SQLName).WithPosition(pos(n))
	}
	var to *types.T
	for _, c := range cands {
		if c.OID == from.OID {
			to = c
		}
	}
	if to == nil {
		for _, c := range cands {
			if from.OID == types.OidUnknown || canCoerceImplicit(from, c) {
				to = c
				break
			}
		}
	}
	if to == nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s", col.SQLName, from.SQLName).
			WithHint("Cast the offset value to an appropriate type.").WithPosition(pos(n))
	}
	if to.OID == types.OidInt4 || to.OID == types.OidInt2 {
		to = types.Int8 // the executor works in int64
	}
	return b.coerce(e, to, -1, false, n)
}
