// Package btree is nqdb's B+tree: byte-string keys and values stored in
// 8 KiB pages of the buffer pool (storage/bufpool), made crash safe by
// copy-on-write per checkpoint epoch.
//
// # Pages
//
// Every node is a slotted page (layout in node.go): a small header after
// the pager's page header, an array of 2-byte cell offsets in key order
// growing up, and cells packed from the page end down. A cell starts with
// its key length and key, so a lookup binary-searches the offset array and
// compares keys in place without decoding the rest of the cell (point
// lookups are the pgbench hot path). Leaf cells then hold the value, or -
// when the cell would take more than a quarter page - the value's length
// and the first page of an overflow chain. Internal cells hold a separator
// and the child left of it; the rightmost child is in the header. Child i
// holds keys in [key(i-1), key(i)). Separators are cut to the shortest
// byte string that separates the two leaves (raising fan-out). Because no
// cell exceeds a quarter page, four cells always fit a page: a node split
// always yields two nodes that fit, and keys up to MaxKeySize need no
// special case.
//
// # Copy-on-write per epoch
//
// The data file holds the tree as of the last durable checkpoint, and no
// page of that checkpoint may be overwritten before the next one is
// durable. Every page records the epoch (checkpoint generation) it was
// written in. A writer changing a page of an older epoch copies it to a
// new page first, frees the old one (the pager keeps it until the next
// checkpoint is durable), and updates the parent's pointer - itself a
// change, so the copy propagates to the root. Pages of the current epoch
// are changed in place, so a hot path between two checkpoints is copied
// once, not at every write. The root therefore moves: Root reports it and
// the engine stores it in its checkpoint payload. Overflow chains are never
// modified (a new value gets a new chain), so they need no copying.
//
// There are no sibling pointers: they cannot be kept under copy-on-write
// without copying the neighbours too. Cursors keep the path from the root
// instead, which also makes Prev as cheap as Next.
//
// # Splits and merges
//
// A full node splits by bytes at the middle, except when a key goes at the
// very end of the rightmost leaf: then the new key alone starts the new
// leaf and the old one stays full, so ascending inserts (serial keys,
// timestamps) fill leaves ~100% (SQLite's quick balance, PostgreSQL's
// fastpath). Internal nodes on the rightmost path split the same way.
// A node left using less than a quarter of its space after a delete is
// merged with a sibling when the two fit in one page; otherwise it is left
// alone (no redistribution: fewer pages touched, and under copy-on-write
// every touched page costs a copy). An internal root with one child
// collapses; an empty tree is one empty leaf. Build makes a tree bottom-up
// from sorted input with leaves ~90% full.
//
// # Concurrency and errors
//
// One writer at a time, with no concurrent readers during a write (the
// engine's lock); any number of concurrent readers otherwise. Readers only
// pin and unpin pages and share no mutable state in Tree. An error in the
// middle of a write (I/O, pool exhausted) can leave the tree partly
// changed: the engine must treat it as fatal for the tree and recover from
// the last checkpoint and the WAL. Structural damage found while reading
// is reported as an error wrapping ErrCorrupt; Check verifies the whole
// tree.
package btree
