package btree

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"
)

// sliceSource feeds Build from parallel key/value slices.
func sliceSource(keys, vals [][]byte) func() ([]byte, []byte, bool, error) {
	i := 0
	return func() ([]byte, []byte, bool, error) {
		if i == len(keys) {
			return nil, nil, false, nil
		}
		i++
		return keys[i-1], vals[i-1], true, nil
	}
}

func TestBuild(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	// prefix: a long common prefix makes long separators, hence low
	// fan-out and several internal levels.
	for _, tc := range []struct{ n, pad, prefix int }{
		{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {100, 50, 0}, {5000, 50, 0}, {25000, 50, 0}, {2000, 0, 1500},
	} {
		n := tc.n
		t.Run(fmt.Sprintf("%d/prefix%d", n, tc.prefix), func(t *testing.T) {
			e := newEnv(t, 64)
			m := newModel()
			var keys, vals [][]byte
			for i := 0; i < n; i++ {
				// Growing key lengths and occasional overflow values.
				k := fmt.Appendf(bytes.Repeat([]byte("p"), tc.prefix), "key%09d%s", i*3, make([]byte, i%(tc.pad+1)))
				var v []byte
				if rng.Intn(200) == 0 {
					v = make([]byte, 3000+rng.Intn(20000))
				} else {
					v = make([]byte, rng.Intn(100))
				}
				rng.Read(v)
				keys, vals = append(keys, k), append(vals, v)
				m.put(string(k), v)
			}
			tree, err := Build(e.bp, sliceSource(keys, vals))
			if err != nil {
				t.Fatal(err)
			}
			e.tree = tree
			compare(t, tree, m)
			st, _ := tree.Stats()
			t.Logf("%d entries: %+v", n, st)
			if tc.prefix == 0 && st.LeafPages > 2 && (st.LeafFill < 0.85 || st.LeafFill > 0.92) {
				t.Errorf("leaf fill %.3f, want about 0.9", st.LeafFill)
			}
			// The built tree is an ordinary tree: it takes writes and
			// survives a checkpoint and reopen.
			for i := 0; i < n/2; i++ {
				k := fmt.Appendf(bytes.Repeat([]byte("p"), tc.prefix), "key%09d", i*3+1)
				if err := tree.Put(k, k); err != nil {
					t.Fatal(err)
				}
				m.put(string(k), k)
				if _, err := tree.Delete(keys[i]); err != nil {
					t.Fatal(err)
				}
				m.del(string(keys[i]))
			}
			e.reopen()
			compare(t, e.tree, m)
		})
	}
}

func TestBuildErrors(t *testing.T) {
	b := func(s ...string) [][]byte {
		var r [][]byte
		for _, x := range s {
			r = append(r, []byte(x))
		}
		return r
	}
	srcErr := errors.New("source failed")
	tests := []struct {
		name string
		keys [][]byte
		fail bool // source fails after its keys
		dup  string
		want error
	}{
		{name: "duplicate", keys: b("a", "b", "b", "c"), dup: "b"},
		{name: "unsorted", keys: b("a", "c", "b"), want: ErrUnsorted},
		{name: "empty key", keys: b("a", ""), want: ErrEmptyKey},
		{name: "long key", keys: [][]byte{[]byte("a"), make([]byte, MaxKeySize+1)}, want: ErrKeyTooLarge},
		{name: "source error", keys: b("a", "b"), fail: true, want: srcErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 64)
			before := int(e.p.NumPages()) - e.p.FreePages()
			// Pad with many entries so that pages are written before the error.
			var keys [][]byte
			for i := 0; i < 3000; i++ {
				keys = append(keys, fmt.Appendf(nil, "0%06d", i))
			}
			keys = append(keys, tc.keys...)
			i := 0
			_, err := Build(e.bp, func() ([]byte, []byte, bool, error) {
				if i == len(keys) {
					if tc.fail {
						return nil, nil, false, srcErr
					}
					return nil, nil, false, nil
				}
				i++
				return keys[i-1], make([]byte, 50), true, nil
			})
			if tc.dup != "" {
				var de *DuplicateKeyError
				if !errors.As(err, &de) || string(de.Key) != tc.dup {
					t.Fatalf("err = %v, want duplicate key %q", err, tc.dup)
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if after := int(e.p.NumPages()) - e.p.FreePages(); after != before {
				t.Errorf("failed Build left %d pages allocated", after-before)
			}
		})
	}
}
