package crashtest

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPgbench runs the real pgbench against nqdb: initialisation at scale
// 2, then the three built-in scripts in each protocol mode, and checks that
// no transaction failed and that tpcb-like's invariant holds.
func TestPgbench(t *testing.T) {
	pgbench, err := FindPgbench()
	if err != nil {
		if os.Getenv("NQDB_REQUIRE_PG") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	bin := serverBinary(t)
	srv, err := Start(bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := srv.Stop(30 * time.Second); err != nil {
			t.Errorf("shutdown: %v\n%s", err, srv.Output())
		}
	}()
	duration := envInt(t, "NQDB_PGBENCH_SECONDS", 3)
	run := func(args ...string) string {
		t.Helper()
		all := append([]string{"-h", srv.Host, "-p", strconv.Itoa(srv.Port), "-U", "postgres"}, args...)
		all = append(all, "postgres")
		cmd := exec.Command(pgbench, all...)
		// No password file or service of the machine's user may interfere.
		cmd.Env = append(os.Environ(), "PGPASSFILE="+os.DevNull, "PGSERVICEFILE="+os.DevNull, "PGSSLMODE=disable")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pgbench %s: %v\n%s\nserver output:\n%s", strings.Join(args, " "), err, out, srv.Output())
		}
		return string(out)
	}
	ctx := context.Background()
	t0 := time.Now()
	run("-i", "-s", "2", "-q")
	t.Logf("pgbench -i -s 2: %v", time.Since(t0).Round(time.Millisecond))
	for _, mode := range []string{"simple", "extended", "prepared"} {
		for _, script := range []struct{ name, flag string }{
			{"tpcb-like", ""}, {"simple-update", "-b simple-update"}, {"select-only", "-S"},
		} {
			name := script.name + "/" + mode
			t.Run(name, func(t *testing.T) {
				// Balances accumulate over runs while pgbench empties the
				// history before each: instead of initialising again (3 s
				// or more each time), the invariant is checked on what the
				// run added, sum(balance) - sum(balance before) = sum(delta).
				// simple-update changes abalance too (and writes history).
				var before [3]int64
				if script.name == "tpcb-like" {
					before = pgbenchSums(t, ctx, srv)
				}
				args := []string{"-M", mode, "-c", "8", "-j", "2", "-T", strconv.Itoa(duration)}
				if script.flag != "" {
					args = append(args, strings.Fields(script.flag)...)
				}
				out := run(args...)
				res, err := ParsePgbench(out)
				if err != nil {
					t.Fatalf("%v:\n%s", err, out)
				}
				if res.Failed != 0 || res.Processed == 0 {
					t.Fatalf("%d failed, %d processed:\n%s", res.Failed, res.Processed, out)
				}
				t.Logf("%s: %d transactions, tps %.0f, latency %.3f ms", name, res.Processed, res.TPS, res.LatencyMS)
				if script.name == "tpcb-like" {
					checkPgbenchInvariant(t, ctx, srv, before, res.Processed)
				}
			})
		}
	}
	t.Run("server-side generate", func(t *testing.T) {
		// -I dtGvp: the data comes from INSERT ... SELECT over
		// generate_series in the server, not from COPY.
		t0 := time.Now()
		run("-i", "-I", "dtGvp", "-s", "2")
		t.Logf("pgbench -i -I dtGvp -s 2: %v", time.Since(t0).Round(time.Millisecond))
		conn, err := pgx.Connect(ctx, srv.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var na, nt, nb, distinct, sum int64
		err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pgbench_accounts), (SELECT count(*) FROM pgbench_tellers),
			(SELECT count(*) FROM pgbench_branches), (SELECT count(DISTINCT bid) FROM pgbench_accounts),
			(SELECT sum(abalance) + sum(aid) FROM pgbench_accounts)::bigint`).Scan(&na, &nt, &nb, &distinct, &sum)
		if err != nil {
			t.Fatal(err)
		}
		if na != 200000 || nt != 20 || nb != 2 || distinct != 2 || sum != 200000*200001/2 {
			t.Errorf("after server-side generate: %d accounts, %d tellers, %d branches, %d distinct bids, sum %d",
				na, nt, nb, distinct, sum)
		}
	})
}

// pgbenchSums returns sum(abalance), sum(tbalance), sum(bbalance). Tellers
// and branches must agree (only tpcb-like changes them, always together);
// accounts need not, since simple-update changes abalance alone.
func pgbenchSums(t *testing.T, ctx context.Context, srv *Server) [3]int64 {
	t.Helper()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s [3]int64
	err = conn.QueryRow(ctx, `SELECT (SELECT sum(abalance) FROM pgbench_accounts)::bigint,
		(SELECT sum(tbalance) FROM pgbench_tellers)::bigint,
		(SELECT sum(bbalance) FROM pgbench_branches)::bigint`).Scan(&s[0], &s[1], &s[2])
	if err != nil {
		t.Fatal(err)
	}
	if s[1] != s[2] {
		t.Errorf("before the run: sum(tbalance)=%d sum(bbalance)=%d", s[1], s[2])
	}
	return s
}

// checkPgbenchInvariant checks what a tpcb-like run added:
// sum(abalance), sum(tbalance) and sum(bbalance) each grew by sum(delta),
// and the history has one row per transaction.
func checkPgbenchInvariant(t *testing.T, ctx context.Context, srv *Server, before [3]int64, processed int64) {
	t.Helper()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var sa, st, sb, sd, nh int64
	err = conn.QueryRow(ctx, `SELECT (SELECT sum(abalance) FROM pgbench_accounts)::bigint,
		(SELECT sum(tbalance) FROM pgbench_tellers)::bigint,
		(SELECT sum(bbalance) FROM pgbench_branches)::bigint,
		(SELECT coalesce(sum(delta), 0) FROM pgbench_history)::bigint,
		(SELECT count(*) FROM pgbench_history)`).Scan(&sa, &st, &sb, &sd, &nh)
	if err != nil {
		t.Fatal(err)
	}
	da, dt, db := sa-before[0], st-before[1], sb-before[2]
	if da != dt || dt != db || db != sd {
		t.Errorf("the run added sum(abalance) %d, sum(tbalance) %d, sum(bbalance) %d; sum(delta) = %d", da, dt, db, sd)
	}
	if nh != processed {
		t.Errorf("pgbench_history has %d rows, pgbench processed %d transactions", nh, processed)
	}
}
