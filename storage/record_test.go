package storage

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

// commitSeeds are encoded commit records for the fuzz corpus and the
// round-trip test.
func commitSeeds() [][]byte {
	var out [][]byte
	for _, c := range []commitRec{
		{ts: 1},
		{ts: 7, created: []TreeID{5, 6}, dropped: []TreeID{2}},
		{ts: 1 << 40, writes: []recWrite{
			{tree: 1, key: []byte("a"), val: []byte("1")},
			{tree: 1, key: []byte("b"), del: true},
			{tree: 300, key: bytes.Repeat([]byte("k"), 200), val: bytes.Repeat([]byte("v"), 5000)},
			{tree: 2, key: []byte("empty"), val: []byte{}},
		}},
	} {
		out = append(out, encodeCommitRec(&c))
	}
	return out
}

// encodeCommitRec encodes c as Txn.encode does (the test's independent
// writer of the documented format).
func encodeCommitRec(c *commitRec) []byte {
	b := []byte{recCommit}
	b = binary.LittleEndian.AppendUint64(b, c.ts)
	b = appendTrees(b, c.created)
	b = appendTrees(b, c.dropped)
	b = binary.AppendUvarint(b, uint64(len(c.writes)))
	for _, w := range c.writes {
		b = binary.AppendUvarint(b, uint64(w.tree))
		b = binary.AppendUvarint(b, uint64(len(w.key)))
		b = append(b, w.key...)
		if w.del {
			b = append(b, opDelete)
		} else {
			b = append(b, opPut)
			b = binary.AppendUvarint(b, uint64(len(w.val)))
			b = append(b, w.val...)
		}
	}
	return b
}

// TestCommitRecordOfTxn checks that what a transaction writes to the log
// decodes to its write set.
func TestCommitRecordOfTxn(t *testing.T) {
	e := &Engine{trees: map[TreeID]*treeState{}}
	tx := &Txn{e: e}
	tx.setWrite(1, []byte("b"), []byte("2"), false)
	tx.setWrite(1, []byte("a"), []byte("1"), false)
	tx.setWrite(1, []byte("c"), nil, true)
	tx.setWrite(9, []byte("x"), []byte{}, false)
	tx.created = []TreeID{9}
	tx.dropped = []TreeID{4}
	rec := tx.encode()
	binary.LittleEndian.PutUint64(rec[1:9], 42)
	c, err := decodeCommit(rec)
	if err != nil {
		t.Fatal(err)
	}
	if c.ts != 42 || !slices.Equal(c.created, []TreeID{9}) || !slices.Equal(c.dropped, []TreeID{4}) || len(c.writes) != 4 {
		t.Fatalf("decoded %+v", c)
	}
	got := map[string]recWrite{}
	for _, w := range c.writes {
		got[string(rune('0'+w.tree))+string(w.key)] = w
	}
	for k, want := range map[string]recWrite{
		"1a": {tree: 1, key: []byte("a"), val: []byte("1")},
		"1b": {tree: 1, key: []byte("b"), val: []byte("2")},
		"1c": {tree: 1, key: []byte("c"), del: true},
		"9x": {tree: 9, key: []byte("x"), val: []byte{}},
	} {
		g, ok := got[k]
		if !ok || g.del != want.del || !bytes.Equal(g.val, want.val) {
			t.Errorf("write %s: got %+v, want %+v", k, g, want)
		}
	}
	// Writes of one tree are in key order (replay then fills leaves in
	// order).
	var keys1 string
	for _, w := range c.writes {
		if w.tree == 1 {
			keys1 += string(w.key)
		}
	}
	if keys1 != "abc" {
		t.Errorf("writes of tree 1 in order %q, want abc", keys1)
	}
}

func TestDecodeCommitRejects(t *testing.T) {
	good := commitSeeds()[2]
	for _, tc := range []struct {
		name string
		rec  []byte
	}{
		{"empty", nil},
		{"short", good[:8]},
		{"wrong mark", append([]byte{'X'}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(slices.Clone(good), 0)},
		{"bad op", encodeBadOp()},
		{"huge tree count", append(append([]byte{recCommit}, make([]byte, 8)...), 0xff, 0xff, 0xff, 0xff, 0x0f)},
	} {
		if _, err := decodeCommit(tc.rec); err == nil {
			t.Errorf("%s: decoded", tc.name)
		}
	}
}

func encodeBadOp() []byte {
	b := encodeCommitRec(&commitRec{ts: 1, writes: []recWrite{{tree: 1, key: []byte("k"), del: true}}})
	b[len(b)-1] = 7
	return b
}

func TestPayloadRoundTrip(t *testing.T) {
	p := &ckptPayload{lastTS: 99, nextTree: 12, walLSN: 1 << 33, trees: []ckptTree{{id: 1, root: 3}, {id: 11, root: 1 << 31, pending: true}}}
	q, err := decodePayload(p.encode())
	if err != nil {
		t.Fatal(err)
	}
	if q.lastTS != p.lastTS || q.nextTree != p.nextTree || q.walLSN != p.walLSN || !slices.Equal(q.trees, p.trees) {
		t.Fatalf("round trip: %+v -> %+v", p, q)
	}
	for _, bad := range [][]byte{nil, {'P'}, {'P', 2}, {'Q', 1}, p.encode()[:5]} {
		if _, err := decodePayload(bad); err == nil {
			t.Errorf("decodePayload(%x) accepted", bad)
		}
	}
}

// FuzzDecodeCommit: no panic on any log record, and a record that decodes
// re-encodes to the same bytes.
func FuzzDecodeCommit(f *testing.F) {
	for _, s := range commitSeeds() {
		f.Add(s)
	}
	f.Add(encodeBadOp())
	f.Fuzz(func(t *testing.T, rec []byte) {
		c, err := decodeCommit(rec)
		if err != nil {
			return
		}
		if again := encodeCommitRec(c); !bytes.Equal(again, rec) {
			// Uvarints have one canonical form only when minimal; a
			// non-minimal encoding must decode to the same record.
			c2, err := decodeCommit(again)
			if err != nil || c2.ts != c.ts || len(c2.writes) != len(c.writes) || !slices.Equal(c2.created, c.created) || !slices.Equal(c2.dropped, c.dropped) {
				t.Fatalf("re-encoding differs: %x -> %x", rec, again)
			}
			for i := range c.writes {
				a, b := c.writes[i], c2.writes[i]
				if a.tree != b.tree || a.del != b.del || !bytes.Equal(a.key, b.key) || !bytes.Equal(a.val, b.val) {
					t.Fatalf("write %d differs after re-encoding", i)
				}
			}
		}
	})
}

// FuzzDecodePayload: no panic on any checkpoint payload; one that decodes
// survives a round trip.
func FuzzDecodePayload(f *testing.F) {
	f.Add((&ckptPayload{lastTS: 3, nextTree: 2, walLSN: 100, trees: []ckptTree{{id: 1, root: 5}}}).encode())
	f.Add([]byte{'P', 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodePayload(b)
		if err != nil {
			return
		}
		q, err := decodePayload(p.encode())
		if err != nil {
			t.Fatal(err)
		}
		if q.lastTS != p.lastTS || q.nextTree != p.nextTree || q.walLSN != p.walLSN || len(q.trees) != len(p.trees) {
			t.Fatalf("round trip: %+v -> %+v", p, q)
		}
	})
}
