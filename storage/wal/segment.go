package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

const (
	segSuffix   = ".wal"
	sparePrefix = "spare-"
	tmpSuffix   = ".tmp"
	// Temporary names: a segment or spare is zero-filled and synced under
	// one of these and then renamed, so a crash never leaves a short file
	// under a real name. Open removes leftovers.
	segmentTmp = "segment" + tmpSuffix
	spareTmp   = "spare" + tmpSuffix
	zeroChunk  = 1 << 20
)

// zeros is a read-only chunk of zero bytes for filling new segments.
var zeros = sync.OnceValue(func() []byte { return make([]byte, zeroChunk) })

// segName is the file name of the segment starting at start.
func segName(start LSN) string {
	return fmt.Sprintf("%016x%s", uint64(start), segSuffix)
}

// parseHex16 parses exactly 16 lower-case hex digits, the only spelling
// segName and spareName produce (so no two names mean the same segment).
func parseHex16(s string) (uint64, bool) {
	if len(s) != 16 || strings.ToLower(s) != s {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 64)
	return v, err == nil
}

// parseSegName reports the start LSN of a segment file name.
func parseSegName(name string) (LSN, bool) {
	hex, ok := strings.CutSuffix(name, segSuffix)
	if !ok {
		return 0, false
	}
	v, ok := parseHex16(hex)
	return LSN(v), ok
}

func spareName(id uint64) string {
	return fmt.Sprintf("%s%016x", sparePrefix, id)
}

func parseSpareName(name string) (uint64, bool) {
	hex, ok := strings.CutPrefix(name, sparePrefix)
	if !ok {
		return 0, false
	}
	return parseHex16(hex)
}

func (l *Log) path(name string) string { return filepath.Join(l.dir, name) }

// zeroFile creates (or truncates) name, fills it with size zero bytes and
// syncs it, so that the file's size is durable before anyone relies on it.
func (l *Log) zeroFile(name string, size int64) (err error) {
	f, err := l.fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("wal: create %s: %w", filepath.Base(name), err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("wal: close %s: %w", filepath.Base(name), cerr)
		}
		if err != nil {
			_ = l.fs.Remove(name) // best effort: Open removes leftovers too
		}
	}()
	z := zeros()
	for off := int64(0); off < size; off += zeroChunk {
		n := min(zeroChunk, size-off)
		if _, err := f.WriteAt(z[:n], off); err != nil {
			return fmt.Errorf("wal: fill %s: %w", filepath.Base(name), err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("wal: sync %s: %w", filepath.Base(name), err)
	}
	return nil
}

// createSegment makes the file of a new segment, from a spare if one fits,
// and returns it open for writing. The directory is synced, so the segment
// exists durably when records are written into it.
func (l *Log) createSegment(start LSN, size int64) (vfs.File, error) {
	name := l.path(segName(start))
	reused := false
	if size == l.opts.SegmentSize {
		if spare := l.takeSpare(); spare != "" {
			if err := l.fs.Rename(spare, name); err != nil {
				return nil, fmt.Errorf("wal: reuse %s as %s: %w", filepath.Base(spare), segName(start), err)
			}
			reused = true
		}
	}
	if !reused {
		tmp := l.path(segmentTmp)
		if err := l.zeroFile(tmp, size); err != nil {
			return nil, err
		}
		if err := l.fs.Rename(tmp, name); err != nil {
			return nil, fmt.Errorf("wal: rename new segment to %s: %w", segName(start), err)
		}
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return nil, fmt.Errorf("wal: sync directory: %w", err)
	}
	f, err := l.fs.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", segName(start), err)
	}
	l.mu.Lock()
	if reused {
		l.stats.SegmentsReused++
	} else {
		l.stats.SegmentsCreated++
	}
	l.mu.Unlock()
	return f, nil
}

