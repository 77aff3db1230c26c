package storage_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// openDisk opens an engine on real files in a temporary directory (the
// OS file system, so commits pay for real fsyncs).
func openDisk(b *testing.B) *storage.Engine {
	b.Helper()
	e, err := storage.Open(storage.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

func benchKey(buf []byte, i uint64) []byte {
	return binary.BigEndian.AppendUint64(buf[:0], i)
}

// BenchmarkCommit measures a one-row synchronous commit on real files:
// with 8 goroutines group commit shares each fsync.
func BenchmarkCommit(b *testing.B) {
	for _, par := range []int{1, 8} {
		b.Run(fmt.Sprint("goroutines=", par), func(b *testing.B) {
			e := openDisk(b)
			ctx := context.Background()
			val := make([]byte, 100)
			var seq atomic.Uint64
			b.SetParallelism(par) // GOMAXPROCS may be 1 or 2 here
			b.ResetTimer()
			if par == 1 {
				var k []byte
				for i := 0; b.Loop(); i++ {
					tx := e.Begin(storage.ReadCommitted)
					k = benchKey(k, uint64(i))
					tx.Put(storage.CatalogTree, k, val)
					if err := tx.Commit(ctx); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			b.RunParallel(func(pb *testing.PB) {
				var k []byte
				for pb.Next() {
					tx := e.Begin(storage.ReadCommitted)
					k = benchKey(k, seq.Add(1))
					tx.Put(storage.CatalogTree, k, val)
					if err := tx.Commit(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// loaded returns an engine holding n rows of 100 bytes, checkpointed.
func loaded(b *testing.B, n int) *storage.Engine {
	b.Helper()
	e := openDisk(b)
	val := make([]byte, 100)
	var k []byte
	for i := 0; i < n; {
		tx := e.Begin(storage.ReadCommitted)
		tx.SyncCommit = false
		for j := 0; j < 1000 && i < n; j, i = j+1, i+1 {
			k = benchKey(k, uint64(i))
			tx.Put(storage.CatalogTree, k, val)
		}
		if err := tx.Commit(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Checkpoint(); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkPointGet measures a point read in a 100k-row tree.
func BenchmarkPointGet(b *testing.B) {
	const n = 100_000
	e := loaded(b, n)
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	var k []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k = benchKey(k, uint64(i*7919%n))
		if _, ok, err := tx.Get(storage.CatalogTree, k); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkScan measures a full scan of a 100k-row tree; ns/op is per
// row.
func BenchmarkScan(b *testing.B) {
	benchScan(b, (*storage.Txn).Scan)
}

// benchScan measures full scans of a 100k-row tree made by scan (Scan or
// ScanReverse), reporting ns per row.
func benchScan(b *testing.B, scan func(*storage.Txn, context.Context, storage.TreeID, []byte, []byte) (*storage.Iter, error)) {
	const n = 100_000
	e := loaded(b, n)
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	ctx := context.Background()
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		it, err := scan(tx, ctx, storage.CatalogTree, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		for it.Next() {
			rows++
		}
		it.Close()
		if it.Err() != nil {
			b.Fatal(it.Err())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}
