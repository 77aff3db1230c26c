package planner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// estimateSetup makes two ANALYZEd tables shaped like TPC-H's customer
// and orders (cardinality.go's estimates are checked over them).
var estimateSetup = []string{
	`create table cust (c_custkey int primary key, c_nationkey int not null, c_seg text not null)`,
	`create table ord (o_orderkey int primary key, o_custkey int, o_date date not null, o_comment text not null)`,
	`create index ord_custkey_idx on ord (o_custkey)`,
	`insert into cust select i, i % 25, case when i % 5 = 0 then 'BUILDING' else 'OTHER' end from generate_series(1, 1500) i`,
	`insert into ord select i, case when i % 97 = 0 then null else (i * 7) % 1000 + 1 end, date '1995-01-01' + (i % 700),
		case when i % 90 = 0 then 'special requests' else 'plain' end from generate_series(1, 15000) i`,
	`create table note (n_id int, n_text text)`,
	`insert into note select i, case when i % 40 = 0 then 'a special note with requests ' || i else 'note ' || i end
		from generate_series(1, 8000) i`,
	`analyze cust`,
	`analyze ord`,
	`analyze note`,
	`set enable_bitmapscan = off`,
}

// TestEstimates compares our row estimates with PostgreSQL's over the
// same ANALYZEd tables: the first node of a type in each plan must
// estimate within a factor of PostgreSQL's figure.
func TestEstimates(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	ctx := context.Background()
	pg := pgoracle.Shared(t)
	admin, err := pgx.Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, s := range []string{"drop database if exists planner_estimates", "create database planner_estimates"} {
		if _, err := admin.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	pgConn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/planner_estimates?sslmode=disable", pg.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer pgConn.Close(ctx)
	_, addr := testserver.Start(t, server.Config{})
	ours, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close(ctx)
	for _, c := range []*pgx.Conn{pgConn, ours} {
		for _, s := range estimateSetup {
			if _, err := c.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	cases := []struct {
		name, query, node string
		factor            float64
	}{
		// Range pairs: one histogram range, not two fractions multiplied.
		{"range pair", `select * from ord where o_date >= date '1995-01-01' and o_date < date '1995-02-01'`, "Seq Scan", 1.5},
		{"between", `select * from ord where o_date between date '1995-03-01' and date '1995-05-01'`, "Seq Scan", 1.5},
		{"or", `select * from cust where c_nationkey = 3 or c_nationkey = 4`, "Seq Scan", 1.5},
		// The inner side of an index nested loop: rows per outer row.
		{"per loop", `select * from cust join ord on o_custkey = c_custkey where c_custkey < 20`, "Index Scan", 2},
		{"join", `select * from cust join ord on o_custkey = c_custkey where c_nationkey = 3`, "", 2},
		{"groups", `select o_custkey, count(*) from ord group by o_custkey`, "Aggregate", 1.5},
		{"left join groups", `select c_custkey, count(o_orderkey) from cust left join ord on c_custkey = o_custkey
			group by c_custkey`, "Aggregate", 1.5},
		{"right join", `select c_custkey, o_orderkey from cust left join ord on c_custkey = o_custkey`, "Hash Join", 2.5},
		// LIKE / NOT LIKE patterns (likesel.go): the common values that
		// match, the histogram's matching bounds, or the pattern's guess.
		{"not like common values", `select * from ord where o_comment not like '%special%requests%'`, "Seq Scan", 1.2},
		{"like common values", `select * from ord where o_comment like '%special%requests%'`, "Seq Scan", 1.5},
		{"not like histogram", `select * from note where n_text not like '%special%requests%'`, "Seq Scan", 1.2},
		{"like histogram", `select * from note where n_text like '%special%requests%'`, "Seq Scan", 2},
		{"not like prefix", `select * from note where n_text not like 'note 1%'`, "Seq Scan", 1.2},
		{"like inner wildcard", `select * from note where n_text like 'note _5%'`, "Seq Scan", 2},
		{"not like exact", `select * from ord where o_comment not like 'plain'`, "Seq Scan", 1.5},
		{"q13 join", `select c_custkey, o_orderkey from cust left join ord on c_custkey = o_custkey
			and o_comment not like '%special%requests%'`, "", 1.5},
	}
	for _, c := range cases {
		want := planRows(t, pgConn, c.query, c.node)
		got := planRows(t, ours, c.query, c.node)
		if want < 0 || got < 0 {
			t.Errorf("%s: no %s node (postgres %v, nqdb %v)", c.name, c.node, want, got)
			continue
		}
		if r := math.Max(got, 1) / math.Max(want, 1); r > c.factor || r < 1/c.factor {
			t.Errorf("%s: %s estimated %v rows, PostgreSQL %v", c.name, c.node, got, want)
		}
	}
}

// planRows is the Plan Rows of the first node of type node ("" = the
// root) in query's plan (pre-order), -1 when there is none.
func planRows(t *testing.T, c *pgx.Conn, query, node string) float64 {
	t.Helper()
	var doc string
	if err := c.QueryRow(context.Background(), "explain (format json) "+query).Scan(&doc); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(doc), &plans); err != nil || len(plans) == 0 {
		t.Fatalf("%s: %v in %s", query, err, doc)
	}
	var find func(p map[string]any) float64
	find = func(p map[string]any) float64 {
		if node == "" || p["Node Type"] == node {
			r, _ := p["Plan Rows"].(float64)
			return r
		}
		kids, _ := p["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				if r := find(m); r >= 0 {
					return r
				}
			}
		}
		return -1
	}
	return find(plans[0].Plan)
}
