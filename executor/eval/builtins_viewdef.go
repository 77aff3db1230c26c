package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// ViewEnv is implemented by an Env that knows the views' definitions (the
// executor's Session).
type ViewEnv interface {
	// ViewDefinition returns the query of view oid as written; ok is
	// false when oid is not a view.
	ViewDefinition(oid uint32) (def string, ok bool)
	// ViewDefinitionByName resolves a (possibly qualified) relation name
	// as regclass input does, then answers as ViewDefinition; err is
	// PostgreSQL's for a relation that does not exist.
	ViewDefinitionByName(name string) (def string, ok bool, err error)
	// SerialSequence is pg_get_serial_sequence: the qualified name of the
	// sequence column col of table owns (ok false when none).
	SerialSequence(table, col string) (seq string, ok bool, err error)
	// ResetStatements is pg_stat_statements_reset().
	ResetStatements()
}

func init() {
	format := func(def string) types.Datum { return " " + def + ";" }
	impls[planner.FnPgGetViewdef] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ve, _ := c.env.(ViewEnv)
		if ve == nil {
			return nil, nil
		}
		if def, ok := ve.ViewDefinition(oidArg(a[0])); ok {
			return format(def), nil
		}
		return nil, nil
	}
	impls[planner.FnPgGetViewdefName] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ve, _ := c.env.(ViewEnv)
		if ve == nil {
			return nil, nil
		}
		def, ok, err := ve.ViewDefinitionByName(a[0].(string))
		if err != nil || !ok {
			return nil, err
		}
		return format(def), nil
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
