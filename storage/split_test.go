package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// TestSplitRanges checks that the ranges of a split cover the key range
// exactly, in order, are roughly even, and that scanning them from
// several goroutines at once over one transaction (with its own writes
// and a concurrent commit it must not see) returns what one scan does.
func TestSplitRanges(t *testing.T) {
	e := openMem(t)
	setup := e.Begin(storage.ReadCommitted)
	id, err := setup.CreateTree()
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	const rows = 20000
	kv := map[string]string{}
	for i := 0; i < rows; i++ {
		kv[fmt.Sprintf("k%06d", i)] = fmt.Sprintf("value-%d-%s", i, bytes.Repeat([]byte("x"), i%40))
	}
	commitKV(t, e, id, kv)

	tx := e.Begin(storage.RepeatableRead)
	defer tx.Rollback()
	// Own writes and a later commit the snapshot must not see.
	for i := 0; i < rows; i += 997 {
		if err := tx.Put(id, []byte(fmt.Sprintf("k%06d", i)), []byte("own")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Delete(id, []byte("k000005")); err != nil {
		t.Fatal(err)
	}
	commitKV(t, e, id, map[string]string{"k000007": "later", "zzz": "later"}, "k000009")
	want := scanAll(t, tx, id)

	for _, tc := range []struct {
		lo, hi string
		n      int
	}{
		{"", "", 1}, {"", "", 2}, {"", "", 4}, {"", "", 64}, {"k001000", "k015000", 3}, {"k001000", "k001001", 4},
	} {
		var lo, hi []byte
		if tc.lo != "" {
			lo, hi = []byte(tc.lo), []byte(tc.hi)
		}
		ranges, err := tx.SplitRanges(id, lo, hi, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if len(ranges) == 0 || len(ranges) > tc.n {
			t.Fatalf("%v: %d ranges", tc, len(ranges))
		}
		if tc.n > 1 && tc.lo == "" && len(ranges) < 2 {
			t.Errorf("%v: a %d-row tree was not split", tc, rows)
		}
		if !bytes.Equal(ranges[0][0], lo) || !bytes.Equal(ranges[len(ranges)-1][1], hi) {
			t.Errorf("%v: ranges do not span [lo, hi): %q", tc, ranges)
		}
		for i := 1; i < len(ranges); i++ {
			if !bytes.Equal(ranges[i-1][1], ranges[i][0]) || (ranges[i][1] != nil && bytes.Compare(ranges[i][0], ranges[i][1]) >= 0) {
				t.Errorf("%v: ranges %d and %d do not abut: %q", tc, i-1, i, ranges)
			}
		}
		// Open every scan here, read them on goroutines.
		its := make([]*storage.Iter, len(ranges))
		for i, r := range ranges {
			if its[i], err = tx.Scan(context.Background(), id, r[0], r[1]); err != nil {
				t.Fatal(err)
			}
		}
		parts := make([]string, len(ranges))
		counts := make([]int, len(ranges))
		var wg sync.WaitGroup
		for i, it := range its {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer it.Close()
				var b bytes.Buffer
				for it.Next() {
					if b.Len() > 0 {
						b.WriteByte(' ')
					}
					fmt.Fprintf(&b, "%s=%s", it.Key(), it.Value())
					counts[i]++
				}
				if err := it.Err(); err != nil {
					t.Error(err)
				}
				parts[i] = b.String()
			}()
		}
		wg.Wait()
		got := ""
		for _, p := range parts {
			if p != "" && got != "" {
				got += " "
			}
			got += p
		}
		if lo == nil {
			if got != want {
				t.Errorf("%v: split scans differ from one scan", tc)
			}
			if tc.n > 1 && tc.n <= 4 {
				for i, c := range counts {
					if c < rows/tc.n/3 {
						t.Errorf("%v: range %d has %d rows of %d (counts %v)", tc, i, c, rows, counts)
					}
				}
			}
		}
	}
}

// BenchmarkSplitRanges measures splitting a tree of 100k keys in four.
func BenchmarkSplitRanges(b *testing.B) {
	e := openMem(b)
	setup := e.Begin(storage.ReadCommitted)
	id, _ := setup.CreateTree()
	setup.Commit(context.Background())
	kv := map[string]string{}
	for i := 0; i < 100000; i++ {
		kv[fmt.Sprintf("k%07d", i)] = "v"
	}
	commitKV(b, e, id, kv)
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tx.SplitRanges(id, nil, nil, 4); err != nil {
			b.Fatal(err)
		}
	}
}
