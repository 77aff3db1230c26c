package slt

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind says what a record does.
type Kind uint8

// The record kinds of the format.
const (
	// Statement runs SQL and expects success or an error.
	Statement Kind = iota + 1
	// Query runs SQL and compares its rendered result.
	Query
	// HashThreshold sets the number of values above which results are
	// compared by hash.
	HashThreshold
	// Halt ends the file (when its conditions let it run).
	Halt
)

// SortMode is how a query's values are ordered before comparing.
type SortMode uint8

// The sort modes of a query record.
const (
	// NoSort keeps the order the server returned.
	NoSort SortMode = iota
	// RowSort sorts rows by their rendered values, column by column.
	RowSort
	// ValueSort sorts all rendered values regardless of rows.
	ValueSort
)

var sortNames = [...]string{NoSort: "nosort", RowSort: "rowsort", ValueSort: "valuesort"}

// String returns the mode's keyword.
func (m SortMode) String() string { return sortNames[m] }

// Condition is one skipif/onlyif line in front of a record.
type Condition struct {
	// Skip is true for skipif, false for onlyif.
	Skip bool
	// Engine is the engine name the condition tests (e.g. "postgresql").
	Engine string
}

// Record is one record of a sqllogictest file.
type Record struct {
	Kind Kind
	// Line is the 1-based line of the record's first line in its file
	// (its first condition, if any): the key of postgres-fails.txt.
	Line       int
	Conditions []Condition
	// SQL is the statement or query text, lines joined by "\n".
	SQL string
	// ExpectError is set for "statement error".
	ExpectError bool
	// Types has one letter per result column: I (integer), R (real), T (text).
	Types string
	Sort  SortMode
	// Label names queries whose results must agree; it does not change
	// how a result is compared with its own expected values.
	Label string
	// Expected lists the expected values, one per line, when the result
	// is not given as a hash.
	Expected []string
	// HashCount and Hash hold the expected "N values hashing to H" line;
	// Hash is empty when Expected lists the values.
	HashCount int
	Hash      string
	// Threshold is the value of a hash-threshold record.
	Threshold int
}

// Runs reports whether the record's conditions let it run on engine.
func (r *Record) Runs(engine string) bool {
	for _, c := range r.Conditions {
		if c.Skip == (c.Engine == engine) {
			return false
		}
	}
	return true
}

// ParseError is a malformed record.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// fields splits a command line into words, dropping a trailing "#" comment.
func fields(line string) []string {
	f := strings.Fields(line)
	for i, w := range f {
		if strings.HasPrefix(w, "#") {
			return f[:i]
		}
	}
	return f
}

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

// Parse reads every record of a sqllogictest file; name is used in errors.
// Records are separated by blank lines; lines starting with "#" between
// records are comments. Parsing stops at the first malformed record.
func Parse(r io.Reader, name string) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r")) // CRLF, and stray CRs at a line end
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return parseLines(lines, name)
}

// ParseBytes is Parse over a file's contents.
func ParseBytes(data []byte, name string) ([]Record, error) {
	return Parse(bytes.NewReader(data), name)
}

