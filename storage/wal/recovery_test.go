package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// writeFile replaces a file's content in the MemFS and syncs it.
func writeFile(t testing.TB, fs vfs.FS, name string, data []byte) {
	t.Helper()
	f, err := fs.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// patch overwrites bytes of a file at off.
func patch(t testing.TB, fs *vfs.MemFS, name string, off int, b []byte) {
	t.Helper()
	data, err := fs.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	copy(data[off:], b)
	writeFile(t, fs, name, data)
}

// build writes a log of the given record sizes and closes it.
func build(t testing.TB, fs vfs.FS, opts Options, sizes ...int) ([][]byte, []LSN) {
	t.Helper()
	l, _ := open(t, fs, 0, opts)
	recs := make([][]byte, len(sizes))
	for i, n := range sizes {
		recs[i] = payload(i, n)
	}
	starts := appendAll(t, l, recs)
	mustClose(t, l)
	return recs, starts
}

// TestTruncateZeroesTail: a record after the end of the log (written but
// not acknowledged, then cut off by a torn record in front of it) must not
// come back once a new record of the same length is written in front of
// it: its frame and LSN would be valid again.
func TestTruncateZeroesTail(t *testing.T) {
	fs := vfs.NewMem()
	opts := Options{SegmentSize: 4096, WriterDelay: -1}
	recs, starts := build(t, fs, opts, 100, 100, 100)
	patch(t, fs, segName(0), int(starts[1]), make([]byte, HeaderSize)) // B torn
	l, got := open(t, fs, 0, opts)
	check(t, got, recs[:1], starts[:1])
	if l.EndLSN() != starts[1] {
		t.Fatalf("end %v, want %v", l.EndLSN(), starts[1])
	}
	b2 := bytes.Repeat([]byte{0xAB}, 100)
	if _, err := l.Append(b2); err != nil {
		t.Fatal(err)
	}
	mustClose(t, l)
	l, got = open(t, fs, 0, opts)
	check(t, got, [][]byte{recs[0], b2}, starts[:2])
	mustClose(t, l)
}

// TestRemovesSegmentsAfterEnd: a batch that spans a segment switch can
// reach the new segment and not the old one's tail; the new segment then
// holds records after the end and is removed.
func TestRemovesSegmentsAfterEnd(t *testing.T) {
	fs := vfs.NewMem()
	opts := Options{SegmentSize: 256, WriterDelay: -1}
	// Frames of 108 bytes: two per segment, at 0, 216, 432.
	recs, starts := build(t, fs, opts, 100, 100, 100, 100, 100, 100)
	if got := files(t, fs); !slices.Equal(got, []string{segName(0), segName(216), segName(432)}) {
		t.Fatalf("files %v", got)
	}
	patch(t, fs, segName(216), int(starts[3]-216)+4, []byte{0xFF}) // #3's crc
	l, got := open(t, fs, 0, opts)
	check(t, got, recs[:3], starts[:3])
	if got := files(t, fs); !slices.Equal(got, []string{segName(0), segName(216)}) {
		t.Fatalf("files after recovery %v", got)
	}
	// The log goes on at #3's place and ends up with the same layout.
	more := [][]byte{payload(7, 100), payload(8, 100), payload(9, 100)}
	appendAll(t, l, more)
	mustClose(t, l)
	l, got = open(t, fs, 0, opts)
	check(t, got, append(slices.Clone(recs[:3]), more...), starts[:6])
	mustClose(t, l)
}

func TestOpenErrors(t *testing.T) {
	opts := Options{SegmentSize: 256, WriterDelay: -1}
	errFn := errors.New("fn failed")
	tests := []struct {
		name  string
		setup func(t *testing.T, fs *vfs.MemFS)
		from  LSN
		opts  Options
		fn    func(LSN, []byte) error
		want  error
	}{
		{"start LSN in an empty directory", func(*testing.T, *vfs.MemFS) {}, 100, opts, nil, ErrCorrupt},
		{"start LSN before the first segment", func(t *testing.T, fs *vfs.MemFS) {
			build(t, fs, opts, 100, 100, 100)
			if err := fs.Remove(filepath.Join(dir, segName(0))); err != nil {
				t.Fatal(err)
			}
		}, 0, opts, nil, ErrCorrupt},
		{"start LSN past a segment's end", func(t *testing.T, fs *vfs.MemFS) {
			build(t, fs, opts, 100)
		}, 300, opts, nil, ErrCorrupt},
		{"missing segment in the middle", func(t *testing.T, fs *vfs.MemFS) {
			build(t, fs, opts, 100, 100, 100, 100, 100, 100)
			if err := fs.Remove(filepath.Join(dir, segName(216))); err != nil {
				t.Fatal(err)
			}
		}, 0, opts, nil, ErrCorrupt},
		{"record crossing into the next segment", func(t *testing.T, fs *vfs.MemFS) {
			build(t, fs, opts, 100, 100, 100)
			// A second segment that claims to start inside record #1.
			data, _ := fs.ReadFile(filepath.Join(dir, segName(216)))
			writeFile(t, fs, segName(150), data)
		}, 0, opts, nil, ErrCorrupt},
		{"segment size too small", func(*testing.T, *vfs.MemFS) {}, 0, Options{SegmentSize: 10}, nil, nil},
		{"replay callback fails", func(t *testing.T, fs *vfs.MemFS) {
			build(t, fs, opts, 1, 2, 3)
		}, 0, opts, func(lsn LSN, _ []byte) error {
			if lsn > 0 {
				return errFn
			}
			return nil
		}, errFn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			tc.setup(t, fs)
			fn := tc.fn
			if fn == nil {
				fn = func(LSN, []byte) error { return nil }
			}
			l, err := Open(fs, dir, tc.from, tc.opts, fn)
			if err == nil {
				l.Close()
				t.Fatal("Open succeeded")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Open: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestGarbageIsNotARecord: segment contents that are not frames written
// at their position are never replayed.
func TestGarbageIsNotARecord(t *testing.T) {
	opts := Options{SegmentSize: 4096, WriterDelay: -1}
	valid := vfs.NewMem()
	build(t, valid, opts, 10, 20, 30)
	seg0, err := valid.ReadFile(filepath.Join(dir, segName(0)))
	if err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 4096)
	rand.New(rand.NewSource(3)).Read(rnd)
	frame := func(lsn LSN, word uint32, p []byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, word)
		b = binary.LittleEndian.AppendUint32(b, frameCRC(lsn, p))
		return append(b, p...)
	}
	pad := func(b []byte) []byte { return append(b, make([]byte, 4096-len(b))...) }
	tests := []struct {
		name  string
		start LSN
		data  []byte
	}{
		{"zeros", 0, make([]byte, 4096)},
		{"random bytes", 0, rnd},
		{"valid frames at another LSN (recycled segment)", 4096, seg0},
		{"valid frames shifted by one byte", 0, append([]byte{0}, seg0[:4095]...)},
		{"length word without the flag bit", 0, pad(frame(0, 5, []byte("hello")))},
		{"frame passing the segment's end", 0, frame(0, 1<<31|4089, make([]byte, 4088))},
		{"crc over the payload only", 0, pad(append(binary.LittleEndian.AppendUint32(
			binary.LittleEndian.AppendUint32(nil, 1<<31|5), crc32c([]byte("hello"))), "hello"...))},
		{"torn payload", 0, func() []byte {
			b := slices.Clone(seg0)
			b[8] ^= 1
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			if err := fs.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, fs, segName(tc.start), tc.data)
			l, got := open(t, fs, tc.start, opts)
			if len(got) != 0 {
				t.Fatalf("replayed %d records from garbage, first %d bytes at %v", len(got), len(got[0].data), got[0].lsn)
			}
			// Recovery zeroed the garbage; new records read back fine.
			recs := [][]byte{[]byte("x"), {}}
			starts := appendAll(t, l, recs)
			mustClose(t, l)
			l, got = open(t, fs, tc.start, opts)
			check(t, got, recs, starts)
			mustClose(t, l)
		})
	}
}

// TestSurvivingValidFrame: the control for TestGarbageIsNotARecord: a
// hand-made frame at the right LSN is replayed.
func TestSurvivingValidFrame(t *testing.T) {
	fs := vfs.NewMem()
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := []byte("hand made")
	b := binary.LittleEndian.AppendUint32(nil, 1<<31|uint32(len(p)))
	b = binary.LittleEndian.AppendUint32(b, frameCRC(4096, p))
	b = append(b, p...)
	writeFile(t, fs, segName(4096), append(b, make([]byte, 100)...))
	l, got := open(t, fs, 4096, Options{SegmentSize: 4096, WriterDelay: -1})
	check(t, got, [][]byte{p}, []LSN{4096})
	mustClose(t, l)
}

func crc32c(p []byte) uint32 {
	return crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli))
}

