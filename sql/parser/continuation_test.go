package parser

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// continuationCases are `select <literal>` statements spanning lines:
// SQL joins adjacent string literals only across white space containing a
// newline (and -- comments, not /* */).
var continuationCases = []string{
	"select 'a'\n'b'",
	"select 'a'\t\n\t'b'",
	"select 'a'\r\n'b'",
	"select 'a'\n   \n'b'",
	"select 'a' -- x\n'b'",
	"select 'a' -- x\n -- y\n  'b'",
	"select 'a'\n'b'\n'c'",
	"select E'a\\n'\n'b\\t'",
	"select 'a\\n'\n'b'",
	"select U&'a\\00e9'\n'\\00e9'",
	"select 'a' /* x */\n'b'",
	"select 'a'\n/* x */ 'b'",
	"select 'a'\nE'b'",
	"select $$a$$\n'b'",
	"select 'a'\n$$b$$",
	"select 'a'\nU&'b'",
	"select 'a'\n'b' 'c'",
	"select 'a'\n'b'::int4",
	"select 'x'\n'y' || 'z'",
	"select 'a'\n-- c",
	"select 'a' -- c\n",
	"select 'a'\n'b",
}

// TestStringContinuationAgainstPostgres compares, for each case, either
// the error (SQLSTATE, message, position) or the value of the literal with
// PostgreSQL's.
func TestStringContinuationAgainstPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	conn := pgoracle.Connect(t)
	for _, q := range continuationCases {
		res, pgErrAny := conn.Exec(ctx, q).ReadAll()
		sts, ourErr := Parse(q)
		var pgErr *pgconn.PgError
		if errors.As(pgErrAny, &pgErr) && pgErr.Code == pgerror.SyntaxError {
			pe := pgerror.From(ourErr)
			if ourErr == nil || pe.Code != pgErr.Code || pe.Message != pgErr.Message || int32(pe.Position) != pgErr.Position {
				t.Errorf("%q: got %v (at %d), PostgreSQL %s %q at %d", q, ourErr, pe.Position, pgErr.Code, pgErr.Message, pgErr.Position)
			}
			continue
		}
		if ourErr != nil {
			t.Errorf("%q: %v; PostgreSQL: %v", q, ourErr, pgErrAny)
			continue
		}
		if pgErrAny != nil {
			// A run-time error (bad cast): the parse must merely succeed.
			continue
		}
		want := string(res[0].Rows[0][0])
		got, ok := firstString(sts[0])
		if !ok {
			t.Errorf("%q: no string literal in %q", q, sts[0].Rewritten)
			continue
		}
		// Compare values where the statement is the literal alone.
		if sts[0].Rewritten == "select "+quoteString(got) && got != want {
			t.Errorf("%q: literal %q, PostgreSQL %q", q, got, want)
		}
	}
}

// stringFinder records the first string literal of an AST.
type stringFinder struct {
	val   string
	found bool
}

func (f *stringFinder) Enter(n ast.Node) (ast.Node, bool) {
	if v, ok := n.(*driver.ValueExpr); ok && !f.found && v.Kind() == driver.KindString {
		f.val, f.found = v.GetString(), true
	}
	return n, f.found
}

func (f *stringFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func firstString(st *Statement) (string, bool) {
	var f stringFinder
	st.AST.Accept(&f)
	return f.val, f.found
}