func parseLines(lines []string, name string) ([]Record, error) {
	var recs []Record
	i := 0
	fail := func(line int, format string, args ...any) ([]Record, error) {
		return recs, &ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for i < len(lines) {
		line := lines[i]
		if isBlank(line) || strings.HasPrefix(line, "#") {
			i++
			continue
		}
		rec := Record{Line: i + 1}
		// Conditions come first, one per line.
		for i < len(lines) {
			f := fields(lines[i])
			if len(f) == 0 || (f[0] != "skipif" && f[0] != "onlyif") {
				break
			}
			if len(f) < 2 {
				return fail(i+1, "%s without an engine name", f[0])
			}
			rec.Conditions = append(rec.Conditions, Condition{Skip: f[0] == "skipif", Engine: f[1]})
			i++
		}
		if i >= len(lines) || isBlank(lines[i]) {
			return fail(rec.Line, "condition without a record")
		}
		cmdLine := i + 1
		f := fields(lines[i])
		i++
		if len(f) == 0 {
			return fail(cmdLine, "empty command")
		}
		switch f[0] {
		case "statement":
			rec.Kind = Statement
			if len(f) < 2 || (f[1] != "ok" && f[1] != "error") {
				return fail(cmdLine, "statement wants ok or error")
			}
			rec.ExpectError = f[1] == "error"
			var sql []string
			for i < len(lines) && !isBlank(lines[i]) {
				sql = append(sql, lines[i])
				i++
			}
			if len(sql) == 0 {
				return fail(cmdLine, "statement without SQL")
			}
			rec.SQL = strings.Join(sql, "\n")
		case "query":
			rec.Kind = Query
			if len(f) < 2 {
				return fail(cmdLine, "query without column types")
			}
			rec.Types = f[1]
			for _, c := range []byte(rec.Types) {
				if c != 'I' && c != 'R' && c != 'T' {
					return fail(cmdLine, "unknown column type %q", c)
				}
			}
			if len(f) > 2 {
				switch f[2] {
				case "nosort":
					rec.Sort = NoSort
				case "rowsort":
					rec.Sort = RowSort
				case "valuesort":
					rec.Sort = ValueSort
				default:
					return fail(cmdLine, "unknown sort mode %q", f[2])
				}
			}
			if len(f) > 3 {
				rec.Label = f[3]
			}
			var sql []string
			for i < len(lines) && !isBlank(lines[i]) && lines[i] != "----" {
				sql = append(sql, lines[i])
				i++
			}
			if len(sql) == 0 {
				return fail(cmdLine, "query without SQL")
			}
			rec.SQL = strings.Join(sql, "\n")
			if i < len(lines) && lines[i] == "----" {
				i++
				for i < len(lines) && !isBlank(lines[i]) {
					rec.Expected = append(rec.Expected, lines[i])
					i++
				}
				if len(rec.Expected) == 1 {
					if n, h, ok := parseHashLine(rec.Expected[0]); ok {
						rec.HashCount, rec.Hash, rec.Expected = n, h, nil
					}
				}
			}
		case "hash-threshold":
			rec.Kind = HashThreshold
			if len(f) < 2 {
				return fail(cmdLine, "hash-threshold without a number")
			}
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 0 {
				return fail(cmdLine, "bad hash-threshold %q", f[1])
			}
			rec.Threshold = n
		case "halt":
			rec.Kind = Halt
		default:
			return fail(cmdLine, "unknown command %q", f[0])
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// parseHashLine splits "N values hashing to H".
func parseHashLine(s string) (int, string, bool) {
	f := strings.Fields(s)
	if len(f) != 5 || f[1] != "values" || f[2] != "hashing" || f[3] != "to" {
		return 0, "", false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 0 || strconv.Itoa(n) != f[0] || s != fmt.Sprintf("%d values hashing to %s", n, f[4]) {
		return 0, "", false
	}
	return n, f[4], true
}

// HashLine formats the "N values hashing to H" line.
func HashLine(n int, hash string) string { return fmt.Sprintf("%d values hashing to %s", n, hash) }

// Format writes records back in the file format; Parse(Format(recs))
// returns the same records (line numbers aside).
func Format(w io.Writer, recs []Record) error {
	bw := bufio.NewWriter(w)
	for i := range recs {
		r := &recs[i]
		if i > 0 {
			bw.WriteByte('\n')
		}
		for _, c := range r.Conditions {
			if c.Skip {
				bw.WriteString("skipif ")
			} else {
				bw.WriteString("onlyif ")
			}
			bw.WriteString(c.Engine)
			bw.WriteByte('\n')
		}
		switch r.Kind {
		case Statement:
			if r.ExpectError {
				bw.WriteString("statement error\n")
			} else {
				bw.WriteString("statement ok\n")
			}
			bw.WriteString(r.SQL)
			bw.WriteByte('\n')
		case Query:
			fmt.Fprintf(bw, "query %s %s", r.Types, r.Sort)
			if r.Label != "" {
				bw.WriteString(" " + r.Label)
			}
			bw.WriteByte('\n')
			bw.WriteString(r.SQL)
			bw.WriteString("\n----\n")
			if r.Hash != "" {
				bw.WriteString(HashLine(r.HashCount, r.Hash))
				bw.WriteByte('\n')
			}
			for _, v := range r.Expected {
				bw.WriteString(v)
				bw.WriteByte('\n')
			}
		case HashThreshold:
			fmt.Fprintf(bw, "hash-threshold %d\n", r.Threshold)
		case Halt:
			bw.WriteString("halt\n")
		}
	}
	return bw.Flush()
}
