package planner_test

import (
	"fmt"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/parser"
)

func TestZZScratch(t *testing.T) {
	for _, s := range []string{
		"insert into t values (1,'ab'), (2, DEFAULT)",
		"insert into t(a,b) select 1, 'x'",
		"insert into t default values",
		"insert into t values ($1, $2)",
		"update t set a = a + 1, b = 'x' where a = $1",
		"update t set t.a = 5",
		"delete from t where a = 1",
		"delete from t",
		"insert into t values (1) returning a",
		"update t as x set a = 1 where x.a = 2",
		"delete from t x where x.a = 1",
	} {
		st, err := parser.Parse(s)
		if err != nil {
			fmt.Println(s, "ERR", err)
			continue
		}
		fmt.Printf("%s\n  => %q %T\n  %+v\n", s, st[0].Rewritten, st[0].AST, st[0].AST)
	}
}
