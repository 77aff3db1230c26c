package types

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgoracle.StopShared()
	os.Exit(code)
}

// readLiterals reads testdata/<name>.txt: one input literal per line; '#'
// starts a comment line; a line starting with q: holds a Go-quoted string
// (for literals with surrounding spaces or control characters).
func readLiterals(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "q:") {
			s, err := strconv.Unquote(line[2:])
			if err != nil {
				t.Fatalf("%s: bad quoted line %q: %v", name, line, err)
			}
			line = s
		}
		out = append(out, line)
	}
	return out
}

// oracle is a connection to the shared PostgreSQL used for differential
// tests.
type oracle struct {
	conn *pgx.Conn
	ctx  context.Context
}

func newOracle(t *testing.T) *oracle {
	t.Helper()
	srv := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return &oracle{conn: conn, ctx: ctx}
}

func (o *oracle) exec(t *testing.T, sql string) {
	t.Helper()
	if _, err := o.conn.Exec(o.ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// pgResult is what PostgreSQL answered for one input.
type pgResult struct {
	text, bin []byte
	err       *pgconn.PgError
}

// eval runs sql with the literal as a text parameter and returns the first
// column in text and the second in binary.
func (o *oracle) eval(t *testing.T, sql string, params ...string) pgResult {
	t.Helper()
	vals := make([][]byte, len(params))
	oids := make([]uint32, len(params))
	for i, p := range params {
		vals[i] = []byte(p)
		oids[i] = OidText
	}
	res := o.conn.PgConn().ExecParams(o.ctx, sql, vals, oids, nil, []int16{0, 1}).Read()
	if res.Err != nil {
		var pe *pgconn.PgError
		if errors.As(res.Err, &pe) {
			return pgResult{err: pe}
		}
		t.Fatalf("%s: %v", sql, res.Err)
	}
	r := res.Rows[0]
	return pgResult{text: append([]byte{}, r[0]...), bin: append([]byte{}, r[1]...)}
}

// evalBinaryParam sends b as a binary parameter of type oid and returns the
// text output (or error).
func (o *oracle) evalBinaryParam(t *testing.T, sql string, oid uint32, b []byte) pgResult {
	t.Helper()
	res := o.conn.PgConn().ExecParams(o.ctx, sql, [][]byte{b}, []uint32{oid}, []int16{1}, []int16{0}).Read()
	if res.Err != nil {
		var pe *pgconn.PgError
		if errors.As(res.Err, &pe) {
			return pgResult{err: pe}
		}
		t.Fatalf("%s: %v", sql, res.Err)
	}
	return pgResult{text: append([]byte{}, res.Rows[0][0]...)}
}

// checkLiteral compares ParseText/AppendText/AppendBinary/ParseBinary with
// PostgreSQL for one literal.
func checkLiteral(t *testing.T, o *oracle, typ *T, sqlType, lit string, opts *FormatOpts) {
	t.Helper()
	want := o.eval(t, "SELECT $1::text::"+sqlType+", $1::text::"+sqlType, lit)
	got, err := ParseText(typ, lit, opts)
	if want.err != nil {
		if err == nil {
			t.Errorf("%s %q: PostgreSQL fails with %s %q, we accept: %q", sqlType, lit, want.err.Code, want.err.Message,
				AppendText(nil, typ, got, opts))
			return
		}
		pe := pgerror.From(err)
		if pe.Code != want.err.Code || pe.Message != want.err.Message {
			t.Errorf("%s %q: error\n got  %s %q\n want %s %q", sqlType, lit, pe.Code, pe.Message, want.err.Code, want.err.Message)
		} else if pe.Detail != want.err.Detail || pe.Hint != want.err.Hint {
			t.Errorf("%s %q: error detail/hint\n got  %q / %q\n want %q / %q", sqlType, lit, pe.Detail, pe.Hint, want.err.Detail, want.err.Hint)
		}
		return
	}
	if err != nil {
		t.Errorf("%s %q: PostgreSQL gives %q, we fail: %v", sqlType, lit, want.text, err)
		return
	}
	text := AppendText(nil, typ, got, opts)
	if !bytes.Equal(text, want.text) {
		t.Errorf("%s %q: text\n got  %q\n want %q", sqlType, lit, text, want.text)
	}
	bin, err := AppendBinary(nil, typ, got)
	if err != nil {
		t.Errorf("%s %q: AppendBinary: %v", sqlType, lit, err)
	} else if !bytes.Equal(bin, want.bin) {
		t.Errorf("%s %q: binary\n got  %x\n want %x", sqlType, lit, bin, want.bin)
	}
	back, err := ParseBinary(typ, want.bin)
	if err != nil {
		t.Errorf("%s %q: ParseBinary(%x): %v", sqlType, lit, want.bin, err)
		return
	}
	if text2 := AppendText(nil, typ, back, opts); !bytes.Equal(text2, want.text) {
		t.Errorf("%s %q: ParseBinary then text\n got  %q\n want %q", sqlType, lit, text2, want.text)
	}
	if Compare(typ, got, back) != 0 {
		t.Errorf("%s %q: Compare(parsed, binary round trip) != 0", sqlType, lit)
	}
}

// oracleFiles maps testdata files to the types they hold.
var oracleFiles = []struct {
	file, sqlType string
	typ           *T
}{
	{"int2", "int2", Int2},
	{"int4", "int4", Int4},
	{"int8", "int8", Int8},
	{"oid", "oid", Oid},
	{"bool", "bool", Bool},
	{"text", "text", Text},
	{"text", "varchar", Varchar},
	{"text", "bpchar", Bpchar},
	{"text", "name", Name},
	{"char", `"char"`, Char},
	{"float", "float8", Float8},
	{"float", "float4", Float4},
	{"numeric", "numeric", Numeric},
	{"bytea", "bytea", Bytea},
	{"uuid", "uuid", UUID},
	{"date", "date", Date},
	{"time", "time", Time},
	{"timestamp", "timestamp", Timestamp},
	{"timestamp", "timestamptz", TimestampTZ},
	{"interval", "interval", Interval},
	{"json", "json", JSON},
	{"json", "jsonb", JSONB},
	{"array_int4", "int4[]", Int4Array},
	{"array_text", "text[]", TextArray},
	{"array_misc_float8", "float8[]", Float8Array},
	{"array_misc_numeric", "numeric[]", NumericArray},
	{"array_misc_bool", "bool[]", BoolArray},
	{"array_misc_date", "date[]", DateArray},
	{"array_misc_jsonb", "jsonb[]", JSONBArray},
	{"array_misc_uuid", "uuid[]", UUIDArray},
	{"array_misc_bytea", "bytea[]", ByteaArray},
	{"array_misc_interval", "interval[]", IntervalArray},
	{"array_misc_timestamptz", "timestamptz[]", TimestampTZArray},
	{"array_misc_bpchar", "bpchar[]", BpcharArray},
	{"array_misc_varchar", "varchar[]", VarcharArray},
	{"array_misc_name", "name[]", NameArray},
	{"array_misc_oid", "oid[]", OidArray},
	{"array_misc_int2", "int2[]", Int2Array},
	{"array_misc_int8", "int8[]", Int8Array},
	{"array_misc_float4", "float4[]", Float4Array},
	{"array_misc_time", "time[]", TimeArray},
	{"array_misc_timestamp", "timestamp[]", TimestampArray},
	{"array_misc_json", "json[]", JSONArray},
	{"int2vector", "int2vector", Int2Vector},
	{"oidvector", "oidvector", OidVector},
	{"xid", "xid", Xid},
	{"xid", "cid", Cid},
	{"tid", "tid", Tid},
}

func TestOracleText(t *testing.T) {
	o := newOracle(t)
	for _, f := range oracleFiles {
		t.Run(f.sqlType, func(t *testing.T) {
			for _, lit := range readLiterals(t, f.file) {
				checkLiteral(t, o, f.typ, f.sqlType, lit, nil)
			}
		})
	}
}

// TestOracleTimeZones runs the timestamptz literals under other TimeZone
// settings.
func TestOracleTimeZones(t *testing.T) {
	o := newOracle(t)
	for _, zone := range []string{"Asia/Kolkata", "America/New_York", "Europe/Amsterdam", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("no zone data: %v", err)
		}
		o.exec(t, "SET TimeZone = '"+zone+"'")
		opts := &FormatOpts{Loc: loc, ExtraFloatDigits: 1}
		t.Run(zone, func(t *testing.T) {
			for _, lit := range readLiterals(t, "timestamp") {
				checkLiteral(t, o, TimestampTZ, "timestamptz", lit, opts)
			}
		})
	}
	o.exec(t, "SET TimeZone = 'UTC'")
}

// TestOracleFloatDigits checks float output for other extra_float_digits.
func TestOracleFloatDigits(t *testing.T) {
	o := newOracle(t)
	for _, efd := range []int{-15, -3, 0, 2, 3} {
		o.exec(t, "SET extra_float_digits = "+strconv.Itoa(efd))
		opts := &FormatOpts{Loc: time.UTC, ExtraFloatDigits: efd}
		t.Run(strconv.Itoa(efd), func(t *testing.T) {
			for _, lit := range readLiterals(t, "float") {
				checkLiteral(t, o, Float8, "float8", lit, opts)
				checkLiteral(t, o, Float4, "float4", lit, opts)
			}
		})
	}
	o.exec(t, "SET extra_float_digits = 1")
}

// TestOracleDateOrder reads ambiguous dates under each DateStyle order.
func TestOracleDateOrder(t *testing.T) {
	o := newOracle(t)
	defer o.exec(t, "SET DateStyle = 'ISO, MDY'")
	for _, c := range []struct {
		style string
		order DateOrder
	}{{"ISO, MDY", DateOrderMDY}, {"ISO, DMY", DateOrderDMY}, {"ISO, YMD", DateOrderYMD}} {
		o.exec(t, "SET DateStyle = '"+c.style+"'")
		opts := &FormatOpts{Loc: time.UTC, ExtraFloatDigits: 1, DateOrder: c.order}
		t.Run(c.style, func(t *testing.T) {
			for _, file := range []string{"dateorder", "date"} {
				for _, lit := range readLiterals(t, file) {
					checkLiteral(t, o, Date, "date", lit, opts)
					checkLiteral(t, o, Timestamp, "timestamp", lit, opts)
				}
			}
			for _, lit := range readLiterals(t, "timestamp") {
				checkLiteral(t, o, TimestampTZ, "timestamptz", lit, opts)
			}
		})
	}
}
