// Package wal is nqdb's write-ahead log: a logical redo log of opaque
// records with group commit.
//
// The storage engine appends one record per committed transaction (its
// whole write set) and checkpoint records; the log does not look inside
// them. Together with the pager's shadow paging it makes commits durable:
// the data file holds the tree as of the last checkpoint, and recovery
// replays the log from that checkpoint's cut (an LSN) to the end.
//
// # Layout
//
// An LSN is a byte position in the endless log stream. The stream is cut
// into segment files named after their first LSN, "<16 hex digits>.wal".
// Each segment is preallocated to Options.SegmentSize by writing zeros
// once and syncing, as PostgreSQL does, so that a later fdatasync of an
// append needs no metadata update. A record never spans segments: when
// the next record does not fit in the rest of the current segment, it
// starts a new segment at the current LSN (so the stream has no holes,
// and the tail of the old segment stays unused); a record larger than a
// segment gets a segment as large as it needs.
//
// A record is framed as
//
//	[u32 payload length | 1<<31][u32 crc32c(u64 LSN of the record || payload)] payload
//
// all little endian. The high bit of the length word is always set so
// that a zeroed header (the normal end of the log, in a preallocated
// segment) is never read as a record, not even an empty one. The end of
// the log is the first position whose header is not such a word, whose
// frame would pass the end of the segment, or whose crc does not match.
// The LSN inside the crc makes stale data from a recycled segment (or any
// other position) fail the check, so it is never mistaken for a record.
//
// Segments whose content lies wholly before a checkpoint's cut are
// recycled: renamed to spare files ("spare-<16 hex>") that the next
// segment switch renames into place, which saves the zero fill, or
// removed when enough spares exist. The background writer also prepares
// one spare ahead of time when the current segment is half full, so that a
// segment switch rarely waits for 16 MiB of zeros.
//
// # Group commit
//
// Append copies the framed record into an in-memory buffer under a mutex
// and returns the record's end LSN; it does no I/O unless BufferLimit
// bytes (16 MiB, PostgreSQL's wal_buffers) wait for a flush, in which case
// it writes them out itself, so a fast appender cannot outrun the disk
// without bound. Flush(lsn) returns when
// everything up to lsn is durable: if a flush is running it waits for it
// (sync.Cond); otherwise it becomes the leader: it takes the whole buffer,
// writes it with one pwrite per touched segment, syncs once per touched
// segment, publishes the new flushed LSN and wakes every waiter. Committers
// that arrive during a leader's fsync queue up behind it and the next
// leader writes all of their records with one fsync, so N concurrent
// committers share few fsyncs. For synchronous_commit=off a committer only
// appends: a background goroutine flushes every Options.WriterDelay (10 ms
// by default), so unflushed records become durable soon.
//
// # Errors
//
// A failed write or sync (ENOSPC, EIO, ...) cannot be retried safely:
// after a failed fsync the kernel may have dropped the dirty pages and a
// second fsync can report success for data that is gone (PostgreSQL
// PANICs in this situation). So the first failure makes the log broken:
// the error, wrapped together with ErrBroken, is returned to every waiter
// whose records were in the failed batch, and every later Append and Flush
// returns it too (errors.Is(err, syscall.ENOSPC) and errors.Is(err,
// ErrBroken) both hold). Records flushed before the failure stay durable.
// The engine reports the error; a restart recovers by replaying the log.
//
// # Recovery
//
// Open replays every record from the given LSN to the end, then makes the
// end final: it zeroes the rest of the last segment (a record that was
// written but not acknowledged could otherwise reappear after a new record
// of the same length is written in front of it) and removes segments
// after it (left by a crash in the middle of a batch that spanned a
// segment switch). Replay stops at the first bad frame, so after a crash
// it yields a prefix of the appended records that contains every flushed
// one.
package wal
