package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// fuzzSeeds are segment images produced by the writer: frames at 0 in a
// 64-byte-segment log, one record filling a segment, a two-segment log.
func fuzzSeeds(f *testing.F) {
	for _, sizes := range [][]int{{0, 1, 5}, {56}, {20, 20, 40, 3}, {}} {
		fs := vfs.NewMem()
		build(f, fs, Options{SegmentSize: 64, WriterDelay: -1}, sizes...)
		names, err := fs.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		var all []byte
		var second uint32
		for i, n := range names {
			data, err := fs.ReadFile(filepath.Join(dir, n))
			if err != nil {
				f.Fatal(err)
			}
			if i == 1 {
				start, _ := parseSegName(n)
				second = uint32(start)
				f.Add(all, uint16(len(all)), second) // exact two-file image
			}
			all = append(all, data...)
		}
		f.Add(all, uint16(len(all)), uint32(0))
		if len(all) > 8 {
			f.Add(all[1:], uint16(len(all)-1), uint32(0))
		}
	}
	f.Add(make([]byte, 64), uint16(64), uint32(0))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, uint16(8), uint32(0))
}

// FuzzReplay: arbitrary bytes as one or two segment files. Open must not
// panic, must replay only frames that are valid at their LSN (checked here
// against the raw bytes), and the recovered log must take a new record and
// replay everything again.
func FuzzReplay(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, split uint16, second uint32) {
		if len(data) > 1<<16 {
			return
		}
		k := int(split) % (len(data) + 1)
		type file struct {
			start LSN
			data  []byte
		}
		fl := []file{{0, data[:k]}}
		if second != 0 && k < len(data) {
			fl = append(fl, file{LSN(second), data[k:]})
		}
		fs := vfs.NewMem()
		if err := fs.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range fl {
			writeFile(t, fs, segName(f.start), f.data)
		}
		opts := Options{SegmentSize: 64, WriterDelay: -1}
		var got []rec
		l, err := Open(fs, dir, 0, opts, func(lsn LSN, r []byte) error {
			got = append(got, rec{lsn, bytes.Clone(r)})
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open: %v", err)
			}
			return
		}
		next := LSN(0)
		for _, r := range got {
			if r.lsn != next {
				t.Fatalf("record at %v, want %v", r.lsn, next)
			}
			next += LSN(HeaderSize + len(r.data))
			var img []byte
			for _, f := range fl {
				if f.start <= r.lsn && int(r.lsn-f.start)+HeaderSize+len(r.data) <= len(f.data) {
					img = f.data[r.lsn-f.start:]
				}
			}
			if img == nil {
				t.Fatalf("record at %v (%d bytes) lies in no file", r.lsn, len(r.data))
			}
			if binary.LittleEndian.Uint32(img) != 1<<31|uint32(len(r.data)) ||
				binary.LittleEndian.Uint32(img[4:]) != frameCRC(r.lsn, r.data) ||
				!bytes.Equal(img[HeaderSize:HeaderSize+len(r.data)], r.data) {
				t.Fatalf("record at %v is not a valid frame there", r.lsn)
			}
		}
		if l.EndLSN() != next {
			t.Fatalf("end %v after the last record's end %v", l.EndLSN(), next)
		}
		extra := []byte("after recovery")
		if _, err := l.Append(extra); err != nil {
			t.Fatal(err)
		}
		mustClose(t, l)
		l, again := open(t, fs, 0, opts)
		defer l.Close()
		want := append(got, rec{next, extra})
		if len(again) != len(want) {
			t.Fatalf("second replay: %d records, want %d", len(again), len(want))
		}
		for i := range want {
			if again[i].lsn != want[i].lsn || !bytes.Equal(again[i].data, want[i].data) {
				t.Fatalf("second replay: record #%d differs", i)
			}
		}
	})
}

// FuzzRoundTrip: records cut from the input (each length is one byte of
// it) are appended with random flushes and replayed unchanged.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0, 3, 'a', 'b', 'c', 60, 1})
	f.Add(bytes.Repeat([]byte{200}, 500))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := vfs.NewMem()
		opts := Options{SegmentSize: 128, WriterDelay: -1}
		l, _ := open(t, fs, 0, opts)
		var recs [][]byte
		for len(data) > 0 {
			n := min(int(data[0]), len(data)-1)
			recs = append(recs, data[1:1+n])
			data = data[1+n:]
		}
		starts := make([]LSN, len(recs))
		for i, r := range recs {
			starts[i] = l.EndLSN()
			end, err := l.Append(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(r)%3 == 0 {
				if err := l.Flush(end); err != nil {
					t.Fatal(err)
				}
			}
		}
		mustClose(t, l)
		l, got := open(t, fs, 0, opts)
		defer l.Close()
		check(t, got, recs, starts)
	})
}
