"""The psycopg2 and psycopg 3 client programs of `make compat`.

Usage: compat_psycopg.py psycopg2|server|prepared|client host port prefix

psycopg2 binds parameters on the client. psycopg 3 runs in three modes:
"server" (the default cursor: server-side binding through the extended
protocol), "prepared" (prepare_threshold=0: every statement is a named
prepared statement) and "client" (ClientCursor: client-side binding, simple
protocol). The checks of compat/README.md are printed as normalised text for
the runner to compare between PostgreSQL and nqdb.
"""
import datetime
import decimal
import io
import sys
import uuid

MODE, HOST, PORT, PREFIX = sys.argv[1:5]

if MODE == "psycopg2":
    import psycopg2 as drv
    import psycopg2.extras as extras

    def connect():
        c = drv.connect(host=HOST, port=PORT, user="postgres", dbname="postgres")
        c.autocommit = True
        return c

    def jsonv(v):
        return extras.Json(v)

    jsonbv = jsonv

    def sqlstate(e):
        return e.pgcode
else:
    import psycopg as drv
    from psycopg.types.json import Json, Jsonb

    def connect():
        kw = {}
        if MODE == "client":
            kw["cursor_factory"] = drv.ClientCursor
        if MODE == "prepared":
            kw["prepare_threshold"] = 0
        return drv.connect(host=HOST, port=PORT, user="postgres", dbname="postgres", autocommit=True, **kw)

    jsonv, jsonbv = Json, Jsonb

    def sqlstate(e):
        return e.sqlstate


def fmt(v):
    if isinstance(v, (bytes, memoryview)):
        return "bytes=" + bytes(v).hex()
    return repr(v)


def err_text(e):
    code = sqlstate(e) if isinstance(e, drv.Error) else None
    if code:
        d = e.diag
        return "ERROR %s: %s detail=%r hint=%r position=%s" % (
            code, d.message_primary, d.message_detail or "", d.message_hint or "", d.statement_position or "")
    return "client error: %s: %s" % (type(e).__name__, str(e).strip())


def show(c, q, args=None):
    cur = c.cursor()
    try:
        cur.execute(q, args)
    except Exception as e:  # noqa: BLE001 - every error is output
        print(err_text(e))
        return None
    if cur.description is None:
        print("%s (%s rows)" % (cur.statusmessage, cur.rowcount))
        return cur
    cols = [d[0] for d in cur.description]
    print("columns:", ",".join(cols))
    rows = cur.fetchall()
    for r in rows:
        print("  " + " | ".join("%s=%s" % (n, fmt(v)) for n, v in zip(cols, r)))
    print("%s (%d rows)" % (cur.statusmessage, len(rows)))
    return cur


def do(c, q, args=None):
    cur = c.cursor()
    w = q.split()[0].upper()
    try:
        cur.execute(q, args)
        print("%s -> %s" % (w, cur.statusmessage))
    except Exception as e:  # noqa: BLE001
        print("%s -> %s" % (w, err_text(e)))


TYPES_DDL = """CREATE TABLE %s (id int4 PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8,
 c_numeric numeric(12,3), c_float4 float4, c_float8 float8, c_text text, c_varchar varchar(20), c_bool bool,
 c_bytea bytea, c_date date, c_ts timestamp, c_tstz timestamptz, c_interval interval, c_uuid uuid,
 c_json json, c_jsonb jsonb, c_intarr int[], c_textarr text[])"""
TYPE_COLS = ("id, c_int2, c_int4, c_int8, c_numeric, c_float4, c_float8, c_text, c_varchar, c_bool, c_bytea, "
             "c_date, c_ts, c_tstz, c_interval, c_uuid, c_json, c_jsonb, c_intarr, c_textarr")
PH = ", ".join(["%s"] * 20)


def row(i, n):
    ts = datetime.datetime(2024, 2, 29, 13, 45, 30, 123456)
    utc = datetime.timezone.utc
    return [i, -3 * n, 100000 * n, 9000000000 * n, decimal.Decimal("%d.125" % (12345 * n)), 1.5 * n, 2.25 * n,
            "text %d 'q' \"dq\" \\ é %%s" % n, "vc%d" % n, n % 2 == 0, bytes([0, 1, 2, 0xFE, n]),
            datetime.date(1999 + n, 12, 31), ts + datetime.timedelta(hours=n),
            (ts - datetime.timedelta(minutes=n)).replace(tzinfo=utc), datetime.timedelta(hours=n, seconds=90),
            uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a%02x" % n), jsonv({"a": n, "b": ["x", True, None]}),
            jsonbv({"k": str(n), "n": 1.5}), [1, n, -7], ["a", "b c", "", 'd"e', str(n)]]


