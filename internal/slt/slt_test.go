package slt

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
)

const selftest = "testdata/selftest.test"

func TestParseSelftest(t *testing.T) {
	data, err := os.ReadFile(selftest)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ParseBytes(data, selftest)
	if err != nil {
		t.Fatal(err)
	}
	count := map[Kind]int{}
	for _, r := range recs {
		count[r.Kind]++
	}
	if count[HashThreshold] != 1 || count[Halt] != 1 || count[Statement] != 6 {
		t.Errorf("record kinds = %v", count)
	}
	first := recs[1]
	if first.Kind != Statement || first.Line != 5 || first.SQL != "CREATE TABLE t(a INTEGER, b TEXT, c FLOAT)" {
		t.Errorf("first statement = %+v", first)
	}
	q := recs[3]
	if q.Kind != Query || q.Types != "ITR" || q.Sort != RowSort || len(q.Expected) != 12 || q.Hash != "" {
		t.Errorf("first query = %+v", q)
	}
	var hashed, labelled, conditional int
	for _, r := range recs {
		if r.Hash != "" {
			hashed++
		}
		if r.Label != "" {
			labelled++
		}
		if len(r.Conditions) > 0 {
			conditional++
			if r.Conditions[0].Engine == "postgresql" && r.Conditions[0].Skip == r.Runs(Engine) {
				t.Errorf("line %d: Runs disagrees with %+v", r.Line, r.Conditions)
			}
		}
	}
	if hashed != 4 || labelled != 1 || conditional != 3 {
		t.Errorf("hashed %d, labelled %d, conditional %d records", hashed, labelled, conditional)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"statement maybe\nSELECT 1\n",
		"statement ok\n",
		"query\nSELECT 1\n",
		"query X\nSELECT 1\n",
		"query I sideways\nSELECT 1\n",
		"query I\n----\n1\n",
		"skipif\nstatement ok\nSELECT 1\n",
		"skipif mysql\n\nstatement ok\nSELECT 1\n",
		"hash-threshold x\n",
		"frobnicate\n",
	} {
		if _, err := ParseBytes([]byte(in), "in"); err == nil {
			t.Errorf("%q parsed without error", in)
		} else if _, ok := err.(*ParseError); !ok {
			t.Errorf("%q: error %T %v, want *ParseError", in, err, err)
		}
	}
}

// roundTrip checks that formatting parsed records and parsing them again
// gives the same records.
func roundTrip(t *testing.T, name string, data []byte) {
	t.Helper()
	recs, err := ParseBytes(data, name)
	if err != nil {
		return
	}
	var buf bytes.Buffer
	if err := Format(&buf, recs); err != nil {
		t.Fatal(err)
	}
	again, err := ParseBytes(buf.Bytes(), name)
	if err != nil {
		t.Fatalf("reparsing the formatted records: %v\n%s", err, buf.String())
	}
	if len(again) != len(recs) {
		t.Fatalf("%d records, %d after a round trip", len(recs), len(again))
	}
	for i := range recs {
		a, b := recs[i], again[i]
		a.Line, b.Line = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("record %d changed in a round trip:\n%+v\n%+v", i, a, b)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	data, err := os.ReadFile(selftest)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, selftest, data)
	// The corpus' smallest file too, when it is there.
	if dir, err := FindCorpus("."); err == nil {
		data, err := os.ReadFile(filepath.Join(dir, "select1.test"))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, "select1.test", data)
	}
}

func TestAppendValue(t *testing.T) {
	for _, c := range []struct {
		typ  byte
		in   []byte
		want string
	}{
		{'I', nil, "NULL"},
		{'R', nil, "NULL"},
		{'T', nil, "NULL"},
		{'I', []byte("42"), "42"},
		{'I', []byte("-42"), "-42"},
		{'I', []byte("007"), "7"},
		{'I', []byte("7.9"), "7"},
		{'I', []byte("-7.9"), "-7"},
		{'I', []byte("-0.5"), "0"},
		{'I', []byte(".5"), "0"},
		{'I', []byte("123456789012345678901234.5"), "123456789012345678901234"},
		{'I', []byte("1e+20"), "100000000000000000000"},
		{'I', []byte("-2.5e-3"), "0"},
		{'I', []byte("t"), "1"},
		{'I', []byte("f"), "0"},
		{'I', []byte("abc"), "0"},
		{'I', []byte(""), "0"},
		{'I', []byte("NaN"), "0"},
		{'R', []byte("1"), "1.000"},
		{'R', []byte("-2.25"), "-2.250"},
		{'R', []byte("0.0005"), "0.001"},
		{'R', []byte("2.0004999"), "2.000"},
		{'R', []byte("1e3"), "1000.000"},
		{'R', []byte("abc"), "0.000"},
		{'R', []byte("NaN"), "nan"},
		{'R', []byte("-Infinity"), "-inf"},
		{'T', []byte(""), "(empty)"},
		{'T', []byte("a b"), "a b"},
		{'T', []byte("a\tb\n"), "a@b@"},
		{'T', []byte("é"), "@@"},
	} {
		if got := string(AppendValue(nil, c.typ, c.in)); got != c.want {
			t.Errorf("AppendValue(%c, %q) = %q, want %q", c.typ, c.in, got, c.want)
		}
	}
}

