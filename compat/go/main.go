// Command go is the Go client program of `make compat`: the checks of
// compat/README.md run through pgx v5 (in the exec mode given by -mode) or
// lib/pq (database/sql), printed as normalised text for the runner to compare
// between PostgreSQL and nqdb.
//
// Usage: go -driver pgx|pq [-mode simple|exec|cache_statement|cache_describe|describe_exec] host port prefix
package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

var (
	driver = flag.String("driver", "pgx", "pgx or pq")
	mode   = flag.String("mode", "cache_statement", "pgx exec mode")
	host   string
	port   string
	prefix string
	ctx    = context.Background()
)

// conn is what a check needs of a driver.
type conn interface {
	exec(q string, args ...any) (string, error)
	query(q string, args ...any) ([]string, [][]any, error)
	close()
}

func main() {
	flag.Parse()
	if flag.NArg() != 3 {
		fmt.Fprintln(os.Stderr, "usage: go -driver pgx|pq [-mode m] host port prefix")
		os.Exit(2)
	}
	host, port, prefix = flag.Arg(0), flag.Arg(1), flag.Arg(2)
	checks := []struct {
		name string
		fn   func(c conn)
	}{
		{"connect", checkConnect}, {"types", checkTypes}, {"crud", checkCRUD}, {"serial", checkSerial},
		{"txn", checkTxn}, {"savepoint", checkSavepoint}, {"errors", checkErrors}, {"nulls", checkNulls},
		{"metadata", checkMetadata}, {"copy", checkCopy}, {"batch", checkBatch},
	}
	for _, ch := range checks {
		if *driver == "pq" && ch.name == "batch" {
			continue
		}
		fmt.Printf("### %s\n", ch.name)
		c, err := open()
		if err != nil {
			fmt.Println("connect error:", errText(err))
			continue
		}
		ch.fn(c)
		c.close()
	}
}

func open() (conn, error) {
	dsn := fmt.Sprintf("postgres://postgres@%s:%s/postgres?sslmode=disable", host, port)
	if *driver == "pq" {
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			return nil, err
		}
		c, err := db.Conn(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		return &pqConn{db: db, c: c}, nil
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = map[string]pgx.QueryExecMode{
		"simple": pgx.QueryExecModeSimpleProtocol, "exec": pgx.QueryExecModeExec,
		"cache_statement": pgx.QueryExecModeCacheStatement, "cache_describe": pgx.QueryExecModeCacheDescribe,
		"describe_exec": pgx.QueryExecModeDescribeExec,
	}[*mode]
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &pgxConn{c: c}, nil
}

// ---- pgx

type pgxConn struct {
	c      *pgx.Conn
	fields []pgconn.FieldDescription
}

func (p *pgxConn) exec(q string, args ...any) (string, error) {
	tag, err := p.c.Exec(ctx, q, args...)
	return tag.String(), err
}

func (p *pgxConn) query(q string, args ...any) ([]string, [][]any, error) {
	rows, err := p.c.Query(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var cols []string
	p.fields = rows.FieldDescriptions()
	for _, f := range p.fields {
		cols = append(cols, f.Name)
	}
	var out [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			return cols, out, err
		}
		out = append(out, v)
	}
	return cols, out, rows.Err()
}

func (p *pgxConn) close() { p.c.Close(ctx) }

// ---- lib/pq

type pqConn struct {
	db *sql.DB
	c  *sql.Conn
	ct []*sql.ColumnType
}

// pqArg adapts the Go values the checks use to what lib/pq can send.
func pqArg(a any) any {
	switch v := a.(type) {
	case []int32, []string:
		return pq.Array(v)
	case [16]byte:
		return fmt.Sprintf("%x-%x-%x-%x-%x", v[0:4], v[4:6], v[6:8], v[8:10], v[10:16])
	case time.Duration:
		return v.String()
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	case float32:
		return float64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	}
	return a
}

func (p *pqConn) exec(q string, args ...any) (string, error) {
	for i := range args {
		args[i] = pqArg(args[i])
	}
	r, err := p.c.ExecContext(ctx, q, args...)
	if err != nil {
		return "", err
	}
	n, _ := r.RowsAffected()
	return fmt.Sprintf("rows=%d", n), nil
}

func (p *pqConn) query(q string, args ...any) ([]string, [][]any, error) {
	for i := range args {
		args[i] = pqArg(args[i])
	}
	rows, err := p.c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	p.ct, _ = rows.ColumnTypes()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return cols, out, err
		}
		out = append(out, vals)
	}
	return cols, out, rows.Err()
}

