package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"time"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// LSN is a byte position in the log stream. Records start and end at LSNs;
// Append returns the end of a record, which is the start of the next.
type LSN uint64

// String formats the LSN as PostgreSQL does (pg_lsn): high and low 32 bits
// in hex separated by a slash.
func (l LSN) String() string {
	return fmt.Sprintf("%X/%X", uint64(l)>>32, uint32(l))
}

const (
	// DefaultSegmentSize is the segment size used when Options.SegmentSize
	// is 0, PostgreSQL's default wal_segment_size.
	DefaultSegmentSize = 16 << 20
	// MinSegmentSize is the smallest accepted Options.SegmentSize (small
	// segments are for tests).
	MinSegmentSize = 64
	// DefaultWriterDelay is the background flush interval used when
	// Options.WriterDelay is 0, PostgreSQL's default wal_writer_delay.
	DefaultWriterDelay = 10 * time.Millisecond
	// HeaderSize is the size of a record's frame header.
	HeaderSize = 8
	// MaxRecordSize is the largest payload Append accepts.
	MaxRecordSize = 1 << 30
	// BufferLimit is how many appended bytes may wait for a flush before
	// Append writes them out itself (PostgreSQL's default wal_buffers).
	BufferLimit = 16 << 20

	lenFlag = 1 << 31
	// maxSpares is how many recycled or preallocated segments are kept
	// for reuse; more than a couple only waste disk.
	maxSpares = 2
	// maxKeptBuffer caps the append buffer kept for reuse after a flush,
	// so that one huge record does not pin its memory forever.
	maxKeptBuffer = BufferLimit
)

