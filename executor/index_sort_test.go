package executor

import (
	"bytes"
	"slices"
	"testing"
)

// checkSortedEntries sorts keys through sortedEntries and checks the
// order is bytes.Compare's and every value stays with its key.
func checkSortedEntries(t *testing.T, keys [][]byte) {
	t.Helper()
	var s sortedEntries
	for i, k := range keys {
		s.add(k, []byte{byte(i), byte(i >> 8)})
	}
	s.sort()
	want := slices.Clone(keys)
	slices.SortStableFunc(want, bytes.Compare)
	for i := range s.ents {
		if !bytes.Equal(s.key(i), want[i]) {
			t.Fatalf("entry %d: key %x, want %x", i, s.key(i), want[i])
		}
		v := s.val(i)
		j := int(v[0]) | int(v[1])<<8
		if !bytes.Equal(keys[j], s.key(i)) {
			t.Fatalf("entry %d: value points at key %x, not %x", i, keys[j], s.key(i))
		}
	}
}

func TestSortedEntries(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys [][]byte
	}{
		{"empty", nil},
		{"short keys and zero padding", [][]byte{{}, {0}, {0, 0}, {1}, {0, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 0}}},
		{"shared 8-byte prefix", [][]byte{[]byte("abcdefgh2"), []byte("abcdefgh10"), []byte("abcdefgh"), []byte("abcdefgh1")}},
		{"high bytes", [][]byte{{0xff}, {0x80, 0}, {0x7f, 0xff}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkSortedEntries(t, tc.keys) })
	}
}

// FuzzSortedEntries: any keys (split at 0xFE bytes of the input) sort as
// bytes.Compare sorts them.
func FuzzSortedEntries(f *testing.F) {
	f.Add([]byte("abcdefgh2\xfeabcdefgh10\xfe\xfe\x00\x00\xfe\x00"))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x01\xfe\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		keys := bytes.Split(in, []byte{0xfe})
		if len(keys) > 1000 {
			return
		}
		checkSortedEntries(t, keys)
	})
}