func (p *pqConn) close() { p.c.Close(); p.db.Close() }

// ---- output

// errText is an error as the server sent it: SQLSTATE, message and the
// fields a client shows; other errors (driver-side) as their text.
func errText(err error) string {
	if err == nil {
		return "no error"
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("ERROR %s: %s detail=%q hint=%q position=%d", pe.Code, pe.Message, pe.Detail, pe.Hint, pe.Position)
	}
	var qe *pq.Error
	if errors.As(err, &qe) {
		return fmt.Sprintf("ERROR %s: %s detail=%q hint=%q position=%s", qe.Code, qe.Message, qe.Detail, qe.Hint, qe.Position)
	}
	return "client error: " + err.Error()
}

// format prints a value with its Go type, in a form that does not depend on
// map order or pointers.
func format(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return "time.Time=" + x.Format("2006-01-02T15:04:05.999999999Z07:00 MST")
	case []byte:
		return "[]byte=" + hex.EncodeToString(x)
	case pgtype.Numeric:
		b, _ := x.MarshalJSON()
		return "pgtype.Numeric=" + string(b)
	case [16]byte:
		return "uuid=" + hex.EncodeToString(x[:])
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return fmt.Sprintf("%T=%s", v, b)
	case pgtype.Interval:
		return fmt.Sprintf("pgtype.Interval=%dus/%dd/%dm", x.Microseconds, x.Days, x.Months)
	case string:
		return fmt.Sprintf("string=%q", x)
	}
	return fmt.Sprintf("%T=%v", v, v)
}

func show(c conn, q string, args ...any) {
	cols, rows, err := c.query(q, args...)
	if err != nil {
		fmt.Println(errText(err))
		return
	}
	fmt.Println("columns:", strings.Join(cols, ","))
	for _, r := range rows {
		var parts []string
		for i, v := range r {
			parts = append(parts, cols[i]+"="+format(v))
		}
		fmt.Println("  " + strings.Join(parts, " | "))
	}
	fmt.Printf("(%d rows)\n", len(rows))
}

func do(c conn, q string, args ...any) {
	tag, err := c.exec(q, args...)
	if err != nil {
		fmt.Printf("%s -> %s\n", firstWord(q), errText(err))
		return
	}
	fmt.Printf("%s -> %s\n", firstWord(q), tag)
}

func firstWord(q string) string {
	w, _, _ := strings.Cut(strings.TrimSpace(q), " ")
	return strings.ToUpper(w)
}

// ---- checks

func checkConnect(c conn) {
	show(c, "SELECT 1 AS one, 'x'::text AS t, current_database() AS db, current_user AS u")
	show(c, "SHOW client_encoding")
}

const typesDDL = `CREATE TABLE %[1]stypes (id int4 PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8,
 c_numeric numeric(12,3), c_float4 float4, c_float8 float8, c_text text, c_varchar varchar(20), c_bool bool,
 c_bytea bytea, c_date date, c_ts timestamp, c_tstz timestamptz, c_interval interval, c_uuid uuid,
 c_json json, c_jsonb jsonb, c_intarr int[], c_textarr text[])`

const typeCols = "id, c_int2, c_int4, c_int8, c_numeric, c_float4, c_float8, c_text, c_varchar, c_bool, c_bytea, c_date, c_ts, c_tstz, c_interval, c_uuid, c_json, c_jsonb, c_intarr, c_textarr"

func checkTypes(c conn) {
	do(c, "DROP TABLE IF EXISTS "+prefix+"types")
	do(c, fmt.Sprintf(typesDDL, prefix))
	show(c, "SELECT "+typeCols+" FROM "+prefix+"types")
	printFields(c)
}

