package storage_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/storage"
)

// BenchmarkBulkInsert is COPY's storage path: one transaction inserts
// rows (Insert: row lock, uniqueness check, write set) in key order into
// an existing tree, then commits (one log record, apply, history). The
// time is per row.
func BenchmarkBulkInsert(b *testing.B) {
	const rows = 100_000
	e := openDisk(b)
	ctx := context.Background()
	val := make([]byte, 120)
	var k []byte
	next := uint64(0)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		tx := e.Begin(storage.ReadCommitted)
		id, err := tx.CreateTree()
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		tx = e.Begin(storage.ReadCommitted)
		for range rows {
			next++
			k = benchKey(k, next)
			v := append([]byte(nil), val...)
			if err := tx.Insert(ctx, id, k, v); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	// The process's CPU time (all threads, GC included) is what to
	// compare on a shared machine, where wall time mostly measures the
	// neighbours.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*rows), "cpu-ns/row")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
