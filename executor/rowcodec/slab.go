package rowcodec

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Slab is memory that Decoder.DecodeSlab carves rows out of: the row
// slices themselves and the slabs their values are boxed into (box.go),
// taken from chunks shared by many rows instead of a few allocations per
// row. A batched scan decodes its 1024 rows with a handful of allocations.
//
// Two ways to use one:
//
//   - Without Reset, every row is the caller's to keep for as long as it
//     likes (the Decode contract): chunks are only ever appended to, and a
//     chunk lives while any row decoded into it is referenced. Rows kept
//     from a chunk keep all of it alive, so decode into a kept Slab only
//     rows that are wanted (a scan decodes the rows its filter passed).
//   - With Reset, the chunks are reused: rows decoded before a Reset are
//     overwritten by the rows decoded after it, so they may be read only
//     until then (scratch decoding of filter columns).
//
// The zero Slab is ready to use.
type Slab struct {
	datums  []types.Datum
	scalars []uint64
	bytes   []byte
	strs    []string
	nums    []apd.Decimal
	// allocated sums the bytes of every chunk made: what a memory
	// account charges.
	allocated int64
	// used counts the elements of each kind taken since the last Reset
	// (datums, scalars, bytes, strs, nums), and hint the most any round
	// took: after a Reset the next chunk is made that big, so that a
	// scratch Slab settles on one chunk per kind that holds a whole batch.
	used, hint [5]int
}

// Chunk sizes, in elements: a chunk holds the values of a few hundred
// typical rows, so a 1024-row batch takes a few chunks of each kind.
const (
	slabDatums  = 4096
	slabScalars = 2048
	slabBytes   = 32 << 10
	slabStrs    = 1024
	slabNums    = 512
)

// Allocated reports the bytes of the chunks the Slab has made so far.
func (s *Slab) Allocated() int64 { return s.allocated }

// Reset makes the Slab reuse its current chunks: rows decoded before are
// no longer valid.
func (s *Slab) Reset() {
	for k, u := range s.used {
		s.hint[k] = max(s.hint[k], u)
	}
	s.used = [5]int{}
	s.datums, s.scalars, s.bytes = s.datums[:0], s.scalars[:0], s.bytes[:0]
	s.strs, s.nums = s.strs[:0], s.nums[:0]
}

// grow returns cur extended by n elements, in a fresh chunk of at least
// min elements when cur has no room (the old chunk stays with the rows
// that point into it); the new elements are the extension's [len(cur):].
func grow[T any](s *Slab, kind int, cur []T, n, min, size int) []T {
	s.used[kind] += n
	if cap(cur)-len(cur) < n {
		// Chunks start small and double up to min: a scan that reads a
		// few rows (an index nested loop's inner side, built per outer
		// row) would otherwise allocate and clear a batch's worth.
		c := max(2*cap(cur), 16)
		if c > min {
			c = min
		}
		c = max(n, c, s.hint[kind])
		cur = make([]T, 0, c)
		s.allocated += int64(c * size)
	}
	return cur[:len(cur)+n]
}

// take carves a row's value slabs: nScalar 8-byte scalars, room for
// nBytes string bytes (length 0, capacity nBytes, to be appended to), nStr
// string headers and nNum zeroed decimals.
func (s *Slab) take(nScalar, nBytes, nStr, nNum int) (scalars []uint64, sbytes []byte, strs []string, nums []apd.Decimal) {
	if nScalar > 0 {
		s.scalars = grow(s, 1, s.scalars, nScalar, slabScalars, 8)
		scalars = s.scalars[len(s.scalars)-nScalar:]
	}
	if nBytes > 0 {
		s.bytes = grow(s, 2, s.bytes, nBytes, slabBytes, 1)
		l := len(s.bytes)
		sbytes = s.bytes[l-nBytes : l-nBytes : l]
	}
	if nStr > 0 {
		s.strs = grow(s, 3, s.strs, nStr, slabStrs, 16)
		strs = s.strs[len(s.strs)-nStr:]
		clear(strs) // the decoder leaves empty strings' headers as they are
	}
	if nNum > 0 {
		s.nums = grow(s, 4, s.nums, nNum, slabNums, 40)
		nums = s.nums[len(s.nums)-nNum:]
		// A reused chunk holds the decimals of rows before the Reset.
		clear(nums)
	}
	return
}

// row carves a row of n datums; its capacity is n, so an append to it
// copies instead of writing over the next row.
func (s *Slab) row(n int) []types.Datum {
	s.datums = grow(s, 0, s.datums, n, slabDatums, 16)
	l := len(s.datums)
	return s.datums[l-n : l : l]
}

// DecodeSlab is Decode with the row and its values carved from s (see
// Slab for how long they stay valid).
func (d *Decoder) DecodeSlab(b []byte, s *Slab) ([]types.Datum, error) {
	return decodeColumns(d.cols, d.plan, b, s.row(len(d.cols)), d.want, s)
}
