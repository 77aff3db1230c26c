package eval

import (
	"context"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The planner folds immutable expressions over constants while planning
// (see planner/fold.go) but holds no implementations: it evaluates them
// through this package. Only immutable functions and casts are folded,
// which depend on no session state, so no Env is needed.
func init() {
	planner.SetConstEvaluator(func(e planner.Expr) (types.Datum, error) {
		return EvalExpr(context.Background(), e, nil, nil)
	})
}
