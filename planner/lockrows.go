package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// LockWait is how a row lock request that would wait behaves.
type LockWait uint8

// Row lock waits: SELECT ... FOR UPDATE waits (LockBlock), NOWAIT fails
// with 55P03, SKIP LOCKED leaves the row out.
const (
	LockBlock LockWait = iota
	LockNoWait
	LockSkipLocked
)

// LockRows is SELECT ... FOR UPDATE / FOR SHARE: it takes the row lock of
// each row its input produces, as PostgreSQL's LockRows node does above
// the sort and below LIMIT (so SKIP LOCKED with LIMIT takes the first
// unlocked rows). The input rows carry the stored row's key in column
// KeyCol (Scan.WithKey). Under READ COMMITTED a row changed since the
// snapshot is re-read: Where (over the table's columns) is checked again
// on the newest version and, if it still holds, Exprs (the select list
// over the table's columns plus the key) recompute the output row.
type LockRows struct {
	Input  Node
	Table  Table
	KeyCol int
	Share  bool
	Wait   LockWait
	Where  Expr
	Exprs  []Expr
}

// Output implements Node.
func (n *LockRows) Output() []*types.T { return n.Input.Output() }

// lockStrength names the clause in errors.
func lockStrength(t ast.SelectLockType) string {
	switch t {
	case ast.SelectLockForShare, ast.SelectLockForShareNoWait, ast.SelectLockForShareSkipLocked:
		return "FOR SHARE"
	}
	return "FOR UPDATE"
}

// bindLocking checks a SELECT's locking clause and prepares its LockRows:
// the single table scanned gets a key column, referenced by a hidden
// select-list entry appended to exprs. It returns nil when there is
// nothing to lock (no FROM).
func (b *binder) bindLocking(s *ast.SelectStmt, input Node, where Expr, grouped bool, exprs *[]Expr) (*LockRows, error) {
	li := s.LockInfo
	what := lockStrength(li.LockType)
	switch {
	case len(b.aggs) > 0:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed with aggregate functions", what)
	case s.GroupBy != nil:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed with GROUP BY clause", what)
	case s.Having != nil || grouped:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed with HAVING clause", what)
	case s.Distinct:
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is not allowed with DISTINCT clause", what)
	case li.LockType == ast.SelectLockForUpdateWaitN:
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"wait\"")
	}
	if input == nil {
		return nil, nil
	}
	scan, ok := input.(*Scan)
	if !ok {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "%s is supported on a single table so far, not on joins or subqueries", what)
	}
	for _, tn := range li.Tables {
		name := tn.Name.O
		if len(b.scope.cols) == 0 || b.scope.cols[0].table != name {
			return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" in %s clause not found in FROM clause", name, what).
				WithPosition(b.wordPos(name))
		}
	}
	lr := &LockRows{Table: scan.Table, Where: where}
	switch li.LockType {
	case ast.SelectLockForShare, ast.SelectLockForShareNoWait, ast.SelectLockForShareSkipLocked:
		lr.Share = true
	}
	switch li.LockType {
	case ast.SelectLockForUpdateNoWait, ast.SelectLockForShareNoWait:
		lr.Wait = LockNoWait
	case ast.SelectLockForUpdateSkipLocked, ast.SelectLockForShareSkipLocked:
		lr.Wait = LockSkipLocked
	}
	scan.WithKey = true
	scan.Types = append(scan.Types, types.Bytea)
	lr.KeyCol = len(*exprs)
	*exprs = append(*exprs, &ColumnRef{Idx: len(scan.Table.Columns()), T: types.Bytea})
	return lr, nil
}
