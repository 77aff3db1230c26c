package parser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// TestSyntaxErrorsAgainstPostgres sends each statement of
// testdata/errors.txt to PostgreSQL 15 and to Parse and compares the
// error's SQLSTATE, message and position.
func TestSyntaxErrorsAgainstPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	data, err := os.ReadFile(filepath.Join("testdata", "errors.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := pgoracle.Connect(t)
	for _, q := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(q, "#") {
			continue
		}
		_, pgErrAny := conn.Exec(ctx, q).ReadAll()
		var pgErr *pgconn.PgError
		if !errors.As(pgErrAny, &pgErr) {
			t.Errorf("%q: PostgreSQL gave no error (%v); fix the test file", q, pgErrAny)
			continue
		}
		_, ourErr := Parse(q)
		if ourErr == nil {
			t.Errorf("%q: no error, PostgreSQL says %s %q at %d", q, pgErr.Code, pgErr.Message, pgErr.Position)
			continue
		}
		var pe *pgerror.Error
		if !errors.As(ourErr, &pe) {
			t.Errorf("%q: error %T is not *pgerror.Error", q, ourErr)
			continue
		}
		if pe.Code != pgErr.Code || pe.Message != pgErr.Message || int32(pe.Position) != pgErr.Position {
			t.Errorf("%q:\n got %s %q at %d\nwant %s %q at %d", q, pe.Code, pe.Message, pe.Position,
				pgErr.Code, pgErr.Message, pgErr.Position)
		}
	}
}
