package eval_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// genTable is a Scannable table of n generated rows: id int4 = 1..n,
// g int4 = id*7919 % groups, t text, f float8, k int4 that is NULL for
// every 13th row, and c int4 = id % 10 (many ties).
type genTable struct {
	oid    uint32
	name   string
	n      int
	groups int
}

func (t *genTable) OID() uint32  { return t.oid }
func (t *genTable) Name() string { return t.name }
func (t *genTable) Columns() []planner.Column {
	col := func(i int, name string, ty *types.T) planner.Column {
		return planner.Column{Name: name, Type: ty, Typmod: -1, TableOID: t.oid, AttNum: int16(i)}
	}
	return []planner.Column{col(1, "id", types.Int4), col(2, "g", types.Int4), col(3, "t", types.Text),
		col(4, "f", types.Float8), col(5, "k", types.Int4), col(6, "c", types.Int4)}
}

func (t *genTable) Scan(ctx context.Context) (eval.Rows, error) { return &genRows{t: t}, nil }

type genRows struct {
	t *genTable
	i int
}

func (r *genRows) Next() ([]types.Datum, error) {
	if r.i >= r.t.n {
		return nil, io.EOF
	}
	r.i++
	id := int64(r.i)
	var k types.Datum = id % 977
	if id%13 == 0 {
		k = nil
	}
	return []types.Datum{id, id * 7919 % int64(r.t.groups), fmt.Sprintf("row %06d of %s", id*31%int64(r.t.n), r.t.name),
		float64(id) / 7, k, id % 10}, nil
}

func (r *genRows) Close() { r.i = r.t.n }

// spillEnv is a testEnv whose operators may spill to ts.
type spillEnv struct {
	*testEnv
	ts *eval.TempSpace
}

func (e spillEnv) TempSpace() *eval.TempSpace { return e.ts }

func newSpillEnv(t testing.TB, ts *eval.TempSpace, workMem string) spillEnv {
	env := newTestEnv()
	env.settings["work_mem"] = workMem
	env.settings["hash_mem_multiplier"] = "2"
	env.settings["temp_file_limit"] = "-1"
	return spillEnv{testEnv: env, ts: ts}
}

func spillCatalog() closeCatalog {
	return closeCatalog{
		"big":   &genTable{oid: 16401, name: "big", n: 12000, groups: 3000},
		"other": &genTable{oid: 16402, name: "other", n: 5000, groups: 2000},
		"few":   &genTable{oid: 16403, name: "few", n: 300, groups: 7},
	}
}

// runSpill runs sql under env and returns its rows as text; act, when
// set, collects EXPLAIN ANALYZE's figures.
func runSpill(t *testing.T, sql string, env eval.Env, act planner.Actuals) ([]string, error) {
	t.Helper()
	q := planQuery(t, sql, spillCatalog())
	ctx := context.Background()
	if act != nil {
		ctx = eval.WithActuals(ctx, act)
	}
	rows, err := eval.Run(ctx, q, nil, env)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var sb strings.Builder
		for i, v := range row {
			if i > 0 {
				sb.WriteByte('|')
			}
			if v == nil {
				sb.WriteString("NULL")
			} else {
				sb.Write(types.AppendText(nil, q.Columns[i].Type, v, nil))
			}
		}
		out = append(out, sb.String())
	}
}

// checkNoTempFiles fails when a temporary file is open or left behind.
func checkNoTempFiles(t *testing.T, ts *eval.TempSpace) {
	t.Helper()
	if n := ts.Live(); n != 0 {
		t.Errorf("%d temporary files still open", n)
	}
	names, err := os.ReadDir(ts.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}
}

