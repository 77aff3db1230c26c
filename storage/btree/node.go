package btree

import (
	"bytes"
	"encoding/binary"
)

// Node page layout (after the pager's 16-byte page header):
//
//	[16:18) cell count n
//	[18:20) cellStart: offset of the lowest cell byte (cells are packed from the page end down)
//	[20:22) fragmented bytes: space of deleted cells not yet reclaimed by compaction
//	[22:24) reserved, zero
//	[24:28) internal nodes: rightmost child page number; leaves: zero
//	[28:32) reserved, zero
//	[32:32+2n) cell offsets (uint16), in key order
//
// Cells keep the key right after its length so that a binary search reads
// one varint and compares in place, without decoding the rest of the cell:
//
//	leaf:     uvarint klen, key, uvarint vinfo, then
//	          vinfo&1 == 0: value of vinfo>>1 bytes inline
//	          vinfo&1 == 1: value of vinfo>>1 bytes in an overflow chain; uint32 first page
//	internal: uvarint klen, key, uint32 child (the child left of key)
//
// Internal node with keys k0..k(n-1) and children c0..cn (cn = rightmost):
// ci holds keys in [k(i-1), ki).
const (
	pageSize   = 8192
	headerSize = 16

	offCount     = 16
	offCellStart = 18
	offFrag      = 20
	offRight     = 24
	nodeHdrEnd   = 32
	slotSize     = 2

	// usable is the space for slots and cells in one node.
	usable = pageSize - nodeHdrEnd
	// maxCell bounds one cell so that any four cells (with slots) fit a
	// page: a split of a full node plus one cell always yields two nodes
	// that fit, and merges stay simple. Values that would make a leaf cell
	// larger go to an overflow chain.
	maxCell = usable/4 - slotSize
	// underflowBytes: a node using fewer bytes than this is merged with a
	// sibling when the two fit in one page.
	underflowBytes = usable / 4

	// Overflow page: [16:20) next page (0 = last), [20:8192) data.
	ovfNextOff = headerSize
	ovfDataOff = headerSize + 4
	ovfCap     = pageSize - ovfDataOff

	vinfoOverflow = 1
)

// node is a page image seen as a B+tree node.
type node []byte

func (n node) count() int     { return int(binary.LittleEndian.Uint16(n[offCount:])) }
func (n node) setCount(c int) { binary.LittleEndian.PutUint16(n[offCount:], uint16(c)) }
func (n node) cellStart() int { return int(binary.LittleEndian.Uint16(n[offCellStart:])) }
func (n node) setCellStart(v int) {
	// pageSize (8192) fits in 16 bits.
	binary.LittleEndian.PutUint16(n[offCellStart:], uint16(v))
}
func (n node) frag() int         { return int(binary.LittleEndian.Uint16(n[offFrag:])) }
func (n node) setFrag(v int)     { binary.LittleEndian.PutUint16(n[offFrag:], uint16(v)) }
func (n node) right() uint32     { return binary.LittleEndian.Uint32(n[offRight:]) }
func (n node) setRight(v uint32) { binary.LittleEndian.PutUint32(n[offRight:], v) }
func (n node) cellOff(i int) int { return int(binary.LittleEndian.Uint16(n[nodeHdrEnd+slotSize*i:])) }
func (n node) setCellOff(i, o int) {
	binary.LittleEndian.PutUint16(n[nodeHdrEnd+slotSize*i:], uint16(o))
}

// initNode clears the node header (the page header is left alone).
func (n node) initNode() {
	clear(n[headerSize:nodeHdrEnd])
	n.setCellStart(pageSize)
}

// free is the number of bytes available for new cells and slots,
// counting fragmented space (reclaimed by compaction).
func (n node) free() int {
	return n.cellStart() - (nodeHdrEnd + slotSize*n.count()) + n.frag()
}

// used is the number of bytes taken by cells and their slots.
func (n node) used() int { return usable - n.free() }

