package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// SchemaEnv is implemented by an Env that resolves names through schemas
// and a search path (the executor's Session). Without it, the functions
// below answer as for a database with only public.
type SchemaEnv interface {
	// CurrentSchemas is current_schemas(implicit): the search path's
	// existing schemas, with the implicitly searched ones when implicit.
	CurrentSchemas(implicit bool) []string
	// RelationVisible is pg_table_is_visible: exists is false when no
	// relation has the OID.
	RelationVisible(oid uint32) (visible, exists bool)
}

func schemaEnv(c *evalCtx) SchemaEnv {
	se, _ := c.env.(SchemaEnv)
	return se
}

// This file's init runs after builtins.go's and builtins_catalog.go's
// (files initialise in name order) and refines their answers.
func init() {
	impls[planner.FnCurrentSchema] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se := schemaEnv(c)
		if se == nil {
			return "public", nil
		}
		if path := se.CurrentSchemas(false); len(path) > 0 {
			return path[0], nil
		}
		return nil, nil
	}
	impls[planner.FnCurrentSchemas] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		implicit := a[0].(bool)
		path := []string{"public"}
		if se := schemaEnv(c); se != nil {
			path = se.CurrentSchemas(implicit)
		} else if implicit {
			path = []string{"pg_catalog", "public"}
		}
		elems := make([]any, len(path))
		for i, p := range path {
			elems[i] = p
		}
		return &types.Array{Elem: types.Name, Elems: elems}, nil
	}
	exists := impls[planner.FnPgTableIsVisible]
	impls[planner.FnPgTableIsVisible] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se := schemaEnv(c)
		if se == nil {
			return exists(c, x, a)
		}
		visible, ok := se.RelationVisible(oidArg(a[0]))
		if !ok {
			return nil, nil
		}
		return visible, nil
	}
}
