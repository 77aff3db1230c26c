package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// Array containment: anyarray @> anyarray (every element of the right
// array is in the left one) and <@ (the reverse), as SQLAlchemy's
// ARRAY.contains() and contained_by() send them. Implementations:
// executor/eval/builtins_array_ops.go.
func init() {
	addOp("@>", FnArrayContains, types.Bool, AnyArrayType, AnyArrayType)
	addOp("<@", FnArrayContained, types.Bool, AnyArrayType, AnyArrayType)
}
