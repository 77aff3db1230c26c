package storage_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// collect renders a scan as "k=v" strings.
func collect(t testing.TB, it *storage.Iter, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []string
	for it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScanReverse checks that a descending scan yields exactly the
// ascending scan's entries backwards, over ranges spanning several
// batches, with versions deleted and changed after the snapshot and the
// transaction's own puts and deletes in between.
func TestScanReverse(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	rng := rand.New(rand.NewSource(1))
	key := func(i int) string { return fmt.Sprintf("k%05d", i) }
	base := map[string]string{}
	for i := 0; i < 3000; i += 2 {
		base[key(i)] = "v0"
	}
	commitKV(t, e, c, base)
	tx := e.Begin(storage.RepeatableRead)
	defer tx.Rollback()
	if _, _, err := tx.Get(c, []byte(key(0))); err != nil { // take the snapshot
		t.Fatal(err)
	}
	// Changes after the snapshot: the scan must still see base.
	later := map[string]string{}
	var dels []string
	for i := 0; i < 3000; i += 7 {
		if i%2 == 0 && i%3 == 0 {
			dels = append(dels, key(i))
		} else {
			later[key(i)] = "later"
		}
	}
	commitKV(t, e, c, later, dels...)
	// Own writes.
	for i := 0; i < 400; i++ {
		k := key(rng.Intn(3000))
		if rng.Intn(3) == 0 {
			if err := tx.Delete(c, []byte(k)); err != nil {
				t.Fatal(err)
			}
		} else if err := tx.Put(c, []byte(k), []byte("own")); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	bound := func() []byte {
		if rng.Intn(4) == 0 {
			return nil
		}
		return []byte(key(rng.Intn(3100)))
	}
	for round := 0; round < 40; round++ {
		lo, hi := bound(), bound()
		it, err := tx.Scan(ctx, c, lo, hi)
		fwd := collect(t, it, err)
		it, err = tx.ScanReverse(ctx, c, lo, hi)
		rev := collect(t, it, err)
		slices.Reverse(rev)
		if !slices.Equal(fwd, rev) || (lo == nil && hi == nil && len(fwd) < 1000) {
			t.Fatalf("[%q, %q): reverse scan has %d entries, forward %d", lo, hi, len(rev), len(fwd))
		}
	}
}

// BenchmarkScanReverse measures a descending full scan of a 100k-row
// tree beside BenchmarkScan's ascending one.
func BenchmarkScanReverse(b *testing.B) {
	benchScan(b, (*storage.Txn).ScanReverse)
}
