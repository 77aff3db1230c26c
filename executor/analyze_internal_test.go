package executor

import (
	"testing"
)

// TestStatisticsLifecycle: write counters count committed rows only,
// the automatic ANALYZE picks up a table changed enough, statistics
// survive a restart and go with their table.
func TestStatisticsLifecycle(t *testing.T) {
	dir := t.TempDir()
	e, s := testSession(t, dir)
	must := func(q string) [][]string {
		t.Helper()
		rows, err := run(s, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return rows
	}
	expect := func(q, want string) {
		t.Helper()
		rows := must(q)
		if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] != want {
			t.Errorf("%s: got %v, want %s", q, rows, want)
		}
	}
	must("create table w (id int primary key, g int)")
	must("insert into w select i, i % 5 from generate_series(1, 200) i")
	must("begin; insert into w values (1000, 1); rollback")
	must("update w set g = g + 1 where id <= 10")
	must("delete from w where id > 190")
	expect("select n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_del || ' ' || n_mod_since_analyze from pg_stat_user_tables where relname = 'w'", "200 10 10 220")
	expect("select count(*) from pg_stats where tablename = 'w'", "0")

	e.autoAnalyze()
	expect("select count(*) from pg_stats where tablename = 'w'", "2")
	expect("select n_distinct from pg_stats where tablename = 'w' and attname = 'g'", "6")
	expect("select autoanalyze_count || ' ' || (last_autoanalyze is not null) || ' ' || n_mod_since_analyze || ' ' || n_live_tup from pg_stat_user_tables where relname = 'w'", "1 true 0 190")
	expect("select reltuples from pg_class where relname = 'w'", "190")
	// Below the threshold (50 + 10% of 190): no new ANALYZE.
	must("insert into w values (500, 9)")
	e.autoAnalyze()
	expect("select autoanalyze_count || ' ' || n_live_tup from pg_stat_user_tables where relname = 'w'", "1 191")

	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, s = testSession(t, dir)
	defer e.Close()
	expect("select count(*) from pg_stats where tablename = 'w'", "2")
	must("analyze w")
	expect("select reltuples from pg_class where relname = 'w'", "191")
	must("drop table w")
	must("create table w (a int)")
	expect("select count(*) from pg_stats where tablename = 'w'", "0")
}
