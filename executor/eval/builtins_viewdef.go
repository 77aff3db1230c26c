package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ViewEnv is implemented by an Env that knows the views' definitions (the
// executor's Session).
type ViewEnv interface {
	// ViewDefinition returns pg_get_viewdef's text for view oid (its
	// leading space and semicolon included): pretty drops redundant
	// parentheses, wrap is the wrap column (0 = a target per line); ok
	// is false when oid is not a view.
	ViewDefinition(oid uint32, pretty bool, wrap int) (def string, ok bool)
	// ViewDefinitionByName resolves a (possibly qualified) relation name
	// as regclass input does, then answers as ViewDefinition; err is
	// PostgreSQL's for a relation that does not exist.
	ViewDefinitionByName(name string, pretty bool, wrap int) (def string, ok bool, err error)
	// SerialSequence is pg_get_serial_sequence: the qualified name of the
	// sequence column col of table owns (ok false when none).
	SerialSequence(table, col string) (seq string, ok bool, err error)
	// ResetStatements is pg_stat_statements_reset().
	ResetStatements()
}

func init() {
	// The optional second argument: pretty (bool), or a wrap column
	// (int), which implies pretty (pg_get_viewdef_wrap).
	flags := func(a []types.Datum) (pretty bool, wrap int) {
		if len(a) < 2 || a[1] == nil {
			return false, 0
		}
		switch v := a[1].(type) {
		case bool:
			return v, 0
		case int64:
			return true, int(v)
		}
		return false, 0
	}
	impls[planner.FnPgGetViewdef] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ve, _ := c.env.(ViewEnv)
		if ve == nil {
			return nil, nil
		}
		pretty, wrap := flags(a)
		if def, ok := ve.ViewDefinition(oidArg(a[0]), pretty, wrap); ok {
			return def, nil
		}
		return nil, nil
	}
	impls[planner.FnPgGetViewdefName] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ve, _ := c.env.(ViewEnv)
		if ve == nil {
			return nil, nil
		}
		pretty, wrap := flags(a)
		def, ok, err := ve.ViewDefinitionByName(a[0].(string), pretty, wrap)
		if err != nil || !ok {
			return nil, err
		}
		return def, nil
	}
	impls[planner.FnPgStatStatementsReset] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ve, _ := c.env.(ViewEnv); ve != nil {
			ve.ResetStatements()
		}
		return "", nil
	}
	impls[planner.FnPgGetSerialSequence] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ve, _ := c.env.(ViewEnv)
		if ve == nil {
			return nil, nil
		}
		seq, ok, err := ve.SerialSequence(a[0].(string), a[1].(string))
		if err != nil || !ok {
			return nil, err
		}
		return seq, nil
	}
}
