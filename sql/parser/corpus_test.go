package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared client corpus, a sibling of the repository.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus")

// psqlQueries extracts the queries psql -E printed.
func psqlQueries(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join(corpusDir, "clients", "psql15-meta-commands.txt"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	var out []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "********* QUERY"):
			in, cur = true, nil
		case strings.HasPrefix(line, "*****"):
			if in {
				out = append(out, strings.Join(cur, "\n"))
			}
			in = false
		case in:
			cur = append(cur, line)
		}
	}
	return out
}

// pgbenchStatements are the statements pgbench 15 sends (DESIGN.md §6).
var pgbenchStatements = []string{
	"drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
	"create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))",
	"create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)",
	"create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)",
	"create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)",
	"begin",
	"truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
	"insert into pgbench_branches(bid,bbalance) values(1,0)",
	"insert into pgbench_tellers(tid,bid,tbalance) values (1,1,0)",
	"copy pgbench_accounts from stdin with (freeze on)",
	"commit",
	"vacuum analyze pgbench_branches",
	"vacuum analyze pgbench_tellers",
	"vacuum analyze pgbench_accounts",
	"vacuum analyze pgbench_history",
	"alter table pgbench_branches add primary key (bid)",
	"alter table pgbench_tellers add primary key (tid)",
	"alter table pgbench_accounts add primary key (aid)",
	"select count(*) from pgbench_branches",
	"select o.n, p.partstrat, pg_catalog.count(i.inhparent) " +
		"from pg_catalog.pg_class as c " +
		"join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) " +
		"cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) " +
		"left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) " +
		"left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) " +
		"where c.relname = 'pgbench_accounts' and o.n is not null " +
		"group by 1, 2 " +
		"order by 1 asc " +
		"limit 1",
	"vacuum pgbench_branches",
	"truncate pgbench_history",
	"UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;",
	"SELECT abalance FROM pgbench_accounts WHERE aid = $1;",
	"UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;",
	"UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;",
	"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);",
	"END;",
	"UPDATE pgbench_accounts SET abalance = abalance + -4312 WHERE aid = 81232;",
	"SELECT abalance FROM pgbench_accounts WHERE aid = 81232;",
	"insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 1000000) as aid",
}

// minCorpusParsed is the number of corpus statements known to parse; a
// drop is a regression.
const minCorpusParsed = 45

func TestCorpus(t *testing.T) {
	qs := append(psqlQueries(t), pgbenchStatements...)
	ok := 0
	for _, q := range qs {
		sts, err := Parse(q)
		if err != nil {
			t.Logf("FAIL %v\n%s", err, q)
			continue
		}
		if len(sts) != 1 {
			t.Errorf("%d statements in %q", len(sts), q)
			continue
		}
		ok++
	}
	t.Logf("parsed %d of %d corpus statements", ok, len(qs))
	if ok < minCorpusParsed {
		t.Errorf("parsed %d corpus statements, want at least %d", ok, minCorpusParsed)
	}
}
