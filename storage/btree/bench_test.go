package btree

import (
	"encoding/binary"
	"math/rand"
	"testing"
)

// benchKey writes an 8-byte big-endian key (an int8 primary key as the
// codec encodes it) into buf.
func benchKey(buf []byte, i uint64) []byte {
	binary.BigEndian.PutUint64(buf, i)
	return buf[:8]
}

var benchVal = make([]byte, 100) // a pgbench_accounts row is about 100 bytes

func BenchmarkInsert(b *testing.B) {
	for _, order := range []string{"sequential", "random"} {
		b.Run(order, func(b *testing.B) {
			e := newEnv(b, 4096) // 32 MiB pool
			rng := rand.New(rand.NewSource(1))
			var kb [8]byte
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := uint64(i)
				if order == "random" {
					k = rng.Uint64()
				}
				if err := e.tree.Put(benchKey(kb[:], k), benchVal); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// loaded returns a tree with n sequential keys, checkpointed so that
// its pages are clean.
func loaded(b *testing.B, n int) *env {
	e := newEnv(b, 4096)
	var kb [8]byte
	i := 0
	tree, err := Build(e.bp, func() ([]byte, []byte, bool, error) {
		if i == n {
			return nil, nil, false, nil
		}
		i++
		return benchKey(kb[:], uint64(i-1)), benchVal, true, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	e.tree = tree
	e.checkpoint()
	return e
}

func BenchmarkSearch(b *testing.B) {
	const n = 100000 // pgbench scale 1
	e := loaded(b, n)
	rng := rand.New(rand.NewSource(1))
	var kb [8]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, found, err := e.tree.Get(benchKey(kb[:], uint64(rng.Intn(n))))
		if err != nil || !found {
			b.Fatal(found, err)
		}
	}
}

func BenchmarkRangeScan(b *testing.B) {
	const n, scan = 100000, 100
	e := loaded(b, n)
	rng := rand.New(rand.NewSource(1))
	var kb [8]byte
	c := e.tree.Cursor()
	defer c.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := 0
		for ok := c.SeekGE(benchKey(kb[:], uint64(rng.Intn(n-scan)))); ok && j < scan; ok = c.Next() {
			if _, err := c.Value(); err != nil {
				b.Fatal(err)
			}
			j++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*scan), "ns/row")
}

// BenchmarkMemory reports the bytes of pages per entry for 8-byte keys
// and 100-byte values, after random inserts and after Build.
func BenchmarkMemory(b *testing.B) {
	const n = 100000
	for _, how := range []string{"random-insert", "build"} {
		b.Run(how, func(b *testing.B) {
			var st Stats
			for it := 0; it < b.N; it++ {
				var e *env
				if how == "build" {
					e = loaded(b, n)
				} else {
					e = newEnv(b, 4096)
					rng := rand.New(rand.NewSource(1))
					var kb [8]byte
					for _, k := range rng.Perm(n) {
						if err := e.tree.Put(benchKey(kb[:], uint64(k)), benchVal); err != nil {
							b.Fatal(err)
						}
					}
				}
				var err error
				if st, err = e.tree.Stats(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Pages)*pageSize/float64(st.Entries), "bytes/entry")
			b.ReportMetric(float64(len(benchVal)+8), "payload-bytes/entry")
		})
	}
}
