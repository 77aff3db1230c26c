package planner

import (
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// TestViewChecks pins which views' conditions a write through a chain of
// views checks (PostgreSQL's rules for LOCAL and CASCADED): levels are
// listed outermost first, checks come back innermost first.
func TestViewChecks(t *testing.T) {
	cond := &Const{Val: true, T: types.Bool}
	for _, c := range []struct {
		options []string // outermost first
		want    string
	}{
		{[]string{"", ""}, ""},
		{[]string{"local", ""}, "v0"},
		{[]string{"cascaded", ""}, "v1 v0"},
		{[]string{"", "local"}, "v1"},
		{[]string{"local", "cascaded", ""}, "v2 v1 v0"},
		{[]string{"local", "", "local"}, "v2 v0"},
		{[]string{"", "cascaded", ""}, "v2 v1"},
	} {
		vt := &viewTarget{}
		for i, o := range c.options {
			vt.levels = append(vt.levels, viewLevel{name: "v" + string(rune('0'+i)), option: o, cond: cond})
		}
		var got []string
		for _, ch := range vt.checks() {
			got = append(got, ch.View)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%v: got %q, want %q", c.options, g, c.want)
		}
	}
}

// TestSubstView checks that references to view columns are replaced by
// their expressions over the base row, inside calls too.
func TestSubstView(t *testing.T) {
	base := &ColumnRef{Idx: 1, T: types.Int4}
	exprs := []Expr{base, &Const{Val: int64(7), T: types.Int4}}
	e := &BoolExpr{Op: And, Args: []Expr{&ColumnRef{Idx: 3, T: types.Int4}, &ColumnRef{Idx: 2, T: types.Int4}, &ColumnRef{Idx: 0, T: types.Int4}}}
	got := substView(e, 2, exprs).(*BoolExpr)
	if got.Args[0] != exprs[1] || got.Args[1] != base || got.Args[2].(*ColumnRef).Idx != 0 {
		t.Errorf("substView: %#v", got.Args)
	}
}
