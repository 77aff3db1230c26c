package types

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// TestOracleAclitem compares aclitem input and output with PostgreSQL in
// text only (aclitem has no send/receive functions).
func TestOracleAclitem(t *testing.T) {
	o := newOracle(t)
	for _, lit := range readLiterals(t, "aclitem") {
		res := o.conn.PgConn().ExecParams(o.ctx, "SELECT $1::text::aclitem", [][]byte{[]byte(lit)},
			[]uint32{OidText}, nil, nil).Read()
		got, err := ParseText(Aclitem, lit, nil)
		if res.Err != nil {
			if err == nil {
				t.Errorf("aclitem %q: PostgreSQL fails (%v), we accept %q", lit, res.Err, got)
				continue
			}
			if !strings.Contains(res.Err.Error(), pgerror.From(err).Message) {
				t.Errorf("aclitem %q: error\n got  %v\n want %v", lit, err, res.Err)
			}
			continue
		}
		if err != nil {
			t.Errorf("aclitem %q: PostgreSQL gives %q, we fail: %v", lit, res.Rows[0][0], err)
			continue
		}
		if out := AppendText(nil, Aclitem, got, nil); !bytes.Equal(out, res.Rows[0][0]) {
			t.Errorf("aclitem %q: got %q, want %q", lit, out, res.Rows[0][0])
		}
	}
}

// TestOracleLowerBounds checks arrays whose lower bound is not 1: explicit
// bounds in array input and vectors cast to arrays, in text and binary,
// and the comparison rule that tells them from 1-based arrays.
func TestOracleLowerBounds(t *testing.T) {
	o := newOracle(t)
	for _, c := range []struct {
		lit, sqlType string
		typ          *T
	}{
		{"[0:1]={1,2}", "int2[]", Int2Array},
		{"[-3:-2]={a,b}", "text[]", TextArray},
		{"[5:5]={7}", "int4[]", Int4Array},
		{"[3]={1,2,3}", "int4[]", Int4Array},
		{"[1:3]={1,2}", "int4[]", Int4Array},
		{"[2:1]={}", "int4[]", Int4Array},
		{"[3:1]={}", "int4[]", Int4Array},
		{"[a:1]={1}", "int4[]", Int4Array},
		{"[1:b]={1}", "int4[]", Int4Array},
	} {
		checkLiteral(t, o, c.typ, c.sqlType, c.lit, nil)
	}
	// int2vector -> int2[] keeps the bound; array comparison sees it.
	for _, c := range []struct{ sql, want string }{
		{"SELECT ('1 2'::int2vector)::int2[]::text", "[0:1]={1,2}"},
		{"SELECT (('1 2'::int2vector)::int2[] = '{1,2}'::int2[])::text", "false"},
		{"SELECT ('[0:1]={1,2}'::int2[] < '{1,2}'::int2[])::text", "true"},
	} {
		var s string
		if err := o.conn.QueryRow(o.ctx, c.sql).Scan(&s); err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if s != c.want {
			t.Fatalf("%s: PostgreSQL says %q; this test's expectation %q is stale", c.sql, s, c.want)
		}
	}
	v, _ := ParseText(Int2Vector, "1 2", nil)
	arr, err := Cast(v, Int2Vector, Int2Array, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(AppendText(nil, Int2Array, arr, nil)); got != "[0:1]={1,2}" {
		t.Errorf("int2vector -> int2[] prints %q", got)
	}
	one, _ := ParseText(Int2Array, "{1,2}", nil)
	if Compare(Int2Array, arr, one) >= 0 {
		t.Errorf("[0:1]={1,2} does not sort below {1,2}")
	}
}

func TestCatalogCasts(t *testing.T) {
	for _, c := range []struct {
		from, to           *T
		implicit, explicit bool
	}{
		{Int2Vector, Int2Array, true, true},
		{OidVector, OidArray, true, true},
		{Int2Array, Int2Vector, false, false},
		{Int2Vector, Text, false, true},
		{Int2Vector, Varchar, false, true},
		{Text, Int2Vector, false, true},
		{PgNodeTree, Text, true, true},
		{Xid, Text, false, true},
		{Xid, Int4, false, false},
		{AclitemArray, TextArray, false, true},
	} {
		imp, exp := CanCast(c.from, c.to)
		if imp != c.implicit || exp != c.explicit {
			t.Errorf("CanCast(%s, %s) = %v, %v; want %v, %v", c.from.Name, c.to.Name, imp, exp, c.implicit, c.explicit)
		}
	}
	v := NewVector(Int2Vector, []int64{2, 3})
	s, err := Cast(v, Int2Vector, Varchar, nil)
	if err != nil || s != "2 3" {
		t.Errorf("int2vector::varchar = %v, %v; want \"2 3\"", s, err)
	}
}

func TestRowTypeOIDs(t *testing.T) {
	for _, rel := range []OID{16384, 16385, 1<<29 - 1} {
		for _, isArr := range []bool{false, true} {
			oid := RowTypeOID(rel)
			if isArr {
				oid = RowTypeArrayOID(rel)
			}
			if oid < 1<<30 || oid >= 1<<31 {
				t.Errorf("row type OID %d of %d is outside [1<<30, 1<<31)", oid, rel)
			}
			r, a, ok := RowTypeRelation(oid)
			if !ok || r != rel || a != isArr {
				t.Errorf("RowTypeRelation(%d) = %d, %v, %v; want %d, %v", oid, r, a, ok, rel, isArr)
			}
		}
	}
	for _, oid := range []OID{16384, 1 << 31, 3 << 30, 3<<30 | 16384} {
		if _, _, ok := RowTypeRelation(oid); ok {
			t.Errorf("RowTypeRelation(%d) claims a row type", oid)
		}
	}
}

// vectorFuzzTypes are the types FuzzCatalogText picks from.
var vectorFuzzTypes = []*T{Int2Vector, OidVector, Xid, Cid, Tid, Aclitem, Int2VectorArray, Int2Array}

// FuzzCatalogText feeds text to the catalog types' input functions (and
// to int2[], for explicit array bounds): no panic, and what parses prints
// back to text (and binary, where the type has one) that reads back to the
// same value.
func FuzzCatalogText(f *testing.F) {
	for i, file := range []string{"int2vector", "oidvector", "xid", "xid", "tid", "aclitem"} {
		for _, lit := range readLiterals(f, file) {
			f.Add(uint8(i), lit)
		}
	}
	f.Add(uint8(6), `{"1 2","3"}`)
	f.Add(uint8(7), "[0:1]={1,2}")
	f.Add(uint8(7), "[-2147483648:-2147483647]={1,2}")
	f.Fuzz(func(t *testing.T, typIdx uint8, s string) {
		typ := vectorFuzzTypes[int(typIdx)%len(vectorFuzzTypes)]
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return
		}
		d, err := ParseText(typ, s, nil)
		if err != nil {
			if pgerror.From(err) == nil {
				t.Fatalf("%s %q: not a *pgerror.Error: %v", typ.Name, s, err)
			}
			return
		}
		out := AppendText(nil, typ, d, nil)
		d2, err := ParseText(typ, string(out), nil)
		if err != nil {
			t.Fatalf("%s %q -> %q does not parse back: %v", typ.Name, s, out, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s %q -> %q reads back as %q", typ.Name, s, out, AppendText(nil, typ, d2, nil))
		}
		if !HasBinary(typ) {
			return
		}
		bin, err := AppendBinary(nil, typ, d)
		if err != nil {
			t.Fatalf("%s %q: AppendBinary: %v", typ.Name, s, err)
		}
		d3, err := ParseBinary(typ, bin)
		if err != nil {
			t.Fatalf("%s %q: binary %x does not parse back: %v", typ.Name, s, bin, err)
		}
		if Compare(typ, d, d3) != 0 {
			t.Fatalf("%s %q: binary round trip gives %q", typ.Name, s, AppendText(nil, typ, d3, nil))
		}
	})
}

func BenchmarkInt2VectorText(b *testing.B) {
	v := NewVector(Int2Vector, []int64{1, 2, 3, 4})
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendText(buf[:0], Int2Vector, v, nil)
	}
}

