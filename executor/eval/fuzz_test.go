package eval_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// FuzzBuildRun feeds random statements through parse, Build and Run: no
// input may panic, and every error must be a *pgerror.Error.
func FuzzBuildRun(f *testing.F) {
	for _, file := range []string{"testdata/exprs.txt", "testdata/syntax.txt"} {
		for _, c := range loadCorpus(f, file) {
			f.Add(c.sql)
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 2000 || strings.Contains(strings.ToLower(sql), "pg_sleep") {
			return
		}
		stmts, err := parser.Parse(sql)
		if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
			return
		}
		q, err := planner.Build(stmts[0].AST, nil, nil)
		if err != nil {
			return
		}
		params := make([]types.Datum, len(q.ParamTypes))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		rows, err := eval.Run(ctx, q, params, newTestEnv())
		if err != nil {
			return
		}
		defer rows.Close()
		for {
			row, err := rows.Next()
			if err != nil {
				if err != io.EOF {
					return
				}
				break
			}
			if len(row) != len(q.Columns) {
				t.Fatalf("%q: row has %d values, %d columns", sql, len(row), len(q.Columns))
			}
			for i, v := range row {
				if v != nil {
					// Output must not panic, and must read back as the type.
					txt := types.AppendText(nil, q.Columns[i].Type, v, nil)
					if _, err := types.ParseText(q.Columns[i].Type, string(txt), nil); err != nil && q.Columns[i].Type.OID != types.OidRegtype {
						t.Fatalf("%q: column %d: %q does not read back: %v", sql, i, txt, err)
					}
				}
			}
		}
	})
}

func benchQuery(b *testing.B, sql string, params []types.Datum) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		b.Fatal(err)
	}
	env := newTestEnv()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q, err := planner.Build(stmts[0].AST, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := eval.Run(ctx, q, params, env)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rows.Next(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
}

func BenchmarkParamCastPlusOne(b *testing.B) {
	benchQuery(b, "SELECT $1::int + 1", []types.Datum{int64(41)})
}

func BenchmarkArith20(b *testing.B) {
	benchQuery(b, "SELECT 1 + 2 * 3 - 4 + 5 * 6 - 7 + 8 * 9 - 10 + 11 * 12 - 13 + 14 * 15 - 16 + 17 * 18 - 19 + 20", nil)
}

// BenchmarkArith20Run measures evaluation alone, with the plan reused.
func BenchmarkArith20Run(b *testing.B) {
	stmts, _ := parser.Parse("SELECT 1 + 2 * 3 - 4 + 5 * 6 - 7 + 8 * 9 - 10 + 11 * 12 - 13 + 14 * 15 - 16 + 17 * 18 - 19 + 20")
	q, err := planner.Build(stmts[0].AST, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	env := newTestEnv()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rows, _ := eval.Run(context.Background(), q, nil, env)
		if _, err := rows.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
