package planner

import (
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Query is a bound, typed, immutable plan for a statement. It may be run
// any number of times, concurrently.
type Query struct {
	// Columns describes the result rows; nil when the statement returns none.
	Columns []Column
	// ParamTypes holds the type of each $n after inference (len = highest n);
	// entries are never nil.
	ParamTypes []*types.T
	// Root is the operator tree.
	Root Node
	// Writes are the data-modifying WITH items, run once each, in order,
	// before Root (see wcte.go).
	Writes []*WriteCTE
	// CTEs are the materialized WITH queries (ctematerialize.go): each
	// runs at most once per execution, read through WorkTableScans.
	CTEs []*WorkTable
}

// Column describes one result column as RowDescription carries it.
type Column struct {
	Name     string
	Type     *types.T
	Typmod   int32 // -1 when none
	TableOID uint32
	AttNum   int16
	// NotNull marks a table column declared NOT NULL (INSERT and UPDATE
	// check it); it is false in result descriptions.
	NotNull bool
	// Default is the column's DEFAULT expression as PostgreSQL text (""
	// = NULL); see defaults.go.
	Default string
	// Identity is 'a' for GENERATED ALWAYS AS IDENTITY, 'd' for BY
	// DEFAULT, 0 otherwise (pg_attribute.attidentity); Default then holds
	// the nextval of the column's sequence.
	Identity byte
	// Domain is the column's domain when it was declared with one (Type
	// and Typmod are then the domain's base type and typmod; writes check
	// the domain's constraints, see domain.go).
	Domain *types.T
}

// Catalog resolves tables for the planner. Until storage exists the lead
// provides a stub that reports every table as missing.
type Catalog interface {
	// LookupTable returns the table schema.name (schema "" = search path),
	// or a 42P01 error `relation "x" does not exist`.
	LookupTable(schema, name string) (Table, error)
}

// Table is a relation the planner can read from.
type Table interface {
	// OID is the pg_class OID, reported in RowDescription.
	OID() uint32
	// Name is the relation name.
	Name() string
	// Columns lists the user columns in attribute order.
	Columns() []Column
}

// Node is a plan operator. Each produces rows whose width is len(Output()).
type Node interface {
	// Output returns the types of the columns the node produces.
	Output() []*types.T
}

// Result produces at most one row: Exprs evaluated once, if Where (which
// may be nil) is true. It is SELECT without FROM.
type Result struct {
	Exprs []Expr
	Where Expr
}

// Values produces its rows in order; each row's Exprs are evaluated when
// the row is produced.
type Values struct {
	Rows  [][]Expr
	Types []*types.T
}

// Scan reads every row of a table: its columns in attribute order. The
// executor reads the table through an interface of its own that the
// catalog's Table values implement (eval.Scannable).
type Scan struct {
	Table Table
	Types []*types.T
	// Key, when set, narrows the scan to the rows whose primary key or
	// secondary index key starts with the given values (see useKeys).
	Key *KeyLookup
	// WithKey appends each row's storage key (bytea) after the columns,
	// for LockRows.
	WithKey bool
	// Alias is the name the query gave the table ("" = its own), for
	// EXPLAIN.
	Alias string
	// Needed, when set, marks the table columns anything above reads; the
	// others may be left NULL (see prune.go). nil = all.
	Needed []bool
}

// Output implements Node.
func (n *Scan) Output() []*types.T { return n.Types }

// Append produces the rows of each input in turn (UNION ALL); with
// Distinct set it drops duplicate rows (UNION).
type Append struct {
	Inputs   []Node
	Distinct bool
	Types    []*types.T
	// Op, when not SetUnion, makes this INTERSECT or EXCEPT (setop.go)
	// of exactly two inputs; Distinct is then false for ALL.
	Op SetOpKind
}

// Output implements Node.
func (n *Append) Output() []*types.T { return n.Types }

// Distinct drops rows equal to an earlier row (NULLs equal to each other).
type Distinct struct {
	Input Node
	// On, for SELECT DISTINCT ON, lists the columns that make rows
	// duplicates; the first row of each group in input order is kept.
	// nil compares whole rows.
	On []int
}

// Output implements Node.
func (n *Distinct) Output() []*types.T { return n.Input.Output() }

// JoinKind is the kind of a Join.
type JoinKind uint8

// Join kinds.
const (
	InnerJoin JoinKind = iota // also CROSS JOIN and comma joins (Cond nil)
	LeftJoin
	RightJoin
	FullJoin // always a hash join (see planOuter)
)

// Join combines rows of Left and Right (left columns first) for which
// Cond (nil = always) is true; outer joins add the unmatched rows of their
// preserved side with NULLs for the other.
type Join struct {
	Left, Right Node
	Kind        JoinKind
	Cond        Expr
	Types       []*types.T
	// Lateral: Right refers to Left's columns (OuterRef level 1) and is
	// run again for each left row.
	Lateral bool
	// LeftKeys and RightKeys, when set (inner, left and full joins), make
	// this a hash join: Right's rows are hashed on RightKeys (over
	// Right's own columns), each Left row looks up its LeftKeys (over
	// Left's columns) and Cond is checked on the pairs found. A NULL key
	// matches nothing, as `=` would not.
	LeftKeys, RightKeys []Expr
	// Merge runs the keyed join as a merge join instead (mergejoin.go):
	// both inputs then come sorted ascending, NULLs last, on their keys.
	Merge bool
	// Rows, when not 0, is the join-order search's estimate of the rows
	// (cardinality.go reads it, so EXPLAIN and the merge rule agree with
	// the search).
	Rows float64
}

// Output implements Node.
func (n *Join) Output() []*types.T { return n.Types }

// Filter passes the rows of Input for which Cond is true.
type Filter struct {
	Input Node
	Cond  Expr
}

// Project computes Exprs over each row of Input; ColumnRef.Idx refers to
// Input's columns.
type Project struct {
	Input Node
	Exprs []Expr
}

// Limit skips Offset rows of Input, then passes at most Count (nil = all).
// Both are evaluated once, before the first row. WithTies (FETCH FIRST n
// ROWS WITH TIES) also passes the rows after the last counted one that
// equal it on TieKeys (the ORDER BY keys, over Input's columns).
type Limit struct {
	Input    Node
	Offset   Expr
	Count    Expr
	WithTies bool
	TieKeys  []SortKey
}

// SortKey is one ORDER BY key: a column of the input.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// Sort orders the rows of Input by Keys.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Output implements Node.
func (n *Result) Output() []*types.T { return exprTypes(n.Exprs) }

// Output implements Node.
func (n *Values) Output() []*types.T { return n.Types }

// Output implements Node.
func (n *Filter) Output() []*types.T { return n.Input.Output() }

// Output implements Node.
func (n *Project) Output() []*types.T { return exprTypes(n.Exprs) }

// Output implements Node.
func (n *Limit) Output() []*types.T { return n.Input.Output() }

// Output implements Node.
func (n *Sort) Output() []*types.T { return n.Input.Output() }

func exprTypes(es []Expr) []*types.T {
	ts := make([]*types.T, len(es))
	for i, e := range es {
		ts[i] = e.Type()
	}
	return ts
}
