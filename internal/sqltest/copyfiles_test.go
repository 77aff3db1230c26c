package sqltest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestCopyServerFiles runs testdata/copy_files.psql (COPY to and from
// server-side files and programs) on PostgreSQL and nqdb, each time in an
// emptied directory both servers can write (PostgreSQL may run as another
// user), passed to the script as the psql variable dir. The script is not
// a *.sql file because it needs that variable.
func TestCopyServerFiles(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal("psql not found")
		}
		t.Skip("psql not found")
	}
	pg := pgoracle.Shared(t)
	dir, err := os.MkdirTemp("", "nqdb-copyfiles-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	empty := func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	script := filepath.Join("testdata", "copy_files.psql")
	const db = "sqltest_copy_files"
	adminConn(t, pg.DSN(), "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db)
	empty()
	want := runPsql(t, psql, fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", pg.Addr(), db), script, "-v", "dir="+dir)
	empty()
	_, addr := testserver.Start(t, server.Config{})
	got := runPsql(t, psql, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr), script, "-v", "dir="+dir)
	if got != want {
		t.Errorf("%s: output differs from PostgreSQL's (-postgres +nqdb):\n%s", script, diff(want, got))
	}
}
