package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// applyAliasList renames a derived table's columns by the column alias
// list sql/parser left on it (the subquery's select list was *; see
// sql/parser/aliaslist.go). Columns past the list keep their names.
func applyAliasList(ts *ast.TableSource, cols []Column) error {
	if len(ts.ColumnNames) > len(cols) {
		return pgerror.New(pgerror.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified",
			ts.AsName.O, len(cols), len(ts.ColumnNames))
	}
	for i, c := range ts.ColumnNames {
		cols[i].Name = c.O
	}
	return nil
}
