// Package bufpool caches pages of a pager.Pager in a fixed memory budget.
//
// Callers Get a page (pinned: it stays in its frame until Unpin), read or
// change its bytes, call MarkDirty after a change, and Unpin. Dirty pages
// are written when their frame is evicted and by FlushUpTo, which a
// checkpoint calls for the epoch it covers. Frames are one contiguous
// arena allocated by New; a hit takes the pool mutex, does a map lookup
// and moves the frame in its list, and allocates nothing.
//
// # Eviction: 2Q
//
// Plain LRU lets one sequential scan of a large table push every hot page
// (B+tree roots and inner nodes, a small table's leaves) out of the pool:
// each scanned page is "most recent" once and never again. 2Q (Johnson and
// Shasha, VLDB 1994) admits a page first to A1in, a FIFO of about a quarter
// of the frames. Pages evicted from A1in leave their page number in A1out, a
// ghost list of about half as many entries as there are frames. Only a page
// referenced again while its number is in A1out enters Am, the LRU holding
// the hot set. A scan therefore churns A1in alone: its pages are touched
// once, age out of the FIFO, and never reach Am, so the hot set survives.
// Hits in A1in do not promote (correlated references right after the
// first, such as reading several entries of a just-loaded leaf, are not a
// sign of heat); Am is only evicted from when A1in is within its share.
//
// Pinned frames are never evicted; when all are pinned, Get and Allocate
// return ErrPoolExhausted. A dirty victim is written (outside the mutex,
// with the frame marked busy so nobody pins it meanwhile) before its frame
// is reused.
//
// # Writes and checkpoints
//
// Writes go through a private copy of the frame, because pager.WritePage
// stores the checksum into the buffer it is given, while copy-on-write
// readers may be copying the frame. Pages of an epoch that has ended are
// not changed in place (the shadow-paging rule in storage/pager), which is
// what lets FlushUpTo(e) run while writers continue in epoch e+1.
package bufpool