// printFields prints what the driver knows of the last result's columns.
func printFields(c conn) {
	switch p := c.(type) {
	case *pgxConn:
		m := p.c.TypeMap()
		for _, f := range p.fields {
			name := "?"
			if t, ok := m.TypeForOID(f.DataTypeOID); ok {
				name = t.Name
			}
			fmt.Printf("field %s oid=%d type=%s attnum=%d size=%d typmod=%d format=%d\n",
				f.Name, f.DataTypeOID, name, f.TableAttributeNumber, f.DataTypeSize, f.TypeModifier, f.Format)
		}
	case *pqConn:
		for _, t := range p.ct {
			l, lok := t.Length()
			pr, sc, pok := t.DecimalSize()
			fmt.Printf("column %s type=%s length=%d,%v decimal=%d,%d,%v scan=%v\n",
				t.Name(), t.DatabaseTypeName(), l, lok, pr, sc, pok, t.ScanType())
		}
	}
}

func row(id int32, n int) []any {
	ts := time.Date(2024, 2, 29, 13, 45, 30, 123456000, time.UTC)
	num := pgtype.Numeric{}
	_ = num.Scan(fmt.Sprintf("%d.125", 12345*n))
	var numArg any = num
	if *driver == "pq" {
		numArg = fmt.Sprintf("%d.125", 12345*n)
	}
	return []any{id, int16(-3 * n), int32(100000 * n), int64(9000000000) * int64(n), numArg,
		float32(1.5 * float32(n)), 2.25 * float64(n), fmt.Sprintf("text %d 'q' \"dq\" \\ é", n), fmt.Sprintf("vc%d", n),
		n%2 == 0, []byte{0, 1, 2, 0xfe, byte(n)}, time.Date(1999+n, 12, 31, 0, 0, 0, 0, time.UTC),
		ts.Add(time.Duration(n) * time.Hour), ts.Add(-time.Duration(n) * time.Minute),
		time.Duration(n)*time.Hour + 90*time.Second, [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, byte(n)},
		map[string]any{"a": n, "b": []any{"x", true, nil}}, map[string]any{"k": fmt.Sprint(n), "n": 1.5},
		[]int32{1, int32(n), -7}, []string{"a", "b c", "", "d\"e", fmt.Sprint(n)}}
}

func placeholders(n int) string {
	var p []string
	for i := 1; i <= n; i++ {
		p = append(p, fmt.Sprintf("$%d", i))
	}
	return strings.Join(p, ", ")
}

func checkCRUD(c conn) {
	t := prefix + "crud"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, fmt.Sprintf(strings.Replace(typesDDL, "%[1]stypes", "%[1]scrud", 1), prefix))
	ins := "INSERT INTO " + t + " (" + typeCols + ") VALUES (" + placeholders(20) + ")"
	for i := 1; i <= 3; i++ {
		do(c, ins, row(int32(i), i)...)
	}
	show(c, "SELECT "+typeCols+" FROM "+t+" ORDER BY id")
	show(c, "SELECT id, c_text FROM "+t+" WHERE c_int8 = $1 AND c_bool = $2", int64(18000000000), true)
	show(c, "SELECT id FROM "+t+" WHERE c_date > $1 AND c_tstz < $2 ORDER BY id",
		time.Date(2000, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 13, 44, 0, 0, time.UTC))
	r := row(9, 7)
	do(c, "UPDATE "+t+" SET c_text = $1, c_float8 = $2, c_bytea = $3, c_ts = $4, c_intarr = $5, c_jsonb = $6 WHERE id = $7",
		r[7], r[6], r[10], r[12], r[18], r[17], int32(2))
	show(c, "SELECT id, c_text, c_float8, c_bytea, c_ts, c_intarr, c_jsonb FROM "+t+" WHERE id = $1", int32(2))
	do(c, "DELETE FROM "+t+" WHERE id = $1", int32(1))
	show(c, "SELECT count(*) AS n, sum(c_int4) AS s FROM "+t)
}

