package parser

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

// copyPositionCases fail in PostgreSQL at one COPY option: an unknown
// option or format, or the second of two options of one name.
var copyPositionCases = []string{
	"COPY (SELECT 1) TO STDOUT (FORMAT nosuch)",
	"copy (select 1) to stdout (format csv, format csv)",
	"copy (select 1) to stdout (nosuch)",
	"copy (select 1) to stdout (header true, header false)",
	"copy (select 'é') to stdout (format 'é')",
	"copy (select 'é') to stdout (delimiter ',',  nosuch 1)",
	"copy (select 1) to stdout csv csv",
	"copy (select 1) to stdout with delimiter ',' delimiter ','",
	"copy (select 1) to stdout with csv header header",
	"copy (select 1) to stdout with binary csv",
	"copy (select 'ü') to stdout  with  csv force quote a force quote b",
	"copy (select 1) to stdout with null as 'x' csv null 'y'",
}

// copyErrorOption finds the option PostgreSQL's ProcessCopyOptions
// reports at, the way the executor is expected to.
func copyErrorOption(c *Copy) *CopyOption {
	known := map[string]bool{"format": true, "freeze": true, "delimiter": true, "null": true, "header": true,
		"quote": true, "escape": true, "force_quote": true, "force_not_null": true, "force_null": true, "encoding": true}
	seen := map[string]bool{}
	for i := range c.Options {
		o := &c.Options[i]
		if !known[o.Name] || seen[o.Name] {
			return o
		}
		if o.Name == "format" && o.Value != "csv" && o.Value != "text" && o.Value != "binary" {
			return o
		}
		seen[o.Name] = true
	}
	return nil
}

func TestCopyOptionPositionAgainstPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	conn := pgoracle.Connect(t)
	for _, q := range copyPositionCases {
		_, pgErrAny := conn.Exec(ctx, q).ReadAll()
		var pgErr *pgconn.PgError
		if !errors.As(pgErrAny, &pgErr) || pgErr.Position == 0 {
			t.Errorf("%q: PostgreSQL gave no positioned error (%v); fix the case", q, pgErrAny)
			continue
		}
		sts, err := Parse(q)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		c, ok := sts[0].Utility.(*Copy)
		if !ok {
			t.Errorf("%q: not a Copy: %T", q, sts[0].Utility)
			continue
		}
		o := copyErrorOption(c)
		if o == nil || int32(o.Pos) != pgErr.Position {
			t.Errorf("%q: option %+v, PostgreSQL %q at %d", q, o, pgErr.Message, pgErr.Position)
		}
	}
}
