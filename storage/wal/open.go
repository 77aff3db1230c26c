package wal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// readWindow is how much of a segment replay reads at a time.
const readWindow = 1 << 20

// Open opens the log in dir (created if missing), replays every record
// from `from` to the end calling fn(lsn, rec) with the record's start LSN
// (rec is valid only during the call; an error from fn stops Open and is
// returned), makes that end final (see the package documentation) and
// positions appends there. from must be a record boundary returned earlier
// by Append or EndLSN (0 for a new log); segments before it may be missing.
func Open(fsys vfs.FS, dir string, from LSN, opts Options, fn func(lsn LSN, rec []byte) error) (*Log, error) {
	if opts.SegmentSize == 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if opts.SegmentSize < MinSegmentSize {
		return nil, fmt.Errorf("wal: segment size %d is below the minimum %d", opts.SegmentSize, MinSegmentSize)
	}
	if opts.WriterDelay == 0 {
		opts.WriterDelay = DefaultWriterDelay
	}
	existed, err := fsys.Exists(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: stat directory: %w", err)
	}
	if !existed {
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("wal: create directory: %w", err)
		}
		// The new directory's own entry must be durable too, or a crash
		// could lose the whole log.
		if err := fsys.SyncDir(filepath.Dir(filepath.Clean(dir))); err != nil {
			return nil, fmt.Errorf("wal: sync parent directory: %w", err)
		}
	}
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: read directory: %w", err)
	}
	l := &Log{fs: fsys, dir: dir, opts: opts}
	l.cond.L = &l.mu
	var segs []*segment
	for _, name := range names {
		if start, ok := parseSegName(name); ok {
			segs = append(segs, &segment{start: start, size: -1, onDisk: true})
		} else if id, ok := parseSpareName(name); ok {
			if err := l.adoptSpare(name, id); err != nil {
				return nil, err
			}
		} else if strings.HasSuffix(name, tmpSuffix) {
			if err := fsys.Remove(l.path(name)); err != nil {
				return nil, fmt.Errorf("wal: remove leftover %s: %w", name, err)
			}
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].start < segs[j].start })
	if err := l.recover(segs, from, fn); err != nil {
		for _, s := range segs {
			if s.f != nil {
				_ = s.f.Close() // the error that matters is err
			}
		}
		return nil, err
	}
	if opts.WriterDelay > 0 {
		l.stop, l.done = make(chan struct{}), make(chan struct{})
		go l.writerLoop(opts.WriterDelay)
	}
	return l, nil
}

// adoptSpare keeps a spare file found by Open if it has the current
// segment size (a spare is always complete: it is renamed into place only
// after its zero fill was synced).
func (l *Log) adoptSpare(name string, id uint64) error {
	p := l.path(name)
	f, err := l.fs.OpenFile(p, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s: %w", name, err)
	}
	size, err := f.Size()
	_ = f.Close() // read-only
	if err != nil {
		return fmt.Errorf("wal: size of %s: %w", name, err)
	}
	l.nextSpare = max(l.nextSpare, id+1)
	if size != l.opts.SegmentSize || len(l.spares) >= maxSpares {
		if err := l.fs.Remove(p); err != nil {
			return fmt.Errorf("wal: remove %s: %w", name, err)
		}
		return nil
	}
	l.spares = append(l.spares, p)
	return nil
}

// openSeg opens s's file for reading and writing and learns its size.
func (l *Log) openSeg(s *segment) error {
	f, err := l.fs.OpenFile(l.path(segName(s.start)), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s: %w", segName(s.start), err)
	}
	size, err := f.Size()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("wal: size of %s: %w", segName(s.start), err)
	}
	s.f, s.size = f, size
	return nil
}

// recover replays segs from `from` and sets up the log's state at the end.
func (l *Log) recover(segs []*segment, from LSN, fn func(LSN, []byte) error) error {
	if len(segs) == 0 {
		if from != 0 {
			return fmt.Errorf("%w: no segment holds the start LSN %v", ErrCorrupt, from)
		}
		// A new log: the first segment's file is made by the first flush.
		l.segs = []*segment{{start: 0, size: l.opts.SegmentSize}}
		return nil
	}
	i := sort.Search(len(segs), func(k int) bool { return segs[k].start > from }) - 1
	if i < 0 {
		return fmt.Errorf("%w: no segment holds the start LSN %v (first is %s)", ErrCorrupt, from, segName(segs[0].start))
	}
	if err := l.openSeg(segs[i]); err != nil {
		return err
	}
	if int64(from-segs[i].start) > segs[i].size {
		return fmt.Errorf("%w: start LSN %v lies past the end of %s", ErrCorrupt, from, segName(segs[i].start))
	}
	var rd segReader
	rd.reset(segs[i])
	pos := from
	for {
		rec, frame, ok, err := rd.next(pos)
		if err != nil {
			return err
		}
		if !ok {
			// A segment ends where the next one starts; otherwise the
			// log ends here.
			if i+1 < len(segs) && segs[i+1].start == pos {
				_ = segs[i].f.Close() // only read
				segs[i].f = nil
				i++
				if err := l.openSeg(segs[i]); err != nil {
					return err
				}
				rd.reset(segs[i])
				continue
			}
			break
		}
		if i+1 < len(segs) && pos+LSN(frame) > segs[i+1].start {
			return fmt.Errorf("%w: record at %v crosses into %s", ErrCorrupt, pos, segName(segs[i+1].start))
		}
		if err := fn(pos, rec); err != nil {
			return err
		}
		pos += LSN(frame)
	}
	if err := l.truncateAfter(segs, i, pos, rd.win); err != nil {
		return err
	}
	l.segs = slices.Clip(segs[:i+1])
	l.end, l.written, l.flushed = pos, pos, pos
	return nil
}

