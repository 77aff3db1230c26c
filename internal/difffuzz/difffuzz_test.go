package difffuzz

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

var (
	flagSeed    = flag.Uint64("difffuzz.seed", 0, "run only this seed (0: the fixed seed plus two random ones)")
	flagTime    = flag.Duration("difffuzz.time", 0, "run a campaign this long instead of the bounded short run")
	flagOut     = flag.String("difffuzz.out", "", "directory that receives one SQL file per finding")
	flagSchemas = flag.Int("difffuzz.schemas", 5, "schemas per seed in the short run")
	flagCases   = flag.Int("difffuzz.cases", 60, "cases per schema")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// targets starts nqdb and a fresh database on the shared PostgreSQL.
func targets(t *testing.T) *Fuzzer {
	t.Helper()
	pg := pgoracle.Shared(t)
	admin := &Target{Name: "postgres", DSN: pg.DSN(), Timeout: 2 * time.Minute}
	ctx := context.Background()
	db := fmt.Sprintf("difffuzz_%d", os.Getpid())
	for _, s := range []string{"DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db} {
		if r := admin.Exec(ctx, s); r.Failed() {
			t.Fatalf("%s: %s", s, r.Describe())
		}
	}
	t.Cleanup(func() {
		admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
		admin.Close()
	})
	_, addr := testserver.Start(t, server.Config{})
	f := &Fuzzer{
		PG: &Target{Name: "postgres", DSN: fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", pg.Addr(), db), Timeout: 10 * time.Second},
		NQ: &Target{Name: "nqdb", DSN: fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr), Timeout: 10 * time.Second},
	}
	t.Cleanup(f.PG.Close)
	t.Cleanup(f.NQ.Close)
	for _, tg := range []*Target{f.PG, f.NQ} {
		if err := tg.Connect(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestDiffFuzz is the differential fuzzer. Without flags it is the bounded
// run `go test` does: three fixed seeds, so that CI's verdict on a commit
// does not depend on luck (NQDB_DIFFFUZZ_RANDOM=1 adds two random ones,
// logged so a failure can be replayed with -difffuzz.seed; `make
// difffuzz` explores with random seeds). With -difffuzz.time it is
// a campaign that keeps going after findings and saves them to
// -difffuzz.out.
func TestDiffFuzz(t *testing.T) {
	f := targets(t)
	f.OutDir = *flagOut
	f.Logf = t.Logf
	if *flagTime > 0 {
		campaign(t, f)
		return
	}
	seeds := []uint64{1, 2, 3}
	if os.Getenv("NQDB_DIFFFUZZ_RANDOM") != "" {
		seeds = append(seeds, rand.Uint64(), rand.Uint64())
	}
	if *flagSeed != 0 {
		seeds = []uint64{*flagSeed}
	}
	for _, seed := range seeds {
		g := NewGen(seed)
		found, err := f.Run(context.Background(), g, *flagSchemas, *flagCases)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, fd := range found {
			t.Errorf("seed %d (replay: go test ./internal/difffuzz -run TestDiffFuzz -difffuzz.seed %d): %s\n%s", seed, seed, fd.Class, fd.Report())
		}
	}
	t.Logf("%+v", f.Stats)
}

func campaign(t *testing.T, f *Fuzzer) {
	ctx, cancel := context.WithTimeout(context.Background(), *flagTime)
	defer cancel()
	var all []*Finding
	for ctx.Err() == nil {
		seed := *flagSeed
		if seed == 0 {
			seed = rand.Uint64()
		}
		t.Logf("seed %d", seed)
		found, err := f.Run(ctx, NewGen(seed), 20, *flagCases)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		all = append(all, found...)
		if *flagSeed != 0 {
			break
		}
	}
	t.Logf("%+v", f.Stats)
	for _, fd := range all {
		t.Errorf("%s (%s)\n%s", fd.Class, fd.File, fd.Report())
	}
}

// FuzzGenerate checks that the generator, the renderer and the shrinker's
// edits never panic, that generation is deterministic per seed, and that
// nqdb's SQL front end takes every generated statement without a panic.
func FuzzGenerate(f *testing.F) {
	for _, s := range []uint64{0, 1, 2, 3, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		g1, g2 := NewGen(seed), NewGen(seed)
		s1, s2 := g1.GenSchema(), g2.GenSchema()
		if s1.CreateSQL() != s2.CreateSQL() {
			t.Fatal("schema generation is not deterministic")
		}
		g1.UseSchema(s1)
		g2.UseSchema(s2)
		for i := range 2 {
			c1, c2 := g1.GenCase(), g2.GenCase()
			st1, st2 := c1.Statements(), c2.Statements()
			if strings.Join(st1, ";") != strings.Join(st2, ";") {
				t.Fatal("query generation is not deterministic")
			}
			// A statement the front end rejects is the differential run's
			// business (PostgreSQL accepts it); here it must not panic.
			_, _ = parser.Parse(st1[0])
			if i > 0 {
				continue
			}
			// Every edit applies and undoes back to the same text.
			c1.Schema = c1.Schema.clone()
			before := strings.Join(c1.Statements(), ";") + c1.Schema.CreateSQL()
			for _, e := range c1.edits() {
				e.apply()
				_ = c1.Statements()
				_ = c1.Schema.CreateSQL()
				e.undo()
				if after := strings.Join(c1.Statements(), ";") + c1.Schema.CreateSQL(); after != before {
					t.Fatalf("edit did not undo:\n%s\n%s", before, after)
				}
			}
		}
	})
}

// TestCanonRows pins the comparison rules: float tolerance, NULL versus
// empty, multisets versus sequences.
func TestCanonRows(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		name    string
		a, b    *Result
		ordered bool
		same    bool
	}{
		{"float last bits", &Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("0.30000000000000004")}}},
			&Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("0.3")}}}, false, true},
		{"float near zero", &Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("5.551115123125783e-17")}}},
			&Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("0")}}}, false, true},
		{"float differs", &Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("0.31")}}},
			&Result{OIDs: []uint32{oidFloat8}, Rows: [][]*string{{s("0.3")}}}, false, false},
		{"numeric exact", &Result{OIDs: []uint32{1700}, Rows: [][]*string{{s("0.30")}}},
			&Result{OIDs: []uint32{1700}, Rows: [][]*string{{s("0.3")}}}, false, false},
		{"multiset", &Result{OIDs: []uint32{25}, Rows: [][]*string{{s("a")}, {nil}}},
			&Result{OIDs: []uint32{25}, Rows: [][]*string{{nil}, {s("a")}}}, false, true},
		{"ordered", &Result{OIDs: []uint32{25}, Rows: [][]*string{{s("a")}, {nil}}},
			&Result{OIDs: []uint32{25}, Rows: [][]*string{{nil}, {s("a")}}}, true, false},
		{"null is not empty", &Result{OIDs: []uint32{25}, Rows: [][]*string{{s("")}}},
			&Result{OIDs: []uint32{25}, Rows: [][]*string{{nil}}}, false, false},
		{"field boundary", &Result{OIDs: []uint32{25, 25}, Rows: [][]*string{{s("ab"), s("")}}},
			&Result{OIDs: []uint32{25, 25}, Rows: [][]*string{{s("a"), s("b")}}}, false, false},
		{"multiplicity", &Result{OIDs: []uint32{23}, Rows: [][]*string{{s("1")}, {s("1")}}},
			&Result{OIDs: []uint32{23}, Rows: [][]*string{{s("1")}}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameRows(tt.a, tt.b, tt.ordered); got != tt.same {
				t.Errorf("sameRows = %v, want %v", got, tt.same)
			}
		})
	}
}

func BenchmarkGenCase(b *testing.B) {
	g := NewGen(1)
	g.UseSchema(g.GenSchema())
	b.ReportAllocs()
	for b.Loop() {
		_ = g.GenCase().Statements()
	}
}

func BenchmarkCanonRows(b *testing.B) {
	r := &Result{OIDs: []uint32{23, oidFloat8, 25}}
	for i := range 1000 {
		a, f, t := fmt.Sprint(i%37), fmt.Sprint(float64(i)/7), fmt.Sprint("x", i%11)
		r.Rows = append(r.Rows, []*string{&a, &f, &t})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = canonRows(r, false)
	}
}
