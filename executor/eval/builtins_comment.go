package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// CommentEnv is implemented by an Env that keeps COMMENT ON's
// descriptions (the executor's Session).
type CommentEnv interface {
	// Comment returns the description of object obj of catalog class
	// (column sub, 0 for the object itself).
	Comment(class, obj uint32, sub int32) (string, bool)
}

// catalogClassOIDs are the catalogs obj_description's second argument
// names that can hold described objects.
var catalogClassOIDs = map[string]uint32{
	"pg_class": 1259, "pg_namespace": 2615, "pg_type": 1247, "pg_proc": 1255, "pg_constraint": 2606,
	"pg_database": 1262, "pg_am": 2601, "pg_operator": 2617, "pg_extension": 3079,
}

// This init runs after builtins_catalog.go's (file order) and replaces
// its always-NULL descriptions.
func init() {
	impls[planner.FnObjDescription] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ce, _ := c.env.(CommentEnv)
		if ce == nil {
			return nil, nil
		}
		obj := oidArg(a[0])
		switch {
		case len(a) == 1:
			// The deprecated one-argument form: pg_class's objects.
			if d, ok := ce.Comment(1259, obj, 0); ok {
				return d, nil
			}
		case x.Args[1].Type().OID == types.OidInt4:
			// col_description(table, column)
			if d, ok := ce.Comment(1259, obj, int32(a[1].(int64))); ok {
				return d, nil
			}
		default:
			name, _ := a[1].(string)
			if class, known := catalogClassOIDs[name]; known {
				if d, ok := ce.Comment(class, obj, 0); ok {
					return d, nil
				}
			}
		}
		return nil, nil
	}
}

// regclassIn is text::regclass for a value known only at run time: an
// OID number as it is, else the relation's name resolved through the
// catalog (42P01 when there is none), as PostgreSQL's regclassin.
func (c *evalCtx) regclassIn(s string) (types.Datum, error) {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s == "-" {
		return types.ParseText(types.Regclass, s, c.opts)
	}
	if ce := catalogEnv(c); ce != nil {
		if oid, ok := ce.CatalogRegclass(s); ok {
			return int64(oid), nil
		}
	}
	return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", s)
}