// TestSpillMatchesMemory runs each query with work_mem = 64kB (sorts,
// hash aggregates and hash joins spill) and with 1GB (everything in
// memory, the path the other tests compare with PostgreSQL), and wants
// the same rows: in the same order where the query fixes it (sorts are
// stable in both, so even ties must come out alike), as multisets
// otherwise. It also checks the spilling path was taken and that no
// temporary file outlives the query.
func TestSpillMatchesMemory(t *testing.T) {
	ts, err := eval.NewTempSpace(vfs.OS, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	small, big := newSpillEnv(t, ts, "64kB"), newSpillEnv(t, ts, "1GB")
	for _, tc := range []struct {
		sql     string
		ordered bool
		method  string // expected on some node: a SortMethod, "batches" (Batches > 1)
	}{
		{"SELECT * FROM big ORDER BY g, id", true, "external merge"},
		{"SELECT id, c FROM big ORDER BY c", true, "external merge"}, // ties: stability
		{"SELECT t, id FROM big ORDER BY t DESC", true, "external merge"},
		{"SELECT k, id FROM big ORDER BY k NULLS FIRST, id DESC", true, "external merge"},
		{"SELECT * FROM big ORDER BY c, g LIMIT 10", true, "top-N heapsort"},
		{"SELECT * FROM big ORDER BY c, g LIMIT 10 OFFSET 95", true, "top-N heapsort"},
		{"SELECT id + 1 FROM big ORDER BY f DESC LIMIT 3", true, "top-N heapsort"},
		{"SELECT * FROM big ORDER BY c LIMIT 9000", true, "external merge"},
		{"SELECT * FROM big ORDER BY c FETCH FIRST 5 ROWS WITH TIES", true, "external merge"},
		{"SELECT g, count(*), sum(id), max(t), min(f), avg(id) FROM big GROUP BY g", false, "batches"},
		{"SELECT g, array_agg(id ORDER BY id), string_agg(t, ',' ORDER BY t) FROM big GROUP BY g", false, "batches"},
		{"SELECT c, count(DISTINCT g) FROM big GROUP BY c", false, ""},
		{"SELECT t, count(*) FROM big GROUP BY t HAVING count(*) > 0", false, "batches"},
		{"SELECT g, k, count(*) FROM big GROUP BY g, k", false, "batches"},
		{"SELECT a.id, b.id, b.t FROM big a JOIN other b ON a.g = b.id", false, "hash"},
		{"SELECT a.id, b.id FROM big a JOIN other b ON a.g = b.g AND a.t < b.t AND b.c < 5", false, "hash"},
		{"SELECT a.id, b.id FROM big a JOIN other b ON a.t = b.t", false, "hash"},
		{"SELECT a.id, b.id FROM big a LEFT JOIN other b ON a.k = b.k AND b.c < 6", false, "hash"},
		{"SELECT a.id, b.id FROM few a FULL JOIN other b ON a.k = b.id", false, "hash"},
		{"SELECT a.id, b.id FROM other a FULL JOIN big b ON a.k = b.k AND b.c = 2", false, "hash"},
		{"SELECT a.id FROM big a WHERE EXISTS (SELECT 1 FROM other b WHERE b.g = a.g)", false, ""},
		{"SELECT a.id FROM big a WHERE NOT EXISTS (SELECT 1 FROM other b WHERE b.k = a.k)", false, ""},
		{"SELECT a.id FROM big a WHERE a.g IN (SELECT b.k FROM other b)", false, ""},
		{"SELECT b.g, count(*) FROM big a JOIN other b ON a.g = b.id GROUP BY b.g ORDER BY 2 DESC, 1", true, ""},
		{"SELECT DISTINCT g FROM big ORDER BY g", true, ""},
		{"SELECT c, g, count(*) FROM big GROUP BY ROLLUP (c, g)", false, ""},
		{"SELECT id, sum(id) OVER (PARTITION BY c ORDER BY id) FROM big ORDER BY id", true, ""},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			want, err := runSpill(t, tc.sql, big, nil)
			if err != nil {
				t.Fatalf("in memory: %v", err)
			}
			act := planner.Actuals{}
			got, err := runSpill(t, tc.sql, small, act)
			if err != nil {
				t.Fatalf("spilling: %v", err)
			}
			checkNoTempFiles(t, ts)
			if !tc.ordered {
				slices.Sort(want)
				slices.Sort(got)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("spilling gives %d rows, in memory %d; first difference %s", len(got), len(want), firstDiff(got, want))
			}
			if tc.method != "" && !sawMethod(act, tc.method) {
				t.Errorf("no operator used %q: %s", tc.method, describeMem(act))
			}
		})
	}
	if files, bytes := ts.Totals(); files == 0 || bytes == 0 {
		t.Errorf("nothing spilled: %d files, %d bytes", files, bytes)
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("at %d: %q vs %q", i, a[i], b[i])
		}
	}
	return "(one is a prefix of the other)"
}

func sawMethod(act planner.Actuals, method string) bool {
	for _, st := range act {
		m := st.Mem
		switch {
		case m == nil:
		case method == "batches" && m.SortMethod == "" && m.Buckets == 0 && m.Batches > 1 && m.Disk > 0:
			return true
		case method == "hash" && m.Buckets > 0 && m.Batches > 1 && m.Disk > 0:
			return true
		case m.SortMethod == method && (method != "external merge" || m.Disk > 0):
			return true
		}
	}
	return false
}