func checkSerial(c conn) {
	t := prefix + "serial"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id serial PRIMARY KEY, name text NOT NULL, big bigserial)")
	show(c, "INSERT INTO "+t+" (name) VALUES ($1) RETURNING id, name, big", "first")
	show(c, "INSERT INTO "+t+" (name) VALUES ($1), ($2) RETURNING *", "second", "third")
	show(c, "UPDATE "+t+" SET name = upper(name) WHERE id >= $1 RETURNING id, name", int32(2))
	show(c, "DELETE FROM "+t+" WHERE id = $1 RETURNING *", int32(1))
	show(c, "SELECT * FROM "+t+" ORDER BY id")
}

func checkTxn(c conn) {
	t := prefix + "txn"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id int PRIMARY KEY, v text)")
	do(c, "BEGIN")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "committed")
	do(c, "COMMIT")
	do(c, "BEGIN")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(2), "rolled back")
	show(c, "SELECT count(*) FROM "+t)
	do(c, "ROLLBACK")
	show(c, "SELECT * FROM "+t+" ORDER BY id")
}

func checkSavepoint(c conn) {
	t := prefix + "sp"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id int PRIMARY KEY, v text)")
	do(c, "BEGIN")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "a")
	do(c, "SAVEPOINT s1")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(2), "undone")
	do(c, "ROLLBACK TO SAVEPOINT s1")
	do(c, "SAVEPOINT s2")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "duplicate")
	do(c, "ROLLBACK TO s2")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(3), "c")
	do(c, "RELEASE SAVEPOINT s2")
	do(c, "COMMIT")
	show(c, "SELECT * FROM "+t+" ORDER BY id")
}

func checkErrors(c conn) {
	t := prefix + "err"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id int PRIMARY KEY, u text UNIQUE)")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "x")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "y")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(2), "x")
	show(c, "SELECT 1 AS still_usable")
	show(c, "SELEC 1")
	show(c, "SELECT * FROM "+prefix+"no_such_table")
	show(c, "SELECT no_such_column FROM "+t)
	show(c, "SELECT 1/0 AS z")
	show(c, "SELECT $1::int AS bad", "not a number")
	do(c, "BEGIN")
	do(c, "INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "z")
	show(c, "SELECT 1")
	do(c, "ROLLBACK")
	show(c, "SELECT id, u FROM "+t)
}

func checkNulls(c conn) {
	t := prefix + "nulls"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, fmt.Sprintf(strings.Replace(typesDDL, "%[1]stypes", "%[1]snulls", 1), prefix))
	args := []any{int32(1)}
	for i := 1; i < 20; i++ {
		args = append(args, nil)
	}
	do(c, "INSERT INTO "+t+" ("+typeCols+") VALUES ("+placeholders(20)+")", args...)
	do(c, "INSERT INTO "+t+" (id) VALUES (2)")
	show(c, "SELECT "+typeCols+" FROM "+t+" ORDER BY id")
	show(c, "SELECT NULL::int AS a, NULL AS b, $1::text IS NULL AS c, coalesce($2::int, 7) AS d", nil, nil)
	show(c, "SELECT id FROM "+t+" WHERE c_text IS NOT DISTINCT FROM $1 ORDER BY id", nil)
}

func checkMetadata(c conn) {
	t := prefix + "meta"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), at timestamptz, tags text[])")
	show(c, "SELECT * FROM "+t)
	printFields(c)
	show(c, "SELECT id + 1 AS expr, 'x' || name, price * 2, length(name) AS len FROM "+t)
	printFields(c)
	show(c, "SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", t)
}

