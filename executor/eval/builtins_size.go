package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// SizeEnv is implemented by an Env that can measure relations and the
// database (the executor's Session).
type SizeEnv interface {
	// RelationBytes is the size of relation oid as fn (pg_relation_size,
	// pg_table_size, pg_indexes_size, pg_total_relation_size) counts it;
	// ok is false when there is no such relation.
	RelationBytes(oid uint32, fn string) (n int64, ok bool, err error)
	// DatabaseBytes is pg_database_size of the database named name, or
	// with OID oid when name is "".
	DatabaseBytes(name string, oid uint32) (int64, error)
}

// forkNames are the relation forks pg_relation_size accepts. nqdb has
// only the main fork's pages; the others are empty.
var forkNames = map[string]bool{"main": true, "fsm": true, "vm": true, "init": true}

func init() {
	// pg_relation_size, pg_table_size, pg_indexes_size,
	// pg_total_relation_size and pg_database_size share one FuncID and
	// tell themselves apart by name.
	impls[planner.FnPgRelationSize] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se, _ := c.env.(SizeEnv)
		if x.Fn.Name == "pg_database_size" {
			if se == nil {
				return nil, nil
			}
			var n int64
			var err error
			if name, ok := a[0].(string); ok {
				n, err = se.DatabaseBytes(name, 0)
			} else {
				n, err = se.DatabaseBytes("", oidArg(a[0]))
			}
			if err != nil {
				return nil, err
			}
			return n, nil
		}
		if len(a) == 2 {
			fork := a[1].(string)
			if !forkNames[fork] {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid fork name").
					WithHint("Valid fork names are \"main\", \"fsm\", \"vm\", and \"init\".")
			}
			if fork != "main" {
				return int64(0), nil
			}
		}
		if se == nil {
			return nil, nil
		}
		n, ok, err := se.RelationBytes(oidArg(a[0]), x.Fn.Name)
		if err != nil || !ok {
			return nil, err
		}
		return n, nil
	}
}
