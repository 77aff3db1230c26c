package storage_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// The per-row key lookups of an index nested loop (a key read per outer
// row) go through one of these paths; their ns/op and allocs/op are what
// one outer row pays in storage.

// cpuNanos is the process's CPU time (user and system): the machine
// these run on is shared, and CPU time varies far less with its load
// than wall time does.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// cpuPerOp reports the CPU time since start per operation.
func cpuPerOp(b *testing.B, start int64) {
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
}

// lookupKey returns the key of the i-th lookup into an n-row tree:
// a stride that visits the tree in no particular order.
func lookupKey(buf []byte, i, n int) []byte {
	return benchKey(buf, uint64(i*7919%n))
}

// BenchmarkLookupGet is a point read through Txn.Get (a primary-key
// lookup).
func BenchmarkLookupGet(b *testing.B) {
	const n = 100_000
	e := loaded(b, n)
	for _, view := range []bool{false, true} {
		name := "txn"
		if view {
			name = "readview"
		}
		b.Run(name+"/append", func(b *testing.B) {
			tx := e.Begin(storage.ReadCommitted)
			defer tx.Rollback()
			rd := tx
			if view {
				rd = tx.ReadView()
			}
			var k, v []byte
			b.ReportAllocs()
			start := cpuNanos()
			defer func() { cpuPerOp(b, start) }()
			for i := 0; b.Loop(); i++ {
				k = lookupKey(k, i, n)
				var ok bool
				var err error
				if v, ok, err = rd.GetAppend(storage.CatalogTree, k, v[:0]); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(name, func(b *testing.B) {
			tx := e.Begin(storage.ReadCommitted)
			defer tx.Rollback()
			rd := tx
			if view {
				rd = tx.ReadView()
			}
			var k []byte
			b.ReportAllocs()
			start := cpuNanos()
			defer func() { cpuPerOp(b, start) }()
			for i := 0; b.Loop(); i++ {
				k = lookupKey(k, i, n)
				if _, ok, err := rd.Get(storage.CatalogTree, k); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

// BenchmarkLookupScanOne is a Scan of the one-key range [k, k+1): what a
// lookup by a secondary index's whole key or by a key prefix that
// matches one row costs.
func BenchmarkLookupScanOne(b *testing.B) {
	const n = 100_000
	e := loaded(b, n)
	ctx := context.Background()
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	var lo, hi []byte
	b.ReportAllocs()
	start := cpuNanos()
	defer func() { cpuPerOp(b, start) }()
	for i := 0; b.Loop(); i++ {
		lo = lookupKey(lo, i, n)
		hi = append(append(hi[:0], lo...), 0) // the least key above lo
		it, err := tx.Scan(ctx, storage.CatalogTree, lo, hi)
		if err != nil {
			b.Fatal(err)
		}
		if !it.Next() {
			b.Fatal("no row", it.Err())
		}
		it.Close()
	}
}

// BenchmarkLookupReseek is BenchmarkLookupScanOne through one Iter
// re-seeked per lookup (Iter.Reseek), as a nested loop's inner side
// reads.
func BenchmarkLookupReseek(b *testing.B) {
	const n = 100_000
	e := loaded(b, n)
	ctx := context.Background()
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	it, err := tx.Scan(ctx, storage.CatalogTree, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	var lo, hi []byte
	b.ReportAllocs()
	start := cpuNanos()
	defer func() { cpuPerOp(b, start) }()
	for i := 0; b.Loop(); i++ {
		lo = lookupKey(lo, i, n)
		hi = append(append(hi[:0], lo...), 0)
		if err := it.Reseek(lo, hi); err != nil {
			b.Fatal(err)
		}
		if !it.Next() {
			b.Fatal("no row", it.Err())
		}
		it.Close()
	}
}
