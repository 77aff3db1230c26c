// The pgjdbc client program of `make compat`, run as a source file:
//   java -cp postgresql.jar Compat.java default|prepared host port prefix
// "default" leaves prepareThreshold at 5 (unnamed statements first), "prepared"
// sets it to 1 so every statement becomes a named server-side prepared
// statement at once. The checks of compat/README.md are printed as normalised
// text for the runner to compare between PostgreSQL and nqdb.
import java.math.BigDecimal;
import java.sql.*;
import java.util.*;

public class Compat {
    static String prefix;

    interface Check { void run(Connection c) throws Exception; }

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        prefix = a[3];
        String url = "jdbc:postgresql://" + a[1] + ":" + a[2] + "/postgres?user=postgres&sslmode=disable"
            + (mode.equals("prepared") ? "&prepareThreshold=1" : "");
        LinkedHashMap<String, Check> checks = new LinkedHashMap<>();
        checks.put("connect", Compat::connect);
        checks.put("types", Compat::types);
        checks.put("crud", Compat::crud);
        checks.put("serial", Compat::serial);
        checks.put("txn", Compat::txn);
        checks.put("savepoint", Compat::savepoint);
        checks.put("errors", Compat::errors);
        checks.put("nulls", Compat::nulls);
        checks.put("batch", Compat::batch);
        checks.put("metadata", Compat::metadata);
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            System.out.println("### " + e.getKey());
            try (Connection c = DriverManager.getConnection(url)) {
                try {
                    e.getValue().run(c);
                } catch (Exception ex) {
                    System.out.println("check aborted: " + err(ex));
                }
            } catch (SQLException ex) {
                System.out.println("connect error: " + err(ex));
            }
            System.out.flush();
        }
    }

    static String err(Exception e) {
        if (e instanceof org.postgresql.util.PSQLException) {
            org.postgresql.util.ServerErrorMessage m = ((org.postgresql.util.PSQLException) e).getServerErrorMessage();
            if (m != null) {
                return "ERROR " + m.getSQLState() + ": " + m.getMessage() + " detail=" + q(m.getDetail())
                    + " hint=" + q(m.getHint()) + " position=" + m.getPosition();
            }
        }
        if (e instanceof SQLException) {
            return "client error " + ((SQLException) e).getSQLState() + ": " + e.getMessage();
        }
        return "client error: " + e;
    }

    static String q(String s) { return s == null ? "\"\"" : "\"" + s + "\""; }

    static String fmt(Object v) throws SQLException {
        if (v == null) return "NULL";
        if (v instanceof byte[]) return "bytes=" + HexFormat.of().formatHex((byte[]) v);
        if (v instanceof Array) {
            Array arr = (Array) v;
            Object[] items = (Object[]) arr.getArray();
            StringBuilder b = new StringBuilder("Array<" + arr.getBaseTypeName() + ">[");
            for (int i = 0; i < items.length; i++) b.append(i > 0 ? "," : "").append(fmt(items[i]));
            return b.append("]").toString();
        }
        return v.getClass().getSimpleName() + "=" + v;
    }

    static void printRS(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder h = new StringBuilder("columns:");
        for (int i = 1; i <= md.getColumnCount(); i++) h.append(i > 1 ? "," : " ").append(md.getColumnLabel(i));
        System.out.println(h);
        int n = 0;
        while (rs.next()) {
            n++;
            StringBuilder b = new StringBuilder(" ");
            for (int i = 1; i <= md.getColumnCount(); i++) {
                b.append(i > 1 ? " | " : " ").append(md.getColumnLabel(i)).append("=").append(fmt(rs.getObject(i)));
            }
            System.out.println(b);
        }
        System.out.println("(" + n + " rows)");
    }

    static PreparedStatement ps(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object v = args[i];
            if (v instanceof Object[] && ((Object[]) v).length == 2 && ((Object[]) v)[0] instanceof Integer) {
                // {java.sql.Types code, value}: setNull / setObject with a target type
                Object[] tv = (Object[]) v;
                if (tv[1] == null) p.setNull(i + 1, (Integer) tv[0]);
                else p.setObject(i + 1, tv[1], (Integer) tv[0]);
            } else {
                p.setObject(i + 1, v);
            }
        }
        return p;
    }

    static void show(Connection c, String sql, Object... args) {
        try (PreparedStatement p = ps(c, sql, args)) {
            if (p.execute()) {
                try (ResultSet rs = p.getResultSet()) { printRS(rs); }
            } else {
                System.out.println("update count " + p.getUpdateCount());
            }
        } catch (Exception e) {
            System.out.println(err(e));
        }
    }

    static void exec(Connection c, String sql, Object... args) {
        String w = sql.trim().split("\\s+")[0].toUpperCase();
        try (PreparedStatement p = ps(c, sql, args)) {
            p.execute();
            System.out.println(w + " -> " + p.getUpdateCount());
        } catch (Exception e) {
            System.out.println(w + " -> " + err(e));
        }
    }

    static final String TYPES_DDL = "CREATE TABLE %s (id int4 PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8,"
        + " c_numeric numeric(12,3), c_float4 float4, c_float8 float8, c_text text, c_varchar varchar(20), c_bool bool,"
        + " c_bytea bytea, c_date date, c_ts timestamp, c_tstz timestamptz, c_interval interval, c_uuid uuid,"
        + " c_json json, c_jsonb jsonb, c_intarr int[], c_textarr text[])";
    static final String TYPE_COLS = "id, c_int2, c_int4, c_int8, c_numeric, c_float4, c_float8, c_text, c_varchar, c_bool, c_bytea, c_date, c_ts, c_tstz, c_interval, c_uuid, c_json, c_jsonb, c_intarr, c_textarr";
    static final String PH = String.join(", ", Collections.nCopies(20, "?"));

    static Object[] row(Connection c, int id, int n) throws SQLException {
        java.time.LocalDateTime ts = java.time.LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123456000);
        return new Object[] {id, (short) (-3 * n), 100000 * n, 9000000000L * n, new BigDecimal((12345 * n) + ".125"),
            1.5f * n, 2.25 * n, "text " + n + " 'q' \"dq\" \\ é", "vc" + n, n % 2 == 0, new byte[] {0, 1, 2, (byte) 0xfe, (byte) n},
            java.time.LocalDate.of(1999 + n, 12, 31), ts.plusHours(n),
            ts.minusMinutes(n).atOffset(java.time.ZoneOffset.UTC),
            new org.postgresql.util.PGInterval(0, 0, 0, n, 1, 30),
            UUID.fromString(String.format("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a%02x", n)),
            new Object[] {Types.OTHER, "{\"a\": " + n + ", \"b\": [\"x\", true, null]}"},
            new Object[] {Types.OTHER, "{\"k\": \"" + n + "\", \"n\": 1.5}"},
            c.createArrayOf("int4", new Integer[] {1, n, -7}),
            c.createArrayOf("text", new String[] {"a", "b c", "", "d\"e", "" + n})};
    }

    static void connect(Connection c) throws Exception {
        show(c, "SELECT 1 AS one, 'x'::text AS t, current_database() AS db, current_user AS u");
        show(c, "SHOW client_encoding");
        DatabaseMetaData md = c.getMetaData();
        System.out.println("product " + md.getDatabaseProductName() + " autocommit " + c.getAutoCommit()
            + " isolation " + c.getTransactionIsolation());
    }

    static void printMeta(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            System.out.println("col " + md.getColumnName(i) + " type=" + md.getColumnType(i) + " typename="
                + md.getColumnTypeName(i) + " class=" + md.getColumnClassName(i) + " precision=" + md.getPrecision(i)
                + " scale=" + md.getScale(i) + " size=" + md.getColumnDisplaySize(i) + " nullable=" + md.isNullable(i)
                + " table=" + md.getTableName(i) + " autoinc=" + md.isAutoIncrement(i));
        }
    }

    static void types(Connection c) throws Exception {
        String t = prefix + "types";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, String.format(TYPES_DDL, t));
        try (PreparedStatement p = c.prepareStatement("SELECT " + TYPE_COLS + " FROM " + t);
             ResultSet rs = p.executeQuery()) {
            printMeta(rs.getMetaData());
        }
    }

    static void crud(Connection c) throws Exception {
        String t = prefix + "crud";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, String.format(TYPES_DDL, t));
        for (int i = 1; i <= 3; i++) exec(c, "INSERT INTO " + t + " (" + TYPE_COLS + ") VALUES (" + PH + ")", row(c, i, i));
        show(c, "SELECT " + TYPE_COLS + " FROM " + t + " ORDER BY id");
        show(c, "SELECT id, c_text FROM " + t + " WHERE c_int8 = ? AND c_bool = ?", 18000000000L, true);
        show(c, "SELECT id FROM " + t + " WHERE c_date > ? AND c_tstz < ? ORDER BY id",
            java.time.LocalDate.of(2000, 6, 1), java.time.OffsetDateTime.of(2024, 2, 29, 13, 44, 0, 0, java.time.ZoneOffset.UTC));
        Object[] r = row(c, 9, 7);
        exec(c, "UPDATE " + t + " SET c_text = ?, c_float8 = ?, c_bytea = ?, c_ts = ?, c_intarr = ?, c_jsonb = ? WHERE id = ?",
            r[7], r[6], r[10], r[12], r[18], r[17], 2);
        show(c, "SELECT id, c_text, c_float8, c_bytea, c_ts, c_intarr, c_jsonb FROM " + t + " WHERE id = ?", 2);
        exec(c, "DELETE FROM " + t + " WHERE id = ?", 1);
        show(c, "SELECT count(*) AS n, sum(c_int4) AS s FROM " + t);
        // Typed getters, which convert on the client from what the server sent.
        try (PreparedStatement p = c.prepareStatement("SELECT c_int2, c_numeric, c_date, c_ts, c_tstz, c_bool FROM " + t + " WHERE id = 3");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                System.out.println("getters " + rs.getShort(1) + " " + rs.getBigDecimal(2) + " " + rs.getDate(3) + " "
                    + rs.getTimestamp(4) + " " + rs.getObject(5, java.time.OffsetDateTime.class) + " " + rs.getBoolean(6)
                    + " " + rs.getString(2));
            }
        }
    }

    static void serial(Connection c) throws Exception {
        String t = prefix + "serial";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id serial PRIMARY KEY, name text NOT NULL, big bigserial)");
        show(c, "INSERT INTO " + t + " (name) VALUES (?) RETURNING id, name, big", "first");
        // getGeneratedKeys: pgjdbc appends RETURNING itself.
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t + " (name) VALUES (?), (?)", new String[] {"id"})) {
            p.setString(1, "second");
            p.setString(2, "third");
            System.out.println("inserted " + p.executeUpdate());
            try (ResultSet rs = p.getGeneratedKeys()) { printRS(rs); }
        } catch (SQLException e) {
            System.out.println(err(e));
        }
        show(c, "UPDATE " + t + " SET name = upper(name) WHERE id >= ? RETURNING id, name", 2);
        show(c, "DELETE FROM " + t + " WHERE id = ? RETURNING *", 1);
        show(c, "SELECT * FROM " + t + " ORDER BY id");
    }

    static void txn(Connection c) throws Exception {
        String t = prefix + "txn";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id int PRIMARY KEY, v text)");
        c.setAutoCommit(false);
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "committed");
        c.commit();
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 2, "rolled back");
        show(c, "SELECT count(*) FROM " + t);
        c.rollback();
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "duplicate");
        show(c, "SELECT 1");
        c.rollback();
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        show(c, "SELECT * FROM " + t + " ORDER BY id");
        show(c, "SHOW transaction_isolation");
        c.commit();
        c.setAutoCommit(true);
    }

    static void savepoint(Connection c) throws Exception {
        String t = prefix + "sp";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id int PRIMARY KEY, v text)");
        c.setAutoCommit(false);
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "a");
        Savepoint s1 = c.setSavepoint("s1");
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 2, "undone");
        c.rollback(s1);
        Savepoint s2 = c.setSavepoint();
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "duplicate");
        c.rollback(s2);
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 3, "c");
        c.releaseSavepoint(s2);
        c.commit();
        c.setAutoCommit(true);
        show(c, "SELECT * FROM " + t + " ORDER BY id");
    }

    static void errors(Connection c) throws Exception {
        String t = prefix + "err";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id int PRIMARY KEY, u text UNIQUE)");
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "x");
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 1, "y");
        exec(c, "INSERT INTO " + t + " VALUES (?, ?)", 2, "x");
        show(c, "SELECT 1 AS still_usable");
        show(c, "SELEC 1");
        show(c, "SELECT * FROM " + prefix + "no_such_table");
        show(c, "SELECT no_such_column FROM " + t);
        show(c, "SELECT 1/0 AS z");
        show(c, "SELECT ?::int AS bad", "not a number");
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1; SELEC 2");
        } catch (SQLException e) {
            System.out.println("statement: " + err(e));
        }
        show(c, "SELECT id, u FROM " + t + " ORDER BY id");
    }

    static void nulls(Connection c) throws Exception {
        String t = prefix + "nulls";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, String.format(TYPES_DDL, t));
        int[] sqlTypes = {Types.INTEGER, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC, Types.REAL, Types.DOUBLE,
            Types.VARCHAR, Types.VARCHAR, Types.BOOLEAN, Types.BINARY, Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE,
            Types.OTHER, Types.OTHER, Types.OTHER, Types.OTHER, Types.ARRAY, Types.ARRAY};
        Object[] args = new Object[20];
        args[0] = 1;
        for (int i = 1; i < 20; i++) args[i] = new Object[] {sqlTypes[i], null};
        exec(c, "INSERT INTO " + t + " (" + TYPE_COLS + ") VALUES (" + PH + ")", args);
        exec(c, "INSERT INTO " + t + " (id) VALUES (2)");
        show(c, "SELECT " + TYPE_COLS + " FROM " + t + " ORDER BY id");
        show(c, "SELECT NULL::int AS a, NULL AS b, ?::text IS NULL AS c, coalesce(?::int, 7) AS d",
            new Object[] {Types.VARCHAR, null}, new Object[] {Types.INTEGER, null});
    }

    static void batch(Connection c) throws Exception {
        String t = prefix + "batch";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id int PRIMARY KEY, v text, n numeric)");
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
            for (int i = 1; i <= 5; i++) {
                p.setInt(1, i);
                p.setString(2, "v" + i);
                p.setBigDecimal(3, new BigDecimal(i + ".5"));
                p.addBatch();
            }
            System.out.println("batch " + Arrays.toString(p.executeBatch()));
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
            for (int i : new int[] {6, 2, 7}) {
                p.setInt(1, i);
                p.setString(2, "dup");
                p.setNull(3, Types.NUMERIC);
                p.addBatch();
            }
            p.executeBatch();
            System.out.println("failing batch: no error");
        } catch (BatchUpdateException e) {
            System.out.println("failing batch: " + Arrays.toString(e.getUpdateCounts()) + " "
                + err(e.getNextException() != null ? e.getNextException() : e));
        }
        try (Statement s = c.createStatement()) {
            s.addBatch("UPDATE " + t + " SET v = 'u' WHERE id <= 2");
            s.addBatch("DELETE FROM " + t + " WHERE id = 5");
            System.out.println("statement batch " + Arrays.toString(s.executeBatch()));
        }
        show(c, "SELECT * FROM " + t + " ORDER BY id");
    }

    static void printMD(ResultSet rs, String... cols) throws SQLException {
        int n = 0;
        while (rs.next()) {
            n++;
            StringBuilder b = new StringBuilder(" ");
            for (String col : cols) b.append(" ").append(col).append("=").append(rs.getString(col));
            System.out.println(b);
        }
        System.out.println("(" + n + " rows)");
    }

    static void metadata(Connection c) throws Exception {
        String t = prefix + "meta";
        exec(c, "DROP TABLE IF EXISTS " + t);
        exec(c, "CREATE TABLE " + t + " (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), at timestamptz, tags text[], n serial)");
        exec(c, "CREATE UNIQUE INDEX " + t + "_name ON " + t + " (name)");
        exec(c, "CREATE INDEX " + t + "_price ON " + t + " (price, at)");
        DatabaseMetaData md = c.getMetaData();
        String[] steps = {"getTables", "getColumns", "getPrimaryKeys", "getIndexInfo", "getImportedKeys", "getSchemas"};
        for (String step : steps) {
            System.out.println(step + ":");
            try {
                switch (step) {
                    case "getTables":
                        try (ResultSet rs = md.getTables(null, "public", t + "%", new String[] {"TABLE"})) {
                            printMD(rs, "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS");
                        }
                        break;
                    case "getColumns":
                        try (ResultSet rs = md.getColumns(null, "public", t, "%")) {
                            printMD(rs, "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE",
                                "COLUMN_DEF", "ORDINAL_POSITION", "IS_NULLABLE", "IS_AUTOINCREMENT");
                        }
                        break;
                    case "getPrimaryKeys":
                        try (ResultSet rs = md.getPrimaryKeys(null, "public", t)) {
                            printMD(rs, "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME");
                        }
                        break;
                    case "getIndexInfo":
                        try (ResultSet rs = md.getIndexInfo(null, "public", t, false, false)) {
                            printMD(rs, "NON_UNIQUE", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC");
                        }
                        break;
                    case "getImportedKeys":
                        try (ResultSet rs = md.getImportedKeys(null, "public", t)) {
                            printMD(rs, "PKTABLE_NAME", "PKCOLUMN_NAME", "FKCOLUMN_NAME", "FK_NAME");
                        }
                        break;
                    case "getSchemas":
                        try (ResultSet rs = md.getSchemas(null, "public")) {
                            printMD(rs, "TABLE_SCHEM");
                        }
                        break;
                }
            } catch (SQLException e) {
                System.out.println(err(e));
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM " + t); ResultSet rs = p.executeQuery()) {
            printMeta(rs.getMetaData());
        } catch (SQLException e) {
            System.out.println(err(e));
        }
    }
}
