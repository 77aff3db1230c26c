package memstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

func collect(t testing.TB, it storage.Iterator) (ids []storage.RowID, vals []int) {
	t.Helper()
	defer it.Close()
	for {
		r, ok := it.Next()
		if !ok {
			break
		}
		ids = append(ids, it.ID())
		vals = append(vals, r[0].(int))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, vals
}

// TestSnapshot checks the contract: an open iterator sees the rows of the
// moment Scan returned, whatever happens afterwards.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	tb := New()
	const n = 3*chunkSize + 5 // several chunks, the last one partly used
	for i := 0; i < n; i++ {
		if err := tb.Insert(ctx, storage.Row{i}); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := tb.Scan(ctx)
	ids, _ := collect(t, mustScan(t, tb))
	// Change every kind of slot after the snapshot.
	for i, id := range ids {
		switch i % 3 {
		case 0:
			if err := tb.Update(ctx, id, storage.Row{-i}); err != nil {
				t.Fatal(err)
			}
		case 1:
			if err := tb.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = tb.Insert(ctx, storage.Row{n})
	_, vals := collect(t, snap)
	if len(vals) != n {
		t.Fatalf("snapshot saw %d rows, want %d", len(vals), n)
	}
	for i, v := range vals {
		if v != i {
			t.Fatalf("snapshot row %d = %d", i, v)
		}
	}
	// A new scan sees the changes.
	_, vals = collect(t, mustScan(t, tb))
	var want []int
	for i := 0; i < n; i++ {
		switch i % 3 {
		case 0:
			want = append(want, -i)
		case 2:
			want = append(want, i)
		}
	}
	want = append(want, n)
	if fmt.Sprint(vals) != fmt.Sprint(want) {
		t.Fatalf("after changes: %v\nwant %v", vals, want)
	}
	if got := tb.Count(); got != int64(len(want)) {
		t.Fatalf("Count = %d, want %d", got, len(want))
	}
	// Deleted and unknown IDs are reported.
	if err := tb.Delete(ctx, ids[1]); !errors.Is(err, storage.ErrRowNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if err := tb.Update(ctx, 0, nil); !errors.Is(err, storage.ErrRowNotFound) {
		t.Fatalf("update id 0: %v", err)
	}
	if err := tb.Update(ctx, storage.RowID(n+100), nil); !errors.Is(err, storage.ErrRowNotFound) {
		t.Fatalf("update past end: %v", err)
	}
	snap2, _ := tb.Scan(ctx)
	_ = tb.Truncate(ctx)
	if _, vals := collect(t, snap2); len(vals) != len(want) {
		t.Fatalf("snapshot across truncate saw %d rows", len(vals))
	}
	if tb.Count() != 0 {
		t.Fatal("not empty after truncate")
	}
}

func mustScan(t testing.TB, tb *Table) storage.Iterator {
	it, err := tb.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestCancel(t *testing.T) {
	tb := New()
	for i := 0; i < 3000; i++ {
		_ = tb.Insert(context.Background(), storage.Row{i})
	}
	ctx, cancel := context.WithCancel(context.Background())
	it, _ := tb.Scan(ctx)
	cancel()
	if _, ok := it.Next(); ok {
		t.Fatal("row after cancel")
	}
	if !errors.Is(it.Err(), context.Canceled) {
		t.Fatalf("Err = %v", it.Err())
	}
}

// TestConcurrent mixes writers and scanners (run with -race): writers only
// add rows or rewrite them with the same value, so every scan must see at
// least the initial rows, with increasing IDs.
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	tb := New()
	for i := 0; i < 2*chunkSize; i++ {
		_ = tb.Insert(ctx, storage.Row{1})
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				id := storage.RowID(1 + (i*7+w)%(2*chunkSize))
				_ = tb.Update(ctx, id, storage.Row{1})
				_ = tb.Insert(ctx, storage.Row{1})
				it, _ := tb.Scan(ctx)
				var last storage.RowID
				for {
					_, ok := it.Next()
					if !ok {
						break
					}
					if it.ID() <= last {
						t.Error("IDs not increasing")
					}
					last = it.ID()
				}
				it.Close()
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			it, _ := tb.Scan(ctx)
			sum := 0
			for {
				r, ok := it.Next()
				if !ok {
					break
				}
				sum += r[0].(int)
			}
			it.Close()
			if sum < 2*chunkSize {
				t.Errorf("scan saw %d rows", sum)
				return
			}
		}
	}()
	// Let the writers finish inserting, then stop the scanner.
	for tb.Count() < 2*chunkSize+4000 {
		it, _ := tb.Scan(ctx)
		it.Close()
	}
	close(stop)
	wg.Wait()
	if tb.Count() != 2*chunkSize+4000 {
		t.Fatalf("Count = %d", tb.Count())
	}
}

// benchTable returns a table of n two-column rows.
func benchTable(ctx context.Context, n int) *Table {
	tb := New()
	for i := 0; i < n; i++ {
		_ = tb.Insert(ctx, storage.Row{i, "x"})
	}
	return tb
}

func BenchmarkScan(b *testing.B) {
	ctx := context.Background()
	tb := benchTable(ctx, 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it, _ := tb.Scan(ctx)
		for {
			if _, ok := it.Next(); !ok {
				break
			}
		}
		it.Close()
	}
}

// BenchmarkScanUpdate is pgbench's pattern without an index: a scan, then
// one update (which copies a chunk the scan shared).
func BenchmarkScanUpdate(b *testing.B) {
	ctx := context.Background()
	tb := benchTable(ctx, 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it, _ := tb.Scan(ctx)
		it.Close()
		_ = tb.Update(ctx, storage.RowID(1+i%100000), storage.Row{i, "y"})
	}
}