// takeSpare removes a spare from the pool and returns its path, or "".
func (l *Log) takeSpare() string {
	l.spareMu.Lock()
	defer l.spareMu.Unlock()
	if len(l.spares) == 0 {
		return ""
	}
	s := l.spares[len(l.spares)-1]
	l.spares = l.spares[:len(l.spares)-1]
	return s
}

// prepareSpare zero-fills a spare segment if none is ready. Failures are
// ignored: the segment switch then creates the file itself and reports
// the error where it matters.
func (l *Log) prepareSpare() {
	l.spareMu.Lock()
	if len(l.spares) > 0 || l.preparing {
		l.spareMu.Unlock()
		return
	}
	l.preparing = true
	id := l.nextSpare
	l.nextSpare++
	l.spareMu.Unlock()

	tmp, name := l.path(spareTmp), l.path(spareName(id))
	err := l.zeroFile(tmp, l.opts.SegmentSize)
	if err == nil {
		err = l.fs.Rename(tmp, name)
	}
	l.spareMu.Lock()
	l.preparing = false
	if err == nil {
		l.spares = append(l.spares, name)
	}
	l.spareMu.Unlock()
}

// Recycle removes every segment whose whole content lies before upTo
// (clamped to FlushedLSN), or renames it to a spare for reuse as a later
// segment. The segment being appended to is always kept, and so is any
// segment whose successor has no file yet, so that the segment holding
// upTo stays on disk for Open.
func (l *Log) Recycle(upTo LSN) error {
	l.recycleMu.Lock()
	defer l.recycleMu.Unlock()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	upTo = min(upTo, l.flushed)
	n := 0
	for n+1 < len(l.segs) && l.segs[n+1].start <= upTo && l.segs[n+1].onDisk {
		n++
	}
	victims := slices.Clone(l.segs[:n])
	m := copy(l.segs, l.segs[n:])
	clear(l.segs[m:])
	l.segs = l.segs[:m]
	l.stats.SegmentsRecycled += uint64(n)
	l.mu.Unlock()

	var errs []error
	for _, s := range victims {
		if err := l.retire(s); err != nil {
			errs = append(errs, err)
		}
	}
	if n > 0 {
		if err := l.fs.SyncDir(l.dir); err != nil {
			errs = append(errs, fmt.Errorf("wal: sync directory: %w", err))
		}
	}
	return errors.Join(errs...)
}

// retire closes a recycled segment and turns it into a spare, or removes
// it if it has the wrong size or enough spares exist. Its stale content
// is harmless in a spare: every frame's crc includes its old LSN.
func (l *Log) retire(s *segment) error {
	name := l.path(segName(s.start))
	if s.f != nil {
		if err := s.f.Close(); err != nil {
			return fmt.Errorf("wal: close %s: %w", segName(s.start), err)
		}
		s.f = nil
	}
	size := s.size
	if size < 0 {
		f, err := l.fs.OpenFile(name, os.O_RDONLY, 0)
		if err != nil {
			return fmt.Errorf("wal: open %s: %w", segName(s.start), err)
		}
		size, err = f.Size()
		_ = f.Close() // read-only: nothing to lose
		if err != nil {
			return fmt.Errorf("wal: size of %s: %w", segName(s.start), err)
		}
	}
	if size == l.opts.SegmentSize {
		l.spareMu.Lock()
		keep := len(l.spares) < maxSpares
		id := l.nextSpare
		if keep {
			l.nextSpare++
		}
		l.spareMu.Unlock()
		if keep {
			spare := l.path(spareName(id))
			if err := l.fs.Rename(name, spare); err != nil {
				return fmt.Errorf("wal: rename %s to %s: %w", segName(s.start), spareName(id), err)
			}
			l.spareMu.Lock()
			l.spares = append(l.spares, spare)
			l.spareMu.Unlock()
			return nil
		}
	}
	if err := l.fs.Remove(name); err != nil {
		return fmt.Errorf("wal: remove %s: %w", segName(s.start), err)
	}
	return nil
}
