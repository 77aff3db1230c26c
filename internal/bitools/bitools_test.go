package bitools

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// replay is one testdata query with its header settings.
type replay struct {
	name      string // TOOL/NAME
	sql       string
	ordered   bool
	ignore    map[string]bool
	sourceHdr string
}

var orderBy = regexp.MustCompile(`(?i)\border\s+by\b`)

func loadReplays(t *testing.T) []replay {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no replay queries in testdata: %v", err)
	}
	var out []replay
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := replay{name: strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(f, "testdata"+string(filepath.Separator))), ".sql"),
			ignore: map[string]bool{}}
		var body []string
		header := true
		unordered := false
		for _, line := range strings.Split(string(b), "\n") {
			if header && strings.HasPrefix(line, "--") {
				key, val, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "--")), ":")
				switch key {
				case "source":
					r.sourceHdr = val
				case "unordered":
					unordered = true
				case "ignore":
					if i := strings.Index(val, "("); i >= 0 {
						val = val[:i]
					}
					for _, c := range strings.Split(val, ",") {
						r.ignore[strings.TrimSpace(c)] = true
					}
				}
				continue
			}
			header = false
			body = append(body, line)
		}
		r.sql = strings.TrimSpace(strings.Join(body, "\n"))
		r.sql = strings.TrimSuffix(r.sql, ";")
		r.ordered = !unordered && orderBy.MatchString(stripComments(r.sql))
		if r.sourceHdr == "" {
			t.Errorf("%s: no -- source: header", f)
		}
		out = append(out, r)
	}
	return out
}

var sqlComment = regexp.MustCompile(`--[^\n]*`)

func stripComments(s string) string { return sqlComment.ReplaceAllString(s, "") }

// loadExpected reads testdata/expected-failures.txt: "NAME reason" lines.
func loadExpected(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "expected-failures.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		m[name] = strings.TrimSpace(reason)
	}
	return m
}

// side is one server with what is needed to normalize its answers.
type side struct {
	conn *pgx.Conn
	oids map[string]string // user OID (text) -> the object it names
	db   string            // current_database()
}

func TestBITools(t *testing.T) {
	if _, err := exec.LookPath("initdb"); err != nil {
		if _, err := os.Stat("/usr/lib/postgresql/15/bin/initdb"); err != nil && os.Getenv("PG_BINDIR") == "" {
			if os.Getenv("NQDB_REQUIRE_PG") != "" {
				t.Fatal("PostgreSQL binaries not found")
			}
			t.Skip("PostgreSQL binaries not found")
		}
	}
	replays := loadReplays(t)
	expected := loadExpected(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	pg := pgoracle.Shared(t)
	admin, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"DROP DATABASE IF EXISTS bitools", "CREATE DATABASE bitools"} {
		if _, err := admin.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	admin.Close(ctx)
	_, addr := testserver.Start(t, server.Config{})
	dsns := map[string]string{
		"postgres": fmt.Sprintf("postgres://postgres@%s/bitools?sslmode=disable", pg.Addr()),
		"nqdb":     fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr),
	}
	seen := map[string]bool{}
	sides := map[string]*side{}
	for _, who := range []string{"postgres", "nqdb"} {
		// The schema is made on a connection of its own, closed before the
		// replays, so PostgreSQL has flushed its activity statistics
		// (n_live_tup) when they run.
		setup := connect(ctx, t, dsns[who])
		for _, f := range []string{"schema.sql", "comments.sql"} {
			if err := runScript(ctx, setup, filepath.Join("testdata", f)); err != nil {
				if who == "postgres" || expected[f] == "" {
					t.Errorf("%s on %s: %v", f, who, err)
				}
			} else if who == "nqdb" && expected[f] != "" {
				t.Errorf("%s now runs on nqdb: delete its line from testdata/expected-failures.txt", f)
			}
			seen[f] = true
		}
		setup.Close(ctx)
		s := &side{conn: connect(ctx, t, dsns[who])}
		defer s.conn.Close(context.Background())
		s.load(ctx, t)
		sides[who] = s
	}
	for _, r := range replays {
		seen[r.name] = true
		t.Run(r.name, func(t *testing.T) {
			want, werr := sides["postgres"].run(ctx, r)
			if werr != nil {
				t.Fatalf("PostgreSQL rejects the replay: %v", werr)
			}
			got, gerr := sides["nqdb"].run(ctx, r)
			problem := ""
			if gerr != nil {
				problem = "error: " + gerr.Error()
			} else if got != want {
				problem = "differs (-postgres +nqdb):\n" + lineDiff(want, got)
			}
			reason, listed := expected[r.name]
			switch {
			case problem != "" && !listed:
				t.Errorf("%s\nsource:%s", problem, r.sourceHdr)
			case problem == "" && listed:
				t.Errorf("matches PostgreSQL now: delete %q (%s) from testdata/expected-failures.txt", r.name, reason)
			case problem != "":
				t.Logf("expected failure (%s): %s", reason, firstLine(problem))
			}
		})
	}
	for name := range expected {
		if !seen[name] {
			t.Errorf("testdata/expected-failures.txt lists %q, which is no replay file", name)
		}
	}
}

