package parser

import (
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// positionSum reads the text position of every node of an AST.
type positionSum struct{ sum int }

func (o *positionSum) Enter(n ast.Node) (ast.Node, bool) {
	o.sum += n.OriginTextPosition()
	return n, false
}

func (o *positionSum) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// TestASTNotWrittenByLaterParses checks that an AST handed out by Parse is
// not written by later parses while another goroutine reads it (a pooled
// TiDB parser did exactly that; under -race, as make race runs it, the
// write is reported).
func TestASTNotWrittenByLaterParses(t *testing.T) {
	sts, err := Parse("SELECT a + $1, b FROM t WHERE c = $2")
	if err != nil {
		t.Fatal(err)
	}
	a := sts[0].AST.(*ast.SelectStmt)
	w := a.Where.(*ast.BinaryOperationExpr)
	want := w.R.OriginTextPosition()
	done := make(chan int)
	go func() {
		n := 0
		for i := 0; i < 1000; i++ {
			n += w.R.OriginTextPosition() + w.L.OriginTextPosition()
		}
		done <- n
	}()
	for i := 0; i < 50; i++ {
		if _, err := Parse("UPDATE x SET y = $1 WHERE z = $2"); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if got := w.R.OriginTextPosition(); got != want {
		t.Errorf("position of $2 changed from %d to %d", want, got)
	}
}