var (
	// ErrClosed is returned by Append after Close.
	ErrClosed = errors.New("wal: log is closed")
	// ErrBroken is wrapped (with the cause) into every error returned after
	// a write or sync failure; see the package documentation.
	ErrBroken = errors.New("wal: log refuses writes after a failed write or sync")
	// ErrRecordTooLarge is returned by Append for a record above
	// MaxRecordSize.
	ErrRecordTooLarge = errors.New("wal: record too large")
	// ErrCorrupt is wrapped into Open's errors when the log's files are
	// inconsistent: a missing segment, a start LSN outside the log, or a
	// record crossing into the next segment.
	ErrCorrupt = errors.New("wal: log is corrupt")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Options tune a Log. The zero value gives the defaults.
type Options struct {
	// SegmentSize is the size of new segment files (DefaultSegmentSize if
	// 0). Existing segments keep their size.
	SegmentSize int64
	// WriterDelay is the background writer's flush interval
	// (DefaultWriterDelay if 0). A negative value disables the background
	// writer: records are then durable only after an explicit Flush.
	WriterDelay time.Duration
}

// Stats are cumulative counters of a Log since Open.
type Stats struct {
	// Appends is the number of records appended.
	Appends uint64
	// AppendedBytes is the payload bytes appended (without frame headers).
	AppendedBytes uint64
	// Flushes is the number of group flushes: each wrote one batch and
	// synced it (once per touched segment, usually once).
	Flushes uint64
	// Syncs is the number of fsync calls on segment files for flushes.
	Syncs uint64
	// FlushNanos is the time spent writing and syncing flush batches.
	FlushNanos uint64
	// BytesWritten is the log bytes written by flushes (frames, not the
	// zero fill of new segments).
	BytesWritten uint64
	// SegmentsCreated counts segments created with a zero fill;
	// SegmentsReused those made from a spare instead.
	SegmentsCreated, SegmentsReused uint64
	// SegmentsRecycled counts segments removed or turned into spares by
	// Recycle.
	SegmentsRecycled uint64
}

// segment is one segment file: it holds the log's bytes from start up to
// the next segment's start (or the log's end), at file offset lsn-start.
type segment struct {
	start LSN
	// size is the file's size; -1 if not known yet (a segment before the
	// replay start, which is only ever removed).
	size int64
	// f is the open file, nil when closed or not created yet.
	f vfs.File
	// onDisk is set once the file exists durably under its name.
	onDisk bool
}

// Log is an open write-ahead log. Its methods are safe for concurrent use.
type Log struct {
	fs   vfs.FS
	dir  string
	opts Options

	mu   sync.Mutex
	cond sync.Cond // broadcast when a flush ends
	// buf holds the frames of [written, end) not yet taken by a flush.
	buf      []byte
	spareBuf []byte
	written  LSN // start of buf: everything before was handed to a flush
	end      LSN
	flushed  LSN
	flushing bool
	err      error // non-nil once broken; wraps ErrBroken and the cause
	closed   bool
	// segs is sorted by start; the last is the one Append fills. A
	// segment may exist here before its file does: the flush that first
	// writes to it creates the file.
	segs      []*segment
	batchSegs []*segment // the leader's scratch copy
	stats     Stats

	spareMu   sync.Mutex
	spares    []string // full paths of spare segment files
	nextSpare uint64
	preparing bool // a spare is being created in the background

	recycleMu sync.Mutex // serializes Recycle and Close

	stop chan struct{}
	done chan struct{}
}

// Append adds rec to the log and returns the LSN of its end. It copies rec
// and does no I/O unless more than BufferLimit bytes wait for a flush; the
// record is durable once Flush(end) returns (or soon after, via the
// background writer). An error means the log is closed or broken (and the
// record is not durable).
func (l *Log) Append(rec []byte) (end LSN, err error) {
	if len(rec) > MaxRecordSize {
		return 0, fmt.Errorf("%w: %d bytes (max %d)", ErrRecordTooLarge, len(rec), MaxRecordSize)
	}
	frame := int64(HeaderSize + len(rec))
	l.mu.Lock()
	if l.err != nil {
		err := l.err
		l.mu.Unlock()
		return 0, err
	}
	if l.closed {
		l.mu.Unlock()
		return 0, ErrClosed
	}
	lsn := l.end
	cur := l.segs[len(l.segs)-1]
	if int64(lsn-cur.start)+frame > cur.size {
		l.segs = append(l.segs, &segment{start: lsn, size: max(l.opts.SegmentSize, frame)})
	}
	n := len(l.buf)
	if cap(l.buf)-n < int(frame) {
		l.growBuf(int(frame))
	}
	l.buf = l.buf[:n+int(frame)]
	hdr := l.buf[n:]
	// The crc covers the LSN first; it is staged in the header bytes so
	// that no temporary escapes to the heap.
	binary.LittleEndian.PutUint64(hdr, uint64(lsn))
	crc := crc32.Update(0, castagnoli, hdr[:8])
	crc = crc32.Update(crc, castagnoli, rec)
	binary.LittleEndian.PutUint32(hdr, uint32(len(rec))|lenFlag)
	binary.LittleEndian.PutUint32(hdr[4:], crc)
	copy(hdr[HeaderSize:], rec)
	l.end = lsn + LSN(frame)
	l.stats.Appends++
	l.stats.AppendedBytes += uint64(len(rec))
	end = l.end
	// Backpressure: appenders faster than the disk would grow the buffer
	// without bound, so past BufferLimit the appender writes the buffer
	// out itself (or waits for the running flush), as a PostgreSQL backend
	// does when wal_buffers are full.
	for len(l.buf) >= BufferLimit && l.err == nil {
		if l.flushing {
			l.cond.Wait()
			continue
		}
		l.flushBatchLocked()
	}
	err = l.err
	l.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return end, nil
}

// growBuf makes room for n more bytes in l.buf, reusing the spare buffer
// when the current one is empty.
func (l *Log) growBuf(n int) {
	if len(l.buf) == 0 && l.spareBuf != nil && cap(l.spareBuf) >= n {
		l.buf, l.spareBuf = l.spareBuf[:0], nil
		return
	}
	// Doubling, but not past BufferLimit (where Append flushes anyway)
	// unless one record needs more.
	nb := make([]byte, len(l.buf), max(min(2*cap(l.buf), BufferLimit), len(l.buf)+n, 64<<10))
	copy(nb, l.buf)
	l.buf = nb
}

// Flush returns when every record up to upTo (an LSN returned by Append;
// larger values mean the current end) is durable, or with the error that
// broke the log. Concurrent callers share one write and fsync: see the
// package documentation.
func (l *Log) Flush(upTo LSN) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	upTo = min(upTo, l.end)
	for {
		if l.flushed >= upTo {
			return nil
		}
		if l.err != nil {
			return l.err
		}
		if l.flushing {
			l.cond.Wait()
			continue
		}
		l.flushBatchLocked()
	}
}

