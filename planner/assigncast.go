package planner

import "github.com/neuroquantumdb/nqdb/sql/types"

// CanCoerceAssignment reports whether a value of type from may be stored
// in a column of type to without an explicit cast (an implicit or an
// assignment cast): ALTER TABLE ... ALTER COLUMN ... TYPE asks it of the
// column's old type, or of its USING expression's type.
func CanCoerceAssignment(from, to *types.T) bool { return canCoerceAssignment(from, to) }
