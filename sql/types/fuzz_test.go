package types

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzTypes are the types the fuzz targets pick from by index.
var fuzzTypes = []*T{Bool, Char, Int2, Int4, Int8, Oid, Float4, Float8, Numeric, Text, Varchar, Bpchar, Name, Bytea,
	UUID, Date, Time, Timestamp, TimestampTZ, Interval, JSON, JSONB, Int4Array, TextArray, Float8Array,
	NumericArray, DateArray, JSONBArray, ByteaArray, IntervalArray, TimestampTZArray, BoolArray, UUIDArray}

func fuzzTypeIndex(t *T) uint8 {
	for i, x := range fuzzTypes {
		if x == t {
			return uint8(i)
		}
	}
	return 0
}

// seedFromTestdata adds every oracle literal with its type.
func seedFromTestdata(f *testing.F, add func(typ uint8, lit string)) {
	for _, of := range oracleFiles {
		for _, lit := range readLiterals(f, of.file) {
			add(fuzzTypeIndex(of.typ), lit)
		}
	}
}

func FuzzParseText(f *testing.F) {
	seedFromTestdata(f, func(typ uint8, lit string) { f.Add(typ, lit) })
	f.Fuzz(func(t *testing.T, typIdx uint8, s string) {
		typ := fuzzTypes[int(typIdx)%len(fuzzTypes)]
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			// The server checks client text before any input function.
			return
		}
		d, err := ParseText(typ, s, nil)
		if err != nil {
			return
		}
		out := AppendText(nil, typ, d, nil)
		d2, err := ParseText(typ, string(out), nil)
		if err != nil {
			t.Fatalf("%s %q -> %q does not parse back: %v", typ.Name, s, out, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s %q -> %q parses back to a different value %q", typ.Name, s, out, AppendText(nil, typ, d2, nil))
		}
		if out2 := AppendText(nil, typ, d2, nil); !bytes.Equal(out, out2) {
			t.Fatalf("%s %q: output not stable: %q then %q", typ.Name, s, out, out2)
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
			t.Fatalf("%s %q: binary round trip changes the value to %q", typ.Name, s, AppendText(nil, typ, d3, nil))
		}
	})
}

func FuzzParseBinary(f *testing.F) {
	for _, line := range readLiterals(f, "binary") {
		parts := strings.Split(line, "\t")
		typ, _, err := ParseTypeName(parts[0])
		if err != nil {
			continue
		}
		b, err := hexDecode(parts[1])
		if err == nil {
			f.Add(fuzzTypeIndex(typ), b)
		}
	}
	f.Fuzz(func(t *testing.T, typIdx uint8, b []byte) {
		typ := fuzzTypes[int(typIdx)%len(fuzzTypes)]
		d, err := ParseBinary(typ, b)
		if err != nil {
			return
		}
		bin, err := AppendBinary(nil, typ, d)
		if err != nil {
			t.Fatalf("%s %x: AppendBinary: %v", typ.Name, b, err)
		}
		d2, err := ParseBinary(typ, bin)
		if err != nil {
			t.Fatalf("%s %x -> %x does not parse back: %v", typ.Name, b, bin, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s %x -> %x changes the value", typ.Name, b, bin)
		}
		out := AppendText(nil, typ, d, nil)
		d3, err := ParseText(typ, string(out), nil)
		if err != nil {
			t.Fatalf("%s %x: text %q does not parse: %v", typ.Name, b, out, err)
		}
		if Compare(typ, d, d3) != 0 {
			t.Fatalf("%s %x: text %q parses to a different value", typ.Name, b, out)
		}
	})
}

func FuzzParseTypeName(f *testing.F) {
	for _, n := range readLiterals(f, "typenames") {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, typmod, err := ParseTypeName(s)
		if err != nil {
			return
		}
		// The canonical spelling parses to the same type and typmod.
		name := FormatType(typ, typmod)
		typ2, typmod2, err := ParseTypeName(name)
		if err != nil || typ2 != typ || typmod2 != typmod {
			t.Fatalf("%q -> %q -> %v %d %v", s, name, typ2, typmod2, err)
		}
	})
}

// TestTestdataFilesUsed keeps the testdata directory and the tests in step.
func TestTestdataFilesUsed(t *testing.T) {
	used := map[string]bool{"casts": true, "typmod": true, "typenames": true, "binary": true, "dateorder": true, "aclitem": true}
	for _, of := range oracleFiles {
		used[of.file] = true
	}
	ents, _ := os.ReadDir("testdata")
	for _, e := range ents {
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if filepath.Ext(e.Name()) == ".txt" && !used[name] {
			t.Errorf("testdata/%s is not used by any test", e.Name())
		}
	}
}

// FuzzParseDateOrder parses date/timestamp text under each DateStyle order:
// no panic, and the ISO output reads back to the same value under every
// order (ISO output never depends on the order).
func FuzzParseDateOrder(f *testing.F) {
	for _, file := range []string{"dateorder", "date"} {
		for _, lit := range readLiterals(f, file) {
			f.Add(lit)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return
		}
		for _, typ := range []*T{Date, Timestamp} {
			for order := DateOrderMDY; order <= DateOrderYMD; order++ {
				o := &FormatOpts{DateOrder: order}
				d, err := ParseText(typ, s, o)
				if err != nil {
					continue
				}
				out := AppendText(nil, typ, d, o)
				for back := DateOrderMDY; back <= DateOrderYMD; back++ {
					d2, err := ParseText(typ, string(out), &FormatOpts{DateOrder: back})
					if err != nil || Compare(typ, d, d2) != 0 {
						t.Fatalf("%s %q (order %d) -> %q does not read back under order %d: %v", typ.Name, s, order, out, back, err)
					}
				}
			}
		}
	})
}
