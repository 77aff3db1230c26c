package wal

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// BenchmarkAppendFlush is a commit: Append a pgbench-sized write set and
// wait for it to be durable, on real files, from 1 and 8 goroutines.
// fsyncs/op shows how much group commit shares.
func BenchmarkAppendFlush(b *testing.B) {
	for _, goroutines := range []int{1, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
			l, err := Open(vfs.OS, b.TempDir(), 0, Options{WriterDelay: -1}, func(LSN, []byte) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			rec := payload(1, 200)
			b.SetBytes(int64(len(rec)))
			b.ResetTimer()
			var n atomic.Int64
			var wg sync.WaitGroup
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n.Add(1) <= int64(b.N) {
						end, err := l.Append(rec)
						if err == nil {
							err = l.Flush(end)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			st := l.Stats()
			b.ReportMetric(float64(st.Syncs)/float64(b.N), "fsyncs/op")
		})
	}
}

// BenchmarkAppend is the CPU cost of Append alone, the commit path with
// synchronous_commit=off; flushes are outside the timer.
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{100, 4096} {
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			l, err := Open(vfs.NewMem(), dir, 0, Options{SegmentSize: 64 << 20, WriterDelay: -1}, func(LSN, []byte) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			rec := payload(1, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Append(rec); err != nil {
					b.Fatal(err)
				}
				if i%1024 == 1023 {
					b.StopTimer()
					if err := l.Flush(l.EndLSN()); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			}
		})
	}
}

// BenchmarkReplay is recovery speed: replaying 16 MiB of 200-byte records.
func BenchmarkReplay(b *testing.B) {
	fs := vfs.NewMem()
	opts := Options{SegmentSize: 4 << 20, WriterDelay: -1}
	l, _ := open(b, fs, 0, opts)
	rec := payload(1, 200)
	for l.EndLSN() < 16<<20 {
		if _, err := l.Append(rec); err != nil {
			b.Fatal(err)
		}
	}
	total := int64(l.EndLSN())
	mustClose(b, l)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := Open(fs, dir, 0, opts, func(LSN, []byte) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
