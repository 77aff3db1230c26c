package parser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// FuzzParse checks that Parse never panics, that error positions lie
// within the query and that every statement's Text is the slice of the
// query at its Offset.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "parse.txt")); err == nil {
		for _, blk := range strings.Split(string(data), "\n\n\n") {
			sql, _, _ := strings.Cut(blk, "\n----")
			f.Add(sql)
		}
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "errors.txt")); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			f.Add(l)
		}
	}
	for _, s := range pgbenchStatements {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		sts, ok := fuzzParse(t, sql)
		if !ok {
			return
		}
		var check func(st *Statement)
		check = func(st *Statement) {
			if st.Offset < 0 || st.Offset+len(st.Text) > len(sql) || sql[st.Offset:st.Offset+len(st.Text)] != st.Text {
				t.Fatalf("statement text %q at %d is not in %q", st.Text, st.Offset, sql)
			}
			if (st.AST == nil) == (st.Utility == nil) {
				t.Fatalf("statement %q has both or neither AST and Utility", st.Text)
			}
			checkPositions(t, st)
		}
		for _, st := range sts {
			check(st)
		}
	})
}

// fuzzParse parses a fuzzer's input as the server would: invalid UTF-8 is
// rejected before parsing (ok false), and an error must be a
// *pgerror.Error whose position lies in the text (ok false after the
// checks). ok is true with the statements of a successful parse.
func fuzzParse(t *testing.T, sql string) ([]*Statement, bool) {
	t.Helper()
	if !utf8.ValidString(sql) {
		return nil, false
	}
	sts, err := Parse(sql)
	if err != nil {
		var pe *pgerror.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not *pgerror.Error", err, err)
		}
		if pe.Position < 0 || pe.Position > utf8.RuneCountInString(sql)+1 {
			t.Fatalf("position %d outside %q", pe.Position, sql)
		}
		return nil, false
	}
	return sts, true
}
