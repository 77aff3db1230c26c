package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

const dir = "db/wal"

// rec is a replayed record.
type rec struct {
	lsn  LSN
	data []byte
}

// open opens the log and collects the replayed records.
func open(t testing.TB, fs vfs.FS, from LSN, opts Options) (*Log, []rec) {
	t.Helper()
	var got []rec
	l, err := Open(fs, dir, from, opts, func(lsn LSN, r []byte) error {
		got = append(got, rec{lsn, bytes.Clone(r)})
		return nil
	})
	if err != nil {
		t.Fatalf("Open(from %v): %v", from, err)
	}
	return l, got
}

// payload returns a record whose bytes depend on i and n, so that a record
// replayed at the wrong place or with the wrong length is noticed.
func payload(i, n int) []byte {
	b := make([]byte, n)
	for k := range b {
		b[k] = byte(i*31 + k*7 + k>>8)
	}
	return b
}

// appendAll appends the records and returns each one's start LSN.
func appendAll(t testing.TB, l *Log, recs [][]byte) []LSN {
	t.Helper()
	starts := make([]LSN, len(recs))
	for i, r := range recs {
		starts[i] = l.EndLSN()
		if _, err := l.Append(r); err != nil {
			t.Fatalf("Append #%d: %v", i, err)
		}
	}
	return starts
}

// check compares replayed records with the expected ones.
func check(t testing.TB, got []rec, want [][]byte, starts []LSN) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("replayed %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].lsn != starts[i] {
			t.Fatalf("record #%d at %v, want %v", i, got[i].lsn, starts[i])
		}
		if !bytes.Equal(got[i].data, want[i]) {
			t.Fatalf("record #%d at %v: %d bytes differ from the %d appended", i, got[i].lsn, len(got[i].data), len(want[i]))
		}
	}
}

