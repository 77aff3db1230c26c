package parser

import "testing"

func benchParse(b *testing.B, sql string) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePgbenchUpdate(b *testing.B) {
	benchParse(b, "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;")
}

func BenchmarkParsePgbenchSelect(b *testing.B) {
	benchParse(b, "SELECT abalance FROM pgbench_accounts WHERE aid = $1;")
}

func BenchmarkParseSelectCasts(b *testing.B) {
	benchParse(b, "select c.oid, c.relname::text, n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relname = $1::name order by 2 limit 10")
}

func BenchmarkParseUtility(b *testing.B) {
	benchParse(b, "SET extra_float_digits = 3")
}
