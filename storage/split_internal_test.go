package storage

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzSplitEvenly checks splitEvenly's contract on any sorted candidate
// keys: at most n ranges, abutting, each non-empty, spanning [lo, hi).
func FuzzSplitEvenly(f *testing.F) {
	f.Add([]byte("abcdefgh"), 2, true)
	f.Add([]byte("a"), 4, false)
	f.Add([]byte(""), 3, true)
	f.Add([]byte("zyxwvutsrq"), 64, true)
	f.Fuzz(func(t *testing.T, raw []byte, n int, bounded bool) {
		if n <= 0 || n > 1000 {
			return
		}
		var lo, hi []byte
		if bounded {
			lo, hi = []byte{0}, []byte{0xff, 0xff}
		}
		var keys [][]byte
		for _, b := range raw {
			k := []byte{b, 1}
			keys = append(keys, k)
		}
		slices.SortFunc(keys, bytes.Compare)
		keys = slices.CompactFunc(keys, func(a, b []byte) bool { return bytes.Equal(a, b) })
		rs := splitEvenly(lo, hi, keys, n)
		if len(rs) == 0 || len(rs) > n {
			t.Fatalf("%d ranges for n=%d", len(rs), n)
		}
		if !bytes.Equal(rs[0][0], lo) || !bytes.Equal(rs[len(rs)-1][1], hi) {
			t.Fatalf("ranges %q do not span [%q, %q)", rs, lo, hi)
		}
		for i, r := range rs {
			if i > 0 && !bytes.Equal(rs[i-1][1], r[0]) {
				t.Fatalf("ranges %q do not abut", rs)
			}
			if r[0] != nil && r[1] != nil && bytes.Compare(r[0], r[1]) >= 0 {
				t.Fatalf("empty range in %q", rs)
			}
		}
	})
}
