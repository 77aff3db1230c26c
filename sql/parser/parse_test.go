package parser

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/format"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

var rewriteTestdata = flag.Bool("rewrite", false, "rewrite expected outputs in testdata/parse.txt")

// restoreFlags print the TiDB AST compactly and deterministically.
const restoreFlags = format.RestoreStringSingleQuotes | format.RestoreKeyWordLowercase |
	format.RestoreNameBackQuotes | format.RestoreStringWithoutCharset

// describe renders the parse result of sql for the golden file.
func describe(sql string) string {
	sts, err := Parse(sql)
	if err != nil {
		pe := pgerror.From(err)
		return fmt.Sprintf("error %s %q at %d", pe.Code, pe.Message, pe.Position)
	}
	var b strings.Builder
	for _, st := range sts {
		describeStmt(&b, st, "")
	}
	if len(sts) == 0 {
		b.WriteString("(empty)\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func describeStmt(b *strings.Builder, st *Statement, indent string) {
	fmt.Fprintf(b, "%stext %q offset %d params %d\n", indent, st.Text, st.Offset, st.NumParams)
	if st.Utility != nil {
		// Nested statements are described separately below.
		var subs []*Statement
		u := st.Utility
		switch x := u.(type) {
		case *Copy:
			c := *x
			if c.Query != nil {
				subs, c.Query = append(subs, c.Query), nil
			}
			u = &c
		case *Explain:
			e := *x
			subs, e.Stmt = append(subs, e.Stmt), nil
			u = &e
		case *Prepare:
			p := *x
			subs, p.Stmt = append(subs, p.Stmt), nil
			u = &p
		}
		j, _ := json.Marshal(u)
		fmt.Fprintf(b, "%s%T %s\n", indent, st.Utility, j)
		for _, s := range subs {
			describeStmt(b, s, indent+"  ")
		}
		return
	}
	var sb strings.Builder
	if err := st.AST.Restore(format.NewRestoreCtx(restoreFlags, &sb)); err != nil {
		fmt.Fprintf(b, "%srestore error: %v\n", indent, err)
	}
	fmt.Fprintf(b, "%s%s\n", indent, sb.String())
	var c markerCollector
	st.AST.Accept(&c)
	if len(c.markers) > 0 {
		sort.Slice(c.markers, func(i, j int) bool { return c.markers[i].Offset < c.markers[j].Offset })
		var orders []string
		for _, m := range c.markers {
			orders = append(orders, fmt.Sprint(m.Order))
		}
		fmt.Fprintf(b, "%sparam orders %s\n", indent, strings.Join(orders, " "))
	}
	if len(st.ColumnTypes) > 0 {
		j, _ := json.Marshal(st.ColumnTypes)
		fmt.Fprintf(b, "%scolumn types %s\n", indent, j)
	}
	if len(st.StorageParams) > 0 {
		fmt.Fprintf(b, "%sstorage %q\n", indent, st.StorageParams)
	}
}

// TestParseGolden runs testdata/parse.txt: blocks of SQL, a line "----",
// the expected description, separated by blank lines. Run with -rewrite
// to regenerate (then review the diff!).
func TestParseGolden(t *testing.T) {
	path := filepath.Join("testdata", "parse.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSpace(string(data)), "\n\n\n")
	var out strings.Builder
	for i, blk := range blocks {
		sql, want, ok := strings.Cut(blk, "\n----\n")
		if !ok {
			sql, want = strings.TrimSuffix(blk, "\n----"), ""
		}
		got := describe(sql)
		if got != want && !*rewriteTestdata {
			t.Errorf("%s\n got:\n%s\nwant:\n%s", sql, got, want)
		}
		if i > 0 {
			out.WriteString("\n\n\n")
		}
		out.WriteString(sql + "\n----\n" + got)
	}
	if *rewriteTestdata {
		if err := os.WriteFile(path, []byte(out.String()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
