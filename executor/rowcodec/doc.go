// Package rowcodec turns rows of SQL datums (sql/types conventions) into
// the byte strings the storage engine keeps, and back, and builds the
// order-preserving index keys (package codec) for key columns.
//
// # Row format (version 1)
//
//	byte     format version (1)
//	uvarint  number of columns n the row was written with
//	bitmap   (n+7)/8 bytes; bit i%8 of byte i/8 set means column i is NULL
//	values   one per non-NULL column, in column order
//
// Fixed-width types are stored little endian without a length: bool (1),
// int2 (2), int4/oid/reg* (4), int8 (8), float4 (4, float32 bits), float8
// (8), date (4), time/timestamp/timestamptz (8), interval (16: micros,
// days, months) and uuid (16). Every other type is a uvarint length and
// then the bytes: raw bytes for the string types, json(b) text and bytea
// (their send format minus jsonb's version byte, so decoding needs no
// parsing), and the type's binary send format (types.AppendBinary) for
// numeric and arrays.
//
// Storing n lets a table grow columns (ALTER TABLE ADD COLUMN) without
// rewriting rows: columns beyond n decode as NULL. A row with more
// columns than the descriptor is corrupt, so a dropped column must stay
// in the descriptor (with its type) for as long as old rows may hold it.
//
// # Decoding
//
// A scan decodes every row it reads, so decoding is the hot loop of most
// queries. A Decoder (NewDecoder) works out per column type what to do
// once per scan; DecodeColumns does the same per call. A first pass over
// the row finds the wanted values and counts them by kind, then each row
// gets one allocation per kind rather than one per value: the 8-byte
// scalars and the string bytes share a pointer-free blob, string headers
// and numerics get a slab each, and the datums point into them (box.go
// builds the interface values by hand, since Go would copy each value
// to a heap object of its own). Numerics whose coefficient fits an int64
// are read from their binary form directly (decodeNumeric), giving
// exactly what types.ParseBinary gives without its decimal-string
// detour; the rest take ParseBinary.
//
// A Slab (Decoder.DecodeSlab) lets many rows share those slabs and their
// row slices: a batched scan decodes 1024 rows with a few allocations,
// and, Reset between batches, decodes filter columns into the same
// memory every time (slab.go says how long rows stay valid).
//
// # Keys
//
// EncodeKey writes each key column with codec, so that bytes.Compare on
// two keys orders them as types.Compare does, column by column, NULLS
// LAST. Text compares bytewise (C collation, as types.Compare does);
// bpchar drops trailing spaces first; interval orders by its span with
// months of 30 days, so '1 mon' and '30 days' give equal keys, as they are
// equal in PostgreSQL.
package rowcodec