// uvarint decodes an unsigned varint; the one-byte case (every key shorter
// than 128 bytes) is inlined by the compiler.
func uvarint(b []byte) (uint64, int) {
	if b0 := b[0]; b0 < 0x80 {
		return uint64(b0), 1
	}
	return binary.Uvarint(b)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// keyOf returns the key of a cell that starts at c[0].
func keyOf(c []byte) []byte {
	if kl := int(c[0]); kl < 0x80 {
		return c[1 : 1+kl]
	}
	return keyOfSlow(c)
}

func keyOfSlow(c []byte) []byte {
	kl, w := binary.Uvarint(c)
	return c[w : w+int(kl)]
}

// key returns the key of cell i, aliasing the page. Written to be inlined
// into the binary searches: keys shorter than 128 bytes take one branch.
func (n node) key(i int) []byte {
	o := int(binary.LittleEndian.Uint16(n[nodeHdrEnd+slotSize*i:]))
	if kl := int(n[o]); kl < 0x80 {
		return n[o+1 : o+1+kl]
	}
	return keyOfSlow(n[o:])
}

// leafValue describes the value of leaf cell i: the inline bytes, or
// (ovf = true) the total length and first page of its overflow chain.
func (n node) leafValue(i int) (inline []byte, ovf bool, total int, first uint32) {
	return leafCellValue(n[n.cellOff(i):])
}

func leafCellValue(c []byte) (inline []byte, ovf bool, total int, first uint32) {
	kl, w := uvarint(c)
	p := w + int(kl)
	vi, w2 := uvarint(c[p:])
	p += w2
	if vi&vinfoOverflow != 0 {
		return nil, true, int(vi >> 1), binary.LittleEndian.Uint32(c[p:])
	}
	vl := int(vi >> 1)
	return c[p : p+vl : p+vl], false, vl, 0
}

// child returns child i (i == count() is the rightmost child).
func (n node) child(i int) uint32 {
	if i == n.count() {
		return n.right()
	}
	c := n[n.cellOff(i):]
	kl, w := uvarint(c)
	return binary.LittleEndian.Uint32(c[w+int(kl):])
}

// setChild sets child i (i == count() is the rightmost child).
func (n node) setChild(i int, no uint32) {
	if i == n.count() {
		n.setRight(no)
		return
	}
	c := n[n.cellOff(i):]
	kl, w := uvarint(c)
	binary.LittleEndian.PutUint32(c[w+int(kl):], no)
}

// leafCellSize is the size of a leaf cell starting at c[0].
func leafCellSize(c []byte) int {
	kl, w := uvarint(c)
	p := w + int(kl)
	vi, w2 := uvarint(c[p:])
	p += w2
	if vi&vinfoOverflow != 0 {
		return p + 4
	}
	return p + int(vi>>1)
}

// internalCellSize is the size of an internal cell starting at c[0].
func internalCellSize(c []byte) int {
	kl, w := uvarint(c)
	return w + int(kl) + 4
}

// cell returns cell i as a slice of the page.
func (n node) cell(i int, leaf bool) []byte {
	o := n.cellOff(i)
	var sz int
	if leaf {
		sz = leafCellSize(n[o:])
	} else {
		sz = internalCellSize(n[o:])
	}
	return n[o : o+sz : o+sz]
}

// search returns the index of the first key >= key and whether it is equal.
func (n node) search(key []byte) (int, bool) {
	lo, hi := 0, n.count()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		// n.key(mid), inlined by hand (the compiler will not).
		o := int(binary.LittleEndian.Uint16(n[nodeHdrEnd+slotSize*mid:]))
		var k []byte
		if kl := int(n[o]); kl < 0x80 {
			k = n[o+1 : o+1+kl]
		} else {
			k = keyOfSlow(n[o:])
		}
		c := bytes.Compare(k, key)
		if c < 0 {
			lo = mid + 1
		} else if c > 0 {
			hi = mid
		} else {
			return mid, true
		}
	}
	return lo, false
}

