package bufpool

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// BenchmarkPoolHitRate reads pages with a Zipf-skewed access pattern (s =
// 1.1, hot pages spread over the file) through pools of 10%, 50% and 100%
// of the data size, and reports the hit rate.
func BenchmarkPoolHitRate(b *testing.B) {
	const dataPages = 2048
	p, _ := newPager(b)
	nos := makePages(b, p, dataPages)
	rand.New(rand.NewSource(2)).Shuffle(len(nos), func(i, j int) { nos[i], nos[j] = nos[j], nos[i] })
	for _, pct := range []int{10, 50, 100} {
		b.Run(fmt.Sprintf("pool=%d%%", pct), func(b *testing.B) {
			bp := New(p, int64(dataPages*pct/100)*pager.PageSize)
			zipf := rand.NewZipf(rand.New(rand.NewSource(1)), 1.1, 1, dataPages-1)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				f, err := bp.Get(nos[zipf.Uint64()])
				if err != nil {
					b.Fatal(err)
				}
				bp.Unpin(f)
			}
			s := bp.Stats()
			b.ReportMetric(100*float64(s.Hits)/float64(s.Hits+s.Misses), "hit%")
		})
	}
}

// BenchmarkGetHit is the cost of a hit (lookup, pin, LRU move, unpin), from
// one goroutine and from all.
func BenchmarkGetHit(b *testing.B) {
	p, _ := newPager(b)
	nos := makePages(b, p, 256)
	bp := New(p, 1024*pager.PageSize)
	for _, no := range nos { // load, then touch again to reach Am
		f, _ := bp.Get(no)
		bp.Unpin(f)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			f, err := bp.Get(nos[i%len(nos)])
			if err != nil {
				b.Fatal(err)
			}
			bp.Unpin(f)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				f, err := bp.Get(nos[i%len(nos)])
				if err != nil {
					b.Error(err)
					return
				}
				bp.Unpin(f)
				i++
			}
		})
	})
}
