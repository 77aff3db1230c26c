package executor

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// TestMemorySettings checks work_mem, temp_file_limit and
// hash_mem_multiplier values and messages as PostgreSQL 15 gives them
// (taken from psql against PostgreSQL 15; internal/sqltest/testdata/
// spill.sql compares the same with a live server).
func TestMemorySettings(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"work_mem", "65536", "64MB", ""},
		{"work_mem", "1000kB", "1000kB", ""},
		{"work_mem", "1024kB", "1MB", ""},
		{"work_mem", "1.5MB", "1536kB", ""},
		{"work_mem", "64 kB", "64kB", ""},
		{"work_mem", " 64kB ", "64kB", ""},
		{"work_mem", "1048576B", "1MB", ""},
		{"work_mem", "2e3", "2000kB", ""},
		{"work_mem", "0.5MB", "512kB", ""},
		{"work_mem", "1TB", "1TB", ""},
		{"work_mem", "10kB", "", `10 kB is outside the valid range for parameter "work_mem" (64 .. 2147483647)`},
		{"work_mem", "-1", "", `-1 kB is outside the valid range for parameter "work_mem" (64 .. 2147483647)`},
		{"work_mem", "foo", "", `invalid value for parameter "work_mem": "foo"`},
		{"work_mem", "64kb", "", `invalid value for parameter "work_mem": "64kb"`},
		{"work_mem", "3000000MB", "", `invalid value for parameter "work_mem": "3000000MB"`},
		{"temp_file_limit", "-1", "-1", ""},
		{"temp_file_limit", "0", "0", ""},
		{"temp_file_limit", "1MB", "1MB", ""},
		{"temp_file_limit", "-5", "", `-5 kB is outside the valid range for parameter "temp_file_limit" (-1 .. 2147483647)`},
		{"hash_mem_multiplier", "1.5", "1.5", ""},
		{"hash_mem_multiplier", "2", "2", ""},
		{"hash_mem_multiplier", "1.25e0", "1.25", ""},
		{"hash_mem_multiplier", "0.5", "", `0.5 is outside the valid range for parameter "hash_mem_multiplier" (1 .. 1000)`},
		{"hash_mem_multiplier", "1001", "", `1001 is outside the valid range for parameter "hash_mem_multiplier" (1 .. 1000)`},
		{"hash_mem_multiplier", "abc", "", `invalid value for parameter "hash_mem_multiplier": "abc"`},
	} {
		got, err := settingDefs[tc.name].check(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s = %q: %v, want error %q", tc.name, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s = %q: %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
}

// FuzzMemorySetting checks that any value is accepted or refused without
// a panic, and that an accepted value's SHOW form is accepted again as
// itself.
func FuzzMemorySetting(f *testing.F) {
	for _, s := range []string{"4MB", "64kB", "65536", "1.5MB", "10 kB", "-1", "1e3", "x", "1TB", "0.5B"} {
		f.Add(s)
	}
	check := settingDefs["work_mem"].check
	f.Fuzz(func(t *testing.T, v string) {
		got, err := check(v)
		if err != nil {
			return
		}
		again, err := check(got)
		if err != nil || again != got {
			t.Fatalf("%q -> %q -> %q, %v", v, got, again, err)
		}
	})
}

// TestSpillTempFiles runs spilling queries on an engine in a data
// directory and checks that pgsql_tmp is empty after each: at the end of
// the rows, after an error, after a cancellation; and that files a crash
// left there are gone when the engine opens again.
func TestSpillTempFiles(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, eval.TempDirName)
	e, s := testSession(t, dir)
	empty := func(when string) {
		t.Helper()
		names, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 0 || e.temp.Live() != 0 {
			t.Errorf("%s: %d files open, left %v", when, e.temp.Live(), names)
		}
	}
	for _, q := range []string{
		"create table s (id int primary key, g int, t text)",
		"insert into s select i, (i * 7919) % 5000, 'row ' || ((i * 31) % 20000) from generate_series(1, 20000) i",
	} {
		if _, err := run(s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	queries := []string{
		"select id from s order by t, id",
		"select g, count(*) from s group by g",
		"select count(*) from s a join s b on a.g = b.id",
	}
	for _, q := range queries {
		got, err := run(s, "set work_mem = '64kB'; "+q)
		if err != nil || len(got) == 0 {
			t.Fatalf("%s: %d rows, %v", q, len(got), err)
		}
		empty(q)
	}
	if files, _ := e.temp.Totals(); files == 0 {
		t.Errorf("nothing spilled")
	}
	// An error after the spill: one row divides by zero.
	if _, err := run(s, "set work_mem = '64kB'; select 1 / (id - 19999) from (select * from s order by t) q"); codeOf(err) != "22012" {
		t.Errorf("got %v, want division by zero", err)
	}
	empty("error")
	// A cancellation while the sorted rows are read.
	for _, q := range queries {
		stmts, err := parser.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		s.BeginStatement()
		p, err := s.Prepare(stmts[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Execute(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Rows.Next(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q, "count(*) from s a") && e.temp.Live() == 0 {
			t.Errorf("%s: no file open while the rows are read", q)
		}
		cancel()
		for err == nil {
			_, err = res.Rows.Next()
		}
		res.Rows.Close()
		s.FinishImplicit(true)
		if codeOf(err) != "57014" && err != io.EOF {
			t.Errorf("%s: after cancel %v", q, err)
		}
		empty("cancel " + q)
	}
	s.Close()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash leaves files behind: the next start removes them.
	if err := os.WriteFile(filepath.Join(tmp, "nqdb_tmp1.1"), []byte("left over"), 0o600); err != nil {
		t.Fatal(err)
	}
	e, s = testSession(t, dir)
	defer e.Close()
	defer s.Close()
	empty("restart")
}
