package types

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// splitTab splits a testdata line "a<TAB>b<TAB>c"; q: quoting is not used
// here, values with tabs are not needed.
func splitTab(t *testing.T, line string, n int) []string {
	t.Helper()
	f := strings.Split(line, "\t")
	if len(f) != n {
		t.Fatalf("line %q: want %d tab-separated fields", line, n)
	}
	return f
}

func compareErr(t *testing.T, what string, err error, want *pgResult, got []byte) {
	t.Helper()
	if want.err != nil {
		if err == nil {
			t.Errorf("%s: PostgreSQL fails with %s %q, we give %q", what, want.err.Code, want.err.Message, got)
			return
		}
		pe := pgerror.From(err)
		if pe.Code != want.err.Code || pe.Message != want.err.Message {
			t.Errorf("%s: error\n got  %s %q\n want %s %q", what, pe.Code, pe.Message, want.err.Code, want.err.Message)
		} else if pe.Detail != want.err.Detail {
			t.Errorf("%s: error detail\n got  %q\n want %q", what, pe.Detail, want.err.Detail)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: PostgreSQL gives %q, we fail: %v", what, want.text, err)
		return
	}
	if !bytes.Equal(got, want.text) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want.text)
	}
}

// TestOracleCast checks explicit casts (testdata/casts.txt: from, to,
// input literal of the from type).
func TestOracleCast(t *testing.T) {
	o := newOracle(t)
	for _, line := range readLiterals(t, "casts") {
		f := splitTab(t, line, 3)
		from, _, err := ParseTypeName(f[0])
		if err != nil {
			t.Fatal(err)
		}
		to, _, err := ParseTypeName(f[1])
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("%q::%s::%s", f[2], f[0], f[1])
		want := o.eval(t, fmt.Sprintf("SELECT $1::text::%s::%s, 1", f[0], f[1]), f[2])
		d, err := ParseText(from, f[2], nil)
		if err != nil {
			t.Fatalf("%s: bad test input: %v", what, err)
		}
		var got []byte
		v, err := Cast(d, from, to, nil)
		if err == nil {
			got = AppendText(nil, to, v, nil)
		}
		compareErr(t, what, err, &want, got)
		if _, exp := CanCast(from, to); !exp && want.err == nil {
			t.Errorf("%s: CanCast says no explicit cast", what)
		}
	}
}

// TestOracleTypmod checks type names with modifiers (testdata/typmod.txt:
// type name, input literal) as explicit casts and as assignments, and
// format_type of the parsed name.
func TestOracleTypmod(t *testing.T) {
	o := newOracle(t)
	tables := map[string]string{}
	for _, line := range readLiterals(t, "typmod") {
		f := splitTab(t, line, 2)
		typ, typmod, err := ParseTypeName(f[0])
		if err != nil {
			t.Fatalf("%s: %v", f[0], err)
		}
		base := FormatType(typ, -1)
		// Explicit cast: text input, then the typmod.
		what := fmt.Sprintf("%q::%s", f[1], f[0])
		want := o.eval(t, fmt.Sprintf("SELECT $1::text::%s::%s, 1", base, f[0]), f[1])
		var got []byte
		d, err := ParseText(typ, f[1], nil)
		if err == nil {
			d, err = ApplyTypmod(typ, typmod, d, true)
		}
		if err == nil {
			got = AppendText(nil, typ, d, nil)
		}
		compareErr(t, what, err, &want, got)

		// Assignment into a column of the type.
		tbl, ok := tables[f[0]]
		if !ok {
			tbl = fmt.Sprintf("tm%d", len(tables))
			tables[f[0]] = tbl
			o.exec(t, fmt.Sprintf("CREATE TEMP TABLE %s (c %s)", tbl, f[0]))
			var ft string
			if err := o.conn.QueryRow(o.ctx, fmt.Sprintf("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '%s'::regclass AND attname = 'c'", tbl)).Scan(&ft); err != nil {
				t.Fatal(err)
			}
			if got := FormatType(typ, typmod); got != ft {
				t.Errorf("FormatType(%s) = %q, PostgreSQL says %q", f[0], got, ft)
			}
		}
		what = fmt.Sprintf("assign %q to %s", f[1], f[0])
		want = o.eval(t, fmt.Sprintf("INSERT INTO %s VALUES ($1::text::%s) RETURNING c, 1", tbl, base), f[1])
		got = nil
		d, err = ParseText(typ, f[1], nil)
		if err == nil {
			d, err = ApplyTypmod(typ, typmod, d, false)
		}
		if err == nil {
			got = AppendText(nil, typ, d, nil)
		}
		compareErr(t, what, err, &want, got)
	}
}

