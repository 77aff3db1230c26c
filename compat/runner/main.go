// Command runner is `make compat`: it starts nqdb (bin/nqdb serve on a temporary
// data directory and a free loopback port) and a throwaway PostgreSQL 15, runs
// every client program of compat/ against both, compares the two outputs check
// by check and prints a client-by-check matrix.
//
// A client program takes the server's host, port and a table-name prefix and
// prints sections: a line "### <check>" starts a check, and everything up to
// the next such line is that check's output, a deterministic normalised text.
// PostgreSQL's output is the reference, so a check a client does not print
// against PostgreSQL is "n/a" for that client. Each check runs on its own
// connection in the clients, so one failure does not cascade into the next.
//
// compat/expected-failures.txt lists the client/check pairs known to fail
// today. The run fails when a check not listed fails and when a listed one
// passes, so the list shrinks as nqdb grows.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

// client is one driver (or one mode of a driver) and the command that runs
// its program; host, port and prefix are appended as arguments.
type client struct {
	name string
	cmd  []string
}

// checkOrder is the order of the matrix's rows; checks a client prints that
// are not here come after, sorted.
var checkOrder = []string{"connect", "types", "crud", "serial", "txn", "savepoint", "errors", "nulls",
	"metadata", "copy", "batch", "prepared", "orm"}

func main() {
	nqdbBin := flag.String("nqdb", "bin/nqdb", "nqdb binary")
	expectedFile := flag.String("expected", "compat/expected-failures.txt", "known failures")
	only := flag.String("clients", "", "comma-separated client names to run (default all)")
	outDir := flag.String("out", "bin/compat", "directory for each client's outputs and logs")
	verbose := flag.Bool("v", false, "print the diff of expected failures too")
	flag.Parse()
	os.Exit(run(*nqdbBin, *expectedFile, *only, *outDir, *verbose))
}

func run(nqdbBin, expectedFile, only, outDir string, verbose bool) int {
	start := time.Now()
	expected, err := readExpected(expectedFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		return 2
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		return 2
	}
	clients, err := buildClients(outDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		return 2
	}
	if only != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			keep[strings.TrimSpace(n)] = true
		}
		var sel []client
		for _, c := range clients {
			if keep[c.name] {
				sel = append(sel, c)
			}
		}
		clients = sel
	}

	pg, err := pgoracle.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat: starting PostgreSQL:", err)
		return 2
	}
	defer pg.Stop()
	nq, err := startNqdb(nqdbBin, outDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat: starting nqdb:", err)
		return 2
	}
	defer nq.stop()

	results := map[string]map[string]string{} // client -> check -> PASS/FAIL/XFAIL
	var problems []string
	var diffs bytes.Buffer
	seen := map[string]bool{}
	for _, c := range clients {
		prefix := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(c.name, "_") + "_"
		var wg sync.WaitGroup
		var pgOut, nqOut []byte
		var pgErr, nqErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			pgOut, pgErr = runClient(c, pg.Host, fmt.Sprint(pg.Port), prefix, filepath.Join(outDir, c.name+".pg"))
		}()
		go func() {
			defer wg.Done()
			nqOut, nqErr = runClient(c, nq.host, nq.port, prefix, filepath.Join(outDir, c.name+".nqdb"))
		}()
		wg.Wait()
		if pgErr != nil {
			// The reference run must work: anything else is a broken client program.
			problems = append(problems, fmt.Sprintf("%s: fails against PostgreSQL: %v (see %s.pg.stderr)",
				c.name, pgErr, filepath.Join(outDir, c.name)))
		}
		_ = nqErr // a crash against nqdb shows as missing checks
		want, got := sections(pgOut), sections(nqOut)
		results[c.name] = map[string]string{}
		for check, w := range want {
			seen[check] = true
			g, ok := got[check]
			key := c.name + " " + check
			_, listed := expected[key]
			switch {
			case ok && g == w && listed:
				results[c.name][check] = "PASS!"
				problems = append(problems, fmt.Sprintf("%s/%s passes but is listed in %s: remove it", c.name, check, expectedFile))
			case ok && g == w:
				results[c.name][check] = "PASS"
			default:
				if !ok {
					g = "(check missing from nqdb's output: the client stopped; see " +
						filepath.Join(outDir, c.name+".nqdb.stderr") + ")\n"
				}
				if listed {
					results[c.name][check] = "xfail"
				} else {
					results[c.name][check] = "FAIL"
					problems = append(problems, fmt.Sprintf("%s/%s fails (not in %s)", c.name, check, expectedFile))
				}
				if !listed || verbose {
					fmt.Fprintf(&diffs, "--- %s/%s: PostgreSQL vs nqdb\n%s\n", c.name, check, diff(w, g))
				}
			}
		}
		for key := range expected {
			cl, check, _ := strings.Cut(key, " ")
			if cl == c.name {
				if _, ok := want[check]; !ok {
					problems = append(problems, fmt.Sprintf("%s/%s is listed in %s but the client has no such check", cl, check, expectedFile))
				}
			}
		}
	}

	checks := orderChecks(seen)
	printMatrix(os.Stdout, clients, checks, results)
	if diffs.Len() > 0 {
		fmt.Println()
		fmt.Print(diffs.String())
	}
	fmt.Printf("\ncompat: %d clients in %s; outputs in %s\n", len(clients), time.Since(start).Round(time.Second), outDir)
	if len(problems) > 0 {
		fmt.Println("compat: FAILED")
		for _, p := range problems {
			fmt.Println("  " + p)
		}
		return 1
	}
	fmt.Println("compat: ok (PASS = same output as PostgreSQL, xfail = listed in expected-failures.txt, n/a = not applicable)")
	return 0
}