func describeMem(act planner.Actuals) string {
	var parts []string
	for n, st := range act {
		if st.Mem != nil {
			parts = append(parts, fmt.Sprintf("%T: %+v", n, *st.Mem))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// TestSpillCleanup checks that temporary files go when a query stops
// early: Close after a few rows, an error raised after the spill, a
// cancelled context; and that NewTempSpace removes what a crash left.
func TestSpillCleanup(t *testing.T) {
	dir := t.TempDir()
	ts, err := eval.NewTempSpace(vfs.OS, dir)
	if err != nil {
		t.Fatal(err)
	}
	env := newSpillEnv(t, ts, "64kB")
	cat := spillCatalog()
	for _, sql := range []string{
		"SELECT * FROM big ORDER BY t",
		"SELECT g, count(*) FROM big GROUP BY g",
		"SELECT a.id, b.id FROM big a JOIN other b ON a.g = b.id",
	} {
		t.Run("close/"+sql, func(t *testing.T) {
			rows, err := eval.Run(context.Background(), planQuery(t, sql, cat), nil, env)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := rows.Next(); err != nil {
					t.Fatal(err)
				}
			}
			if ts.Live() == 0 {
				t.Errorf("nothing spilled")
			}
			rows.Close()
			checkNoTempFiles(t, ts)
		})
		t.Run("cancel/"+sql, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			rows, err := eval.Run(ctx, planQuery(t, sql, cat), nil, env)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rows.Next(); err != nil {
				t.Fatal(err)
			}
			cancel()
			for err == nil {
				_, err = rows.Next()
			}
			if got := sqlState(err); got != "57014" {
				t.Errorf("after cancel: %v, want 57014", err)
			}
			rows.Close()
			checkNoTempFiles(t, ts)
		})
	}
	// An error while the spilled rows are read back: 1/(id-11999) fails
	// on one row only, after the sort has written its runs.
	for _, sql := range []string{
		"SELECT 1 / (id - 11999) FROM (SELECT * FROM big ORDER BY t) s",
		"SELECT g, sum(1 / (id - 11999)) FROM big GROUP BY g",
		"SELECT 1 / (a.id - 11999) FROM big a JOIN other b ON a.g = b.id",
	} {
		t.Run("error/"+sql, func(t *testing.T) {
			_, err := runSpill(t, sql, env, nil)
			if got := sqlState(err); got != "22012" {
				t.Errorf("got %v, want division by zero", err)
			}
			checkNoTempFiles(t, ts)
		})
	}
	t.Run("temp_file_limit", func(t *testing.T) {
		env := newSpillEnv(t, ts, "64kB")
		env.settings["temp_file_limit"] = "100kB"
		_, err := runSpill(t, "SELECT * FROM big ORDER BY t", env, nil)
		if got := sqlState(err); got != "53400" || !strings.Contains(err.Error(), "temp_file_limit (100kB)") {
			t.Errorf("got %v, want temp_file_limit error", err)
		}
		checkNoTempFiles(t, ts)
	})
	t.Run("restart", func(t *testing.T) {
		// A crash leaves files behind; the next start removes them.
		for _, name := range []string{"nqdb_tmp1.1", "nqdb_tmp1.2"} {
			if err := os.WriteFile(dir+"/"+name, []byte("left over"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		ts2, err := eval.NewTempSpace(vfs.OS, dir)
		if err != nil {
			t.Fatal(err)
		}
		checkNoTempFiles(t, ts2)
	})
}

// TestSpillMemFS spills onto an in-memory file system, as the storage
// tests run the engine.
func TestSpillMemFS(t *testing.T) {
	fs := vfs.NewMem()
	ts, err := eval.NewTempSpace(fs, "/data/pgsql_tmp")
	if err != nil {
		t.Fatal(err)
	}
	got, err := runSpill(t, "SELECT id FROM big ORDER BY t LIMIT 12000", newSpillEnv(t, ts, "64kB"), nil)
	if err != nil || len(got) != 12000 {
		t.Fatalf("%d rows, %v", len(got), err)
	}
	if names, _ := fs.ReadDir("/data/pgsql_tmp"); len(names) != 0 || ts.Live() != 0 {
		t.Errorf("left %v", names)
	}
}

// BenchmarkSort1M sorts a million generated rows with work_mem 4MB
// (external merge) and 1GB (in memory).
func BenchmarkSort1M(b *testing.B) {
	ts, err := eval.NewTempSpace(vfs.OS, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	cat := closeCatalog{"m": &genTable{oid: 16410, name: "m", n: 1_000_000, groups: 100_000}}
	for _, wm := range []string{"4MB", "1GB"} {
		b.Run("work_mem="+wm, func(b *testing.B) {
			env := newSpillEnv(b, ts, wm)
			stmts, err := parser.Parse("SELECT id, g, f FROM m ORDER BY g, f")
			if err != nil {
				b.Fatal(err)
			}
			q, err := planner.Build(stmts[0].AST, nil, cat)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				rows, err := eval.Run(context.Background(), q, nil, env)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					if _, err := rows.Next(); err != nil {
						break
					}
					n++
				}
				rows.Close()
				if n != 1_000_000 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}