func files(t testing.TB, fs vfs.FS) []string {
	t.Helper()
	names, err := fs.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func mustClose(t testing.TB, l *Log) {
	t.Helper()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// frameCRC computes a record's crc independently of the package's code
// path (one pass over a concatenation), as the format defines it.
func frameCRC(lsn LSN, p []byte) uint32 {
	b := binary.LittleEndian.AppendUint64(nil, uint64(lsn))
	return crc32.Checksum(append(b, p...), crc32.MakeTable(crc32.Castagnoli))
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		segSize int64
		sizes   []int
	}{
		{"empty log", 0, nil},
		{"one empty record", 0, []int{0}},
		{"small records", 0, []int{0, 1, 7, 8, 100, 4096, 0, 3}},
		{"exact fit", 128, []int{120, 56, 56, 0, 0, 0, 0}},
		{"larger than a segment", 4096, []int{10, 5000, 10, 4088, 4089, 0, 70000}},
		{"20 MiB", 1 << 20, []int{1, 20 << 20, 2}},
		// Replay's window grows for the big record and is then reused
		// to zero a tail larger than a zero chunk.
		{"big record, then a long tail", 3 << 20, []int{5 << 20, 10}},
		{"many segments", 256, func() []int {
			r := rand.New(rand.NewSource(1))
			s := make([]int, 2000)
			for i := range s {
				s[i] = r.Intn(300)
			}
			return s
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			opts := Options{SegmentSize: tc.segSize, WriterDelay: -1}
			l, got := open(t, fs, 0, opts)
			if len(got) != 0 {
				t.Fatalf("new log replayed %d records", len(got))
			}
			want := make([][]byte, len(tc.sizes))
			for i, n := range tc.sizes {
				want[i] = payload(i, n)
			}
			starts := appendAll(t, l, want)
			end := l.EndLSN()
			var total int
			for _, n := range tc.sizes {
				total += HeaderSize + n
			}
			if end != LSN(total) {
				t.Fatalf("EndLSN %v after %d frame bytes", end, total)
			}
			// Flush half, then the rest on Close.
			if len(starts) > 0 {
				if err := l.Flush(starts[len(starts)/2]); err != nil {
					t.Fatal(err)
				}
				if l.FlushedLSN() < starts[len(starts)/2] {
					t.Fatalf("FlushedLSN %v < %v", l.FlushedLSN(), starts[len(starts)/2])
				}
			}
			mustClose(t, l)
			if _, err := l.Append(nil); !errors.Is(err, ErrClosed) {
				t.Fatalf("Append after Close: %v", err)
			}

			l, got = open(t, fs, 0, opts)
			check(t, got, want, starts)
			if l.EndLSN() != end || l.FlushedLSN() != end {
				t.Fatalf("reopened at end %v flushed %v, want %v", l.EndLSN(), l.FlushedLSN(), end)
			}
			mustClose(t, l)

			// Replay from every 97th record boundary.
			for k := 0; k < len(starts); k += 97 {
				l, got = open(t, fs, starts[k], opts)
				check(t, got, want[k:], starts[k:])
				mustClose(t, l)
			}
			// From the end: nothing.
			l, got = open(t, fs, end, opts)
			if len(got) != 0 {
				t.Fatalf("replay from the end gave %d records", len(got))
			}
			mustClose(t, l)
		})
	}
}

// TestFrameFormat checks the on-disk frame against the documented layout,
// computed here without the package's helpers.
func TestFrameFormat(t *testing.T) {
	fs := vfs.NewMem()
	l, _ := open(t, fs, 0, Options{SegmentSize: 4096, WriterDelay: -1})
	recs := [][]byte{[]byte("hello"), {}, []byte("world!")}
	appendAll(t, l, recs)
	mustClose(t, l)
	data, err := fs.ReadFile(filepath.Join(dir, "0000000000000000.wal"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 4096 {
		t.Fatalf("segment is %d bytes, want preallocated 4096", len(data))
	}
	pos := 0
	for _, r := range recs {
		if got, want := binary.LittleEndian.Uint32(data[pos:]), uint32(len(r))|1<<31; got != want {
			t.Fatalf("length word at %d: %#x, want %#x", pos, got, want)
		}
		if got, want := binary.LittleEndian.Uint32(data[pos+4:]), frameCRC(LSN(pos), r); got != want {
			t.Fatalf("crc at %d: %#x, want %#x", pos, got, want)
		}
		if !bytes.Equal(data[pos+8:pos+8+len(r)], r) {
			t.Fatalf("payload at %d differs", pos)
		}
		pos += 8 + len(r)
	}
	if !bytes.Equal(data[pos:], make([]byte, len(data)-pos)) {
		t.Fatal("bytes after the last record are not zero")
	}
}

func TestSegmentNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		lsn  LSN
		ok   bool
	}{
		{"0000000000000000.wal", 0, true},
		{"00000000deadbeef.wal", 0xdeadbeef, true},
		{"ffffffffffffffff.wal", 1<<64 - 1, true},
		{"00000000DEADBEEF.wal", 0, false},
		{"000000000000000.wal", 0, false},
		{"00000000000000000.wal", 0, false},
		{"000000000000000g.wal", 0, false},
		{"+000000000000000.wal", 0, false},
		{"0000000000000000.wa", 0, false},
		{"spare-0000000000000000", 0, false},
	} {
		lsn, ok := parseSegName(tc.name)
		if ok != tc.ok || (ok && lsn != tc.lsn) {
			t.Errorf("parseSegName(%q) = %v, %v; want %v, %v", tc.name, lsn, ok, tc.lsn, tc.ok)
		}
		if ok && segName(lsn) != tc.name {
			t.Errorf("segName(%v) = %q, want %q", lsn, segName(lsn), tc.name)
		}
	}
	if got := LSN(0x16B3748).String(); got != "0/16B3748" {
		t.Errorf("LSN.String = %q", got)
	}
	if got := LSN(0x1_0000_00A0).String(); got != "1/A0" {
		t.Errorf("LSN.String = %q", got)
	}
}

func TestRecycleAndReopenLater(t *testing.T) {
	fs := vfs.NewMem()
	opts := Options{SegmentSize: 1024, WriterDelay: -1}
	l, _ := open(t, fs, 0, opts)
	var want [][]byte
	var starts []LSN
	add := func(n int) {
		for i := 0; i < n; i++ {
			r := payload(len(want), 50+len(want)%200)
			starts = append(starts, l.EndLSN())
			want = append(want, r)
			if _, err := l.Append(r); err != nil {
				t.Fatal(err)
			}
			if i%10 == 9 {
				if err := l.Flush(l.EndLSN()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	add(100)
	before := len(files(t, fs))
	cut := 60
	if err := l.Flush(starts[cut]); err != nil {
		t.Fatal(err)
	}
	if err := l.Recycle(starts[cut]); err != nil {
		t.Fatal(err)
	}
	names := files(t, fs)
	var segs, spares int
	for _, n := range names {
		if start, ok := parseSegName(n); ok {
			segs++
			_ = start
		} else if strings.HasPrefix(n, sparePrefix) {
			spares++
		}
	}
	if segs >= before || spares == 0 || spares > maxSpares {
		t.Fatalf("after Recycle: %d segments (before %d files), %d spares: %v", segs, before, spares, names)
	}
	if st := l.Stats(); st.SegmentsRecycled == 0 {
		t.Fatalf("stats: %+v", st)
	}
	// Appending reuses the spares: their stale frames must never be read.
	add(100)
	if st := l.Stats(); st.SegmentsReused == 0 {
		t.Fatalf("no spare was reused: %+v", st)
	}
	mustClose(t, l)

	l, got := open(t, fs, starts[cut], opts)
	check(t, got, want[cut:], starts[cut:])
	// Replay from before the cut: those segments are gone.
	mustClose(t, l)
	if _, err := Open(fs, dir, 0, opts, func(LSN, []byte) error { return nil }); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open from a recycled LSN: %v, want ErrCorrupt", err)
	}
	// Recycle to the end keeps the current segment, so the log reopens
	// at its end.
	l, _ = open(t, fs, starts[cut], opts)
	end := l.EndLSN()
	if err := l.Recycle(end); err != nil {
		t.Fatal(err)
	}
	mustClose(t, l)
	l, got = open(t, fs, end, opts)
	if len(got) != 0 || l.EndLSN() != end {
		t.Fatalf("after recycling everything: %d records, end %v want %v", len(got), l.EndLSN(), end)
	}
	mustClose(t, l)
}

// TestCrashPrefix crashes the file system at random moments with torn
// writes of unsynced data (via a failing sync) and checks that replay
// yields a prefix of the appended records that includes every flushed one.
func TestCrashPrefix(t *testing.T) {
	for seed := int64(0); seed < 60; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			mem := vfs.NewMem()
			opts := Options{SegmentSize: int64(512 + rng.Intn(20000)), WriterDelay: -1}
			var want [][]byte
			var starts []LSN
			from, acked := LSN(0), 0
			for round := 0; round < 5; round++ {
				// Once armed, the nth segment sync fails: what it covered
				// was written but may be lost or torn in the crash.
				armed, syncs, failAt := false, 0, 1+rng.Intn(12)
				fs := vfs.WithErrors(mem, func(op vfs.Op, name string) error {
					if armed && op == vfs.OpSync && strings.HasSuffix(name, segSuffix) {
						if syncs++; syncs >= failAt {
							return syscall.EIO
						}
					}
					return nil
				})
				l, got := open(t, fs, from, opts)
				k := 0
				if from != 0 {
					k = slices.Index(starts, from)
				}
				if len(got) > len(want)-k {
					t.Fatalf("round %d: replayed %d records, only %d were appended", round, len(got), len(want)-k)
				}
				check(t, got, want[k:k+len(got)], starts[k:k+len(got)])
				if k+len(got) < acked {
					t.Fatalf("round %d: replayed %d records from #%d, but #%d was flushed", round, len(got), k, acked-1)
				}
				// What survived a crash is durable now.
				want, starts, acked = want[:k+len(got)], starts[:k+len(got)], k+len(got)
				armed = true
				for i := 0; i < 50; i++ {
					r := payload(i+round*1000, rng.Intn(3*int(opts.SegmentSize)/2))
					s := l.EndLSN()
					if _, err := l.Append(r); err != nil {
						if !errors.Is(err, ErrBroken) || !errors.Is(err, syscall.EIO) {
							t.Fatalf("Append on a broken log: %v", err)
						}
						break
					}
					want, starts = append(want, r), append(starts, s)
					if rng.Intn(3) == 0 {
						if err := l.Flush(l.EndLSN()); err != nil {
							if !errors.Is(err, ErrBroken) || !errors.Is(err, syscall.EIO) {
								t.Fatalf("Flush: %v", err)
							}
							break
						}
						acked = len(want)
					}
				}
				_ = l.Close() // fails when broken; the crash decides
				// Sometimes recover from a later, checkpoint-like LSN.
				if rng.Intn(2) == 0 && acked > 0 {
					from = starts[rng.Intn(acked)]
				}
				mem = mem.Crash(rng)
			}
		})
	}
}
