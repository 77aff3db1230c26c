package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// withCheckOptionViolation is SQLSTATE 44000.
const withCheckOptionViolation = "44000"

// checkView applies the check options of the view an INSERT or UPDATE
// writes through (planner.ViewCheck) to a row written into the base
// table t: a condition that is false or NULL fails, naming the view, as
// PostgreSQL's ExecWithCheckOptions does once the row is written.
func (c *evalCtx) checkView(t planner.Table, checks []planner.ViewCheck, row []types.Datum) error {
	if len(checks) == 0 {
		return nil
	}
	saved := c.row
	defer func() { c.row = saved }()
	c.row = row
	for i := range checks {
		v, err := c.eval(checks[i].Cond)
		if err != nil {
			return err
		}
		if v != true {
			return pgerror.New(withCheckOptionViolation, "new row violates check option for view \"%s\"", checks[i].View).
				WithDetail("Failing row contains %s.", rowDescription(t.Columns(), row, c.opts))
		}
	}
	return nil
}
