package eval_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Statements of the pg_regress fixes: prefix operators, #, VARIADIC
// arguments, to_date/to_timestamp and HAVING without aggregates. Their
// results are compared with PostgreSQL by internal/sqltest's regress_*.sql
// scripts; here they seed the fuzz target.
var regressSeeds = []string{
	"SELECT |/ float8 '64', ||/ float8 '27', @ -5.5, @ float8 '-3', |/ 4 + 5, 1 # 3, 123::int8 # 456",
	"SELECT @ 3 - 10, 1 + @ -2 * 3, - @ -3, @ (2 - 5), 5 & 3 # 1",
	"SELECT concat(variadic array[1,2,3]), concat_ws(',', variadic array['a', NULL, 'c'])",
	"SELECT concat(variadic NULL::int[]) IS NULL, format('Hello', variadic NULL::int[])",
	"SELECT format('%2$s, %1$s', variadic array[1, 2]), format('>%*s<', variadic array[5, 1])",
	"SELECT to_date('20100309', 'YYYYMMDD'), to_date('2011x 12x 18', 'YYYYxMMxDD')",
	"SELECT to_date('1,582nd', 'Y,YYYth'), to_date('2016 366', 'YYYY DDD'), to_date('3 4 21 01', 'W MM CC YY')",
	"SELECT to_timestamp('2011-12-18 11:38 PM', 'YYYY-MM-DD HH12:MI PM'), to_timestamp('12.5', 'SS.MS')",
	"SELECT to_date('44-02-01 BC', 'YYYY-MM-DD BC'), to_date('2000January09Sunday', 'YYYYFMMonthDDFMDay')",
	"SELECT 1 AS one FROM generate_series(0, 3) a WHERE 1/a = 1 HAVING 1 < 2",
	"SELECT a, a FROM generate_series(1, 3) a ORDER BY a",
	"VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC LIMIT 1",
	"SELECT * FROM (VALUES (1), (2)) v(x) WHERE x IN (VALUES (2), (3))",
	"WITH t(n) AS (VALUES (1), (2)) SELECT * FROM t AS u(m) WHERE m > 1",
	"SELECT * FROM generate_series(1, 2) AS g(i), (SELECT * FROM generate_series(1, 2)) s(j)",
}

// runOne parses, plans and runs one statement, returning its rows as text.
func runOne(sql string) ([][]string, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		return nil, fmt.Errorf("not one query: %q", sql)
	}
	q, err := planner.Build(stmts[0].AST, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := planner.Fold(q); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rows, err := eval.Run(ctx, q, make([]types.Datum, len(q.ParamTypes)), newTestEnv())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		r := make([]string, len(row))
		for i, v := range row {
			r[i] = "NULL"
			if v != nil {
				r[i] = string(types.AppendText(nil, q.Columns[i].Type, v, nil))
			}
		}
		out = append(out, r)
	}
}

// FuzzRegressExprs runs mutations of the seeds: no panic, and every error
// a *pgerror.Error.
func FuzzRegressExprs(f *testing.F) {
	for _, s := range regressSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 500 || strings.Contains(strings.ToLower(sql), "pg_sleep") || strings.Contains(sql, ";") {
			return
		}
		if _, err := runOne(sql); err != nil {
			var pe *pgerror.Error
			if !errors.As(err, &pe) && !strings.HasPrefix(err.Error(), "not one query") {
				t.Fatalf("%q: error %T %v is not a *pgerror.Error", sql, err, err)
			}
		}
	})
}

// FuzzToDateRoundTrip checks that to_date reads back what date output
// writes in the template's layout, for any date PostgreSQL's to_date can
// produce with a four-digit year, and that arbitrary templates and inputs
// give a date or a *pgerror.Error.
func FuzzToDateRoundTrip(f *testing.F) {
	f.Add(int32(3720), "2011-12-18", "YYYY-MM-DD")
	f.Add(int32(-730000), "2011x 12x 18", "YYYYxMMxDD")
	f.Add(int32(0), "1,582nd VIII", "Y,YYYth FMRM")
	f.Add(int32(2900000), "15 \"x\" 98", `HH24 "\"x\"" YY`)
	f.Fuzz(func(t *testing.T, days int32, in, format string) {
		if len(in) > 100 || len(format) > 100 {
			return
		}
		q := "SELECT to_date(" + quoteLit(in) + ", " + quoteLit(format) + "), to_timestamp(" + quoteLit(in) + ", " + quoteLit(format) + ")"
		if _, err := runOne(q); err != nil {
			var pe *pgerror.Error
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %T %v is not a *pgerror.Error", q, err, err)
			}
		}
		d := types.DateVal(days)
		y, _, _ := d.YMD()
		if y < 1 || y > 9999 {
			return
		}
		iso := string(types.AppendText(nil, types.Date, d, nil))
		rows, err := runOne("SELECT to_date('" + iso + "', 'YYYY-MM-DD') = '" + iso + "'::date")
		if err != nil || len(rows) != 1 || rows[0][0] != "t" {
			t.Fatalf("to_date(%q) does not read back: %v %v", iso, rows, err)
		}
	})
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// BenchmarkToDate measures to_date over a fixed-width template.
func BenchmarkToDate(b *testing.B) {
	benchQuery(b, "SELECT to_date('20100309', 'YYYYMMDD')", nil)
}

// BenchmarkConcatVariadic measures concat_ws with a VARIADIC array.
func BenchmarkConcatVariadic(b *testing.B) {
	benchQuery(b, "SELECT concat_ws(',', variadic array[1,2,3,4,5,6,7,8])", nil)
}