func checkCopy(c conn) {
	t := prefix + "copy"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id int PRIMARY KEY, name text, amount numeric, at timestamptz, flags bool[])")
	rows := [][]any{
		{int32(1), "one", "1.50", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), []bool{true, false}},
		{int32(2), "tab\there, newline\n", "-0.001", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), []bool{}},
		{int32(3), nil, nil, nil, nil},
	}
	switch p := c.(type) {
	case *pgxConn:
		for _, r := range rows {
			if r[2] != nil {
				var n pgtype.Numeric
				_ = n.Scan(r[2])
				r[2] = n
			}
		}
		n, err := p.c.CopyFrom(ctx, pgx.Identifier{t}, []string{"id", "name", "amount", "at", "flags"}, pgx.CopyFromRows(rows))
		if err != nil {
			fmt.Println("copy from:", errText(err))
		} else {
			fmt.Println("copied", n)
		}
		var buf strings.Builder
		tag, err := p.c.PgConn().CopyTo(ctx, &buf, "COPY "+t+" TO STDOUT WITH (FORMAT csv, HEADER)")
		if err != nil {
			fmt.Println("copy to:", errText(err))
		} else {
			fmt.Printf("copy to: %s\n%s", tag, buf.String())
		}
	case *pqConn:
		if _, err := p.c.ExecContext(ctx, "BEGIN"); err != nil {
			fmt.Println(errText(err))
			return
		}
		st, err := p.c.PrepareContext(ctx, pq.CopyIn(t, "id", "name", "amount", "at", "flags"))
		if err != nil {
			fmt.Println("copy in:", errText(err))
			return
		}
		for _, r := range rows {
			if b, ok := r[4].([]bool); ok {
				r[4] = pq.BoolArray(b)
			}
			if _, err := st.ExecContext(ctx, r...); err != nil {
				fmt.Println("copy row:", errText(err))
			}
		}
		if _, err := st.ExecContext(ctx); err != nil {
			fmt.Println("copy end:", errText(err))
		}
		st.Close()
		do(c, "COMMIT")
	}
	show(c, "SELECT * FROM "+t+" ORDER BY id")
	// COPY with a duplicate key fails as a whole and leaves the connection usable.
	if p, ok := c.(*pgxConn); ok {
		_, err := p.c.CopyFrom(ctx, pgx.Identifier{t}, []string{"id"}, pgx.CopyFromRows([][]any{{int32(9)}, {int32(1)}}))
		fmt.Println("duplicate copy:", errText(err))
		show(c, "SELECT count(*) FROM "+t)
	}
}

func checkBatch(c conn) {
	p := c.(*pgxConn)
	t := prefix + "batch"
	do(c, "DROP TABLE IF EXISTS "+t)
	do(c, "CREATE TABLE "+t+" (id int PRIMARY KEY, v text)")
	b := &pgx.Batch{}
	for i := 1; i <= 3; i++ {
		b.Queue("INSERT INTO "+t+" VALUES ($1, $2)", int32(i), fmt.Sprint("v", i))
	}
	b.Queue("SELECT id, v FROM "+t+" WHERE id >= $1 ORDER BY id", int32(2))
	b.Queue("UPDATE "+t+" SET v = $1 WHERE id = $2", "changed", int32(1))
	res := p.c.SendBatch(ctx, b)
	for i := 0; i < b.Len(); i++ {
		if i == 3 {
			rows, err := res.Query()
			if err != nil {
				fmt.Println("batch query:", errText(err))
				continue
			}
			for rows.Next() {
				v, _ := rows.Values()
				fmt.Println("  batch row", format(v[0]), format(v[1]))
			}
			rows.Close()
			continue
		}
		tag, err := res.Exec()
		if err != nil {
			fmt.Println("batch exec:", errText(err))
		} else {
			fmt.Println("batch exec:", tag.String())
		}
	}
	if err := res.Close(); err != nil {
		fmt.Println("batch close:", errText(err))
	}
	// A failing statement in the middle of a batch: the batch is one implicit
	// transaction, so nothing of it stays.
	b = &pgx.Batch{}
	b.Queue("INSERT INTO "+t+" VALUES ($1, $2)", int32(10), "ten")
	b.Queue("INSERT INTO "+t+" VALUES ($1, $2)", int32(1), "dup")
	b.Queue("INSERT INTO "+t+" VALUES ($1, $2)", int32(11), "eleven")
	err := p.c.SendBatch(ctx, b).Close()
	fmt.Println("failing batch:", errText(err))
	show(c, "SELECT id, v FROM "+t+" ORDER BY id")
}
