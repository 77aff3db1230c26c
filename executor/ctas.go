package executor

import (
	"context"
	"strconv"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// execCreateTableAs runs CREATE TABLE ... AS query [WITH [NO] DATA]: the
// query is planned, a table is made with its result columns (names from
// the column list where given, unknown-typed ones as text), and unless
// WITH NO DATA the query's rows are inserted in the same transaction.
// The tag is PostgreSQL's: SELECT n, or CREATE TABLE AS without data.
func (s *Session) execCreateTableAs(ctx context.Context, n *parser.CreateTableAs, outer *parser.Statement) (*Result, error) {
	inner, err := s.Prepare(n.Query, nil)
	if err != nil {
		return nil, nestedPosition(err, outer, n.Query)
	}
	if inner.query == nil || inner.query.IsDML() || inner.Columns == nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "CREATE TABLE AS of this statement is not supported")
	}
	if len(n.Columns) > len(inner.Columns) {
		return nil, pgerror.New(pgerror.SyntaxError, "too many column names were specified")
	}
	cols := make([]planner.Column, len(inner.Columns))
	for i, c := range inner.Columns {
		cols[i] = planner.Column{Name: c.Name, Type: c.Type, Typmod: c.Typmod}
		if c.Type.OID == types.OidUnknown {
			cols[i].Type, cols[i].Typmod = types.Text, -1
		}
		if i < len(n.Columns) {
			cols[i].Name = n.Columns[i]
		}
	}
	schema, name := splitQualified(n.Name)
	created, err := s.createTable(ctx, schema, name, cols, nil, n.IfNotExists, n.Temp)
	if err != nil {
		return nil, err
	}
	if !created {
		res := tagOnly("CREATE TABLE AS")
		nt := pgerror.Notice("relation \"%s\" already exists, skipping", name)
		nt.Code = pgerror.DuplicateTable
		res.Notices = append(res.Notices, nt)
		return res, nil
	}
	if n.NoData {
		return tagOnly("CREATE TABLE AS"), nil
	}
	if err := s.Plan(inner); err != nil {
		return nil, nestedPosition(err, outer, n.Query)
	}
	t, err := s.LookupTable(schema, name)
	if err != nil {
		return nil, err
	}
	q := &planner.Query{Root: &planner.Insert{Table: t, Input: inner.query.Root}, ParamTypes: inner.query.ParamTypes}
	s.storageTxn()
	rows, err := eval.Exec(ctx, q, nil, s)
	if err != nil {
		return nil, nestedPosition(err, outer, n.Query)
	}
	return tagOnly("SELECT " + strconv.FormatInt(rows, 10)), nil
}
