// Package codec holds nqdb's byte encodings below the SQL layer: the
// order-preserving key encoding that the B+tree sorts by.
//
// # Keys
//
// A key is the concatenation of its values' encodings. Every encoding is
// prefix-free and starts with a tag byte, so bytes.Compare on two encoded
// tuples orders them as PostgreSQL's ORDER BY does with the C collation,
// ascending, NULLS LAST: the B+tree needs no type information to compare
// keys, and a search key made of the first k values of an index is a
// prefix of every matching entry.
//
// Tags (one byte each; only the order within a kind and against NULL
// matters, since a key column holds one kind):
//
//	0x01       end of an array (below every value, so a shorter array that is a prefix sorts first)
//	0x10-0x17  negative integer in 8..1 bytes (two's complement, big endian, minimal length)
//	0x18-0x7F  integer 0..103 in the tag alone
//	0x80-0x87  positive integer > 103 in 1..8 bytes (big endian, minimal length)
//	0x90       float: 8 bytes of IEEE bits, sign-flipped (positives) or inverted (negatives)
//	0xA0-0xA5  numeric: -Inf, negative, zero, positive, +Inf, NaN
//	0xB0       bytes/text: 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01
//	0xC0       start of an array; elements follow, then 0x01
//	0xFF       NULL (greatest)
//
// Integers use a variable length because B+tree fan-out depends on key
// size: a pgbench account id takes 4 bytes instead of 9. The length lives
// in the tag, so longer positive (shorter negative) values sort later.
//
// A finite nonzero numeric is ±0.d1d2d3... × 10^E with d1 ≠ 0 and no
// trailing zero digits, so equal values (1.0 and 1.00) encode equally. It
// is written as E in the integer encoding, then the digits in pairs (one
// byte per pair, pair+1) and a 0x00 terminator; for negative numbers every
// byte after the tag is inverted, which reverses the order of the
// prefix-free remainder.
//
// Floats follow PostgreSQL's float8 ordering: -Inf < ... < -0 = 0 < ... <
// +Inf < NaN, with all NaNs equal. -0 encodes as 0 and every NaN as the
// canonical quiet NaN.
//
// Decoding (DecodeNext) accepts only canonical encodings, so that
// re-encoding a decoded value reproduces its bytes exactly; anything else
// is ErrCorrupt.
package codec