// buildClients compiles the Go client once and lists every client with the
// command that runs it. PYTHON and JAVA override the interpreters; the
// Debian packages' modules live under /usr/bin/python3.
func buildClients(outDir string) ([]client, error) {
	goBin, err := filepath.Abs(filepath.Join(outDir, "compat-go"))
	if err != nil {
		return nil, err
	}
	if out, err := exec.Command("go", "build", "-o", goBin, "./compat/go").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building compat/go: %v\n%s", err, out)
	}
	python := os.Getenv("PYTHON")
	if python == "" {
		python = "python3"
		if _, err := os.Stat("/usr/bin/python3"); err == nil {
			python = "/usr/bin/python3"
		}
	}
	java := os.Getenv("JAVA")
	if java == "" {
		java = "java"
	}
	jdbcJar := os.Getenv("PGJDBC_JAR")
	if jdbcJar == "" {
		jdbcJar = "/usr/share/java/postgresql.jar"
	}
	var cs []client
	for _, mode := range []string{"simple", "exec", "cache_statement", "cache_describe", "describe_exec"} {
		cs = append(cs, client{"pgx-" + strings.ReplaceAll(mode, "_", "-"), []string{goBin, "-driver", "pgx", "-mode", mode}})
	}
	cs = append(cs,
		client{"libpq-go", []string{goBin, "-driver", "pq"}},
		client{"node-pg", []string{"node", "compat/node/compat.js"}},
		client{"psycopg2", []string{python, "compat/python/compat_psycopg.py", "psycopg2"}},
		client{"psycopg3", []string{python, "compat/python/compat_psycopg.py", "server"}},
		client{"psycopg3-prepared", []string{python, "compat/python/compat_psycopg.py", "prepared"}},
		client{"psycopg3-client", []string{python, "compat/python/compat_psycopg.py", "client"}},
		client{"pgjdbc", []string{java, "-cp", jdbcJar, "compat/jdbc/Compat.java", "default"}},
		client{"pgjdbc-prepared", []string{java, "-cp", jdbcJar, "compat/jdbc/Compat.java", "prepared"}},
		client{"sqlalchemy", []string{python, "compat/python/compat_sqlalchemy.py"}},
	)
	return cs, nil
}

