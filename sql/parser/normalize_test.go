package parser

import "testing"

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"select * from t where a = 1", "select * from t where a = $1"},
		{"select * from t where a = 2 and b = 'x'", "select * from t where a = $1 and b = $2"},
		{"UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 77;", "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;"},
		{"select a - 1 from t", "select a - $1 from t"},
		{"select $1, 5", "select $1, $2"},
		{"select date '2020-01-01', 1.5e3", "select date $1, $2"},
		{"select 'unterminated", "select 'unterminated"},
		{"begin", "begin"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("select * from t where a = -1 and b = 'x' and c = $2")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		// Normalizing is idempotent: placeholders are not constants.
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, again %q", s, n, again)
		}
	})
}