// TestWriteErrorBreaksLog injects failures into the flush path.
func TestWriteErrorBreaksLog(t *testing.T) {
	tests := []struct {
		name string
		op   vfs.Op
		err  error
		// switchSeg makes the failing batch start a new segment.
		switchSeg bool
	}{
		{"disk full on write", vfs.OpWrite, vfs.DiskFull(), false},
		{"EIO on sync", vfs.OpSync, syscall.EIO, false},
		{"disk full creating a segment", vfs.OpCreate, vfs.DiskFull(), true},
		{"disk full filling a segment", vfs.OpWrite, vfs.DiskFull(), true},
		{"EIO syncing the directory", vfs.OpSyncDir, syscall.EIO, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := vfs.NewMem()
			var armed bool
			fs := vfs.WithErrors(mem, func(op vfs.Op, _ string) error {
				if armed && op == tc.op {
					return tc.err
				}
				return nil
			})
			opts := Options{SegmentSize: 4096, WriterDelay: -1}
			l, _ := open(t, fs, 0, opts)
			r0 := payload(0, 100)
			end0, err := l.Append(r0)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Flush(end0); err != nil {
				t.Fatal(err)
			}
			armed = true
			n := 100
			if tc.switchSeg {
				n = 4000
			}
			end1, err := l.Append(payload(1, n))
			if err != nil {
				t.Fatal(err)
			}
			err = l.Flush(end1)
			if !errors.Is(err, tc.err) || !errors.Is(err, ErrBroken) {
				t.Fatalf("Flush: %v, want %v and ErrBroken", err, tc.err)
			}
			if !errors.Is(l.Err(), tc.err) {
				t.Fatalf("Err: %v", l.Err())
			}
			if err := l.Flush(end0); err != nil {
				t.Fatalf("Flush of an already durable LSN: %v", err)
			}
			armed = false // even a healthy disk is not trusted again
			if _, err := l.Append([]byte("later")); !errors.Is(err, tc.err) || !errors.Is(err, ErrBroken) {
				t.Fatalf("Append after failure: %v", err)
			}
			if err := l.Flush(end1); !errors.Is(err, tc.err) {
				t.Fatalf("second Flush: %v", err)
			}
			if err := l.Close(); !errors.Is(err, tc.err) {
				t.Fatalf("Close: %v", err)
			}
			if l.FlushedLSN() != end0 {
				t.Fatalf("FlushedLSN %v, want %v", l.FlushedLSN(), end0)
			}
			// After a crash the durable record is there; the failed one
			// may be, as a prefix.
			l, got := open(t, mem.Crash(rand.New(rand.NewSource(1))), 0, opts)
			if len(got) < 1 || len(got) > 2 || !bytes.Equal(got[0].data, r0) {
				t.Fatalf("replayed %d records", len(got))
			}
			mustClose(t, l)
		})
	}
}

