package codec

import (
	"bytes"
	"context"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/jackc/pgx/v5"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// pgText renders a value as PostgreSQL input text for an array element.
func pgText(x value) *string {
	var s string
	switch x.k {
	case KindNull:
		return nil
	case KindInt:
		s = strconv.FormatInt(x.v.(int64), 10)
	case KindFloat:
		f := x.v.(float64)
		switch {
		case math.IsNaN(f):
			s = "NaN"
		case math.IsInf(f, 1):
			s = "Infinity"
		case math.IsInf(f, -1):
			s = "-Infinity"
		default:
			s = strconv.FormatFloat(f, 'g', -1, 64)
		}
	case KindBytes:
		s = `\x` + hex.EncodeToString(x.v.([]byte))
	case KindDecimal:
		s = x.v.(*apd.Decimal).String()
	}
	return &s
}

// TestOrderMatchesPostgres sends ~300 random values per kind to PostgreSQL,
// lets it ORDER BY them (NULLS LAST, C collation for text) and compares
// its order with sorting by our encodings. Positions break ties in both,
// so equal values must also encode equally.
func TestOrderMatchesPostgres(t *testing.T) {
	srv := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	r := rand.New(rand.NewPCG(7, 11))
	textValue := func() value {
		if r.IntN(20) == 0 {
			return value{KindNull, nil}
		}
		// Valid UTF-8 with ASCII, 2-, 3- and 4-byte sequences and
		// control characters; text cannot hold NUL.
		pieces := []string{"a", "b", "A", "\x01", " ", "é", "ü", "€", "😀", "z", "~"}
		var b []byte
		for n := r.IntN(5); n > 0; n-- {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		return value{KindBytes, b}
	}
	tests := []struct {
		name, sqlType, collate string
		gen                    func() value
	}{
		{"int8", "int8", "", func() value { return randomValue(r, KindInt) }},
		{"float8", "float8", "", func() value {
			v := randomValue(r, KindFloat)
			if f, ok := v.v.(float64); ok && math.IsNaN(f) {
				v.v = math.NaN() // PostgreSQL has one NaN
			}
			return v
		}},
		{"numeric", "numeric", "", func() value { return randomValue(r, KindDecimal) }},
		{"bytea", "bytea", "", func() value { return randomValue(r, KindBytes) }},
		{"text", "text", ` COLLATE "C"`, textValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := make([]value, 300)
			texts := make([]*string, len(vals))
			for i := range vals {
				vals[i] = tt.gen()
				texts[i] = pgText(vals[i])
			}
			// Edge values of the kind too.
			for _, e := range edgeValues(t) {
				k := vals[0].k
				for _, v := range vals {
					if v.k != KindNull {
						k = v.k
						break
					}
				}
				if e.k != k || (tt.name == "text" && bytes.IndexByte(e.v.([]byte), 0) >= 0) {
					continue
				}
				if tt.name == "text" && !utf8.Valid(e.v.([]byte)) {
					continue
				}
				if f, ok := e.v.(float64); ok && math.IsNaN(f) {
					e.v = math.NaN()
				}
				if d, ok := e.v.(*apd.Decimal); ok && (d.Exponent > 1000 || d.Exponent < -16000) {
					continue // beyond numeric's range
				}
				vals = append(vals, e)
				texts = append(texts, pgText(e))
			}
			rows, err := conn.Query(ctx,
				"SELECT i FROM unnest($1::text[]::"+tt.sqlType+"[]) WITH ORDINALITY AS u(v, i) ORDER BY v"+tt.collate+", i", texts)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for rows.Next() {
				var i int64
				if err := rows.Scan(&i); err != nil {
					t.Fatal(err)
				}
				want = append(want, int(i-1))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			got := make([]int, len(vals))
			encs := make([][]byte, len(vals))
			for i := range got {
				got[i] = i
				encs[i] = encode(nil, vals[i])
			}
			slices.SortStableFunc(got, func(a, b int) int { return bytes.Compare(encs[a], encs[b]) })
			if !slices.Equal(got, want) {
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("position %d: we put %v (%s), PostgreSQL %v (%s)", i,
							vals[got[i]].v, deref(texts[got[i]]), vals[want[i]].v, deref(texts[want[i]]))
					}
				}
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}
