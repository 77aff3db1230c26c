// Package isolationtest checks nqdb's transaction isolation against
// PostgreSQL 15, in the spirit of PostgreSQL's own isolation tester
// (src/test/isolation). It holds tests only.
//
// A spec (testdata/*.spec) names a setup, two or three sessions with their
// steps, and permutations: orders in which the steps run across the
// sessions. Every permutation runs at each isolation level the spec lists,
// once against a real PostgreSQL (internal/pgoracle) and once against an
// in-process nqdb server, with one pgx connection per session. A step that
// gives no answer within 200 ms is recorded as blocked (it waits for a
// lock) and the permutation goes on with the other sessions; its result is
// collected when it completes. For every step the record holds its result
// (command tag and rows, or the error's SQLSTATE), whether it blocked and,
// if so, after which later step it completed. The two records must match.
//
// The one documented difference is SERIALIZABLE: nqdb validates at table
// granularity and may raise 40001 where PostgreSQL's predicate locks do
// not. There a permutation passes when the records are equal, or when they
// are equal up to a step where nqdb raised an extra 40001 and, from there
// on, every session PostgreSQL failed with 40001 also failed with 40001 in
// nqdb (so nqdb never lets through an anomaly PostgreSQL prevents).
//
// # Spec format
//
// Line oriented; blank lines and lines starting with # are ignored, and
// leading white space is not significant. SQL runs to the end of its line
// (one or more statements, sent with the simple query protocol).
//
//	levels read committed, serializable   optional; default: all three
//	setup <sql>                           run before each permutation (repeatable)
//	teardown <sql>                        run after each permutation (repeatable)
//	session <name>                        starts a session's block
//	  setup <sql>                         run on the session's connection first
//	  pgsetup <sql>                       like setup, PostgreSQL only (settings
//	                                      nqdb lacks, e.g. deadlock_timeout)
//	  step <name> <sql>                   a step; names are unique in the spec
//	permutation <step> <step> ...         an order of steps (repeatable)
//
// {ISO} in any SQL is replaced by the level being run, e.g. "BEGIN
// ISOLATION LEVEL {ISO}". Spec setup runs outside the sessions on its own
// connection, so it sees nothing of theirs.
package isolationtest