// TestFailureReachesAllWaiters: concurrent committers when a sync fails:
// every Flush that returned nil is durable after a crash, every other
// caller got the error, and nothing is accepted afterwards.
func TestFailureReachesAllWaiters(t *testing.T) {
	mem := vfs.NewMem()
	fs := vfs.WithErrors(mem, vfs.OnNth(vfs.OpSync, 20, syscall.EIO))
	opts := Options{SegmentSize: 8192, WriterDelay: -1}
	l, _ := open(t, fs, 0, opts)
	var mu sync.Mutex
	acked := map[LSN][]byte{}
	var failures int
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r := payload(g*1000+i, 10+i%50)
				end, err := l.Append(r)
				if err == nil {
					err = l.Flush(end)
				}
				if err != nil {
					if !errors.Is(err, syscall.EIO) || !errors.Is(err, ErrBroken) {
						t.Errorf("error %v", err)
					}
					mu.Lock()
					failures++
					mu.Unlock()
					return
				}
				mu.Lock()
				acked[end-LSN(HeaderSize+len(r))] = r
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	_ = l.Close()
	if failures != 16 {
		t.Fatalf("%d of 16 committers saw the failure", failures)
	}
	l, got := open(t, mem.Crash(rand.New(rand.NewSource(2))), 0, opts)
	defer l.Close()
	seen := 0
	for _, r := range got {
		if a, ok := acked[r.lsn]; ok {
			if !bytes.Equal(a, r.data) {
				t.Fatalf("record at %v differs", r.lsn)
			}
			seen++
		}
	}
	if seen != len(acked) {
		t.Fatalf("%d of %d acknowledged records replayed", seen, len(acked))
	}
	t.Logf("%d acknowledged commits before the failure, %d records replayed", len(acked), len(got))
}

