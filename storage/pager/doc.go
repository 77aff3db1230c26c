// Package pager manages nqdb's data file: a sequence of PageSize (8 KiB)
// pages, each starting with a common header
//
//	[0:4)   CRC-32C (Castagnoli) of bytes [4:8192), set by WritePage,
//	        verified by every ReadPage
//	[4]     page type (TypeMeta, TypeChain, TypeLeaf, ...)
//	[5:8)   zero
//	[8:16)  epoch: the checkpoint generation the page was written in
//	[16:)   body, owned by the page type's user
//
// all integers little endian.
//
// # Crash safety: shadow paging with checkpoints
//
// The file always holds the tree as of the last durable checkpoint: a page
// referenced by that checkpoint is never overwritten. Writers follow one
// rule: a page whose epoch is older than Epoch() is copied to a newly
// allocated page before it is changed (and its parent's pointer changes the
// same way, up to the root); a page of the current epoch is changed in
// place. The logical WAL (another package) covers everything since the last
// checkpoint, so data pages need no write ordering of their own.
//
// A checkpoint, driven by the engine:
//
//  1. BeginCheckpoint (under the engine's writer lock): the epoch e ends and
//     e+1 begins; the free list and page count are snapshotted.
//  2. The engine flushes every dirty page of epoch <= e (bufpool.FlushUpTo),
//     while writers continue in e+1 with copy-on-write.
//  3. FinishCheckpoint: fsync; write a chain of TypeChain pages holding the
//     page count, the free list and the engine's payload (root pages, WAL
//     position, catalog, ...); fsync; write meta page e%2; fsync.
//
// The two meta pages (0 and 1) are written alternately, so a torn meta
// write leaves the previous checkpoint intact; Open picks the valid meta
// with the higher epoch.
//
// # Free space
//
// Free pages are a bitmap; Allocate hands out the lowest. A freed page of
// the current epoch is reusable at once (no checkpoint references it). A
// freed page of an older epoch may still be referenced by the last durable
// checkpoint or the one being written, so it waits in "pending frees",
// keyed by the epoch during which Free ran, until the checkpoint covering
// that epoch is durable. A checkpoint's own chain pages likewise stay
// pending until the next checkpoint is durable, since until then recovery
// reads them.
//
// After a crash, Open rebuilds the free list from the last durable
// checkpoint: its durable free list, plus every page at or beyond its page
// count (allocated after the cut, so unreferenced), minus its chain.
//
// Errors: a page that fails verification is a *CorruptionError (errors.Is
// ErrCorrupt); I/O errors are returned wrapped with the file and block.
// Misuse that would hand a page to two owners (double Free) panics.
package pager
