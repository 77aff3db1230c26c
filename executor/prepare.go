package executor

import (
	"time"

	"context"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// execPrepare runs SQL-level PREPARE name [(types)] AS statement. Such
// statements share the namespace of protocol-level named statements, as in
// PostgreSQL.
func (s *Session) execPrepare(n *parser.Prepare, outer *parser.Statement) (*Result, error) {
	oids := make([]uint32, len(n.ParamTypes))
	for i, name := range n.ParamTypes {
		t, _, err := s.parseTypeName(name)
		if err != nil {
			return nil, err
		}
		oids[i] = types.BaseType(t).OID
	}
	if !preparable(n.Stmt) {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", firstWord(n.Stmt.Text)).
			WithPosition(nestedStart(outer, n.Stmt))
	}
	p, err := s.Prepare(n.Stmt, oids)
	if err != nil {
		return nil, nestedPosition(err, outer, n.Stmt)
	}
	if n.Name == "" {
		return nil, pgerror.New(pgerror.InvalidSQLStatementName, "invalid statement name")
	}
	// pg_prepared_statements shows the whole PREPARE of SQL-level ones.
	text := s.sourceText
	if text == "" {
		text = outer.Text
	}
	p.listed = &preparedListing{text: text, at: time.Now(), fromSQL: true}
	if err := s.StorePrepared(n.Name, p); err != nil {
		return nil, err
	}
	return tagOnly("PREPARE"), nil
}

// execExecute runs SQL-level EXECUTE name [(args)]: each argument is an
// expression, evaluated and converted to the parameter's type, and the
// statement's own result (rows and tag) is the result.
func (s *Session) execExecute(ctx context.Context, n *parser.Execute) (*Result, error) {
	p, err := s.LookupPrepared(n.Name)
	if err != nil {
		return nil, err
	}
	if len(n.Params) != len(p.ParamTypes) {
		return nil, pgerror.New(pgerror.SyntaxError, "wrong number of parameters for prepared statement \"%s\"", n.Name).
			WithDetail("Expected %d parameters but got %d.", len(p.ParamTypes), len(n.Params))
	}
	params, err := s.evalArgs(ctx, n.Params, p.ParamTypes)
	if err != nil {
		return nil, err
	}
	if err := s.Plan(p); err != nil {
		return nil, err
	}
	return s.Execute(ctx, p, params)
}

// evalArgs evaluates EXECUTE's argument expressions as one SELECT, each
// cast to its parameter type.
func (s *Session) evalArgs(ctx context.Context, args []string, ts []*types.T) ([]types.Datum, error) {
	if len(args) == 0 {
		return nil, nil
	}
	var sb strings.Builder
	sb.WriteString("SELECT ")
	for i, a := range args {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("CAST((" + a + ") AS " + ts[i].SQLName + ")")
	}
	stmts, err := parser.Parse(sb.String())
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, pgerror.New(pgerror.SyntaxError, "invalid EXECUTE parameters")
	}
	p, err := s.Prepare(stmts[0], nil)
	if err != nil {
		return nil, err
	}
	res, err := s.Execute(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	defer res.Rows.Close()
	row, err := res.Rows.Next()
	if err == io.EOF {
		return nil, pgerror.New(pgerror.InternalError, "EXECUTE parameters produced no row")
	}
	if err != nil {
		return nil, err
	}
	return append([]types.Datum(nil), row...), nil
}

// preparable reports whether PREPARE accepts stmt: as in PostgreSQL's
// grammar, only SELECT, VALUES, INSERT, UPDATE and DELETE (which also rules
// out PREPARE x AS EXECUTE x).
func preparable(stmt *parser.Statement) bool {
	if stmt.Utility != nil {
		return false
	}
	switch stmt.AST.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt, *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
		return true
	}
	return false
}

// firstWord is the statement's first token, for the syntax error.
func firstWord(text string) string {
	f := strings.Fields(text)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// nestedStart is the 1-based character position of inner in outer's text.
func nestedStart(outer, inner *parser.Statement) int {
	d := inner.Offset - outer.Offset
	if d < 0 || d > len(outer.Text) {
		return 0
	}
	return utf8.RuneCountInString(outer.Text[:d]) + 1
}