func BenchmarkInt2VectorParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseText(Int2Vector, "1 2 3 4", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCatalogBinary feeds bytes to the catalog types' receive functions:
// no panic, errors are *pgerror.Error, and what is accepted sends and
// receives back to the same value.
func FuzzCatalogBinary(f *testing.F) {
	for i, file := range []string{"int2vector", "oidvector", "xid", "xid", "tid"} {
		typ := vectorFuzzTypes[i]
		for _, lit := range readLiterals(f, file) {
			d, err := ParseText(typ, lit, nil)
			if err != nil {
				continue
			}
			b, err := AppendBinary(nil, typ, d)
			if err != nil {
				f.Fatalf("%s %q: %v", typ.Name, lit, err)
			}
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, typIdx uint8, b []byte) {
		typ := vectorFuzzTypes[int(typIdx)%5]
		d, err := ParseBinary(typ, b)
		if err != nil {
			if pgerror.From(err) == nil {
				t.Fatalf("%s %x: not a *pgerror.Error: %v", typ.Name, b, err)
			}
			return
		}
		out, err := AppendBinary(nil, typ, d)
		if err != nil {
			t.Fatalf("%s %x: AppendBinary: %v", typ.Name, b, err)
		}
		d2, err := ParseBinary(typ, out)
		if err != nil {
			t.Fatalf("%s %x -> %x does not read back: %v", typ.Name, b, out, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s %x: round trip changes the value", typ.Name, b)
		}
		if txt := AppendText(nil, typ, d, nil); IsVector(typ) {
			if _, err := ParseText(typ, string(txt), nil); err != nil {
				t.Fatalf("%s %x: text %q does not parse: %v", typ.Name, b, txt, err)
			}
		}
	})
}
