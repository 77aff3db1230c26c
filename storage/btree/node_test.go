package btree

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/pager"
)

func newPage(typ byte) node {
	d := make([]byte, pageSize)
	pager.SetType(d, typ)
	node(d).initNode()
	return node(d)
}

func TestLayoutConstants(t *testing.T) {
	if pageSize != pager.PageSize || headerSize != pager.HeaderSize {
		t.Fatalf("btree page constants (%d, %d) disagree with pager (%d, %d)", pageSize, headerSize, pager.PageSize, pager.HeaderSize)
	}
	// The largest possible cells must fit four to a page.
	worstOverflow := uvarintLen(MaxKeySize) + MaxKeySize + uvarintLen(MaxValueSize<<1|1) + 4
	worstInternal := uvarintLen(MaxKeySize) + MaxKeySize + 4
	for _, sz := range []int{worstOverflow, worstInternal} {
		if sz > maxCell || 4*(sz+slotSize) > usable {
			t.Errorf("cell of %d bytes does not fit four to a page (maxCell %d)", sz, maxCell)
		}
	}
}

func TestShortestSeparator(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"abc", "abd", "abd"},
		{"abc", "b", "b"},
		{"ab", "abc", "abc"},
		{"a", "azzz", "az"},
		{"apple", "banana", "b"},
		{"\x00", "\x01\x02", "\x01"},
	}
	for _, tc := range tests {
		got := shortestSeparator([]byte(tc.a), []byte(tc.b))
		if string(got) != tc.want {
			t.Errorf("shortestSeparator(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
		if bytes.Compare([]byte(tc.a), got) >= 0 || bytes.Compare(got, []byte(tc.b)) > 0 {
			t.Errorf("separator %q not in (%q, %q]", got, tc.a, tc.b)
		}
	}
}

// TestNodeModel inserts and deletes random cells in one leaf page and
// compares it with a sorted slice after every step.
func TestNodeModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	n := newPage(pager.TypeLeaf)
	scratch := make([]byte, pageSize)
	var model []string
	for step := 0; step < 6000; step++ {
		key := fmt.Sprintf("k%05d", rng.Intn(2000))
		i, found := n.search([]byte(key))
		mi, mfound := slices.BinarySearch(model, key)
		if i != mi || found != mfound {
			t.Fatalf("step %d: search(%q) = %d,%v want %d,%v", step, key, i, found, mi, mfound)
		}
		if found {
			n.deleteCell(i, true)
			model = slices.Delete(model, i, i+1)
		} else {
			val := bytes.Repeat([]byte{byte(step)}, rng.Intn(300))
			c := appendLeafCell(nil, []byte(key), val)
			if n.insertCell(i, c, true, scratch) {
				model = slices.Insert(model, i, key)
				got, ovf, total, _ := n.leafValue(i)
				if ovf || total != len(val) || !bytes.Equal(got, val) {
					t.Fatalf("step %d: value read back wrong", step)
				}
			} else if n.free() >= len(c)+slotSize {
				t.Fatalf("step %d: insert of %d bytes refused with %d free", step, len(c), n.free())
			}
		}
		if n.count() != len(model) {
			t.Fatalf("step %d: count %d, model %d", step, n.count(), len(model))
		}
		if err := validateNode(n); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	for i, k := range model {
		if string(n.key(i)) != k {
			t.Fatalf("key %d = %q, want %q", i, n.key(i), k)
		}
	}
}

func TestInternalNode(t *testing.T) {
	n := newPage(pager.TypeInternal)
	scratch := make([]byte, pageSize)
	for i, k := range []string{"b", "d", "f"} {
		n.insertCell(i, appendInternalCell(nil, []byte(k), uint32(10+i)), false, scratch)
	}
	n.setRight(13)
	if err := validateNode(n); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key   string
		child uint32
	}{{"a", 10}, {"b", 11}, {"c", 11}, {"d", 12}, {"e", 12}, {"f", 13}, {"z", 13}}
	for _, tc := range tests {
		if got := n.child(n.childIndex([]byte(tc.key))); got != tc.child {
			t.Errorf("child for %q = %d, want %d", tc.key, got, tc.child)
		}
	}
	n.setChild(1, 99)
	n.setChild(3, 98)
	if n.child(1) != 99 || n.right() != 98 {
		t.Errorf("setChild did not stick: %d %d", n.child(1), n.right())
	}
}

// FuzzValidateNode feeds arbitrary page images to the node validator,
// which must never panic, and checks that what it accepts can be searched
// and walked safely.
func FuzzValidateNode(f *testing.F) {
	n := newPage(pager.TypeLeaf)
	for i, k := range []string{"a", "bb", "ccc"} {
		n.insertCell(i, appendLeafCell(nil, []byte(k), []byte("value")), true, nil)
	}
	f.Add([]byte(n[headerSize:]), byte(pager.TypeLeaf))
	in := newPage(pager.TypeInternal)
	in.insertCell(0, appendInternalCell(nil, []byte("m"), 5), false, nil)
	in.setRight(6)
	f.Add([]byte(in[headerSize:]), byte(pager.TypeInternal))
	f.Fuzz(func(t *testing.T, body []byte, typ byte) {
		d := make([]byte, pageSize)
		pager.SetType(d, typ)
		copy(d[headerSize:], body)
		if validateNode(d) != nil {
			return
		}
		n := node(d)
		leaf := pager.Type(d) == pager.TypeLeaf
		for i := 0; i < n.count(); i++ {
			k := n.key(i)
			if j, ok := n.search(k); !ok || j != i {
				t.Fatalf("search(key %d) = %d,%v", i, j, ok)
			}
			_ = n.cell(i, leaf)
			if leaf {
				n.leafValue(i)
			} else {
				n.child(i)
			}
		}
		scratch := make([]byte, pageSize)
		if n.count() > 0 {
			n.deleteCell(0, leaf)
			n.compact(leaf, scratch)
			if err := validateNode(n); err != nil {
				t.Fatalf("after delete and compact: %v", err)
			}
		}
	})
}

// BenchmarkNodeSearch measures the binary search inside one full leaf of
// 8-byte keys, apart from the buffer pool.
func BenchmarkNodeSearch(b *testing.B) {
	n := newPage(pager.TypeLeaf)
	var keys [][]byte
	for i := 0; ; i++ {
		k := binary.BigEndian.AppendUint64(nil, uint64(i*2))
		if !n.insertCell(i, appendLeafCell(nil, k, make([]byte, 20)), true, nil) {
			break
		}
		keys = append(keys, k)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := n.search(keys[i%len(keys)]); !ok {
			b.Fatal("not found")
		}
	}
}
