package eval

import (
	"context"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// EvalRowExpr evaluates a bound expression whose ColumnRefs index row,
// outside any plan: ALTER TABLE ... ALTER COLUMN ... TYPE ... USING
// computes each row's new value with it while rewriting the table.
func EvalRowExpr(ctx context.Context, e planner.Expr, row []types.Datum, env Env) (types.Datum, error) {
	c := &evalCtx{ctx: ctx, env: env, row: row}
	if env != nil {
		c.opts = env.FormatOpts()
	}
	return c.eval(e)
}
