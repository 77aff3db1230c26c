package parser

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

func TestZZScratch(t *testing.T) {
	f := os.Getenv("SCRATCH")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	srv := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range strings.Split(string(data), "\n====\n") {
		q = strings.TrimSpace(q)
		if q == "" {
			continue
		}
		res, err := conn.Exec(ctx, q).ReadAll()
		fmt.Printf("Q %q\n", q)
		if err != nil {
			if pe, ok := err.(*pgconn.PgError); ok {
				fmt.Printf("  PG ERR %s %q pos %d\n", pe.Code, pe.Message, pe.Position)
			} else {
				fmt.Printf("  PG ERR %v\n", err)
			}
		} else {
			for _, r := range res {
				for _, row := range r.Rows {
					var cells []string
					for _, c := range row {
						cells = append(cells, string(c))
					}
					fmt.Printf("  PG ROW %s\n", strings.Join(cells, " | "))
				}
			}
		}
		_, oerr := Parse(q)
		fmt.Printf("  OURS %v\n", oerr)
	}
}
