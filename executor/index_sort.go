package executor

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// sortedEntries collects index entries (key, value) for CREATE INDEX when
// the table's order is not the index's: every entry goes into one byte
// arena (no allocation per entry), and the sort compares an 8-byte key
// prefix as an integer before falling back to the bytes. Index keys are
// order-preserving encodings, so the big-endian prefix orders them as
// bytes.Compare does whenever the prefixes differ.
type sortedEntries struct {
	arena []byte
	ents  []sortEntry
}

// sortEntry locates one entry in the arena: the key at off, then the value.
type sortEntry struct {
	prefix uint64
	off    uint64
	klen   uint32
	vlen   uint32
}

// add copies key and val into the arena.
func (s *sortedEntries) add(key, val []byte) {
	off := len(s.arena)
	s.arena = append(s.arena, key...)
	s.arena = append(s.arena, val...)
	s.ents = append(s.ents, sortEntry{prefix: keyPrefix(key), off: uint64(off), klen: uint32(len(key)), vlen: uint32(len(val))})
}

// keyPrefix is key's first 8 bytes as a big-endian integer, zero padded.
func keyPrefix(key []byte) uint64 {
	if len(key) >= 8 {
		return binary.BigEndian.Uint64(key)
	}
	var b [8]byte
	copy(b[:], key)
	return binary.BigEndian.Uint64(b[:])
}

func (s *sortedEntries) key(i int) []byte {
	e := &s.ents[i]
	return s.arena[e.off : e.off+uint64(e.klen) : e.off+uint64(e.klen)]
}

func (s *sortedEntries) val(i int) []byte {
	e := &s.ents[i]
	start := e.off + uint64(e.klen)
	return s.arena[start : start+uint64(e.vlen) : start+uint64(e.vlen)]
}

// sort orders the entries by key. Equal prefixes compare the keys past
// the prefix (a shorter key padded with zeros has the same prefix as a
// longer one with zeros there, so the full comparison decides).
func (s *sortedEntries) sort() {
	arena := s.arena
	slices.SortFunc(s.ents, func(a, b sortEntry) int {
		if a.prefix != b.prefix {
			if a.prefix < b.prefix {
				return -1
			}
			return 1
		}
		return bytes.Compare(arena[a.off:a.off+uint64(a.klen)], arena[b.off:b.off+uint64(b.klen)])
	})
}