// runClient runs c against one server and returns its standard output; its
// standard output and error are also saved under base.
func runClient(c client, host, port, prefix, base string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append(append([]string{}, c.cmd[1:]...), host, port, prefix)
	cmd := exec.CommandContext(ctx, c.cmd[0], args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	_ = os.WriteFile(base+".out", stdout.Bytes(), 0o644)
	_ = os.WriteFile(base+".stderr", stderr.Bytes(), 0o644)
	return stdout.Bytes(), err
}

// sections splits a client's output into checks.
func sections(out []byte) map[string]string {
	m := map[string]string{}
	var name string
	var buf strings.Builder
	flush := func() {
		if name != "" {
			m[name] = buf.String()
		}
		buf.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "### "); ok {
			flush()
			name = strings.TrimSpace(rest)
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
	}
	flush()
	return m
}

// diff prints the two texts line by line from the first difference on, which
// is enough to see what nqdb answers differently.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	from := max(0, i-2)
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "   %s\n", w[j])
	}
	const keep = 12
	for j := i; j < len(w) && j < i+keep; j++ {
		fmt.Fprintf(&b, "pg %s\n", w[j])
	}
	for j := i; j < len(g) && j < i+keep; j++ {
		fmt.Fprintf(&b, "nq %s\n", g[j])
	}
	return strings.TrimRight(b.String(), "\n")
}

func orderChecks(seen map[string]bool) []string {
	var out []string
	for _, c := range checkOrder {
		if seen[c] {
			out = append(out, c)
			delete(seen, c)
		}
	}
	var rest []string
	for c := range seen {
		rest = append(rest, c)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func printMatrix(w *os.File, clients []client, checks []string, results map[string]map[string]string) {
	width := len("client")
	for _, c := range clients {
		width = max(width, len(c.name))
	}
	fmt.Fprintf(w, "%-*s", width, "client")
	for _, ch := range checks {
		fmt.Fprintf(w, " %-*s", max(len(ch), 5), ch)
	}
	fmt.Fprintln(w)
	for _, c := range clients {
		fmt.Fprintf(w, "%-*s", width, c.name)
		for _, ch := range checks {
			r, ok := results[c.name][ch]
			if !ok {
				r = "n/a"
			}
			fmt.Fprintf(w, " %-*s", max(len(ch), 5), r)
		}
		fmt.Fprintln(w)
	}
}

// readExpected reads "client check reason..." lines; # starts a comment.
func readExpected(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want \"client check reason\"", path, n+1)
		}
		m[f[0]+" "+f[1]] = strings.Join(f[2:], " ")
	}
	return m, nil
}

// nqdbServer is a running bin/nqdb.
type nqdbServer struct {
	cmd        *exec.Cmd
	host, port string
	dir        string
}

// startNqdb starts the binary on a new data directory; it listens on
// 127.0.0.1:0 and announces the address on standard error.
func startNqdb(bin, outDir string) (*nqdbServer, error) {
	dir, err := os.MkdirTemp("", "nqdb-compat-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--http", "", "--data-dir", dir, "--log-level", "warn")
	logf, err := os.Create(filepath.Join(outDir, "nqdb.log"))
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pw.Close()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`listening on ([0-9.]+):([0-9]+)`)
		sent := false
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1] + ":" + m[2]
				sent = true
			}
		}
		if !sent {
			close(addr)
		}
	}()
	s := &nqdbServer{cmd: cmd, dir: dir}
	select {
	case a, ok := <-addr:
		if !ok {
			s.stop()
			return nil, fmt.Errorf("nqdb exited before listening; see %s", filepath.Join(outDir, "nqdb.log"))
		}
		s.host, s.port, _ = strings.Cut(a, ":")
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("nqdb did not start within 30s")
	}
	return s, nil
}

func (s *nqdbServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(s.dir)
}
