package eval_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// foldOutcome says whether and when a statement failed.
type foldOutcome struct {
	code     string
	msg      string
	planTime bool // the error came before any RowDescription / at Build
}

// runPGSimple runs sql through the simple protocol and reports whether
// its error preceded RowDescription.
func runPGSimple(conn *pgconn.PgConn, sql string) foldOutcome {
	mrr := conn.Exec(context.Background(), sql)
	described := false
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		described = described || rr.FieldDescriptions() != nil
		for rr.NextRow() {
		}
		rr.Close()
	}
	err := mrr.Close()
	if err == nil {
		return foldOutcome{}
	}
	pe := pgErrResult(err)
	return foldOutcome{code: pe.code, msg: pe.msg, planTime: !described}
}

func runOursFold(sql string) foldOutcome {
	stmts, err := parser.Parse(sql)
	if err != nil {
		pe := pgerror.From(err)
		return foldOutcome{code: pe.Code, msg: pe.Message, planTime: true}
	}
	q, err := planner.Build(stmts[0].AST, nil, nil)
	if err == nil {
		err = planner.Fold(q)
	}
	if err != nil {
		pe := pgerror.From(err)
		return foldOutcome{code: pe.Code, msg: pe.Message, planTime: true}
	}
	rows, err := eval.Run(context.Background(), q, nil, newTestEnv())
	if err == nil {
		defer rows.Close()
		for {
			if _, err = rows.Next(); err != nil {
				break
			}
		}
		if err.Error() == "EOF" {
			err = nil
		}
	}
	if err != nil {
		pe := pgerror.From(err)
		return foldOutcome{code: pe.Code, msg: pe.Message}
	}
	return foldOutcome{}
}

// TestOracleFolding checks that errors of constant expressions surface
// at plan time exactly when PostgreSQL raises them while planning.
func TestOracleFolding(t *testing.T) {
	conn := oracle(t)
	f, err := os.Open("testdata/fold.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		sql, note, known := strings.Cut(l, "#known")
		sql = strings.TrimSpace(sql)
		want, got := runPGSimple(conn, sql), runOursFold(sql)
		if got != want {
			if known {
				t.Logf("line %d (known difference%s): %s\n got  %+v\n want %+v", n, note, sql, got, want)
				continue
			}
			t.Errorf("line %d: %s\n got  %+v\n want %+v", n, sql, got, want)
		}
	}
}