// TestGroupCommit: concurrent committers share fsyncs.
func TestGroupCommit(t *testing.T) {
	const goroutines, each = 32, 40
	opts := Options{SegmentSize: 1 << 20, WriterDelay: -1}
	tmp := t.TempDir()
	l, err := Open(vfs.OS, tmp, 0, opts, func(LSN, []byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				end, err := l.Append(payload(g*each+i, 200))
				if err == nil {
					err = l.Flush(end)
				}
				if err != nil {
					t.Error(err)
					return
				}
				if l.FlushedLSN() < end {
					t.Errorf("Flush(%v) returned with FlushedLSN %v", end, l.FlushedLSN())
					return
				}
			}
		}()
	}
	wg.Wait()
	st := l.Stats()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	commits := uint64(goroutines * each)
	t.Logf("%d commits, %d flushes, %d syncs: %.1f commits per fsync", commits, st.Flushes, st.Syncs, float64(commits)/float64(st.Syncs))
	if st.Appends != commits || st.Syncs >= commits || st.Flushes > st.Syncs {
		t.Fatalf("stats %+v", st)
	}
	n := 0
	l, err = Open(vfs.OS, tmp, 0, opts, func(LSN, []byte) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, l)
	if n != int(commits) {
		t.Fatalf("replayed %d of %d commits", n, commits)
	}
}

// TestBackgroundWriter: records appended without Flush become durable,
// and a spare segment is prepared before the switch.
func TestBackgroundWriter(t *testing.T) {
	fs := vfs.NewMem()
	opts := Options{SegmentSize: 4096, WriterDelay: time.Millisecond}
	l, _ := open(t, fs, 0, opts)
	defer l.Close()
	end, err := l.Append(payload(0, 3000))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "background flush", func() bool { return l.FlushedLSN() == end })
	waitFor(t, "spare segment", func() bool {
		return slices.ContainsFunc(files(t, fs), func(n string) bool { return strings.HasPrefix(n, sparePrefix) })
	})
	if _, err := l.Append(payload(1, 3000)); err != nil { // switches segment
		t.Fatal(err)
	}
	waitFor(t, "second flush", func() bool { return l.FlushedLSN() == l.EndLSN() })
	if st := l.Stats(); st.SegmentsReused != 1 || st.SegmentsCreated != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCloseTwiceAndRecycleAfterClose(t *testing.T) {
	l, _ := open(t, vfs.NewMem(), 0, Options{WriterDelay: -1})
	mustClose(t, l)
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if err := l.Recycle(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Recycle after Close: %v", err)
	}
}

// TestBackpressure: without any Flush, an appender that gets BufferLimit
// ahead of the disk writes the buffer out itself.
func TestBackpressure(t *testing.T) {
	fs := vfs.NewMem()
	l, _ := open(t, fs, 0, Options{SegmentSize: 4 << 20, WriterDelay: -1})
	rec := payload(0, 1<<20)
	for l.FlushedLSN() == 0 {
		if l.EndLSN() > 2*BufferLimit {
			t.Fatalf("%v appended and nothing flushed", l.EndLSN())
		}
		if _, err := l.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	if l.EndLSN() < BufferLimit {
		t.Fatalf("flushed at %v, before the buffer limit", l.EndLSN())
	}
	mustClose(t, l)
}
