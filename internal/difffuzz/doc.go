// Package difffuzz is a differential SQL fuzzer in the spirit of SQLancer:
// it makes random schemas and rows, creates them identically on nqdb and on
// PostgreSQL 15, then sends both the same random queries and compares.
//
// # Generation
//
// A Gen (seeded, so every run is reproducible from its seed) makes 2-4
// tables whose columns are int2/int4/int8, numeric, float8, text, varchar,
// bool, date and timestamp, with NULLs, duplicates, and sometimes a primary
// key or a secondary index, filled with a few dozen rows drawn from small
// value pools (so that joins, GROUP BY and DISTINCT meet equal values).
// Queries are trees (Select and Node), not strings, so that a mismatch can be
// shrunk: every expression is generated for a category (integer, numeric,
// float, text, bool, date, timestamp) and any node can be replaced by a child
// of the same category or by a literal.
//
// The generator avoids what PostgreSQL itself leaves undefined: LIMIT and
// OFFSET appear only under an ORDER BY of every output column (ties are then
// identical rows), string_agg orders its input, there are no volatile
// functions, divisors are non-zero literals and integer multiplications have
// a small literal operand so that data-dependent errors (whose appearance can
// depend on the evaluation order a planner picks) stay rare.
//
// # Oracles
//
//   - Direct: the result multiset (or sequence, under a total ORDER BY), the
//     column types, and the error SQLSTATE of nqdb must equal PostgreSQL's.
//     Floats are compared to 12 significant digits.
//   - TLP (ternary logic partitioning), on nqdb alone: q equals
//     q WHERE p UNION ALL q WHERE NOT p UNION ALL q WHERE p IS NULL (and the
//     DISTINCT form with UNION).
//   - NoREC, on nqdb alone: SELECT count(*) FROM f WHERE p equals
//     SELECT sum(CASE WHEN p THEN 1 ELSE 0 END) FROM f.
//   - Crashes (the connection to nqdb is lost) and hangs (a per-query client
//     timeout, on top of statement_timeout) are reported too.
//
// A failing case is shrunk (Shrink): clauses, select-list items, joins, set
// operations and subexpressions are removed and rows deleted while the same
// kind of failure remains, then printed as a self-contained SQL script and
// saved to the output directory.
//
// TestDiffFuzz runs a bounded campaign in `go test` (a fixed seed plus two
// random ones); `make difffuzz DIFFFUZZ_TIME=30m` runs a long one. Bugs found
// are kept, minimised, in testdata/found.sql (TestFound replays them);
// constructs that still fail there are switched off by the knownBug...
// constants in knownbugs.go, each naming its repro.
package difffuzz
