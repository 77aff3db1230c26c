package parser

import "testing"

// TestConstraintRewrites covers the PostgreSQL constraint syntax TiDB's
// grammar lacks: what TiDB is given for each statement.
func TestConstraintRewrites(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"create table c (pid int constraint fk references p on delete cascade)", "create table `c`(`pid` int references `p` on delete cascade)"},
		{"alter table c add column q int constraint fk references p", "alter table `c` add column `q` int references `p`"},
		{"create table t (a int, constraint k check (a > 0))", "create table `t`(`a` int, constraint `k` check (`a` > 0))"},
		{"create table t (m int check (m in (1, 2)), i int check (i between 1 and 2))", "create table `t`(`m` int check (`m` in (1, 2)), `i` int check (`i` between 1 and 2))"},
		{"select 1 union all values (2)", "select 1 union all select 2"},
		{"select 1 union values (2, 3), (4, 5)", "select 1 union select * from (select 2 as `column1`, 3 as `column2` union all select 4, 5) as `*VALUES*`"},
		{"drop table if exists t cascade", "drop table if exists `t` cascade"},
		// TiDB's decimal literal panicked on this (found by FuzzCheckConstraint).
		{"select 1000000000000000000000000000000000000000000000000000000000000000000000000000000000",
			"select nqdb_cast('1000000000000000000000000000000000000000000000000000000000000000000000000000000000', 'numeric')"},
	} {
		st, err := Parse(c.in)
		got := ""
		if err == nil {
			got = st[0].Rewritten
			// ALTER TABLE is parsed in alter.go; its ADD actions are
			// what TiDB is given.
			if u, ok := st[0].Utility.(*AlterTable); ok && u.Actions[0].Add != nil {
				got = u.Actions[0].Add.Rewritten
			}
		}
		if got != c.want {
			t.Errorf("%s:\n got  %q (%v)\n want %q", c.in, got, err, c.want)
		}
	}
}
