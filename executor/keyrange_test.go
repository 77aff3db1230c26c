package executor_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// TestKeyRangesAgreeWithScans runs random range, IN, LIKE and ORDER BY
// ... LIMIT queries over random data with NULLs and duplicates, and
// compares each with the same query written so that no key can be used
// (`a + 0`, `c || ”`): a full scan and a sort. Half of the rounds run
// inside a transaction with uncommitted inserts, updates and deletes, so
// that lookups (both directions) merge the transaction's own writes.
func TestKeyRangesAgreeWithScans(t *testing.T) {
	seed := time.Now().UnixNano()
	if s := os.Getenv("NQDB_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("NQDB_SEED=%d", seed)
	rng := rand.New(rand.NewSource(seed))
	_, addr := testserver.Start(t, server.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("create table q (id int primary key, a int, b int, c text, d varchar(8))")
	exec("create index q_a on q (a)")
	exec("create index q_ab on q (a, b)")
	exec("create index q_c on q (c)")
	exec("create unique index q_d on q (d)")
	exec("create table p (x int, y int, z text, primary key (x, y))")
	words := []string{"", "a", "ab", "abc", "abd", "b", "ba", "bz", "c%", "c_d", "é", "éa", "\u00ff", "z"}
	randText := func() any {
		if rng.Intn(8) == 0 {
			return nil
		}
		return words[rng.Intn(len(words))] + strings.Repeat("x", rng.Intn(2))
	}
	randInt := func(n int) any {
		if rng.Intn(8) == 0 {
			return nil
		}
		return rng.Intn(n) - n/4
	}
	for id := 0; id < 300; id++ {
		var d any
		if rng.Intn(3) > 0 {
			d = fmt.Sprintf("d%03d", id)
		}
		exec("insert into q values ($1, $2, $3, $4, $5)", id*2, randInt(20), randInt(10), randText(), d)
	}
	for x := 0; x < 20; x++ {
		for y := 0; y < 10; y++ {
			if rng.Intn(3) > 0 {
				exec("insert into p values ($1, $2, $3)", x, y, randText())
			}
		}
	}

	// Conditions: each is the key form and the scan form of one
	// predicate over the column.
	intLit := func() string {
		switch rng.Intn(10) {
		case 0:
			return "null"
		case 1:
			return strconv.Itoa(rng.Intn(30)-8) + "::int8"
		case 2:
			return strconv.Itoa(rng.Intn(30)-8) + ".5"
		}
		return strconv.Itoa(rng.Intn(30) - 8)
	}
	textLit := func() string {
		if rng.Intn(10) == 0 {
			return "null"
		}
		w := words[rng.Intn(len(words))]
		return "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	intCond := func(col string) (string, string) {
		forced := "(" + col + " + 0)"
		var c string
		switch rng.Intn(6) {
		case 0:
			c = "%s = " + intLit()
		case 1:
			c = "%s " + []string{"<", "<=", ">", ">="}[rng.Intn(4)] + " " + intLit()
		case 2:
			c = "%s between " + intLit() + " and " + intLit()
		case 3:
			n := 1 + rng.Intn(4)
			items := make([]string, n)
			for i := range items {
				items[i] = intLit()
			}
			c = "%s in (" + strings.Join(items, ", ") + ")"
		case 4:
			c = intLit() + " " + []string{"<", "<=", ">", ">="}[rng.Intn(4)] + " %s"
		default:
			c = "%s > " + intLit() + " and %s < " + intLit()
		}
		return strings.ReplaceAll(c, "%s", col), strings.ReplaceAll(c, "%s", forced)
	}
	textCond := func(col string) (string, string) {
		forced := "(" + col + " || '')"
		var c string
		switch rng.Intn(5) {
		case 0:
			c = "%s = " + textLit()
		case 1:
			c = "%s " + []string{"<", "<=", ">", ">="}[rng.Intn(4)] + " " + textLit()
		case 2:
			p := words[rng.Intn(len(words))]
			c = "%s like '" + p + []string{"%", "_%", "", "\\%%"}[rng.Intn(4)] + "'"
		case 3:
			c = "%s in (" + textLit() + ", " + textLit() + ")"
		default:
			c = "%s between " + textLit() + " and " + textLit()
		}
		return strings.ReplaceAll(c, "%s", col), strings.ReplaceAll(c, "%s", forced)
	}
	type query struct{ key, scan string }
	gen := func() query {
		var w1, w2 string
		switch rng.Intn(7) {
		case 0:
			w1, w2 = intCond("id")
		case 1:
			w1, w2 = intCond("a")
		case 2:
			v := intLit()
			b1, b2 := intCond("b")
			w1, w2 = "a = "+v+" and "+b1, "(a + 0) = "+v+" and "+b2
		case 3:
			w1, w2 = textCond("c")
		case 4:
			w1, w2 = textCond("d")
		case 5:
			w1, w2 = intCond("a")
			i1, i2 := intCond("id")
			w1, w2 = w1+" and "+i1, w2+" and "+i2
		default:
			w1, w2 = "true", "true"
		}
		orders := [][2]string{
			{" order by id", " order by id + 0"},
			{" order by id desc", " order by id + 0 desc"},
			{" order by a, id", " order by a + 0, id + 0"},
			{" order by a desc, id desc", " order by a + 0 desc, id + 0 desc"},
			{" order by c desc, id desc", " order by c || '' desc, id + 0 desc"},
			{" order by d, id", " order by d || '', id + 0"},
		}
		order := orders[rng.Intn(len(orders))]
		limit := ""
		if rng.Intn(3) > 0 {
			limit = " limit " + strconv.Itoa(1+rng.Intn(20))
		}
		sel := "select id, a, b, c, d from q where "
		return query{key: sel + w1 + order[0] + limit, scan: sel + w2 + order[1] + limit}
	}
	genP := func() query {
		w1, w2 := intCond("x")
		if rng.Intn(2) == 0 {
			v := strconv.Itoa(rng.Intn(20))
			y1, y2 := intCond("y")
			w1, w2 = "x = "+v+" and "+y1, "(x + 0) = "+v+" and "+y2
		}
		order := [][2]string{{" order by x, y", " order by x + 0, y + 0"},
			{" order by x desc, y desc", " order by x + 0 desc, y + 0 desc"}}[rng.Intn(2)]
		limit := []string{"", " limit 5"}[rng.Intn(2)]
		return query{
			key:  "select x, y, z from p where " + w1 + order[0] + limit,
			scan: "select x, y, z from p where " + w2 + order[1] + limit,
		}
	}
	rows := func(q string) (string, error) {
		rs, err := conn.Query(ctx, q)
		if err != nil {
			return "", err
		}
		defer rs.Close()
		var b strings.Builder
		for rs.Next() {
			vals, err := rs.Values()
			if err != nil {
				return "", err
			}
			fmt.Fprintln(&b, vals...)
		}
		return b.String(), rs.Err()
	}
	check := func(q query) {
		t.Helper()
		got, err1 := rows(q.key)
		want, err2 := rows(q.scan)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s: %v\n%s: %v", q.key, err1, q.scan, err2)
		}
		if got != want {
			t.Fatalf("%s\n%s\nthrough the key:\n%s\nscanned:\n%s", q.key, q.scan, got, want)
		}
	}
	for round := 0; round < 4; round++ {
		inTxn := round%2 == 1
		if inTxn {
			exec("begin")
			for i := 0; i < 40; i++ {
				switch rng.Intn(3) {
				case 0:
					exec("insert into q values ($1, $2, $3, $4, null)", 1000+round*100+i, randInt(20), randInt(10), randText())
				case 1:
					exec("update q set a = $1, c = $2 where id = $3", randInt(20), randText(), 2*rng.Intn(300))
				default:
					exec("delete from q where id = $1", 2*rng.Intn(300))
				}
			}
		}
		for i := 0; i < 150; i++ {
			check(gen())
			if i%3 == 0 {
				check(genP())
			}
		}
		if inTxn {
			exec("rollback")
		}
	}
}