// flushBatchLocked writes and syncs everything appended so far as the
// leader. It is called with l.mu held and not flushing; it releases the
// mutex during the I/O.
func (l *Log) flushBatchLocked() {
	start, end := l.written, l.end
	if start == end {
		return
	}
	data := l.buf
	l.buf, l.spareBuf = l.spareBuf[:0], nil
	l.written = end
	i := len(l.segs) - 1
	for l.segs[i].start > start {
		i--
	}
	segs := append(l.batchSegs[:0], l.segs[i:]...)
	l.batchSegs = nil
	l.flushing = true
	l.mu.Unlock()

	began := time.Now()
	syncs, err := l.writeBatch(segs, data, start, end)
	took := time.Since(began)

	l.mu.Lock()
	l.flushing = false
	l.stats.Syncs += uint64(syncs)
	l.stats.FlushNanos += uint64(took)
	if err != nil {
		l.err = fmt.Errorf("%w: %w", ErrBroken, err)
	} else {
		l.flushed = end
		l.stats.Flushes++
		l.stats.BytesWritten += uint64(end - start)
	}
	if cap(data) <= maxKeptBuffer && l.spareBuf == nil {
		l.spareBuf = data[:0]
	}
	clear(segs)
	l.batchSegs = segs[:0]
	l.cond.Broadcast()
}

// writeBatch writes data, the log bytes [start, end), into segs (the
// segments from the one holding start on), creating segment files as
// needed, and syncs each touched file. It reports the number of syncs.
func (l *Log) writeBatch(segs []*segment, data []byte, start, end LSN) (int, error) {
	touched := make([]*segment, 0, 2) // most batches touch one segment
	for k, s := range segs {
		lo := max(s.start, start)
		hi := end
		if k+1 < len(segs) {
			hi = min(hi, segs[k+1].start)
		}
		if hi <= lo {
			continue
		}
		if s.f == nil {
			f, err := l.createSegment(s.start, s.size)
			if err != nil {
				return 0, err
			}
			l.mu.Lock()
			s.f, s.onDisk = f, true
			l.mu.Unlock()
		}
		if _, err := s.f.WriteAt(data[lo-start:hi-start], int64(lo-s.start)); err != nil {
			return 0, fmt.Errorf("wal: write %s: %w", segName(s.start), err)
		}
		touched = append(touched, s)
	}
	for n, s := range touched {
		if err := s.f.Sync(); err != nil {
			return n + 1, fmt.Errorf("wal: sync %s: %w", segName(s.start), err)
		}
	}
	return len(touched), nil
}

// FlushedLSN returns the LSN up to which the log is durable.
func (l *Log) FlushedLSN() LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushed
}

// EndLSN returns the end of the last appended record (where the next
// record will start, unless it starts a new segment, which keeps the LSN).
func (l *Log) EndLSN() LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.end
}

// Err returns the error that broke the log, or nil.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// Close flushes every appended record, stops the background writer and
// closes the files. It returns the flush's error (the log's error if it is
// broken). Append fails with ErrClosed afterwards; calling Close twice
// returns ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	end := l.end
	l.mu.Unlock()
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	err := l.Flush(end)

	l.recycleMu.Lock()
	defer l.recycleMu.Unlock()
	l.mu.Lock()
	segs := l.segs
	l.mu.Unlock()
	for _, s := range segs {
		if s.f != nil {
			if cerr := s.f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("wal: close %s: %w", segName(s.start), cerr)
			}
			s.f = nil
		}
	}
	return err
}

// writerLoop is the background writer: it flushes appended records every
// delay and prepares a spare segment before the current one fills up.
func (l *Log) writerLoop(delay time.Duration) {
	defer close(l.done)
	t := time.NewTicker(delay)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		if l.err == nil && !l.flushing && l.written < l.end {
			l.flushBatchLocked()
		}
		cur := l.segs[len(l.segs)-1]
		// Half full: the next switch is near, so its segment is prepared
		// now, off the commit path.
		want := l.err == nil && cur.size == l.opts.SegmentSize && int64(l.end-cur.start) >= cur.size/2
		l.mu.Unlock()
		if want {
			l.prepareSpare()
		}
	}
}
