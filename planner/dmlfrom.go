package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// DMLSource is the join behind UPDATE ... FROM and DELETE ... USING. Its
// rows are the target table's columns, the row's storage key (bytea, at
// KeyCol = the number of target columns) and then the FROM items'
// columns; the statement's WHERE is already applied (the join rule may
// have turned it into hash keys). The executor changes each target row
// once, for the first source row that names it, as PostgreSQL leaves
// unspecified which joined row wins.
type DMLSource struct {
	Plan   Node
	KeyCol int
	join   *Join
	scope  *scope
	table  Table
}

// FromListError is an error in UPDATE's FROM or DELETE's USING list: its
// position is in BuildOptions.FromSQL, not in the statement.
type FromListError struct{ Err *pgerror.Error }

func (e *FromListError) Error() string { return e.Err.Error() }

// Unwrap gives the PostgreSQL error.
func (e *FromListError) Unwrap() error { return e.Err }

// dmlSource binds the FROM / USING list and sets the binder's scope to
// the source row: target columns, the hidden key, then the list's
// columns. Errors inside the list lose their position: it is parsed from
// a text of its own.
func (b *binder) dmlSource(t Table, alias string) (*DMLSource, error) {
	target := b.scope
	saved := b.sql
	b.sql = b.dmlFromSQL
	from, fs, err := b.buildFrom(b.dmlFrom.From.TableRefs)
	b.sql = saved
	if err != nil {
		return nil, &FromListError{Err: pgerror.From(err)}
	}
	for _, c := range fs.cols {
		if c.table == alias {
			return nil, pgerror.New(pgerror.DuplicateAlias, "table name \"%s\" specified more than once", alias)
		}
	}
	scan := &Scan{Table: t, WithKey: true}
	for _, c := range t.Columns() {
		scan.Types = append(scan.Types, c.Type)
	}
	scan.Types = append(scan.Types, types.Bytea)
	sc := &scope{cols: append(append([]scopeCol{}, target.cols...), scopeCol{hidden: true, t: types.Bytea})}
	sc.cols = append(sc.cols, fs.cols...)
	b.scope = sc
	join := &Join{Left: scan, Right: from, Kind: InnerJoin,
		Types: append(append([]*types.T{}, scan.Types...), from.Output()...)}
	return &DMLSource{KeyCol: len(t.Columns()), join: join, scope: sc, table: t}, nil
}

// finish plans the source's join with the statement's WHERE (bound over
// the source row).
func (s *DMLSource) finish(b *binder, where Expr) {
	if s == nil {
		return
	}
	plan, rest := b.planJoins(s.join, where)
	if rest != nil {
		plan = &Filter{Input: plan, Cond: rest}
	}
	s.Plan = plan
}