// truncateAfter makes pos in segs[i] the end of the log: it zeroes the
// rest of that segment and removes the segments after it. Those hold only
// unacknowledged records (a crash in a batch that spanned a segment
// switch) and always chain, each starting inside its predecessor; a gap
// means a segment file is missing, and then nothing is removed.
func (l *Log) truncateAfter(segs []*segment, i int, pos LSN, scratch []byte) error {
	cur := segs[i]
	rest := segs[i+1:]
	prevEnd := cur.start + LSN(cur.size)
	for _, s := range rest {
		if s.start > prevEnd {
			return fmt.Errorf("%w: the log ends at %v, but %s follows a missing segment", ErrCorrupt, pos, segName(s.start))
		}
		if err := l.openSeg(s); err != nil {
			return err
		}
		_ = s.f.Close() // only the size was needed
		s.f = nil
		prevEnd = s.start + LSN(s.size)
	}
	// Highest first: a crash in between leaves a chain Open accepts.
	for k := len(rest) - 1; k >= 0; k-- {
		if err := l.fs.Remove(l.path(segName(rest[k].start))); err != nil {
			return fmt.Errorf("wal: remove %s: %w", segName(rest[k].start), err)
		}
	}
	if len(rest) > 0 {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return fmt.Errorf("wal: sync directory: %w", err)
		}
	}
	// Zero the tail, reading first: usually it is zero already and a
	// write would cost a sync for nothing.
	if need := min(zeroChunk, cur.size-int64(pos-cur.start)); int64(cap(scratch)) < need {
		scratch = make([]byte, need)
	}
	buf := scratch[:min(cap(scratch), zeroChunk)]
	z := zeros()
	wrote := false
	for off := int64(pos - cur.start); off < cur.size; off += int64(len(buf)) {
		n := min(int64(len(buf)), cur.size-off)
		if err := readFull(cur.f, buf[:n], off); err != nil {
			return fmt.Errorf("wal: read %s: %w", segName(cur.start), err)
		}
		if bytes.Equal(buf[:n], z[:n]) {
			continue
		}
		if _, err := cur.f.WriteAt(z[:n], off); err != nil {
			return fmt.Errorf("wal: zero the tail of %s: %w", segName(cur.start), err)
		}
		wrote = true
	}
	if wrote {
		if err := cur.f.Sync(); err != nil {
			return fmt.Errorf("wal: sync %s: %w", segName(cur.start), err)
		}
	}
	return nil
}

// readFull reads len(p) bytes at off; a short read is an error.
func readFull(f vfs.File, p []byte, off int64) error {
	n, err := f.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// segReader reads the frames of one segment through a window buffer.
type segReader struct {
	f      vfs.File
	start  LSN
	size   int64
	win    []byte
	winOff int64
	lsn    [8]byte
}

func (r *segReader) reset(s *segment) {
	r.f, r.start, r.size = s.f, s.start, s.size
	r.win, r.winOff = r.win[:0], 0
}

// bytes returns n bytes at file offset off (off+n <= size), valid until
// the next call.
func (r *segReader) bytes(off int64, n int) ([]byte, error) {
	if off >= r.winOff && off+int64(n) <= r.winOff+int64(len(r.win)) {
		return r.win[off-r.winOff:][:n], nil
	}
	want := int(min(int64(max(n, readWindow)), r.size-off))
	if cap(r.win) < want {
		r.win = make([]byte, want)
	}
	r.win = r.win[:want]
	if err := readFull(r.f, r.win, off); err != nil {
		r.win = r.win[:0]
		return nil, fmt.Errorf("wal: read %s: %w", segName(r.start), err)
	}
	r.winOff = off
	return r.win[:n], nil
}

// next decodes the frame at pos. ok is false at the end of the segment's
// records: no header word, a frame past the segment's end, or a crc
// mismatch. err is an I/O error.
func (r *segReader) next(pos LSN) (rec []byte, frame int64, ok bool, err error) {
	off := int64(pos - r.start)
	if off < 0 || off+HeaderSize > r.size {
		return nil, 0, false, nil
	}
	h, err := r.bytes(off, HeaderSize)
	if err != nil {
		return nil, 0, false, err
	}
	word := binary.LittleEndian.Uint32(h)
	want := binary.LittleEndian.Uint32(h[4:])
	if word&lenFlag == 0 {
		return nil, 0, false, nil
	}
	n := int64(word &^ lenFlag)
	if n > MaxRecordSize || off+HeaderSize+n > r.size {
		return nil, 0, false, nil
	}
	full, err := r.bytes(off, HeaderSize+int(n))
	if err != nil {
		return nil, 0, false, err
	}
	binary.LittleEndian.PutUint64(r.lsn[:], uint64(pos))
	crc := crc32.Update(crc32.Update(0, castagnoli, r.lsn[:]), castagnoli, full[HeaderSize:])
	if crc != want {
		return nil, 0, false, nil
	}
	return full[HeaderSize:], HeaderSize + n, true, nil
}
