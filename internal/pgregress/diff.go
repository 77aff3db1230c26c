package pgregress

import (
	"strconv"
	"strings"
)

// OpKind is one step of an edit script between an expected and an actual
// list of lines.
type OpKind uint8

const (
	// OpEqual keeps a line present on both sides.
	OpEqual OpKind = iota
	// OpDelete is an expected line missing from the actual output.
	OpDelete
	// OpInsert is an actual line the expected output does not have.
	OpInsert
)

// Op is one line of an edit script.
type Op struct {
	Kind OpKind
	Line string
}

// Diff returns a shortest edit script turning want into got: a longest
// common subsequence of lines (OpEqual), the rest as deletions and
// insertions. The number of OpEqual steps is the number of matched lines.
//
// Outputs here are at most a few thousand lines and mostly equal, so the
// common head and tail are cut off first and the classic O(n*m) dynamic
// programme runs only over the differing middle.
func Diff(want, got []string) []Op {
	ops := make([]Op, 0, max(len(want), len(got))+8)
	head := 0
	for head < len(want) && head < len(got) && want[head] == got[head] {
		ops = append(ops, Op{OpEqual, want[head]})
		head++
	}
	tail := 0
	for tail < len(want)-head && tail < len(got)-head && want[len(want)-1-tail] == got[len(got)-1-tail] {
		tail++
	}
	ops = lcsOps(ops, want[head:len(want)-tail], got[head:len(got)-tail])
	for _, l := range want[len(want)-tail:] {
		ops = append(ops, Op{OpEqual, l})
	}
	return ops
}

// lcsOps appends the edit script of a and b found by the LCS table.
func lcsOps(ops []Op, a, b []string) []Op {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		for _, l := range a {
			ops = append(ops, Op{OpDelete, l})
		}
		for _, l := range b {
			ops = append(ops, Op{OpInsert, l})
		}
		return ops
	}
	// Lines are interned to ints so the inner loop compares words, not
	// strings.
	ids := make(map[string]int32, n+m)
	ai, bi := intern(ids, a), intern(ids, b)
	// t[i*(m+1)+j] is the LCS length of a[i:] and b[j:].
	w := m + 1
	t := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		row, next := t[i*w:], t[(i+1)*w:]
		for j := m - 1; j >= 0; j-- {
			switch {
			case ai[i] == bi[j]:
				row[j] = next[j+1] + 1
			case next[j] >= row[j+1]:
				row[j] = next[j]
			default:
				row[j] = row[j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case ai[i] == bi[j]:
			ops = append(ops, Op{OpEqual, a[i]})
			i++
			j++
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			ops = append(ops, Op{OpDelete, a[i]})
			i++
		default:
			ops = append(ops, Op{OpInsert, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, Op{OpDelete, a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, Op{OpInsert, b[j]})
	}
	return ops
}

func intern(ids map[string]int32, lines []string) []int32 {
	out := make([]int32, len(lines))
	for k, l := range lines {
		id, ok := ids[l]
		if !ok {
			id = int32(len(ids))
			ids[l] = id
		}
		out[k] = id
	}
	return out
}

// Matched counts the OpEqual steps of an edit script.
func Matched(ops []Op) int {
	n := 0
	for _, op := range ops {
		if op.Kind == OpEqual {
			n++
		}
	}
	return n
}

// SplitLines splits output into lines; a final newline does not start an
// empty last line.
func SplitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Unified renders an edit script as a unified diff with ctx lines of
// context around each change ("-" expected only, "+" actual only), with
// hunk headers numbered as diff -u numbers them. It is empty when the
// script has no changes.
func Unified(ops []Op, ctx int) string {
	var sb strings.Builder
	// Line numbers (1-based) of each op in the old and new files.
	oldAt, newAt := make([]int, len(ops)+1), make([]int, len(ops)+1)
	o, n := 1, 1
	for k, op := range ops {
		oldAt[k], newAt[k] = o, n
		if op.Kind != OpInsert {
			o++
		}
		if op.Kind != OpDelete {
			n++
		}
	}
	oldAt[len(ops)], newAt[len(ops)] = o, n
	for k := 0; k < len(ops); {
		if ops[k].Kind == OpEqual {
			k++
			continue
		}
		// A hunk starts ctx lines before the change and runs until ctx
		// equal lines follow the last change with no change within 2*ctx.
		start := max(k-ctx, 0)
		end := k
		for end < len(ops) {
			if ops[end].Kind != OpEqual {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].Kind == OpEqual {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		oldLen, newLen := oldAt[end]-oldAt[start], newAt[end]-newAt[start]
		sb.WriteString("@@ -")
		sb.WriteString(hunkRange(oldAt[start], oldLen))
		sb.WriteString(" +")
		sb.WriteString(hunkRange(newAt[start], newLen))
		sb.WriteString(" @@\n")
		for _, op := range ops[start:end] {
			sb.WriteByte(" -+"[op.Kind])
			sb.WriteString(op.Line)
			sb.WriteByte('\n')
		}
		k = end
	}
	return sb.String()
}

// hunkRange prints "start,len" as diff -u does: an empty range names the
// line before it.
func hunkRange(start, n int) string {
	if n == 0 {
		start--
	}
	if n == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}