def check_connect(c):
    show(c, "SELECT 1 AS one, 'x'::text AS t, current_database() AS db, current_user AS u")
    show(c, "SHOW client_encoding")
    print("server_encoding", c.info.encoding if MODE != "psycopg2" else c.encoding)


def print_description(cur):
    if cur is None:
        return
    for d in cur.description:
        print("desc", tuple(d))


def check_types(c):
    t = PREFIX + "types"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, TYPES_DDL % t)
    print_description(show(c, "SELECT %s FROM %s" % (TYPE_COLS, t)))


def check_crud(c):
    t = PREFIX + "crud"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, TYPES_DDL % t)
    for i in (1, 2, 3):
        do(c, "INSERT INTO %s (%s) VALUES (%s)" % (t, TYPE_COLS, PH), row(i, i))
    show(c, "SELECT %s FROM %s ORDER BY id" % (TYPE_COLS, t))
    show(c, "SELECT id, c_text FROM %s WHERE c_int8 = %%s AND c_bool = %%s" % t, (18000000000, True))
    show(c, "SELECT id FROM %s WHERE c_date > %%s AND c_tstz < %%s ORDER BY id" % t,
         (datetime.date(2000, 6, 1), datetime.datetime(2024, 2, 29, 13, 44, tzinfo=datetime.timezone.utc)))
    r = row(9, 7)
    do(c, "UPDATE %s SET c_text = %%s, c_float8 = %%s, c_bytea = %%s, c_ts = %%s, c_intarr = %%s, c_jsonb = %%s "
          "WHERE id = %%s" % t, (r[7], r[6], r[10], r[12], r[18], r[17], 2))
    show(c, "SELECT id, c_text, c_float8, c_bytea, c_ts, c_intarr, c_jsonb FROM %s WHERE id = %%s" % t, (2,))
    do(c, "DELETE FROM %s WHERE id = %%s" % t, (1,))
    show(c, "SELECT count(*) AS n, sum(c_int4) AS s FROM " + t)
    # executemany: psycopg 3 pipelines it over the extended protocol.
    cur = c.cursor()
    try:
        cur.executemany("UPDATE %s SET c_int2 = %%s WHERE id = %%s" % t, [(11, 2), (12, 3), (13, 4)])
        print("executemany rowcount", cur.rowcount)
    except Exception as e:  # noqa: BLE001
        print("executemany:", err_text(e))
    show(c, "SELECT id, c_int2 FROM %s ORDER BY id" % t)


def check_serial(c):
    t = PREFIX + "serial"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id serial PRIMARY KEY, name text NOT NULL, big bigserial)" % t)
    show(c, "INSERT INTO %s (name) VALUES (%%s) RETURNING id, name, big" % t, ("first",))
    show(c, "INSERT INTO %s (name) VALUES (%%s), (%%s) RETURNING *" % t, ("second", "third"))
    show(c, "UPDATE %s SET name = upper(name) WHERE id >= %%s RETURNING id, name" % t, (2,))
    show(c, "DELETE FROM %s WHERE id = %%s RETURNING *" % t, (1,))
    show(c, "SELECT * FROM %s ORDER BY id" % t)


def check_txn(c):
    """The driver's own transaction API (autocommit off)."""
    t = PREFIX + "txn"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id int PRIMARY KEY, v text)" % t)
    c.autocommit = False
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "committed"))
    c.commit()
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (2, "rolled back"))
    show(c, "SELECT count(*) FROM " + t)
    c.rollback()
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "duplicate"))
    show(c, "SELECT 1")
    c.rollback()
    show(c, "SELECT * FROM %s ORDER BY id" % t)
    c.commit()
    if MODE != "psycopg2":
        c.autocommit = True
        try:
            with c.transaction():
                do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (3, "block"))
                with c.transaction():  # a savepoint
                    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (4, "inner"))
                    raise drv.Rollback()
        except Exception as e:  # noqa: BLE001
            print("transaction block:", err_text(e))
        show(c, "SELECT * FROM %s ORDER BY id" % t)


def check_savepoint(c):
    t = PREFIX + "sp"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id int PRIMARY KEY, v text)" % t)
    do(c, "BEGIN")
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "a"))
    do(c, "SAVEPOINT s1")
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (2, "undone"))
    do(c, "ROLLBACK TO SAVEPOINT s1")
    do(c, "SAVEPOINT s2")
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "duplicate"))
    do(c, "ROLLBACK TO s2")
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (3, "c"))
    do(c, "RELEASE SAVEPOINT s2")
    do(c, "COMMIT")
    show(c, "SELECT * FROM %s ORDER BY id" % t)


