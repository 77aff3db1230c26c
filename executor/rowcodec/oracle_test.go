package rowcodec

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// TestKeyOrderMatchesPostgres lets PostgreSQL ORDER BY the testdata values
// and random values of each type (as text, each cast to the type; C collation
// for strings) and checks that sorting by our keys gives the same order,
// positions breaking ties in both.
func TestKeyOrderMatchesPostgres(t *testing.T) {
	srv := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	order, byType := loadValues(t)
	r := rand.New(rand.NewPCG(9, 10))
	opts := types.DefaultFormatOpts()
	for _, tp := range order {
		if tp.OID == types.OidJSON || (tp.Elem != nil && tp.Elem.OID == types.OidJSON) {
			continue
		}
		if tp.OID == types.OidRegclass || tp.OID == types.OidRegproc || tp.OID == types.OidRegtype {
			continue // text::regclass looks names up; the keys are plain oids, tested as oid
		}
		t.Run(tp.Name, func(t *testing.T) {
			var ds []types.Datum
			for _, v := range byType[tp] {
				ds = append(ds, v.d)
			}
			switch tp.OID {
			case types.OidInterval, types.OidNumeric, types.OidBpchar, types.OidFloat8, types.OidInt4Array,
				types.OidTextArray:
				ds = append(ds, randomDatums(r, tp, 200)...)
			}
			ds = append(ds, nil)
			texts := make([]*string, len(ds))
			keys := make([][]byte, len(ds))
			for i, d := range ds {
				if d != nil {
					s := string(types.AppendText(nil, tp, d, opts))
					texts[i] = &s
				}
				keys[i] = key(t, tp, d)
			}
			collate := ""
			if tp.Category == types.CatString || (tp.Elem != nil && tp.Elem.Category == types.CatString) {
				collate = ` COLLATE "C"`
			}
			rows, err := conn.Query(ctx, `SELECT i FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i) ORDER BY s::pg_catalog."`+tp.Name+`"`+collate+", i", texts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int, error) {
				var i int64
				err := row.Scan(&i)
				return int(i - 1), err
			})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]int, len(ds))
			for i := range got {
				got[i] = i
			}
			slices.SortStableFunc(got, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("position %d: we put %s, PostgreSQL %s", i, show(texts[got[i]]), show(texts[want[i]]))
				}
			}
		})
	}
}

func show(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}
