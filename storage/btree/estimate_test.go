package btree

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestEstimate checks Estimate against the exact count of a full walk,
// for trees built bottom-up and trees grown by random inserts (half-full
// leaves), within the error a sample of leaves allows.
func TestEstimate(t *testing.T) {
	for _, tc := range []struct {
		n     int
		built bool
	}{{0, true}, {1, false}, {300, false}, {20000, true}, {20000, false}} {
		t.Run(fmt.Sprintf("%d/built=%v", tc.n, tc.built), func(t *testing.T) {
			e := newEnv(t, 256)
			rng := rand.New(rand.NewSource(int64(tc.n)))
			var keys, vals [][]byte
			for i := 0; i < tc.n; i++ {
				keys = append(keys, fmt.Appendf(nil, "key%09d", i))
				vals = append(vals, make([]byte, rng.Intn(60)))
			}
			tree := e.tree
			if tc.built {
				var err error
				if tree, err = Build(e.bp, sliceSource(keys, vals)); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, i := range rng.Perm(tc.n) {
					if err := tree.Put(keys[i], vals[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
			st, err := tree.Stats()
			if err != nil {
				t.Fatal(err)
			}
			got, err := tree.Estimate()
			if err != nil {
				t.Fatal(err)
			}
			exact := st.Entries
			if exact != int64(tc.n) {
				t.Fatalf("tree holds %d entries, want %d", exact, tc.n)
			}
			if lo, hi := exact*7/10, exact*13/10+1; got < lo || got > hi {
				t.Errorf("Estimate = %d, exact %d (want within 30%%)", got, exact)
			}
		})
	}
}