def check_errors(c):
    t = PREFIX + "err"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id int PRIMARY KEY, u text UNIQUE)" % t)
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "x"))
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "y"))
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (2, "x"))
    show(c, "SELECT 1 AS still_usable")
    show(c, "SELEC 1")
    show(c, "SELECT * FROM %sno_such_table" % PREFIX)
    show(c, "SELECT no_such_column FROM " + t)
    show(c, "SELECT 1/0 AS z")
    show(c, "SELECT %s::int AS bad", ("not a number",))
    do(c, "BEGIN")
    do(c, "INSERT INTO %s VALUES (%%s, %%s)" % t, (1, "z"))
    show(c, "SELECT 1")
    do(c, "ROLLBACK")
    show(c, "SELECT id, u FROM %s ORDER BY id" % t)


def check_nulls(c):
    t = PREFIX + "nulls"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, TYPES_DDL % t)
    do(c, "INSERT INTO %s (%s) VALUES (%s)" % (t, TYPE_COLS, PH), [1] + [None] * 19)
    do(c, "INSERT INTO %s (id) VALUES (2)" % t)
    show(c, "SELECT %s FROM %s ORDER BY id" % (TYPE_COLS, t))
    show(c, "SELECT NULL::int AS a, NULL AS b, %s::text IS NULL AS c, coalesce(%s::int, 7) AS d", (None, None))
    show(c, "SELECT id FROM %s WHERE c_text IS NOT DISTINCT FROM %%s::text ORDER BY id" % t, (None,))


def check_metadata(c):
    t = PREFIX + "meta"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), "
          "at timestamptz, tags text[])" % t)
    print_description(show(c, "SELECT * FROM " + t))
    print_description(show(c, "SELECT id + 1 AS expr, 'x' || name, price * 2, length(name) AS len FROM " + t))
    show(c, "SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale "
            "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", (t,))


def check_copy(c):
    t = PREFIX + "copy"
    do(c, "DROP TABLE IF EXISTS " + t)
    do(c, "CREATE TABLE %s (id int PRIMARY KEY, name text, amount numeric, at timestamptz, flags bool[])" % t)
    data = "1\tone\t1.50\t2024-01-02 03:04:05+00\t{t,f}\n2\ttab\\there\t-0.001\t1970-01-01 00:00:00+00\t{}\n" \
           "3\t\\N\t\\N\t\\N\t\\N\n"
    cur = c.cursor()
    try:
        if MODE == "psycopg2":
            cur.copy_expert("COPY %s FROM STDIN" % t, io.StringIO(data))
            print("copy from:", cur.rowcount)
            out = io.StringIO()
            cur.copy_expert("COPY %s TO STDOUT WITH (FORMAT csv, HEADER)" % t, out)
            print("copy to:\n" + out.getvalue())
        else:
            with cur.copy("COPY %s FROM STDIN" % t) as cp:
                cp.write(data)
            print("copy from:", cur.rowcount)
            with cur.copy("COPY %s (id, name, amount, at, flags) FROM STDIN (FORMAT BINARY)" % t) as cp:
                cp.set_types(["int4", "text", "numeric", "timestamptz", "bool[]"])
                cp.write_row((4, "binary", decimal.Decimal("-12.5"),
                              datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc), [True, None]))
                cp.write_row((5, None, None, None, None))
            print("binary copy from:", cur.rowcount)
            with cur.copy("COPY %s (id, name) FROM STDIN" % t) as cp:
                cp.write_row((6, "row by row"))
            out = []
            with cur.copy("COPY %s TO STDOUT WITH (FORMAT csv, HEADER)" % t) as cp:
                for chunk in cp:
                    out.append(bytes(chunk).decode())
            print("copy to:\n" + "".join(out))
    except Exception as e:  # noqa: BLE001
        print("copy:", err_text(e))
    try:
        if MODE == "psycopg2":
            cur.copy_expert("COPY %s (id) FROM STDIN" % t, io.StringIO("9\n1\n"))
        else:
            with cur.copy("COPY %s (id) FROM STDIN" % t) as cp:
                cp.write("9\n1\n")
        print("duplicate copy: no error")
    except Exception as e:  # noqa: BLE001
        print("duplicate copy:", err_text(e))
    show(c, "SELECT * FROM %s ORDER BY id" % t)


CHECKS = [("connect", check_connect), ("types", check_types), ("crud", check_crud), ("serial", check_serial),
          ("txn", check_txn), ("savepoint", check_savepoint), ("errors", check_errors), ("nulls", check_nulls),
          ("metadata", check_metadata), ("copy", check_copy)]


def main():
    for name, fn in CHECKS:
        print("### " + name, flush=True)
        try:
            c = connect()
        except Exception as e:  # noqa: BLE001
            print("connect error:", err_text(e))
            continue
        try:
            fn(c)
        except Exception as e:  # noqa: BLE001
            print("check aborted:", err_text(e))
        finally:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
        sys.stdout.flush()


if __name__ == "__main__":
    main()