func TestSortValues(t *testing.T) {
	v := []string{"b", "2", "a", "10", "a", "1"}
	SortValues(v, 2, RowSort)
	if want := []string{"a", "1", "a", "10", "b", "2"}; !reflect.DeepEqual(v, want) {
		t.Errorf("rowsort = %q, want %q", v, want)
	}
	v = []string{"b", "2", "a", "10", "a", "1"}
	SortValues(v, 2, ValueSort)
	if want := []string{"1", "10", "2", "a", "a", "b"}; !reflect.DeepEqual(v, want) {
		t.Errorf("valuesort = %q, want %q", v, want)
	}
	v = []string{"b", "a"}
	SortValues(v, 1, NoSort)
	if want := []string{"b", "a"}; !reflect.DeepEqual(v, want) {
		t.Errorf("nosort = %q, want %q", v, want)
	}
}

func TestHash(t *testing.T) {
	// Reference values from md5sum(1) over the same lines.
	for _, c := range []struct {
		values []string
		want   string
	}{
		{[]string{"1", "2", "NULL", "(empty)"}, "ff3497fc9a1f7c72caea40c708dc3126"},
		{[]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, "ff38b5614d040caa939deaaf47961155"},
		{nil, "d41d8cd98f00b204e9800998ecf8427e"},
	} {
		if got := Hash(c.values); got != c.want {
			t.Errorf("Hash(%q) = %s, want %s", c.values, got, c.want)
		}
	}
}

func TestCompare(t *testing.T) {
	rec := &Record{Kind: Query, Expected: []string{"1", "2"}}
	if msg := Compare(rec, []string{"1", "2"}); msg != "" {
		t.Errorf("equal values: %s", msg)
	}
	for _, got := range [][]string{{"1"}, {"1", "3"}, {"1", "2", "3"}} {
		if Compare(rec, got) == "" {
			t.Errorf("%q compared equal to %q", got, rec.Expected)
		}
	}
	rec = &Record{Kind: Query, HashCount: 4, Hash: "ff3497fc9a1f7c72caea40c708dc3126"}
	if msg := Compare(rec, []string{"1", "2", "NULL", "(empty)"}); msg != "" {
		t.Errorf("matching hash: %s", msg)
	}
	if Compare(rec, []string{"1", "2", "NULL", ""}) == "" {
		t.Error("a different hash compared equal")
	}
}

// expectedFailures returns the lines of the records that follow a
// "# expect-fail" comment in a test file.
func expectedFailures(t *testing.T, path string) map[int]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "# expect-fail" {
			out[n+1] = true
		}
	}
	return out
}

// TestSelfTest runs testdata/selftest.test on PostgreSQL: the runner must
// pass what it should and fail exactly the records marked to fail.
func TestSelfTest(t *testing.T) {
	pg := pgoracle.Shared(t)
	ctx := context.Background()
	conn, err := Connect(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS t").ReadAll(); err != nil {
		t.Fatal(err)
	}
	res, err := RunFile(ctx, conn, selftest, selftest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := expectedFailures(t, selftest)
	got := map[int]bool{}
	for _, f := range res.Failures {
		got[f.Line] = true
		if !want[f.Line] {
			t.Errorf("unexpected failure %s", f)
		}
	}
	for line := range want {
		if !got[line] {
			t.Errorf("%s:%d passed; it must fail", selftest, line)
		}
	}
	// skipif postgresql, onlyif mysql and the record after halt.
	if res.Skipped != 3 {
		t.Errorf("skipped %d records, want 3", res.Skipped)
	}
	if res.Passed+res.Failed+res.Skipped != 24 {
		t.Errorf("%s", res.Summary())
	}
	t.Log(res.Summary())
}
