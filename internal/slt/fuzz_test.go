package slt

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary files to the parser: no panic, and whatever
// parses survives a Format/Parse round trip unchanged.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(selftest); err == nil {
		f.Add(data)
		// Each record on its own too, so mutations start small.
		for _, rec := range strings.Split(string(data), "\n\n") {
			f.Add([]byte(rec))
		}
	}
	f.Add([]byte("query I rowsort label-1\nSELECT 1\n----\n3 values hashing to abc\n"))
	f.Add([]byte("skipif mysql # comment\nonlyif postgresql\nstatement error\nSELECT 1/0\n\nhalt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, "fuzz", data)
	})
}

// FuzzAppendValue renders arbitrary values: no panic, I gives an integer,
// R a number with three decimals, T printable ASCII, NULL stays NULL.
func FuzzAppendValue(f *testing.F) {
	for _, s := range []string{"42", "-7.9", "1e+20", "t", "", "abc", "0.0005", "123456789012345678901234.5", "NaN", "-Infinity", "a\tb"} {
		for _, typ := range []byte("IRT") {
			f.Add(typ, []byte(s), false)
		}
	}
	f.Add(byte('I'), []byte(nil), true)
	f.Fuzz(func(t *testing.T, typ byte, v []byte, null bool) {
		if null {
			v = nil
		} else if v == nil {
			v = []byte{}
		}
		typ = "IRT"[int(typ)%3]
		got := string(AppendValue(nil, typ, v))
		if null {
			if got != "NULL" {
				t.Fatalf("NULL rendered %q", got)
			}
			return
		}
		switch typ {
		case 'I':
			if _, ok := decimalIntPart(got); !ok || strings.Contains(got, ".") || got == "-0" {
				t.Fatalf("I %q rendered %q", v, got)
			}
		case 'R':
			if got == "nan" || got == "inf" || got == "-inf" {
				return
			}
			dot := strings.IndexByte(got, '.')
			if _, err := strconv.ParseFloat(got, 64); err != nil || dot < 0 || len(got)-dot != 4 {
				t.Fatalf("R %q rendered %q", v, got)
			}
		case 'T':
			for _, c := range []byte(got) {
				if c < ' ' || c > '~' {
					t.Fatalf("T %q rendered %q", v, got)
				}
			}
		}
	})
}