func connect(ctx context.Context, t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runScript sends a file of statements as one simple Query message.
func runScript(ctx context.Context, c *pgx.Conn, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = c.PgConn().Exec(ctx, string(b)).ReadAll()
	return err
}

// oidQueries name every user object a replay's OID column may hold. Each
// runs on its own so that one nqdb cannot answer costs only its kind.
var oidQueries = []string{
	`SELECT c.oid::text, 'class ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384`,
	`SELECT oid::text, 'schema ' || nspname FROM pg_catalog.pg_namespace WHERE oid >= 16384`,
	`SELECT t.oid::text, 'type ' || n.nspname || '.' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.oid >= 16384`,
	`SELECT c.oid::text, 'constraint ' || c.conname || ' on ' || r.relname FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class r ON r.oid = c.conrelid WHERE c.oid >= 16384`,
	`SELECT d.oid::text, 'default ' || r.relname || '.' || d.adnum FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class r ON r.oid = d.adrelid WHERE d.oid >= 16384`,
	`SELECT oid::text, 'current database' FROM pg_catalog.pg_database WHERE datname = current_database()`,
}

func (s *side) load(ctx context.Context, t *testing.T) {
	s.oids = map[string]string{}
	for _, q := range oidQueries {
		rows, err := s.conn.Query(ctx, q)
		if err != nil {
			t.Logf("OID names: %v", err)
			continue
		}
		for rows.Next() {
			var oid, name string
			if err := rows.Scan(&oid, &name); err == nil {
				s.oids[oid] = name
			}
		}
		if err := rows.Err(); err != nil {
			t.Logf("OID names: %v", err)
		}
	}
	if err := s.conn.QueryRow(ctx, "SELECT current_database()").Scan(&s.db); err != nil {
		t.Fatal(err)
	}
}

// run executes r through the extended protocol with text results and
// renders the normalized answer: a header of column names and types, then
// one line per row.
func (s *side) run(ctx context.Context, r replay) (string, error) {
	// Parse and Describe first, as JDBC drivers do: the statement's
	// description gives the columns even when no row comes back.
	sd, err := s.conn.PgConn().Prepare(ctx, "", r.sql, nil)
	if err != nil {
		return "", err
	}
	res := s.conn.PgConn().ExecPrepared(ctx, "", nil, nil, nil).Read()
	if res.Err != nil {
		return "", res.Err
	}
	var b strings.Builder
	for i, fd := range sd.Fields {
		if i > 0 {
			b.WriteString(" | ")
		}
		typ := "user type"
		if fd.DataTypeOID < 16384 {
			typ = strconv.Itoa(int(fd.DataTypeOID))
		}
		fmt.Fprintf(&b, "%s:%s", fd.Name, typ)
	}
	b.WriteString("\n")
	lines := make([]string, 0, len(res.Rows))
	for _, row := range res.Rows {
		lines = append(lines, s.renderRow(r, sd.Fields, row))
	}
	if !r.ordered {
		sort.Strings(lines)
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\n")
	}
	return b.String(), nil
}

func (s *side) renderRow(r replay, fds []pgconn.FieldDescription, row [][]byte) string {
	var b strings.Builder
	for i, v := range row {
		if i > 0 {
			b.WriteString(" | ")
		}
		fd := fds[i]
		switch {
		case r.ignore[fd.Name]:
			b.WriteString("(ignored)")
		case v == nil:
			b.WriteString("NULL")
		case fd.DataTypeOID == 26: // oid
			b.WriteString(s.oidName(string(v)))
		case fd.DataTypeOID == 1028: // oid[]
			inner := strings.Trim(string(v), "{}")
			parts := strings.Split(inner, ",")
			for j, p := range parts {
				parts[j] = s.oidName(p)
			}
			b.WriteString("{" + strings.Join(parts, ",") + "}")
		case string(v) == s.db:
			// The PostgreSQL side runs in a database of its own.
			b.WriteString(strconv.Quote("postgres"))
		default:
			b.WriteString(strconv.Quote(string(v)))
		}
	}
	return b.String()
}

func (s *side) oidName(v string) string {
	if name, ok := s.oids[v]; ok {
		return "<" + name + ">"
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil && n >= 16384 {
		return "<unknown user oid>"
	}
	return v
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// lineDiff lists the lines only one side has, in order.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := len(w)
	if len(g) > n {
		n = len(g)
	}
	for i := 0; i < n; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "-%s\n+%s\n", wl, gl)
		}
	}
	return b.String()
}
