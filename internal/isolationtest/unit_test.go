package isolationtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rec builds a record from "session:name:result" triples; a result
// "ERROR xxxxx" sets the SQLSTATE.
func rec(steps ...string) []stepRec {
	var out []stepRec
	for _, s := range steps {
		parts := strings.SplitN(s, ":", 3)
		r := stepRec{session: parts[0], name: parts[1], result: parts[2]}
		if code, ok := strings.CutPrefix(parts[2], "ERROR "); ok {
			r.state = code
		}
		out = append(out, r)
	}
	return out
}

// TestCompare checks the comparison rules, above all that SERIALIZABLE's
// tolerance never lets an anomaly through.
func TestCompare(t *testing.T) {
	pgSkew := rec("s1:c1:COMMIT", "s2:off2:ERROR 40001", "s2:c2:ROLLBACK")
	tests := []struct {
		name  string
		level string
		pg    []stepRec
		ours  []stepRec
		ok    bool
	}{
		{"equal", "read committed", pgSkew, pgSkew, true},
		{"differs at read committed", "read committed", rec("s1:r1:SELECT 1 (10)"), rec("s1:r1:SELECT 1 (11)"), false},
		{"extra 40001 at repeatable read", "repeatable read", rec("s1:u1:UPDATE 1"), rec("s1:u1:ERROR 40001"), false},
		{"extra 40001 at serializable", "serializable", rec("s1:u1:UPDATE 1", "s1:c1:COMMIT"), rec("s1:u1:ERROR 40001", "s1:c1:ROLLBACK"), true},
		{"40001 later, same session", "serializable", pgSkew, rec("s1:c1:COMMIT", "s2:off2:UPDATE 1", "s2:c2:ERROR 40001"), true},
		{"anomaly let through", "serializable", pgSkew, rec("s1:c1:COMMIT", "s2:off2:UPDATE 1", "s2:c2:COMMIT"), false},
		{"other session failed instead", "serializable", pgSkew, rec("s1:c1:ERROR 40001", "s2:off2:UPDATE 1", "s2:c2:COMMIT"), false},
		{"differs before any 40001", "serializable", rec("s1:r1:SELECT 1 (1)", "s1:u1:ERROR 40001"), rec("s1:r1:SELECT 1 (2)", "s1:u1:ERROR 40001"), false},
		{"blocked only in one", "repeatable read",
			[]stepRec{{name: "u2", session: "s2", blocked: true, after: "c1", result: "UPDATE 1"}},
			[]stepRec{{name: "u2", session: "s2", result: "UPDATE 1"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := compare(tc.level, tc.pg, tc.ours)
			if (d == "") != tc.ok {
				t.Errorf("compare = %q, want ok=%v", d, tc.ok)
			}
		})
	}
}

// TestParseSpecErrors checks that malformed specs are rejected.
func TestParseSpecErrors(t *testing.T) {
	for _, text := range []string{
		"",
		"session s1\n",
		"session s1\nstep a SELECT 1\n",
		"step a SELECT 1\npermutation a\n",
		"session s1\nstep a SELECT 1\npermutation b\n",
		"session s1\nstep a SELECT 1\nstep a SELECT 2\npermutation a\n",
		"levels read uncommitted\nsession s1\nstep a SELECT 1\npermutation a\n",
		"session s1\nstep a SELECT 1\npermutation a\nknown why\n",
		"bogus\n",
	} {
		if _, err := parseSpec(text); err == nil {
			t.Errorf("parseSpec(%q) accepted", text)
		}
	}
}

// FuzzParseSpec checks that parsing never panics and that a parsed spec
// prints to text that parses to the same spec.
func FuzzParseSpec(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.spec"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		sp, err := parseSpec(text)
		if err != nil {
			return
		}
		once := sp.format()
		sp2, err := parseSpec(once)
		if err != nil {
			t.Fatalf("formatted spec does not parse: %v\n%s", err, once)
		}
		if twice := sp2.format(); twice != once {
			t.Fatalf("round trip differs:\n%s\n---\n%s", once, twice)
		}
	})
}