// childIndex returns the index of the child whose range holds key: the
// first i with key(i) > key.
func (n node) childIndex(key []byte) int {
	lo, hi := 0, n.count()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		o := int(binary.LittleEndian.Uint16(n[nodeHdrEnd+slotSize*mid:]))
		var k []byte
		if kl := int(n[o]); kl < 0x80 {
			k = n[o+1 : o+1+kl]
		} else {
			k = keyOfSlow(n[o:])
		}
		if bytes.Compare(k, key) <= 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// insertCell inserts cell c at index i. It compacts the page (through
// scratch, a page-sized buffer) when the space is only fragmented, and
// reports false when the cell does not fit at all.
func (n node) insertCell(i int, c []byte, leaf bool, scratch []byte) bool {
	need := len(c) + slotSize
	cnt := n.count()
	contig := n.cellStart() - (nodeHdrEnd + slotSize*cnt)
	if contig < need {
		if contig+n.frag() < need {
			return false
		}
		n.compact(leaf, scratch)
	}
	start := n.cellStart() - len(c)
	copy(n[start:], c)
	n.setCellStart(start)
	slots := n[nodeHdrEnd : nodeHdrEnd+slotSize*(cnt+1)]
	copy(slots[slotSize*(i+1):], slots[slotSize*i:slotSize*cnt])
	n.setCount(cnt + 1)
	n.setCellOff(i, start)
	return true
}

// deleteCell removes cell i; its bytes become fragmented space.
func (n node) deleteCell(i int, leaf bool) {
	cnt := n.count()
	o := n.cellOff(i)
	var sz int
	if leaf {
		sz = leafCellSize(n[o:])
	} else {
		sz = internalCellSize(n[o:])
	}
	slots := n[nodeHdrEnd : nodeHdrEnd+slotSize*cnt]
	copy(slots[slotSize*i:], slots[slotSize*(i+1):])
	cnt--
	n.setCount(cnt)
	switch {
	case cnt == 0:
		n.setCellStart(pageSize)
		n.setFrag(0)
	case o == n.cellStart():
		// The lowest cell: give its bytes back to the contiguous gap.
		n.setCellStart(o + sz)
	default:
		n.setFrag(n.frag() + sz)
	}
}

// compact rewrites the cells contiguously at the page end, removing
// fragmentation.
func (n node) compact(leaf bool, scratch []byte) {
	copy(scratch, n)
	src := node(scratch[:pageSize])
	end := pageSize
	for i, cnt := 0, src.count(); i < cnt; i++ {
		c := src.cell(i, leaf)
		end -= len(c)
		copy(n[end:], c)
		n.setCellOff(i, end)
	}
	n.setCellStart(end)
	n.setFrag(0)
}

// rebuild replaces the node's cells with cells (in order), which must not
// alias n and must fit.
func (n node) rebuild(cells [][]byte, right uint32) {
	n.initNode()
	end := pageSize
	for i, c := range cells {
		end -= len(c)
		copy(n[end:], c)
		n.setCellOff(i, end)
	}
	n.setCount(len(cells))
	n.setCellStart(end)
	n.setRight(right)
}

// appendLeafCell appends an inline leaf cell.
func appendLeafCell(b, key, val []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(val))<<1)
	return append(b, val...)
}

// appendOverflowCell appends a leaf cell whose value lives in a chain.
func appendOverflowCell(b, key []byte, total int, first uint32) []byte {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(total)<<1|vinfoOverflow)
	return binary.LittleEndian.AppendUint32(b, first)
}

// appendInternalCell appends an internal cell (key, left child).
func appendInternalCell(b, key []byte, child uint32) []byte {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	return binary.LittleEndian.AppendUint32(b, child)
}

// inlineCellSize is the size of an inline leaf cell for these lengths.
func inlineCellSize(klen, vlen int) int {
	return uvarintLen(uint64(klen)) + klen + uvarintLen(uint64(vlen)<<1) + vlen
}

// shortestSeparator returns the shortest s with a < s <= b (requires
// a < b): b cut just after its first difference from a. Shorter
// separators raise the fan-out of internal nodes.
func shortestSeparator(a, b []byte) []byte {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return b[:i+1]
}
