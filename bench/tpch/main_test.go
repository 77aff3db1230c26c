package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pingcap/go-tpc/tpch/dbgen"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/internal/tpch"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/storage"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// freshPGDatabase creates an empty database on the shared PostgreSQL and
// returns its DSN.
func freshPGDatabase(t *testing.T, name string) string {
	t.Helper()
	pg := pgoracle.Shared(t)
	ctx := context.Background()
	admin, err := pgconn.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, s := range []string{"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name} {
		if err := tpch.Exec(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
	}
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", pg.Addr(), name)
}

// TestSmoke runs the whole tool on the corpus's scale-factor-0.01 files
// (generating data takes dbgen 20 s just to build its text pool) against
// an in-process nqdb and the shared PostgreSQL, with six queries of
// different shapes (internal/tpch checks all 22): each must appear in the
// table with both times and nqdb's answer must equal PostgreSQL's.
func TestSmoke(t *testing.T) {
	corpus, err := tpch.FindCorpus()
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	_, addr, _ := testserver.StartWith(t, server.Config{}, storage.Options{BufferPool: 64 << 20})
	vars := map[string]string{
		"BENCH_TPCH_DATA":    filepath.Join(corpus.Dir, "data"),
		"BENCH_TPCH_TIMEOUT": "60s",
		"BENCH_TPCH_QUERIES": "1,6,13,16,18,22",
		"NQDB_DSN":           fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr),
		"PG_DSN":             freshPGDatabase(t, "benchtpch"),
		"BENCH_OUT":          t.TempDir(),
	}
	cfg, err := loadConfig(func(name, def string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		return def
	})
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	if err := run(context.Background(), cfg, &out, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	table := out.String()
	t.Log("\n" + table)
	line := regexp.MustCompile(`(?m)^\s*q(\d\d)\s+(\d+\.\d+) s\s+(\d+\.\d+) s\s+(\d+\.\d+)\s+\d+\s+ok$`)
	if got := len(line.FindAllString(table, -1)); got != len(cfg.queries) {
		t.Errorf("%d of %d queries have both times, a ratio and an ok result:\n%s", got, len(cfg.queries), table)
	}
	if !strings.Contains(table, "geometric mean pg/nqdb over the 6 of 6 queries both answered: ") {
		t.Errorf("no geometric mean over the 6 queries:\n%s", table)
	}
	files, _ := filepath.Glob(filepath.Join(cfg.outDir, "tpch-*.txt"))
	if len(files) != 1 {
		t.Errorf("want one result file in %s, got %v", cfg.outDir, files)
	} else if saved, _ := os.ReadFile(files[0]); string(saved) != table {
		t.Errorf("saved table differs from the printed one")
	}
}

func TestParseScale(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"10", 10, true}, {"0.1", 0.1, true}, {" 0.01 ", 0.01, true}, {"1.0", 1, true},
		{"0.009", 0, false}, {"0", 0, false}, {"-1", 0, false}, {"1.5", 0, false}, {"NaN", 0, false},
		{"Inf", 0, false}, {"", 0, false}, {"x", 0, false}, {"1001", 0, false},
	}
	for _, c := range cases {
		got, err := parseScale(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseScale(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestParseQueries(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22]", true},
		{"1,6, q14", "[1 6 14]", true},
		{"6,6", "[6]", true},
		{"0", "", false}, {"23", "", false}, {"q", "", false},
	}
	for _, c := range cases {
		got, err := parseQueries(c.in)
		if (err == nil) != c.ok || (c.ok && fmt.Sprint(got) != c.want) {
			t.Errorf("parseQueries(%q) = %v, %v; want %s, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// The row formats: dbgen's own loaders print the same fields with a
// trailing '|' and FmtMoney for money.
func TestRowFormats(t *testing.T) {
	o := &dbgen.Order{OKey: 1, CustKey: 3691, Status: 'O', TotalPrice: 19473798, Date: "1996-01-02",
		OrderPriority: "5-LOW", Clerk: "Clerk#000000951", ShipPriority: 0, Comment: "nstructions sleep furiously among "}
	l := &dbgen.LineItem{OKey: 1, PartKey: 155190, SuppKey: 7706, LCnt: 1, Quantity: 17, EPrice: 2116823, Discount: 4, Tax: 2,
		RFlag: 'N', LStatus: 'O', SDate: "1996-03-13", CDate: "1996-02-12", RDate: "1996-03-22",
		ShipInstruct: "DELIVER IN PERSON", ShipMode: "TRUCK", Comment: "egular courts above the"}
	ps := &dbgen.PartSupp{PartKey: 1, SuppKey: 2, Qty: 3325, SCost: 77138, Comment: "a|b \"c\""}
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"orders", appendOrder(nil, o), "1|3691|O|" + dbgen.FmtMoney(19473798) + "|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously among "},
		{"lineitem", appendLine(nil, l), "1|155190|7706|1|17|21168.23|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the"},
		{"partsupp, quoted", appendPartSupp(nil, ps), `1|2|3325|771.38|"a|b ""c"""`},
	}
	for _, c := range cases {
		got := string(c.got[1:]) // the separator before the first field
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	for _, cents := range []int64{0, 5, 99, 100, 12345, -1, -250, 1 << 40} {
		var o dbgen.Order
		set(&o.TotalPrice, cents)
		if got, want := string(appendMoney(nil, cents)[1:]), dbgen.FmtMoney(o.TotalPrice); got != want {
			t.Errorf("appendMoney(%d) = %q, FmtMoney %q", cents, got, want)
		}
	}
}

// TestFold checks that folded keys land in the rows kept and keep dbgen's
// invariants: a part's four suppliers differ, a line item's supplier is
// one of its part's, no customer key divisible by 3 has orders, and the
// order total is the sum of its lines.
func TestFold(t *testing.T) {
	for _, sf := range []float64{0.01, 0.05, 0.1, 0.5} {
		f := newFold(sf)
		for p := int64(1); p <= f.parts; p += max(1, f.parts/500) {
			seen := map[int64]bool{}
			for i := int64(0); i < suppsPerPart; i++ {
				s := bridge(p, i, f.supps)
				if s < 1 || s > f.supps || seen[s] {
					t.Fatalf("SF %g: part %d supplier %d: %d (of %d, seen %v)", sf, p, i, s, f.supps, seen)
				}
				seen[s] = true
			}
		}
		for p := int64(1); p <= sf1Parts; p += 997 {
			for i := int64(0); i < suppsPerPart; i++ {
				if got := suppIndex(p, bridge(p, i, sf1Supps)); got != i {
					t.Fatalf("suppIndex(%d, bridge(%d, %d)) = %d", p, p, i, got)
				}
			}
			o := &dbgen.Order{CustKey: 149999, Lines: []dbgen.LineItem{
				{PartKey: 0, Quantity: 7, Discount: 3, Tax: 5}, {PartKey: 0, Quantity: 50, Discount: 10, Tax: 0}}}
			set(&o.Lines[0].PartKey, p)
			set(&o.Lines[0].SuppKey, bridge(p, 2, sf1Supps))
			set(&o.Lines[1].PartKey, sf1Parts+1-p)
			set(&o.Lines[1].SuppKey, bridge(sf1Parts+1-p, 3, sf1Supps))
			f.order(o)
			if c := int64(o.CustKey); c < 1 || c > f.custs || c%3 == 0 {
				t.Fatalf("SF %g: customer %d", sf, c)
			}
			var total int64
			for j, l := range o.Lines {
				lp, ls := int64(l.PartKey), int64(l.SuppKey)
				if lp < 1 || lp > f.parts || ls != bridge(lp, int64(2+j), f.supps) {
					t.Fatalf("SF %g: line %d: part %d supplier %d", sf, j, lp, ls)
				}
				if int64(l.EPrice) != retailPrice(lp)*int64(l.Quantity) {
					t.Fatalf("SF %g: extended price %d for part %d", sf, int64(l.EPrice), lp)
				}
				e := int64(l.EPrice)
				total += (e * (100 - int64(l.Discount)) / 100) * (100 + int64(l.Tax)) / 100
			}
			if int64(o.TotalPrice) != total {
				t.Fatalf("SF %g: total %d, lines sum to %d", sf, int64(o.TotalPrice), total)
			}
		}
	}
}

// TestGenerate (NQDB_BENCH=1: dbgen needs 20 s to build its text pool)
// generates SF 0.01, loads it into PostgreSQL and checks the row counts
// and that every foreign key finds its row.
func TestGenerate(t *testing.T) {
	if os.Getenv("NQDB_BENCH") == "" {
		t.Skip("NQDB_BENCH=1 runs the generator (about 30 s)")
	}
	corpus, err := tpch.FindCorpus()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := time.Now()
	if err := generate(dir, 0.01, func(s string) { t.Log(s) }); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %v", time.Since(start))
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, freshPGDatabase(t, "benchtpchgen"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := load(ctx, corpus, dir, &target{name: "postgres", conn: conn}, false, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ query, want string }{
		{"SELECT count(*) FROM region", "5"},
		{"SELECT count(*) FROM nation", "25"},
		{"SELECT count(*) FROM part", "2000"},
		{"SELECT count(*) FROM partsupp", "8000"},
		{"SELECT count(*) FROM supplier", "100"},
		{"SELECT count(*) FROM customer", "1500"},
		{"SELECT count(*) FROM orders", "15000"},
		{"SELECT count(*) > 50000 FROM lineitem", "t"},
		{"SELECT count(*) FROM lineitem LEFT JOIN partsupp ON ps_partkey = l_partkey AND ps_suppkey = l_suppkey WHERE ps_partkey IS NULL", "0"},
		{"SELECT count(*) FROM orders LEFT JOIN customer ON c_custkey = o_custkey WHERE c_custkey IS NULL OR o_custkey % 3 = 0", "0"},
		{"SELECT count(*) FROM partsupp LEFT JOIN supplier ON s_suppkey = ps_suppkey WHERE s_suppkey IS NULL", "0"},
		{"SELECT count(*) FROM lineitem JOIN part ON p_partkey = l_partkey WHERE l_extendedprice <> l_quantity * p_retailprice", "0"},
		{"SELECT count(*) FROM lineitem LEFT JOIN orders ON o_orderkey = l_orderkey WHERE o_orderkey IS NULL", "0"},
		{"SELECT count(*) FROM supplier LEFT JOIN nation ON n_nationkey = s_nationkey WHERE n_nationkey IS NULL", "0"},
	}
	for _, c := range checks {
		out, _, err := tpch.QueryCSV(ctx, conn, nil, c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got := strings.Split(strings.TrimSpace(string(out)), "\n"); len(got) != 2 || got[1] != c.want {
			t.Errorf("%s: got %q, want %s", c.query, got, c.want)
		}
	}
}

// FuzzParseScale: no panic; an accepted scale is in range and whole above 1.
func FuzzParseScale(f *testing.F) {
	for _, s := range []string{"1", "0.1", "0.01", "10", "1.5", "-1", "NaN", "1e3", "0x1p-3", " 2 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sf, err := parseScale(s)
		if err != nil {
			return
		}
		if sf < 0.01 || sf > 1000 || (sf > 1 && sf != float64(int64(sf))) {
			t.Fatalf("parseScale(%q) accepted %v", s, sf)
		}
		fd := newFold(sf)
		if sf < 1 && (fd.parts < 1 || fd.supps < suppsPerPart || fd.custs < 1) {
			t.Fatalf("SF %v: fold %+v", sf, fd)
		}
	})
}

func BenchmarkAppendLine(b *testing.B) {
	l := &dbgen.LineItem{OKey: 1, PartKey: 155190, SuppKey: 7706, LCnt: 1, Quantity: 17, EPrice: 2116823, Discount: 4, Tax: 2,
		RFlag: 'N', LStatus: 'O', SDate: "1996-03-13", CDate: "1996-02-12", RDate: "1996-03-22",
		ShipInstruct: "DELIVER IN PERSON", ShipMode: "TRUCK", Comment: "egular courts above the"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendLine(buf[:0], l)
	}
}
