// Package psqltab (tests only) drives psql's tab completion, the real
// readline-based one, through a pseudo-terminal against PostgreSQL 15 and
// nqdb over the same schema (testdata/schema.sql), and requires the same
// completions from both for every input in testdata/completions.txt.
//
// psql completes by sending catalog queries (tab-complete.c) and printing
// what comes back; any catalog column or function those queries use that
// nqdb lacks or answers differently shows up as a different completion.
// Two TABs after each input make readline list every candidate. A Ctrl-L
// typed after the TABs marks the end of the completion's output (readline
// handles keys in order), so a slow server makes the test slower, not
// flaky; a Ctrl-C then clears the line.
package psqltab