// TestOracleTypeNames checks ParseTypeName against PostgreSQL's parser
// for the names in testdata/typenames.txt.
func TestOracleTypeNames(t *testing.T) {
	o := newOracle(t)
	for _, name := range readLiterals(t, "typenames") {
		want := o.eval(t, fmt.Sprintf("SELECT format_type(pg_typeof(NULL::%s), NULL), 1", name))
		typ, typmod, err := ParseTypeName(name)
		var got []byte
		if err == nil {
			got = []byte(typ.SQLName)
		}
		compareErr(t, "type name "+name, err, &want, got)
		if err == nil && want.err == nil {
			// The typmod: cast a value and ask for its column type.
			var ft string
			if err := o.conn.QueryRow(o.ctx, fmt.Sprintf("CREATE TEMP VIEW tn AS SELECT NULL::%s AS c; SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tn'::regclass AND attname = 'c'", name)).Scan(&ft); err != nil {
				// Multi-statement in one QueryRow is not allowed; do it in two steps.
				o.exec(t, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW tn AS SELECT NULL::%s AS c", name))
				if err := o.conn.QueryRow(o.ctx, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tn'::regclass AND attname = 'c'").Scan(&ft); err != nil {
					t.Fatal(err)
				}
				o.exec(t, "DROP VIEW tn")
			}
			if got := FormatType(typ, typmod); got != ft {
				t.Errorf("type name %s: FormatType with typmod %d = %q, PostgreSQL %q", name, typmod, got, ft)
			}
		}
	}
}

// TestOracleBinaryInput sends binary parameters (testdata/binary.txt) to
// PostgreSQL and to ParseBinary and compares the text result or error.
func TestOracleBinaryInput(t *testing.T) {
	o := newOracle(t)
	for _, line := range readLiterals(t, "binary") {
		f := splitTab(t, line, 2)
		typ, _, err := ParseTypeName(f[0])
		if err != nil {
			t.Fatal(err)
		}
		b, err := hexDecode(f[1])
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		want := o.evalBinaryParam(t, "SELECT $1::"+f[0], typ.OID, b)
		if want.err != nil && strings.HasSuffix(want.err.Message, " in bind parameter 1") {
			// The server, not the receive function, adds the parameter.
			want.err.Message = strings.TrimSuffix(want.err.Message, " in bind parameter 1")
		}
		var got []byte
		d, err := ParseBinary(typ, b)
		if err == nil {
			got = AppendText(nil, typ, d, nil)
		}
		compareErr(t, "binary "+line, err, &want, got)
	}
}

func hexDecode(s string) ([]byte, error) {
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, ok1 := Unhex(s[2*i])
		lo, ok2 := Unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bad hex %q", s)
		}
		out[i] = hi<<4 | lo
	}
	return out, nil
}

// TestOracleCompare checks Compare against PostgreSQL's btree ordering for
// every pair of valid literals of each orderable type.
func TestOracleCompare(t *testing.T) {
	o := newOracle(t)
	for _, f := range oracleFiles {
		if f.typ.OID == OidJSON || f.typ.OID == OidJSONArray || f.sqlType == "name" || f.typ.OID == OidXid || f.typ.OID == OidCid {
			continue // json, xid and cid have no ordering; name sorts like text
		}
		t.Run(f.sqlType, func(t *testing.T) {
			var lits []string
			var vals []Datum
			for _, lit := range readLiterals(t, f.file) {
				if strings.ContainsAny(lit, "\x00") {
					continue
				}
				if f.typ.Elem == nil {
					switch strings.ToLower(strings.TrimSpace(lit)) {
					case "now", "today", "tomorrow", "yesterday":
						continue
					}
				}
				d, err := ParseText(f.typ, lit, nil)
				if err != nil {
					continue
				}
				lits = append(lits, lit)
				vals = append(vals, d)
			}
			arr := &Array{Elem: Text}
			for _, l := range lits {
				arr.Elems = append(arr.Elems, l)
			}
			param := string(AppendText(nil, TextArray, arr, nil))
			sql := fmt.Sprintf(`SELECT a.i, b.i, CASE WHEN a.v::%[1]s < b.v::%[1]s THEN -1 WHEN a.v::%[1]s = b.v::%[1]s THEN 0 ELSE 1 END
				FROM unnest($1::text[]) WITH ORDINALITY a(v, i), unnest($1::text[]) WITH ORDINALITY b(v, i)`, f.sqlType)
			rows, err := o.conn.Query(o.ctx, sql, param)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var i, j int64
				var c int
				if err := rows.Scan(&i, &j, &c); err != nil {
					t.Fatal(err)
				}
				if got := Compare(f.typ, vals[i-1], vals[j-1]); got != c {
					t.Errorf("Compare(%q, %q) = %d, PostgreSQL %d", lits[i-1], lits[j-1], got, c)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOracleCanCast compares CanCast with pg_cast (plus PostgreSQL's
// automatic I/O conversion casts to and from string types).
func TestOracleCanCast(t *testing.T) {
	o := newOracle(t)
	base := []*T{Bool, Int2, Int4, Int8, Oid, Float4, Float8, Numeric, Text, Varchar, Bpchar, Name, Bytea, Date,
		Time, Timestamp, TimestampTZ, Interval, UUID, JSON, JSONB, Int4Array, Int8Array, TextArray}
	ctx := map[[2]OID]string{}
	rows, err := o.conn.Query(o.ctx, "SELECT castsource::int8, casttarget::int8, castcontext::text FROM pg_cast")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s, d int64
		var c string
		if err := rows.Scan(&s, &d, &c); err != nil {
			t.Fatal(err)
		}
		ctx[[2]OID{OID(s), OID(d)}] = c
	}
	rows.Close()
	for _, from := range base {
		for _, to := range base {
			if from == to {
				continue
			}
			c, ok := ctx[[2]OID{from.OID, to.OID}]
			if !ok && from.Elem != nil && to.Elem != nil {
				c, ok = ctx[[2]OID{from.Elem.OID, to.Elem.OID}]
				if !ok && (isStringType(to.Elem) || isStringType(from.Elem)) {
					c, ok = "e", true
				}
			}
			if !ok && (isStringType(to) || isStringType(from)) {
				c, ok = "e", true
			}
			imp, exp := CanCast(from, to)
			if imp != (c == "i") || exp != ok {
				t.Errorf("CanCast(%s, %s) = %v, %v; pg_cast context %q (exists %v)", from.Name, to.Name, imp, exp, c, ok)
			}
		}
	}
}
