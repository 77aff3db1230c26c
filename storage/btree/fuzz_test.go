package btree

import (
	"bytes"
	"math/rand"
	"testing"
)

// FuzzTree decodes the input as a sequence of operations (put, delete,
// get, cursor seek and walk, checkpoint + reopen, crash) and checks the
// tree against a model after each phase and at the end. Key and value
// sizes span splits, maximum keys and overflow chains; the pool is the
// minimum size so that eviction runs.
func FuzzTree(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 2, 3, 4, 1, 6, 1, 7, 0})
	f.Add(bytes.Repeat([]byte{0, 0xf1, 0xff, 1, 0xe2, 0x30}, 40))
	f.Add(bytes.Repeat([]byte{0, 0x51, 0x90, 4, 0x51, 0, 7, 2, 0}, 30))
	seq := []byte{}
	for i := 0; i < 200; i++ {
		seq = append(seq, 0, byte(i), byte(i*7))
	}
	f.Add(append(seq, 7, 1, 0, 7, 2, 0))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 600 { // bounds the run time of one input
			ops = ops[:600]
		}
		phases := 0 // full comparisons are costly: at most 6 per input
		e := newEnv(t, 16)
		m := newModel()
		durable := newModel()
		rng := rand.New(rand.NewSource(int64(len(ops))))
		next := func() byte {
			if len(ops) == 0 {
				return 0
			}
			b := ops[0]
			ops = ops[1:]
			return b
		}
		// key: the low nibble picks one of 16 byte values, the high nibble
		// the length (1 .. MaxKeySize in steps).
		key := func(b byte) []byte {
			n := 1 + int(b>>4)*133
			k := bytes.Repeat([]byte{'a' + b&15}, n)
			k[n-1] = b
			return k
		}
		for len(ops) > 0 {
			switch op, kb := next()%8, next(); op {
			case 0, 1, 2:
				v := bytes.Repeat([]byte{kb}, int(next())*48)
				k := key(kb)
				if err := e.tree.Put(k, v); err != nil {
					t.Fatal(err)
				}
				m.put(string(k), v)
			case 3, 4:
				k := key(kb)
				found, err := e.tree.Delete(k)
				if err != nil || found != m.del(string(k)) {
					t.Fatalf("Delete: %v %v", found, err)
				}
			case 5:
				k := key(kb)
				v, found, err := e.tree.Get(k)
				want, ok := m.get(string(k))
				if err != nil || found != ok || !bytes.Equal(v, want) {
					t.Fatalf("Get: %v %v", found, err)
				}
			case 6:
				cursorWalk(t, e.tree, m, key(kb), rng)
			case 7:
				if phases++; phases > 6 {
					continue
				}
				compare(t, e.tree, m)
				switch kb % 3 {
				case 0:
					e.reopen()
					durable = m.clone()
				case 1:
					e.crash(rng)
					m = durable.clone()
				case 2:
					e.checkpoint()
					durable = m.clone()
				}
				compare(t, e.tree, m)
			}
		}
		compare(t, e.tree, m)
	})
}
