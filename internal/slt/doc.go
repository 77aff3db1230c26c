// Package slt is a sqllogictest runner: it parses SQLite's sqllogictest
// files, runs their records over one PostgreSQL-protocol connection and
// compares the results the way the original runner does.
//
// # Format and result rules
//
// Records are separated by blank lines: "statement ok|error" with SQL,
// "query <types> [nosort|rowsort|valuesort] [label]" with SQL, "----" and
// the expected values one per line (or "N values hashing to <md5>"),
// "hash-threshold N" and "halt". "skipif <engine>" / "onlyif <engine>"
// lines in front of a record are matched against the engine name
// "postgresql". Queries run with the simple protocol (pgconn.Exec), so
// every value arrives in PostgreSQL's text form, and each is rendered by
// its column's type letter (AppendValue): I truncates to an integer, R
// prints %.3f, NULL prints NULL, an empty string (empty). The values are
// sorted as the record asks (SortValues) and compared with the listed
// values, or by the md5 of every value followed by "\n" (Hash) when the
// file gives a hash. Labels do not change the comparison: every labelled
// record carries its own expected result.
//
// # Tests
//
// The corpus lives beside the repository, in
// ../shared/corpus/sqllogictest (FindCorpus; $NQDB_SLT_CORPUS overrides)
// and is never copied into it. The tests:
//
//   - TestNqdb (run by make test): every corpus file on a fresh in-process
//     nqdb. select1-5 must pass entirely (select5 joins 4 to 64 tables);
//     in random/ and index/ every record must pass unless PostgreSQL fails
//     it too, as listed in testdata/postgres-fails.txt. `make slt` runs
//     the same and prints the counts.
//
//   - TestPostgres (NQDB_SLT_PG=1): the same corpus on PostgreSQL 15, a
//     fresh database per file; select1-5 must pass and the other failures
//     must be exactly those of postgres-fails.txt. Regenerate that list
//     with
//
//     go test ./internal/slt -run TestPostgres -args -update
//
//   - TestSelfTest: testdata/selftest.test on PostgreSQL, whose records
//     after a "# expect-fail" comment must fail and the others pass, so
//     the runner is known to be able to fail.
//
// Knobs: NQDB_SLT_FILES (a regexp over the corpus-relative file names),
// NQDB_SLT_MAXREPORT (failures printed per file, default 20), NQDB_SLT_OUT
// (a file that receives every failure and slow record, for triage).
package slt
