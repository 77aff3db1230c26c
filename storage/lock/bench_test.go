package lock

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		// Shaped like the engine's keys: a tree id and an encoded key.
		keys[i] = fmt.Sprintf("\x00\x00\x00\x10\x80\x00%08d", i)
	}
	return keys
}

// BenchmarkUncontended is pgbench's hot path: a transaction locks keys
// nobody else holds and releases them at commit.
func BenchmarkUncontended(b *testing.B) {
	for _, perTxn := range []int{1, 4} {
		b.Run(fmt.Sprintf("locks=%d", perTxn), func(b *testing.B) {
			m := NewManager()
			keys := benchKeys(1 << 16)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				txn := TxnID(i + 1)
				for j := range perTxn {
					if err := m.Lock(ctx, txn, keys[(i*perTxn+j)&(len(keys)-1)], Exclusive, Block); err != nil {
						b.Fatal(err)
					}
				}
				m.ReleaseAll(txn)
			}
		})
	}
	b.Run("parallel", func(b *testing.B) {
		m := NewManager()
		keys := benchKeys(1 << 16)
		ctx := context.Background()
		var next atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			base := next.Add(1) << 40 // disjoint txn ids and keys per goroutine
			i := 0
			for pb.Next() {
				txn := TxnID(base + uint64(i) + 1)
				k := keys[(int(base>>40)*7919+i)&(len(keys)-1)]
				if err := m.Lock(ctx, txn, k, Exclusive, Block); err != nil {
					b.Fatal(err)
				}
				m.ReleaseAll(txn)
				i++
			}
		})
	})
}

// BenchmarkContended has every goroutine take a few hot keys, so requests
// queue and wake each other (the pgbench tpcb-like branch rows).
func BenchmarkContended(b *testing.B) {
	for _, tc := range []struct {
		name string
		keys int
		mode Mode
	}{
		{"exclusive-1key", 1, Exclusive},
		{"exclusive-4keys", 4, Exclusive},
		{"shared-1key", 1, Shared},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := NewManager()
			keys := benchKeys(tc.keys)
			ctx := context.Background()
			var next atomic.Uint64
			b.SetParallelism(4)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					txn := TxnID(next.Add(1))
					// One key per transaction: no deadlock can happen.
					if err := m.Lock(ctx, txn, keys[i%len(keys)], tc.mode, Block); err != nil {
						b.Fatal(err)
					}
					m.ReleaseAll(txn)
					i++
				}
			})
		})
	}
}
