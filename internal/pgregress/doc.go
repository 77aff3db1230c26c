// Package pgregress runs PostgreSQL's own regression scripts (the
// developer set in ../shared/corpus/pg_regress beside the repository root)
// against nqdb through the real psql, exactly as the corpus README runs
// them, and scores how much of each expected output nqdb reproduces.
//
// For every script TestPgRegress starts a fresh in-process nqdb
// (internal/testserver: new data directory), runs setup.sql and then the
// script on psql's standard input with pg_regress's flags and client
// environment (LC_ALL=C, PGTZ=PST8PDT, PGDATESTYLE='Postgres, MDY',
// PGOPTIONS='-c intervalstyle=postgres_verbose', PGCLIENTENCODING=UTF8),
// and compares stdout+stderr with expected/NAME.out line by line. The
// score of a file is the number of expected lines in a longest common
// subsequence of the two outputs (Diff, Matched): a line nqdb prints in
// the wrong place or not at all does not count, extra lines nqdb prints
// cost nothing by themselves but break the runs around them.
//
// The test fails when a file scores below its entry in
// testdata/baseline.txt ("name matched total" per line), so a change that
// loses a matched line is caught; raise the baseline after an improvement:
//
//	NQDB_PGREGRESS_UPDATE=1 go test -run TestPgRegress ./internal/pgregress
//
// `make pg-regress` prints the report table. Other knobs:
//
//	NQDB_PGREGRESS_OUT     where NAME.out, NAME.diff and report.txt go
//	                       (default $TMPDIR/nqdb-pgregress, overwritten each run)
//	NQDB_PGREGRESS_DIFFS=0 with -v, do not copy the diffs into the test log
//	NQDB_PGREGRESS_CORPUS  another corpus directory (sql/, expected/)
//	NQDB_REQUIRE_PG=1      fail instead of skip when psql is missing
//
// The test skips when the corpus is not beside the repository.
package pgregress
