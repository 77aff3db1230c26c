package pager

import (
	"math/rand"
	"testing"
)

// benchPages is the data size of the read benchmarks: 2048 pages = 16 MiB,
// in the OS page cache for fs=os (these measure the pager's overhead,
// checksums included, not the disk).
const benchPages = 2048

func BenchmarkPageRead(b *testing.B) {
	for _, fc := range fsCases {
		b.Run("fs="+fc.name, func(b *testing.B) {
			fs, path := fc.fs(b)
			p, _ := mustOpen(b, fs, path)
			defer p.Close()
			buf := make([]byte, PageSize)
			for range benchPages {
				no := p.Allocate()
				fillPage(buf, no, 1, 1)
				if err := p.WritePage(no, buf); err != nil {
					b.Fatal(err)
				}
			}
			rng := rand.New(rand.NewSource(1))
			b.SetBytes(PageSize)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := p.ReadPage(PageNo(2+rng.Intn(benchPages)), buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPageWrite(b *testing.B) {
	for _, fc := range fsCases {
		b.Run("fs="+fc.name, func(b *testing.B) {
			fs, path := fc.fs(b)
			p, _ := mustOpen(b, fs, path)
			defer p.Close()
			buf := make([]byte, PageSize)
			for range benchPages {
				p.Allocate()
			}
			fillPage(buf, 2, 1, 1)
			rng := rand.New(rand.NewSource(1))
			b.SetBytes(PageSize)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := p.WritePage(PageNo(2+rng.Intn(benchPages)), buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckpoint measures a checkpoint of a file with many free pages
// (the chain encoding and the three syncs; fs=mem leaves only the CPU part).
func BenchmarkCheckpoint(b *testing.B) {
	for _, fc := range fsCases {
		b.Run("fs="+fc.name, func(b *testing.B) {
			fs, path := fc.fs(b)
			p, _ := mustOpen(b, fs, path)
			defer p.Close()
			for range 100000 {
				p.Allocate()
			}
			for no := PageNo(2); no < 100000; no += 3 {
				p.Free(no, p.Epoch())
			}
			payload := make([]byte, 200)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				cp := p.BeginCheckpoint()
				if err := p.FinishCheckpoint(cp, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
